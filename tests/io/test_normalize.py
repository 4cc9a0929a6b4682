"""Normalisers and the table locator: examples plus hypothesis fuzzing."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.io import dates
from desktop_app.io import normalize as nz
from desktop_app.io.locate import locate_table

cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.floats(allow_nan=True),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$1,234.50", 1234.5),
        ("USD 1,234.50", 1234.5),
        ("1.234,50 €", 1234.5),
        ("(1,234.50)", -1234.5),
        ("-", 0.0),
        ("", None),
        (12.0, 12.0),
        ("JPY 10,000", 10000.0),
    ],
)
def test_money(raw: object, expected: float | None) -> None:
    assert nz.parse_money(raw) == expected


def test_money_cents_and_decimal_comma() -> None:
    assert nz.parse_money("800", cents=True) == 8.0
    assert nz.parse_money("1.234,5", decimal_comma=True) == 1234.5
    with pytest.raises(ValueError, match="not a money amount"):
        nz.parse_money("abc")


def test_percent_by_column() -> None:
    assert nz.normalize_percents(["45%", "12.5%"]) == [45.0, 12.5]
    assert nz.normalize_percents([0.45, 0.5, None]) == [45.0, 50.0, None]
    assert nz.normalize_percents(["45", "80"]) == [45.0, 80.0]


def test_text_stays_text() -> None:
    assert nz.clean_text("  NA ") == "NA"
    assert nz.clean_text("null") == "null"
    assert nz.clean_text(1001.0) == "1001"
    assert nz.parse_sf_id("001BM00001ZL8U9AAL") == "001bm00001ZL8U9AAL"  # case repaired


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/Mar/24 3:05 PM", datetime(2024, 3, 12, 15, 5)),
        ("2024-03-12 10:00:00 UTC", datetime(2024, 3, 12, 10, 0)),
        ("2012-06-27 03:47:28 PDT", datetime(2012, 6, 27, 10, 47, 28)),
        ("2015-09-04T15:33:26.000+0000", datetime(2015, 9, 4, 15, 33, 26)),
        (45658.0, datetime(2025, 1, 1)),
        (date(2024, 1, 1), datetime(2024, 1, 1)),
        ("1/12/2026", datetime(2026, 1, 12)),
    ],
)
def test_instants(raw: object, expected: datetime) -> None:
    assert dates.parse_instant(raw) == expected


def test_impossible_date_and_order() -> None:
    with pytest.raises(ValueError, match="not a valid date"):
        dates.parse_date("2024-02-30")
    assert dates.decide_order(["03/04/2024", "25/12/2024"]) == ("dmy", True)
    assert dates.decide_order(["03/04/2024"]) == ("mdy", False)
    assert dates.parse_date(datetime(2024, 5, 6, 7, 8)) == date(2024, 5, 6)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_normalisers_raise_only_value_error(value: object) -> None:
    for func in (
        nz.parse_money,
        nz.parse_number,
        nz.parse_int,
        nz.parse_bool,
        nz.parse_sf_id,
        nz.parse_email,
        dates.parse_instant,
        dates.parse_date,
        dates.parse_month,
    ):
        with contextlib.suppress(ValueError):
            func(value)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, max_size=8), max_size=25))
def test_locator_never_raises_anything_but_value_error(rows: list[list[object]]) -> None:
    try:
        table = locate_table(rows)
    except ValueError:
        return
    assert len(table.row_numbers) + table.skipped == len(rows) - table.header.data_start
    assert all(len(c.codes) == len(table.row_numbers) for c in table.columns)


def test_locator_on_report_rows() -> None:
    rows = [
        ["Accounts report"],
        ["Filtered By: Type = Customer"],
        [],
        ["Owner", "Account Name", "MRR"],
        ["Ann", "Acme", 1.0],
        ["", "", ""],
        ["Owner", "Account Name", "MRR"],
        ["Bob", "Zeta", 0.0],
        ["Grand Total (2 records)", "", 1.0],
        ["Confidential Information - Do Not Distribute"],
    ]
    table = locate_table(rows)
    assert table.header.names == ["Owner", "Account Name", "MRR"]
    assert table.row_numbers.tolist() == [5, 8]
    assert table.skipped == 4
    assert table.columns[1].values() == ["Acme", "Zeta"]
