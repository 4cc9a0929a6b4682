"""Account transitions: prepare (scenario + checklist per account), execute, undo, confirm.

A transition is saved as it is edited (``transitions``/``transition_items``; the checklist in
``checklist_json``), so the wizard can be closed and resumed. Executing changes the owners
and writes ``owner_history``; it can be undone until the transition is confirmed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.domain.transition import (
    AccountFacts,
    ChecklistItem,
    Scenario,
    ScenarioPlan,
    build_checklist,
    checklist_progress,
    plan_for,
)
from desktop_app.services.book import OwnerChange
from desktop_app.services.errors import UserError
from desktop_app.services.transitions.checklist import checklist_from_json
from desktop_app.services.transitions.checklist import (
    set_checklist_item as set_checklist_item,  # re-exported: callers import it from here
)
from desktop_app.services.transitions.facts import AccountBasics, load_basics, load_facts
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, OwnerHistory, Transition, TransitionItem

DRAFT, DONE, CONFIRMED = "draft", "done", "confirmed"


@dataclass(frozen=True)
class TransitionItemView:
    """One account of a transition as the wizard, the export and the CLI see it."""

    item_id: int
    account_id: int
    sf_account_id: str | None
    account_name: str
    from_csm: str | None
    to_csm: str | None
    band: str | None
    scenario: Scenario
    scenario_reason: str | None
    plan: ScenarioPlan
    checklist: tuple[ChecklistItem, ...]
    version: int = 1  # of the item row: pass it back to set_checklist_item

    @property
    def progress(self) -> float:
        return checklist_progress(self.checklist)


@dataclass(frozen=True)
class TransitionView:
    id: int
    name: str
    team_lead: str | None
    reason: str | None
    status: str
    created_at: datetime
    executed_at: datetime | None
    confirmed_at: datetime | None
    items: tuple[TransitionItemView, ...]

    @property
    def progress(self) -> float:
        """Mean checklist progress over the accounts (0.0 when empty)."""
        if not self.items:
            return 0.0
        return sum(i.progress for i in self.items) / len(self.items)


@dataclass(frozen=True)
class TransitionSummary:
    id: int
    name: str
    team_lead: str | None
    status: str
    accounts: int
    created_at: datetime


def _now(today: date | None = None) -> datetime:
    now = datetime.now().replace(microsecond=0)
    return now if today is None else datetime.combine(today, now.time())


def csm_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    """CSM ids by name (case-insensitive); raises ``UserError`` naming unknown CSMs."""
    rows = session.execute(select(Csm.id, Csm.full_name)).all()
    by_lower = {name.lower(): (cid, name) for cid, name in rows}
    out: dict[str, int] = {}
    unknown = []
    for n in names:
        hit = by_lower.get(n.strip().lower())
        if hit is None:
            unknown.append(n)
        else:
            out[n] = hit[0]
    if unknown:
        raise UserError(f"unknown CSM: {', '.join(sorted(set(unknown)))}")
    return out


def resolve_assignments(
    account_ids: Sequence[int], assignments: Mapping[int, str] | str
) -> dict[int, str]:
    """One receiving CSM per account from a mapping or a single name."""
    if isinstance(assignments, str):
        if not assignments.strip():
            raise UserError("no receiving CSM given")
        return dict.fromkeys(account_ids, assignments)
    missing = [a for a in account_ids if not assignments.get(a)]
    if missing:
        raise UserError(f"no receiving CSM for {len(missing)} account(s)")
    return {a: assignments[a] for a in account_ids}


def create_transition(
    store: Store,
    account_ids: Sequence[int],
    assignments: Mapping[int, str] | str,
    team_lead: str | None = None,
    name: str = "",
    reason: str | None = None,
    today: date | None = None,
) -> int:
    """Save a draft transition with scenario and prefilled checklist per account; its id.

    Raises ``UserError`` for no accounts, unknown account ids or unknown CSMs.
    """
    ids = list(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        raise UserError("no accounts selected")
    receivers = resolve_assignments(ids, assignments)
    as_of = today or date.today()
    with store.sessions() as session, session.begin():
        basics = load_basics(session, ids)
        unknown = [a for a in ids if a not in basics]
        if unknown:
            raise UserError(f"unknown account id(s): {', '.join(map(str, unknown[:10]))}")
        to_ids = csm_ids(session, sorted(set(receivers.values())))
        facts = load_facts(session, ids)
        t = Transition(
            name=name or f"Transition {as_of.isoformat()}",
            team_lead=team_lead,
            reason=reason,
            status=DRAFT,
            created_at=_now(today),
        )
        session.add(t)
        session.flush()
        for aid in ids:
            plan = plan_for(facts[aid])
            checklist = build_checklist(facts[aid], as_of)
            session.add(
                TransitionItem(
                    transition_id=t.id,
                    account_id=aid,
                    from_csm_id=basics[aid].owner_id,
                    to_csm_id=to_ids[receivers[aid]],
                    scenario=plan.scenario.value,
                    template=plan.template_text[:200],
                    scenario_reason=None,
                    checklist_json=json.dumps({"items": [c.to_dict() for c in checklist]}),
                )
            )
        return int(t.id)


def _get(session: Session, transition_id: int) -> Transition:
    t = session.get(Transition, transition_id)
    if t is None:
        raise UserError(f"unknown transition: {transition_id}")
    return t


def load_transition(store: Store, transition_id: int) -> TransitionView:
    """The saved transition with every account's plan and checklist."""
    with store.sessions() as session:
        return load_transition_in(session, transition_id)[0]


