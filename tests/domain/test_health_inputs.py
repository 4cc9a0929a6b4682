from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from desktop_app.domain.churn import day_number
from desktop_app.domain.health_inputs import (
    WAITING_CUSTOMER,
    WAITING_US,
    HistoryInputs,
    measures_at,
)
from desktop_app.domain.scorecard import Scorecard, ScoreParams

E = np.empty(0)
EI = np.empty(0, dtype=np.int64)


def d(y, m, day=1) -> float:
    return float(day_number(date(y, m, day)))


def history(mau, seats, **kw) -> HistoryInputs:
    mau = np.array(mau, dtype=float)
    n, t = mau.shape
    base = {
        "account_id": np.arange(1, n + 1, dtype=np.int64),
        "month_day": np.array([d(2026, m + 1) for m in range(t)]),
        "mau": mau,
        "seats": np.array(seats, dtype=float),
        "contracted_seats": np.full(n, 100.0),
        "renewal_day": np.full(n, np.nan),
        "churn_day": np.full(n, np.nan),
        "start_day": np.full(n, np.nan),
        "t_acc": EI,
        "t_open": E,
        "t_close": E,
        "t_esc": np.empty(0, bool),
        "t_waiting": np.empty(0, np.int8),
        "t_updated": E,
        "n_acc": EI,
        "n_day": E,
        "n_score": E,
        "c_acc": EI,
        "c_reply": E,
        "c_main": np.empty(0, bool),
        "c_status": np.empty(0, str),
        "b_acc": EI,
        "b_day": E,
        "b_dpd": E,
        "observed_day": d(2026, 8, 15),
    }
    base.update(kw)
    return HistoryInputs(**base)


CARD = Scorecard("t", (), (), ScoreParams())


def test_usage_uses_only_months_known_at_the_date():
    h = history([[50, 50, 50, 50, 50, 50, 80]], [[100] * 7])
    early = measures_at(CARD, h, d(2026, 6, 30))  # July not known yet
    late = measures_at(CARD, h, d(2026, 7, 31))
    assert early.raw["utilisation"][0] == pytest.approx(0.5)
    assert late.raw["utilisation"][0] == pytest.approx(0.8)
    assert late.raw["mau_trend_3m"][0] == pytest.approx(0.6)
    assert np.isnan(measures_at(CARD, h, d(2025, 12, 1)).raw["utilisation"][0])


def test_organic_decline_scored_per_seat_and_flagged():
    mau = [[100, 100, 100, 70, 70, 70, 70], [100, 100, 100, 70, 70, 70, 70]]
    seats = [[200, 200, 200, 140, 140, 140, 140], [200] * 7]
    m = measures_at(CARD, history(mau, seats), d(2026, 7, 31))
    assert m.organic.tolist() == [True, False]
    assert m.raw["mau_trend_6m"][0] == pytest.approx(0.0)  # tracks its own seats
    assert m.raw["mau_trend_6m"][1] == pytest.approx(-0.3)  # a real decline


def test_tickets_open_at_date_and_current_only_signals():
    h = history(
        [[10] * 7],
        [[100] * 7],
        t_acc=np.array([0, 0, 0]),
        t_open=np.array([d(2026, 3), d(2026, 5), d(2026, 8)]),
        t_close=np.array([d(2026, 4), np.inf, np.inf]),
        t_esc=np.array([True, False, False]),
        t_waiting=np.array([0, WAITING_US, WAITING_CUSTOMER], np.int8),
        t_updated=np.array([d(2026, 4), d(2026, 8, 1), d(2026, 8, 13)]),
    )
    march = measures_at(CARD, h, d(2026, 3, 20))
    assert march.raw["open_tickets"][0] == 1
    assert march.open_escalations[0] == 1
    assert "waiting_on_us" not in march.raw  # only known near the observed day
    now = measures_at(CARD, h, d(2026, 8, 15))
    assert now.raw["open_tickets"][0] == 2
    assert now.open_escalations[0] == 0
    assert now.raw["old_tickets"][0] == 1
    assert now.raw["waiting_on_us"][0] == 1
    assert now.raw["auto_closing"][0] == 1


def test_churned_accounts_leave_the_book_and_nps_latest():
    h = history(
        [[10] * 7, [10] * 7],
        [[100] * 7] * 2,
        churn_day=np.array([np.nan, d(2026, 5)]),
        n_acc=np.array([0, 0]),
        n_day=np.array([d(2026, 2), d(2026, 6)]),
        n_score=np.array([3.0, 9.0]),
    )
    april = measures_at(CARD, h, d(2026, 4, 1))
    assert april.account_id.tolist() == [1, 2]
    assert april.raw["nps_latest"][0] == 3.0
    july = measures_at(CARD, h, d(2026, 7, 1))
    assert july.account_id.tolist() == [1]
    assert july.raw["nps_latest"][0] == 9.0


def test_organic_decline_to_no_seats_keeps_the_raw_fall_without_a_warning():
    # Both MAU and seats fall to 0: usage per seat is undefined, so the raw fall (-100 %)
    # stands (and no 0/0 warning escapes: the suite turns warnings into errors).
    mau = [[50, 50, 50, 50, 0, 0, 0]]
    seats = [[100, 100, 100, 100, 0, 0, 0]]
    m = measures_at(CARD, history(mau, seats), d(2026, 7, 31))
    assert m.raw["mau_trend_3m"][0] == pytest.approx(-1.0)


def test_measures_without_evidence_score_the_same():
    from desktop_app.domain.health import score_book
    from desktop_app.services.health.versions import default_scorecard

    card = default_scorecard()
    h = history([[100, 90, 80, 70, 60, 50, 40], [10] * 7], [[100] * 7, [100] * 7])
    t = d(2026, 7, 31)
    full, lean = measures_at(card, h, t), measures_at(card, h, t, evidence=False)
    assert full.raw.keys() == lean.raw.keys()
    for key in full.raw:
        np.testing.assert_array_equal(full.raw[key], lean.raw[key])
    assert lean.esc_key is None
    assert lean.poc_name is None
    assert full.poc_name is not None
    a, b = score_book(card, full), score_book(card, lean)
    np.testing.assert_array_equal(a.score, b.score)
    np.testing.assert_array_equal(a.band_code, b.band_code)
