"""The book as column arrays: what the account table, the scatter and the CLI list read.

``load_book`` runs one aggregate query per fact table and returns numpy columns; filtering
and sorting are numpy masks and argsorts (no per-row Python), shared by chart and table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Table, func, select

from desktop_app.domain.accounts import BAND_CODE, NO_BAND, AccountRecord, HealthBand
from desktop_app.domain.arrays import BoolArray, DateArray, FloatArray, IntArray, ObjArray
from desktop_app.domain.health_inputs import ALL_SOURCES
from desktop_app.services.health_sources import book_sources_conn
from desktop_app.services.progress import Progress, check
from desktop_app.store.dialect import latest_per_key
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    Csm,
    HealthOverride,
    HealthScore,
    Subscription,
    Ticket,
    UsageMonth,
)


@dataclass(frozen=True, eq=False)
class BookColumns:
    """Every account of the book, one numpy array per column, all the same length."""

    account_id: IntArray
    sf_account_id: ObjArray
    name: ObjArray
    owner: ObjArray
    team_lead: ObjArray
    segment: ObjArray
    industry: ObjArray
    lms_id: ObjArray
    recurly_id: ObjArray
    mrr: FloatArray
    arr: FloatArray
    renewal_date: DateArray
    lifecycle: ObjArray
    churn_type: ObjArray
    mau: FloatArray
    seats: FloatArray
    open_tickets: IntArray
    health_score: FloatArray
    computed_band: ObjArray
    override_band: ObjArray
    #: Why the computed band (the rule and its evidence); None where not scored.
    band_reason: ObjArray = field(default_factory=lambda: np.empty(0, dtype=object))
    as_of: date = field(default_factory=date.today)
    #: Sources the book has (``services.health_sources``); facts of the others are unknown.
    sources: frozenset[str] = ALL_SOURCES
    #: Derived arrays computed once per book (sort keys), never compared or printed.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.band_reason.shape[0] != self.account_id.shape[0]:  # built without reasons
            object.__setattr__(self, "band_reason", np.full(len(self), None, dtype=object))

    def __len__(self) -> int:
        return int(self.account_id.shape[0])

    @property
    def band(self) -> ObjArray:
        """The band in force: the override where there is one, else the computed band."""
        out: ObjArray = np.where(self.override_band != None, self.override_band, self.computed_band)  # noqa: E711
        return out

    @property
    def band_code(self) -> npt.NDArray[np.int8]:
        codes = np.full(len(self), NO_BAND, dtype=np.int8)
        band = self.band
        for b, code in BAND_CODE.items():
            codes[band == b.value] = code
        return codes

    @property
    def churned(self) -> BoolArray:
        out: BoolArray = self.lifecycle == "churned"
        return out

    @property
    def utilisation(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = np.where(self.seats > 0, self.mau / self.seats, np.nan)
        return out

    @property
    def days_to_renewal(self) -> FloatArray:
        today = np.datetime64(self.as_of, "D")
        days = (self.renewal_date - today).astype("timedelta64[D]").astype(np.float64)
        days[np.isnat(self.renewal_date)] = np.nan
        return days

    def index_of(self, account_id: int) -> int | None:
        hits = np.flatnonzero(self.account_id == account_id)
        return int(hits[0]) if hits.size else None

    @classmethod
    def empty(cls, as_of: date | None = None) -> BookColumns:
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("as_of", "cache", "sources"):
                continue
            kwargs[f.name] = _empty_for(f.name)
        return cls(as_of=as_of or date.today(), **kwargs)


_FLOAT_COLS = {"mrr", "arr", "mau", "seats", "health_score"}
_INT_COLS = {"account_id", "open_tickets"}


def _empty_for(name: str) -> npt.NDArray[Any]:
    if name in _FLOAT_COLS:
        return np.empty(0, dtype=np.float64)
    if name in _INT_COLS:
        return np.empty(0, dtype=np.int64)
    if name == "renewal_date":
        return np.empty(0, dtype="datetime64[D]")
    return np.empty(0, dtype=object)


def _float_col(values: list[Any]) -> FloatArray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def load_book(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> BookColumns:
    """Load every account of the book as columns (plain numpy, no ORM rows)."""
    book = load_accounts(store, today, progress)
    return add_facts(store, book, progress)


def load_accounts(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> BookColumns:
    """The accounts' own columns, with the per-account facts (usage, tickets, health) still
    empty: what the table can show first while ``add_facts`` reads the rest."""
    as_of = today or date.today()
    if progress is not None:
        check(progress, 0.0, "Loading accounts…")
    with store.engine.connect() as conn:
        book = _read_accounts(conn, as_of)
    sort_keys(book, "name")  # the default sort, prepared off the GUI thread
    if progress is not None:
        progress.report(0.5, f"{len(book):,} accounts loaded")
    return book


#: Sort keys that depend only on the accounts' own columns (kept when facts are added).
_ACCOUNT_SORTS = {f"sort:{c}" for c in ("name", "owner", "team_lead", "segment", "mrr", "arr",
                                         "renewal_date", "days_to_renewal", "lifecycle",
                                         "sf_account_id", "lms_id", "recurly_id")}  # fmt: skip


def add_facts(store: Store, book: BookColumns, progress: Progress | None = None) -> BookColumns:
    """``book`` with each account's latest usage, open tickets, score, band and override."""
    if progress is not None:
        check(progress, 0.5, "Loading usage and health…")
    if len(book) == 0:
        return book
    with store.engine.connect() as conn:
        facts = _read_facts(conn, book)
    cache = {k: v for k, v in book.cache.items() if k in _ACCOUNT_SORTS}
    full = replace(book, cache=cache, **facts)
    if progress is not None:
        progress.report(1.0, f"{len(full):,} accounts loaded")
    return full


