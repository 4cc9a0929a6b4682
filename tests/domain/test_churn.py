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
