"""The book reader: the whole book, or a few accounts, as ``BookColumns`` (no ORM rows).

One aggregate query per fact table; values are placed into numpy columns by id with
``searchsorted`` (accounts are read in id order), never with a per-row dict lookup. The SQL
is built on the light tables of ``store.tables``, so reading a book does not import the ORM
(CLI start-up), and runs on SQLite and PostgreSQL alike (``store.dialect`` for the rest).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Result, exists, func, select

from desktop_app.domain.arrays import DateArray, FloatArray, IntArray, ObjArray
from desktop_app.domain.book import BookColumns
from desktop_app.domain.progress import Progress, each_paused, pause_point
from desktop_app.store import tables as t
from desktop_app.store.column_values import date_column, float_column, one_each
from desktop_app.store.dialect import latest_per_key
from desktop_app.store.measure_blob import decode_breakdown, decode_breakdowns, pattern_groups

#: Rows fetched per call: a call that builds rows holds the GIL throughout, so a 100k-row
#: ``fetchall`` (or ``zip(*rows)``) stopped the GUI thread for 50-170 ms while the book
#: loaded on a worker; a few thousand rows at a time hold it a few ms.
BATCH = 4096


def fetch_rows(result: Result[Any], progress: Progress | None = None) -> list[Any]:
    """Every row of ``result``, fetched ``BATCH`` at a time (see ``BATCH``); a
    ``pause_point`` of ``progress`` between batches."""
    rows: list[Any] = []
    for part in result.partitions(BATCH):
        pause_point(progress)
        rows.extend(part)
    return rows


def release(*lists: list[Any]) -> None:
    """Empty ``lists`` ``BATCH`` items at a time: freeing a 100k-item list of rows or
    values at once (when it goes out of scope) is one C call that held the GIL ~80 ms."""
    for items in lists:
        while items:
            del items[-BATCH:]


def _place(
    ids: IntArray, keys: Sequence[Any] | IntArray, values: Sequence[Any] | FloatArray, fill: float
) -> FloatArray:
    """Scatter ``values`` (one per account id in ``keys``) into an array aligned to ``ids``.

    ``ids`` is sorted (accounts are loaded in id order), so positions come from one
    ``searchsorted`` instead of a Python dict lookup per row.
    """
    out = np.full(ids.shape[0], fill, dtype=np.float64)
    if len(keys) == 0:
        return out
    k = np.asarray(keys, dtype=np.int64)
    if isinstance(values, np.ndarray):
        v = values.astype(np.float64, copy=False)
    else:
        v = float_column(values)
    pos = np.minimum(np.searchsorted(ids, k), ids.shape[0] - 1)
    hit = ids[pos] == k
    out[pos[hit]] = v[hit]
    return out


def _place_obj(ids: IntArray, keys: Sequence[Any] | IntArray, values: Sequence[Any]) -> ObjArray:
    out = np.full(ids.shape[0], None, dtype=object)
    if len(keys) == 0:
        return out
    k = np.asarray(keys, dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, k), ids.shape[0] - 1)
    hit = ids[pos] == k
    vals = np.empty(len(values), dtype=object)
    vals[:] = one_each(values, {})
    out[pos[hit]] = vals[hit]
    return out


def _last_usage_rows(conn: Connection, chunk: list[int]) -> Sequence[Any]:
    """(account id, MAU, seats) of the last usage month of each account in ``chunk``."""
    return latest_per_key(conn, t.usage, "account_id", "month", ("mau", "licensed_seats"), chunk)


def _latest_usage(
    conn: Connection, ids: IntArray, progress: Progress | None = None
) -> tuple[FloatArray, FloatArray]:
    """MAU and licensed seats of each account's latest month of usage (NaN: no usage)."""
    newest = select(func.max(t.usage.c.month)).scalar_subquery()
    latest = select(t.usage.c.account_id, t.usage.c.mau, t.usage.c.licensed_seats).where(
        t.usage.c.month == newest
    )
    rows = fetch_rows(conn.execute(latest), progress)
    keys, month_mau, month_seats = _id_and_numbers(rows)
    release(rows)
    mau = _place(ids, keys, month_mau, np.nan)
    seats = _place(ids, keys, month_seats, np.nan)
    # Accounts whose usage stopped earlier (churned) take their own last month.
    have = np.zeros(ids.shape[0], dtype=bool)
    if len(keys):
        have[np.searchsorted(ids, keys)] = True
    rest = ids[~have].tolist()
    for start in range(0, len(rest), 900):
        pause_point(progress)
        more = _last_usage_rows(conn, rest[start : start + 900])
        if more:
            k, last_mau, last_seats = _id_and_numbers(more)
            pos = np.searchsorted(ids, k)
            mau[pos] = last_mau
            seats[pos] = last_seats
    return mau, seats


