"""The one-on-one pack: one CSM's book beside the team median, renewals, changes, alerts.

``build_pack`` reads everything as of a day and returns plain data that the PDF and xlsx
writers lay out; the same data and day give the same pack. "What changed" compares with
the last pack exported for this CSM before that day (its stored state), or, with ``since``
or without an earlier pack, with the month-end snapshot and the history after that date.
``record_pack`` stores what a pack showed so that the next one can compare with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import delete, or_, select

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.alert_rules import ALERT_LABEL
from desktop_app.domain.forecast import Call, Quarter, Rollup
from desktop_app.services.book import load_book
from desktop_app.services.errors import UserError
from desktop_app.services.managers.alert_facts import snapshot_bands
from desktop_app.services.managers.alerts import OPEN, alert_overview
from desktop_app.services.managers.forecast import band_churn_rates, current_calls, suggest_for
from desktop_app.services.managers.hindsight import month_end_on_or_before
from desktop_app.services.managers.perception import CsmPerception, perception_report
from desktop_app.services.managers.plan import plan_report
from desktop_app.services.team import NOT_SCORED, team_median, team_summary
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, OwnerHistory
from desktop_app.store.schema_managers import OneOnOnePack

#: Without an earlier pack or ``since``, changes are counted over this many days.
DEFAULT_SINCE_DAYS = 30

#: (label, CsmSummary field, money?) of the summary table, in order.
SUMMARY_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("Active accounts", "accounts", False),
    ("ARR", "arr", True),
    ("Renewal rate (last 4 quarters)", "renewal_rate", False),
    ("Renewals in 30 days", "renewals_30", False),
    ("Renewals in 90 days", "renewals_90", False),
    ("ARR renewing in 90 days", "renewals_90_arr", True),
    ("Accounts with an open escalation", "escalated_accounts", False),
    ("Tickets auto-closing", "auto_closing_tickets", False),
    ("Active overrides", "active_overrides", False),
    ("Overrides to review", "overrides_to_review", False),
    ("No renewal date", "missing_renewal_date", False),
    ("No usage data", "no_usage_data", False),
)


@dataclass(frozen=True)
class SummaryLine:
    label: str
    value: float | None
    median: float | None
    money: bool = False
    percent: bool = False


@dataclass(frozen=True)
class PackRenewal:
    account: str
    due: date
    days: int
    arr: float
    band: str | None
    call: Call | None
    suggested: Call


@dataclass(frozen=True)
class Change:
    kind: str  # band move | churn | transition | override due | new alert
    account: str
    detail: str


@dataclass(frozen=True)
class PackAlert:
    id: str
    type: str
    account: str
    message: str


@dataclass(frozen=True)
class OneOnOnePackData:
    owner: str
    team_lead: str | None
    as_of: date
    since: date
    baseline: str  # what "since" compares with, in words
    summary: list[SummaryLine]
    band_mix: dict[str, int]
    band_median: dict[str, float | None]
    quarter: Quarter
    plan: Rollup | None
    target_label: str | None
    renewals: list[PackRenewal]
    changes: list[Change]
    alerts: list[PackAlert]
    handled_alerts: int
    perception: CsmPerception | None = None
    state: dict[str, object] = field(default_factory=dict, repr=False)


def _canonical_owner(store: Store, name: str) -> tuple[str, str | None]:
    with store.sessions() as s:
        row = s.execute(
            select(Csm.full_name, Csm.team_lead).where(Csm.full_name.ilike(name.strip()))
        ).first()
    if row is None:
        raise UserError(f"There is no CSM named {name!r}.")
    return str(row[0]), row[1]


def _previous_pack(store: Store, owner: str, before: date) -> tuple[date, dict[str, object]] | None:
    with store.sessions() as s:
        row = s.execute(
            select(OneOnOnePack.as_of, OneOnOnePack.state_json)
            .where(OneOnOnePack.owner == owner, OneOnOnePack.as_of < before)
            .order_by(OneOnOnePack.as_of.desc(), OneOnOnePack.id.desc())
        ).first()
    return None if row is None else (row[0], json.loads(row[1]))


def _summary(
    store: Store, owner: str, today: date
) -> tuple[list[SummaryLine], dict[str, int], dict[str, float | None]]:
    rows = team_summary(store, today)
    med = team_median(rows)
    me = next((r for r in rows if r.csm == owner), None)
    if me is None:
        raise UserError(f"{owner} owns no active accounts.")
    lines = [
        SummaryLine(
            label,
            getattr(me, name),
            med.get(name),
            money=is_money,
            percent=name == "renewal_rate",
        )
        for label, name, is_money in SUMMARY_FIELDS
    ]
    bands = [b.value for b in BAND_ORDER] + [NOT_SCORED]
    return (
        lines,
        {b: me.band_mix.get(b, 0) for b in bands},
        {b: med.get(f"band:{b}") for b in bands},
    )


def build_pack(
    store: Store, owner: str, today: date | None = None, since: date | None = None
) -> OneOnOnePackData:
    """Everything the pack shows for ``owner`` as of ``today``; ``UserError`` for an unknown CSM."""
    today = today or date.today()
    owner, lead = _canonical_owner(store, owner)
    summary, mix, mix_median = _summary(store, owner, today)
    book = load_book(store, today)
    mine = np.array([str(o or "") == owner for o in book.owner], dtype=bool)
    band, days = book.band, book.days_to_renewal
    with store.sessions() as s:
        rates = band_churn_rates(s, today)
        calls = current_calls(s, book.account_id[mine].tolist())
    renewals = []
    with np.errstate(invalid="ignore"):
        soon = mine & ~book.churned & (days >= 0) & (days <= 90)
    for i in np.flatnonzero(soon).tolist():
        aid = int(book.account_id[i])
        b = None if band[i] is None else str(band[i])
        renewals.append(
            PackRenewal(
                str(book.name[i]),
                book.renewal_date[i].astype(object),
                int(days[i]),
                float(np.nan_to_num(book.arr[i])),
                b,
                calls.get(aid),
                suggest_for(rates, b, False).call,
            )
        )
    renewals.sort(key=lambda r: (r.due, r.account.lower()))
    quarter = Quarter.of(today)
    rep = plan_report(store, quarter, today)
    plan = next((p for p in rep.csms if p.csm == owner), None)
    ov = alert_overview(store, today)
    mine_alerts = ov.for_owner(owner)
    alerts = [
        PackAlert(a.id, ALERT_LABEL[a.type], a.account, a.message)
        for a in mine_alerts
        if a.status == OPEN
    ]
    state: dict[str, object] = {
        "bands": {
            str(int(book.account_id[i])): (None if band[i] is None else str(band[i]))
            for i in np.flatnonzero(mine & ~book.churned).tolist()
        },
        "alerts": sorted(a.id for a in alerts),
    }
    names = {
        int(a): str(n) for a, n in zip(book.account_id.tolist(), book.name.tolist(), strict=True)
    }
    changes, since_day, baseline = _changes(store, owner, today, since, state, names)
    return OneOnOnePackData(
        owner=owner,
        team_lead=lead,
        as_of=today,
        since=since_day,
        baseline=baseline,
        summary=summary,
        band_mix=mix,
        band_median=mix_median,
        quarter=quarter,
        plan=plan.figures if plan else None,
        target_label=plan.target.label if plan and plan.target else None,
        renewals=renewals,
        changes=changes,
        alerts=alerts,
        handled_alerts=sum(a.status != OPEN for a in mine_alerts),
        perception=perception_report(store).for_csm(owner),
        state=state,
    )


def _changes(
    store: Store,
    owner: str,
    today: date,
    since: date | None,
    state: dict[str, object],
    names: dict[int, str],
) -> tuple[list[Change], date, str]:
    prev = None if since is not None else _previous_pack(store, owner, today)
    bands_now = state["bands"]
    assert isinstance(bands_now, dict)
    if prev is not None:
        since_day, old = prev
        before_bands = {int(k): v for k, v in dict(old.get("bands", {})).items()}  # type: ignore[call-overload]
        before_alerts = set(old.get("alerts", []))  # type: ignore[call-overload]
        baseline = f"the pack of {since_day.isoformat()}"
    else:
        since_day = since or today - timedelta(days=DEFAULT_SINCE_DAYS)
        month = month_end_on_or_before(since_day)
        with store.sessions() as s:
            before_bands = dict(snapshot_bands(s, month))
        before_alerts = None
        baseline = f"{since_day.isoformat()} (bands from the {month:%B %Y} month-end snapshot)"
    out: list[Change] = []
    order = {b.value: i for i, b in enumerate(BAND_ORDER)}
    for key, now in sorted(bands_now.items(), key=lambda kv: names.get(int(kv[0]), "").lower()):
        was = before_bands.get(int(key))
        if was is not None and now is not None and was != now:
            word = "worse" if order.get(now, 0) > order.get(was, 0) else "better"
            out.append(Change("band move", names[int(key)], f"{was} → {now} ({word})"))
    start = datetime.combine(since_day, time.max)
    with store.sessions() as s:
        churned = s.execute(
            select(Account.name, Account.churn_date, Account.churn_type)
            .join(Csm, Csm.id == Account.owner_id)
            .where(
                Csm.full_name == owner, Account.churn_date > since_day, Account.churn_date <= today
            )
            .order_by(Account.churn_date, Account.name)
        ).all()
        moves = s.execute(
            select(
                Account.name,
                OwnerHistory.changed_at,
                OwnerHistory.previous_owner_id,
                OwnerHistory.new_owner_id,
                Csm.id,
            )
            .join(Account, Account.id == OwnerHistory.account_id)
            .join(Csm, Csm.full_name == owner)
            .where(
                OwnerHistory.changed_at > start,
                OwnerHistory.changed_at <= datetime.combine(today, time.max),
                or_(OwnerHistory.new_owner_id == Csm.id, OwnerHistory.previous_owner_id == Csm.id),
            )
            .order_by(OwnerHistory.changed_at, Account.name)
        ).all()
    for name, when, kind in churned:
        out.append(Change("churn", str(name), f"churned {when} ({kind or 'type not recorded'})"))
    for name, when, _prev, new, me in moves:
        way = "received" if new == me else "handed over"
        out.append(Change("transition", str(name), f"{way} on {when:%Y-%m-%d}"))
    alerts_now = state["alerts"]
    assert isinstance(alerts_now, list)
    if before_alerts is not None:
        for aid in alerts_now:
            if aid not in before_alerts:
                account = names.get(int(str(aid).split(":")[1]), "")
                kind = str(aid).split(":")[0].replace("_", " ")
                out.append(Change("new alert", account, kind))
    for aid in alerts_now:
        if str(aid).startswith("override_review:"):
            out.append(
                Change(
                    "override due",
                    names.get(int(str(aid).split(":")[1]), ""),
                    "review the band set by hand",
                )
            )
    return out, since_day, baseline


def record_pack(store: Store, pack: OneOnOnePackData) -> None:
    """Store what ``pack`` showed (replacing a pack of the same CSM and day)."""
    with store.sessions() as s, s.begin():
        s.execute(
            delete(OneOnOnePack).where(
                OneOnOnePack.owner == pack.owner, OneOnOnePack.as_of == pack.as_of
            )
        )
        s.add(
            OneOnOnePack(
                owner=pack.owner,
                as_of=pack.as_of,
                created_at=datetime.now().replace(microsecond=0),
                state_json=json.dumps(pack.state, sort_keys=True),
            )
        )
