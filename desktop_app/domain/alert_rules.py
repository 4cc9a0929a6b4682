"""Alert types of the managers' alert overview and the rule behind each (pure functions).

An alert's id is ``"<type>:<account id>"``; its *fingerprint* names the occurrence (the
month of a band drop, the invoice date of a past-due state...) so that an acknowledgement
holds for that occurrence only and a new one alerts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desktop_app.domain.accounts import BAND_ORDER

#: Usage drop alerts fire above this month-on-month fall of monthly active users.
USAGE_DROP_DEFAULT = 0.20
#: Renewals within this many days alert while the band is Risky/Unstable or Escalation.
RENEWAL_WINDOW_DAYS = 90
#: Days without a reply from the main POC before "main POC silent".
SILENT_DAYS = 90
RISK_BANDS = frozenset({"Risky/Unstable", "Escalation"})


class AlertType(StrEnum):
    BAND_DROP = "band_drop"
    USAGE_DROP = "usage_drop"
    AUTO_CLOSE = "auto_close"
    PAST_DUE = "past_due"
    RENEWAL_RISK = "renewal_risk"
    POC_SILENT = "poc_silent"
    OVERRIDE_REVIEW = "override_review"


ALERT_LABEL: dict[AlertType, str] = {
    AlertType.BAND_DROP: "Band drop",
    AlertType.USAGE_DROP: "Usage drop",
    AlertType.AUTO_CLOSE: "Ticket auto-closing",
    AlertType.PAST_DUE: "Past due",
    AlertType.RENEWAL_RISK: "Renewal at risk",
    AlertType.POC_SILENT: "Main POC silent",
    AlertType.OVERRIDE_REVIEW: "Override to review",
}


#: The source an alert type needs (keys of ``sources.SOURCE_LABELS``): without it the
#: alert cannot fire, and the overview says so rather than showing a reassuring zero.
NEEDS_SOURCE: dict[AlertType, str] = {
    AlertType.USAGE_DROP: "usage",
    AlertType.AUTO_CLOSE: "tickets",
    AlertType.PAST_DUE: "billing",
    AlertType.RENEWAL_RISK: "renewals",
    AlertType.POC_SILENT: "replies",
}


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What the rules read about one active account (None: not known)."""

    band: str | None
    band_month_ago: str | None
    month_ago: date | None  # the month-end snapshot ``band_month_ago`` comes from
    mau_last: float | None
    mau_prev: float | None
    usage_month: date | None  # the month of ``mau_last``
    auto_closing: tuple[tuple[str, int], ...]  # (ticket key, days until it closes)
    past_due_days: int | None  # None: not past due (or no billing data)
    billing_as_of: date | None
    days_to_renewal: int | None
    renewal_date: date | None
    poc_reply_days: int | None  # None: no reply data (never alerts)
    override_band: str | None
    override_review: bool


@dataclass(frozen=True, slots=True)
class Finding:
    type: AlertType
    message: str
    fingerprint: str


_CODES = {b.value: i for i, b in enumerate(BAND_ORDER)}


def _rank(band: str | None) -> int | None:
    return None if band is None else _CODES.get(band)


def _band(f: AlertFacts) -> list[Finding]:
    # A drop into Risky/Unstable or Escalation (or from one to the other): a move to
    # Undefined says the picture got less clear, not worse.
    now, before = _rank(f.band), _rank(f.band_month_ago)
    if now is None or before is None or now <= before or f.band not in RISK_BANDS:
        return []
    msg = f"Band fell from {f.band_month_ago} ({f.month_ago:%b %Y}) to {f.band}"
    return [Finding(AlertType.BAND_DROP, msg, f"{f.band_month_ago}>{f.band}@{f.month_ago}")]


def _usage(f: AlertFacts, threshold: float) -> list[Finding]:
    last, prev = f.mau_last, f.mau_prev
    if last is None or prev is None or prev <= 0:
        return []
    fall = (prev - last) / prev
    if fall <= threshold:
        return []
    msg = f"Monthly active users fell {100 * fall:.0f}% ({prev:,.0f} to {last:,.0f})"
    return [Finding(AlertType.USAGE_DROP, msg, f"{f.usage_month}")]


def _tickets(f: AlertFacts) -> list[Finding]:
    if not f.auto_closing:
        return []
    keys = ", ".join(k for k, _d in f.auto_closing)
    soonest = min(d for _k, d in f.auto_closing)
    when = "today" if soonest == 0 else f"in {soonest} day{'s' if soonest != 1 else ''}"
    msg = f"Waiting for the customer, no reply; auto-closes {when}: {keys}"
    return [Finding(AlertType.AUTO_CLOSE, msg, keys)]


def _billing(f: AlertFacts) -> list[Finding]:
    if f.past_due_days is None:
        return []
    msg = f"Past due {f.past_due_days} days (billing as of {f.billing_as_of})"
    return [Finding(AlertType.PAST_DUE, msg, f"{f.billing_as_of}")]


def _renewal(f: AlertFacts) -> list[Finding]:
    d = f.days_to_renewal
    if d is None or not 0 <= d <= RENEWAL_WINDOW_DAYS or f.band not in RISK_BANDS:
        return []
    msg = f"Renews in {d} days ({f.renewal_date}) while {f.band}"
    return [Finding(AlertType.RENEWAL_RISK, msg, f"{f.renewal_date}")]


def _poc(f: AlertFacts) -> list[Finding]:
    # No reply data is not silence: only a known last reply that is old enough alerts.
    if f.poc_reply_days is None or f.poc_reply_days <= SILENT_DAYS:
        return []
    msg = f"Main POC last replied {f.poc_reply_days} days ago"
    return [Finding(AlertType.POC_SILENT, msg, "silent")]


def _override(f: AlertFacts) -> list[Finding]:
    if f.override_band is None or not f.override_review:
        return []
    msg = f"Band set by hand to {f.override_band}; the computed band moved or it expired"
    return [Finding(AlertType.OVERRIDE_REVIEW, msg, f.override_band)]


def findings(f: AlertFacts, usage_drop: float = USAGE_DROP_DEFAULT) -> list[Finding]:
    """Every alert one account raises, in the order of ``AlertType``."""
    return (
        _band(f)
        + _usage(f, usage_drop)
        + _tickets(f)
        + _billing(f)
        + _renewal(f)
        + _poc(f)
        + _override(f)
    )
