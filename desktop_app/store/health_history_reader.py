"""The health history, read: one account's months (the detail views), the book's as
arrays (managers' questions: churn by band, bands a month ago), the months stored.

``store.health_history_repo`` writes it: one row per account with its months as arrays.
A book whose history is one month (no usage before the current month: every first import
of an account list) stores **no rows**: its history is its current scores
(``health_scores``), which the readers here give back as one-month histories. Writing 100k
rows that repeated the scores took ~0.6 s of a 100k first import. The table is then empty
while ``health_scores`` is not; a rescore that brings a second month writes every row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, func, select

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.arrays import Int8Array, IntArray
from desktop_app.store.bulk import table_of
from desktop_app.store.schema import HealthHistory, HealthMeasureSet, HealthScore

EPOCH = date(1970, 1, 1)
#: Band code of a month in which the account was not scored (not yet, or no longer, a customer).
ABSENT = -2


@dataclass(frozen=True, slots=True)
class AccountHistory:
    """One account's month-end health, oldest month first."""

    months: list[date]
    scores: list[float | None]
    bands: list[str | None]
    confidence: list[int]
    #: Contribution of each measure in the second-last and the last month (may be empty).
    before: dict[str, float]
    after: dict[str, float]


def has_rows(conn: Connection) -> bool:
    """Whether any history row is stored (else the history, if any, is the current scores)."""
    h = table_of(HealthHistory)
    return conn.execute(select(h.c.account_id).limit(1)).first() is not None


def _scores_as_history(
    conn: Connection, ids: Sequence[int] | None = None
) -> list[tuple[int, float | None, str | None, int, date]]:
    """The current scores of the book (or of ``ids``) as one-month histories, in account
    order, when no history row is stored: (account id, score, band, confidence, month)."""
    if has_rows(conn):
        return []
    hs = table_of(HealthScore)
    stmt = select(hs.c.account_id, hs.c.score, hs.c.band, hs.c.confidence, hs.c.as_of)
    stmt = stmt.where(hs.c.as_of.is_not(None)).order_by(hs.c.account_id)
    rows = _rows_of(conn, stmt, hs.c.account_id, ids)
    return [(int(r[0]), r[1], r[2], int(r[3]), r[4].replace(day=1)) for r in rows]


def _rows_of(conn: Connection, stmt: Any, key: Any, ids: Sequence[int] | None) -> list[Any]:
    """The rows of ``stmt`` (ordered by ``key``), or those whose ``key`` is in ``ids``, in
    ``key`` order (IN lists of 900: SQLite's historic limit on bound parameters)."""
    if ids is None:
        return list(conn.execute(stmt).all())
    wanted = sorted({int(a) for a in ids})
    rows: list[Any] = []
    for start in range(0, len(wanted), 900):
        rows += conn.execute(stmt.where(key.in_(wanted[start : start + 900]))).all()
    rows.sort(key=lambda r: r[0])
    return rows


def read_history(conn: Connection, account_id: int) -> AccountHistory | None:
    """The stored monthly health of ``account_id`` (None before the first rescore)."""
    h, m = table_of(HealthHistory), table_of(HealthMeasureSet)
    row = conn.execute(
        select(h.c.months, h.c.scores, h.c.bands, h.c.confidence, h.c.contributions,
               func.coalesce(h.c.measure_ids_json, m.c.measure_ids_json))
        .outerjoin(m, m.c.scorecard_version_id == h.c.scorecard_version_id)
        .where(h.c.account_id == account_id)
    ).first()  # fmt: skip
    if row is None:
        one = _scores_as_history(conn, [account_id])
        if not one:
            return None
        _aid, score, band, confidence, month = one[0]
        return AccountHistory([month], [score], [band], [confidence], {}, {})
    codes = np.frombuffer(row[2], dtype="i1")
    present = np.flatnonzero(codes != ABSENT)
    days = np.frombuffer(row[0], dtype="<i4")[present].tolist()
    scores = np.frombuffer(row[1], dtype="<f4")[present].astype(np.float64).tolist()
    confidence = np.frombuffer(row[3], dtype="<i2")[present].tolist()
    names = [b.value for b in BAND_ORDER]
    bands = [names[c] if 0 <= c < len(names) else None for c in codes[present].tolist()]
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    if row[4] is not None and row[5] is not None and len(present) >= 2:
        measure_ids: list[str] = json.loads(row[5])
        con = np.frombuffer(row[4], dtype="<f4").reshape(-1, len(measure_ids))
        first_kept = len(codes) - con.shape[0]

        def contributions(month: int) -> dict[str, float]:
            if month < first_kept:  # older months keep no breakdown
                return {}
            values = con[month - first_kept].tolist()
            return {k: round(v, 2) for k, v in zip(measure_ids, values, strict=True)}

        before, after = contributions(int(present[-2])), contributions(int(present[-1]))
    return AccountHistory(
        months=[EPOCH + timedelta(days=d) for d in days],
        scores=[None if s != s else s for s in scores],
        bands=bands,
        confidence=confidence,
        before=before,
        after=after,
    )


