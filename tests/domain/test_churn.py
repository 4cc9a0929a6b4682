from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from desktop_app.domain.accounts import ChurnType
from desktop_app.domain.churn import (
    RevenueInputs,
    auc,
    churn_type_of_reason,
    day_number,
    deciles,
    mrr_at,
    organic_contraction,
    periods,
    rate_by_group,
    retention_figures,
)


def test_organic_contraction_needs_seats_falling_with_usage():
    mau = np.array([-0.30, -0.30, -0.30, 0.05, np.nan])
    seats = np.array([-0.25, 0.0, -0.05, -0.20, -0.3])
    assert organic_contraction(mau, seats).tolist() == [True, False, False, False, False]


def test_churn_type_of_reason():
    assert churn_type_of_reason("Population decline") is ChurnType.ORGANIC
    assert churn_type_of_reason("Competitor") is ChurnType.VOLUNTARY
    assert churn_type_of_reason("nope") is None


def test_auc_perfect_random_and_ties():
    y = np.array([False, False, True, True])
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), y) == pytest.approx(1.0)
    assert auc(np.array([0.9, 0.8, 0.2, 0.1]), y) == pytest.approx(0.0)
    assert auc(np.array([0.5, 0.5, 0.5, 0.5]), y) == pytest.approx(0.5)
    # one tie between a positive and a negative counts half
    assert auc(np.array([0.1, 0.5, 0.5, 0.9]), y) == pytest.approx(0.875)
    assert auc(np.array([0.1, 0.2]), np.array([False, False])) is None


def test_rates_and_deciles():
    groups = np.array([0, 0, 1, 1, -1])
    churned = np.array([True, False, False, False, True])
    rates = rate_by_group(groups, churned, 3)
    assert rates[0] == 0.5
    assert rates[1] == 0.0
    assert np.isnan(rates[2])
    d = deciles(np.append(np.arange(100, dtype=float), np.nan))
    assert d[0] == 0
    assert d[99] == 9
    assert d[100] == -1
    assert np.bincount(d[:100]).tolist() == [10] * 10


def _d(y, m, day=1):
    return float(day_number(date(y, m, day)))


def test_retention_standard_definitions():
    # acc0: 100 all year; acc1: 200 -> churns mid-year; acc2: 100 -> 150 (expansion);
    # acc3: no subscriptions, fallback MRR 50, not churned; acc4 starts after the period start.
    nan = np.nan
    rev = RevenueInputs(
        n=5,
        s_acc=np.array([0, 1, 2, 2, 4]),
        s_start=np.array([nan, _d(2024, 1), _d(2024, 1), _d(2025, 6), _d(2025, 3)]),
        s_end=np.array([nan, _d(2025, 7), _d(2025, 6), nan, nan]),
        s_mrr=np.array([100.0, 200.0, 100.0, 150.0, 80.0]),
        fallback_mrr=np.array([0, 0, 0, 50.0, 0]),
        churn_day=np.full(5, nan),
        start_day=np.full(5, nan),
    )
    f = retention_figures(rev, date(2025, 1, 1), date(2026, 1, 1))
    assert f.n_start == 4
    assert f.n_churned == 1
    assert f.mrr_start == pytest.approx(450.0)
    assert f.mrr_end == pytest.approx(300.0)
    assert f.logo_churn_rate == pytest.approx(0.25)
    assert f.net_mrr_retention == pytest.approx(300 / 450)
    assert f.gross_mrr_retention == pytest.approx(250 / 450)
    assert f.mrr_churn == pytest.approx(1 - 300 / 450)
    only = retention_figures(
        rev, date(2025, 1, 1), date(2026, 1, 1), np.array([1, 0, 0, 0, 0], bool)
    )
    assert only.n_start == 1
    assert only.n_churned == 0
    assert only.net_mrr_retention == 1.0


def test_crm_churn_date_ends_an_account_without_subscriptions():
    rev = RevenueInputs(
        n=1,
        s_acc=np.empty(0, np.int64),
        s_start=np.empty(0),
        s_end=np.empty(0),
        s_mrr=np.empty(0),
        fallback_mrr=np.array([40.0]),
        churn_day=np.array([_d(2025, 3)]),
        start_day=np.array([np.nan]),
    )
    f = retention_figures(rev, date(2025, 1, 1), date(2025, 6, 1))
    assert (f.n_start, f.n_churned, f.mrr_start, f.mrr_end) == (1, 1, 40.0, 0.0)


def test_periods_months_and_quarters():
    assert periods(date(2025, 1, 15), date(2025, 3, 10)) == [
        (date(2025, 1, 15), date(2025, 2, 1)),
        (date(2025, 2, 1), date(2025, 3, 1)),
        (date(2025, 3, 1), date(2025, 3, 10)),
    ]
    q = periods(date(2025, 1, 1), date(2026, 1, 1), "quarter")
    assert [p[0].month for p in q] == [1, 4, 7, 10]
    assert q[-1][1] == date(2026, 1, 1)


