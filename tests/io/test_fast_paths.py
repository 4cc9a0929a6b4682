"""The whole-column fast paths give exactly what the per-cell normalisers give."""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from desktop_app.domain.ids import to_18
from desktop_app.io import normalize as nz
from desktop_app.io.model import ImportPreview, ImportTable

TEXTS = ["Acme", "  Acme  ", "A  B", "a\tb", 12.0, 3.5, True, "x\ny", "Zoë"]
IDS = ["001A000000000AB", "001a000000000ab", "001A000000000ABIAA", "001A000000000abIAA",
       " 001A000000000AB ", "bad id", "001A00000000ÄAB", 15.0]  # fmt: skip
NUMBERS = ["1234.5", "-5", "+7", "1,234.50", "$12", "(3.00)", "abc", 4, 2.5, float("nan"),
           "1e3", "1_000", "12.0", 10**400, "-"]  # fmt: skip


def _slow(values: list[object], parse: object) -> tuple[list[object], dict[int, str]]:
    return nz.normalize_uniques(values, parse)  # type: ignore[arg-type]


def test_clean_texts_equal_clean_text() -> None:
    assert nz.clean_texts(TEXTS) == [nz.clean_text(v) for v in TEXTS]


def test_sf_ids_equal_parse_sf_id() -> None:
    assert nz.sf_ids_18(IDS) == _slow(IDS, nz.parse_sf_id)


def test_a_column_of_15_character_values_equals_parse_sf_id() -> None:
    """A column of 15-character texts only (a report's id column) takes the one-array path;
    any value it cannot prove an id sends the column to the per-value path."""
    rng = random.Random(5)
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ids = ["".join(rng.choice(alnum) for _ in range(15)) for _ in range(2000)]
    assert nz.sf_ids_18(ids) == (_slow(ids, nz.parse_sf_id)[0], {})
    assert nz.sf_ids_18(ids)[0][:2] == [to_18(ids[0]), to_18(ids[1])]
    for odd in ("001A000000000-B", "001A00000000ÄAB", "001A00000000 AB", " 001A000000000A"):
        column = [*ids[:50], odd]
        assert nz.sf_ids_18(column) == _slow(column, nz.parse_sf_id), odd


def test_numbers_equal_per_cell_parsers() -> None:
    for dc in (False, True):
        money = partial(nz.parse_money, decimal_comma=dc)
        assert nz.numbers_fast(NUMBERS, money, decimal_comma=dc) == _slow(NUMBERS, money)
        cents = partial(nz.parse_money, decimal_comma=dc, cents=True)
        assert nz.numbers_fast(NUMBERS, cents, cents=True, decimal_comma=dc) == _slow(
            NUMBERS, cents
        )
        ints = partial(nz.parse_int, decimal_comma=dc)
        assert nz.numbers_fast(NUMBERS, ints, whole=True, decimal_comma=dc) == _slow(NUMBERS, ints)


def test_plain_decimals_are_checked_slice_by_slice_to_the_last_value() -> None:
    """The shape check runs over slices of ``_PLAIN_SLICE`` values (one regex over a
    million values held ~430 MB of matcher state): an odd value in any slice, the first,
    a middle one or the last value of all, sends the column to the per-value path."""
    n = nz._PLAIN_SLICE * 2 + 7
    plain = [f"{i * 1.25:.2f}" for i in range(n)]
    assert nz._all_plain(plain)
    money = nz.parse_money
    assert nz.numbers_fast(plain, money) == (_slow(plain, money)[0], {})
    for at in (0, nz._PLAIN_SLICE - 1, nz._PLAIN_SLICE, n - 1):
        for odd in ("$12.00", "", "1e3", "7."):
            column = list(plain)
            column[at] = odd
            assert not nz._all_plain(column), (at, odd)
            assert nz.numbers_fast(column, money) == _slow(column, money), (at, odd)


def test_records_view_builds_rows_on_demand() -> None:
    view = ImportTable({"a": [1, 2, 3], "b": ["x", None, "z"]}, [2, 3, 4])
    assert len(view) == 3
    assert view[1] == {"a": 2, "b": None}
    assert view[-1] == {"a": 3, "b": "z"}
    assert view[:2] == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    assert view == [{"a": 1, "b": "x"}, {"a": 2, "b": None}, {"a": 3, "b": "z"}]
    assert view != []
    assert ImportTable({}, []) == []


