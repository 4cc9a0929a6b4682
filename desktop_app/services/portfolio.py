"""The book as column arrays: what the account table, the scatter and the CLI list read.

``load_book`` runs one aggregate query per fact table and returns numpy columns; filtering
and sorting are numpy masks and argsorts (no per-row Python), shared by chart and table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.accounts import BAND_CODE, NO_BAND, AccountRecord, HealthBand
from desktop_app.services.progress import Progress, check
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    Csm,
    HealthOverride,
    HealthScore,
    Ticket,
    UsageMonth,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
DateArray = npt.NDArray[np.datetime64]


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
    as_of: date = field(default_factory=date.today)

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
            if f.name == "as_of":
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


def _scatter_into(
    ids: IntArray, pos: dict[int, int], rows: Sequence[Any], fill: float, *, cols: int = 1
) -> list[FloatArray]:
    outs = [np.full(ids.shape[0], fill, dtype=np.float64) for _ in range(cols)]
    for row in rows:
        i = pos.get(row[0])
        if i is None:
            continue
        for c in range(cols):
            v = row[c + 1]
            if v is not None:
                outs[c][i] = float(v)
    return outs


def load_book(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> BookColumns:
    """Load every account of the book as columns (plain numpy, no ORM rows)."""
    as_of = today or date.today()
    if progress is not None:
        check(progress, 0.0, "Loading accounts…")
    with store.sessions() as session:
        book = _load_book(session, as_of)
    if progress is not None:
        progress.report(1.0, f"{len(book):,} accounts loaded")
    return book


def _load_book(session: Session, as_of: date) -> BookColumns:
    acc = session.execute(
        select(
            Account.id,
            Account.sf_account_id,
            Account.name,
            Csm.full_name,
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
        .outerjoin(Csm, Csm.id == Account.owner_id)
        .order_by(Account.id)
    ).all()
    if not acc:
        return BookColumns.empty(as_of)
    cols = list(zip(*acc, strict=True))
    ids = np.array(cols[0], dtype=np.int64)
    pos = {int(a): i for i, a in enumerate(ids)}

    latest = (
        select(UsageMonth.account_id, func.max(UsageMonth.month).label("m"))
        .group_by(UsageMonth.account_id)
        .subquery()
    )
    usage = session.execute(
        select(UsageMonth.account_id, UsageMonth.mau, UsageMonth.licensed_seats).join(
            latest,
            (latest.c.account_id == UsageMonth.account_id) & (latest.c.m == UsageMonth.month),
        )
    ).all()
    mau, usage_seats = _scatter_into(ids, pos, usage, np.nan, cols=2)
    seats = _float_col(list(cols[14]))
    seats = np.where(np.isnan(usage_seats), seats, usage_seats)

    tickets = session.execute(
        select(Ticket.account_id, func.count())
        .where(Ticket.is_open.is_(True), Ticket.account_id.is_not(None))
        .group_by(Ticket.account_id)
    ).all()
    (open_t,) = _scatter_into(ids, pos, tickets, 0.0)

    scores = session.execute(
        select(HealthScore.account_id, HealthScore.score, HealthScore.band)
    ).all()
    (score,) = _scatter_into(ids, pos, [(r[0], r[1]) for r in scores], np.nan)
    computed = np.full(ids.shape[0], None, dtype=object)
    for aid, _s, band in scores:
        i = pos.get(aid)
        if i is not None:
            computed[i] = band
    overrides = np.full(ids.shape[0], None, dtype=object)
    for aid, band in session.execute(
        select(HealthOverride.account_id, HealthOverride.band).where(
            HealthOverride.is_active.is_(True)
        )
    ).all():
        i = pos.get(aid)
        if i is not None:
            overrides[i] = band

    renewal = np.array(
        [np.datetime64(d, "D") if d is not None else np.datetime64("NaT") for d in cols[11]],
        dtype="datetime64[D]",
    )

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
        mau=mau,
        seats=seats,
        open_tickets=open_t.astype(np.int64),
        health_score=score,
        computed_band=computed,
        override_band=overrides,
        as_of=as_of,
    )


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
    """A sortable numpy array for ``column`` (missing values sort last when ascending)."""
    if column == "band":
        codes = book.band_code.astype(np.float64)
        codes[codes < 0] = np.inf
        return codes
    values: npt.NDArray[Any] = getattr(book, column)
    if values.dtype == object:
        # Missing text sorts after every name (like NaN after every number).
        return np.array(["\uffff" if v is None else str(v).lower() for v in values], dtype=str)
    if values.dtype.kind == "M":
        out = values.astype("datetime64[D]").astype(np.float64)
        out[np.isnat(values)] = np.inf
        return out
    out = values.astype(np.float64)
    return np.where(np.isnan(out), np.inf, out)


def row_order(
    book: BookColumns, mask: BoolArray, column: str | None, ascending: bool = True
) -> IntArray:
    """Indices of the rows in ``mask``, sorted by ``column`` (stable)."""
    rows = np.flatnonzero(mask).astype(np.int64)
    if column is None or rows.size == 0:
        return rows
    keys = sort_keys(book, column)[rows]
    if keys.dtype.kind in "US":
        order = np.argsort(keys, kind="stable")
        if not ascending:
            order = order[::-1]
        return rows[order]
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
        open_tickets=int(book.open_tickets[i]),
        health_score=_opt_float(book.health_score[i]),
        health_band=None if band is None else str(HealthBand(band).value),
        health_override=book.override_band[i],
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


def _plain(value: Any) -> Any:
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(date)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def export_view(book: BookColumns, order: IntArray, path: str) -> int:
    """Export the rows ``order`` of the book (the table as the user sees it)."""
    from desktop_app.io.view_export import write_table

    cols = [getattr(book, key) for key, _ in EXPORT_COLUMNS]
    rows = [[_plain(c[i]) for c in cols] for i in order]
    return write_table(path, [h for _, h in EXPORT_COLUMNS], rows)


def load_book_and_nps(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> tuple[BookColumns, FloatArray]:
    """The book plus each account's latest NPS score (NaN where none): the chart's inputs."""
    from desktop_app.services.account_detail import latest_nps_array

    book = load_book(store, today, progress)
    return book, latest_nps_array(store, book.account_id)
