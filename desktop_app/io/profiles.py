"""Source profiles: which export a header belongs to, and how its columns map to fields.

Headers are compared with ``header_key`` (case, spaces, punctuation, ``__c`` and Jira's
``Custom field (...)`` wrapper ignored), so report labels and Data Loader API names in any
letter case match the same alias.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.io.locate import header_key
from desktop_app.io.model import KINDS, SavedProfile

FIELDS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "sf_account_id", "name", "owner", "owner_email", "team_lead", "lms_id", "recurly_code",
        "segment", "account_type", "industry", "contracted_seats", "mrr", "arr",
        "renewal_date", "lifecycle", "churn_date", "churn_type", "churn_reason",
    ),
    "contacts": (
        "sf_contact_id", "account_sf_id", "account_name", "first_name", "last_name", "email",
        "phone", "title", "is_main_poc", "last_replied", "status",
    ),
    "opportunities": (
        "sf_opportunity_id", "account_sf_id", "account_name", "name", "kind", "stage",
        "amount", "close_date", "is_closed", "is_won", "rsm", "origin",
    ),
    "tickets": (
        "source", "key", "account_sf_id", "account_name", "subject", "category", "status",
        "is_open", "waiting_on", "priority", "opened_at", "updated_at", "resolved_at",
        "assignee", "reporter", "is_escalation",
    ),
    "subscriptions": (
        "external_id", "billing_account_code", "plan_code", "plan_name", "state", "quantity",
        "unit_amount", "mrr", "started_at", "current_period_ends_at", "canceled_at", "ended_at",
    ),
    "billing": ("billing_account_code", "as_of", "state", "days_past_due", "balance_due"),
    "usage": (
        "lms_id", "account_name", "month", "mau", "active_users", "inactive_users",
        "terminated_users", "licensed_seats", "population", "cred_providers_active",
        "cred_providers_contracted", "module_usage_pct",
    ),
    "nps": (
        "response_id", "contact_email", "account_sf_id", "account_name", "score", "comment",
        "responded_at",
    ),
}  # fmt: skip

# Strictly required fields, and groups of which at least one field is needed.
REQUIRED: dict[str, tuple[str, ...]] = {
    "accounts": ("sf_account_id", "name"),
    "contacts": (),
    "opportunities": ("name",),
    "tickets": ("key",),
    "subscriptions": ("billing_account_code",),
    "billing": ("billing_account_code",),
    "usage": ("month", "mau"),
    "nps": ("score",),
}
REQUIRED_ANY: dict[str, tuple[tuple[str, ...], ...]] = {
    "contacts": (("email", "last_name", "sf_contact_id"), ("account_sf_id", "account_name")),
    "opportunities": (("account_sf_id", "account_name"),),
    "tickets": (("account_sf_id", "account_name"),),
    "subscriptions": (("external_id", "plan_code"),),
    "billing": (("state", "days_past_due", "balance_due"),),
    "usage": (("lms_id", "account_name"),),
    "nps": (("contact_email", "account_sf_id", "account_name"),),
}

# How each canonical field is parsed (see importer.PARSERS).
FIELD_TYPES: dict[str, str] = {
    "sf_account_id": "sfid", "account_sf_id": "sfid", "sf_contact_id": "sfid",
    "sf_opportunity_id": "sfid", "owner_email": "email", "email": "email",
    "contact_email": "email", "contracted_seats": "int", "mrr": "money", "arr": "money",
    "amount": "money", "unit_amount": "money", "balance_due": "money",
    "renewal_date": "date", "churn_date": "date", "close_date": "date", "as_of": "date",
    "last_replied": "date", "month": "month", "opened_at": "instant", "updated_at": "instant",
    "resolved_at": "instant", "started_at": "instant", "current_period_ends_at": "instant",
    "canceled_at": "instant", "ended_at": "instant", "responded_at": "instant",
    "is_main_poc": "bool", "is_closed": "bool", "is_won": "bool", "is_escalation": "bool",
    "is_open": "bool", "quantity": "int", "days_past_due": "int", "mau": "int",
    "active_users": "int", "inactive_users": "int", "terminated_users": "int",
    "licensed_seats": "int", "population": "int", "cred_providers_active": "int",
    "cred_providers_contracted": "int", "module_usage_pct": "percent", "score": "int",
    "state": "lower", "lifecycle": "lower", "churn_type": "lower", "kind": "text",
    "billing_account_code": "code", "recurly_code": "code", "lms_id": "code",
    "key": "code", "external_id": "code", "response_id": "code", "plan_code": "code",
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """A known export layout: kind, aliases per canonical field, and marker headers."""

    name: str
    kind: str
    aliases: dict[str, tuple[str, ...]]
    markers: tuple[str, ...] = ()


#: The header spellings of each (profile, field), for messages.
_ALIAS_TEXT: dict[tuple[str, str], list[str]] = {}


def _p(pname: str, pkind: str, markers: tuple[str, ...], /, **aliases: str) -> Profile:
    for f, spec in aliases.items():
        _ALIAS_TEXT[(pname, f)] = spec.split("|")
    table = {f: tuple(header_key(a) for a in spec.split("|")) for f, spec in aliases.items()}
    return Profile(pname, pkind, table, tuple(header_key(m) for m in markers))


_NPS = {
    "response_id": "Response ID|Id|Response|Respondent ID",
    "contact_email": "Email|Person Email|Recipient Email|Email Address",
    "account_sf_id": "Salesforce Account ID|SF Account ID|Account ID",
    "account_name": "Company|Account|Account Name|Organization",
    "score": "Score|NPS|NPS Score|Rating",
    "comment": "Comment|Comments|Feedback|Reason",
    "responded_at": "Created At|Response Date|Date|Submitted At|RecordedDate|Recorded Date|"
    "End Date",
}
_SF_ACCOUNT = "Account ID|Account: Account ID|AccountId|Account 18 ID|Account ID 18|SF Account ID"
PROFILES: tuple[Profile, ...] = (
    _p("salesforce_accounts", "accounts", ("Account Owner", "Account ID", "Id"),
       sf_account_id=_SF_ACCOUNT + "|Id|Salesforce Account ID|Salesforce ID",
       name="Account Name|Name|Account", owner="Account Owner|Owner|CSM|Owner Name|SAM",
       owner_email="Account Owner Email|Owner Email|CSM Email", team_lead="Team Lead|TL",
       lms_id="LMS ID|LMS_ID|LMSID|LMS Account ID", recurly_code="Recurly ID|Recurly Code|"
       "Recurly Account Code|Recurly_ID", segment="Segment|Customer Segment|Tier",
       account_type="Type|Account Type", industry="Industry",
       contracted_seats="Contracted Seats|Seats|Licensed Seats|Licenses",
       mrr="MRR|Monthly Recurring Revenue", arr="ARR|Annual Recurring Revenue|Annual Revenue"
       "|AnnualRevenue", renewal_date="Renewal Date|Contract End Date|Next Renewal",
       lifecycle="Lifecycle|Lifecycle Stage|Account Status|Status",
       churn_date="Churn Date|Churned Date", churn_type="Churn Type",
       churn_reason="Churn Reason"),
    _p("salesforce_contacts", "contacts", ("Contact ID", "First Name", "Email"),
       sf_contact_id="Contact ID|Id|Contact: Contact ID", account_sf_id=_SF_ACCOUNT,
       account_name="Account Name|Account|Account: Account Name", first_name="First Name|"
       "FirstName", last_name="Last Name|LastName", email="Email|Email Address",
       phone="Phone|Business Phone|Mobile", title="Title|Job Title",
       is_main_poc="Main POC|Is Main POC|Primary Contact|Main_POC", status="Contact Status|"
       "Status", last_replied="Last Replied|Last Reply|Last Activity|LastActivityDate"),
    _p("salesforce_opportunities", "opportunities", ("Opportunity Name", "Stage", "StageName"),
       sf_opportunity_id="Opportunity ID|Id", account_sf_id=_SF_ACCOUNT,
       account_name="Account Name|Account", name="Opportunity Name|Name",
       kind="Type|Opportunity Type|Opportunity Record Type", stage="Stage|StageName",
       amount="Amount|Amount (converted)|Total Price", close_date="Close Date|CloseDate",
       is_closed="Closed|IsClosed", is_won="Won|IsWon", rsm="Opportunity Owner|Owner|RSM",
       origin="Lead Source|LeadSource|Origin"),
    _p("salesforce_cases", "tickets", ("Case Number", "Date/Time Opened"),
       key="Case Number|CaseNumber", account_sf_id=_SF_ACCOUNT, account_name="Account Name|"
       "Account", subject="Subject", category="Type|Case Reason|Category", status="Status",
       priority="Priority", opened_at="Date/Time Opened|CreatedDate|Opened Date",
       updated_at="Last Modified Date|LastModifiedDate", resolved_at="Date/Time Closed|"
       "ClosedDate|Closed Date", assignee="Case Owner|Case Owner: Full Name|Owner",
       reporter="Contact Name|Contact", is_escalation="Escalated|IsEscalated"),
    _p("jira_issues", "tickets", ("Issue key", "Work item key", "Issue id", "Status Category"),
       key="Issue key|Work item key|Key", account_sf_id="Salesforce Account ID|SF Account ID|"
       "Account ID", account_name="Customer Account|Customer|Organization|Account|"
       "Account Name|Organizations", subject="Summary", category="Issue Type|Work type",
       status="Status|Work item status", priority="Priority", opened_at="Created",
       updated_at="Updated", resolved_at="Resolved", assignee="Assignee",
       reporter="Reporter"),
    _p("zendesk_tickets", "tickets", ("Requester", "Summation column", "Via", "Solved at"),
       key="Id|Ticket ID", account_name="Organization|Organization name", subject="Subject",
       category="Ticket type|Type", status="Status", priority="Priority",
       opened_at="Created at", updated_at="Updated at", resolved_at="Solved at",
       assignee="Assignee", reporter="Requester", account_sf_id="Salesforce Account ID|"
       "SF Account ID"),
    _p("recurly_subscriptions", "subscriptions", ("uuid", "plan_code", "account_code"),
       external_id="uuid|subscription_id|id", billing_account_code="account_code",
       plan_code="plan_code", plan_name="plan_name", state="state|status",
       quantity="quantity", unit_amount="unit_amount|unit_amount_in_cents", mrr="mrr",
       started_at="activated_at|started_at|current_term_started_at",
       current_period_ends_at="current_period_ends_at|current_term_ends_at",
       canceled_at="canceled_at", ended_at="expires_at|expired_at|ended_at"),
    _p("recurly_ar", "billing", ("invoice_id", "invoice_number", "due_on", "net_terms"),
       billing_account_code="account_code", state="status|state|invoice_state",
       balance_due="balance|balance_due|balance_in_cents|total", as_of="due_on|due_date"),
    _p("recurly_accounts", "billing", ("account_email", "account_username"),
       billing_account_code="account_code", state="has_past_due_invoice|past_due|"
       "account_past_due|billing_state|account_state", balance_due="account_balance|"
       "balance|past_due_balance|balance_due", days_past_due="days_past_due"),
    _p("usage_long", "usage", ("Month", "Monthly Active Users", "MAU"),
       lms_id="LMS ID|LMS_ID|Account ID|Customer ID|Tenant ID", account_name="Account Name|"
       "Account|Customer|Company", month="Month|Period|Date|Usage Month",
       mau="MAU|Monthly Active Users|Active Users (30d)", active_users="Active Users|Active",
       inactive_users="Inactive Users|Inactive", terminated_users="Terminated Users|"
       "Terminated", licensed_seats="Licensed Seats|Seats|Licenses", population="Population",
       cred_providers_active="Active Providers|Cred Providers Active",
       cred_providers_contracted="Contracted Providers|Cred Providers Contracted",
       module_usage_pct="Module Usage|Module Usage %|Module Usage (%)"),
    _p("nps_qualtrics", "nps", ("RecordedDate", "ResponseId", "StartDate"), **_NPS),
    _p("nps_surveymonkey", "nps", ("Respondent ID", "Collector ID"), **_NPS),
    _p("nps_delighted", "nps", ("Score", "Response ID", "Survey Type"), **_NPS),
)  # fmt: skip
_BY_NAME = {p.name: p for p in PROFILES}
KNOWN_KEYS = frozenset(k for p in PROFILES for a in p.aliases.values() for k in a) | frozenset(
    m for p in PROFILES for m in p.markers
)


@dataclass(frozen=True)
class Match:
    """A profile matched to a header: mapping from source column to field, and confidence."""

    profile: str
    kind: str
    mapping: dict[str, str]
    confidence: float


def fields_for(kind: str) -> tuple[str, ...]:
    """The canonical fields of ``kind`` (one of ``KINDS``)."""
    return FIELDS[kind]


def profile_kind(name: str) -> str:
    """The kind a built-in profile produces; raises ``KeyError`` for an unknown name."""
    return "usage" if name == "usage_wide" else _BY_NAME[name].kind


def profile_by_name(name: str) -> Profile:
    """A built-in profile by name; raises ``KeyError`` for an unknown one."""
    return _BY_NAME[name]


def header_signature(columns: Sequence[str]) -> str:
    """sha256 of the normalised header names, stable across case and spacing changes."""
    text = "\x1f".join(header_key(c) for c in columns)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def missing_required(kind: str, fields: set[str]) -> list[str]:
    """Required fields (or "a or b" groups) that ``fields`` lacks."""
    missing = [f for f in REQUIRED[kind] if f not in fields]
    missing += [" or ".join(g) for g in REQUIRED_ANY.get(kind, ()) if not fields & set(g)]
    return missing


def map_columns(profile: Profile, columns: Sequence[str]) -> dict[str, str]:
    """Map source columns to fields; earlier aliases win, each field and column used once."""
    keys = [header_key(c) for c in columns]
    mapping: dict[str, str] = {}
    for fld, aliases in profile.aliases.items():
        for alias in aliases:
            hits = [c for c, k in zip(columns, keys, strict=True) if k == alias]
            free = [c for c in hits if c not in mapping]
            if free:
                mapping[free[0]] = fld
                break
    if profile.kind == "nps":
        _nps_questions(columns, keys, mapping)
    return mapping


def _nps_questions(columns: Sequence[str], keys: list[str], mapping: dict[str, str]) -> None:
    """SurveyMonkey question texts and Qualtrics ``Q1`` + ``Q1_NPS_GROUP`` columns."""
    fields = set(mapping.values())
    for col, key in zip(columns, keys, strict=True):
        if col in mapping:
            continue
        if "score" not in fields and (
            ("howlikely" in key and "recommend" in key) or f"{key}npsgroup" in keys
        ):
            mapping[col] = "score"
            fields.add("score")
        elif "comment" not in fields and "reason" in key and "score" in key:
            mapping[col] = "comment"
            fields.add("comment")


def match_profile(columns: Sequence[str], name: str | None = None) -> Match | None:
    """The best built-in profile for ``columns`` (or the named one), None if none fits."""
    keys = {header_key(c) for c in columns}
    best: tuple[float, Match] | None = None
    for profile in PROFILES:
        if name is not None and profile.name != name:
            continue
        mapping = map_columns(profile, columns)
        fields = set(mapping.values())
        if missing_required(profile.kind, fields):
            continue
        markers = sum(1 for m in profile.markers if m in keys)
        score = len(fields) + 2.0 * markers
        confidence = min(0.99, 0.4 + 0.05 * len(fields) + 0.15 * markers)
        if best is None or score > best[0]:
            best = (score, Match(profile.name, profile.kind, mapping, round(confidence, 2)))
    return None if best is None else best[1]


def near_miss(columns: Sequence[str]) -> str | None:
    """For headers no profile fits: which export they resemble and what it lacks, or None.

    E.g. "looks like jira_issues (Issue key) but has no account column: one of ...".
    """
    keys = [header_key(c) for c in columns]
    best: tuple[int, Profile, list[str]] | None = None
    for profile in PROFILES:
        found = [c for c, k in zip(columns, keys, strict=True) if k in profile.markers]
        missing = missing_required(profile.kind, set(map_columns(profile, columns).values()))
        if found and missing and (best is None or len(found) > best[0]):
            best = (len(found), profile, found)
    if best is None:
        return None
    _n, profile, found = best
    missing = missing_required(profile.kind, set(map_columns(profile, columns).values()))
    wanted = []
    for group in missing:
        names = [a for f in group.split(" or ") for a in _ALIAS_TEXT.get((profile.name, f), [f])]
        wanted.append("one of " + ", ".join(f"'{n}'" for n in names[:8]))
    what = "account column" if any("account" in m for m in missing) else "column"
    return (f"looks like {profile.name} ({', '.join(found[:3])}) but has no {what}, "
            + "; ".join(wanted))  # fmt: skip


def match_saved(columns: Sequence[str], saved: Sequence[SavedProfile]) -> Match | None:
    """A saved user profile whose header signature equals that of ``columns``."""
    signature = header_signature(columns)
    for prof in saved:
        if prof.header_signature == signature and prof.kind in KINDS:
            mapping = {c: f for c, f in prof.mapping.items() if c in set(columns)}
            return Match(f"custom:{prof.name}", prof.kind, mapping, 1.0)
    return None


#: What the user calls each source (the wizard shows these, never the internal ids).
PROFILE_LABELS: dict[str, str] = {
    "salesforce_accounts": "Salesforce account report",
    "salesforce_contacts": "Salesforce contacts",
    "salesforce_opportunities": "Salesforce opportunities",
    "salesforce_cases": "Salesforce cases",
    "jira_issues": "Jira issues",
    "zendesk_tickets": "Zendesk tickets",
    "recurly_subscriptions": "Recurly subscriptions",
    "recurly_ar": "Recurly invoices (receivables)",
    "recurly_accounts": "Recurly accounts",
    "usage_long": "Monthly usage (one row per month)",
    "usage_wide": "Monthly usage (one column per month)",
    "nps_qualtrics": "Qualtrics NPS responses",
    "nps_surveymonkey": "SurveyMonkey NPS responses",
    "nps_delighted": "Delighted NPS responses",
}
KIND_LABELS: dict[str, str] = {
    "accounts": "accounts", "contacts": "contacts", "opportunities": "opportunities",
    "tickets": "support tickets", "subscriptions": "subscriptions",
    "billing": "billing status", "usage": "usage", "nps": "NPS responses",
}  # fmt: skip


def profile_label(name: str) -> str:
    """The human name of a source profile ("Salesforce account report")."""
    if name.startswith("custom:"):
        return f"your saved mapping “{name.split(':', 1)[1]}”"
    return PROFILE_LABELS.get(name, name.replace("_", " "))
