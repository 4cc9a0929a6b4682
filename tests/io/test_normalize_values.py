"""The cell normalisers pinned value by value, and the bulk paths equal to the per-cell ones."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.io import normalize as nz


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234", 1234.0),  # one comma and three digits: a thousands separator
        ("1,5", 1.5),  # not three digits: a decimal comma
        ("0,123", 0.123),  # "0," is never a thousands group
        (",5", 0.5),
        ("1,234,567.5", 1234567.5),
        ("1.234.567,5", 1234567.5),  # both marks: the last one is decimal
        ("1.234,5", 1234.5),
        ("-1,234", -1234.0),
        ("+7", 7.0),
        ("1 234", 1234.0),
        ("1'234.5", 1234.5),
        ("1e3", 1000.0),
        ("  42 ", 42.0),
        (3, 3.0),
        (2.5, 2.5),
    ],
)
def test_numbers(raw: object, expected: float) -> None:
    assert nz.parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["1,23,4", "12,3456,789", "1.2.3", "1234,567", "abc", "--1", True, float("inf"), "1,2,3.4,5"],
)
def test_not_numbers(raw: object) -> None:
    with pytest.raises(ValueError, match="not a number"):
        nz.parse_number(raw)


def test_decimal_comma_files() -> None:
    assert nz.parse_number("1.234", decimal_comma=True) == 1234.0
    assert nz.parse_number("1,234", decimal_comma=True) == 1.234
    assert nz.parse_number("1.5", decimal_comma=True) == 1.5  # "1.5" cannot be thousands
    assert nz.parse_number("1.234.567", decimal_comma=True) == 1234567.0
    with pytest.raises(ValueError, match="not a number"):
        nz.parse_number("1,2,3", decimal_comma=True)


def test_whole_numbers() -> None:
    assert nz.parse_int("1,234") == 1234
    assert nz.parse_int(12.0) == 12
    assert nz.parse_int("") is None
    with pytest.raises(ValueError, match="not a whole number"):
        nz.parse_int("12.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-$1,234.50", -1234.5),
        ("- 12", -12.0),
        ("(12)", -12.0),
        ("(-12)", -12.0),
        ("US$ 5", 5.0),
        ("5 EUR", 5.0),
        ("–", 0.0),
        (7, 7.0),
    ],
)
def test_money_by_hand(raw: object, expected: float) -> None:
    assert nz.parse_money(raw) == expected


def test_money_in_cents_rounds_to_cents() -> None:
    assert nz.parse_money("12345", cents=True) == 123.45
    assert nz.parse_money(1, cents=True) == 0.01
    assert nz.parse_money("", cents=True) is None
    with pytest.raises(ValueError, match="not a money amount"):
        nz.parse_money("$")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("x", True), ("1.0", True), (True, True), ("off", False), (0, False)],
)
def test_booleans(raw: object, expected: bool) -> None:
    assert nz.parse_bool(raw) is expected


def test_booleans_refuse_other_text() -> None:
    assert nz.parse_bool("  ") is None
    with pytest.raises(ValueError, match="not yes/no"):
        nz.parse_bool("maybe")


def test_percent_columns_by_hand() -> None:
    # Bare numbers all within 0..1 and some strictly between: fractions.
    assert nz.normalize_percents([0.0, 1.0, 0.25]) == [0.0, 100.0, 25.0]
    # Only 0 and 1: counts, not fractions.
    assert nz.normalize_percents([0.0, 1.0]) == [0.0, 1.0]
    # One bare number above 1 makes the column percentages.
    assert nz.normalize_percents([0.5, 2.0]) == [0.5, 2.0]
    # A "%" cell is never scaled, even in a fraction column.
    assert nz.normalize_percents(["50%", 0.5]) == [50.0, 50.0]
    out = nz.normalize_percents(["abc%", None, "1,5%"], decimal_comma=True)
    assert isinstance(out[0], ValueError)
    assert out[1:] == [None, 1.5]


def test_text_cells() -> None:
    assert nz.clean_text("a \n\t b   c") == "a b c"
    assert nz.clean_text(True) == "TRUE"
    assert nz.clean_text(False) == "FALSE"
    assert nz.clean_text(1001.5) == "1001.5"
    assert nz.clean_text(date(2024, 1, 2)) == "2024-01-02"
    assert nz.clean_text(datetime(2024, 1, 2, 3, 4)) == "2024-01-02T03:04:00"
    assert nz.clean_text(float("nan")) is None
    assert nz.parse_lower(" Active ") == "active"
    assert nz.parse_email(" Ann@X.org ") == "ann@x.org"
    for bad in ("ann.x.org", "ann @x.org"):
        with pytest.raises(ValueError, match="not an e-mail address"):
            nz.parse_email(bad)
    with pytest.raises(ValueError, match="not a Salesforce id"):
        nz.parse_sf_id("001-not-an-id")
    assert nz.parse_sf_id(None) is None


def test_uniques_keep_errors_by_index() -> None:
    values, errors = nz.normalize_uniques(["1", "x", "3"], nz.parse_int)
    assert values == [1, None, 3]
    assert errors == {1: "not a number: 'x'"}


_cells = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.from_regex(r"[+-]?\d{1,7}(\.\d{1,3})?", fullmatch=True),
    st.from_regex(r"\$?\d{1,3}(,\d{3}){0,2}(\.\d\d)?", fullmatch=True),
    st.text(max_size=8),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_cells, max_size=12), st.booleans(), st.booleans())
def test_bulk_numbers_equal_the_per_cell_parsers(values: list[object], cents: bool, comma: bool):
    for parse, whole in (
        (partial(nz.parse_money, cents=cents, decimal_comma=comma), False),
        (partial(nz.parse_int, decimal_comma=comma), True),
    ):
        expected = nz.normalize_uniques(values, parse)
        got = nz.numbers_fast(
            values, parse, cents=cents and not whole, whole=whole, decimal_comma=comma
        )
        assert got == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[A-Za-z0-9]{15}", fullmatch=True),
            st.from_regex(r"[A-Za-z0-9]{18}", fullmatch=True),
            st.text(max_size=16),
            st.none(),
        ),
        max_size=10,
    )
)
def test_bulk_ids_equal_the_per_cell_parser(values: list[object]) -> None:
    assert nz.sf_ids_18(values) == nz.normalize_uniques(values, nz.parse_sf_id)