def _place(ids: IntArray, keys: Sequence[Any], values: Sequence[Any], fill: float) -> FloatArray:
    """Scatter ``values`` (one per account id in ``keys``) into an array aligned to ``ids``.

    ``ids`` is sorted (accounts are loaded in id order), so positions come from one
    ``searchsorted`` instead of a Python dict lookup per row.
    """
    out = np.full(ids.shape[0], fill, dtype=np.float64)
    if not keys:
        return out
    k = np.asarray(keys, dtype=np.int64)
    v = np.array([np.nan if x is None else x for x in values], dtype=np.float64)
    pos = np.minimum(np.searchsorted(ids, k), ids.shape[0] - 1)
    hit = ids[pos] == k
    out[pos[hit]] = v[hit]
    return out


def _place_obj(ids: IntArray, keys: Sequence[Any], values: Sequence[Any]) -> ObjArray:
    out = np.full(ids.shape[0], None, dtype=object)
    if not keys:
        return out
    k = np.asarray(keys, dtype=np.int64)
    pos = np.minimum(np.searchsorted(ids, k), ids.shape[0] - 1)
    hit = ids[pos] == k
    vals = np.empty(len(values), dtype=object)
    vals[:] = list(values)
    out[pos[hit]] = vals[hit]
    return out


def _last_usage_rows(conn: Connection, chunk: list[int]) -> Sequence[Any]:
    """(account id, MAU, seats) of the last usage month of each account in ``chunk``."""
    usage = cast(Table, UsageMonth.__table__)
    return latest_per_key(conn, usage, "account_id", "month", ("mau", "licensed_seats"), chunk)


def _latest_usage(conn: Connection, ids: IntArray) -> tuple[FloatArray, FloatArray]:
    """MAU and licensed seats of each account's latest month of usage (NaN: no usage)."""
    newest = select(func.max(UsageMonth.month)).scalar_subquery()
    rows = conn.execute(
        select(UsageMonth.account_id, UsageMonth.mau, UsageMonth.licensed_seats).where(
            UsageMonth.month == newest
        )
    ).all()
    keys = [r[0] for r in rows]
    mau = _place(ids, keys, [r[1] for r in rows], np.nan)
    seats = _place(ids, keys, [r[2] for r in rows], np.nan)
    # Accounts whose usage stopped earlier (churned) take their own last month.
    have = np.zeros(ids.shape[0], dtype=bool)
    if keys:
        have[np.searchsorted(ids, np.asarray(keys, dtype=np.int64))] = True
    rest = ids[~have].tolist()
    for start in range(0, len(rest), 900):
        more = _last_usage_rows(conn, rest[start : start + 900])
        if more:
            k = [r[0] for r in more]
            pos = np.searchsorted(ids, np.asarray(k, dtype=np.int64))
            mau[pos] = [np.nan if r[1] is None else r[1] for r in more]
            seats[pos] = [np.nan if r[2] is None else r[2] for r in more]
    return mau, seats


