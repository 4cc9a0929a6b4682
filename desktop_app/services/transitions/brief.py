"""The handoff brief for the new CSM: one plain dataclass per account (the UI renders a PDF)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from desktop_app.domain.formatting import day, measure_name, measure_value, score
from desktop_app.domain.health import HealthExplanation, MeasureLine
from desktop_app.domain.scorecard import BandRules
from desktop_app.domain.transition import (
    AccountFacts,
    CaseFact,
    ChecklistItem,
    ContactFact,
    NoteFact,
    OppFact,
    ScenarioPlan,
    build_checklist,
    plan_for,
)
from desktop_app.services.errors import UserError
from desktop_app.services.health import active_scorecard, explain
from desktop_app.services.transitions.facts import load_basics, load_facts
from desktop_app.services.transitions.workflow import load_transition
from desktop_app.store.engine import Store
from desktop_app.store.health_repo import stored_measures_json
from desktop_app.store.schema import HealthOverride, HealthScore, TransitionItem


@dataclass(frozen=True)
class BriefOverride:
    """A band a person set by hand, shown beside the computed one."""

    band: str
    reason: str
    note: str | None
    author: str | None
    created: date


@dataclass(frozen=True)
class BriefMeasure:
    """One line of the health breakdown, already in words and units."""

    name: str
    value: str
    points: str
    weight: str
    costs: str


@dataclass(frozen=True)
class HandoffBrief:
    """Everything the new CSM should read about one account before the handoff meeting."""

    account_id: int
    sf_account_id: str | None
    account_name: str
    from_csm: str | None
    to_csm: str | None
    mrr: float | None
    renewal_date: date | None
    band: str | None
    score: float | None
    health_why: tuple[str, ...]
    plan: ScenarioPlan
    contacts: tuple[ContactFact, ...]
    open_tickets: tuple[CaseFact, ...]
    opportunities: tuple[OppFact, ...]
    recent_notes: tuple[NoteFact, ...]
    checklist: tuple[ChecklistItem, ...]
    computed_band: str | None = None
    band_reason: str = ""
    override: BriefOverride | None = None
    measures: tuple[BriefMeasure, ...] = field(default=())


def brief_measures(explanation: HealthExplanation | None) -> tuple[BriefMeasure, ...]:
    """The breakdown as rows of words: measure, value in its unit, points, weight, cost."""
    if explanation is None:
        return ()
    return tuple(_measure_row(line) for line in explanation.lines)


def _measure_row(line: MeasureLine) -> BriefMeasure:
    return BriefMeasure(
        name=measure_name(line.measure, line.label),
        value=measure_value(line.measure, line.raw),
        points="—" if line.points is None else f"{line.points:.0f} / 100",
        weight=f"{line.weight:.0f}%" if line.points is not None else "left out",
        costs=f"{line.lost:.1f} pts" if line.lost >= 0.05 else "",
    )


def band_reason(
    band: str | None,
    explanation: HealthExplanation | None,
    facts: AccountFacts,
    rules: BandRules,
    today: date,
) -> str:
    """One sentence: why the computed band is what it is (the SOP rules, in order)."""
    if band is None:
        return "Not scored yet: rescore the book after importing its data."
    if band == "Escalation":
        keys = ", ".join(c.key for c in facts.open_escalations[:3])
        n = len(facts.open_escalations)
        return f"{n} open escalation case{'s' if n != 1 else ''}" + (f" ({keys})." if keys else ".")
    if band == "Undefined":
        return _undefined_reason(explanation, facts, rules, today)
    value = explanation.score if explanation is not None else None
    threshold = f"{rules.healthy_min_score:.0f}"
    if band == "Healthy/Stable":
        return (
            f"Score {score(value)} is at least {threshold}, with no escalation or unresponsive POC."
        )
    worst = explanation.dragging_line if explanation is not None else None
    tail = (
        f"; {measure_name(worst.measure, worst.label)} ({measure_value(worst.measure, worst.raw)})"
        f" costs the most, {worst.lost:.1f} points"
        if worst is not None
        else ""
    )
    return f"Score {score(value)} is below {threshold}{tail}."


def _undefined_reason(
    explanation: HealthExplanation | None, facts: AccountFacts, rules: BandRules, today: date
) -> str:
    if explanation is None or explanation.score is None:
        return "No measure to score: no usage, tickets, NPS or billing data yet."
    main = facts.main_contact
    if main is None:
        return "No main POC is marked among the contacts."
    status = (main.status or "").lower()
    if status in rules.unavailable_poc_statuses:
        return f"The main POC, {main.full_name}, is {status}."
    if main.last_replied is None:
        return f"The main POC, {main.full_name}, has no recorded reply."
    silent = (today - main.last_replied).days
    if silent > rules.unresponsive_days:
        return (
            f"The main POC, {main.full_name}, last replied {silent} days ago "
            f"(more than {rules.unresponsive_days:.0f})."
        )
    if facts.days_past_due >= rules.past_due_min_days:
        return f"Past due by {facts.days_past_due} days."
    return "Unresponsive or past due by the SOP rules."


def _explanation(
    store: Store, account_id: int, measures_json: str | None
) -> HealthExplanation | None:
    """The stored breakdown, when it is in the scorer's shape (older rows may not be)."""
    try:
        data = json.loads(measures_json or "null")
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("measures"), dict):
        return None
    return explain(store, account_id)


