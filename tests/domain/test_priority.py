"""The renewal priority: each factor's direction, zero weights, contributions, next steps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from desktop_app.domain.priority import (
    DEFAULT_WEIGHTS,
    FACTORS,
    PriorityInputs,
    PriorityWeights,
    factor_reasons,
    next_step,
    priority_scores,
    ranking,
)


def _inputs(n: int = 2, **over: object) -> PriorityInputs:
    base = {
        "health": np.full(n, 70.0),
        "arr": np.full(n, 50_000.0),
        "days_to_renewal": np.full(n, 60.0),
        "escalations": np.zeros(n, dtype=np.int64),
        "nps": np.full(n, 9.0),
        "days_since_reply": np.full(n, 10.0),
        "upsell": np.zeros(n, dtype=np.bool_),
    }
    base.update(over)
    return PriorityInputs(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("escalations", np.array([0, 1])),
        ("nps", np.array([9.0, 3.0])),
        ("health", np.array([80.0, 30.0])),
        ("arr", np.array([10_000.0, 200_000.0])),
        ("days_to_renewal", np.array([150.0, 10.0])),
        ("days_since_reply", np.array([10.0, 150.0])),
        ("upsell", np.array([False, True])),
    ],
)
def test_each_factor_raises_priority(field, values):
    score, _ = priority_scores(_inputs(**{field: values}))
    assert score[1] > score[0]


def test_zero_weight_removes_factor():
    inp = _inputs(escalations=np.array([0, 3]), nps=np.array([9.0, 0.0]))
    w = DEFAULT_WEIGHTS.with_weight("escalation", 0).with_weight("detractor", 0)
    score, contrib = priority_scores(inp, w)
    assert score[0] == pytest.approx(score[1])
    assert contrib["escalation"].tolist() == [0.0, 0.0]
    assert priority_scores(inp)[0][1] > priority_scores(inp)[0][0] + 20


def test_contributions_add_up_and_range():
    rng = np.random.default_rng(1)
    n = 200
    inp = PriorityInputs(
        health=np.where(rng.random(n) < 0.1, np.nan, rng.uniform(0, 100, n)),
        arr=rng.uniform(0, 500_000, n),
        days_to_renewal=rng.uniform(-30, 180, n),
        escalations=rng.integers(0, 3, n),
        nps=np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 11, n).astype(float)),
        days_since_reply=np.where(rng.random(n) < 0.2, np.nan, rng.uniform(0, 400, n)),
        upsell=rng.random(n) < 0.2,
    )
    score, contrib = priority_scores(inp)
    total = sum(contrib[f] for f in FACTORS)
    np.testing.assert_allclose(score, total)
    assert score.min() >= 0
    assert score.max() <= 100
    # With the defaults (summing to 100) a factor adds at most its weight.
    for f in FACTORS:
        assert contrib[f].max() <= DEFAULT_WEIGHTS.weight(f) + 1e-9


def test_all_weights_zero_gives_zero():
    w = PriorityWeights(**dict.fromkeys(FACTORS, 0.0))
    score, _ = priority_scores(_inputs(3), w)
    assert score.tolist() == [0.0, 0.0, 0.0]


def test_max_case_is_100_and_missing_facts_are_neutral():
    inp = _inputs(
        1,
        health=np.array([0.0]),
        days_to_renewal=np.array([-5.0]),
        escalations=np.array([2]),
        nps=np.array([1.0]),
        days_since_reply=np.array([500.0]),
        upsell=np.array([True]),
    )
    assert priority_scores(inp)[0][0] == pytest.approx(100.0)
    unknown = _inputs(1, nps=np.array([np.nan]), days_since_reply=np.array([np.nan]))
    _, contrib = priority_scores(unknown)
    assert contrib["detractor"][0] == 0
    assert contrib["silence"][0] == 0


def test_explain_lists_biggest_first_with_facts():
    inp = _inputs(escalations=np.array([0, 2]), nps=np.array([9.0, 4.0]))
    _, contrib = priority_scores(inp)
    reasons = factor_reasons(inp, contrib, 1)
    points = [r.points for r in reasons]
    assert points == sorted(points, reverse=True)
    by = {r.factor: r for r in reasons}
    assert by["escalation"].text == "2 open escalation(s)"
    assert by["detractor"].text == "NPS 4"
    assert "escalation" not in {r.factor for r in factor_reasons(inp, contrib, 0)}


def test_next_step_order():
    inp = _inputs(
        5,
        escalations=np.array([1, 0, 0, 0, 0]),
        health=np.array([20.0, 20.0, 70.0, 70.0, 70.0]),
        days_since_reply=np.array([10.0, 10.0, 120.0, 10.0, 10.0]),
        upsell=np.array([True, True, True, True, False]),
    )
    assert [next_step(inp, i) for i in range(5)] == [
        "Rescue plan: open escalation",
        "Rescue plan: health 20",
        "Re-engage the admin: no reply for 120 days",
        "Propose the upsell",
        "Confirm the renewal",
    ]


def test_ranking_ties_go_to_sooner_renewal():
    order = ranking(np.array([50.0, 70.0, 50.0]), np.array([40.0, 90.0, 10.0]))
    assert order.tolist() == [1, 2, 0]


def test_weights_round_trip():
    w = replace(DEFAULT_WEIGHTS, arr=3.0)
    assert PriorityWeights.from_dict({**w.as_dict(), "bogus": 1.0}) == w
    assert DEFAULT_WEIGHTS.with_weight("upsell", -4).upsell == 0.0
    with pytest.raises(KeyError):
        DEFAULT_WEIGHTS.with_weight("horizon", 1)
    assert sum(DEFAULT_WEIGHTS.weight(f) for f in FACTORS) == 100
