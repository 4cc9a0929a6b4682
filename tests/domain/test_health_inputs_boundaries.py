"""Raw health measures pinned at their day boundaries (domain.health_inputs as it behaves).

Each window is tested on its last day in and its first day out: a month counts from its first
day, a ticket is open from the day it opens until (not on) the day it closes, a billing state
counts for 45 days, NPS for ``nps_max_age_days``, a reply is "engaged" for fewer than
``engaged_window_days``, a ticket waiting on the customer auto-closes within
``auto_close_days`` of its last update, and a renewal on the scoring day is 0 days away.
"""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.domain.health_inputs import (
    ALL_SOURCES,
    WAITING_CUSTOMER,
    last_valid_index,
    live_at,
    measures_at,
    revenue_measures,
    usage_measures,
)
from tests.domain.test_health_inputs import CARD, history
from tests.domain.test_health_inputs import d as day

NAN = np.nan


def test_last_valid_index_carries_the_latest_known_column_forward():
    values = np.array([[NAN, 5.0, NAN, 7.0], [1.0, NAN, NAN, NAN], [NAN] * 4])
    assert last_valid_index(values).tolist() == [[-1, 1, 1, 3], [0, 0, 0, 0], [-1, -1, -1, -1]]


def test_a_usage_month_counts_from_its_first_day():
    h = history([[50, 80]], [[100, 100]])
    assert usage_measures(h, day(2026, 1, 31))["utilisation"].tolist() == [0.5]
    assert usage_measures(h, day(2026, 2, 1))["utilisation"].tolist() == [0.8]
    # The first month alone, read from column 0.
    assert usage_measures(h, day(2026, 1, 1))["mau_latest"].tolist() == [50.0]
    assert np.isnan(usage_measures(h, day(2025, 12, 31))["utilisation"][0])


def test_usage_older_than_two_months_is_stale():
    h = history([[50, NAN, NAN, NAN]], [[100, NAN, NAN, NAN]])
    assert usage_measures(h, day(2026, 3, 15))["mau_latest"].tolist() == [50.0]  # 2 months
    assert np.isnan(usage_measures(h, day(2026, 4, 15))["mau_latest"][0])  # 3 months


def test_trends_need_a_month_exactly_k_months_back():
    h = history([[50, 60, 70, 100, 90, 80, 100]], [[100] * 7])
    april = usage_measures(h, day(2026, 4, 15))
    assert april["mau_trend_3m"].tolist() == pytest.approx([1.0])  # 100 / 50 - 1
    assert np.isnan(april["mau_trend_6m"][0])  # no month 6 back yet
    july = usage_measures(h, day(2026, 7, 15))
    assert july["mau_trend_3m"].tolist() == pytest.approx([0.0])  # 100 / 100 - 1
    assert july["mau_trend_6m"].tolist() == pytest.approx([1.0])  # 100 / 50 - 1


def test_trend_from_zero_usage():
    h = history([[0, 0, 0, 0], [0, 0, 0, 30]], [[100] * 4] * 2)
    m = usage_measures(h, day(2026, 4, 15))
    assert m["mau_trend_3m"][0] == 0.0  # nothing to nothing: flat
    assert np.isnan(m["mau_trend_3m"][1])  # nothing to something: no ratio
    assert m["utilisation"].tolist() == [0.0, 0.3]


def test_seats_fall_back_to_the_contracted_seats():
    h = history([[40]], [[NAN]], contracted_seats=np.array([80.0]))
    assert usage_measures(h, day(2026, 1, 15))["utilisation"].tolist() == [0.5]
    h = history([[40]], [[NAN]], contracted_seats=np.array([0.0]))
    assert np.isnan(usage_measures(h, day(2026, 1, 15))["utilisation"][0])


def test_an_account_is_live_from_its_start_day_until_its_churn_day():
    h = history(
        [[1], [1], [1]],
        [[1], [1], [1]],
        churn_day=np.array([day(2026, 5, 1), NAN, NAN]),
        start_day=np.array([NAN, day(2026, 5, 1), NAN]),
    )
    assert live_at(h, day(2026, 4, 30)).tolist() == [True, False, True]
    assert live_at(h, day(2026, 5, 1)).tolist() == [False, True, True]


