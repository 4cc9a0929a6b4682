"""Account transition rules from the Account Transition SOP: a table plus pure functions.

``plan_for(facts)`` returns the scenario, the Outreach template(s), whether the sequence can
be automated and the reminders for one account; ``build_checklist(facts, today)`` returns the
SOP's account-analysis checklist prefilled from the data (``domain.transition_checklist``,
over the plain values of ``domain.transition_facts``). Template names are spelled exactly
as the SOP spells them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from desktop_app.domain.accounts import HealthBand
from desktop_app.domain.transition_checklist import (
    CHECKLIST_KEYS,
    CHECKLIST_QUESTIONS,
    ChecklistItem,
    build_checklist,
    checklist_answers,
    checklist_progress,
    merge_checklist,
)
from desktop_app.domain.transition_facts import (
    AccountFacts,
    CaseFact,
    ContactFact,
    NoteFact,
    OppFact,
)

# The facts and the checklist live in their own modules; their names stay importable here.
__all__ = [
    "CHECKLIST_KEYS",
    "CHECKLIST_QUESTIONS",
    "JIRA_REPORTER_REMINDER",
    "NO_REPLY_REMINDER",
    "OPPS_REMINDER",
    "RESCUE_PLAN_REMINDER",
    "REVIEW_CASES_REMINDER",
    "SCENARIO_TABLE",
    "TEMPLATE_AUTO_1",
    "TEMPLATE_AUTO_2",
    "TEMPLATE_FOLLOW_UP",
    "TEMPLATE_MANUAL_1",
    "TEMPLATE_MANUAL_2",
    "TEMPLATE_MANUAL_3",
    "TL_DISCUSS_REMINDER",
    "AccountFacts",
    "CaseFact",
    "ChecklistItem",
    "ContactFact",
    "Mode",
    "NoteFact",
    "OppFact",
    "PlanFacts",
    "Scenario",
    "ScenarioPlan",
    "ScenarioRule",
    "build_checklist",
    "checklist_answers",
    "checklist_progress",
    "merge_checklist",
    "plan_for",
    "plan_of",
    "scenario_for_band",
]

# --------------------------------------------------------------------------- templates

TEMPLATE_AUTO_1 = "Account Transition - Automatic 1 - Intro by New CSM"
TEMPLATE_AUTO_2 = "Account Transition - Automatic 2 - Unresponsive Account Transfer"
TEMPLATE_MANUAL_1 = "Account Transition - Manual 1 - Fresh Start (By TL)"
TEMPLATE_MANUAL_2 = "Account Transition - Manual 2 - New CSM Intro (By TL)"
TEMPLATE_MANUAL_3 = "Account Transition - Manual 3 - Pending Items (Invitation to a Call)"
TEMPLATE_FOLLOW_UP = "Account Transition Follow-Up"

RESCUE_PLAN_REMINDER = (
    "Follow the Rescue Plan (section 6 of the MT-CS-003-04 Adoption SOP): empathy and "
    "gratitude statement, involving sales, going above and beyond."
)
REVIEW_CASES_REMINDER = (
    "Review every historical and recent escalation case in the SF account for the root "
    "causes of the disengagement."
)
TL_DISCUSS_REMINDER = "Discuss the best course of action with your TL before the hand-off."
JIRA_REPORTER_REMINDER = "Make the new CSM the Reporter in all open Jira tickets."
OPPS_REMINDER = (
    "Brief the new CSM on each open opportunity: what the sale is about, how it originated, "
    "who the RSM is and the admin's sentiment; the sales credit goes to the new CSM."
)
NO_REPLY_REMINDER = (
    f"If the admin does not reply to the transition emails, call them, then send the "
    f"{TEMPLATE_FOLLOW_UP} template."
)


class Scenario(StrEnum):
    """How an account is handed over; the first four follow its health band."""

    HEALTHY = "Healthy/Stable"
    UNDEFINED = "Undefined"
    RISKY = "Risky/Unstable"
    ESCALATION = "Escalation Cases"
    FRESH_START = "Fresh Start"
    FRESH_START_INTRO = "Fresh Start (New CSM Intro)"


class Mode(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    TL_LED = "TL-led"


@dataclass(frozen=True)
class ScenarioRule:
    """One row of the SOP's scenario table."""

    scenario: Scenario
    mode: Mode
    templates: tuple[str, ...]
    sequencer: str
    reminders: tuple[str, ...] = ()


#: The SOP's scenario table. Fresh Start is set by the TL, never computed from health.
SCENARIO_TABLE: dict[Scenario, ScenarioRule] = {
    Scenario.HEALTHY: ScenarioRule(Scenario.HEALTHY, Mode.AUTOMATIC, (TEMPLATE_AUTO_1,), "New CSM"),
    Scenario.UNDEFINED: ScenarioRule(
        Scenario.UNDEFINED, Mode.AUTOMATIC, (TEMPLATE_AUTO_2,), "New CSM"
    ),
    Scenario.RISKY: ScenarioRule(
        Scenario.RISKY,
        Mode.MANUAL,
        (TEMPLATE_AUTO_1,),
        "New CSM",
        (REVIEW_CASES_REMINDER, RESCUE_PLAN_REMINDER),
    ),
    Scenario.ESCALATION: ScenarioRule(
        Scenario.ESCALATION,
        Mode.MANUAL,
        (TEMPLATE_AUTO_1,),
        "New CSM",
        (REVIEW_CASES_REMINDER, RESCUE_PLAN_REMINDER),
    ),
    Scenario.FRESH_START: ScenarioRule(
        Scenario.FRESH_START,
        Mode.TL_LED,
        (TEMPLATE_MANUAL_1, TEMPLATE_AUTO_1),
        "TL, then New CSM",
        (
            "The TL reaches out first (email, phone or meeting); then the new CSM sends "
            f"{TEMPLATE_AUTO_1} as a manual step.",
        ),
    ),
    Scenario.FRESH_START_INTRO: ScenarioRule(
        Scenario.FRESH_START_INTRO,
        Mode.TL_LED,
        (TEMPLATE_MANUAL_2, TEMPLATE_AUTO_1),
        "TL, then New CSM",
        (
            "The TL reaches out first (email, phone or meeting); then the new CSM sends "
            f"{TEMPLATE_AUTO_1} as a manual step.",
        ),
    ),
}

