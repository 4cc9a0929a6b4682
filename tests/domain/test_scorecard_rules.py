"""Scorecard defaults, validation limits and the JSON form's defaults, pinned."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desktop_app.domain.scorecard import (
    BandRules,
    Group,
    Measure,
    Scorecard,
    ScoreParams,
    scorecard_from_dict,
    scorecard_to_dict,
    validate_scorecard,
)


def _card(**bands: float) -> Scorecard:
    return Scorecard(
        "t",
        (Group("usage", "Usage", 100.0), Group("spare", "Spare", 0.0)),
        (Measure("utilisation", "Util", "usage", 1.0, 0.0, 1.0),),
        bands=replace(BandRules(), **bands),
    )


def test_documented_defaults():
    assert ScoreParams() == ScoreParams(
        old_ticket_days=30.0, auto_close_days=5.0, engaged_window_days=90.0, nps_max_age_days=540.0
    )
    b = BandRules()
    assert (b.healthy_min_score, b.unresponsive_days, b.past_due_min_days) == (70.0, 90.0, 1.0)
    assert b.unavailable_poc_statuses == ("terminated", "on leave", "unknown")


def test_a_zero_weight_group_without_measures_is_valid():
    assert validate_scorecard(_card()) == []


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        ({"healthy_min_score": 0.0}, None),
        ({"healthy_min_score": 100.0}, None),
        ({"healthy_min_score": 100.5}, "The healthy minimum score must be between 0 and 100."),
        ({"healthy_min_score": -0.5}, "The healthy minimum score must be between 0 and 100."),
        ({"unresponsive_days": 0.5}, None),
        ({"unresponsive_days": 0.0}, "Unresponsive days must be more than 0."),
        ({"past_due_min_days": 0.5}, None),
        ({"past_due_min_days": 0.0}, "Past-due days must be more than 0."),
    ],
)
def test_band_limits(bands, problem):
    assert validate_scorecard(_card(**bands)) == ([] if problem is None else [problem])


def test_weights_and_ranges():
    neg_group = replace(
        _card(), groups=(Group("usage", "Usage", 101.0), Group("spare", "Spare", -1.0))
    )
    assert validate_scorecard(neg_group) == ["Group 'Spare' has a negative weight."]
    off = replace(_card(), groups=(Group("usage", "Usage", 99.0), Group("spare", "Spare", 0.0)))
    assert validate_scorecard(off) == ["Group weights must sum to 100 (they sum to 99)."]
    flat = _card().with_measure("utilisation", low=1.0, high=1.0)
    assert validate_scorecard(flat) == ["Measure 'Util': 'high' must be greater than 'low'."]
    log = _card().with_measure("utilisation", scale="log", low=0.0)
    assert validate_scorecard(log) == []
    log_neg = _card().with_measure("utilisation", scale="log", low=-1.0)
    assert validate_scorecard(log_neg) == ["Measure 'Util': a log-scale measure needs 'low' >= 0."]
    unweighted = _card().with_measure("utilisation", weight=0.0)
    assert validate_scorecard(unweighted) == ["Group 'Usage' has weight but no weighted measure."]
    negative = _card().with_measure("utilisation", weight=-1.0)
    assert "Measure 'Util' has a negative weight." in validate_scorecard(negative)


def test_json_defaults_fill_what_is_left_out():
    card = scorecard_from_dict(
        {
            "groups": [{"id": "usage", "weight": 100}],
            "measures": [{"id": "utilisation", "group": "usage", "low": 0, "high": 1}],
        }
    )
    assert card.name == "Scorecard"
    m = card.measures[0]
    assert (m.label, m.weight, m.invert, m.scale) == ("utilisation", 1.0, False, "linear")
    assert card.groups[0].label == "usage"
    assert card.params == ScoreParams()
    assert card.bands == BandRules()
    assert scorecard_from_dict(scorecard_to_dict(card)) == card


def test_json_bands_and_params_are_read():
    card = scorecard_from_dict(
        {
            "groups": [],
            "measures": [],
            "params": {"old_ticket_days": "14", "bogus": 1},
            "bands": {"healthy_min_score": 60, "unavailable_poc_statuses": ["Gone"]},
        }
    )
    assert card.params.old_ticket_days == 14.0
    assert card.bands.healthy_min_score == 60.0
    assert card.bands.unavailable_poc_statuses == ("gone",)