def _tickets(opened, closed, waiting=None, updated=None, esc=None):
    n = len(opened)
    return {
        "t_acc": np.zeros(n, dtype=np.int64),
        "t_open": np.array(opened, dtype=float),
        "t_close": np.array(closed, dtype=float),
        "t_esc": np.array(esc if esc is not None else [False] * n),
        "t_waiting": np.array(waiting if waiting is not None else [0] * n, np.int8),
        "t_updated": np.array(updated if updated is not None else opened, dtype=float),
    }


def test_a_ticket_is_open_from_its_opening_day_until_the_day_it_closes():
    h = history([[1] * 8], [[1] * 8], **_tickets([day(2026, 3, 10)], [day(2026, 3, 20)]))
    counts = {
        t: measures_at(CARD, h, day(2026, 3, t)).raw["open_tickets"][0] for t in (9, 10, 19, 20)
    }
    assert counts == {9: 0, 10: 1, 19: 1, 20: 0}


def test_old_tickets_are_open_more_than_30_days():
    h = history([[1] * 8], [[1] * 8], **_tickets([day(2026, 3, 1)], [np.inf]))
    assert measures_at(CARD, h, day(2026, 3, 31)).raw["old_tickets"][0] == 0  # 30 days
    assert measures_at(CARD, h, day(2026, 4, 1)).raw["old_tickets"][0] == 1  # 31 days


@pytest.mark.parametrize(("updated_days_ago", "closing"), [(0, 1), (5, 1), (6, 0)])
def test_auto_closing_within_five_days_of_the_last_update(updated_days_ago, closing):
    now = day(2026, 8, 15)
    h = history(
        [[1] * 8],
        [[1] * 8],
        **_tickets([day(2026, 8, 1)], [np.inf], [WAITING_CUSTOMER], [now - updated_days_ago]),
    )
    assert measures_at(CARD, h, now).raw["auto_closing"][0] == closing


def test_current_only_signals_within_31_days_of_the_observed_day():
    # observed_day is 2026-08-15 in the helper: 31 days before is 2026-07-15.
    h = history(
        [[1] * 8],
        [[1] * 8],
        renewal_day=np.array([day(2026, 9, 1)]),
        **_tickets([day(2026, 1, 1)], [np.inf], [WAITING_CUSTOMER], [day(2026, 7, 14)]),
    )
    inside = measures_at(CARD, h, day(2026, 7, 15))
    assert inside.raw["days_to_renewal"][0] == 48.0
    assert "waiting_on_us" in inside.raw
    outside = measures_at(CARD, h, day(2026, 7, 14))
    assert "days_to_renewal" not in outside.raw
    assert "waiting_on_us" not in outside.raw


def test_a_renewal_on_the_scoring_day_is_zero_days_away():
    h = history([[1] * 8], [[1] * 8], renewal_day=np.array([day(2026, 8, 15)]))
    assert measures_at(CARD, h, day(2026, 8, 15)).raw["days_to_renewal"][0] == 0.0
    h = history([[1] * 8], [[1] * 8], renewal_day=np.array([day(2026, 8, 14)]))
    assert np.isnan(measures_at(CARD, h, day(2026, 8, 15)).raw["days_to_renewal"][0])


def _billing(days, dpd):
    n = len(days)
    return {
        "b_acc": np.zeros(n, dtype=np.int64),
        "b_day": np.array(days, dtype=float),
        "b_dpd": np.array(dpd, dtype=float),
    }


@pytest.mark.parametrize(("age", "expected"), [(0, 12.0), (45, 12.0), (46, NAN)])
def test_a_billing_state_counts_for_45_days(age, expected):
    now = day(2026, 8, 15)
    h = history([[1] * 8], [[1] * 8], **_billing([now - age], [12.0]))
    m = measures_at(CARD, h, now)
    assert m.days_past_due.tolist() == pytest.approx([expected], nan_ok=True)
    assert m.raw["past_due"].tolist() == pytest.approx(
        [NAN if np.isnan(expected) else 1.0], nan_ok=True
    )


def test_the_latest_billing_state_wins_and_zero_is_not_past_due():
    now = day(2026, 8, 15)
    h = history([[1] * 8], [[1] * 8], **_billing([now - 10, now - 2, now + 3], [30.0, 0.0, 9.0]))
    m = measures_at(CARD, h, now)
    assert m.days_past_due.tolist() == [0.0]  # the state of 2 days ago; a future one is unknown
    assert m.raw["past_due"].tolist() == [0.0]


