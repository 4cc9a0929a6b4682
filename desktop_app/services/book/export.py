"""Export the account table as the user sees it (.xlsx or .csv), formatted like the screens.

Money in dollars, dates as dates, counts with separators and scores in whole points; the
.xlsx has a frozen, filterable header and is written by the streaming writer in
``io.exporters.xlsx_writer`` (openpyxl took 13 s for 20k rows). Callers run it on a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.domain.arrays import IntArray
from desktop_app.domain.book import BookColumns

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sf_account_id", "SF Account ID"),
    ("name", "Account Name"),
    ("owner", "Owner"),
    ("team_lead", "Team Lead"),
    ("lms_id", "LMS ID"),
    ("recurly_id", "Recurly ID"),
    ("segment", "Segment"),
    ("band", "Health Band"),
    ("health_score", "Health Score"),
    ("mau", "MAU"),
    ("seats", "Seats"),
    ("mrr", "MRR"),
    ("arr", "ARR"),
    ("renewal_date", "Renewal Date"),
    ("open_tickets", "Open Tickets"),
    ("lifecycle", "Lifecycle"),
)


#: Number formats of the exported columns (the rest are text or plain numbers).
EXPORT_FORMATS: dict[str, str] = {
    "mau": "integer", "seats": "integer", "mrr": "money", "arr": "money",
    "renewal_date": "date", "open_tickets": "integer",
}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(date)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _plain_column(values: np.ndarray, key: str) -> list[Any]:
    """One column as plain Python values, converted whole (not a numpy call per cell)."""
    if values.dtype.kind == "M":
        dates: list[Any] = values.astype("datetime64[D]").astype(object).tolist()
        return dates  # NaT becomes None
    if values.dtype.kind == "f":
        if key == "health_score":  # whole points, as every screen shows them
            values = np.round(values)
        out: list[Any] = values.astype(object).tolist()
        return [None if v != v else v for v in out]  # NaN -> empty cell
    if values.dtype.kind in "iu":
        ints: list[Any] = values.tolist()
        return ints
    return [_plain(v) for v in values.tolist()]


def export_report(
    path: str | Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] | None = None,
) -> int:
    """Write a small table the user sees (a worklist, a report) to .xlsx or .csv."""
    from desktop_app.io.view_export import write_table

    return write_table(path, list(headers), [list(r) for r in rows], formats or ())


def export_view(book: BookColumns, order: IntArray, path: str) -> int:
    """Export the rows ``order`` of the book (the table as the user sees it)."""
    from desktop_app.io.view_export import write_table

    columns = [_plain_column(getattr(book, key)[order], key) for key, _ in EXPORT_COLUMNS]
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    formats = [EXPORT_FORMATS.get(key) for key, _ in EXPORT_COLUMNS]
    return write_table(path, [h for _, h in EXPORT_COLUMNS], rows, formats)