def book_months(conn: Connection) -> list[date]:
    """The months of the book's stored history (from any one row; [] before the first
    rescore): what a rescore of a few accounts writes for them too."""
    blob = conn.execute(select(table_of(HealthHistory).c.months).limit(1)).scalar_one_or_none()
    if blob is None:
        hs = table_of(HealthScore)
        as_of = conn.execute(select(func.max(hs.c.as_of))).scalar_one_or_none()
        return [] if as_of is None else [as_of.replace(day=1)]
    return [EPOCH + timedelta(days=d) for d in np.frombuffer(blob, dtype="<i4").tolist()]


@dataclass(frozen=True)
class BookHistory:
    """Every account's stored month-end health as (accounts x months) arrays."""

    account_id: IntArray  # sorted
    months: list[date]
    scores: npt.NDArray[np.float32]  # NaN: not scored
    bands: Int8Array  # BAND_CODE, -1: no band, ABSENT: not a customer that month

    def band_names(self) -> npt.NDArray[np.object_]:
        """``bands`` as band names (None where absent or without a band)."""
        names = np.array([b.value for b in BAND_ORDER] + [None, None], dtype=object)
        out: npt.NDArray[np.object_] = names[np.where(self.bands >= 0, self.bands, len(names) - 1)]
        return out


def book_history(conn: Connection, ids: Sequence[int] | None = None) -> BookHistory:
    """The stored history of the book (or of ``ids``) as arrays, for book-wide questions
    (churn by band, bands a month ago) without a Python object per account-month."""
    h = table_of(HealthHistory)
    stmt = select(h.c.account_id, h.c.months, h.c.scores, h.c.bands).order_by(h.c.account_id)
    rows = _rows_of(conn, stmt, h.c.account_id, ids)
    if not rows:
        return _book_of_scores(_scores_as_history(conn, ids))
    blobs = {r[1] for r in rows}
    days = sorted({int(d) for b in blobs for d in np.frombuffer(b, dtype="<i4")})
    n, m = len(rows), len(days)
    scores = np.full((n, m), np.nan, dtype=np.float32)
    bands = np.full((n, m), ABSENT, dtype=np.int8)
    for blob in blobs:
        which = np.array([r[1] == blob for r in rows], dtype=bool) if len(blobs) > 1 else None
        sub = rows if which is None else [r for r, w in zip(rows, which, strict=True) if w]
        cols = np.searchsorted(days, np.frombuffer(blob, dtype="<i4"))
        at = np.arange(n) if which is None else np.flatnonzero(which)
        width = len(cols)
        s = np.frombuffer(b"".join(r[2] for r in sub), dtype="<f4").reshape(-1, width)
        b = np.frombuffer(b"".join(r[3] for r in sub), dtype="i1").reshape(-1, width)
        scores[np.ix_(at, cols)] = s
        bands[np.ix_(at, cols)] = b
    return BookHistory(
        account_id=np.array([r[0] for r in rows], dtype=np.int64),
        months=[EPOCH + timedelta(days=d) for d in days],
        scores=scores,
        bands=bands,
    )


def _book_of_scores(rows: list[tuple[int, float | None, str | None, int, date]]) -> BookHistory:
    """``book_history`` of a book whose history is its current scores (``_scores_as_history``)."""
    months = sorted({r[4] for r in rows})
    codes = {b.value: i for i, b in enumerate(BAND_ORDER)}
    scores = np.full((len(rows), len(months)), np.nan, dtype=np.float32)
    bands = np.full((len(rows), len(months)), ABSENT, dtype=np.int8)
    if rows:
        index = {m: k for k, m in enumerate(months)}
        col = np.array([index[r[4]] for r in rows], dtype=np.int64)
        at = np.arange(len(rows))
        scores[at, col] = [np.nan if r[1] is None else r[1] for r in rows]
        bands[at, col] = [codes.get(r[2], -1) if r[2] else -1 for r in rows]
    return BookHistory(np.array([r[0] for r in rows], dtype=np.int64), months, scores, bands)
