"""The book reader's column conversions (``store.column_values``: numpy converts a whole
column in C): each gives what converting value by value gives, for every kind of value a
driver returns (SQLite text or numbers, PostgreSQL decimals and dates), and missing values
become NaN / NaT / None."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from desktop_app.store import column_values as cv


def _float_by_value(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _date_by_value(values: list[Any]) -> np.ndarray:
    return np.array(["NaT" if d is None else str(d)[:10] for d in values], dtype="datetime64[D]")


@pytest.mark.parametrize(
    "values",
    [
        [1.5, None, 2, 0.1 + 0.2, -3.25e9],
        [Decimal("60085.20"), None, Decimal("0.1")],  # PostgreSQL NUMERIC
        ["12.5", None, "7"],  # numbers stored as text in SQLite
        [True, None, 3],
        [None, None],
        [],
    ],
)
def test_float_columns_match_the_value_by_value_conversion(values: list[Any]) -> None:
    got = cv.float_column(tuple(values))
    assert got.dtype == np.float64
    assert np.array_equal(got, _float_by_value(values), equal_nan=True)


def test_a_float_column_numpy_refuses_is_converted_value_by_value() -> None:
    class Money:  # a driver type with __float__ only
        def __float__(self) -> float:
            return 4.25

    assert cv.float_column((Money(), None)).tolist()[0] == 4.25
    with pytest.raises(ValueError, match="could not convert"):
        cv.float_column(("n/a",))  # as float("n/a") does


@pytest.mark.parametrize(
    "values",
    [
        ["2027-05-16", None, "2026-12-31"],  # SQLite DATE text
        [date(2027, 5, 16), None],  # PostgreSQL dates
        ["2027-05-16 00:00:00.000000", "2027-05-16T23:59:59", None],  # datetimes as text
        [datetime(2027, 5, 16, 23, 59), None],
        ["", None],
        [],
    ],
)
def test_date_columns_match_the_value_by_value_conversion(values: list[Any]) -> None:
    got = cv.date_column(tuple(values))
    assert got.dtype == np.dtype("datetime64[D]")
    assert np.array_equal(got, _date_by_value(values), equal_nan=True)


def test_a_date_column_numpy_refuses_takes_each_values_first_ten_characters() -> None:
    # numpy will not read a date with text after it; the reader then takes its first ten
    # characters, as it always did.
    got = cv.date_column(("2027-05-16 renewal", None))
    assert got.tolist() == [date(2027, 5, 16), None]


def test_repeated_values_become_one_object_each() -> None:
    a, b = "".join(["act", "ive"]), "".join(["acti", "ve"])
    assert a is not b
    seen: dict[Any, Any] = {}
    first = cv.one_each([a, None, "churned"], seen)
    again = cv.one_each([b, None], seen)
    assert first == [a, None, "churned"]
    assert again == [a, None]
    assert again[0] is a
