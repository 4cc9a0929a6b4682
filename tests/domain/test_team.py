"""One-on-one agenda rules (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from desktop_app.domain.team import (
    AgendaFacts,
    Severity,
    account_alerts,
    median,
    renewal_rate,
    sort_alerts,
)

CLEAN = AgendaFacts(
    account_id=1,
    name="Acme",
    band="Healthy/Stable",
    days_to_renewal=200,
    renewal_date=date(2027, 6, 1),
    arr=12000.0,
    open_escalations=0,
    auto_closing=(),
    has_main_poc=True,
    days_since_poc_reply=10,
    poc_unresponsive=False,
    has_usage=True,
    override_band=None,
    override_needs_review=False,
)


def test_a_clean_account_has_no_agenda():
    assert account_alerts(CLEAN) == []


def test_renewal_rules():
    risky_soon = replace(CLEAN, band="Risky/Unstable", days_to_renewal=20)
    (a,) = account_alerts(risky_soon)
    assert (a.kind, a.severity) == ("renewal at risk", Severity.HIGH)
    assert "Risky/Unstable" in a.message
    (b,) = account_alerts(replace(risky_soon, days_to_renewal=60))
    assert b.severity is Severity.MEDIUM
    (c,) = account_alerts(replace(CLEAN, days_to_renewal=12))
    assert (c.kind, c.severity) == ("renewal soon", Severity.MEDIUM)
    assert account_alerts(replace(CLEAN, days_to_renewal=60)) == []
    assert account_alerts(replace(risky_soon, days_to_renewal=-3)) == []


def test_support_relationship_and_hygiene_rules():
    f = replace(
        CLEAN,
        open_escalations=2,
        auto_closing=(("SUP-1", 1), ("SUP-2", 3)),
        poc_unresponsive=True,
        days_since_poc_reply=120,
        override_band="Healthy/Stable",
        override_needs_review=True,
        has_usage=False,
        renewal_date=None,
        days_to_renewal=None,
    )
    alerts = account_alerts(f)
    kinds = [a.kind for a in alerts]
    assert kinds == [
        "escalation",
        "ticket auto-closing",
        "ticket auto-closing",
        "unresponsive POC",
        "override review",
        "missing renewal date",
        "no usage data",
    ]
    assert "2 open escalation cases" in alerts[0].message
    assert "in 1 day:" in alerts[1].message
    assert "120 days" in alerts[3].message
    no_poc = account_alerts(replace(CLEAN, has_main_poc=False, poc_unresponsive=True))
    assert [a.kind for a in no_poc] == ["no main POC"]
    ordered = sort_alerts(alerts + account_alerts(replace(CLEAN, name="Beta", open_escalations=1)))
    assert [a.severity for a in ordered[:2]] == [Severity.HIGH, Severity.HIGH]
    assert ordered[-1].severity is Severity.LOW


def test_rate_and_median():
    assert renewal_rate(3, 1) == 0.75
    assert renewal_rate(0, 0) is None
    assert median([1, None, 3, 10]) == 3.0
    assert median([None]) is None


def test_renewal_windows_are_inclusive():
    risky = replace(CLEAN, band="Risky/Unstable")
    sev = {d: [a.severity for a in account_alerts(replace(risky, days_to_renewal=d))] for d in
           (0, 30, 31, 90, 91)}  # fmt: skip
    assert sev == {
        0: [Severity.HIGH],
        30: [Severity.HIGH],
        31: [Severity.MEDIUM],
        90: [Severity.MEDIUM],
        91: [],
    }
    healthy = {d: [a.kind for a in account_alerts(replace(CLEAN, days_to_renewal=d))] for d in
               (0, 30, 31)}  # fmt: skip
    assert healthy == {0: ["renewal soon"], 30: ["renewal soon"], 31: []}
    (a,) = account_alerts(replace(CLEAN, days_to_renewal=30))
    assert (
        a.message == "Renews in 30 days (2027-06-01), ARR $12,000: confirm the renewal is on track"
    )


def test_singular_and_plural_messages():
    f = replace(CLEAN, open_escalations=1, auto_closing=(("A-1", 0), ("A-2", 1), ("A-3", 2)))
    msgs = [a.message for a in account_alerts(f)]
    assert msgs == [
        "1 open escalation case: what support is needed?",
        "Ticket A-1 waits for the customer and auto-closes today: follow up?",
        "Ticket A-2 waits for the customer and auto-closes in 1 day: follow up?",
        "Ticket A-3 waits for the customer and auto-closes in 2 days: follow up?",
    ]
    silent = replace(CLEAN, poc_unresponsive=True, days_since_poc_reply=91)
    assert [a.message for a in account_alerts(silent)] == [
        "Main POC last replied 91 days ago: is there another contact to reach?"
    ]
    # No reply date is unknown, not silence: nothing to discuss.
    unknown = replace(CLEAN, poc_unresponsive=True, days_since_poc_reply=None)
    assert account_alerts(unknown) == []