_BAND_SCENARIO: dict[str, Scenario] = {
    HealthBand.HEALTHY.value: Scenario.HEALTHY,
    HealthBand.UNDEFINED.value: Scenario.UNDEFINED,
    HealthBand.RISKY.value: Scenario.RISKY,
    HealthBand.ESCALATION.value: Scenario.ESCALATION,
}

# --------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class ScenarioPlan:
    """The scenario of one account with its templates, automation and reminders."""

    scenario: Scenario
    mode: Mode
    templates: tuple[str, ...]
    sequencer: str
    automated: bool
    pending_items: bool
    reminders: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    escalations: tuple[CaseFact, ...] = field(default=())

    @property
    def template_text(self) -> str:
        return "; ".join(self.templates)


def scenario_for_band(band: str | None) -> Scenario:
    """The SOP scenario of a health band; a missing or unknown band counts as Undefined."""
    if band is None:
        return Scenario.UNDEFINED
    return _BAND_SCENARIO.get(band, Scenario.UNDEFINED)


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """Everything the scenario rules read of an account, as a few plain values.

    Equal ``PlanFacts`` (with the same chosen scenario) give equal plans, so a caller that
    plans thousands of accounts (the SOP export) can plan each distinct value once.
    """

    band: str | None = None
    days_past_due: int = 0
    #: a main POC exists and is active (or of unknown status)
    main_poc_active: bool = False
    open_escalations: int = 0
    sales_opportunities: bool = False
    open_tickets: bool = False
    open_jira_tickets: bool = False

    @classmethod
    def of(cls, facts: AccountFacts) -> PlanFacts:
        """The plan inputs of ``facts``."""
        main = facts.main_contact
        return cls(
            band=facts.band,
            days_past_due=facts.days_past_due,
            main_poc_active=main is not None and main.status in (None, "active"),
            open_escalations=len(facts.open_escalations),
            sales_opportunities=bool(facts.sales_opportunities),
            open_tickets=bool(facts.open_tickets),
            open_jira_tickets=any(c.is_open and c.source == "jira" for c in facts.cases),
        )


def plan_for(facts: AccountFacts, scenario: Scenario | None = None) -> ScenarioPlan:
    """The transition plan of one account: scenario (from health unless given), templates.

    Accounts with open opportunities or pending tasks (open tickets) also get the Manual 3
    template and are never automated. Risky and Escalation plans list the account's
    escalation cases.
    """
    plan = plan_of(PlanFacts.of(facts), scenario)
    if plan.scenario in (Scenario.RISKY, Scenario.ESCALATION):
        return replace(plan, escalations=facts.open_escalations + facts.past_escalations)
    return plan


def plan_of(facts: PlanFacts, scenario: Scenario | None = None) -> ScenarioPlan:
    """``plan_for`` from the plan inputs alone: the same plan without the escalation cases."""
    chosen = scenario or scenario_for_band(facts.band)
    rule = SCENARIO_TABLE[chosen]
    reminders = list(rule.reminders)
    warnings: list[str] = []
    if facts.band is None and chosen is Scenario.UNDEFINED:
        warnings.append("No health band: treated as Undefined.")
    if chosen is Scenario.UNDEFINED and facts.days_past_due > 0:
        reminders.append(f"Past due {facts.days_past_due} days. {TL_DISCUSS_REMINDER}")
    if chosen is Scenario.UNDEFINED and not facts.main_poc_active:
        reminders.append(f"The main POC is outdated or not active. {TL_DISCUSS_REMINDER}")
    if chosen in (Scenario.HEALTHY, Scenario.UNDEFINED) and facts.open_escalations:
        warnings.append(
            f"{facts.open_escalations} open escalation case(s): consider the "
            "Escalation Cases scenario."
        )
    pending = facts.sales_opportunities or facts.open_tickets
    templates = list(rule.templates)
    if pending:
        templates.append(TEMPLATE_MANUAL_3)
        if facts.sales_opportunities:
            reminders.append(OPPS_REMINDER)
        if facts.open_jira_tickets:
            reminders.append(JIRA_REPORTER_REMINDER)
    reminders.append(NO_REPLY_REMINDER)
    return ScenarioPlan(
        scenario=chosen,
        mode=rule.mode,
        templates=tuple(templates),
        sequencer=rule.sequencer,
        automated=rule.mode is Mode.AUTOMATIC and not pending,
        pending_items=pending,
        reminders=tuple(reminders),
        warnings=tuple(warnings),
    )
