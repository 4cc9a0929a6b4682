"""The SOP's account-analysis checklist, prefilled from an account's facts.

``build_checklist(facts, today)`` asks the SOP's questions in its order and answers those the
data can; ``merge_checklist`` lays saved answers and ticks over it. ``domain.transition``
re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from desktop_app.domain.transition_facts import AccountFacts, CaseFact, OppFact


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


def checklist_answers(
    saved: list[dict[str, Any]],
) -> tuple[tuple[str | None, ...], tuple[bool, ...]]:
    """The answers and ticks of every question, in ``CHECKLIST_QUESTIONS`` order, from saved
    rows: ``merge_checklist`` onto the blank checklist, without building the items."""
    if [d.get("key") for d in saved] != _KEY_LIST:  # saved rows are usually in key order
        by_key = {str(d.get("key")): d for d in saved}
        saved = [by_key.get(k, _NO_ANSWER) for k in _KEY_LIST]
    return tuple([d.get("answer") for d in saved]), tuple([bool(d.get("done")) for d in saved])


_KEY_LIST = list(CHECKLIST_KEYS)
_NO_ANSWER: dict[str, Any] = {}


def checklist_progress(items: tuple[ChecklistItem, ...] | list[ChecklistItem]) -> float:
    """Fraction of checklist items done (0.0 for an empty checklist)."""
    return sum(1 for i in items if i.done) / len(items) if items else 0.0
