"""The handoff brief for the new CSM: one plain dataclass per account (the UI renders a PDF)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from desktop_app.domain.transition import (
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
from desktop_app.services.health_writing import stored_measures_json
from desktop_app.services.transitions import load_transition
from desktop_app.services.transitions_facts import load_basics, load_facts
from desktop_app.store.engine import Store
from desktop_app.store.schema import HealthScore, TransitionItem


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
        if transition_id is None:
            transition_id = session.scalar(
                select(TransitionItem.transition_id)
                .where(TransitionItem.account_id == account_id)
                .order_by(TransitionItem.transition_id.desc())
                .limit(1)
            )
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
    )