_ACCOUNT_COLUMNS = (
    Account.id,
    Account.sf_account_id,
    Account.name,
    Account.owner_id,
    Account.team_lead,
    Account.segment,
    Account.industry,
    Account.lms_id,
    Account.recurly_code,
    Account.mrr,
    Account.arr,
    Account.renewal_date,
    Account.lifecycle,
    Account.churn_type,
    Account.contracted_seats,
)


def _read_accounts(conn: Connection, as_of: date) -> BookColumns:
    # The widest query of the book runs without SQLAlchemy's per-row type processing
    # (renewal dates are parsed by numpy below, as ISO text or dates): ~25% faster at 100k.
    stmt = select(*_ACCOUNT_COLUMNS).order_by(Account.id)
    acc = conn.exec_driver_sql(str(stmt.compile(dialect=conn.dialect))).fetchall()
    if not acc:
        return BookColumns.empty(as_of)
    cols = list(zip(*acc, strict=True))
    ids = np.array(cols[0], dtype=np.int64)
    names = dict(conn.execute(select(Csm.id, Csm.full_name)).all())
    owner_ids = cols[3]
    cols[3] = tuple(None if o is None else names.get(o) for o in owner_ids)
    renewal = np.array(
        ["NaT" if d is None else str(d)[:10] for d in cols[11]], dtype="datetime64[D]"
    )
    _fill_term_ends(conn, ids, renewal)
    n = ids.shape[0]

    def obj(values: tuple[Any, ...]) -> ObjArray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    return BookColumns(
        account_id=ids,
        sf_account_id=obj(cols[1]),
        name=obj(cols[2]),
        owner=obj(cols[3]),
        team_lead=obj(cols[4]),
        segment=obj(cols[5]),
        industry=obj(cols[6]),
        lms_id=obj(cols[7]),
        recurly_id=obj(cols[8]),
        mrr=_float_col(list(cols[9])),
        arr=_float_col(list(cols[10])),
        renewal_date=renewal,
        lifecycle=obj(cols[12]),
        churn_type=obj(cols[13]),
        mau=np.full(n, np.nan),
        seats=_float_col(list(cols[14])),  # contracted seats until usage says otherwise
        open_tickets=np.zeros(n, dtype=np.int64),
        health_score=np.full(n, np.nan),
        computed_band=np.full(n, None, dtype=object),
        override_band=np.full(n, None, dtype=object),
        band_reason=np.full(n, None, dtype=object),
        as_of=as_of,
    )


def _fill_term_ends(conn: Connection, ids: IntArray, renewal: DateArray) -> None:
    """Where an account has no renewal date, use its live subscriptions' current term end."""
    missing = np.isnat(renewal)
    if not missing.any():
        return
    rows = conn.execute(
        select(Subscription.account_id, func.min(Subscription.current_period_ends_at))
        .where(
            Subscription.ended_at.is_(None),
            Subscription.current_period_ends_at.is_not(None),
            Subscription.account_id.is_not(None),
        )
        .group_by(Subscription.account_id)
    ).all()
    if not rows:
        return
    keys = np.array([r[0] for r in rows], dtype=np.int64)
    ends = np.array([str(r[1])[:10] for r in rows], dtype="datetime64[D]")
    pos = np.searchsorted(ids, keys).clip(0, len(ids) - 1)
    found = ids[pos] == keys
    pos, ends = pos[found], ends[found]
    take = missing[pos]
    renewal[pos[take]] = ends[take]