def load_transition_in(
    session: Session, transition_id: int
) -> tuple[TransitionView, dict[int, AccountBasics], dict[int, AccountFacts]]:
    """``load_transition`` inside a session, with the basics and (light) facts it read."""
    t = _get(session, transition_id)
    items = session.scalars(
        select(TransitionItem)
        .where(TransitionItem.transition_id == transition_id)
        .order_by(TransitionItem.id)
    ).all()
    ids = [it.account_id for it in items]
    basics = load_basics(session, ids)
    facts = load_facts(session, ids, full=False, basics=basics)
    names = dict(session.execute(select(Csm.id, Csm.full_name)).all())
    views = []
    for it in items:
        scenario = Scenario(it.scenario) if it.scenario else None
        plan = plan_for(facts[it.account_id], scenario)
        b = basics[it.account_id]
        views.append(
            TransitionItemView(
                item_id=it.id,
                account_id=it.account_id,
                sf_account_id=b.sf_account_id,
                account_name=b.name,
                from_csm=names.get(it.from_csm_id) if it.from_csm_id else None,
                to_csm=names.get(it.to_csm_id) if it.to_csm_id else None,
                band=facts[it.account_id].band,
                scenario=plan.scenario,
                scenario_reason=it.scenario_reason,
                plan=plan,
                checklist=checklist_from_json(it.checklist_json),
                version=it.version,
            )
        )
    return (
        TransitionView(
            t.id,
            t.name,
            t.team_lead,
            t.reason,
            t.status,
            t.created_at,
            t.executed_at,
            t.confirmed_at,
            tuple(views),
        ),
        basics,
        facts,
    )


def list_transitions(store: Store) -> list[TransitionSummary]:
    """Every saved transition, newest first."""
    from sqlalchemy import func

    with store.sessions() as session:
        counts = dict(
            session.execute(
                select(TransitionItem.transition_id, func.count()).group_by(
                    TransitionItem.transition_id
                )
            ).all()
        )
        rows = session.scalars(select(Transition).order_by(Transition.id.desc())).all()
        return [
            TransitionSummary(
                t.id, t.name, t.team_lead, t.status, counts.get(t.id, 0), t.created_at
            )
            for t in rows
        ]


def set_scenario(
    store: Store,
    item_id: int,
    scenario: Scenario | str,
    reason: str | None,
    *,
    require_reason: bool = True,
) -> tuple[str | None, str | None]:
    """Change one account's scenario (a reason is required); returns the previous values.

    Raises ``UserError`` for an unknown item, an unknown scenario, a missing reason or a
    transition that is no longer a draft.
    """
    try:
        chosen = Scenario(scenario)
    except ValueError:
        raise UserError(f"unknown scenario: {scenario}") from None
    if require_reason and not (reason or "").strip():
        raise UserError("give a reason for changing the scenario")
    with store.sessions() as session, session.begin():
        item = _item(session, item_id)
        if _get(session, item.transition_id).status != DRAFT:
            raise UserError("the transition was executed; its scenarios can no longer change")
        before = (item.scenario, item.scenario_reason)
        facts = load_facts(session, [item.account_id])[item.account_id]
        item.scenario = chosen.value
        item.template = plan_for(facts, chosen).template_text[:200]
        item.scenario_reason = reason
        return before


def _item(session: Session, item_id: int) -> TransitionItem:
    item = session.get(TransitionItem, item_id)
    if item is None:
        raise UserError(f"unknown transition item: {item_id}")
    return item


# --------------------------------------------------------------------------- execute


