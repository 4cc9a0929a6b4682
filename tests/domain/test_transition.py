"""The SOP scenario table, pending items and the account-analysis checklist."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_app.domain.accounts import HealthBand
from desktop_app.domain.transition import (
    CHECKLIST_KEYS,
    TEMPLATE_AUTO_1,
    TEMPLATE_AUTO_2,
    TEMPLATE_MANUAL_1,
    TEMPLATE_MANUAL_2,
    TEMPLATE_MANUAL_3,
    AccountFacts,
    CaseFact,
    ChecklistItem,
    ContactFact,
    Mode,
    OppFact,
    Scenario,
    build_checklist,
    checklist_answers,
    checklist_progress,
    merge_checklist,
    plan_for,
    scenario_for_band,
)

TODAY = date(2026, 11, 24)


def _case(
    key: str, *, open_: bool, esc: bool, category: str = "support", source: str = "jira"
) -> CaseFact:
    return CaseFact(
        key,
        source,
        f"Subject {key}",
        category,
        "In Progress" if open_ else "Resolved",
        open_,
        esc,
        TODAY - timedelta(days=3),
    )


def _facts(band: str | None, **kw: object) -> AccountFacts:
    return AccountFacts(account_id=1, name="Acme Clinic", band=band, **kw)  # type: ignore[arg-type]


def test_sop_template_names_are_spelled_exactly() -> None:
    assert TEMPLATE_AUTO_1 == "Account Transition - Automatic 1 - Intro by New CSM"
    assert TEMPLATE_AUTO_2 == "Account Transition - Automatic 2 - Unresponsive Account Transfer"
    assert TEMPLATE_MANUAL_1 == "Account Transition - Manual 1 - Fresh Start (By TL)"
    assert TEMPLATE_MANUAL_2 == "Account Transition - Manual 2 - New CSM Intro (By TL)"
    assert TEMPLATE_MANUAL_3 == (
        "Account Transition - Manual 3 - Pending Items (Invitation to a Call)"
    )


@pytest.mark.parametrize(
    ("band", "scenario", "mode", "templates", "automated"),
    [
        (HealthBand.HEALTHY, Scenario.HEALTHY, Mode.AUTOMATIC, (TEMPLATE_AUTO_1,), True),
        (HealthBand.UNDEFINED, Scenario.UNDEFINED, Mode.AUTOMATIC, (TEMPLATE_AUTO_2,), True),
        (None, Scenario.UNDEFINED, Mode.AUTOMATIC, (TEMPLATE_AUTO_2,), True),
        (HealthBand.RISKY, Scenario.RISKY, Mode.MANUAL, (TEMPLATE_AUTO_1,), False),
        (HealthBand.ESCALATION, Scenario.ESCALATION, Mode.MANUAL, (TEMPLATE_AUTO_1,), False),
    ],
)
def test_scenario_from_every_band(band, scenario, mode, templates, automated) -> None:
    plan = plan_for(_facts(None if band is None else band.value))
    assert plan.scenario is scenario
    assert plan.mode is mode
    assert plan.templates == templates
    assert plan.automated is automated
    assert not plan.pending_items


def test_missing_band_warns_and_unknown_band_is_undefined() -> None:
    assert plan_for(_facts(None)).warnings == ("No health band: treated as Undefined.",)
    assert scenario_for_band("Something else") is Scenario.UNDEFINED


def test_undefined_past_due_prompts_tl_discussion() -> None:
    plan = plan_for(_facts("Undefined", days_past_due=45))
    assert any("Past due 45 days" in r and "TL" in r for r in plan.reminders)
    assert not any("Past due" in r for r in plan_for(_facts("Undefined")).reminders)


def test_risky_and_escalation_list_cases_and_rescue_plan() -> None:
    cases = (
        _case("SUP-1", open_=True, esc=True),
        _case("SUP-2", open_=False, esc=True),
        _case("SUP-3", open_=False, esc=False),
    )
    for band in ("Risky/Unstable", "Escalation"):
        plan = plan_for(_facts(band, cases=cases))
        assert [c.key for c in plan.escalations] == ["SUP-1", "SUP-2"]
        assert any("Rescue Plan" in r for r in plan.reminders)
    assert plan_for(_facts("Healthy/Stable", cases=cases)).escalations == ()


@pytest.mark.parametrize(
    ("scenario", "first"),
    [(Scenario.FRESH_START, TEMPLATE_MANUAL_1), (Scenario.FRESH_START_INTRO, TEMPLATE_MANUAL_2)],
)
def test_fresh_start_is_tl_led_then_new_csm_intro(scenario, first) -> None:
    plan = plan_for(_facts("Healthy/Stable"), scenario)
    assert plan.scenario is scenario
    assert plan.mode is Mode.TL_LED
    assert plan.templates == (first, TEMPLATE_AUTO_1)
    assert plan.sequencer.startswith("TL")
    assert not plan.automated
    assert plan.warnings == ()


def test_fresh_start_is_never_computed_from_health() -> None:
    for band in HealthBand:
        assert plan_for(_facts(band.value)).scenario not in (
            Scenario.FRESH_START,
            Scenario.FRESH_START_INTRO,
        )


def test_pending_items_add_manual_3_and_block_automation() -> None:
    upsell = OppFact("Acme upsell", "upsell", "Proposal", 5000.0, TODAY, "Greg", "Inbound")
    with_opp = plan_for(_facts("Healthy/Stable", open_opportunities=(upsell,)))
    assert with_opp.templates == (TEMPLATE_AUTO_1, TEMPLATE_MANUAL_3)
    assert with_opp.pending_items
    assert not with_opp.automated
    ticket = plan_for(_facts("Undefined", cases=(_case("SUP-9", open_=True, esc=False),)))
    assert ticket.templates == (TEMPLATE_AUTO_2, TEMPLATE_MANUAL_3)
    assert not ticket.automated
    assert any("Reporter" in r for r in ticket.reminders)
    fresh = plan_for(_facts("Healthy/Stable", open_opportunities=(upsell,)), Scenario.FRESH_START)
    assert fresh.templates[-1] == TEMPLATE_MANUAL_3


def test_renewal_opportunity_alone_is_not_pending() -> None:
    renewal = OppFact("Renewal 2027", "renewal", "Qualification", 1.0, TODAY, "Owen", None)
    plan = plan_for(_facts("Healthy/Stable", open_opportunities=(renewal,)))
    assert plan.automated
    assert plan.templates == (TEMPLATE_AUTO_1,)


def test_checklist_has_sop_questions_prefilled() -> None:
    main = ContactFact(
        "Maria", "=Smith", "m@x.org", "+1 555", "Admin", True, TODAY - timedelta(days=10), "active"
    )
    other = ContactFact("Li", "Kim", None, None, "HR", False, None, "active")
    facts = _facts(
        "Healthy/Stable",
        contacts=(main, other),
        cases=(
            _case("SUP-4", open_=True, esc=False, category="course"),
            _case("SUP-5", open_=True, esc=False, category="integration"),
        ),
        active_users=40,
        inactive_users=3,
        terminated_users=2,
        licensed_seats=50,
        cred_active=12,
        cred_contracted=15,
        module_usage_pct=63.4,
    )
    items = {i.key: i for i in build_checklist(facts, TODAY)}
    assert tuple(items) == CHECKLIST_KEYS
    assert len(items) == 14
    assert items["main_contact_replying"].answer.startswith("Yes — Maria =Smith")
    assert items["other_pocs"].answer == "1: Li Kim (HR)"
    assert items["open_course_cases"].answer.startswith("1: SUP-4")
    assert items["users_status"].answer == "40 active / 3 inactive / 2 terminated"
    assert items["users_vs_seats"].answer == "40 active users vs 50 seats paid (10 unused)"
    assert items["cred_soft_providers"].answer == ("12 active providers vs 15 contracted (differs)")
    assert items["learning_compliance_usage"].answer == "63% module usage"
    assert "SUP-5" in items["open_tickets"].answer
    assert "Reporter" in items["open_tickets"].answer
    assert items["handoff_meeting"].answer is None
    assert not any(i.done for i in items.values())


def test_unresponsive_main_contact_answer() -> None:
    main = ContactFact(
        "Al", "Bo", None, None, None, True, TODAY - timedelta(days=200), "terminated"
    )
    items = build_checklist(_facts("Undefined", contacts=(main,)), TODAY)
    assert items[0].answer.startswith("No — Al Bo last replied")
    assert "terminated" in items[0].answer
    assert any("not active" in r for r in plan_for(_facts("Undefined", contacts=(main,))).reminders)


def test_merge_and_progress() -> None:
    base = build_checklist(_facts("Healthy/Stable"), TODAY)
    merged = merge_checklist(
        base, [{"key": "other_pocs", "answer": "x", "done": True}, {"key": "bogus", "done": True}]
    )
    assert merged[1].answer == "x"
    assert merged[1].done
    assert checklist_progress(merged) == pytest.approx(1 / 14)
    assert checklist_progress(()) == 0.0


def test_checklist_answers_equal_the_merged_blank_checklist() -> None:
    """The export's shortcut reads the same answers and ticks as ``merge_checklist``."""
    from desktop_app.domain.transition import CHECKLIST_QUESTIONS

    blank = tuple(ChecklistItem(k, s, q) for k, s, q in CHECKLIST_QUESTIONS)
    saved = [
        {"key": "other_pocs", "answer": "x", "done": True},
        {"key": "open_tickets", "answer": "y"},
        {"key": "main_contact_replying", "done": 1},
        {"key": "bogus", "answer": "z", "done": True},
    ]
    merged = merge_checklist(blank, saved)
    answers, done = checklist_answers(saved)
    assert answers == tuple(i.answer for i in merged)
    assert done == tuple(i.done for i in merged)
    assert done.count(True) == 2
    assert answers.count(None) == len(CHECKLIST_QUESTIONS) - 2


