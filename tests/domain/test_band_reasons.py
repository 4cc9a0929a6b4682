"""Every band says why: one test per rule, with its evidence, and missing data said as such."""

from __future__ import annotations

from datetime import date

import numpy as np

from desktop_app.domain.band_reasons import band_reasons, format_measure
from desktop_app.domain.churn import day_number
from desktop_app.domain.health import BandRule, MeasureInputs, score_book
from desktop_app.domain.scorecard import BandRules, Group, Measure, Scorecard

NAN = np.nan
CARD = Scorecard(
    name="t",
    groups=(Group("usage", "Usage", 100),),
    measures=(
        Measure("mau_trend_3m", "MAU trend, 3 months", "usage", 1, -0.25, 0.0),
        Measure("mau_latest", "MAU", "usage", 1, 2, 200, scale="log"),
    ),
    bands=BandRules(healthy_min_score=70, unresponsive_days=90, past_due_min_days=1),
)


def _inputs(**kw) -> MeasureInputs:
    n = 1
    base = {
        "account_id": np.array([1]),
        "raw": {"mau_trend_3m": np.array([0.0]), "mau_latest": np.array([200.0])},
        "open_escalations": np.zeros(n),
        "poc_days": np.full(n, NAN),
        "poc_unavailable": np.zeros(n, dtype=bool),
        "days_past_due": np.full(n, NAN),
        "organic": np.zeros(n, dtype=bool),
    }
    base.update(kw)
    return MeasureInputs(**base)


def _reason(inputs: MeasureInputs) -> tuple[int, str]:
    r = score_book(CARD, inputs)
    assert r.band_rule is not None
    return int(r.band_rule[0]), band_reasons(CARD, inputs, r)[0]


def test_escalation_names_the_case_and_its_date():
    opened = float(day_number(date(2026, 10, 2)))
    rule, text = _reason(
        _inputs(
            open_escalations=np.array([2.0]),
            esc_key=np.array(["SUP-1392"], dtype=object),
            esc_day=np.array([opened]),
        )
    )
    assert rule == BandRule.ESCALATION
    assert text == "Escalation: open escalation SUP-1392 since 2026-10-02 (+1 more)"


def test_silent_poc_names_the_person_days_and_rule():
    rule, text = _reason(
        _inputs(poc_days=np.array([370.0]), poc_name=np.array(["Olivia Lee"], dtype=object))
    )
    assert rule == BandRule.POC_SILENT
    assert text == "Undefined: main POC Olivia Lee last replied 370 days ago (rule: more than 90)"


def test_exactly_at_the_unresponsive_threshold_is_not_silent():
    rule, _text = _reason(_inputs(poc_days=np.array([90.0])))
    assert rule == BandRule.HEALTHY


def test_poc_status_and_missing_poc_and_past_due():
    rule, text = _reason(
        _inputs(
            poc_unavailable=np.array([True]),
            poc_name=np.array(["Sam Roe"], dtype=object),
            poc_status=np.array(["on leave"], dtype=object),
        )
    )
    assert (rule, text) == (BandRule.POC_STATUS, "Undefined: main POC Sam Roe is on leave")
    rule, text = _reason(_inputs(poc_unavailable=np.array([True])))
    assert (rule, text) == (BandRule.NO_POC, "Undefined: no main POC in the contacts export")
    rule, text = _reason(_inputs(days_past_due=np.array([45.0])))
    assert rule == BandRule.PAST_DUE
    assert text == "Undefined: past due 45 days (rule: at least 1)"


def test_nothing_to_score_names_what_was_not_imported():
    rule, text = _reason(
        _inputs(
            raw={"mau_trend_3m": np.array([NAN]), "mau_latest": np.array([NAN])},
            not_imported=("usage", "tickets"),
        )
    )
    assert rule == BandRule.NO_DATA
    assert text == "Undefined: nothing to score this account on (usage, tickets not imported)"


def test_healthy_and_risky_give_the_score_and_the_biggest_drag():
    rule, text = _reason(_inputs())
    assert (rule, text) == (BandRule.HEALTHY, "Healthy/Stable: score 100 ≥ 70")
    rule, text = _reason(
        _inputs(raw={"mau_trend_3m": np.array([-0.21]), "mau_latest": np.array([200.0])})
    )
    assert rule == BandRule.RISKY
    # trend: 100 * (-0.21 + 0.25) / 0.25 = 16 points; MAU 100 points -> score 58
    assert text == "Risky/Unstable: score 58 < 70; biggest drag: MAU trend (3 months) −21 %"


def test_missing_reply_data_is_said_not_guessed():
    _rule, text = _reason(_inputs(not_imported=("POC reply dates",)))
    assert text.endswith("(POC reply dates not imported: unresponsiveness not checked)")
    assert "unresponsive" not in text.split("(")[0]


def test_formats_in_the_users_units():
    assert format_measure("mau_trend_3m", -0.21) == "−21 %"
    assert format_measure("utilisation", 0.576) == "58 %"
    assert format_measure("mrr", 14083.92) == "$14,084"
    assert format_measure("poc_days_since_reply", 370.0) == "370 days"
    assert format_measure("nps_latest", None) == "no data"
    assert format_measure("tenure_months", 13.4) == "13 months"


def test_log_scale_points():
    from desktop_app.domain.health import measure_points

    m = Measure("mau_latest", "MAU", "usage", 1, 9, 999, scale="log")
    pts = measure_points(m, np.array([9.0, 99.0, 999.0, 5000.0, 0.0, NAN]))
    # log10(1+x): 1, 2, 3 -> 0, 50, 100 points; clamped outside; NaN stays NaN
    np.testing.assert_allclose(pts[:5], [0.0, 50.0, 100.0, 100.0, 0.0])
    assert np.isnan(pts[5])


def test_a_book_of_accounts_gets_each_text_built_once_and_every_rule_in_order():
    """A 100k book has a few hundred distinct healthy/risky texts: each is built once (the
    accounts share one string), and rows of other rules keep their own evidence."""
    n = 9
    trend = np.array([0.0, 0.0, -0.21, -0.21, 0.0, 0.0, 0.0, -0.21, 0.0])
    inputs = _inputs(
        account_id=np.arange(n),
        raw={"mau_trend_3m": trend, "mau_latest": np.full(n, 200.0)},
        open_escalations=np.array([0, 0, 0, 0, 1.0, 0, 0, 0, 0]),
        esc_key=np.array([None, None, None, None, "SUP-7", None, None, None, None], dtype=object),
        poc_days=np.array([NAN] * 5 + [370.0] + [NAN] * 3),
        poc_unavailable=np.zeros(n, dtype=bool),
        days_past_due=np.array([NAN] * 6 + [45.0] + [NAN] * 2),
        organic=np.zeros(n, dtype=bool),
        not_imported=("POC reply dates",),
    )
    result = score_book(CARD, inputs)
    texts = band_reasons(CARD, inputs, result)
    tail = " (POC reply dates not imported: unresponsiveness not checked)"
    healthy = "Healthy/Stable: score 100 ≥ 70" + tail
    risky = "Risky/Unstable: score 58 < 70; biggest drag: MAU trend (3 months) −21 %" + tail
    assert texts == [
        healthy, healthy, risky, risky,
        "Escalation: open escalation SUP-7",
        "Undefined: main POC the main POC last replied 370 days ago (rule: more than 90)",
        "Undefined: past due 45 days (rule: at least 1)",
        risky, healthy,
    ]  # fmt: skip
    assert len({id(t) for t in texts}) == 5  # one string per distinct text