def _id_and_numbers(rows: Sequence[Any]) -> tuple[IntArray, FloatArray, FloatArray]:
    """The columns of ``rows`` of (account id, number, number); NULL is NaN."""
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0)
    ids, first, second = zip(*rows, strict=True)
    return np.array(ids, dtype=np.int64), float_column(first), float_column(second)


def _subset_usage(conn: Connection, ids: IntArray) -> tuple[FloatArray, FloatArray]:
    """MAU and seats of each account's own last usage month (a few accounts, by id)."""
    mau = np.full(ids.shape[0], np.nan)
    seats = np.full(ids.shape[0], np.nan)
    for start in range(0, ids.shape[0], 900):
        rows = _last_usage_rows(conn, [int(i) for i in ids[start : start + 900]])
        if rows:
            pos = np.searchsorted(ids, np.asarray([r[0] for r in rows], dtype=np.int64))
            mau[pos] = [np.nan if r[1] is None else r[1] for r in rows]
            seats[pos] = [np.nan if r[2] is None else r[2] for r in rows]
    return mau, seats


#: Rows read per chunk of the accounts query (see ``read_accounts``).
_CHUNK = 5_000
#: Columns of ``tables.accounts`` (by position) with few distinct values: one object each.
_SHARED = (4, 5, 6, 12, 13)


def read_accounts(
    conn: Connection, as_of: date, only: IntArray | None = None, progress: Progress | None = None
) -> BookColumns:
    """The accounts' own columns (every account, or those in ``only``), in id order; the
    per-account facts (usage, tickets, health) are left empty for ``read_facts``. A
    ``pause_point`` of ``progress`` before each chunk of rows.

    Rows are read and turned into columns a chunk at a time: the row tuples, numbers, dates
    and repeated strings of a chunk are freed before the next is read, so the strings the
    book keeps fill the same memory instead of being scattered among 100k dead rows (read
    whole, a 100k book held ~60 MB of freed but unreturnable Python heap).
    """
    # The widest query of the book runs without SQLAlchemy's per-row type processing
    # (renewal dates are parsed by numpy below, as ISO text or dates): ~25% faster at 100k.
    stmt = select(*t.accounts.c).order_by(t.accounts.c.id)  # columns in ``tables`` order
    names = dict(conn.execute(select(t.csms.c.id, t.csms.c.full_name)).all())
    chunks: list[Sequence[Any]]
    if only is None:
        result = conn.exec_driver_sql(str(stmt.compile(dialect=conn.dialect)))
        chunks = iter(lambda: result.fetchmany(_CHUNK), [])  # type: ignore[assignment]
    else:
        acc: list[Any] = []
        for start in range(0, len(only), 900):
            chunk = [int(i) for i in only[start : start + 900]]
            acc.extend(conn.execute(stmt.where(t.accounts.c.id.in_(chunk))).all())
        acc.sort(key=lambda r: r[0])
        chunks = [acc] if acc else []
    cols = _account_columns(each_paused(chunks, progress), names)
    if cols is None:
        return BookColumns.empty(as_of)
    ids, renewal = cols["account_id"], cols["renewal_date"]
    _fill_term_ends(conn, ids, renewal)
    n = ids.shape[0]
    return BookColumns(
        **cols,
        mau=np.full(n, np.nan),
        open_tickets=np.zeros(n, dtype=np.int64),
        health_score=np.full(n, np.nan),
        computed_band=np.full(n, None, dtype=object),
        override_band=np.full(n, None, dtype=object),
        band_reason=np.full(n, None, dtype=object),
        as_of=as_of,
    )


def _account_columns(
    chunks: Iterable[Sequence[Any]], owner_names: dict[Any, Any]
) -> dict[str, Any] | None:
    """The accounts' own columns from chunks of rows of ``tables.accounts`` (None: no rows).

    The contracted seats are the ``seats`` column until usage says otherwise."""
    text: dict[int, list[Any]] = {j: [] for j in (1, 2, 3, 7, 8, *_SHARED)}
    ids: list[IntArray] = []
    mrr: list[FloatArray] = []
    arr: list[FloatArray] = []
    seats: list[FloatArray] = []
    renewal: list[DateArray] = []
    seen: dict[Any, Any] = {}
    for rows in chunks:
        cols = list(zip(*rows, strict=True))
        del rows
        ids.append(np.array(cols[0], dtype=np.int64))
        mrr.append(float_column(cols[9]))
        arr.append(float_column(cols[10]))
        seats.append(float_column(cols[14]))
        renewal.append(date_column(cols[11]))
        for j in (1, 2, 7, 8):
            text[j].extend(cols[j])
        text[3].extend(map(owner_names.get, cols[3]))  # (no owner: None, not a csms id)
        for j in _SHARED:
            text[j].extend(one_each(cols[j], seen))
    if not ids:
        return None

    def obj(values: list[Any]) -> ObjArray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    return {
        "account_id": np.concatenate(ids),
        "sf_account_id": obj(text[1]),
        "name": obj(text[2]),
        "owner": obj(text[3]),
        "team_lead": obj(text[4]),
        "segment": obj(text[5]),
        "industry": obj(text[6]),
        "lms_id": obj(text[7]),
        "recurly_id": obj(text[8]),
        "mrr": np.concatenate(mrr),
        "arr": np.concatenate(arr),
        "renewal_date": np.concatenate(renewal),
        "lifecycle": obj(text[12]),
        "churn_type": obj(text[13]),
        "seats": np.concatenate(seats),
    }


