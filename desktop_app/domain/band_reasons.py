"""Why each account has its band, in one line a CSM can act on (pure, numpy + str).

The rule comes from ``ScoreResult.band_rule``; the evidence from ``MeasureInputs``::

    Escalation: open escalation SUP-1392 since 2026-10-02
    Undefined: main POC Olivia Lee last replied 370 days ago (rule: more than 90)
    Risky/Unstable: score 54 < 70; biggest drag: MAU trend (3 months) −21 %

A missing source is said as such ("POC reply dates not imported"), never as a fact about the
customer.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from desktop_app.domain.health import BandRule, MeasureInputs, ScoreResult
from desktop_app.domain.scorecard import Scorecard

#: Short names for reasons and tight spaces (the scorecard's labels are for the editor).
SHORT_LABELS: dict[str, str] = {
    "utilisation": "seat utilisation",
    "mau_trend_3m": "MAU trend (3 months)",
    "mau_trend_6m": "MAU trend (6 months)",
    "mau_latest": "MAU",
    "mrr": "MRR",
    "tenure_months": "tenure",
    "days_to_term_end": "days to term end",
    "days_to_renewal": "days to renewal",
    "open_tickets": "open tickets",
    "open_escalations": "open escalations",
    "old_tickets": "tickets open > 30 days",
    "waiting_on_us": "tickets waiting on us",
    "auto_closing": "tickets auto-closing",
    "nps_latest": "latest NPS",
    "past_due": "past due",
    "days_past_due": "days past due",
    "poc_days_since_reply": "days since the main POC replied",
    "engaged_contacts": "engaged contacts",
}

_EPOCH = date(1970, 1, 1)


def format_measure(measure: str, raw: float | None) -> str:
    """A raw measure value in the user's units ("−21 %", "$1,200", "14 months", "no data")."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return "no data"
    if measure.startswith("mau_trend"):
        return f"{raw * 100:+.0f} %".replace("-", "−")
    if measure == "utilisation":
        return f"{raw * 100:.0f} %"
    if measure == "mrr":
        return f"${raw:,.0f}"
    if measure == "tenure_months":
        return f"{raw:.0f} months"
    if measure == "past_due":
        return "yes" if raw > 0 else "no"
    if measure.startswith("days") or measure.endswith("_days_since_reply"):
        return f"{raw:.0f} days"
    if measure == "nps_latest":
        return f"{raw:g}"
    return f"{raw:,.0f}"


def _day(value: float) -> str:
    return (_EPOCH + timedelta(days=int(value))).isoformat()


def _score(value: float) -> str:
    return f"{value:.0f}"


def biggest_drag(result: ScoreResult) -> tuple[np.ndarray, np.ndarray]:
    """Per account, the column of the measure costing the most points (-1: none) and its cost."""
    with np.errstate(invalid="ignore"):
        lost = np.where(np.isnan(result.points), 0.0, result.weight * (100 - result.points) / 100)
    if lost.shape[1] == 0:
        return np.full(len(result), -1), np.zeros(len(result))
    col = np.argmax(lost, axis=1)
    cost = lost[np.arange(len(result)), col]
    return np.where(cost > 0, col, -1), cost


def band_reasons(card: Scorecard, inputs: MeasureInputs, result: ScoreResult) -> list[str]:
    """One reason per account of ``result`` (same order), for the rule that set its band."""
    rules = card.bands
    rule = result.band_rule
    if rule is None:
        return [""] * len(result)
    drag, _cost = biggest_drag(result)
    esc_key, esc_day = inputs.evidence("esc_key"), inputs.esc_day
    poc_name, poc_status = inputs.evidence("poc_name"), inputs.evidence("poc_status")
    missing = inputs.not_imported
    replies_missing = any("reply" in m for m in missing)
    out: list[str] = []
    for i in range(len(result)):
        code = int(rule[i])
        score = float(result.score[i])
        if code == BandRule.ESCALATION:
            n_esc = int(np.nan_to_num(inputs.open_escalations[i]))
            key = esc_key[i] or "case"
            since = (
                "" if esc_day is None or math.isnan(esc_day[i]) else f" since {_day(esc_day[i])}"
            )
            more = f" (+{n_esc - 1} more)" if n_esc > 1 else ""
            text = f"Escalation: open escalation {key}{since}{more}"
        elif code == BandRule.POC_SILENT:
            who = poc_name[i] or "the main POC"
            text = (
                f"Undefined: main POC {who} last replied {inputs.poc_days[i]:.0f} days ago "
                f"(rule: more than {rules.unresponsive_days:g})"
            )
        elif code == BandRule.POC_STATUS:
            who = poc_name[i] or "the main POC"
            text = f"Undefined: main POC {who} is {poc_status[i]}"
        elif code == BandRule.NO_POC:
            text = "Undefined: no main POC in the contacts export"
        elif code == BandRule.PAST_DUE:
            text = (
                f"Undefined: past due {inputs.days_past_due[i]:.0f} days "
                f"(rule: at least {rules.past_due_min_days:g})"
            )
        elif code == BandRule.NO_DATA:
            text = "Undefined: nothing to score this account on"
            if missing:
                text += f" ({', '.join(missing)} not imported)"
        elif code == BandRule.HEALTHY:
            text = f"Healthy/Stable: score {_score(score)} ≥ {rules.healthy_min_score:g}"
        else:
            text = f"Risky/Unstable: score {_score(score)} < {rules.healthy_min_score:g}"
            j = int(drag[i])
            if j >= 0:
                mid = result.measure_ids[j]
                label = SHORT_LABELS.get(mid, result.measure_labels[j])
                text += f"; biggest drag: {label} {format_measure(mid, float(result.raw[i, j]))}"
        if replies_missing and code in (BandRule.HEALTHY, BandRule.RISKY):
            text += " (POC reply dates not imported: unresponsiveness not checked)"
        out.append(text)
    return out
