from __future__ import annotations

from datetime import date

import pytest

from desktop_app.services.errors import UserError
from desktop_app.services.health.validation import (
    retention,
    retention_by_owner,
    retention_series,
    validate,
)


def test_default_scorecard_beats_usage_alone_on_demo(demo_store, today):
    report = validate(demo_store, as_of=today)
    for h in (3, 6):
        assert report.auc_score[h] > report.auc_usage[h] > 0.5
        assert report.churn_events[h] > 20
    assert report.score_beats_usage
    rates = report.churn_by_band
    assert rates["Healthy/Stable"][1] < rates["Risky/Unstable"][1]
    dec = report.churn_by_decile
    assert len(dec) == 10
    assert dec[0][2] > dec[-1][2]


def test_retention_on_demo(demo_store, today):
    f = retention(demo_store, date(2025, 11, 24), today)
    assert f.n_start > 250
    assert 0 < f.n_churned < f.n_start
    assert f.logo_churn_rate == pytest.approx(f.n_churned / f.n_start)
    assert f.gross_mrr_retention <= 1.0
    assert f.gross_mrr_retention <= f.net_mrr_retention
    assert f.mrr_churn == pytest.approx(1 - f.net_mrr_retention)
    owners = retention_by_owner(demo_store, date(2025, 11, 24), today)
    assert len(owners) == 8
    assert sum(o.n_start for o in owners.values()) == f.n_start
    months = retention_series(demo_store, date(2026, 1, 1), date(2026, 7, 1))
    assert len(months) == 6
    quarters = retention_series(demo_store, date(2026, 1, 1), date(2026, 7, 1), "quarter")
    assert len(quarters) == 2
    with pytest.raises(UserError):
        retention(demo_store, today, date(2020, 1, 1))
    with pytest.raises(UserError):
        retention(demo_store, date(2025, 1, 1), today, owner="Nobody Here")
