"""Alert overview: each alert type on a hand-made book, counts, ack, snooze, undo."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_app.domain.alert_rules import AlertType
from desktop_app.services.errors import UserError
from desktop_app.services.managers.alerts import (
    ACKNOWLEDGED,
    OPEN,
    SNOOZED,
    acknowledge,
    alert_overview,
    delete_action,
    reopen,
    restore_action,
    snooze,
)
from desktop_app.store.health_history_repo import put_history
from desktop_app.store.schema import (
    BillingState,
    Contact,
    HealthOverride,
    HealthScore,
    Ticket,
    UsageMonth,
)
from tests.services.managers.fixtures import TODAY, small_book


@pytest.fixture
def book(store):
    ids = small_book(store)
    with store.sessions() as s, s.begin():
        # Band now / a month ago (the October snapshot is "a month ago" on 24 Nov).
        for aid, now, before in (
            (2, "Risky/Unstable", "Healthy/Stable"),
            (3, "Undefined", "Healthy/Stable"),
            (4, "Escalation", "Escalation"),
        ):
            s.add(HealthScore(account_id=aid, score=40.0, band=now, confidence=3))
            s.flush()
            put_history(s.connection(), aid, [(date(2026, 10, 1), None, before)])
        # Usage: account 2 falls 50%, account 3 falls exactly 20% (not over), 6 rises.
        for aid, a, b in ((2, 100, 50), (3, 100, 80), (6, 10, 30)):
            s.add(UsageMonth(account_id=aid, month=date(2026, 9, 1), mau=a))
            s.add(UsageMonth(account_id=aid, month=date(2026, 10, 1), mau=b))
        # A ticket waiting for the customer, updated 2 days ago: auto-closes in 3 days.
        s.add(
            Ticket(
                source="jira",
                key="SUP-1",
                account_id=3,
                is_open=True,
                waiting_on="customer",
                updated_at=datetime(2026, 11, 22, 9),
            )
        )
        s.add(
            Ticket(
                source="jira",
                key="SUP-2",
                account_id=4,
                is_open=True,
                waiting_on="us",
                updated_at=datetime(2026, 11, 22, 9),
            )
        )
        s.add(BillingState(account_id=6, as_of=date(2026, 11, 1), state="current", days_past_due=0))
        s.add(
            BillingState(account_id=6, as_of=date(2026, 11, 20), state="past_due", days_past_due=35)
        )
        s.add(
            BillingState(account_id=7, as_of=date(2026, 11, 20), state="current", days_past_due=0)
        )
        # Main POCs: one silent for 120 days, one without any reply date (no alert), one fresh.
        s.add(Contact(account_id=2, is_main_poc=True, last_replied=date(2026, 7, 27)))
        s.add(Contact(account_id=3, is_main_poc=True, last_replied=None))
        s.add(Contact(account_id=4, is_main_poc=True, last_replied=date(2026, 11, 1)))
        s.add(
            HealthOverride(
                account_id=7,
                band="Healthy/Stable",
                reason_code="x",
                created_at=datetime(2026, 1, 1),
                expires_on=date(2026, 6, 1),
                is_active=True,
            )
        )
    return ids


def _found(ov):
    return {(a.type, a.account_id) for a in ov.alerts}


def test_each_rule_on_a_small_book(store, book):
    ov = alert_overview(store, TODAY)
    assert _found(ov) == {
        (AlertType.BAND_DROP, 2),  # Healthy -> Risky; Healthy -> Undefined is not a drop
        (AlertType.USAGE_DROP, 2),  # 50% > 20%; 3 fell exactly 20%
        (AlertType.AUTO_CLOSE, 3),
        (AlertType.PAST_DUE, 6),
        (AlertType.RENEWAL_RISK, 2),  # Risky, renews 2026-12-10
        (AlertType.RENEWAL_RISK, 4),  # Escalation, renews 2026-12-22
        (AlertType.POC_SILENT, 2),  # 120 days; account 3 has no reply data at all
        (AlertType.OVERRIDE_REVIEW, 7),  # expired
    }
    assert ov.counts["Ann Avery"][AlertType.RENEWAL_RISK] == 2
    assert sum(ov.counts["Bob Brand"].values()) == 2
    assert {a.owner for a in ov.for_owner("bob brand")} == {"Bob Brand"}
    assert all(a.status == OPEN for a in ov.alerts)


def test_usage_threshold_is_a_setting(store, book):
    ov = alert_overview(store, TODAY, usage_drop=0.1)
    assert {a.account_id for a in ov.alerts if a.type is AlertType.USAGE_DROP} == {2, 3}


def test_ack_snooze_undo(store, book):
    ack = acknowledge(store, "past_due:6", "customer paid, posting", author="Tess", today=TODAY)
    snz = snooze(store, "band_drop:2", date(2026, 12, 15), "QBR booked", today=TODAY)
    ov = alert_overview(store, TODAY)
    status = {a.id: a for a in ov.alerts}
    assert status["past_due:6"].status == ACKNOWLEDGED
    assert status["past_due:6"].action.reason == "customer paid, posting"
    assert status["band_drop:2"].status == SNOOZED
    assert ov.counts["Bob Brand"][AlertType.PAST_DUE] == 0
    assert ov.handled == {"Ann Avery": 1, "Bob Brand": 1}
    # The snooze ends on its date; the acknowledgement holds while the alert is the same.
    later = {a.id: a.status for a in alert_overview(store, date(2026, 12, 15)).alerts}
    assert later["band_drop:2"] == OPEN
    gone = delete_action(store, ack.id)
    assert {a.id: a.status for a in alert_overview(store, TODAY).alerts}["past_due:6"] == OPEN
    restore_action(store, gone)
    assert {a.id: a.status for a in alert_overview(store, TODAY).alerts}[
        "past_due:6"
    ] == ACKNOWLEDGED
    assert reopen(store, "band_drop:2") == 1
    assert snz.until == date(2026, 12, 15)


def test_a_new_occurrence_alerts_again(store, book):
    acknowledge(store, "past_due:6", today=TODAY)
    with store.sessions() as s, s.begin():
        s.add(
            BillingState(account_id=6, as_of=date(2026, 11, 23), state="past_due", days_past_due=38)
        )
    ov = alert_overview(store, TODAY)
    assert {a.id: a.status for a in ov.alerts}["past_due:6"] == OPEN


def test_bad_actions(store, book):
    with pytest.raises(UserError, match="No current alert"):
        acknowledge(store, "past_due:1", today=TODAY)
    with pytest.raises(UserError, match="needs a reason"):
        snooze(store, "past_due:6", date(2027, 1, 1), " ", today=TODAY)
    with pytest.raises(UserError, match="later date"):
        snooze(store, "past_due:6", TODAY, "x", today=TODAY)


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2026, 11, 24), date(2026, 10, 1)),
        (date(2026, 12, 6), date(2026, 10, 1)),
        (date(2026, 12, 21), date(2026, 11, 1)),
        (date(2027, 1, 5), date(2026, 11, 1)),
    ],
)
def test_month_ago(today, month):
    from desktop_app.services.managers.alert_facts import month_ago

    assert month_ago(today) == month


def test_no_reply_dates_means_no_silence_alert(store, book):
    from sqlalchemy import update

    assert alert_overview(store, TODAY).blind == {}
    with store.sessions() as s, s.begin():
        s.execute(update(Contact).values(last_replied=None))
        s.execute(update(BillingState).values(state="current"))
    ov = alert_overview(store, TODAY)
    assert AlertType.POC_SILENT not in {a.type for a in ov.alerts}
    assert ov.blind == {AlertType.POC_SILENT: "POC reply dates"}
    assert AlertType.PAST_DUE not in ov.blind  # billing rows exist, none past due


def test_a_book_without_billing_or_usage_says_so(store):
    small_book(store)
    ov = alert_overview(store, TODAY)
    assert set(ov.blind) == {
        AlertType.USAGE_DROP,
        AlertType.AUTO_CLOSE,
        AlertType.PAST_DUE,
        AlertType.POC_SILENT,
    }
