"""Did we see it coming: snapshots, overrides and calls as they stood before each churn."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop_app.domain.alert_rules import AlertType
from desktop_app.domain.forecast import Call
from desktop_app.services.errors import UserError
from desktop_app.services.managers.hindsight import did_we_see_it_coming, month_end_on_or_before
from desktop_app.store.health_history_repo import put_history
from desktop_app.store.schema import Account, HealthOverride, UsageMonth
from desktop_app.store.schema_managers import ForecastCall
from tests.services.managers.fixtures import small_book


def _churn(s, aid, name, owner, when):
    s.add(
        Account(
            id=aid,
            name=name,
            owner_id=owner,
            lifecycle="churned",
            churn_date=when,
            churn_type="voluntary",
        )
    )


@pytest.fixture
def book(store):
    small_book(store)  # A5 (Ann) churned 2026-11-01
    with store.sessions() as s, s.begin():
        _churn(s, 20, "Seen by call", 3, date(2026, 10, 31))
        _churn(s, 21, "Unseen", 3, date(2026, 10, 31))
        _churn(s, 22, "Seen by override", 3, date(2026, 10, 31))
        s.flush()
        # A5 churned 1 Nov: 180 d -> 5 May (April snapshot), 90 d -> 3 Aug (July),
        # 30 d -> 2 Oct (September).
        put_history(
            s.connection(),
            5,
            [
                (date(2026, 4, 1), 80.0, "Healthy/Stable"),
                (date(2026, 6, 1), 75.0, "Healthy/Stable"),
                (date(2026, 7, 1), 40.0, "Risky/Unstable"),
                (date(2026, 9, 1), 20.0, "Escalation"),
            ],
        )
        for aid in (20, 21, 22):
            points = [
                (month, 90.0, "Healthy/Stable") for month in (date(2026, 7, 1), date(2026, 9, 1))
            ]
            put_history(s.connection(), aid, points)
        # The call on 20 was set before 90 days out; a later call on 21 does not count.
        s.add(ForecastCall(account_id=20, call="at_risk", created_at=datetime(2026, 7, 1, 9)))
        s.add(ForecastCall(account_id=21, call="lost", created_at=datetime(2026, 10, 1, 9)))
        s.add(
            HealthOverride(
                account_id=22,
                band="Escalation",
                reason_code="x",
                created_at=datetime(2026, 7, 15),
                is_active=False,
                cleared_at=datetime(2026, 9, 1),
            )
        )
        s.add(UsageMonth(account_id=5, month=date(2026, 6, 1), mau=100))
        s.add(UsageMonth(account_id=5, month=date(2026, 7, 1), mau=40))
    return store


def test_what_the_app_showed_before_each_churn(book):
    h = did_we_see_it_coming(book, date(2026, 10, 1), date(2026, 11, 30))
    cases = {c.account: c for c in h.cases}
    assert set(cases) == {"A5 Lost", "Seen by call", "Unseen", "Seen by override"}
    a5 = cases["A5 Lost"]
    assert [(g.days_before, g.band, g.score) for g in a5.glimpses] == [
        (180, "Healthy/Stable", 80.0),
        (90, "Risky/Unstable", 40.0),
        (30, "Escalation", 20.0),
    ]
    g90 = a5.at(90)
    assert g90.on == date(2026, 8, 3)
    assert g90.snapshot_month == date(2026, 7, 1)
    # Risky while its renewal (closed lost on 1 Nov) was 90 days away; June -> July fell 60%.
    assert set(g90.alerts) == {AlertType.BAND_DROP, AlertType.USAGE_DROP, AlertType.RENEWAL_RISK}
    assert cases["Seen by call"].at(90).call is Call.AT_RISK
    assert cases["Unseen"].at(90).call is None
    assert cases["Unseen"].at(30).call is Call.LOST
    assert cases["Seen by override"].at(90).band == "Escalation"
    assert cases["Seen by override"].at(30).band == "Healthy/Stable"  # cleared 1 Sep
    assert [
        c.seen for c in (a5, cases["Seen by call"], cases["Unseen"], cases["Seen by override"])
    ] == [True, True, False, True]
    assert h.seen == 3
    assert h.headline.startswith("3 of 4 churned accounts were Risky/Unstable or Escalation")
    assert h.by_owner == {"Ann Avery": (1, 1), "Bob Brand": (2, 3)}


def test_period_filters_and_checks(book):
    assert did_we_see_it_coming(book, date(2026, 11, 1), date(2026, 11, 1)).seen == 1
    assert did_we_see_it_coming(book, date(2025, 1, 1), date(2025, 12, 31)).cases == []
    with pytest.raises(UserError):
        did_we_see_it_coming(book, date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2026, 8, 3), date(2026, 7, 1)),
        (date(2026, 7, 31), date(2026, 7, 1)),
        (date(2026, 1, 15), date(2025, 12, 1)),
        (date(2026, 12, 31), date(2026, 12, 1)),
    ],
)
def testmonth_end_on_or_before(day, month):
    assert month_end_on_or_before(day) == month
