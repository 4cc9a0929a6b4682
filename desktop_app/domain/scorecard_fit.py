"""Turn a fitted logistic model into a scorecard of the usual transparent form (pure numpy).

A logistic regression on standardised measures ranks accounts by ``sum(b_j * z_j)``. A
scorecard ranks them by ``sum(w_j * points_j)`` with ``points_j`` a straight line from ``low``
to ``high`` (on ``log10(1 + x)`` for log-scale measures). Choosing, per measure,

* ``low``/``high`` = the 5th/95th percentile of the measure over the observations,
* ``invert`` = the coefficient is positive (more of it, more churn),
* ``w_j`` proportional to ``|b_j| * (high_j - low_j) / std_j`` (in the fitted axis),

makes the two rankings identical between the percentiles (outside, the points are clamped,
which also keeps outliers from dominating). Measures carrying under ``MIN_SHARE`` of the
weight are dropped so the card stays readable; groups keep their usual ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from desktop_app.domain.arrays import FloatArray
from desktop_app.domain.health import log1p10
from desktop_app.domain.scorecard import BandRules, Group, Measure, Scorecard

MIN_SHARE = 0.02
LOW_Q, HIGH_Q = 0.05, 0.95


@dataclass(frozen=True, slots=True)
class Candidate:
    """A measure the fit may use: where it goes in the card and on which axis."""

    id: str
    label: str
    group: str
    group_label: str
    scale: str


def axis(values: FloatArray, scale: str) -> FloatArray:
    """The axis a measure is fitted and scored on."""
    return log1p10(values) if scale == "log" else values


def from_axis(value: float, scale: str) -> float:
    return float(10.0**value - 1.0) if scale == "log" else float(value)


def thresholds(values: FloatArray, scale: str) -> tuple[float, float] | None:
    """(low, high) in the measure's own units, or None when it does not vary."""
    x = axis(values[~np.isnan(values)], scale)
    if x.size < 2:
        return None
    lo, hi = np.quantile(x, [LOW_Q, HIGH_Q])
    low, high = _sig(from_axis(float(lo), scale)), _sig(from_axis(float(hi), scale))
    if not high > low:
        return None
    return low, high


def _sig(value: float, digits: int = 3) -> float:
    """``value`` to ``digits`` significant figures (thresholds a person can read)."""
    if value == 0 or not np.isfinite(value):
        return float(value)
    return float(round(value, digits - 1 - int(np.floor(np.log10(abs(value))))))


def card_from_coefficients(
    name: str,
    candidates: list[Candidate],
    coef: FloatArray,
    spread: FloatArray,
    limits: list[tuple[float, float]],
    bands: BandRules,
    base: Scorecard,
) -> Scorecard:
    """The scorecard ranking like ``coef`` (one per candidate, on standardised axes).

    ``spread`` is each candidate's standard deviation on its axis, ``limits`` its (low,
    high) in its own units. Band rules and parameters come from ``bands`` and ``base``.
    """
    span = np.array(
        [float(axis(np.array([hi]), c.scale)[0] - axis(np.array([lo]), c.scale)[0])
         for c, (lo, hi) in zip(candidates, limits, strict=True)]
    )  # fmt: skip
    raw_w = np.abs(coef) * span / np.where(spread > 0, spread, 1.0)
    total = raw_w.sum()
    share = raw_w / total if total > 0 else np.zeros_like(raw_w)
    keep = [j for j in range(len(candidates)) if share[j] >= MIN_SHARE]
    if not keep:
        raise ValueError("no measure carries information")
    w = share[keep] / share[keep].sum() * 100.0
    measures = []
    group_w: dict[str, float] = {}
    group_label: dict[str, str] = {}
    for k, j in enumerate(keep):
        c = candidates[j]
        lo, hi = limits[j]
        measures.append(
            Measure(
                id=c.id,
                label=c.label,
                group=c.group,
                weight=round(float(w[k]), 2),
                low=lo,
                high=hi,
                invert=bool(coef[j] > 0),
                scale=c.scale,
            )
        )
        group_w[c.group] = group_w.get(c.group, 0.0) + float(w[k])
        group_label[c.group] = c.group_label
    groups = _round_groups(group_w, group_label)
    return replace(base, name=name, groups=groups, measures=tuple(measures), bands=bands)


def _round_groups(weights: dict[str, float], labels: dict[str, str]) -> tuple[Group, ...]:
    """Groups with weights rounded to 0.1 that still sum to exactly 100."""
    ids = list(weights)
    rounded = [round(weights[g], 1) for g in ids]
    biggest = int(np.argmax(rounded))
    rounded[biggest] = round(rounded[biggest] + 100.0 - sum(rounded), 1)
    return tuple(Group(g, labels[g], w) for g, w in zip(ids, rounded, strict=True))


def effective_weights(card: Scorecard) -> dict[str, float]:
    """Each measure's share of the score in percent when every measure is present."""
    gw = {g.id: g.weight for g in card.groups}
    inside: dict[str, float] = {}
    for m in card.measures:
        inside[m.group] = inside.get(m.group, 0.0) + m.weight
    return {
        m.id: round(gw.get(m.group, 0.0) * m.weight / inside[m.group], 2)
        for m in card.measures
        if inside.get(m.group, 0.0) > 0
    }