def _read_facts(conn: Connection, book: BookColumns) -> dict[str, Any]:
    ids = book.account_id
    mau, usage_seats = _latest_usage(conn, ids)
    tickets = conn.execute(
        select(Ticket.account_id, func.count())
        .where(Ticket.is_open.is_(True), Ticket.account_id.is_not(None))
        .group_by(Ticket.account_id)
    ).all()
    scores = conn.execute(
        select(HealthScore.account_id, HealthScore.score, HealthScore.band, HealthScore.band_reason)
    ).all()
    score_keys = [r[0] for r in scores]
    active = conn.execute(
        select(HealthOverride.account_id, HealthOverride.band)
        .where(HealthOverride.is_active.is_(True))
        .order_by(HealthOverride.id)
    ).all()
    return {
        "mau": mau,
        "seats": np.where(np.isnan(usage_seats), book.seats, usage_seats),
        "open_tickets": _place(ids, [r[0] for r in tickets], [r[1] for r in tickets], 0.0).astype(
            np.int64
        ),
        "health_score": _place(ids, score_keys, [r[1] for r in scores], np.nan),
        "computed_band": _place_obj(ids, score_keys, [r[2] for r in scores]),
        "override_band": _place_obj(ids, [r[0] for r in active], [r[1] for r in active]),
        "band_reason": _place_obj(ids, score_keys, [r[3] for r in scores]),
        "sources": book_sources_conn(conn),
    }


# --------------------------------------------------------------------------- filtering


@dataclass(frozen=True)
class BookFilter:
    """What the user narrowed the book to; shared by the chart and the table."""

    text: str = ""
    owners: tuple[str, ...] = ()
    team_leads: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    renewal_within_days: int | None = None
    lifecycle: str | None = None  # "active" | "churned" | None (all)

    @property
    def is_empty(self) -> bool:
        return self == BookFilter()


def _isin(values: ObjArray, wanted: tuple[str, ...]) -> BoolArray:
    mask: BoolArray = np.isin(values.astype(str), np.array(wanted, dtype=str))
    return mask


def _search_blob(book: BookColumns) -> npt.NDArray[np.str_]:
    parts = [book.name, book.sf_account_id, book.owner, book.lms_id, book.recurly_id]
    blob = np.char.lower(np.array(parts[0], dtype=str))
    for p in parts[1:]:
        blob = np.char.add(np.char.add(blob, "\x1f"), np.char.lower(np.array(p, dtype=str)))
    return blob


_BLOB_CACHE: dict[int, tuple[BookColumns, npt.NDArray[np.str_]]] = {}


def filter_mask(book: BookColumns, spec: BookFilter) -> BoolArray:
    """One boolean mask over the book for ``spec`` (numpy only)."""
    mask = np.ones(len(book), dtype=bool)
    if len(book) == 0:
        return mask
    if spec.text.strip():
        cached = _BLOB_CACHE.get(id(book))
        if cached is None or cached[0] is not book:
            _BLOB_CACHE.clear()
            cached = (book, _search_blob(book))
            _BLOB_CACHE[id(book)] = cached
        for word in spec.text.lower().split():
            mask &= np.char.find(cached[1], word) >= 0
    if spec.owners:
        mask &= _isin(book.owner, spec.owners)
    if spec.team_leads:
        mask &= _isin(book.team_lead, spec.team_leads)
    if spec.segments:
        mask &= _isin(book.segment, spec.segments)
    if spec.bands:
        mask &= _isin(book.band, spec.bands)
    if spec.renewal_within_days is not None:
        days = book.days_to_renewal
        with np.errstate(invalid="ignore"):
            mask &= (days >= 0) & (days <= spec.renewal_within_days)
    if spec.lifecycle:
        mask &= book.lifecycle == spec.lifecycle
    return mask


def sort_keys(book: BookColumns, column: str) -> npt.NDArray[Any]:
    """A sortable numpy array for ``column`` (missing values sort last when ascending).

    Text columns become integer ranks (case-insensitive), computed once per book: sorting a
    100k-row table by name then costs an integer argsort, not a string sort.
    """
    key = f"sort:{column}"
    cached = book.cache.get(key)
    if cached is None:
        cached = book.cache[key] = _sort_keys(book, column)
    out: npt.NDArray[Any] = cached
    return out


