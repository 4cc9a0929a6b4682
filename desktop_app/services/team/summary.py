"""Team view for managers' one-on-ones: each CSM's book beside the team median, and an agenda.

Counts cover the CSM's active (not churned) accounts, by current owner. Renewal
performance counts closed renewal opportunities of the last four quarters (the 365 days up
to ``today``), attributed to the account's current CSM, churned accounts included.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.arrays import BoolArray, IntArray
from desktop_app.domain.book import BookColumns
from desktop_app.domain.team import (
    AgendaFacts,
    Alert,
    account_alerts,
    median,
    renewal_rate,
    sort_alerts,
)
from desktop_app.services.book import (
    STALE_REPLY_DAYS,
    auto_closes_in,
    load_book,
    main_poc_replies,
    open_escalations,
)
from desktop_app.services.errors import UserError
from desktop_app.services.health import active_overrides
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, Opportunity, Ticket

UNASSIGNED = "(unassigned)"
NOT_SCORED = "Not scored"
#: Renewal performance looks back this many days (four quarters).
RENEWAL_LOOKBACK_DAYS = 365


@dataclass(frozen=True, slots=True)
class CsmSummary:
    """One CSM's book as of a day (active accounts, current owner)."""

    csm: str
    team_lead: str | None
    accounts: int
    arr: float
    band_mix: dict[str, int]  # SOP band (and "Not scored") -> accounts
    renewals_30: int
    renewals_30_arr: float
    renewals_90: int
    renewals_90_arr: float
    escalated_accounts: int
    auto_closing_tickets: int
    unresponsive_pocs: int
    active_overrides: int
    overrides_to_review: int
    missing_renewal_date: int
    no_usage_data: int
    no_main_poc: int
    renewals_won: int
    renewals_lost: int
    renewal_rate: float | None  # won / (won + lost), last four quarters


#: The numeric fields of ``CsmSummary`` (what the team median is taken over).
NUMERIC_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(CsmSummary) if f.name not in ("csm", "team_lead", "band_mix")
)


@dataclass(frozen=True, eq=False)
class _Facts:
    """The book plus per-account support, contact, override and renewal facts.

    ``band``, ``days``, ``arr`` and ``unresponsive`` are derived from the book once here:
    the book's properties recompute a whole column on every access.
    """

    book: BookColumns
    owner: npt.NDArray[np.object_]  # owner name, UNASSIGNED where none
    active: BoolArray
    band: npt.NDArray[np.object_]  # the band in force
    days: npt.NDArray[np.float64]  # days to renewal (NaN: no date)
    arr: npt.NDArray[np.float64]  # ARR, 0 where missing
    escalations: IntArray
    auto_closing: dict[int, list[tuple[str, int]]]  # row -> (ticket key, days left)
    has_poc: BoolArray
    poc_days: npt.NDArray[np.float64]  # days since the main POC last replied (NaN: never)
    unresponsive: BoolArray  # a main POC whose last known reply is over STALE_REPLY_DAYS old
    review: BoolArray
    won: IntArray
    lost: IntArray


def _counts(book: BookColumns, rows: list[Any]) -> IntArray:
    """Per-book-row counts from (account_id, count) rows."""
    pos = {int(a): i for i, a in enumerate(book.account_id)}
    out = np.zeros(len(book), dtype=np.int64)
    for aid, n in rows:
        i = pos.get(aid)
        if i is not None:
            out[i] += int(n)
    return out