def _override(session: Any, account_id: int) -> BriefOverride | None:
    row = session.execute(
        select(HealthOverride)
        .where(HealthOverride.account_id == account_id, HealthOverride.is_active.is_(True))
        .order_by(HealthOverride.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    created = row.created_at.date() if isinstance(row.created_at, datetime) else row.created_at
    return BriefOverride(row.band, row.reason_code, row.note, row.author, created)


def override_text(o: BriefOverride, computed: str | None) -> str:
    """``Overridden to Risky/Unstable by Dana on 2026-11-01 (reason); computed: Healthy``."""
    who = f" by {o.author}" if o.author else ""
    why = o.reason + (f": {o.note}" if o.note else "")
    return (
        f"Overridden to {o.band}{who} on {day(o.created)} ({why}); "
        f"the computed band is {computed or 'none'}."
    )


def health_reasons(measures_json: str | None) -> tuple[str, ...]:
    """Readable lines from a stored ``measures_json`` (a list of measures or a mapping)."""
    if not measures_json:
        return ()
    try:
        data: Any = json.loads(measures_json)
    except ValueError:
        return ()
    if isinstance(data, dict):
        data = data.get("measures", data)
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
        data = [
            {
                "label": measure_name(k, v.get("label") or k),
                "value": measure_value(k, v.get("raw")),
                "points": None if v.get("points") is None else round(v["points"]),
            }
            for k, v in data.items()
        ]
    if isinstance(data, dict):
        return tuple(f"{k}: {v}" for k, v in data.items())
    out = []
    for m in data if isinstance(data, list) else []:
        if not isinstance(m, dict):
            out.append(str(m))
            continue
        label = m.get("label") or m.get("name") or m.get("key") or "measure"
        parts = [f"{k} {m[k]}" for k in ("value", "points", "contribution", "weight") if k in m]
        out.append(f"{label}: {', '.join(parts)}" if parts else str(label))
    return tuple(out)


def brief_data(
    store: Store, account_id: int, transition_id: int | None = None, today: date | None = None
) -> HandoffBrief:
    """The handoff brief of one account, with the transition's checklist when given (or the
    latest transition holding the account), else the prefilled checklist.

    Raises ``UserError`` for an unknown account.
    """
    as_of = today or date.today()
    with store.sessions() as session:
        basics = load_basics(session, [account_id]).get(account_id)
        if basics is None:
            raise UserError(f"unknown account id: {account_id}")
        facts = load_facts(session, [account_id])[account_id]
        hs = session.get(HealthScore, account_id)
        why = stored_measures_json(session.connection(), account_id) if hs is not None else None
        override = _override(session, account_id)
        rules = active_scorecard(session)[1].bands
        if transition_id is None:
            transition_id = session.scalar(
                select(TransitionItem.transition_id)
                .where(TransitionItem.account_id == account_id)
                .order_by(TransitionItem.transition_id.desc())
                .limit(1)
            )
    explanation = _explanation(store, account_id, why)
    computed = hs.band if hs is not None else None
    # The reason scoring stored with the band; books scored before reasons existed get one
    # worded here from the same rules.
    stored_reason = hs.band_reason if hs is not None else None
    item = None
    if transition_id is not None:
        view = load_transition(store, transition_id)
        item = next((i for i in view.items if i.account_id == account_id), None)
    return HandoffBrief(
        account_id=account_id,
        sf_account_id=basics.sf_account_id,
        account_name=basics.name,
        from_csm=item.from_csm if item else basics.owner,
        to_csm=item.to_csm if item else None,
        mrr=basics.mrr,
        renewal_date=basics.renewal_date,
        band=facts.band,
        score=hs.score if hs is not None else None,
        health_why=health_reasons(why),
        plan=item.plan if item else plan_for(facts),
        contacts=facts.contacts,
        open_tickets=facts.open_tickets,
        opportunities=facts.open_opportunities,
        recent_notes=facts.notes,
        checklist=item.checklist if item else build_checklist(facts, as_of),
        computed_band=computed,
        band_reason=stored_reason or band_reason(computed, explanation, facts, rules, as_of),
        override=override,
        measures=brief_measures(explanation),
    )
