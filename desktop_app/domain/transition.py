"""Account transition rules from the Account Transition SOP: a table plus pure functions.

``plan_for(facts)`` returns the scenario, the Outreach template(s), whether the sequence can
be automated and the reminders for one account; ``build_checklist(facts, today)`` returns the
SOP's account-analysis checklist prefilled from the data. Template names are spelled exactly
as the SOP spells them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from desktop_app.domain.accounts import HealthBand

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

# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class ContactFact:
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    title: str | None
    is_main: bool
    last_replied: date | None
    status: str | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(no name)"


@dataclass(frozen=True)
class CaseFact:
    """A ticket or SF case of the account."""

    key: str
    source: str
    subject: str
    category: str | None
    status: str | None
    is_open: bool
    is_escalation: bool
    opened: date | None


@dataclass(frozen=True)
class OppFact:
    name: str
    kind: str
    stage: str | None
    amount: float | None
    close_date: date | None
    rsm: str | None
    origin: str | None


@dataclass(frozen=True)
class NoteFact:
    created: date
    kind: str
    author: str | None
    body: str


@dataclass(frozen=True)
class AccountFacts:
    """What the transition rules need to know about one account (plain values)."""

    account_id: int
    name: str
    band: str | None = None
    days_past_due: int = 0
    contacts: tuple[ContactFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    open_opportunities: tuple[OppFact, ...] = ()
    notes: tuple[NoteFact, ...] = ()  # newest first
    active_users: int | None = None
    inactive_users: int | None = None
    terminated_users: int | None = None
    licensed_seats: int | None = None
    cred_active: int | None = None
    cred_contracted: int | None = None
    module_usage_pct: float | None = None

    @property
    def main_contact(self) -> ContactFact | None:
        return next((c for c in self.contacts if c.is_main), None)

    @property
    def open_escalations(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if c.is_open and c.is_escalation)

    @property
    def past_escalations(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if not c.is_open and c.is_escalation)

    @property
    def sales_opportunities(self) -> tuple[OppFact, ...]:
        """Open opportunities in a sales process (upsell, new business).

        A renewal opportunity alone does not make the account "pending": SF opens one for
        every subscription, and counting it would leave no account automated.
        """
        return tuple(o for o in self.open_opportunities if o.kind != "renewal")

    @property
    def open_tickets(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if c.is_open)


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


def plan_for(facts: AccountFacts, scenario: Scenario | None = None) -> ScenarioPlan:
    """The transition plan of one account: scenario (from health unless given), templates.

    Accounts with open opportunities or pending tasks (open tickets) also get the Manual 3
    template and are never automated.
    """
    chosen = scenario or scenario_for_band(facts.band)
    rule = SCENARIO_TABLE[chosen]
    reminders = list(rule.reminders)
    warnings: list[str] = []
    if facts.band is None and chosen is Scenario.UNDEFINED:
        warnings.append("No health band: treated as Undefined.")
    if chosen is Scenario.UNDEFINED and facts.days_past_due > 0:
        reminders.append(f"Past due {facts.days_past_due} days. {TL_DISCUSS_REMINDER}")
    main = facts.main_contact
    if chosen is Scenario.UNDEFINED and (main is None or main.status not in (None, "active")):
        reminders.append(f"The main POC is outdated or not active. {TL_DISCUSS_REMINDER}")
    if chosen in (Scenario.HEALTHY, Scenario.UNDEFINED) and facts.open_escalations:
        warnings.append(
            f"{len(facts.open_escalations)} open escalation case(s): consider the "
            "Escalation Cases scenario."
        )
    pending = bool(facts.sales_opportunities or facts.open_tickets)
    templates = list(rule.templates)
    if pending:
        templates.append(TEMPLATE_MANUAL_3)
        if facts.sales_opportunities:
            reminders.append(OPPS_REMINDER)
        if any(c.is_open and c.source == "jira" for c in facts.cases):
            reminders.append(JIRA_REPORTER_REMINDER)
    reminders.append(NO_REPLY_REMINDER)
    escalations: tuple[CaseFact, ...] = ()
    if chosen in (Scenario.RISKY, Scenario.ESCALATION):
        escalations = facts.open_escalations + facts.past_escalations
    return ScenarioPlan(
        scenario=chosen,
        mode=rule.mode,
        templates=tuple(templates),
        sequencer=rule.sequencer,
        automated=rule.mode is Mode.AUTOMATIC and not pending,
        pending_items=pending,
        reminders=tuple(reminders),
        warnings=tuple(warnings),
        escalations=escalations,
    )


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class ChecklistItem:
    """One question of the account-analysis checklist."""

    key: str
    section: str
    question: str
    answer: str | None = None
    done: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "answer": self.answer, "done": self.done}


#: (key, SOP section, question) in the SOP's order.
CHECKLIST_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("main_contact_replying", "Salesforce", "Is the main contact replying?"),
    ("other_pocs", "Salesforce", "Are there other POCs?"),
    ("open_escalations", "Salesforce", "Are there any escalation cases open?"),
    (
        "historical_escalations",
        "Salesforce",
        "If there are historical escalation cases, what were they about?",
    ),
    ("open_course_cases", "Salesforce", "Are there any course cases open?"),
    ("recent_notes", "Salesforce", "Any recent notes or special mentions in the account?"),
    ("users_status", "LMS and Recurly", "How many active/inactive/terminated users are there?"),
    (
        "users_vs_seats",
        "LMS and Recurly",
        "Any discrepancies between the users in the system and what they pay for?",
    ),
    (
        "cred_soft_providers",
        "LMS and Recurly",
        "CRED SOFT: how many active providers? Is it the number contracted?",
    ),
    (
        "learning_compliance_usage",
        "LMS and Recurly",
        "Learning and Compliance: how much are they using the modules?",
    ),
    (
        "open_opportunities",
        "Sales Opportunities",
        "Open opportunities: what, how it originated, the RSM, the admin's sentiment?",
    ),
    (
        "open_tickets",
        "Pending Tasks",
        "Open support/integration/customization tickets (new CSM made Reporter on open Jira "
        "tickets)?",
    ),
    (
        "handoff_meeting",
        "Analyzing the Account",
        "15-minute handoff meeting with the new CSM scheduled?",
    ),
    ("checklist_uploaded", "Analyzing the Account", "Filled checklist uploaded to the SF account?"),
)
CHECKLIST_KEYS: tuple[str, ...] = tuple(k for k, _s, _q in CHECKLIST_QUESTIONS)


def _days(today: date, d: date) -> str:
    return f"{d.isoformat()} ({(today - d).days} days ago)"


def _cases_text(cases: tuple[CaseFact, ...], limit: int = 6) -> str:
    if not cases:
        return "None"
    shown = "; ".join(f"{c.key}: {c.subject} ({c.status or '-'})" for c in cases[:limit])
    more = f"; +{len(cases) - limit} more" if len(cases) > limit else ""
    return f"{len(cases)}: {shown}{more}"


def _answers(facts: AccountFacts, today: date) -> dict[str, str | None]:
    main = facts.main_contact
    if main is None:
        replying = "No main POC on record"
    elif main.last_replied is None:
        # No reply date is unknown (often the export has no such column), never "No".
        status = "" if main.status in (None, "active") else f"; status {main.status}"
        replying = f"Unknown — no reply date for {main.full_name} in the contacts export{status}"
    else:
        recent = (today - main.last_replied).days <= 45
        status = "" if main.status in (None, "active") else f"; status {main.status}"
        replying = (
            f"{'Yes' if recent else 'No'} — {main.full_name} last replied "
            f"{_days(today, main.last_replied)}{status}"
        )
    others = [c for c in facts.contacts if not c.is_main]
    other_txt = (
        (f"{len(others)}: " + ", ".join(f"{c.full_name} ({c.title or '-'})" for c in others))
        if others
        else "None"
    )
    course = tuple(c for c in facts.open_tickets if c.category == "course")
    notes = "; ".join(f"{n.created.isoformat()} {n.kind}: {n.body}" for n in facts.notes[:3])
    return {
        "main_contact_replying": replying,
        "other_pocs": other_txt,
        "open_escalations": _cases_text(facts.open_escalations),
        "historical_escalations": _cases_text(facts.past_escalations),
        "open_course_cases": _cases_text(course),
        "recent_notes": notes or "None",
        "users_status": _users_text(facts),
        "users_vs_seats": _seats_text(facts),
        "cred_soft_providers": _cred_text(facts),
        "learning_compliance_usage": None
        if facts.module_usage_pct is None
        else f"{facts.module_usage_pct:.0f}% module usage",
        "open_opportunities": _opps_text(facts.open_opportunities),
        "open_tickets": _tickets_text(facts),
        "handoff_meeting": None,
        "checklist_uploaded": None,
    }


def _users_text(facts: AccountFacts) -> str | None:
    if facts.active_users is None:
        return None
    return (
        f"{facts.active_users} active / {facts.inactive_users or 0} inactive / "
        f"{facts.terminated_users or 0} terminated"
    )


def _seats_text(facts: AccountFacts) -> str | None:
    if facts.active_users is None or facts.licensed_seats is None:
        return None
    gap = facts.active_users - facts.licensed_seats
    verdict = "matches" if gap == 0 else (f"{gap} over" if gap > 0 else f"{-gap} unused")
    return f"{facts.active_users} active users vs {facts.licensed_seats} seats paid ({verdict})"


def _cred_text(facts: AccountFacts) -> str:
    if facts.cred_active is None and facts.cred_contracted is None:
        return "No CRED SOFT"
    same = "same" if facts.cred_active == facts.cred_contracted else "differs"
    return f"{facts.cred_active} active providers vs {facts.cred_contracted} contracted ({same})"


def _opps_text(opps: tuple[OppFact, ...]) -> str:
    if not opps:
        return "None"
    return f"{len(opps)}: " + "; ".join(
        f"{o.name} ({o.kind}, {o.stage or '-'}, origin {o.origin or '-'}, "
        f"RSM {o.rsm or '-'}, admin sentiment: ?)"
        for o in opps
    )


def _tickets_text(facts: AccountFacts) -> str:
    wanted = tuple(
        c for c in facts.open_tickets if c.category in ("support", "integration", "customization")
    )
    text = _cases_text(wanted)
    jira = [c.key for c in wanted if c.source == "jira"]
    if jira:
        text += f". Make the new CSM Reporter on: {', '.join(jira)}"
    return text


def build_checklist(facts: AccountFacts, today: date) -> tuple[ChecklistItem, ...]:
    """The SOP's checklist for one account, answers prefilled where the data has them."""
    answers = _answers(facts, today)
    return tuple(
        ChecklistItem(key=k, section=s, question=q, answer=answers.get(k))
        for k, s, q in CHECKLIST_QUESTIONS
    )


def merge_checklist(
    base: tuple[ChecklistItem, ...], saved: list[dict[str, Any]]
) -> tuple[ChecklistItem, ...]:
    """Apply saved answers/ticks (``ChecklistItem.to_dict`` rows) onto a checklist."""
    by_key = {str(d.get("key")): d for d in saved}
    out = []
    for item in base:
        d = by_key.get(item.key)
        if d is not None:
            item = ChecklistItem(
                item.key, item.section, item.question, d.get("answer"), bool(d.get("done"))
            )
        out.append(item)
    return tuple(out)


def checklist_progress(items: tuple[ChecklistItem, ...] | list[ChecklistItem]) -> float:
    """Fraction of checklist items done (0.0 for an empty checklist)."""
    return sum(1 for i in items if i.done) / len(items) if items else 0.0
