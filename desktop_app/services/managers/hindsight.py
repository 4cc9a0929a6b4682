""" "Did we see it coming?": what the app showed 180, 90 and 30 days before each churn.

Read from what was stored at the time: the month-end health snapshots (band and score of
the latest month-end on or before the day), the overrides in force that day, the forecast
call in force that day, and the alerts the stored history can replay (band drop, usage
drop, past due, renewal within 90 days while Risky/Escalation). Ticket auto-closing and
main-POC silence have no stored history, so they are not replayed.

For learning, not blame: an account counts as "seen" when, 90 days before it churned, its
band was Risky/Unstable or Escalation (computed or set by hand) or its renewal was called
at risk or lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from desktop_app.domain.alert_rules import RISK_BANDS, AlertFacts, AlertType, findings
from desktop_app.domain.forecast import Call
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.health_history_reader import ABSENT, book_history
from desktop_app.store.schema import (
    Account,
    BillingState,
    Csm,
    HealthOverride,
    Opportunity,
    UsageMonth,
)
from desktop_app.store.schema_managers import ForecastCall

OFFSETS = (180, 90, 30)
#: The offset the headline counts at.
HEADLINE_DAYS = 90
_REPLAYED = (AlertType.BAND_DROP, AlertType.USAGE_DROP, AlertType.PAST_DUE, AlertType.RENEWAL_RISK)


@dataclass(frozen=True)
class Glimpse:
    """What the app showed about one account on one day."""

    days_before: int
    on: date
    band: str | None  # the band in force (an override's band where one was set)
    score: float | None
    snapshot_month: date | None
    override_band: str | None
    call: Call | None
    alerts: tuple[AlertType, ...]

    @property
    def flagged(self) -> bool:
        at_risk = self.call in (Call.AT_RISK, Call.LOST)
        return (self.band in RISK_BANDS) or at_risk


@dataclass(frozen=True)
class ChurnCase:
    account_id: int
    account: str
    owner: str
    churn_date: date
    churn_type: str | None
    churn_reason: str | None
    glimpses: tuple[Glimpse, ...]  # one per offset, in ``OFFSETS`` order

    def at(self, days: int) -> Glimpse | None:
        return next((g for g in self.glimpses if g.days_before == days), None)

    @property
    def seen(self) -> bool:
        g = self.at(HEADLINE_DAYS)
        return g is not None and g.flagged


@dataclass(frozen=True)
class Hindsight:
    start: date
    end: date
    cases: list[ChurnCase]
    by_owner: dict[str, tuple[int, int]]  # owner -> (seen 90 days before, churned)

    @property
    def seen(self) -> int:
        return sum(c.seen for c in self.cases)

    def by_churn_type(self) -> dict[str, tuple[int, int]]:
        """Churn type -> (seen, churned): organic churn is rarely visible in our data."""
        out: dict[str, tuple[int, int]] = {}
        for c in self.cases:
            seen, total = out.get(c.churn_type or "unknown", (0, 0))
            out[c.churn_type or "unknown"] = (seen + int(c.seen), total + 1)
        return dict(sorted(out.items()))

    @property
    def headline(self) -> str:
        return (
            f"{self.seen} of {len(self.cases)} churned accounts were Risky/Unstable or "
            f"Escalation or forecast at risk {HEADLINE_DAYS} days before"
        )


def month_end_on_or_before(d: date) -> date:
    """The first day of the latest month whose end is on or before ``d``."""
    first = date(d.year, d.month, 1)
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    if nxt - timedelta(days=1) <= d:
        return first
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


@dataclass
class _History:
    snaps: dict[int, dict[date, tuple[float | None, str | None]]]
    usage: dict[int, list[tuple[date, float]]]
    billing: dict[int, list[tuple[date, str, int]]]
    renewals: dict[int, list[date]]
    overrides: dict[int, list[tuple[datetime, datetime | None, str]]]
    calls: dict[int, list[tuple[datetime, int, Call]]]


def _history(store: Store, ids: list[int]) -> _History:
    h = _History(
        defaultdict(dict),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
        defaultdict(list),
    )
    with store.sessions() as s:
        hist = book_history(s.connection(), ids)
        names = hist.band_names()
        for i, aid in enumerate(hist.account_id.tolist()):
            for k, month in enumerate(hist.months):
                if hist.bands[i, k] == ABSENT:
                    continue
                score = float(hist.scores[i, k])
                h.snaps[aid][month] = (None if score != score else score, names[i, k])
        for aid, month, mau in s.execute(
            select(UsageMonth.account_id, UsageMonth.month, UsageMonth.mau)
            .where(UsageMonth.account_id.in_(ids), UsageMonth.mau.is_not(None))
            .order_by(UsageMonth.month)
        ):
            h.usage[int(aid)].append((month, float(mau or 0)))
        for aid, when, state, dpd in s.execute(
            select(
                BillingState.account_id,
                BillingState.as_of,
                BillingState.state,
                BillingState.days_past_due,
            )
            .where(BillingState.account_id.in_(ids))
            .order_by(BillingState.as_of)
        ):
            h.billing[int(aid)].append((when, str(state), int(dpd or 0)))
        for aid, close in s.execute(
            select(Opportunity.account_id, Opportunity.close_date).where(
                Opportunity.account_id.in_(ids),
                Opportunity.kind == "renewal",
                Opportunity.close_date.is_not(None),
            )
        ):
            if close is not None:
                h.renewals[int(aid)].append(close)
        for aid, created, cleared, band in s.execute(
            select(
                HealthOverride.account_id,
                HealthOverride.created_at,
                HealthOverride.cleared_at,
                HealthOverride.band,
            ).where(HealthOverride.account_id.in_(ids))
        ):
            h.overrides[int(aid)].append((created, cleared, str(band)))
        for aid, created, cid, call in s.execute(
            select(
                ForecastCall.account_id, ForecastCall.created_at, ForecastCall.id, ForecastCall.call
            )
            .where(ForecastCall.account_id.in_(ids))
            .order_by(ForecastCall.created_at, ForecastCall.id)
        ):
            h.calls[int(aid)].append((created, int(cid), Call(call)))
    return h


def _glimpse(h: _History, aid: int, days: int, on: date) -> Glimpse:
    month = month_end_on_or_before(on)
    score, band = h.snaps[aid].get(month, (None, None))
    prev_month = month_end_on_or_before(month - timedelta(days=1))
    _s, band_before = h.snaps[aid].get(prev_month, (None, None))
    end_of_day = datetime.combine(on, time.max)
    override = next(
        (
            b
            for c, x, b in sorted(h.overrides[aid])
            if c <= end_of_day and (x is None or x > end_of_day)
        ),
        None,
    )
    shown = override or band
    calls = [c for t, _i, c in h.calls[aid] if t <= end_of_day]
    usage = [(m, v) for m, v in h.usage[aid] if m <= month]
    last, prev = (usage[-1], usage[-2]) if len(usage) >= 2 else (None, None)
    bills = [b for b in h.billing[aid] if b[0] <= on]
    bill = bills[-1] if bills else None
    upcoming = sorted(d for d in h.renewals[aid] if d > on)
    renewal = upcoming[0] if upcoming else None
    facts = AlertFacts(
        band=shown,
        band_month_ago=band_before,
        month_ago=prev_month,
        mau_last=last[1] if last else None,
        mau_prev=prev[1] if prev else None,
        usage_month=last[0] if last else None,
        auto_closing=(),
        past_due_days=bill[2] if bill and bill[1] == "past_due" else None,
        billing_as_of=bill[0] if bill else None,
        days_to_renewal=(renewal - on).days if renewal else None,
        renewal_date=renewal,
        poc_reply_days=None,
        override_band=None,
        override_review=False,
    )
    alerts = tuple(f.type for f in findings(facts) if f.type in _REPLAYED)
    call = calls[-1] if calls else None
    return Glimpse(days, on, shown, score, month if band else None, override, call, alerts)


def did_we_see_it_coming(
    store: Store, start: date, end: date, offsets: tuple[int, ...] = OFFSETS
) -> Hindsight:
    """Every account that churned in ``[start, end]`` and what the app showed before it.

    Raises ``UserError`` when ``end`` is before ``start``.
    """
    if end < start:
        raise UserError("The period must end on or after its start.")
    with store.sessions() as s:
        rows = s.execute(
            select(
                Account.id,
                Account.name,
                Csm.full_name,
                Account.churn_date,
                Account.churn_type,
                Account.churn_reason,
            )
            .outerjoin(Csm, Csm.id == Account.owner_id)
            .where(Account.churn_date >= start, Account.churn_date <= end)
            .order_by(Account.churn_date, Account.name)
        ).all()
    ids = [int(r[0]) for r in rows]
    h = _history(store, ids)
    cases: list[ChurnCase] = []
    for aid, name, owner, churn, ctype, reason in rows:
        if churn is None:  # the query asks for a date; this keeps the types honest
            continue
        glimpses = [_glimpse(h, int(aid), d, churn - timedelta(days=d)) for d in offsets]
        cases.append(
            ChurnCase(
                int(aid), str(name), owner or "(unassigned)", churn, ctype, reason, tuple(glimpses)
            )
        )
    by_owner: dict[str, tuple[int, int]] = {}
    for c in cases:
        seen, total = by_owner.get(c.owner, (0, 0))
        by_owner[c.owner] = (seen + int(c.seen), total + 1)
    return Hindsight(start, end, cases, dict(sorted(by_owner.items())))
