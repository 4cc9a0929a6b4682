"""Team view rules: one-on-one agenda items per account, renewal rate and team medians.

Pure functions over plain values (``today`` is passed in). The wording is deliberately
neutral: the agenda is for coaching a CSM through their book, not for ranking people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np

from desktop_app.domain.formatting import money

#: Renewals within this many days are listed as "due soon".
RENEWAL_SOON_DAYS = (30, 90)
#: Bands whose upcoming renewal is worth talking through.
AT_RISK_BANDS = frozenset({"Undefined", "Risky/Unstable", "Escalation"})


class Severity(StrEnum):
    """How early an agenda item belongs in the conversation."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: What the UI shows for each severity (a topic order, not a verdict).
SEVERITY_LABEL: dict[Severity, str] = {
    Severity.HIGH: "Discuss first",
    Severity.MEDIUM: "Discuss",
    Severity.LOW: "Housekeeping",
}
SEVERITY_RANK: dict[Severity, int] = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True, slots=True)
class Alert:
    """One agenda item: an account and what is worth discussing about it."""

    account_id: int
    account: str
    kind: str
    message: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class AgendaFacts:
    """What the agenda rules read about one active account."""

    account_id: int
    name: str
    band: str | None
    days_to_renewal: int | None
    renewal_date: date | None
    arr: float | None
    open_escalations: int
    auto_closing: tuple[tuple[str, int], ...]  # (ticket key, days until it auto-closes)
    has_main_poc: bool
    days_since_poc_reply: int | None  # None: no reply date known (or no main POC)
    poc_unresponsive: bool
    has_usage: bool
    override_band: str | None
    override_needs_review: bool


def renewal_rate(won: int, lost: int) -> float | None:
    """Renewals won / (won + lost); None when nothing closed."""
    closed = won + lost
    return won / closed if closed else None


def median(values: Iterable[float | None]) -> float | None:
    """Median of the values that are not None (None when there are none)."""
    kept = [float(v) for v in values if v is not None]
    return float(np.median(kept)) if kept else None


def _money(v: float | None) -> str:
    return "" if v is None else f", ARR {money(v)}"


def _renewal_alerts(f: AgendaFacts) -> list[Alert]:
    d = f.days_to_renewal
    if d is None or d < 0 or d > RENEWAL_SOON_DAYS[1]:
        return []
    when = f"Renews in {d} days ({f.renewal_date})" if f.renewal_date else f"Renews in {d} days"
    if f.band in AT_RISK_BANDS:
        sev = Severity.HIGH if d <= RENEWAL_SOON_DAYS[0] else Severity.MEDIUM
        return [
            Alert(
                f.account_id,
                f.name,
                "renewal at risk",
                f"{when}, band {f.band}{_money(f.arr)}: plan the renewal conversation",
                sev,
            )
        ]
    if d <= RENEWAL_SOON_DAYS[0]:
        msg = f"{when}{_money(f.arr)}: confirm the renewal is on track"
        return [Alert(f.account_id, f.name, "renewal soon", msg, Severity.MEDIUM)]
    return []


def _support_alerts(f: AgendaFacts) -> list[Alert]:
    out = []
    if f.open_escalations:
        n = f.open_escalations
        cases = "case" if n == 1 else "cases"
        out.append(
            Alert(
                f.account_id,
                f.name,
                "escalation",
                f"{n} open escalation {cases}: what support is needed?",
                Severity.HIGH,
            )
        )
    for key, days in f.auto_closing:
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        out.append(
            Alert(
                f.account_id,
                f.name,
                "ticket auto-closing",
                f"Ticket {key} waits for the customer and auto-closes {when}: follow up?",
                Severity.MEDIUM,
            )
        )
    return out


def _relationship_alerts(f: AgendaFacts) -> list[Alert]:
    out = []
    if f.has_main_poc and f.poc_unresponsive and f.days_since_poc_reply is not None:
        since = f"last replied {f.days_since_poc_reply} days ago"
        out.append(
            Alert(
                f.account_id,
                f.name,
                "unresponsive POC",
                f"Main POC {since}: is there another contact to reach?",
                Severity.MEDIUM,
            )
        )
    if f.override_band is not None and f.override_needs_review:
        out.append(
            Alert(
                f.account_id,
                f.name,
                "override review",
                f"Band set by hand to {f.override_band}; the computed band has moved "
                "or the override expired: still right?",
                Severity.MEDIUM,
            )
        )
    return out


def _hygiene_alerts(f: AgendaFacts) -> list[Alert]:
    gaps = []
    if not f.has_main_poc:
        gaps.append(("no main POC", "No main POC recorded"))
    if f.renewal_date is None:
        gaps.append(("missing renewal date", "No renewal date recorded"))
    if not f.has_usage:
        gaps.append(("no usage data", "No usage data imported"))
    return [Alert(f.account_id, f.name, kind, msg, Severity.LOW) for kind, msg in gaps]


def account_alerts(f: AgendaFacts) -> list[Alert]:
    """Agenda items for one account: renewals, support, relationship, then data hygiene."""
    return _renewal_alerts(f) + _support_alerts(f) + _relationship_alerts(f) + _hygiene_alerts(f)


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Most pressing first; then by account name and kind (stable, deterministic)."""
    return sorted(alerts, key=lambda a: (SEVERITY_RANK[a.severity], a.account.lower(), a.kind))
