"""domain.health pinned by hand: stored rule codes, points, weights, bands and explanations."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.domain.accounts import HealthBand
from desktop_app.domain.health import (
    BandRule,
    MeasureInputs,
    explain,
    linear_points,
    log1p10,
    measure_points,
    score_book,
)
from desktop_app.domain.scorecard import Group, Measure, Scorecard

NAN = np.nan


def test_band_rule_codes_are_stored_and_never_renumbered():
    assert {r.name: r.value for r in BandRule} == {
        "ESCALATION": 0,
        "POC_SILENT": 1,
        "POC_STATUS": 2,
        "NO_POC": 3,
        "PAST_DUE": 4,
        "NO_DATA": 5,
        "HEALTHY": 6,
        "RISKY": 7,
    }


def test_linear_and_log_points():
    raw = np.array([-1.0, 0.0, 2.5, 10.0, 11.0, NAN])
    assert linear_points(raw, 0.0, 10.0, False).tolist() == pytest.approx(
        [0.0, 0.0, 25.0, 100.0, 100.0, NAN], nan_ok=True
    )
    assert linear_points(raw, 0.0, 10.0, True).tolist() == pytest.approx(
        [100.0, 100.0, 75.0, 0.0, 0.0, NAN], nan_ok=True
    )
    assert log1p10(np.array([9.0, 99.0, -5.0])).tolist() == pytest.approx([1.0, 2.0, 0.0])
    m = Measure("open_tickets", "T", "g", 1.0, 0.0, 99.0, scale="log")
    # log10(1 + 9) = 1 of log10(1 + 99) = 2: half-way.
    assert measure_points(m, np.array([9.0, 0.0, 99.0])).tolist() == pytest.approx(
        [50.0, 0.0, 100.0]
    )


def _card() -> Scorecard:
    return Scorecard(
        "t",
        (Group("usage", "Usage", 75.0), Group("nps", "NPS", 25.0)),
        (
            Measure("utilisation", "Util", "usage", 3.0, 0.0, 1.0),
            Measure("open_tickets", "Tickets", "usage", 1.0, 0.0, 4.0, invert=True),
            Measure("nps_latest", "NPS", "nps", 1.0, 0.0, 10.0),
            Measure("engaged_contacts", "Engaged", "nps", 0.0, 0.0, 5.0),
        ),
    )


def _inputs(util, tickets, nps, engaged, **kw):
    n = len(util)
    base = {
        "account_id": np.arange(10, 10 + n, dtype=np.int64),
        "raw": {
            "utilisation": np.array(util, float),
            "open_tickets": np.array(tickets, float),
            "nps_latest": np.array(nps, float),
            "engaged_contacts": np.array(engaged, float),
        },
        "open_escalations": np.zeros(n),
        "poc_days": np.full(n, NAN),
        "poc_unavailable": np.zeros(n, bool),
        "days_past_due": np.full(n, NAN),
        "organic": np.zeros(n, bool),
    }
    base.update(kw)
    return MeasureInputs(**base)


def test_scores_weights_and_contributions_by_hand():
    r = score_book(_card(), _inputs([0.5, NAN], [2.0, 0.0], [8.0, NAN], [5.0, 5.0]))
    # Row 0: util 50 pts x 75 * 3/4 = 56.25 %; tickets 50 pts x 18.75 %; NPS 80 pts x 25 %.
    assert r.weight[0].tolist() == pytest.approx([56.25, 18.75, 25.0, 0.0])
    assert r.contribution[0].tolist() == pytest.approx([28.125, 9.375, 20.0, 0.0])
    assert r.score[0] == pytest.approx(57.5)
    # Row 1: only tickets is present (weight 0 measures never count): all the weight on it.
    assert r.weight[1].tolist() == pytest.approx([0.0, 100.0, 0.0, 0.0])
    assert r.score[1] == pytest.approx(100.0)
    assert r.confidence.tolist() == [3, 1]
    assert r.index_of(11) == 1
    assert r.index_of(99) is None


def test_explanation_by_hand():
    r = score_book(_card(), _inputs([0.5], [2.0], [8.0], [1.0]))
    ex = explain(r, 0)
    assert ex.account_id == 10
    assert [ln.measure for ln in ex.lines] == [
        "utilisation",
        "open_tickets",
        "nps_latest",
        "engaged_contacts",
    ]
    assert [ln.lost for ln in ex.lines] == pytest.approx([28.125, 9.375, 5.0, 0.0])
    assert ex.dragging == "utilisation"
    assert ex.dragging_line is not None
    assert ex.dragging_line.points == pytest.approx(50.0)
    assert ex.band is HealthBand.RISKY
    full = explain(score_book(_card(), _inputs([1.0], [0.0], [10.0], [1.0])), 0)
    assert full.score == pytest.approx(100.0)
    assert full.dragging is None
    assert full.dragging_line is None
    assert full.band is HealthBand.HEALTHY


@pytest.mark.parametrize(
    ("kw", "band", "rule"),
    [
        ({"open_escalations": np.array([0.4])}, HealthBand.ESCALATION, BandRule.ESCALATION),
        ({"open_escalations": np.array([0.0])}, HealthBand.HEALTHY, BandRule.HEALTHY),
        ({"poc_days": np.array([90.0])}, HealthBand.HEALTHY, BandRule.HEALTHY),
        ({"poc_days": np.array([90.5])}, HealthBand.UNDEFINED, BandRule.POC_SILENT),
        ({"days_past_due": np.array([1.0])}, HealthBand.UNDEFINED, BandRule.PAST_DUE),
        ({"days_past_due": np.array([0.5])}, HealthBand.HEALTHY, BandRule.HEALTHY),
        ({"poc_unavailable": np.array([True])}, HealthBand.UNDEFINED, BandRule.NO_POC),
        (
            {"poc_unavailable": np.array([True]), "poc_status": np.array(["on leave"], object)},
            HealthBand.UNDEFINED,
            BandRule.POC_STATUS,
        ),
    ],
)
def test_band_thresholds(kw, band, rule):
    r = score_book(_card(), _inputs([1.0], [0.0], [10.0], [1.0], **kw))
    assert r.band.tolist() == [band.value]
    assert r.band_rule is not None
    assert r.band_rule.tolist() == [rule]


def test_healthy_from_70_points():
    # Util carries 75 % of the weight on its own (the other measures missing or at 0 weight).
    r = score_book(_card(), _inputs([0.7, 0.69], [NAN, NAN], [NAN, NAN], [NAN, NAN]))
    assert r.score.tolist() == pytest.approx([70.0, 69.0])
    assert r.band.tolist() == [HealthBand.HEALTHY.value, HealthBand.RISKY.value]