def test_checklist_answers_of_every_question_in_order() -> None:
    """The usual saved form (every key, in order) takes the short path to the same result."""
    from desktop_app.domain.transition import CHECKLIST_QUESTIONS

    blank = tuple(ChecklistItem(k, s, q) for k, s, q in CHECKLIST_QUESTIONS)
    saved: list[dict[str, object]] = [
        {"key": k, "answer": f"a{i}" if i % 3 else None, "done": [True, 0, None, "y"][i % 4]}
        for i, (k, _s, _q) in enumerate(CHECKLIST_QUESTIONS)
    ]
    del saved[5]["done"]
    merged = merge_checklist(blank, saved)
    answers, done = checklist_answers(saved)
    assert answers == tuple(i.answer for i in merged)
    assert done == tuple(i.done for i in merged)
    assert all(type(d) is bool for d in done)
    assert checklist_answers(saved[::-1]) == (answers, done)


# ------------------------------------------------------------- reminders, pinned exactly


def test_undefined_reminders_in_order() -> None:
    from desktop_app.domain.transition import NO_REPLY_REMINDER, TL_DISCUSS_REMINDER

    # One day past due is past due; the main POC missing is "outdated".
    plan = plan_for(_facts("Undefined", days_past_due=1))
    assert plan.reminders == (
        f"Past due 1 days. {TL_DISCUSS_REMINDER}",
        f"The main POC is outdated or not active. {TL_DISCUSS_REMINDER}",
        NO_REPLY_REMINDER,
    )
    # Not past due, an active main POC (or one with no status): only the no-reply reminder.
    for status in ("active", None):
        main = ContactFact("A", "B", None, None, None, True, TODAY, status)
        plan = plan_for(_facts("Undefined", days_past_due=0, contacts=(main,)))
        assert plan.reminders == (NO_REPLY_REMINDER,)
    # Past due and a stale POC are Undefined's reminders only.
    plan = plan_for(_facts("Healthy/Stable", days_past_due=30))
    assert plan.reminders == (NO_REPLY_REMINDER,)