#: Up to this many accounts, their own rows are read by id (an IN list) rather than by a
#: query over every account.
_FEW = 900


def _fill_term_ends(conn: Connection, ids: IntArray, renewal: DateArray) -> None:
    """Where an account has no renewal date, use its live subscriptions' current term end."""
    missing = np.isnat(renewal)
    if not missing.any():
        return
    stmt = (
        select(t.subscriptions.c.account_id, func.min(t.subscriptions.c.current_period_ends_at))
        .where(
            t.subscriptions.c.ended_at.is_(None),
            t.subscriptions.c.current_period_ends_at.is_not(None),
            t.subscriptions.c.account_id.is_not(None),
        )
        .group_by(t.subscriptions.c.account_id)
    )
    if len(ids) <= _FEW:  # a few accounts (an edit): read theirs only
        stmt = stmt.where(t.subscriptions.c.account_id.in_([int(i) for i in ids[missing]]))
    else:  # only the accounts without a renewal date (an index search each, not a scan)
        undated = select(t.accounts.c.id).where(t.accounts.c.renewal_date.is_(None))
        stmt = stmt.where(t.subscriptions.c.account_id.in_(undated))
    rows = fetch_rows(conn.execute(stmt))
    if not rows:
        return
    keys = np.array([r[0] for r in rows], dtype=np.int64)
    ends = np.array([str(r[1])[:10] for r in rows], dtype="datetime64[D]")
    pos = np.searchsorted(ids, keys).clip(0, len(ids) - 1)
    found = ids[pos] == keys
    pos, ends = pos[found], ends[found]
    take = missing[pos]
    renewal[pos[take]] = ends[take]


def read_facts(
    conn: Connection, book: BookColumns, subset: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """The per-account facts of ``book`` (keyword arguments for ``dataclasses.replace``).

    ``subset``: the book is a few accounts, whose facts are read by id (an edit) rather
    than by scanning every table (a whole book). ``progress``: see ``read_accounts``.
    """
    ids = book.account_id
    if subset:
        mau, usage_seats = _subset_usage(conn, ids)
    else:
        mau, usage_seats = _latest_usage(conn, ids, progress)
    tickets_q = (
        select(t.tickets.c.account_id, func.count())
        .where(t.tickets.c.is_open.is_(True), t.tickets.c.account_id.is_not(None))
        .group_by(t.tickets.c.account_id)
    )
    scores_q = select(
        t.health_scores.c.account_id,
        t.health_scores.c.score,
        t.health_scores.c.band,
        t.health_scores.c.band_reason,
    )
    active_q = (
        select(t.health_overrides.c.account_id, t.health_overrides.c.band)
        .where(t.health_overrides.c.is_active.is_(True))
        .order_by(t.health_overrides.c.id)
    )
    if subset:
        wanted = [int(i) for i in ids]
        tickets_q = tickets_q.where(t.tickets.c.account_id.in_(wanted))
        scores_q = scores_q.where(t.health_scores.c.account_id.in_(wanted))
        active_q = active_q.where(t.health_overrides.c.account_id.in_(wanted))
    tickets = fetch_rows(conn.execute(tickets_q), progress)
    score_keys, score_values, bands, reasons = _read_scores(conn, scores_q, progress)
    active = fetch_rows(conn.execute(active_q), progress)
    facts = {
        "mau": mau,
        "seats": np.where(np.isnan(usage_seats), book.seats, usage_seats),
        "open_tickets": _place(ids, [r[0] for r in tickets], [r[1] for r in tickets], 0.0).astype(
            np.int64
        ),
        "health_score": _place(ids, score_keys, score_values, np.nan),
        "computed_band": _place_obj(ids, score_keys, bands),
        "override_band": _place_obj(ids, [r[0] for r in active], [r[1] for r in active]),
        "band_reason": _place_obj(ids, score_keys, reasons),
        "sources": read_sources(conn),
    }
    release(tickets, active)
    return facts


def _read_scores(
    conn: Connection, query: Any, progress: Progress | None = None
) -> tuple[IntArray, FloatArray, list[Any], list[Any]]:
    """(account ids, scores, bands, band reasons) of ``query``, read a chunk at a time with
    each repeated text made one object as it arrives (see ``read_accounts``)."""
    keys: list[IntArray] = []
    scores: list[FloatArray] = []
    bands: list[Any] = []
    reasons: list[Any] = []
    seen: dict[Any, Any] = {}
    result = conn.execute(query)
    for rows in each_paused(iter(lambda: result.fetchmany(_CHUNK), []), progress):
        cols = list(zip(*rows, strict=True))
        del rows
        keys.append(np.array(cols[0], dtype=np.int64))
        scores.append(float_column(cols[1]))
        bands.extend(one_each(cols[2], seen))
        reasons.extend(one_each(cols[3], seen))
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0), bands, reasons
    return np.concatenate(keys), np.concatenate(scores), bands, reasons


