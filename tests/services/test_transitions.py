"""Transitions on the demo book: create, scenario, checklist, execute/undo/confirm, history."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import delete, func, select

from desktop_app.domain.transition import TEMPLATE_MANUAL_1, Scenario
from desktop_app.services.errors import UserError
from desktop_app.services.transitions.brief import brief_data, health_reasons
from desktop_app.services.transitions.workflow import (
    CONFIRMED,
    DONE,
    DRAFT,
    confirm_transition,
    create_transition,
    execute_transition,
    list_transitions,
    load_transition,
    owner_history,
    set_checklist_item,
    set_scenario,
    undo_execute,
)
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    Csm,
    HealthOverride,
    HealthScore,
    Opportunity,
    OwnerHistory,
    Ticket,
    TransitionItem,
)
from tests.transition_helpers import RECEIVER, movable_accounts


def _calm_accounts(store: Store, n: int, receiver: str = RECEIVER) -> list[int]:
    """Active accounts not owned by ``receiver``, cleared of open tickets and sales opps."""
    ids = movable_accounts(store, n, receiver)
    with store.sessions() as s, s.begin():
        s.execute(delete(Ticket).where(Ticket.account_id.in_(ids)))
        s.execute(
            delete(Opportunity).where(
                Opportunity.account_id.in_(ids), Opportunity.kind != "renewal"
            )
        )
    return ids


def _set_band(store: Store, account_id: int, band: str, *, override: bool = False) -> None:
    with store.sessions() as s, s.begin():
        if override:
            s.add(
                HealthOverride(
                    account_id=account_id,
                    band=band,
                    reason_code="test",
                    created_at=datetime(2026, 11, 1),
                )
            )
            return
        s.merge(
            HealthScore(
                account_id=account_id,
                score=50.0,
                band=band,
                measures_json=json.dumps([{"label": "Usage", "points": 12}]),
            )
        )


def _owner(store: Store, account_id: int) -> str | None:
    with store.sessions() as s:
        return s.scalar(
            select(Csm.full_name)
            .join(Account, Account.owner_id == Csm.id)
            .where(Account.id == account_id)
        )


def test_create_and_load_with_scenarios_from_bands(demo_store: Store, today: date) -> None:
    ids = _calm_accounts(demo_store, 4)
    _set_band(demo_store, ids[0], "Healthy/Stable")
    _set_band(demo_store, ids[1], "Risky/Unstable")
    _set_band(demo_store, ids[2], "Healthy/Stable")
    _set_band(demo_store, ids[2], "Escalation", override=True)
    with demo_store.sessions() as s, s.begin():
        s.execute(delete(HealthScore).where(HealthScore.account_id == ids[3]))
        s.execute(delete(HealthOverride).where(HealthOverride.account_id == ids[3]))
    tid = create_transition(
        demo_store, ids, RECEIVER, "Grace Lee", "Leave cover", "Leave", today=today
    )
    view = load_transition(demo_store, tid)
    assert view.status == DRAFT
    assert view.name == "Leave cover"
    assert view.team_lead == "Grace Lee"
    assert [i.account_id for i in view.items] == ids
    assert [i.scenario for i in view.items] == [
        Scenario.HEALTHY,
        Scenario.RISKY,
        Scenario.ESCALATION,
        Scenario.UNDEFINED,
    ]
    assert {i.to_csm for i in view.items} == {RECEIVER}
    assert all(i.from_csm and i.from_csm != RECEIVER for i in view.items)
    assert view.items[0].plan.automated
    assert view.items[3].band is None
    assert view.items[3].plan.warnings == ("No health band: treated as Undefined.",)
    assert len(view.items[0].checklist) == 14
    assert view.items[0].checklist[0].answer  # prefilled from the contacts
    assert view.progress == 0.0
    assert list_transitions(demo_store)[0].accounts == 4


def test_create_rejects_bad_input(demo_store: Store) -> None:
    ids = _calm_accounts(demo_store, 2)
    with pytest.raises(UserError, match="unknown CSM: Nobody"):
        create_transition(demo_store, ids, "Nobody")
    with pytest.raises(UserError, match="unknown account id"):
        create_transition(demo_store, [*ids, 999_999], RECEIVER)
    with pytest.raises(UserError, match="no accounts"):
        create_transition(demo_store, [], RECEIVER)
    with pytest.raises(UserError, match="no receiving CSM"):
        create_transition(demo_store, ids, {ids[0]: RECEIVER})


def test_set_scenario_needs_reason_and_returns_previous(demo_store: Store) -> None:
    ids = _calm_accounts(demo_store, 1)
    _set_band(demo_store, ids[0], "Undefined")
    tid = create_transition(demo_store, ids, RECEIVER)
    item = load_transition(demo_store, tid).items[0]
    with pytest.raises(UserError, match="reason"):
        set_scenario(demo_store, item.item_id, Scenario.FRESH_START, "  ")
    with pytest.raises(UserError, match="unknown scenario"):
        set_scenario(demo_store, item.item_id, "Whatever", "x")
    before = set_scenario(demo_store, item.item_id, Scenario.FRESH_START, "Admin asked")
    assert before == ("Undefined", None)
    after = load_transition(demo_store, tid).items[0]
    assert after.scenario is Scenario.FRESH_START
    assert after.scenario_reason == "Admin asked"
    assert after.plan.templates[0] == TEMPLATE_MANUAL_1
    with demo_store.sessions() as s:
        assert s.get(TransitionItem, item.item_id).template.startswith(TEMPLATE_MANUAL_1)
    set_scenario(demo_store, item.item_id, before[0], before[1], require_reason=False)
    assert load_transition(demo_store, tid).items[0].scenario is Scenario.UNDEFINED


def test_checklist_tick_saved_and_progress(demo_store: Store) -> None:
    ids = _calm_accounts(demo_store, 2)
    tid = create_transition(demo_store, ids, RECEIVER)
    item = load_transition(demo_store, tid).items[0]
    prev = set_checklist_item(demo_store, item.item_id, "handoff_meeting", True, "Fri 10:00")
    assert prev.done is False
    assert prev.answer is None
    view = load_transition(demo_store, tid)
    ticked = {c.key: c for c in view.items[0].checklist}["handoff_meeting"]
    assert ticked.done
    assert ticked.answer == "Fri 10:00"
    assert view.items[0].progress == pytest.approx(1 / 14)
    assert view.progress == pytest.approx(1 / 28)
    set_checklist_item(demo_store, item.item_id, prev.key, prev.done, prev.answer)
    assert load_transition(demo_store, tid).progress == 0.0
    with pytest.raises(UserError, match="unknown checklist item"):
        set_checklist_item(demo_store, item.item_id, "nope", True, None)


def test_execute_changes_owner_with_history_then_undo(demo_store: Store, today: date) -> None:
    ids = _calm_accounts(demo_store, 3)
    before = {a: _owner(demo_store, a) for a in ids}
    tid = create_transition(demo_store, ids, RECEIVER, "Grace Lee", "T1")
    assert execute_transition(demo_store, tid, today) == 3
    assert all(_owner(demo_store, a) == RECEIVER for a in ids)
    hist = owner_history(demo_store, ids[0])
    assert len(hist) == 1
    h = hist[0]
    assert (h.previous_owner, h.new_owner, h.team_lead, h.transition_id, h.transition_name) == (
        before[ids[0]],
        RECEIVER,
        "Grace Lee",
        tid,
        "T1",
    )
    assert h.changed_at.date() == today
    assert load_transition(demo_store, tid).status == DONE
    with pytest.raises(UserError, match="already done"):
        execute_transition(demo_store, tid, today)
    with pytest.raises(UserError, match="no longer change"):
        set_scenario(
            demo_store, load_transition(demo_store, tid).items[0].item_id, Scenario.RISKY, "x"
        )
    assert undo_execute(demo_store, tid) == 3
    assert {a: _owner(demo_store, a) for a in ids} == before
    assert owner_history(demo_store, ids[0]) == []
    assert load_transition(demo_store, tid).status == DRAFT
    with pytest.raises(UserError, match="not been executed"):
        undo_execute(demo_store, tid)


def test_execute_moves_team_lead_and_undo_restores_it(demo_store: Store, today: date) -> None:
    ids = _calm_accounts(demo_store, 5)
    with demo_store.sessions() as s:
        leads = {a: s.get(Account, a).team_lead for a in ids}
        receiver_lead = s.scalar(select(Csm.team_lead).where(Csm.full_name == RECEIVER))
    tid = create_transition(demo_store, ids, RECEIVER)
    execute_transition(demo_store, tid, today)
    with demo_store.sessions() as s:
        assert {s.get(Account, a).team_lead for a in ids} == {receiver_lead}
    undo_execute(demo_store, tid)
    with demo_store.sessions() as s:
        assert {a: s.get(Account, a).team_lead for a in ids} == leads


def test_confirm_blocks_undo(demo_store: Store, today: date) -> None:
    ids = _calm_accounts(demo_store, 1)
    tid = create_transition(demo_store, ids, RECEIVER)
    with pytest.raises(UserError, match="executed before confirming"):
        confirm_transition(demo_store, tid)
    execute_transition(demo_store, tid, today)
    confirm_transition(demo_store, tid, today)
    assert load_transition(demo_store, tid).status == CONFIRMED
    with pytest.raises(UserError, match="confirmed"):
        undo_execute(demo_store, tid)
    assert _owner(demo_store, ids[0]) == RECEIVER
    with demo_store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OwnerHistory)) == 1


def test_brief_data(demo_store: Store, today: date) -> None:
    ids = _calm_accounts(demo_store, 1)
    _set_band(demo_store, ids[0], "Healthy/Stable")
    tid = create_transition(demo_store, ids, RECEIVER)
    item = load_transition(demo_store, tid).items[0]
    set_checklist_item(demo_store, item.item_id, "other_pocs", True, "Only the admin")
    brief = brief_data(demo_store, ids[0], today=today)
    assert brief.to_csm == RECEIVER
    assert brief.band == "Healthy/Stable"
    assert brief.health_why == ("Usage: points 12",)
    assert brief.contacts
    assert brief.plan.scenario is Scenario.HEALTHY
    assert {c.key: c.answer for c in brief.checklist}["other_pocs"] == "Only the admin"
    with pytest.raises(UserError, match="unknown account"):
        brief_data(demo_store, 999_999)


def test_health_reasons_shapes() -> None:
    assert health_reasons(None) == ()
    assert health_reasons("not json") == ()
    assert health_reasons('{"usage": 0.4}') == ("usage: 0.4",)
    assert health_reasons('[{"name": "NPS", "weight": 0.2, "contribution": 5}]') == (
        "NPS: contribution 5, weight 0.2",
    )


def test_health_reasons_of_the_scorers_own_format() -> None:
    stored = json.dumps({
        "measures": {
            "utilisation": {"label": "Seat utilisation (latest MAU / licensed seats)",
                            "raw": 0.5758, "points": 77.4, "weight": 12.9, "contribution": 10},
            "mau_trend_3m": {"label": "MAU trend, 3 months (ratio - 1)", "raw": -0.12,
                             "points": 48.1, "weight": 19.3, "contribution": 9.3},
        },
        "organic": False,
    })  # fmt: skip
    assert health_reasons(stored) == (
        "Seat utilisation: value 58%, points 77",
        "MAU trend (3 mo): value −12%, points 48",
    )
