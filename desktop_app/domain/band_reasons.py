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
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

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


def biggest_drag(
    result: ScoreResult, rows: npt.NDArray[np.intp] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per account (or per row of ``rows`` only), the column of the measure costing the most
    points (-1: none) and its cost."""
    points, weight = result.points, result.weight
    if rows is not None:  # the accounts that need it (the healthy ones give no drag)
        points = points[rows]
        weight = weight[rows]
    n = points.shape[0]
    with np.errstate(invalid="ignore"):
        lost = np.where(np.isnan(points), 0.0, weight * (100 - points) / 100)
    if lost.shape[1] == 0:
        return np.full(n, -1), np.zeros(n)
    col = np.argmax(lost, axis=1)
    cost = lost[np.arange(n), col]
    return np.where(cost > 0, col, -1), cost


def band_reasons(card: Scorecard, inputs: MeasureInputs, result: ScoreResult) -> list[str]:
    """One reason per account of ``result`` (same order), for the rule that set its band.

    The arrays are read as lists (numpy scalar indexing cost ~0.5 s a 100k book), and the
    healthy and risky texts, which depend on a few values only, are built once each."""
    rules = card.bands
    rule = result.band_rule
    if rule is None:
        return [""] * len(result)
    others = np.flatnonzero(rule != BandRule.HEALTHY)
    drag, _cost = biggest_drag(result, others)  # only the risky ones name it: ~50 ms at 100k
    missing = inputs.not_imported
    tail = (" (POC reply dates not imported: unresponsiveness not checked)"
            if any("reply" in m for m in missing) else "")  # fmt: skip
    healthy_min = f"{rules.healthy_min_score:g}"
    out: list[str] = _healthy_texts(
        result, rule, f"Healthy/Stable: score {{}} ≥ {healthy_min}{tail}"
    )
    scores = result.score.tolist()
    # The shown score is the score rounded half to even, as ``_score`` formats it.
    shown_keys = np.rint(result.score).tolist()
    drags = drag.tolist()  # one per row of ``others``
    seen: dict[tuple[float, int, str], str] = {}
    evidence: _Evidence | None = None
    for k, i in enumerate(others.tolist()):
        code = int(rule[i])
        if code not in _OTHER_RULES:  # risky
            j = drags[k]
            value = "" if j < 0 else format_measure(result.measure_ids[j], float(result.raw[i, j]))
            key = (shown_keys[i], j, value)
            text = seen.get(key)
            if text is None:
                text = _risky_text(result, _score(scores[i]), healthy_min, j, value) + tail
                seen[key] = text
            out[i] = text
        else:
            if evidence is None:  # read once, and only when a rule other than the score fired
                evidence = _Evidence(inputs)
            out[i] = _rule_text(code, i, evidence, rules, missing)
    return out


def _healthy_texts(result: ScoreResult, rule: npt.NDArray[Any], template: str) -> list[str]:
    """The healthy accounts' texts (one string per shown score, shared), "" elsewhere."""
    healthy = np.flatnonzero(rule == BandRule.HEALTHY)
    table = np.empty(len(result), dtype=object)
    table[:] = ""
    if len(healthy):
        # The shown score is the score rounded half to even, as ``_score`` formats it.
        shown, first, inverse = np.unique(
            np.rint(result.score[healthy]), return_index=True, return_inverse=True
        )
        texts = np.empty(len(shown), dtype=object)
        texts[:] = [template.format(_score(float(result.score[healthy[k]]))) for k in first]
        table[healthy] = texts[inverse.ravel()]
    out: list[str] = table.tolist()
    return out


def _risky_text(result: ScoreResult, shown: str, healthy_min: str, j: int, value: str) -> str:
    text = f"Risky/Unstable: score {shown} < {healthy_min}"
    if j >= 0:
        mid = result.measure_ids[j]
        text += f"; biggest drag: {SHORT_LABELS.get(mid, result.measure_labels[j])} {value}"
    return text


_OTHER_RULES = frozenset({BandRule.ESCALATION, BandRule.POC_SILENT, BandRule.POC_STATUS,
                          BandRule.NO_POC, BandRule.PAST_DUE, BandRule.NO_DATA})  # fmt: skip


class _Evidence:
    """The evidence arrays the rule texts quote, each read once."""

    def __init__(self, inputs: MeasureInputs) -> None:
        self.inputs = inputs
        self.esc_key = inputs.evidence("esc_key")
        self.poc_name = inputs.evidence("poc_name")
        self.poc_status = inputs.evidence("poc_status")


def _rule_text(code: int, i: int, ev: _Evidence, rules: Any, missing: Sequence[str]) -> str:
    """The reason of a band set by a rule other than the score (escalation, POC, ...)."""
    inputs = ev.inputs
    if code == BandRule.ESCALATION:
        esc_key, esc_day = ev.esc_key, inputs.esc_day
        n_esc = int(np.nan_to_num(inputs.open_escalations[i]))
        key = esc_key[i] or "case"
        since = "" if esc_day is None or math.isnan(esc_day[i]) else f" since {_day(esc_day[i])}"
        more = f" (+{n_esc - 1} more)" if n_esc > 1 else ""
        return f"Escalation: open escalation {key}{since}{more}"
    if code in (BandRule.POC_SILENT, BandRule.POC_STATUS):
        who = ev.poc_name[i] or "the main POC"
        if code == BandRule.POC_SILENT:
            return (
                f"Undefined: main POC {who} last replied {inputs.poc_days[i]:.0f} days ago "
                f"(rule: more than {rules.unresponsive_days:g})"
            )
        return f"Undefined: main POC {who} is {ev.poc_status[i]}"
    if code == BandRule.NO_POC:
        return "Undefined: no main POC in the contacts export"
    if code == BandRule.PAST_DUE:
        return (
            f"Undefined: past due {inputs.days_past_due[i]:.0f} days "
            f"(rule: at least {rules.past_due_min_days:g})"
        )
    text = "Undefined: nothing to score this account on"
    if missing:
        text += f" ({', '.join(missing)} not imported)"
    return text
