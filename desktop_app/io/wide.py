"""Wide usage sheets: one row per account, one column per month, melted to long records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from desktop_app.io import dates

MONTH_PREFIX = "__month:"


def month_of_header(cell: Any) -> date | None:
    """The month a header cell names (a date, an Excel serial, "Jan 2025", "2025-01"), or None."""
    if isinstance(cell, datetime):
        return cell.date().replace(day=1)
    if isinstance(cell, date):
        return cell.replace(day=1)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if not 20000 <= cell <= 80000:  # Excel serials from 1954 to 2119
            return None
    elif isinstance(cell, str):
        text = cell.strip()
        if not text or not any(ch.isdigit() for ch in text) or len(text) > 20:
            return None
    else:
        return None
    try:
        return dates.parse_month(cell)
    except ValueError:
        return None


def month_columns(raw_header: Sequence[Any]) -> dict[int, date]:
    """Column index -> month for header cells that are months."""
    out = {}
    for i, cell in enumerate(raw_header):
        month = month_of_header(cell)
        if month is not None:
            out[i] = month
    return out


def melt_wide(
    records: list[dict[str, Any]], numbers: list[int], months: dict[int, date]
) -> tuple[list[dict[str, Any]], list[int]]:
    """One usage record per account and month; blank cells (no data) give no record, 0 does."""
    out: list[dict[str, Any]] = []
    rows: list[int] = []
    for rec, row in zip(records, numbers, strict=True):
        ids = {k: v for k, v in rec.items() if not k.startswith(MONTH_PREFIX)}
        for ci, month in months.items():
            mau = rec.get(f"{MONTH_PREFIX}{ci}")
            if mau is None:
                continue
            out.append({**ids, "month": month, "mau": mau})
            rows.append(row)
    return out, rows