def _sort_keys(book: BookColumns, column: str) -> npt.NDArray[Any]:
    if column == "band":
        codes = book.band_code.astype(np.float64)
        codes[codes < 0] = np.inf
        return codes
    values: npt.NDArray[Any] = getattr(book, column)
    if values.dtype == object:
        # Missing text sorts after every name (like NaN after every number).
        text = np.array(["\uffff" if v is None else str(v).lower() for v in values], dtype=str)
        _uniq, inverse = np.unique(text, return_inverse=True)
        ranks = inverse.astype(np.float64)
        ranks[values == None] = np.inf  # noqa: E711 (elementwise)
        return ranks
    if values.dtype.kind == "M":
        out = values.astype("datetime64[D]").astype(np.float64)
        out[np.isnat(values)] = np.inf
        return out
    out = values.astype(np.float64)
    return np.where(np.isnan(out), np.inf, out)


def row_order(
    book: BookColumns, mask: BoolArray, column: str | None, ascending: bool = True
) -> IntArray:
    """Indices of the rows in ``mask``, sorted by ``column`` (stable; missing values last)."""
    rows = np.flatnonzero(mask).astype(np.int64)
    if column is None or rows.size == 0:
        return rows
    keys = sort_keys(book, column)[rows]
    if ascending:
        order = np.argsort(keys, kind="stable")
    else:
        finite = np.where(np.isinf(keys), -np.inf, keys)
        order = np.argsort(-finite, kind="stable")
    return rows[order]


def distinct(values: ObjArray) -> list[str]:
    """Sorted distinct non-empty values of an object column (for filter menus)."""
    return sorted({str(v) for v in values if v not in (None, "")}, key=str.lower)


# --------------------------------------------------------------------------- records


def account_records(store: Store, owner: str | None = None) -> list[AccountRecord]:
    """Every account as a plain record (what ``accounts --json`` prints)."""
    book = load_book(store)
    mask = np.ones(len(book), dtype=bool)
    if owner:
        mask &= np.char.lower(book.owner.astype(str)) == owner.lower()
    measures = _health_measures(store)
    out = []
    for i in np.flatnonzero(mask):
        rec = _record(book, int(i))
        out.append(replace(rec, health_measures=measures.get(rec.id)))
    return out


def _health_measures(store: Store) -> dict[int, dict[str, float]]:
    """Account id -> {measure id: contribution} from the stored health breakdowns."""
    import json

    with store.sessions() as session:
        rows = session.execute(select(HealthScore.account_id, HealthScore.measures_json)).all()
    out: dict[int, dict[str, float]] = {}
    for aid, text in rows:
        if text:
            measures = json.loads(text).get("measures", {})
            out[int(aid)] = {
                k: float(v["contribution"])
                for k, v in measures.items()
                if v.get("points") is not None
            }
    return out


def _opt_float(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _record(book: BookColumns, i: int) -> AccountRecord:
    rd = book.renewal_date[i]
    mau = book.mau[i]
    seats = book.seats[i]
    band = book.band[i]
    return AccountRecord(
        id=int(book.account_id[i]),
        sf_account_id=book.sf_account_id[i],
        name=book.name[i],
        owner=book.owner[i],
        team_lead=book.team_lead[i],
        lms_id=book.lms_id[i],
        recurly_id=book.recurly_id[i],
        segment=book.segment[i],
        industry=book.industry[i],
        seats=None if np.isnan(seats) else int(seats),
        mrr=_opt_float(book.mrr[i]),
        arr=_opt_float(book.arr[i]),
        renewal_date=None if np.isnat(rd) else rd.astype(object),
        lifecycle=book.lifecycle[i],
        churn_type=book.churn_type[i],
        churn_reason=None,
        mau=None if np.isnan(mau) else int(mau),
        open_tickets=int(book.open_tickets[i]) if "tickets" in book.sources else None,
        health_score=_opt_float(book.health_score[i]),
        health_band=None if band is None else str(HealthBand(band).value),
        health_override=book.override_band[i],
        health_band_reason=book.band_reason[i],
    )


def last_import(store: Store) -> str | None:
    """'<file> on <date>' for the newest import batch that was not rolled back, or None."""
    from desktop_app.store.schema import ImportBatch

    with store.sessions() as session:
        row = session.execute(
            select(ImportBatch.file_name, ImportBatch.imported_at)
            .where(ImportBatch.rolled_back_at.is_(None))
            .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    return f"{row[0]} on {row[1]:%Y-%m-%d %H:%M}"
