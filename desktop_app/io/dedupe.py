"""Duplicate keys in a preview: exact repeats dropped, conflicting ones reported."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.io.model import ImportPreview, Problem, Records

KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("sf_account_id",),
    "contacts": ("sf_contact_id",),
    "opportunities": ("sf_opportunity_id",),
    "tickets": ("key",),
    "subscriptions": ("external_id",),
    "nps": ("response_id",),
    "usage": ("lms_id", "account_name", "month"),
}


def take(values: list[Any], idx: Any) -> list[Any]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    out: list[Any] = array[idx].tolist()
    return out


def _repeats(data: dict[str, list[Any]], keys: list[str], n: int) -> list[tuple[int, int]]:
    """(row, first row with the same key) for each repeated key; all-blank keys never repeat.

    pandas' hash table instead of a dict of a million tuples keeps big files small.
    """
    values = np.empty(n, dtype=object)
    if len(keys) == 1:
        values[:] = data[keys[0]]
    else:  # element by element: numpy would broadcast a list of tuples into 2-D
        for i, key in enumerate(zip(*(data[k] for k in keys), strict=True)):
            values[i] = None if all(v is None for v in key) else key
    codes, _uniques = pd.factorize(values)
    valid = codes >= 0
    _seen, first_index = np.unique(codes[valid], return_index=True)
    firsts = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(valid)
    firsts[rows] = rows[first_index[np.searchsorted(_seen, codes[valid])]]
    hit = np.flatnonzero(valid & (firsts != np.arange(n)))
    return list(zip(hit.tolist(), firsts[hit].tolist(), strict=True))


def dedupe_columns(
    kind: str, data: dict[str, list[Any]], numbers: list[int], preview: ImportPreview
) -> tuple[Records, list[int]]:
    """``dedupe`` on columns: the same rows are kept and the same problems reported."""
    records = Records(data, len(numbers))
    keys = [k for k in KEYS.get(kind, ()) if numbers and k in data]
    if not keys:
        return records, numbers
    drop: list[int] = []
    for i, first in _repeats(data, keys, len(numbers)):
        key = tuple(data[k][i] for k in keys)
        drop.append(i)
        if records.row(first) == records.row(i):
            _repeat(preview, numbers[i], numbers[first])
        else:
            preview.problems.append(Problem(
                preview.file and Path(preview.file).name, preview.sheet, numbers[i], None,
                f"duplicate {'/'.join(keys)} {_show(key)} with different values "
                f"(first seen on row {numbers[first]})",
            ))  # fmt: skip
    if not drop:
        return records, numbers
    kept = np.setdiff1d(np.arange(len(numbers)), np.array(drop))
    data = {n: take(v, kept) for n, v in data.items()}
    return Records(data, len(kept)), [numbers[i] for i in kept.tolist()]


def dedupe(
    kind: str, records: list[dict[str, Any]], numbers: list[int], preview: ImportPreview
) -> tuple[list[dict[str, Any]], list[int]]:
    """Drop exact duplicate keys; a conflicting duplicate is a Problem on the later row."""
    keys = [k for k in KEYS.get(kind, ()) if records and k in records[0]]
    if not keys or (kind == "usage" and "month" not in keys):
        return records, numbers
    # pandas' hash table, not a dict of tuples: a wide usage file melts to millions of rows.
    columns = {k: [rec.get(k) for rec in records] for k in keys}
    repeats = _repeats(columns, keys, len(records))
    del columns
    if not repeats:
        return records, numbers
    drop = np.zeros(len(records), dtype=bool)
    for i, first in repeats:
        drop[i] = True
        if records[first] == records[i]:
            _repeat(preview, numbers[i], numbers[first])
        else:
            key = tuple(records[i].get(k) for k in keys)
            preview.problems.append(Problem(
                preview.file and Path(preview.file).name, preview.sheet, numbers[i], None,
                f"duplicate {'/'.join(keys)} {_show(key)} with different values "
                f"(first seen on row {numbers[first]})",
            ))  # fmt: skip
    kept = np.flatnonzero(~drop).tolist()
    return [records[i] for i in kept], [numbers[i] for i in kept]


def _repeat(preview: ImportPreview, row: int, first: int) -> None:
    """An exact repeat is skipped, counted and listed (never dropped without a word)."""
    last = preview.skipped_rows[-1][0] if preview.skipped_rows else None
    if row in (first, last):  # a wide sheet melts one row into several records
        return
    preview.rows_skipped += 1
    preview.skipped_rows.append((row, f"exact repeat of row {first}"))


def _show(key: tuple[Any, ...]) -> str:
    return "/".join(v.isoformat() if isinstance(v, date | datetime) else str(v) for v in key)
