"""The health history repository: monthly health stored compactly, one row per account with
the months as arrays; rewritten only where it changed.

Scoring writes every account's month-end scores, bands and confidence as little arrays
(``store.schema.HealthHistory``), built for the whole book in numpy and sent to the driver
as tuples of bytes: 100k rows instead of 2.4M. The detail views read one account's row.

Each row also keeps the key of the inputs its months before the last were scored from
(``domain.history_keys``): a rescore copies those months from the rows whose key is
unchanged (``reusable_past``) and scores only the current month for them.

A book whose history is one month stores no rows; the readers
(``store.health_history_reader``) give its scores back as one-month histories.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.arrays import FloatArray, Int8Array, IntArray
from desktop_app.domain.health import ScoreResult
from desktop_app.store.bulk import (
    WriteCount,
    delete_ids,
    insert_tuples,
    raw_rows,
    sync_rows,
    table_of,
)
from desktop_app.store.health_history_reader import ABSENT, EPOCH, has_rows
from desktop_app.store.health_repo import write_measure_set
from desktop_app.store.measure_blob import rows_bytes
from desktop_app.store.schema import HealthHistory

_NAMES = ("account_id", "scorecard_version_id", "months", "scores", "bands", "confidence",
          "contributions")  # fmt: skip
_ROW = (*_NAMES, "measure_ids_json", "inputs_key")
#: Contributions are kept for the last two months only ("what changed since last month").
KEEP_MEASURE_MONTHS = 2


@dataclass(frozen=True)
class StoredPast:
    """Stored histories whose months before the last can be kept as they are (same months,
    scorecard version and inputs key): the accounts (sorted) and their stored arrays."""

    account_id: IntArray
    scores: npt.NDArray[np.float32]  # (accounts, months)
    bands: Int8Array
    confidence: npt.NDArray[np.int16]
    #: Contributions of the second-last month, (accounts, measures).
    before_last: npt.NDArray[np.float32]

    @classmethod
    def empty(cls, n_months: int, n_measures: int) -> StoredPast:
        return cls(
            np.empty(0, dtype=np.int64),
            np.empty((0, n_months), dtype="<f4"),
            np.empty((0, n_months), dtype="i1"),
            np.empty((0, n_months), dtype="<i2"),
            np.empty((0, n_measures), dtype="<f4"),
        )


def stored_history(conn: Connection) -> dict[int, tuple[Any, ...]]:
    """Every stored history row by account id, as the driver gives it (``write_history``
    compares with them, ``reusable_past`` copies from them): read once for both."""
    h = table_of(HealthHistory)
    return {r[0]: r for r in raw_rows(conn, select(*(h.c[n] for n in _ROW)))}


def reusable_past(
    stored: dict[int, tuple[Any, ...]],
    version_id: int,
    months: Sequence[date],
    n_measures: int,
    keys: tuple[IntArray, IntArray],
) -> StoredPast:
    """The ``stored`` histories (``stored_history``) of the accounts in ``keys`` (sorted ids,
    their inputs keys) whose months are ``months``, scored with ``version_id`` from inputs
    of the same key: their months before the last are what scoring them again would give."""
    n_months = len(months)
    if n_months < KEEP_MEASURE_MONTHS:
        return StoredPast.empty(n_months, n_measures)
    blob = np.array([(m - EPOCH).days for m in months], dtype="<i4").tobytes()
    width = KEEP_MEASURE_MONTHS * n_measures * 4
    # account_id, version, months, scores, bands, confidence, contributions, ids, key
    rows = sorted(
        (r for r in stored.values()
         if r[1] == version_id and r[8] is not None and r[7] is None and bytes(r[2]) == blob
         and r[6] is not None and len(r[6]) == width),
        key=lambda r: int(r[0]),
    )  # fmt: skip
    ids, want = keys
    stored_ids = np.array([r[0] for r in rows], dtype=np.int64)
    stored_keys = np.array([r[8] for r in rows], dtype=np.int64)
    pos = np.searchsorted(ids, stored_ids).clip(0, max(len(ids) - 1, 0))
    ok = (ids[pos] == stored_ids) & (want[pos] == stored_keys) if len(ids) else pos < 0
    picked = [rows[i] for i in np.flatnonzero(ok).tolist()]
    if not picked:
        return StoredPast.empty(n_months, n_measures)
    con = np.frombuffer(b"".join(r[6] for r in picked), dtype="<f4")
    return StoredPast(
        stored_ids[ok],
        np.frombuffer(b"".join(r[3] for r in picked), dtype="<f4").reshape(-1, n_months),
        np.frombuffer(b"".join(r[4] for r in picked), dtype="i1").reshape(-1, n_months),
        np.frombuffer(b"".join(r[5] for r in picked), dtype="<i2").reshape(-1, n_months),
        con.reshape(len(picked), KEEP_MEASURE_MONTHS, n_measures)[:, 0, :],
    )


def write_history(
    conn: Connection,
    monthly: Iterable[tuple[date, ScoreResult]],
    version_id: int,
    only: Sequence[int] | None = None,
    count: WriteCount | None = None,
    *,
    keys: tuple[IntArray, IntArray] | None = None,
    past: StoredPast | None = None,
    stored: dict[int, tuple[Any, ...]] | None = None,
) -> int:
    """Make the stored history that of the accounts in ``monthly`` (every row when ``only``
    is None, else only those ids' rows): rows that did not change are left alone. Returns
    the number of (account, month) points scored; ``count`` (if given) adds the rows
    compared, kept, written and deleted.

    ``monthly`` may be a generator: each month's result is reduced to what is stored as it
    arrives. An account scored in some months only (not yet a customer, or churned) has the
    other months marked absent (band code ``ABSENT``) and read back without them.

    ``keys`` (sorted account ids, inputs keys) are stored with the rows. ``past``: accounts
    whose months before the last are copied from the stored rows (``reusable_past``);
    ``monthly`` then scores their last month only. ``stored``: the rows ``stored_history``
    read (with ``only`` None), compared with instead of reading them again (consumed).
    """
    slim: list[tuple[date, IntArray, FloatArray, Int8Array, IntArray]] = []
    kept: deque[tuple[int, IntArray, npt.NDArray[np.float32]]] = deque(maxlen=KEEP_MEASURE_MONTHS)
    measure_ids: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    for k, (month, r) in enumerate(monthly):
        slim.append((month, r.account_id, r.score, r.band_code, r.confidence))
        kept.append((k, r.account_id, np.round(r.contribution, 2).astype("<f4")))
        measure_ids, labels = r.measure_ids, r.measure_labels
    if not slim:
        _sync(conn, [], only, count, stored)
        return 0
    write_measure_set(conn, version_id, measure_ids, labels)
    if len(slim) == 1 and (only is None or not has_rows(conn)):
        # One month: the history is the current scores (no rows; the module docstring).
        if only is None:
            _sync(conn, [], None, count, stored)  # rows of an older, longer history go
        return int((slim[0][3] != ABSENT).sum())
    kept_ids = [] if past is None else [past.account_id]
    ids = np.unique(np.concatenate([s[1] for s in slim] + kept_ids))
    n, n_months = len(ids), len(slim)
    if n == 0:
        _sync(conn, [], only, count, stored)
        return 0
    scores = np.full((n, n_months), np.nan, dtype="<f4")
    bands = np.full((n, n_months), ABSENT, dtype="i1")
    confidence = np.zeros((n, n_months), dtype="<i2")
    for k, (_m, acc, score, band, conf) in enumerate(slim):
        pos = np.searchsorted(ids, acc)
        scores[pos, k] = score
        bands[pos, k] = band
        confidence[pos, k] = conf
    con = np.full((n, len(kept), len(measure_ids)), np.nan, dtype="<f4")
    first_kept = n_months - len(kept)
    for k, acc, values in kept:
        con[np.searchsorted(ids, acc), k - first_kept, :] = values
    if past is not None and len(past.account_id):
        if past.scores.shape[1] != n_months or len(kept) != KEEP_MEASURE_MONTHS:
            raise ValueError("write_history: the kept months are not the months scored")
        at = np.searchsorted(ids, past.account_id)
        scores[at, :-1] = past.scores[:, :-1]
        bands[at, :-1] = past.bands[:, :-1]
        confidence[at, :-1] = past.confidence[:, :-1]
        con[at, 0, :] = past.before_last
        # an account absent from every month has no row (as when scoring it afresh)
        live = (bands != ABSENT).any(axis=1)
        if not live.all():
            ids, scores, bands = ids[live], scores[live], bands[live]
            confidence, con, n = confidence[live], con[live], int(live.sum())
    key_of: list[int | None] = [None] * n
    if keys is not None and len(keys[0]):
        at = np.searchsorted(keys[0], ids).clip(0, len(keys[0]) - 1)
        found = keys[0][at] == ids
        key_of = [
            k if f else None for k, f in zip(keys[1][at].tolist(), found.tolist(), strict=True)
        ]
    months = np.array([(s[0] - EPOCH).days for s in slim], dtype="<i4").tobytes()
    rows = zip(
        ids.tolist(),
        [version_id] * n,
        [months] * n,
        rows_bytes(scores),
        rows_bytes(bands),
        rows_bytes(confidence),
        rows_bytes(con.reshape(n, -1)),
        [None] * n,  # measure_ids_json: the version's measure set applies
        key_of,
        strict=True,
    )
    _sync(conn, rows, only, count, stored)
    return int((bands != ABSENT).sum())  # the (account, month) points stored


def _sync(
    conn: Connection,
    rows: Iterable[tuple[Any, ...]],
    only: Sequence[int] | None,
    count: WriteCount | None,
    stored: dict[int, tuple[Any, ...]] | None = None,
) -> None:
    done = sync_rows(
        conn,
        table_of(HealthHistory),
        _ROW,
        rows,
        compare=len(_NAMES) + 1,  # the drivers give blobs as bytes: compared as they come
        only=only,
        refresh=1,  # a row whose months are unchanged gets its new key alone
        stored=stored,
    )
    if count is not None:
        count.add(done)


def patch_last_month(
    conn: Connection, r: ScoreResult, version_id: int, month: date, ids: Sequence[int]
) -> bool:
    """Replace only the last stored month of ``ids``' history with ``r`` (their scores for
    ``month``): what an edit changes. Accounts of ``ids`` missing from ``r`` get that month
    marked absent. Returns False (nothing written) when a row is missing, or its last month
    or scorecard version differ: the caller then rewrites the whole history."""
    h = table_of(HealthHistory)
    stored = conn.execute(
        select(h.c.account_id, h.c.months, h.c.scores, h.c.bands, h.c.confidence,
               h.c.contributions, h.c.scorecard_version_id)
        .where(h.c.account_id.in_(list(ids)))
    ).all()  # fmt: skip
    if len(stored) != len(set(ids)):
        return False
    day = (month - EPOCH).days
    n_measures = len(r.measure_ids)
    row_of = {a: i for i, a in enumerate(r.account_id.tolist())}
    updates = []
    for aid, months, scores, bands, confidence, con, version in stored:
        last = np.frombuffer(months, dtype="<i4")
        if version != version_id or not len(last) or int(last[-1]) != day or con is None:
            return False
        s = np.frombuffer(scores, dtype="<f4").copy()
        b = np.frombuffer(bands, dtype="i1").copy()
        c = np.frombuffer(confidence, dtype="<i2").copy()
        k = np.frombuffer(con, dtype="<f4").reshape(-1, n_measures).copy()
        i = row_of.get(int(aid))
        if i is None:
            s[-1], b[-1], c[-1], k[-1] = np.nan, ABSENT, 0, np.nan
        else:
            s[-1], b[-1], c[-1] = r.score[i], r.band_code[i], r.confidence[i]
            k[-1] = np.round(r.contribution[i], 2)
        updates.append((s.tobytes(), b.tobytes(), c.tobytes(), k.tobytes(), int(aid)))
    for values in updates:
        conn.execute(
            h.update()
            .where(h.c.account_id == values[4])
            .values(scores=values[0], bands=values[1], confidence=values[2],
                    contributions=values[3])
        )  # fmt: skip
    return True


def put_history(
    conn: Connection,
    account_id: int,
    points: Sequence[tuple[date, float | None, str | None]],
    *,
    version_id: int | None = None,
    contributions: tuple[dict[str, float], dict[str, float]] | None = None,
) -> None:
    """Write one account's history as given: (month, score, band) points, oldest first, and
    optionally the measure contributions of its last two months (before, after). For tests
    and repairs; scoring writes the book with ``write_history``."""
    codes = {b.value: i for i, b in enumerate(BAND_ORDER)}
    months = np.array([(p[0] - EPOCH).days for p in points], dtype="<i4")
    scores = np.array([np.nan if p[1] is None else p[1] for p in points], dtype="<f4")
    bands = np.array([codes.get(p[2], -1) if p[2] else -1 for p in points], dtype="i1")
    con: bytes | None = None
    own: str | None = None
    keys = sorted(set(contributions[0]) | set(contributions[1])) if contributions else []
    if contributions is not None and keys:
        values = [[c.get(k, 0.0) for k in keys] for c in contributions]
        con, own = np.array(values, dtype="<f4").tobytes(), json.dumps(keys)
    h = table_of(HealthHistory)
    delete_ids(conn, h, "account_id", [account_id])
    names = (*_NAMES, "measure_ids_json")
    row = (account_id, version_id, months.tobytes(), scores.tobytes(), bands.tobytes(),
           np.zeros(len(points), dtype="<i2").tobytes(), con, own)  # fmt: skip
    insert_tuples(conn, h, names, [row])
