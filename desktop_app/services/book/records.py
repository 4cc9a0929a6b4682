"""The book as plain records and as rows of the table's export, built column by column.

Each column is converted to Python values once (``tolist``) and the columns are zipped into
rows: one pass over the book whatever its size (``tests/services/test_scaling.py``).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

import numpy as np

from desktop_app.domain.accounts import AccountRecord, HealthBand
from desktop_app.domain.arrays import DateArray, FloatArray, IntArray
from desktop_app.domain.book import BookColumns
from desktop_app.services.book.portfolio import load_book
from desktop_app.store.book_reader import read_contributions
from desktop_app.store.engine import Store


def account_records(store: Store, owner: str | None = None) -> list[AccountRecord]:
    """Every account as a plain record (what ``accounts --json`` prints)."""
    book, rows = _rows_of(store, owner)
    return _records(book, rows, _health_measures(store))


def account_columns(store: Store, owner: str | None = None) -> dict[str, list[Any]]:
    """``account_records`` column by column: each ``AccountRecord`` field (in field order)
    with its values, one per account (``accounts --json`` zips them into its objects
    without building a record each)."""
    book, rows = _rows_of(store, owner)
    ids = book.account_id[rows].tolist()
    measures = _health_measures(store)
    return _columns(book, rows, ids, [measures.get(a) for a in ids])


def _rows_of(store: Store, owner: str | None) -> tuple[BookColumns, IntArray]:
    """The book and the rows of ``owner``'s accounts (every row when None)."""
    book = load_book(store)
    rows = np.arange(len(book))
    if owner:
        rows = np.flatnonzero(np.char.lower(book.owner.astype(str)) == owner.lower())
    return book, rows


def _records(
    book: BookColumns, rows: IntArray, measures: dict[int, dict[str, float]]
) -> list[AccountRecord]:
    ids = book.account_id[rows].tolist()
    columns = _columns(book, rows, ids, [measures.get(a) for a in ids])
    return [AccountRecord(*row) for row in zip(*columns.values(), strict=True)]


def _optional(values: FloatArray, cast: Any = float) -> list[Any]:
    """Python values of ``values``, NaN as None."""
    return [None if v != v else cast(v) for v in values.tolist()]  # v != v: NaN


def _dates(values: DateArray) -> list[date | None]:
    """Python dates of a datetime64 column, NaT as None."""
    days = values.astype("datetime64[D]")
    return [
        None if bad else d for bad, d in zip(np.isnat(days).tolist(), days.tolist(), strict=True)
    ]


def _columns(
    book: BookColumns, rows: IntArray, ids: list[int], measures: list[dict[str, float] | None]
) -> dict[str, list[Any]]:
    def col(name: str) -> list[Any]:
        out: list[Any] = getattr(book, name)[rows].tolist()
        return out

    band = [None if b is None else str(HealthBand(b).value) for b in book.band[rows].tolist()]
    tickets = col("open_tickets") if "tickets" in book.sources else [None] * len(rows)
    overrides = col("override_band")
    # health_band is the band in force; where a person overrode it, the reason says so
    # before the computed band's own reason, so the two never contradict each other.
    reasons = [
        r if o is None else f"{o}: set by hand (computed — {r or 'not scored'})"
        for r, o in zip(col("band_reason"), overrides, strict=True)
    ]
    columns: dict[str, list[Any]] = {
        "id": ids,
        "sf_account_id": col("sf_account_id"),
        "name": col("name"),
        "owner": col("owner"),
        "team_lead": col("team_lead"),
        "lms_id": col("lms_id"),
        "recurly_id": col("recurly_id"),
        "segment": col("segment"),
        "industry": col("industry"),
        "seats": _optional(book.seats[rows], int),
        "mrr": _optional(book.mrr[rows]),
        "arr": _optional(book.arr[rows]),
        "renewal_date": _dates(book.renewal_date[rows]),
        "lifecycle": col("lifecycle"),
        "churn_type": col("churn_type"),
        "churn_reason": [None] * len(rows),
        "mau": _optional(book.mau[rows], int),
        "open_tickets": tickets,
        "health_score": _optional(book.health_score[rows]),
        "health_band": band,
        "health_override": overrides,
        "health_measures": measures,
        "health_band_reason": reasons,
    }
    assert tuple(columns) == _FIELDS, "the columns must follow AccountRecord's fields"
    return columns


_FIELDS = tuple(f.name for f in fields(AccountRecord))


def _health_measures(store: Store) -> dict[int, dict[str, float]]:
    """Account id -> {measure id: contribution} from the stored health breakdowns."""
    with store.engine.connect() as conn:
        return read_contributions(conn)
