"""Columns of driver values as numpy arrays, converted by numpy in C.

The book reader turns each query's columns (tuples of what the driver returns: SQLite text
and numbers, PostgreSQL decimals and dates) into arrays here. A Python test per value cost
about three times as much on the loading worker, which shares the interpreter with the
window being built; numpy reads ``None`` as NaN / NaT itself. A value numpy will not take
is converted value by value, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from desktop_app.domain.arrays import DateArray, FloatArray


def float_column(values: Sequence[Any]) -> FloatArray:
    """``values`` (numbers, ``None`` for NULL) as floats, ``None`` as NaN."""
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError):  # a value numpy does not take (float() decides)
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def date_column(values: Sequence[Any]) -> DateArray:
    """``values`` (ISO text, dates or datetimes; ``None`` for NULL) as days, ``None`` as NaT;
    text numpy will not read as a date is cut to its first 10 characters (a date)."""
    try:
        return np.array(values, dtype="datetime64[D]")
    except (TypeError, ValueError):
        return np.array(
            ["NaT" if d is None else str(d)[:10] for d in values], dtype="datetime64[D]"
        )


def one_each(values: Iterable[Any], seen: dict[Any, Any]) -> list[Any]:
    """``values`` with equal ones made one object (the first seen, kept in ``seen``): the
    driver returns a new string per row, so a 100k-account book held 100k copies of
    "active" and of each band (and of each band reason's few thousand texts), ~6 MB per
    column. ``map`` over the dict's own method runs in C."""
    return list(map(seen.setdefault, values, values))