def test_pending_reminders_and_open_escalation_warning() -> None:
    from desktop_app.domain.transition import (
        JIRA_REPORTER_REMINDER,
        NO_REPLY_REMINDER,
        OPPS_REMINDER,
        RESCUE_PLAN_REMINDER,
        REVIEW_CASES_REMINDER,
    )

    upsell = OppFact("More seats", "upsell", "Proposal", 10.0, TODAY, "Owen", "Inbound")
    jira_open = _case("JIRA-1", open_=True, esc=True)
    zendesk_open = _case("ZD-1", open_=True, esc=False, source="zendesk")
    plan = plan_for(_facts("Healthy/Stable", open_opportunities=(upsell,), cases=(jira_open,)))
    assert plan.reminders == (OPPS_REMINDER, JIRA_REPORTER_REMINDER, NO_REPLY_REMINDER)
    assert plan.warnings == ("1 open escalation case(s): consider the Escalation Cases scenario.",)
    assert plan.templates == (TEMPLATE_AUTO_1, TEMPLATE_MANUAL_3)
    assert plan.pending_items
    assert not plan.automated
    # An open non-Jira ticket is pending, but asks for no Jira reporter and no opportunity brief.
    plan = plan_for(_facts("Healthy/Stable", cases=(zendesk_open,)))
    assert plan.reminders == (NO_REPLY_REMINDER,)
    assert plan.templates == (TEMPLATE_AUTO_1, TEMPLATE_MANUAL_3)
    # Risky accounts get the rescue reminders first, and no "consider escalation" warning.
    plan = plan_for(_facts("Risky/Unstable", cases=(jira_open,)))
    assert plan.reminders == (
        REVIEW_CASES_REMINDER,
        RESCUE_PLAN_REMINDER,
        JIRA_REPORTER_REMINDER,
        NO_REPLY_REMINDER,
    )
    assert plan.warnings == ()
    # Healthy and Undefined only list escalations as a warning, never as cases to brief.
    assert plan_for(_facts("Healthy/Stable", cases=(jira_open,))).escalations == ()


