import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.ids import is_salesforce_id, to_15, to_18

VECTORS = [
    ("70130000001tcyI", "70130000001tcyIAAQ"),
    ("003G000001SUbc4", "003G000001SUbc4IAD"),
    ("00558000001N0Ke", "00558000001N0KeAAK"),
    ("001550V000WOQZi", "001550V000WOQZiACP"),
    ("001bm00001ZL8U9", "001bm00001ZL8U9AAL"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
]


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_published_vectors(id15: str, id18: str) -> None:
    assert to_18(id15) == id18
    assert to_18(id18) == id18
    assert to_15(id18) == id15


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_case_mangled_18_char_ids_are_repaired(id15: str, id18: str) -> None:
    assert to_18(id18.upper()) == id18
    assert to_18(id18.lower()) == id18


@pytest.mark.parametrize("bad", ["", "abc", "001bm00001ZL8U9A", "001bm00001ZL8U9A!L", "x" * 19])
def test_non_ids_are_refused(bad: str) -> None:
    assert not is_salesforce_id(bad)
    with pytest.raises(ValueError, match="not a Salesforce id"):
        to_18(bad)


@pytest.mark.parametrize("good", ["001bm00001ZL8U9", "001bm00001ZL8U9AAL", " 001bm00001ZL8U9 "])
def test_ids_have_the_shape(good: str) -> None:
    assert is_salesforce_id(good.strip())
    assert to_18(good) == "001bm00001ZL8U9AAL"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        # B: the first character would be upper case, but it is a digit
        ("001bm00001ZL8U9BAL", "checksum does not match"),
        ("001bm00001ZL8U99AL", "not a Salesforce id"),  # 9 is not a checksum character
    ],
)
def test_18_char_ids_with_a_wrong_checksum_are_refused(bad: str, message: str) -> None:
    assert is_salesforce_id(bad)  # the shape is right...
    with pytest.raises(ValueError, match=message):  # ...the checksum is not
        to_18(bad)


_ALNUM = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    min_size=15,
    max_size=15,
)


@given(_ALNUM)
def test_roundtrip_and_case_repair(id15: str) -> None:
    id18 = to_18(id15)
    assert len(id18) == 18
    assert to_15(id18) == id15
    assert to_18(id18.upper()) == id18