def test_preview_lists_its_source_columns(tmp_path: object) -> None:
    from pathlib import Path

    from desktop_app.io.importer import build_preview

    path = Path(str(tmp_path)) / "accounts.csv"
    path.write_text("Account ID,Account Name,Account Owner,MRR\n"
                    "001A000000000AB,Acme,Holly,12\n", encoding="utf-8")  # fmt: skip
    preview: ImportPreview = build_preview(path)
    assert preview.columns == ["Account ID", "Account Name", "Account Owner", "MRR"]
    assert preview.records[0]["sf_account_id"] == to_18("001A000000000AB")
    assert preview.records[0]["mrr"] == 12.0


def test_whole_column_numbers_equal_per_cell_parsers() -> None:
    """The bulk path (one regex, numpy parse) gives the per-cell values and types."""
    import random

    rng = random.Random(1)
    columns: list[list[object]] = [
        [f"{rng.uniform(-1e6, 1e6):.2f}" for _ in range(500)],
        [str(rng.randint(0, 5000)) for _ in range(500)],
        [rng.uniform(0, 1e5) for _ in range(500)],
        [float(rng.randint(0, 5000)) for _ in range(500)],
        [rng.randint(0, 5000) for _ in range(500)],
        ["1.5", "2", "+3", "-4.25", "0007", "1" * 30],
        [2**70, 3],
        ["12", "1.5"],
    ]
    for values in columns:
        for parse, whole in ((nz.parse_money, False), (nz.parse_int, True)):
            got = nz.numbers_fast(values, parse, whole=whole)
            want = _slow(values, parse)
            assert got == want
            assert [type(v) for v in got[0]] == [type(v) for v in want[0]]


def test_a_column_of_texts_is_cleaned_as_cell_by_cell() -> None:
    """The one-scan path (texts joined by NUL) finds exactly the values to clean."""
    import random

    rng = random.Random(3)
    pieces = ["a", "b", " ", "  ", "\t", "\n", "\r", "\u00a0", "é", "x", "\x1c", "", "\x00"]
    for _ in range(3000):
        values = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
                  for _ in range(rng.randint(1, 8))]  # fmt: skip
        assert nz.clean_texts(values) == [nz.clean_text(v) for v in values]


def test_factorising_in_chunks_equals_factorising_the_whole_column() -> None:
    """Codes in order of first appearance, blanks (None, '', spaces, NaN) as -1, and a value
    first seen in a later chunk gets the next code: the same as one pass over the column."""
    from desktop_app.io.locate import FactorMerger, factorize

    nan = float("nan")
    column = ["b", "", "a", None, "b", "  ", nan, "c", 1.0, "a", True, "d", "", "c"]
    whole = factorize(column)
    assert whole.uniques == ["b", "a", "c", 1.0, "d"]  # True equals 1.0: one value
    assert whole.codes.tolist() == [0, -1, 1, -1, 0, -1, -1, 2, 3, 1, 3, 4, -1, 2]
    assert whole.values() == ["b", None, "a", None, "b", None, None, "c", 1.0, "a", 1.0, "d",
                              None, "c"]  # fmt: skip
    merger = FactorMerger()
    for start in range(0, len(column), 4):
        merger.add(column[start : start + 4])
    chunked = merger.column()
    assert chunked.uniques == whole.uniques
    assert chunked.codes.tolist() == whole.codes.tolist()
    assert factorize(["x"] * 3 + ["  "] * 2).codes.tolist() == [0, 0, 0, -1, -1]
    assert factorize([]).codes.tolist() == []


def test_a_column_of_distinct_values_factorises_as_through_the_merger() -> None:
    """All-distinct columns take positions as codes; blanks among them still become -1 and
    leave the uniques, exactly as the merger (one dict of codes) does."""
    from desktop_app.io.locate import FactorMerger, factorize

    rng = random.Random(11)
    nan = float("nan")
    pool: list[Any] = ["a", "b", " ", "", None, nan, 2.5, "c", "\u00a0", 7, "Acme"]
    for _ in range(500):
        column = rng.sample(pool, rng.randint(0, len(pool)))
        column += [f"id{i}" for i in range(rng.randint(0, 4))]
        merger = FactorMerger()
        merger.add(column)
        slow, fast = merger.column(), factorize(column)
        assert len(set(map(id, column))) == len(column)
        assert fast.codes.tolist() == slow.codes.tolist(), column
        assert fast.uniques == slow.uniques
        assert fast.codes.dtype == slow.codes.dtype
    amounts = [0.5, float("nan"), 2.0, -1.25, float("inf"), 3.0, float("nan")]
    merger = FactorMerger()
    merger.add(amounts)
    assert factorize(amounts).codes.tolist() == merger.column().codes.tolist()
    assert factorize(amounts).codes.tolist() == [0, -1, 1, 2, 3, 4, -1]
    ids = factorize([f"001A{i:011d}" for i in range(1000)] + ["  "])
    assert ids.codes.tolist() == [*range(1000), -1]
    assert len(ids.uniques) == 1000