def _auto_closing(
    session: Session, book: BookColumns, today: date
) -> dict[int, list[tuple[str, int]]]:
    """Book row -> (ticket key, days left) of open tickets that will close on their own."""
    pos = {int(a): i for i, a in enumerate(book.account_id)}
    closing: dict[int, list[tuple[str, int]]] = {}
    waiting = session.execute(
        select(Ticket.account_id, Ticket.key, Ticket.waiting_on, Ticket.updated_at)
        .where(Ticket.is_open.is_(True), Ticket.waiting_on == "customer")
        .order_by(Ticket.updated_at)
    ).all()
    for aid, key, waiting_on, updated in waiting:
        days = auto_closes_in(waiting_on, updated, today)
        i = pos.get(aid) if aid is not None else None
        # Updated in the last five days (not in the future): it will close on its own.
        if i is None or days is None or days <= 0 or updated is None or updated.date() > today:
            continue
        closing.setdefault(i, []).append((key, days))
    return closing


def _renewal_facts(session: Session, book: BookColumns, today: date) -> tuple[IntArray, IntArray]:
    since = today - timedelta(days=RENEWAL_LOOKBACK_DAYS)
    rows = session.execute(
        select(Opportunity.account_id, Opportunity.is_won, func.count())
        .where(
            Opportunity.kind == "renewal",
            Opportunity.is_closed.is_(True),
            Opportunity.close_date > since,
            Opportunity.close_date <= today,
        )
        .group_by(Opportunity.account_id, Opportunity.is_won)
    ).all()
    won = _counts(book, [(a, n) for a, w, n in rows if w])
    lost = _counts(book, [(a, n) for a, w, n in rows if not w])
    return won, lost


def _load_facts(store: Store, today: date) -> _Facts:
    book = load_book(store, today)
    with store.sessions() as session:
        esc = open_escalations(session, book.account_id)
        closing = _auto_closing(session, book, today)
        has_poc, poc_days = main_poc_replies(session, book.account_id, today)
        won, lost = _renewal_facts(session, book, today)
    to_review = {o.account_id for o in active_overrides(store, today) if o.needs_review}
    owner = np.array([UNASSIGNED if o in (None, "") else o for o in book.owner], dtype=object)
    with np.errstate(invalid="ignore"):
        # A main POC without a reply date is unknown (the export may have no such column),
        # never "has not replied".
        unresponsive = has_poc & (poc_days > STALE_REPLY_DAYS)
    return _Facts(
        book=book,
        owner=owner,
        active=~book.churned,
        band=book.band,
        days=book.days_to_renewal,
        arr=np.nan_to_num(book.arr),
        escalations=esc,
        auto_closing=closing,
        has_poc=has_poc,
        poc_days=poc_days,
        unresponsive=unresponsive,
        review=np.isin(book.account_id, np.array(sorted(to_review), dtype=np.int64)),
        won=won,
        lost=lost,
    )


def _band_mix(band: npt.NDArray[np.object_]) -> dict[str, int]:
    mix = {b.value: int((band == b.value).sum()) for b in BAND_ORDER}
    mix[NOT_SCORED] = int(len(band) - sum(mix.values()))
    return mix


def _summary(f: _Facts, csm: str) -> CsmSummary:
    mine = f.owner == csm
    rows = mine & f.active
    b, arr, days = f.book, f.arr, f.days
    with np.errstate(invalid="ignore"):
        soon30 = rows & (days >= 0) & (days <= 30)
        soon90 = rows & (days >= 0) & (days <= 90)
    leads = [str(t) for t in b.team_lead[rows] if t]
    won, lost = int(f.won[mine].sum()), int(f.lost[mine].sum())
    auto = sum(len(f.auto_closing.get(int(i), [])) for i in np.flatnonzero(rows))
    return CsmSummary(
        csm=csm,
        team_lead=max(set(leads), key=leads.count) if leads else None,
        accounts=int(rows.sum()),
        arr=float(arr[rows].sum()),
        band_mix=_band_mix(f.band[rows]),
        renewals_30=int(soon30.sum()),
        renewals_30_arr=float(arr[soon30].sum()),
        renewals_90=int(soon90.sum()),
        renewals_90_arr=float(arr[soon90].sum()),
        escalated_accounts=int((rows & (f.escalations > 0)).sum()),
        auto_closing_tickets=auto,
        unresponsive_pocs=int((rows & f.unresponsive).sum()),
        active_overrides=int((rows & (b.override_band != None)).sum()),  # noqa: E711
        overrides_to_review=int((rows & f.review).sum()),
        missing_renewal_date=int((rows & np.isnat(b.renewal_date)).sum()),
        no_usage_data=int((rows & np.isnan(b.mau)).sum()),
        no_main_poc=int((rows & ~f.has_poc).sum()),
        renewals_won=won,
        renewals_lost=lost,
        renewal_rate=renewal_rate(won, lost),
    )


