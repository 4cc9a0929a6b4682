from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from desktop_app.domain.accounts import HealthBand
from desktop_app.domain.health import (
    MeasureInputs,
    biggest_movers,
    explain,
    linear_points,
    score_book,
    trend_arrow,
)
from desktop_app.domain.scorecard import (
    Group,
    Measure,
    Scorecard,
    ScorecardError,
    scorecard_from_dict,
    scorecard_to_dict,
    validate_scorecard,
)

NAN = np.nan


def card() -> Scorecard:
    return Scorecard(
        name="t",
        groups=(Group("usage", "Usage", 60), Group("nps", "NPS", 40)),
        measures=(
            Measure("utilisation", "Util", "usage", 1, 0.0, 1.0),
            Measure("open_tickets", "Tickets", "usage", 1, 0.0, 4.0, invert=True),
            Measure("nps_latest", "NPS", "nps", 1, 0.0, 10.0),
        ),
    )


def inputs(util, tickets, nps, esc=None, poc=None, unavail=None, dpd=None) -> MeasureInputs:
    n = len(util)
    f = lambda v, d: np.array(v if v is not None else [d] * n, dtype=float)  # noqa: E731
    return MeasureInputs(
        account_id=np.arange(1, n + 1, dtype=np.int64),
        raw={"utilisation": f(util, 0), "open_tickets": f(tickets, 0), "nps_latest": f(nps, 0)},
        open_escalations=f(esc, 0),
        poc_days=f(poc, NAN),
        poc_unavailable=np.array(unavail if unavail is not None else [False] * n),
        days_past_due=f(dpd, NAN),
        organic=np.zeros(n, dtype=bool),
    )


def test_linear_points_clamps_and_inverts():
    raw = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, NAN])
    np.testing.assert_allclose(linear_points(raw, 0, 1, False)[:5], [0, 0, 50, 100, 100])
    np.testing.assert_allclose(linear_points(raw, 0, 1, True)[:5], [100, 100, 50, 0, 0])
    assert np.isnan(linear_points(raw, 0, 1, False)[5])


def test_full_score_is_weighted_sum():
    r = score_book(card(), inputs([0.5], [0], [10]))
    # usage: (50 + 100)/2 = 75 at 60 %, nps 100 at 40 % -> 85
    assert r.score[0] == pytest.approx(85.0)
    assert r.confidence[0] == 3
    assert r.weight[0].sum() == pytest.approx(100.0)
    assert r.contribution[0].sum() == pytest.approx(r.score[0])


def test_missing_measure_redistributes_within_group_and_across_groups():
    r = score_book(card(), inputs([1.0, 1.0], [NAN, 4], [NAN, NAN]))
    # account 1: only utilisation present -> takes all weight
    assert r.score[0] == pytest.approx(100.0)
    assert r.confidence[0] == 1
    assert r.weight[0, 0] == pytest.approx(100.0)
    # account 2: utilisation 100, tickets 0 points, nps missing -> usage group gets 100 %
    assert r.score[1] == pytest.approx(50.0)
    assert r.weight[1, 2] == 0.0


def test_no_measures_is_undefined_with_zero_confidence():
    r = score_book(card(), inputs([NAN], [NAN], [NAN]))
    assert np.isnan(r.score[0])
    assert r.confidence[0] == 0
    assert r.band[0] == HealthBand.UNDEFINED.value


def test_band_rules_in_sop_order():
    r = score_book(
        card(),
        inputs(
            util=[1, 1, 1, 1, 1, 0],
            tickets=[0, 0, 0, 0, 0, 4],
            nps=[10, 10, 10, 10, 10, 0],
            esc=[1, 0, 0, 0, 0, 0],
            poc=[200, 200, 10, 10, 10, 10],
            unavail=[False, False, True, False, False, False],
            dpd=[0, 0, 0, 30, 0, 0],
        ),
    )
    assert list(r.band) == [
        "Escalation",  # escalation beats unresponsive
        "Undefined",  # POC silent 200 days
        "Undefined",  # POC terminated / on leave
        "Undefined",  # past due
        "Healthy/Stable",
        "Risky/Unstable",
    ]


def test_healthy_threshold_is_configurable():
    c = card()
    low = replace(c, bands=replace(c.bands, healthy_min_score=50))
    high = replace(c, bands=replace(c.bands, healthy_min_score=90))
    i = inputs([0.5], [0], [10])
    assert score_book(low, i).band[0] == "Healthy/Stable"
    assert score_book(high, i).band[0] == "Risky/Unstable"


def test_explain_names_the_measure_dragging_it_down():
    r = score_book(card(), inputs([1.0], [4], [9]))
    ex = explain(r, 0)
    assert ex.dragging == "open_tickets"
    line = ex.dragging_line
    assert line is not None
    assert line.points == 0.0
    assert line.raw == 4.0
    assert sum(ln.contribution for ln in ex.lines) == pytest.approx(ex.score)


def test_scorecard_round_trip_and_validation():
    c = card()
    assert scorecard_from_dict(scorecard_to_dict(c)) == c
    assert validate_scorecard(c) == []
    bad = c.with_group_weight("usage", 50)
    assert any("sum to 100" in p for p in validate_scorecard(bad))
    flipped = c.with_measure("utilisation", low=2.0, high=1.0)
    assert validate_scorecard(flipped)
    with pytest.raises(ScorecardError):
        scorecard_from_dict({"groups": [{"id": "x"}], "measures": []})


def test_trend_arrow_and_movers():
    assert trend_arrow(50, 60) == "↑"
    assert trend_arrow(60, 50) == "↓"
    assert trend_arrow(50, 51) == "→"
    assert trend_arrow(None, 50) == "→"
    movers = biggest_movers({"a": 10, "b": 5, "c": 1}, {"a": 2, "b": 6, "d": 3})
    assert movers[0] == ("a", -8)
    assert ("d", 3) in movers


# ------------------------------------------------------------- trend tolerance, pinned
# A move of exactly ``tolerance`` points is flat; anything beyond is an arrow.


@pytest.mark.parametrize(
    ("previous", "current", "arrow"),
    [
        (50.0, 52.0, "→"),
        (50.0, 52.01, "↑"),
        (50.0, 48.0, "→"),
        (50.0, 47.99, "↓"),
        (50.0, 50.0, "→"),
        (50.0, None, "→"),
        (None, None, "→"),
    ],
)
def test_trend_arrow_tolerance_is_two_points(previous, current, arrow):
    assert trend_arrow(previous, current) == arrow


def test_trend_arrow_tolerance_is_a_parameter():
    assert trend_arrow(50.0, 55.0, tolerance=5.0) == "→"
    assert trend_arrow(50.0, 55.5, tolerance=5.0) == "↑"
    assert trend_arrow(50.0, 50.5, tolerance=0.0) == "↑"
    assert trend_arrow(50.5, 50.0, tolerance=0.0) == "↓"


def test_biggest_movers_by_hand():
    before = {"a": 10.0, "b": 5.0, "c": 1.0, "same": 4.0}
    after = {"a": 2.0, "b": 6.0, "d": 3.0, "same": 4.0}
    # a -8, c -1 (gone), d +3 (new), b +1; unchanged measures are left out; ties by name.
    assert biggest_movers(before, after) == [("a", -8.0), ("d", 3.0), ("b", 1.0)]
    assert biggest_movers(before, after, top=5) == [
        ("a", -8.0),
        ("d", 3.0),
        ("b", 1.0),
        ("c", -1.0),
    ]
    assert biggest_movers({"x": 1.0}, {"x": 1.0 + 1e-12}) == []
