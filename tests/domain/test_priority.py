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


# ------------------------------------------------------------- boundaries of the next step
# Each rule is pinned at its threshold and one step either side: health below 40 is a
# rescue (40 itself is not), NPS 6 is a detractor (7 is not), a main contact silent for
# exactly ``quiet_days`` needs re-engaging (one day less does not).


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"escalations": np.array([2])}, "Rescue plan: open escalation (2)"),
        ({"escalations": np.array([1])}, "Rescue plan: open escalation"),
        ({"health": np.array([39.0])}, "Rescue plan: health 39"),
        ({"health": np.array([40.0])}, "Confirm the renewal"),
        ({"health": np.array([np.nan])}, "Confirm the renewal"),
        ({"nps": np.array([6.0])}, "Call the detractor: NPS 6"),
        ({"nps": np.array([7.0])}, "Confirm the renewal"),
        ({"days_since_reply": np.array([90.0])}, "Re-engage the admin: no reply for 90 days"),
        ({"days_since_reply": np.array([89.0])}, "Confirm the renewal"),
        ({"upsell": np.array([True])}, "Propose the upsell"),
    ],
)
def test_next_step_thresholds(over, expected):
    assert next_step(_inputs(1, **over), 0) == expected


def test_next_step_quiet_days_is_a_parameter():
    inp = _inputs(1, days_since_reply=np.array([45.0]))
    assert next_step(inp, 0, quiet_days=45.0) == "Re-engage the admin: no reply for 45 days"
    assert next_step(inp, 0, quiet_days=46.0) == "Confirm the renewal"


def test_next_step_the_most_urgent_fact_wins():
    # Health 39, a detractor and a silent admin: the low health decides.
    inp = _inputs(
        1,
        health=np.array([39.0]),
        nps=np.array([2.0]),
        days_since_reply=np.array([200.0]),
        upsell=np.array([True]),
    )
    assert next_step(inp, 0) == "Rescue plan: health 39"
    # A detractor beats a silent admin, who beats the upsell.
    inp = _inputs(1, nps=np.array([2.0]), days_since_reply=np.array([200.0]))
    assert next_step(inp, 0) == "Call the detractor: NPS 2"


# ------------------------------------------------------------- factor values, hand-computed


def test_factor_values_by_hand():
    inp = _inputs(
        3,
        health=np.array([30.0, np.nan, 100.0]),
        arr=np.array([25_000.0, 100_000.0, np.nan]),
        days_to_renewal=np.array([45.0, -10.0, np.nan]),
        escalations=np.array([0, 3, 0]),
        nps=np.array([6.0, 7.0, np.nan]),
        days_since_reply=np.array([75.0, 30.0, 200.0]),
        upsell=np.array([False, True, False]),
    )
    score, contrib = priority_scores(inp)
    # health: (100-30)/100 = 0.7 * 25 = 17.5; unknown 0.5 * 25 = 12.5; 100 -> 0
    assert contrib["health"].tolist() == pytest.approx([17.5, 12.5, 0.0])
    # ARR: sqrt(25k / 100k) = 0.5 * 20 = 10; 1.0 * 20; missing 0
    assert contrib["arr"].tolist() == pytest.approx([10.0, 20.0, 0.0])
    # renewal: 1 - 45/180 = 0.75 * 20 = 15; overdue 1.0 * 20; unknown 0
    assert contrib["renewal"].tolist() == pytest.approx([15.0, 20.0, 0.0])
    assert contrib["escalation"].tolist() == [0.0, 15.0, 0.0]
    assert contrib["detractor"].tolist() == [10.0, 0.0, 0.0]
    # silence: (75 - 30) / 90 = 0.5 * 5 = 2.5; 30 days -> 0; past 120 days -> 1 * 5
    assert contrib["silence"].tolist() == pytest.approx([2.5, 0.0, 5.0])
    assert contrib["upsell"].tolist() == [0.0, 5.0, 0.0]
    assert score.tolist() == pytest.approx([55.0, 72.5, 5.0])


def test_factor_reasons_leave_out_factors_under_min_points():
    inp = _inputs(1, health=np.array([96.0]), nps=np.array([6.0]))
    _, contrib = priority_scores(inp)
    # health adds 4 * 25 / 100 = 1.0 point: kept at the default 1.0, dropped at 1.5.
    assert "health" in {r.factor for r in factor_reasons(inp, contrib, 0)}
    assert "health" not in {r.factor for r in factor_reasons(inp, contrib, 0, min_points=1.5)}


def test_factor_texts():
    inp = _inputs(
        2,
        health=np.array([np.nan, 33.0]),
        days_to_renewal=np.array([-12.0, 20.0]),
        days_since_reply=np.array([140.0, 140.0]),
        upsell=np.array([True, True]),
        arr=np.array([1234567.0, 10.0]),
    )
    _, contrib = priority_scores(inp)
    texts = [{r.factor: r.text for r in factor_reasons(inp, contrib, i)} for i in (0, 1)]
    assert texts[0]["health"] == "no health score"
    assert texts[1]["health"] == "health 33"
    assert texts[0]["renewal"] == "renewal overdue by 12 d"
    assert texts[1]["renewal"] == "renews in 20 d"
    assert texts[0]["silence"] == "no reply for 140 d"
    assert texts[0]["upsell"] == "open upsell opportunity"
    assert texts[0]["arr"] == "ARR $1,234,567"  # the one money format


def test_arr_factor_without_any_arr_is_zero():
    inp = _inputs(2, arr=np.array([0.0, np.nan]))
    _, contrib = priority_scores(inp)
    assert contrib["arr"].tolist() == [0.0, 0.0]
    empty = _inputs(0)
    score, contrib = priority_scores(empty)
    assert score.shape == (0,)
    assert contrib["arr"].shape == (0,)