def test_clean_texts_with_outer_whitespace_only_equal_clean_text() -> None:
    """No double space, tab or line break anywhere: outer whitespace of any kind (no-break,
    ideographic, vertical tab) is still found, and clean values are passed through."""
    values = ["Acme", " Acme", "Acme\xa0", "\u3000Zoë", "a\x0bb", "x\x85", "", "Lakeside Clinic"]
    out = nz.clean_texts(values)
    assert out == [nz.clean_text(v) for v in values]
    assert out == ["Acme", "Acme", "Acme", "Zoë", "a\x0bb", "x", None, "Lakeside Clinic"]
    assert out[7] is values[7]


def test_dedupe_of_distinct_keys_keeps_every_row_in_order() -> None:
    """No repeated key (the usual report): every row kept at its position, in the order of
    the keys; a None key or a repeat takes the rule's full path, with the same answers."""
    from desktop_app.io.dedupe import dedupe

    def never(i: int, j: int) -> bool:
        raise AssertionError("no rows to compare")

    found = dedupe(["b", "a", ("id", 3), "c"], never, positions=[7, 2, 9, 4])
    assert list(found.keep.items()) == [("b", 7), ("a", 2), (("id", 3), 9), ("c", 4)]
    assert (found.repeats, found.conflicts) == ([], [])
    with_none = dedupe(["b", None, "a"], never)
    assert list(with_none.keep.items()) == [("b", 0), (("__none__", 0), 1), ("a", 2)]
    repeated = dedupe(["b", "a", "b"], lambda i, j: True)
    assert list(repeated.keep.items()) == [("b", 0), ("a", 1)]
    assert repeated.repeats == [(2, 0)]


def test_a_sheets_columns_equal_its_zipped_rows() -> None:
    """A rectangular grid is cut into columns through one object array; ragged rows are
    zipped (to the shortest row) as before. Values keep their type and identity."""
    from datetime import datetime

    from desktop_app.io.readers import _columns_of

    when = datetime(2026, 1, 2, 3, 4)
    grid = [["001A000000000AB", 1.5, when, True, ""], ["x", 2, None, False, "  "]] * 3
    assert [list(c()) for c in _columns_of(grid)] == [list(c) for c in zip(*grid, strict=True)]
    assert _columns_of(grid)[2]()[0] is when
    ragged = [["a", 1.0, "x"], ["b", 2.0]]
    assert [tuple(c()) for c in _columns_of(ragged)] == [("a", "b"), (1.0, 2.0)]
    assert _columns_of([]) == []


def test_lifecycle_from_statuses_in_every_row_and_from_churn_dates() -> None:
    from datetime import date

    from desktop_app.io.derive import derive_account_columns

    statuses = ["active", "churned", "former customer", "active", "cancelled", "trial"]
    data: dict[str, list[Any]] = {"lifecycle": list(statuses)}
    derive_account_columns(data, len(statuses))
    assert data["lifecycle"] == ["active", "churned", "churned", "active", "churned", "active"]
    gone = date(2026, 1, 5)
    data = {"lifecycle": ["active", None, None, "closed"], "churn_date": [None, gone, None, None]}
    derive_account_columns(data, 4)
    assert data["lifecycle"] == ["active", "churned", None, "churned"]


def test_mostly_distinct_floats_factorise_as_the_dict_does() -> None:
    """Amounts take numpy's sort; codes and uniques are the dict's (first appearance, the
    first of 0.0 and -0.0); a NaN among them keeps the dict's path."""
    from desktop_app.io.locate import FactorMerger, factorize

    def by_dict(values: list[Any]) -> tuple[list[int], list[Any]]:
        merger = FactorMerger()
        merger.add(values)
        col = merger.column()
        return col.codes.tolist(), col.uniques

    rng = random.Random(3)
    amounts = [round(rng.uniform(0, 500), 1) for _ in range(3000)] + [-0.0, 0.0, 7.5, -0.0]
    rng.shuffle(amounts)
    col = factorize(amounts)
    assert (col.codes.tolist(), col.uniques) == by_dict(amounts)
    assert str(col.uniques[col.codes[amounts.index(0.0)]]) == str(
        next(v for v in amounts if v == 0.0)
    )
    nan = [*amounts[:100], float("nan"), amounts[0]]
    col = factorize(nan)
    assert col.codes[100] == -1
    assert (col.codes.tolist(), col.uniques) == by_dict(nan)