def test_checklist_cases_list_six_then_counts_the_rest() -> None:
    cases = tuple(_case(f"SUP-{k}", open_=True, esc=True) for k in range(1, 8))
    items = {i.key: i for i in build_checklist(_facts("Escalation", cases=cases), TODAY)}
    shown = "; ".join(f"SUP-{k}: Subject SUP-{k} (In Progress)" for k in range(1, 7))
    assert items["open_escalations"].answer == f"7: {shown}; +1 more"
    six = {i.key: i for i in build_checklist(_facts("Escalation", cases=cases[:6]), TODAY)}
    assert six["open_escalations"].answer == f"6: {shown}"
    assert six["historical_escalations"].answer == "None"


def test_main_contact_is_replying_up_to_45_days() -> None:
    def answer(days: int) -> str:
        main = ContactFact("Al", "Bo", None, None, None, True, TODAY - timedelta(days=days), None)
        items = build_checklist(_facts("Healthy/Stable", contacts=(main,)), TODAY)
        return str(items[0].answer)

    replied_45 = (TODAY - timedelta(days=45)).isoformat()
    assert answer(45) == f"Yes — Al Bo last replied {replied_45} (45 days ago)"
    assert answer(46).startswith("No — Al Bo last replied")
    no_poc = build_checklist(_facts("Healthy/Stable"), TODAY)
    assert no_poc[0].answer == "No main POC on record"


@pytest.mark.parametrize(
    ("active", "seats", "verdict"),
    [(50, 50, "matches"), (51, 50, "1 over"), (49, 50, "1 unused")],
)
def test_checklist_users_against_seats(active: int, seats: int, verdict: str) -> None:
    items = {
        i.key: i
        for i in build_checklist(
            _facts("Healthy/Stable", active_users=active, licensed_seats=seats), TODAY
        )
    }
    assert items["users_vs_seats"].answer == (
        f"{active} active users vs {seats} seats paid ({verdict})"
    )
    assert items["users_status"].answer == f"{active} active / 0 inactive / 0 terminated"
    assert items["cred_soft_providers"].answer == "No CRED SOFT"


def test_checklist_progress_counts_done_items() -> None:
    base = build_checklist(_facts("Healthy/Stable"), TODAY)
    ticks = [{"key": k, "done": True} for k in CHECKLIST_KEYS[:7]]
    assert checklist_progress(merge_checklist(base, ticks)) == 0.5
    assert checklist_progress([]) == 0.0
    assert checklist_progress(base) == 0.0