# ------------------------------------------------------------- the churn-day boundary
# A subscription is live on the days [start, end): from its start day, inclusive, up to its
# end day, exclusive. A subscription that ends on a day no longer counts on that day, as
# Recurly's ``expires_at``/``current_period_ends_at`` mark the first moment it is no longer
# paid for, and the demo and the importers write the churn date as that end day. Likewise a
# CRM churn date is the first day the account is no longer a customer. Retention over
# [start, end] therefore counts an account that churns on ``end`` as churned, and an
# account that churns on ``start`` as never in the cohort.


def _one_sub(start: float, end: float, churn: float = np.nan) -> RevenueInputs:
    return RevenueInputs(
        n=1,
        s_acc=np.array([0]),
        s_start=np.array([start]),
        s_end=np.array([end]),
        s_mrr=np.array([100.0]),
        fallback_mrr=np.array([0.0]),
        churn_day=np.array([churn]),
        start_day=np.array([np.nan]),
    )


def _no_sub(churn: float, start: float = np.nan) -> RevenueInputs:
    return RevenueInputs(
        n=1,
        s_acc=np.empty(0, np.int64),
        s_start=np.empty(0),
        s_end=np.empty(0),
        s_mrr=np.empty(0),
        fallback_mrr=np.array([40.0]),
        churn_day=np.array([churn]),
        start_day=np.array([start]),
    )


def test_a_subscription_is_live_from_its_start_day_to_the_day_before_it_ends():
    rev = _one_sub(_d(2025, 3, 10), _d(2025, 6, 30))
    live = {d: bool(mrr_at(rev, _d(*d))[1][0]) for d in [(2025, 3, 9), (2025, 3, 10)]}
    live |= {d: bool(mrr_at(rev, _d(*d))[1][0]) for d in [(2025, 6, 29), (2025, 6, 30)]}
    assert live == {
        (2025, 3, 9): False,
        (2025, 3, 10): True,  # live on its start day
        (2025, 6, 29): True,
        (2025, 6, 30): False,  # not live on the day it ends
    }
    assert mrr_at(rev, _d(2025, 6, 29))[0].tolist() == [100.0]
    assert mrr_at(rev, _d(2025, 6, 30))[0].tolist() == [0.0]


def test_an_account_is_not_active_on_its_churn_day():
    rev = _no_sub(churn=_d(2025, 3, 1), start=_d(2024, 2, 1))
    assert mrr_at(rev, _d(2025, 2, 28))[1].tolist() == [True]
    assert mrr_at(rev, _d(2025, 3, 1))[1].tolist() == [False]
    assert mrr_at(rev, _d(2025, 3, 1))[0].tolist() == [0.0]
    # ...and is active from its start day on.
    assert mrr_at(rev, _d(2024, 1, 31))[1].tolist() == [False]
    assert mrr_at(rev, _d(2024, 2, 1))[1].tolist() == [True]
    # A CRM churn date also ends an account whose subscription runs on.
    rev = _one_sub(np.nan, np.nan, churn=_d(2025, 3, 1))
    assert mrr_at(rev, _d(2025, 3, 1))[1].tolist() == [False]


def test_retention_counts_a_churn_on_the_last_day_of_the_period():
    on_end = retention_figures(_one_sub(np.nan, _d(2025, 7, 1)), date(2025, 6, 1), date(2025, 7, 1))
    assert (on_end.n_start, on_end.n_churned) == (1, 1)
    day_after = retention_figures(
        _one_sub(np.nan, _d(2025, 7, 2)), date(2025, 6, 1), date(2025, 7, 1)
    )
    assert (day_after.n_start, day_after.n_churned) == (1, 0)
    on_start = retention_figures(
        _one_sub(np.nan, _d(2025, 6, 1)), date(2025, 6, 1), date(2025, 7, 1)
    )
    assert (on_start.n_start, on_start.logo_churn_rate, on_start.net_mrr_retention) == (
        0,
        None,
        None,
    )


def test_day_numbers_count_from_1970():
    assert day_number(date(1970, 1, 1)) == 0
    assert day_number(date(1970, 2, 1)) == 31
    assert day_number(date(2026, 11, 24)) == 56 * 365 + 14 + 304 + 23  # 14 leap days


def test_quarters_start_on_calendar_quarters():
    assert periods(date(2025, 5, 15), date(2025, 12, 20), "quarter") == [
        (date(2025, 5, 15), date(2025, 7, 1)),
        (date(2025, 7, 1), date(2025, 10, 1)),
        (date(2025, 10, 1), date(2025, 12, 20)),
    ]
    assert periods(date(2025, 11, 3), date(2026, 2, 1)) == [
        (date(2025, 11, 3), date(2025, 12, 1)),
        (date(2025, 12, 1), date(2026, 1, 1)),
        (date(2026, 1, 1), date(2026, 2, 1)),
    ]


def test_rates_by_group_skip_negative_codes_and_empty_groups():
    rates = rate_by_group(np.array([0, 0, 2, -1, -1]), np.array([True, False, True, True, True]), 3)
    assert rates[0] == 0.5
    assert np.isnan(rates[1])
    assert rates[2] == 1.0