@pytest.mark.parametrize(("age", "expected"), [(540, 9.0), (541, NAN)])
def test_nps_counts_for_540_days(age, expected):
    now = day(2026, 8, 15)
    h = history(
        [[1] * 8],
        [[1] * 8],
        n_acc=np.array([0]),
        n_day=np.array([now - age]),
        n_score=np.array([9.0]),
    )
    assert measures_at(CARD, h, now).raw["nps_latest"].tolist() == pytest.approx(
        [expected], nan_ok=True
    )


def _contacts(replies, main, status=None):
    n = len(replies)
    return {
        "c_acc": np.zeros(n, dtype=np.int64),
        "c_reply": np.array(replies, dtype=float),
        "c_main": np.array(main),
        "c_status": np.array(status if status is not None else ["active"] * n),
    }


def test_engaged_contacts_replied_within_fewer_than_90_days():
    now = day(2026, 8, 15)
    h = history(
        [[1] * 8],
        [[1] * 8],
        **_contacts([now, now - 89, now - 90, now + 1, NAN], [True, False, False, False, False]),
    )
    m = measures_at(CARD, h, now)
    assert m.raw["engaged_contacts"].tolist() == [2.0]  # today and 89 days ago, not tomorrow
    assert m.poc_days.tolist() == [0.0]
    assert m.poc_unavailable.tolist() == [False]


def test_without_a_main_poc_or_with_an_unavailable_one():
    now = day(2026, 8, 15)
    none = history([[1] * 8], [[1] * 8], **_contacts([now - 3], [False]))
    m = measures_at(CARD, none, now)
    assert m.poc_unavailable.tolist() == [True]
    assert np.isnan(m.poc_days[0])
    gone = history([[1] * 8], [[1] * 8], **_contacts([now - 3], [True], ["terminated"]))
    assert measures_at(CARD, gone, now).poc_unavailable.tolist() == [True]
    no_replies = history(
        [[1] * 8],
        [[1] * 8],
        sources=ALL_SOURCES - {"replies"},
        **_contacts([now - 3], [True]),
    )
    m = measures_at(CARD, no_replies, now)
    assert "engaged_contacts" not in m.raw
    assert np.isnan(m.poc_days[0])


def _subs(start, end=None, period_end=None, mrr=None):
    n = len(start)
    return {
        "s_acc": np.zeros(n, dtype=np.int64),
        "s_start": np.array(start, dtype=float),
        "s_end": np.array(end if end is not None else [NAN] * n, dtype=float),
        "s_mrr": np.array(mrr if mrr is not None else [100.0] * n, dtype=float),
        "s_period_end": np.array(period_end if period_end is not None else [NAN] * n, dtype=float),
    }


def test_term_end_is_the_next_anniversary():
    h = history([[1]], [[1]], **_subs([day(2025, 3, 1)]))
    early = day(2026, 1, 1)  # far from the observed day: the renewal date is not used
    assert revenue_measures(h, early)["days_to_term_end"].tolist() == [59.0]  # to 2026-03-01
    # On the anniversary itself the next term ends a year later.
    assert revenue_measures(h, day(2026, 3, 1))["days_to_term_end"].tolist() == [365.0]
    # A period end, when exported, is the anchor instead of the start.
    h = history([[1]], [[1]], **_subs([day(2025, 3, 1)], period_end=[day(2026, 6, 1)]))
    assert revenue_measures(h, early)["days_to_term_end"].tolist() == [151.0]


def test_mrr_and_tenure_from_the_live_subscriptions():
    h = history(
        [[1]],
        [[1]],
        **_subs(
            [day(2025, 1, 1), day(2025, 6, 1)],
            end=[day(2026, 1, 1), NAN],
            mrr=[100.0, 250.0],
        ),
    )
    before_end = revenue_measures(h, day(2025, 12, 31))
    assert before_end["mrr"].tolist() == [350.0]
    on_end = revenue_measures(h, day(2026, 1, 1))
    assert on_end["mrr"].tolist() == [250.0]  # the first one ended that day
    assert on_end["tenure_months"].tolist() == pytest.approx([365 / (365.25 / 12)])


def test_subscriptions_not_imported_are_missing_not_zero():
    h = history([[1]], [[1]], sources=ALL_SOURCES - {"subscriptions"}, **_subs([day(2025, 1, 1)]))
    m = revenue_measures(h, day(2025, 6, 1))
    assert np.isnan(m["mrr"][0])
    assert np.isnan(m["tenure_months"][0])
    assert np.isnan(m["days_to_term_end"][0])