def read_sources(conn: Connection) -> frozenset[str]:
    """The sources the book holds at least one row of (one query): usage, subscriptions,
    tickets, nps, billing, contacts, replies (contacts' reply dates) and renewals."""
    probes = {
        "usage": exists().where(t.usage.c.mau.is_not(None)),
        "subscriptions": exists().where(t.subscriptions.c.account_id.is_not(None)),
        "tickets": exists().where(t.tickets.c.account_id.is_not(None)),
        "nps": exists().where(t.nps_responses.c.account_id.is_not(None)),
        "billing": exists().where(t.billing_states.c.id.is_not(None)),
        "contacts": exists().where(t.contacts.c.id.is_not(None)),
        "replies": exists().where(t.contacts.c.last_replied.is_not(None)),
        "renewals": exists().where(t.accounts.c.renewal_date.is_not(None)),
    }
    row = conn.execute(select(*probes.values())).one()
    return frozenset(k for k, present in zip(probes, row, strict=True) if present)


def decode_measures(blob: bytes, n_measures: int) -> npt.NDArray[np.float64]:
    """A stored breakdown (``health_scores.measures``, dense or compact) as its (parts,
    measures) array."""
    return decode_breakdown(blob, n_measures)


def read_measure_set(
    conn: Connection, version_id: int | None
) -> tuple[list[str], list[str]] | None:
    """(measure ids, labels) a scorecard version's breakdowns are stored in; None if unknown."""
    sets = t.health_measure_sets
    row = conn.execute(
        select(sets.c.measure_ids_json, sets.c.labels_json).where(
            sets.c.scorecard_version_id == version_id
        )
    ).first()
    return None if row is None else (json.loads(row[0]), json.loads(row[1]))


def read_contributions(conn: Connection) -> dict[int, dict[str, float]]:
    """Account id -> {measure id: contribution} of every scored measure (``accounts --json``).

    The breakdowns of a scorecard version are decoded as one array, and the accounts that
    scored the same measures are turned into dicts together (``dict(zip(...))`` per row,
    no per-value Python test)."""
    hs = t.health_scores
    rows = conn.execute(
        select(hs.c.account_id, hs.c.measures, hs.c.scorecard_version_id, hs.c.measures_json)
    ).all()
    out: dict[int, dict[str, float]] = {}
    blobs: dict[int | None, tuple[list[int], list[bytes]]] = {}
    for aid, blob, version, text in rows:
        if blob is None:  # a row written before 0004_perf: the JSON breakdown
            if text:
                measures = json.loads(text).get("measures", {})
                out[int(aid)] = {
                    k: float(v["contribution"])
                    for k, v in measures.items()
                    if v.get("points") is not None
                }
            continue
        ids, data = blobs.setdefault(version, ([], []))
        ids.append(int(aid))
        data.append(bytes(blob))
    for version, (ids, data) in blobs.items():
        meta = read_measure_set(conn, version)
        if meta is not None:
            out.update(_contributions(ids, data, meta[0]))
    return out


def _contributions(
    ids: list[int], blobs: list[bytes], measure_ids: list[str]
) -> Iterator[tuple[int, dict[str, float]]]:
    """(account id, {measure id: contribution}) of breakdowns of one measure set."""
    m = len(measure_ids)
    values = decode_breakdowns(blobs, m)
    account = np.asarray(ids, dtype=np.int64)
    for cols, members in pattern_groups(~np.isnan(values[:, 1, :])):
        keys = [measure_ids[j] for j in cols.tolist()]
        part = values[members, 3, :][:, cols].tolist()
        for aid, row in zip(account[members].tolist(), part, strict=True):
            yield aid, dict(zip(keys, row, strict=True))


def read_last_import(conn: Connection) -> tuple[str, datetime] | None:
    """(file name, imported at) of the newest import batch not rolled back, or None."""
    b = t.import_batches
    row = conn.execute(
        select(b.c.file_name, b.c.imported_at)
        .where(b.c.rolled_back_at.is_(None))
        .order_by(b.c.imported_at.desc(), b.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row[0]), row[1])