def team_summary(store: Store, today: date | None = None) -> list[CsmSummary]:
    """One summary per CSM who owns accounts (sorted by name; unassigned accounts last)."""
    f = _load_facts(store, today or date.today())
    names = sorted({str(o) for o in f.owner if o != UNASSIGNED}, key=str.lower)
    if (f.owner == UNASSIGNED).any():
        names.append(UNASSIGNED)
    return [_summary(f, n) for n in names]


def team_median(rows: list[CsmSummary]) -> dict[str, float | None]:
    """The team median of every numeric field (``NUMERIC_FIELDS``) and of each band count.

    Band counts are keyed ``"band:<band>"``. The unassigned pseudo-CSM is left out.
    """
    people = [r for r in rows if r.csm != UNASSIGNED]
    out: dict[str, float | None] = {
        name: median(getattr(r, name) for r in people) for name in NUMERIC_FIELDS
    }
    bands = [b.value for b in BAND_ORDER] + [NOT_SCORED]
    for band in bands:
        out[f"band:{band}"] = median(r.band_mix.get(band, 0) for r in people)
    return out


def _facts_for(f: _Facts, i: int) -> AgendaFacts:
    b = f.book
    rd = b.renewal_date[i]
    days = f.days[i]
    arr = b.arr[i]
    poc = f.poc_days[i]
    band = f.band[i]
    return AgendaFacts(
        account_id=int(b.account_id[i]),
        name=str(b.name[i]),
        band=None if band is None else str(band),
        days_to_renewal=None if np.isnan(days) else int(days),
        renewal_date=None if np.isnat(rd) else rd.astype(object),
        arr=None if np.isnan(arr) else float(arr),
        open_escalations=int(f.escalations[i]),
        auto_closing=tuple(f.auto_closing.get(i, [])),
        has_main_poc=bool(f.has_poc[i]),
        days_since_poc_reply=None if np.isnan(poc) else int(poc),
        poc_unresponsive=bool(f.unresponsive[i]),
        has_usage=not np.isnan(b.mau[i]),
        override_band=b.override_band[i],
        override_needs_review=bool(f.review[i]),
    )


def csm_alerts(store: Store, csm: str, today: date | None = None) -> list[Alert]:
    """The one-on-one agenda for ``csm``'s active accounts, most pressing first.

    Raises ``UserError`` when nobody by that name (case-insensitive) owns accounts.
    """
    f = _load_facts(store, today or date.today())
    wanted = csm.strip().lower()
    owners = np.array([str(o).lower() for o in f.owner], dtype=object)
    mine = owners == wanted
    if not mine.any():
        raise UserError(f"no accounts owned by {csm!r}")
    alerts: list[Alert] = []
    for i in np.flatnonzero(mine & f.active):
        alerts.extend(account_alerts(_facts_for(f, int(i))))
    return sort_alerts(alerts)


def owner_names(store: Store) -> list[str]:
    """Names of the CSMs who own accounts (for scope pickers), sorted."""
    with store.sessions() as session:
        names = session.execute(
            select(Csm.full_name).join(Account, Account.owner_id == Csm.id).distinct()
        ).scalars()
        return sorted(names, key=str.lower)


def summary_dict(row: CsmSummary) -> dict[str, Any]:
    """A JSON-ready dict of one summary (what ``team --json`` prints per CSM)."""
    return {f.name: getattr(row, f.name) for f in fields(row)}