def execute_transition(store: Store, transition_id: int, today: date | None = None) -> int:
    """Give every account its new owner, with ``owner_history``; status "done".

    Returns the number of accounts whose owner changed. Raises ``UserError`` unless the
    transition is a draft.
    """
    with store.sessions() as session, session.begin():
        t = _get(session, transition_id)
        if t.status != DRAFT:
            raise UserError(f"transition {transition_id} is already {t.status}")
        when = _now(today)
        leads = dict(session.execute(select(Csm.id, Csm.team_lead)).all())
        changed = 0
        for item in session.scalars(
            select(TransitionItem).where(TransitionItem.transition_id == transition_id)
        ):
            account = session.get(Account, item.account_id)
            if account is None or item.to_csm_id is None:
                continue
            data = json.loads(item.checklist_json) if item.checklist_json else {}
            data["executed"] = {"previous_team_lead": account.team_lead}
            item.checklist_json = json.dumps(data)
            item.from_csm_id = account.owner_id
            session.add(
                OwnerHistory(
                    account_id=account.id,
                    previous_owner_id=account.owner_id,
                    new_owner_id=item.to_csm_id,
                    changed_at=when,
                    team_lead=t.team_lead,
                    transition_id=t.id,
                )
            )
            changed += int(account.owner_id != item.to_csm_id)
            account.owner_id = item.to_csm_id
            account.team_lead = leads.get(item.to_csm_id) or account.team_lead
        t.status, t.executed_at = DONE, when
        return changed


def undo_execute(store: Store, transition_id: int) -> int:
    """Give the accounts back to their previous owners; status "draft" again.

    Returns the number of accounts restored. Raises ``UserError`` when the transition is not
    executed or already confirmed.
    """
    with store.sessions() as session, session.begin():
        t = _get(session, transition_id)
        if t.status == CONFIRMED:
            raise UserError(f"transition {transition_id} is confirmed and cannot be undone")
        if t.status != DONE:
            raise UserError(f"transition {transition_id} has not been executed")
        items = {
            i.account_id: i
            for i in session.scalars(
                select(TransitionItem).where(TransitionItem.transition_id == transition_id)
            )
        }
        history = session.scalars(
            select(OwnerHistory).where(OwnerHistory.transition_id == transition_id)
        ).all()
        for h in history:
            account = session.get(Account, h.account_id)
            if account is not None and account.owner_id == h.new_owner_id:
                account.owner_id = h.previous_owner_id
                item = items.get(h.account_id)
                data = json.loads(item.checklist_json) if item and item.checklist_json else {}
                executed = data.pop("executed", None)
                if executed is not None and item is not None:
                    account.team_lead = executed.get("previous_team_lead")
                    item.checklist_json = json.dumps(data)
        session.execute(delete(OwnerHistory).where(OwnerHistory.transition_id == transition_id))
        t.status, t.executed_at = DRAFT, None
        return len(history)


def confirm_transition(store: Store, transition_id: int, today: date | None = None) -> None:
    """Make an executed transition final (no more undo)."""
    with store.sessions() as session, session.begin():
        t = _get(session, transition_id)
        if t.status != DONE:
            raise UserError(f"transition {transition_id} must be executed before confirming")
        t.status, t.confirmed_at = CONFIRMED, _now(today)


def owner_history(store: Store, account_id: int) -> list[OwnerChange]:
    """The account's owner changes, newest first (for the detail pane)."""
    with store.sessions() as session:
        names = dict(session.execute(select(Csm.id, Csm.full_name)).all())
        rows = session.execute(
            select(OwnerHistory, Transition.name)
            .outerjoin(Transition, Transition.id == OwnerHistory.transition_id)
            .where(OwnerHistory.account_id == account_id)
            .order_by(OwnerHistory.changed_at.desc(), OwnerHistory.id.desc())
        ).all()
        return [
            OwnerChange(
                h.changed_at,
                names.get(h.previous_owner_id) if h.previous_owner_id else None,
                names.get(h.new_owner_id) if h.new_owner_id else None,
                h.team_lead,
                h.transition_id,
                tname,
            )
            for h, tname in rows
        ]


def csm_names(store: Store, *, include_team_leads: bool = False) -> list[str]:
    """Every CSM's full name, sorted (team leads only when asked)."""
    with store.sessions() as session:
        stmt = select(Csm.full_name).order_by(Csm.full_name)
        if not include_team_leads:
            stmt = stmt.where(Csm.is_team_lead.is_(False))
        return list(session.scalars(stmt))
