"""The SOP export's rows of a saved transition equal what the per-account rules give.

``export_rows`` reads a transition with a few aggregate queries (``store.transition_reader``)
and plans each distinct set of plan inputs once; these tests hold it to ``plan_for`` over
the full ``load_facts`` of every account, on a demo book with the edge cases added.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, select, update

from desktop_app.domain.transition import (
    CHECKLIST_QUESTIONS,
    PlanFacts,
    Scenario,
    plan_for,
    plan_of,
)
from desktop_app.services.transitions.checklist import checklist_from_json
from desktop_app.services.transitions.export import export_rows
from desktop_app.services.transitions.facts import load_facts
from desktop_app.services.transitions.workflow import (
    create_transition,
    load_transition,
    set_checklist_item,
    set_scenario,
)
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    HealthOverride,
    HealthScore,
    Opportunity,
    Ticket,
    TransitionItem,
)
from tests.transition_helpers import RECEIVER


def _override(aid: int, band: str, at: datetime, active: bool = True) -> HealthOverride:
    return HealthOverride(
        account_id=aid, band=band, reason_code="test", created_at=at, is_active=active
    )


def _ticket(aid: int, key: str, source: str, *, open_: bool, esc: bool) -> Ticket:
    return Ticket(
        account_id=aid, key=key, source=source, subject=key, is_open=open_, is_escalation=esc
    )


def _edge_cases(store: Store, ids: list[int], today: date) -> None:
    """Accounts whose plan turns on each input the reader aggregates."""
    t0 = datetime(2026, 1, 1)
    with store.sessions() as s, s.begin():
        # ids[0]: the first main POC is terminated, a later one active; Undefined by override.
        s.execute(update(Contact).where(Contact.account_id == ids[0]).values(status="terminated"))
        s.add(Contact(account_id=ids[0], first_name="Later", is_main_poc=True, status="active"))
        s.add(_override(ids[0], "Undefined", t0))
        # ids[1]: no band at all.
        s.execute(delete(HealthScore).where(HealthScore.account_id == ids[1]))
        s.execute(delete(HealthOverride).where(HealthOverride.account_id == ids[1]))
        # ids[2]: the latest active override wins over an older one and an inactive newer one.
        s.add(_override(ids[2], "Escalation", t0))
        s.add(_override(ids[2], "Healthy/Stable", t0 + timedelta(days=2)))
        s.add(_override(ids[2], "Risky/Unstable", t0 + timedelta(days=3), active=False))
        # ids[3]: an open Jira escalation, an open Zendesk ticket, a closed escalation.
        s.add(_ticket(ids[3], "JIRA-9001", "jira", open_=True, esc=True))
        s.add(_ticket(ids[3], "ZD-9002", "zendesk", open_=True, esc=False))
        s.add(_ticket(ids[3], "SF-9003", "salesforce", open_=False, esc=True))
        # ids[4]: only a renewal opportunity open; ids[5]: an upsell open.
        s.execute(
            update(Opportunity).where(Opportunity.account_id == ids[4]).values(is_closed=True)
        )
        s.add(Opportunity(account_id=ids[4], name="R", kind="renewal", is_closed=False))
        s.add(Opportunity(account_id=ids[5], name="U", kind="upsell", is_closed=False))
        # ids[6]: past due earlier, current now; ids[7]: past due on the latest state.
        s.execute(delete(BillingState).where(BillingState.account_id.in_(ids[6:8])))
        for aid, old, new in ((ids[6], 40, 0), (ids[7], 0, 30)):
            for as_of, days in ((today - timedelta(days=60), old), (today, new)):
                s.add(BillingState(account_id=aid, as_of=as_of, state="x", days_past_due=days))
        for aid in ids[6:8]:
            s.add(_override(aid, "Undefined", t0))
        # ids[8]: no contact at all.
        s.execute(delete(Contact).where(Contact.account_id == ids[8]))


def test_rows_match_plan_for_over_the_full_facts(demo_store: Store, today: date) -> None:
    with demo_store.sessions() as s:
        ids = list(s.scalars(select(Account.id).order_by(Account.id.desc())))
    _edge_cases(demo_store, ids, today)
    tid = create_transition(demo_store, ids, RECEIVER, today=today)
    items = load_transition(demo_store, tid).items
    set_scenario(demo_store, items[9].item_id, Scenario.FRESH_START, "TL knows them")
    set_checklist_item(demo_store, items[10].item_id, "handoff_meeting", True, "=booked")

    rows, scen, check = export_rows(demo_store, tid)

    with demo_store.sessions() as s:
        ti = TransitionItem
        saved = s.execute(
            select(ti.account_id, ti.scenario, ti.scenario_reason, ti.checklist_json)
            .where(ti.transition_id == tid)
            .order_by(ti.id)
        ).all()
        facts = load_facts(s, ids)
        accounts = {a.id: a for a in s.scalars(select(Account))}
    assert [a for a, *_ in saved] == ids
    assert len(rows) == len(scen) == len(check) == len(ids)
    plans = set()
    for row, sc, ch, (aid, scenario, reason, text) in zip(rows, scen, check, saved, strict=True):
        f, a = facts[aid], accounts[aid]
        main = f.main_contact
        poc = (main.first_name, main.last_name, main.email, main.phone) if main else (None,) * 4
        assert row.values() == (
            a.sf_account_id, a.name, a.lms_id, a.recurly_code, a.mrr, *poc, RECEIVER
        )  # fmt: skip
        p = plan_for(f, Scenario(scenario) if scenario else None)
        plans.add((p.scenario, p.automated, p.reminders, p.warnings))
        assert (sc.sf_account_id, sc.account_name) == (a.sf_account_id, a.name)
        assert (sc.scenario, sc.mode, sc.templates, sc.automated, sc.reason, sc.reminders) == (
            p.scenario.value,
            p.mode.value,
            p.template_text,
            p.automated,
            reason,
            " ".join(p.reminders + p.warnings),
        )
        items_saved = checklist_from_json(text)
        assert ch.answers == tuple(i.answer for i in items_saved)
        assert ch.done == tuple(i.done for i in items_saved)
    by_id = dict(zip(ids, scen, strict=True))
    assert "not active" in by_id[ids[0]].reminders
    assert by_id[ids[1]].reminders.endswith("No health band: treated as Undefined.")
    assert by_id[ids[2]].scenario == Scenario.HEALTHY.value
    assert "Make the new CSM the Reporter" in by_id[ids[3]].reminders
    assert "1 open escalation case(s)" in by_id[ids[3]].reminders
    assert not by_id[ids[3]].automated
    assert "open opportunity" not in by_id[ids[4]].reminders
    assert "open opportunity" in by_id[ids[5]].reminders
    assert "Past due" not in by_id[ids[6]].reminders
    assert "Past due 30 days" in by_id[ids[7]].reminders
    assert rows[8].values()[5:9] == (None, None, None, None)
    assert (scen[9].scenario, scen[9].reason) == (Scenario.FRESH_START.value, "TL knows them")
    keys = [k for k, _s, _q in CHECKLIST_QUESTIONS]
    assert check[10].answers[keys.index("handoff_meeting")] == "=booked"
    assert len(plans) > 5  # the book's accounts do not all share one plan


@contextmanager
def _statements(store: Store) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cur: Any, sql: str, params: Any, *_a: Any) -> None:
        seen.append((sql, params))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def test_reading_a_transition_is_a_few_statements_without_id_lists(
    demo_store: Store, today: date
) -> None:
    with demo_store.sessions() as s:
        ids = list(s.scalars(select(Account.id)))
    small = create_transition(demo_store, ids[:3], RECEIVER, today=today)
    whole = create_transition(demo_store, ids, RECEIVER, today=today)
    with _statements(demo_store) as few:
        export_rows(demo_store, small)
    with _statements(demo_store) as many:
        export_rows(demo_store, whole)
    assert len(many) == len(few) <= 8
    # The accounts come through a join on the transition, never as bound id lists.
    assert len(ids) >= 100
    for _sql, params in many:
        assert len(params) < 10, params


def test_plan_of_equals_plan_for_without_the_cases() -> None:
    from desktop_app.domain.transition import AccountFacts, CaseFact, ContactFact

    esc = CaseFact("SF-1", "salesforce", "s", None, "open", True, True, None)
    old = CaseFact("SF-2", "salesforce", "s", None, "closed", False, True, None)
    poc = ContactFact("A", "B", None, None, None, True, None, "on leave")
    facts = AccountFacts(1, "x", "Risky/Unstable", 3, (poc,), (esc, old))
    inputs = PlanFacts.of(facts)
    assert inputs == PlanFacts("Risky/Unstable", 3, False, 1, False, True, False)
    plan = plan_for(facts)
    assert plan.escalations == (esc, old)
    assert plan_of(inputs).escalations == ()
    for scenario in (None, *Scenario):
        a, b = plan_for(facts, scenario), plan_of(inputs, scenario)
        assert (a.scenario, a.templates, a.automated, a.reminders, a.warnings) == (
            b.scenario, b.templates, b.automated, b.reminders, b.warnings
        )  # fmt: skip
