"""AUC, band reasons and the fitted scorecard's form, pinned by hand (pure domain)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from desktop_app.domain.auc import bootstrap_aucs, estimate, interval, weighted_auc
from desktop_app.domain.band_reasons import band_reasons, biggest_drag, format_measure
from desktop_app.domain.churn import day_number
from desktop_app.domain.health import MeasureInputs, score_book
from desktop_app.domain.scorecard import BandRules, Group, Measure, Scorecard
from desktop_app.domain.scorecard_fit import (
    Candidate,
    card_from_coefficients,
    effective_weights,
    from_axis,
    thresholds,
)

NAN = np.nan


# ------------------------------------------------------------------------------ AUC


def test_weighted_auc_counts_a_tie_half():
    # Group 0: one negative; group 1: one positive and one negative (a tie); group 2: one positive.
    group = np.array([0, 1, 1, 2])
    y = np.array([False, True, False, True])
    # Pairs (pos, neg): (g1, g0) win, (g1, g1) tie, (g2, g0) win, (g2, g1) win: 3.5 / 4.
    assert weighted_auc(group, 3, y, np.ones(4)) == 0.875
    # Weights count observations: doubling the tied negative adds one tie and one win.
    assert weighted_auc(group, 3, y, np.array([1.0, 1.0, 2.0, 1.0])) == pytest.approx(5.0 / 6.0)
    assert np.isnan(weighted_auc(group, 3, np.zeros(4, bool), np.ones(4)))


def test_bootstrap_leaves_out_nan_risks_and_needs_both_classes():
    risk = np.array([0.1, 0.9, NAN, 0.5])
    y = np.array([False, True, True, False])
    cluster = np.array([1, 2, 3, 4])
    points, samples = bootstrap_aucs([risk], y, cluster, reps=7, seed=3)
    assert points == [1.0]
    assert samples.shape == (1, 7)
    none, empty = bootstrap_aucs([risk], np.array([True, True, False, True]), cluster, reps=5)
    assert none == [None]
    assert empty.shape == (1, 0)
    all_neg, _ = bootstrap_aucs([risk], np.zeros(4, bool), cluster, reps=5)
    assert all_neg == [None]


def test_estimate_defaults_and_rounding():
    rng = np.random.default_rng(5)
    risk = rng.random(300)
    y = rng.random(300) < risk  # riskier accounts churn more
    cluster = np.arange(300) // 3
    est = estimate(risk, y, cluster)
    assert est == estimate(risk, y, cluster, reps=200, seed=0)
    assert est.events == int(y.sum())
    assert est.observations == 300
    assert est.auc is not None
    assert est.auc == round(est.auc, 4)
    assert est.ci is not None
    lo, hi = est.ci
    assert (lo, hi) == (round(lo, 4), round(hi, 4))
    assert lo < est.auc < hi
    assert interval(np.array([NAN])) is None
    assert interval(np.linspace(0.0, 1.0, 401)) == (0.025, 0.975)


# ---------------------------------------------------------------------- band reasons


@pytest.mark.parametrize(
    ("measure", "raw", "text"),
    [
        ("mau_trend_3m", -0.21, "−21 %"),
        ("mau_trend_6m", 0.05, "+5 %"),
        ("utilisation", 0.456, "46 %"),
        ("mrr", 1200.4, "$1,200"),
        ("tenure_months", 14.2, "14 months"),
        ("past_due", 1.0, "yes"),
        ("past_due", 0.0, "no"),
        ("days_to_renewal", 30.4, "30 days"),
        ("poc_days_since_reply", 91.0, "91 days"),
        ("nps_latest", 7.0, "7"),
        ("open_tickets", 1234.0, "1,234"),
        ("open_tickets", None, "no data"),
        ("open_tickets", NAN, "no data"),
    ],
)
def test_measure_formats(measure, raw, text):
    assert format_measure(measure, raw) == text


def _card() -> Scorecard:
    return Scorecard(
        "t",
        (Group("usage", "Usage", 100.0),),
        (
            Measure("utilisation", "Util", "usage", 1.0, 0.0, 1.0),
            Measure("mau_trend_3m", "Trend", "usage", 1.0, -0.5, 0.0),
        ),
    )


def _inputs(n, **kw):
    base = {
        "account_id": np.arange(1, n + 1, dtype=np.int64),
        "raw": {"utilisation": np.full(n, 0.9), "mau_trend_3m": np.full(n, 0.0)},
        "open_escalations": np.zeros(n),
        "poc_days": np.full(n, NAN),
        "poc_unavailable": np.zeros(n, bool),
        "days_past_due": np.full(n, NAN),
        "organic": np.zeros(n, bool),
    }
    base.update(kw)
    return MeasureInputs(**base)


def _reasons(inputs):
    card = _card()
    return band_reasons(card, inputs, score_book(card, inputs))


def test_a_reason_for_every_rule():
    inputs = _inputs(
        7,
        raw={
            "utilisation": np.array([0.9, 0.9, 0.9, 0.9, 0.9, NAN, 0.2]),
            "mau_trend_3m": np.array([0.0, 0.0, 0.0, 0.0, 0.0, NAN, -0.21]),
        },
        open_escalations=np.array([1.0, 0, 0, 0, 0, 0, 0]),
        esc_key=np.array(["SUP-1", None, None, None, None, None, None], object),
        esc_day=np.array([float(day_number(date(2025, 10, 2))), NAN, NAN, NAN, NAN, NAN, NAN]),
        poc_days=np.array([NAN, 370.0, NAN, NAN, NAN, NAN, NAN]),
        poc_name=np.array([None, "Olivia Lee", "Al Bo", None, None, None, None], object),
        poc_unavailable=np.array([False, False, True, True, False, False, False]),
        poc_status=np.array([None, None, "on leave", None, None, None, None], object),
        days_past_due=np.array([NAN, NAN, NAN, NAN, 12.0, NAN, NAN]),
    )
    assert _reasons(inputs) == [
        "Escalation: open escalation SUP-1 since 2025-10-02",
        "Undefined: main POC Olivia Lee last replied 370 days ago (rule: more than 90)",
        "Undefined: main POC Al Bo is on leave",
        "Undefined: no main POC in the contacts export",
        "Undefined: past due 12 days (rule: at least 1)",
        "Undefined: nothing to score this account on",
        # util 20 pts and trend 58 pts: util loses 40 of its 50, the trend 21.
        "Risky/Unstable: score 39 < 70; biggest drag: seat utilisation 20 %",
    ]


def test_reasons_say_what_was_not_imported():
    inputs = _inputs(
        3,
        raw={
            "utilisation": np.array([0.9, NAN, 0.1]),
            "mau_trend_3m": np.array([0.0, NAN, 0.0]),
        },
        open_escalations=np.zeros(3),
        not_imported=("POC reply dates", "tickets"),
    )
    assert _reasons(inputs) == [
        "Healthy/Stable: score 95 ≥ 70"
        " (POC reply dates not imported: unresponsiveness not checked)",
        "Undefined: nothing to score this account on (POC reply dates, tickets not imported)",
        "Risky/Unstable: score 55 < 70; biggest drag: seat utilisation 10 %"
        " (POC reply dates not imported: unresponsiveness not checked)",
    ]


def test_escalation_reason_counts_the_others():
    inputs = _inputs(1, open_escalations=np.array([3.0]))
    assert _reasons(inputs) == ["Escalation: open escalation case (+2 more)"]


def test_biggest_drag_is_none_when_nothing_is_lost():
    card = _card()
    inputs = _inputs(2, raw={"utilisation": np.array([1.0, 0.5]), "mau_trend_3m": np.zeros(2)})
    col, cost = biggest_drag(score_book(card, inputs))
    assert col.tolist() == [-1, 0]
    assert cost.tolist() == pytest.approx([0.0, 25.0])


def test_biggest_drag_of_some_rows_is_theirs_of_the_whole():
    """``band_reasons`` asks only for the accounts that are not healthy."""
    rng = np.random.default_rng(7)
    raw = {"utilisation": rng.uniform(0, 1, 40), "mau_trend_3m": rng.uniform(-1, 1, 40)}
    raw["utilisation"][::5] = NAN
    result = score_book(_card(), _inputs(40, raw=raw))
    col, cost = biggest_drag(result)
    rows = np.array([3, 0, 17, 39, 5, 5])
    some_col, some_cost = biggest_drag(result, rows)
    assert some_col.tolist() == col[rows].tolist()
    assert some_cost.tolist() == cost[rows].tolist()
    assert biggest_drag(result, np.empty(0, dtype=np.intp))[0].shape == (0,)


# ------------------------------------------------------------------- fitted scorecard


def test_thresholds_are_the_5th_and_95th_percentiles():
    assert thresholds(np.arange(101, dtype=float), "linear") == (5.0, 95.0)
    assert thresholds(np.array([3.0, 3.0, 3.0]), "linear") is None  # does not vary
    assert thresholds(np.array([3.0, NAN]), "linear") is None  # one value
    lo, hi = thresholds(np.array([0.0, 9.0, 99.0, 999.0] * 10), "log")
    assert (lo, hi) == (0.0, 999.0)
    assert from_axis(2.0, "log") == 99.0
    assert from_axis(2.0, "linear") == 2.0


def _candidates():
    return [
        Candidate("utilisation", "Util", "usage", "Usage", "linear"),
        Candidate("open_tickets", "Tickets", "support", "Support", "linear"),
        Candidate("nps_latest", "NPS", "nps", "NPS", "linear"),
    ]


def test_card_from_coefficients_by_hand():
    base = Scorecard("base", (), ())
    card = card_from_coefficients(
        "fit",
        _candidates(),
        coef=np.array([-2.0, 1.0, -0.01]),
        spread=np.array([1.0, 2.0, 1.0]),
        limits=[(0.0, 1.0), (0.0, 6.0), (0.0, 1.0)],
        bands=BandRules(healthy_min_score=65.0),
        base=base,
    )
    # Raw weights |b| * span / std: 2 * 1 / 1 = 2, 1 * 6 / 2 = 3, 0.01: NPS under 2 % is dropped.
    assert [m.id for m in card.measures] == ["utilisation", "open_tickets"]
    assert [m.weight for m in card.measures] == [40.0, 60.0]
    assert [m.invert for m in card.measures] == [False, True]  # more tickets, more churn
    assert [(g.id, g.label, g.weight) for g in card.groups] == [
        ("usage", "Usage", 40.0),
        ("support", "Support", 60.0),
    ]
    assert card.name == "fit"
    assert card.bands.healthy_min_score == 65.0
    assert effective_weights(card) == {"utilisation": 40.0, "open_tickets": 60.0}
    with pytest.raises(ValueError, match="no measure carries information"):
        card_from_coefficients(
            "x",
            _candidates(),
            np.zeros(3),
            np.ones(3),
            [(0.0, 1.0)] * 3,
            BandRules(),
            base,
        )


def test_group_weights_round_to_a_tenth_and_sum_to_100():
    base = Scorecard("base", (), ())
    card = card_from_coefficients(
        "fit",
        _candidates(),
        coef=np.array([1.0, 1.0, 1.0]),
        spread=np.ones(3),
        limits=[(0.0, 1.0)] * 3,
        bands=BandRules(),
        base=base,
    )
    weights = [g.weight for g in card.groups]
    assert weights == [33.4, 33.3, 33.3]  # the rounding rest goes to the biggest
    assert sum(weights) == pytest.approx(100.0)
    assert [m.weight for m in card.measures] == [33.33, 33.33, 33.33]


def test_effective_weights_share_a_group():
    card = Scorecard(
        "t",
        (Group("usage", "Usage", 80.0), Group("nps", "NPS", 20.0)),
        (
            Measure("utilisation", "U", "usage", 3.0, 0.0, 1.0),
            Measure("mau_latest", "M", "usage", 1.0, 0.0, 1.0),
            Measure("nps_latest", "N", "nps", 0.0, 0.0, 10.0),
        ),
    )
    assert effective_weights(card) == {"utilisation": 60.0, "mau_latest": 20.0}


def test_bootstrap_defaults_and_the_rounding_of_the_estimate():
    rng = np.random.default_rng(11)
    risk = rng.random(120)
    y = rng.random(120) < risk
    cluster = np.arange(120)
    points, samples = bootstrap_aucs([risk], y, cluster)
    again, same = bootstrap_aucs([risk], y, cluster, reps=200, seed=0)
    assert samples.shape == (1, 200)
    assert np.array_equal(samples, same)
    assert points == again
    assert points[0] is not None
    assert round(points[0], 3) != round(points[0], 4)  # the fourth decimal matters here
    assert estimate(risk, y, cluster).auc == round(points[0], 4)


def test_biggest_drag_without_measures_and_for_a_small_loss():
    empty = Scorecard("t", (Group("usage", "Usage", 100.0),), ())
    col, cost = biggest_drag(score_book(empty, _inputs(2)))
    assert col.tolist() == [-1, -1]
    assert cost.tolist() == [0.0, 0.0]
    # A loss under one point still names its measure.
    inputs = _inputs(1, raw={"utilisation": np.array([0.99]), "mau_trend_3m": np.array([0.0])})
    col, cost = biggest_drag(score_book(_card(), inputs))
    assert col.tolist() == [0]
    assert cost.tolist() == pytest.approx([0.5])


def test_fit_direction_flat_candidates_and_unknown_groups():
    base = Scorecard("base", (), ())
    card = card_from_coefficients(
        "fit",
        _candidates()[:2],
        coef=np.array([-0.5, 0.5]),
        spread=np.array([0.0, 1.0]),  # no spread: divide by 1, not by 0
        limits=[(0.0, 1.0), (0.0, 3.0)],
        bands=BandRules(),
        base=base,
    )
    # Raw weights 0.5 * 1 / 1 and 0.5 * 3 / 1: a quarter and three quarters.
    assert [m.weight for m in card.measures] == [25.0, 75.0]
    assert [m.invert for m in card.measures] == [False, True]  # only a positive b inverts
    stray = Scorecard(
        "t",
        (Group("usage", "Usage", 100.0),),
        (
            Measure("utilisation", "U", "usage", 1.0, 0.0, 1.0),
            Measure("nps_latest", "N", "elsewhere", 1.0, 0.0, 10.0),
        ),
    )
    assert effective_weights(stray) == {"utilisation": 100.0, "nps_latest": 0.0}
