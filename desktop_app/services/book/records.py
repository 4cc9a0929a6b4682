"""The book as plain records and as rows of the table's export, built column by column.

Each column is converted to Python values once (``tolist``) and the columns are zipped into
rows: one pass over the book whatever its size (``tests/services/test_scaling.py``).
"""

from __future__ import annotations

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
    book = load_book(store)
    rows = np.arange(len(book))
    if owner:
        rows = np.flatnonzero(np.char.lower(book.owner.astype(str)) == owner.lower())
    measures = _health_measures(store)
    return _records(book, rows, measures)


def _optional(values: FloatArray, cast: Any = float) -> list[Any]:
    """Python values of ``values``, NaN as None."""
    return [None if v != v else cast(v) for v in values.tolist()]  # v != v: NaN


def _dates(values: DateArray) -> list[date | None]:
    """Python dates of a datetime64 column, NaT as None."""
    days = values.astype("datetime64[D]")
    return [
        None if bad else d for bad, d in zip(np.isnat(days).tolist(), days.tolist(), strict=True)
    ]


def _records(
    book: BookColumns, rows: IntArray, measures: dict[int, dict[str, float]]
) -> list[AccountRecord]:
    def col(name: str) -> list[Any]:
        out: list[Any] = getattr(book, name)[rows].tolist()
        return out

    renewal = _dates(book.renewal_date[rows])
    band = [None if b is None else str(HealthBand(b).value) for b in book.band[rows].tolist()]
    seats = _optional(book.seats[rows], int)
    mau = _optional(book.mau[rows], int)
    mrr, arr = _optional(book.mrr[rows]), _optional(book.arr[rows])
    score = _optional(book.health_score[rows])
    tickets = col("open_tickets") if "tickets" in book.sources else [None] * len(rows)
    # health_band is the band in force; where a person overrode it, the reason says so
    # before the computed band's own reason, so the two never contradict each other.
    reasons = [
        r if o is None else f"{o}: set by hand (computed — {r or 'not scored'})"
        for r, o in zip(col("band_reason"), col("override_band"), strict=True)
    ]
    ids = col("account_id")
    columns = zip(
        ids, col("sf_account_id"), col("name"), col("owner"), col("team_lead"), col("lms_id"),
        col("recurly_id"), col("segment"), col("industry"), seats, mrr, arr, renewal,
        col("lifecycle"), col("churn_type"), mau, tickets, score, band,
        col("override_band"), reasons, strict=True,
    )  # fmt: skip
    return [
        AccountRecord(
            id=c[0],
            sf_account_id=c[1],
            name=c[2],
            owner=c[3],
            team_lead=c[4],
            lms_id=c[5],
            recurly_id=c[6],
            segment=c[7],
            industry=c[8],
            seats=c[9],
            mrr=c[10],
            arr=c[11],
            renewal_date=c[12],
            lifecycle=c[13],
            churn_type=c[14],
            churn_reason=None,
            mau=c[15],
            open_tickets=c[16],
            health_score=c[17],
            health_band=c[18],
            health_override=c[19],
            health_measures=measures.get(c[0]),
            health_band_reason=c[20],
        )
        for c in columns
    ]


def _health_measures(store: Store) -> dict[int, dict[str, float]]:
    """Account id -> {measure id: contribution} from the stored health breakdowns."""
    with store.engine.connect() as conn:
        return read_contributions(conn)
