"""Account health: a vectorised scorecard over the whole book, SOP bands, explanations.

Scoring (numpy over all accounts at once, no per-account Python loop):

* every measure maps its raw value to 0-100 points linearly (see ``domain.scorecard``);
* a missing raw value (NaN) is left out: its weight is redistributed over the measures of
  its group that are present, and a group with no measure present gives its weight to the
  other groups, so missing is never silently treated as bad;
* the score is the sum of ``points x effective weight`` (effective weights sum to 1), and
  ``confidence`` is the number of measures it rests on.

Bands are the SOP's categories, applied in this order (thresholds in ``BandRules``, shipped
in ``resources/scorecard_default.json``):

1. **Escalation** - the account has at least one open escalation case.
2. **Undefined** - unresponsive or past due: the main POC has not replied for more than
   ``unresponsive_days``, the main POC's status is one of ``unavailable_poc_statuses``
   (terminated, on leave, unknown) or there is no main POC, or the account is past due by
   at least ``past_due_min_days``; also any account with no measure to score (confidence 0).
   Each of these needs its data: without a contacts export there is no "no main POC", and
   without reply dates no one is "unresponsive" (``MeasureInputs`` carries NaN / False then).
3. **Healthy/Stable** - the score is at least ``healthy_min_score``.
4. **Risky/Unstable** - everything else.

"Fresh Start" is a transition scenario a team lead chooses, never a computed band. The rule
that set each band is kept (``ScoreResult.band_rule``, codes in ``BandRule``) so every screen
can say why (``domain.band_reasons``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from desktop_app.domain.accounts import BAND_CODE, BAND_ORDER, HealthBand
from desktop_app.domain.arrays import BoolArray, FloatArray, Int8Array, IntArray, ObjArray
from desktop_app.domain.scorecard import Measure, Scorecard


class BandRule(IntEnum):
    """Which rule of the module docstring set a band (stored beside the band)."""

    ESCALATION = 0
    POC_SILENT = 1
    POC_STATUS = 2
    NO_POC = 3
    PAST_DUE = 4
    NO_DATA = 5
    HEALTHY = 6
    RISKY = 7


def _none(n: int) -> ObjArray:
    return np.full(n, None, dtype=object)


@dataclass(frozen=True, eq=False)
class MeasureInputs:
    """Raw measure values and band signals of ``n`` accounts at one date."""

    account_id: IntArray
    raw: dict[str, FloatArray]
    open_escalations: FloatArray
    poc_days: FloatArray  # days since the main POC replied; NaN = unknown
    poc_unavailable: BoolArray  # no main POC, or terminated / on leave / unknown
    days_past_due: FloatArray  # NaN = unknown
    organic: BoolArray  # usage decline that tracks the customer's own seats
    # Evidence for the band reasons (None where unknown); see ``domain.band_reasons``.
    esc_key: ObjArray | None = None  # the oldest open escalation's key
    esc_day: FloatArray | None = None  # ... and the day it was opened
    poc_name: ObjArray | None = None
    poc_status: ObjArray | None = None
    #: Sources or fields never imported, as the user knows them ("POC reply dates", ...).
    not_imported: tuple[str, ...] = field(default=())
    day: float = float("nan")  # the day the inputs describe

    def __len__(self) -> int:
        return int(self.account_id.shape[0])

    def evidence(self, name: str) -> ObjArray:
        value = getattr(self, name)
        return _none(len(self)) if value is None else value


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """Scores of ``n`` accounts; per-measure arrays are ``(n, m)`` in ``measure_ids`` order."""

    account_id: IntArray
    measure_ids: tuple[str, ...]
    measure_labels: tuple[str, ...]
    score: FloatArray
    band_code: Int8Array
    confidence: IntArray
    raw: FloatArray
    points: FloatArray
    weight: FloatArray  # effective weight in percent (sums to 100 per scored account)
    contribution: FloatArray  # points x weight / 100 (sums to the score)
    organic: BoolArray
    band_rule: Int8Array | None = None  # ``BandRule`` codes

    def __len__(self) -> int:
        return int(self.account_id.shape[0])

    @property
    def band(self) -> npt.NDArray[np.object_]:
        names = np.array([b.value for b in BAND_ORDER], dtype=object)
        out: npt.NDArray[np.object_] = names[self.band_code]
        return out

    def index_of(self, account_id: int) -> int | None:
        hits = np.flatnonzero(self.account_id == account_id)
        return int(hits[0]) if hits.size else None


@dataclass(frozen=True, slots=True)
class MeasureLine:
    measure: str
    label: str
    raw: float | None
    points: float | None
    weight: float
    contribution: float
    lost: float  # points the measure costs the score: weight x (100 - points) / 100


@dataclass(frozen=True, slots=True)
class HealthExplanation:
    """Why an account has its score: each measure, and the one dragging it down most."""

    account_id: int
    score: float | None
    band: HealthBand
    confidence: int
    lines: tuple[MeasureLine, ...]
    dragging: str | None  # measure id costing the most points
    organic_contraction: bool
    override_band: str | None = None
    band_reason: str | None = None  # the rule that set the band, with its evidence

    @property
    def dragging_line(self) -> MeasureLine | None:
        return next((ln for ln in self.lines if ln.measure == self.dragging), None)


def linear_fraction(raw: FloatArray, low: float, high: float, invert: bool = False) -> FloatArray:
    """0 at or below ``low``, 1 at or above ``high`` (reversed when ``invert``); NaN stays."""
    with np.errstate(invalid="ignore"):
        frac: FloatArray = np.clip((raw - low) / (high - low), 0.0, 1.0)
    return 1.0 - frac if invert else frac


def linear_points(raw: FloatArray, low: float, high: float, invert: bool) -> FloatArray:
    """0 at or below ``low``, 100 at or above ``high`` (reversed when ``invert``); NaN stays."""
    pts: FloatArray = 100.0 * linear_fraction(raw, low, high, invert)
    return pts


def log1p10(values: FloatArray | float) -> FloatArray:
    """``log10(1 + max(v, 0))``: the axis of a log-scale measure; NaN stays."""
    with np.errstate(invalid="ignore"):
        out: FloatArray = np.log10(1.0 + np.maximum(np.asarray(values, dtype=np.float64), 0.0))
    return out


def measure_points(m: Measure, raw: FloatArray) -> FloatArray:
    """Points of ``raw`` under measure ``m`` (linear, or linear on ``log10(1 + x)``)."""
    if m.scale == "log":
        lo, hi = float(log1p10(m.low)), float(log1p10(m.high))
        return linear_points(log1p10(raw), lo, hi, m.invert)
    return linear_points(raw, m.low, m.high, m.invert)


def effective_weights(card: Scorecard, present: BoolArray) -> FloatArray:
    """``(n, m)`` weights (fractions summing to 1 per row with any measure present).

    A row's weights depend only on which measures it has, and a book has few such patterns:
    they are computed once per distinct pattern and spread to the rows (at 100k accounts
    ~20x less work than row by row, and the same numbers).
    """
    n, m = present.shape
    if n <= _FEW_ROWS or m > 62:
        return _effective_weights(card, present)
    bits = present.astype(np.int64) @ (np.int64(1) << np.arange(m, dtype=np.int64))
    _codes, first, inverse = np.unique(bits, return_index=True, return_inverse=True)
    if len(first) * 4 > n:
        return _effective_weights(card, present)
    out: FloatArray = _effective_weights(card, present[first])[inverse]
    return out


#: Up to this many rows, weights are computed row by row (no pattern lookup).
_FEW_ROWS = 256


def _effective_weights(card: Scorecard, present: BoolArray) -> FloatArray:
    group_ids = [g.id for g in card.groups]
    gidx = np.array([group_ids.index(m.group) for m in card.measures], dtype=np.int64)
    mw = np.array([m.weight for m in card.measures], dtype=np.float64)
    gw = np.array([g.weight for g in card.groups], dtype=np.float64)
    w = present * mw[None, :]
    n = present.shape[0]
    group_sum = np.zeros((n, len(group_ids)))
    for g in range(len(group_ids)):  # a handful of groups, each vectorised over accounts
        cols = np.flatnonzero(gidx == g)
        if cols.size:
            group_sum[:, g] = w[:, cols].sum(axis=1)
    g_present = (group_sum > 0) * gw[None, :]
    g_total = g_present.sum(axis=1, keepdims=True)
    g_frac = np.divide(g_present, g_total, out=np.zeros_like(g_present), where=g_total > 0)
    denom = group_sum[:, gidx]
    out: FloatArray = np.divide(w, denom, out=np.zeros_like(w), where=denom > 0)
    out *= g_frac[:, gidx]
    return out


def score_book(card: Scorecard, inputs: MeasureInputs) -> ScoreResult:
    """Score every account of ``inputs`` with ``card`` and assign SOP bands."""
    n, ids = len(inputs), card.measure_ids
    raw = np.full((n, len(ids)), np.nan)
    points = np.full((n, len(ids)), np.nan)
    for j, m in enumerate(card.measures):
        col = inputs.raw.get(m.id)
        if col is not None:
            raw[:, j] = col
            points[:, j] = measure_points(m, col)
    present = ~np.isnan(points) & (np.array([m.weight for m in card.measures]) > 0)[None, :]
    weight = effective_weights(card, present)
    contribution = np.where(present, points * weight, 0.0)  # present points are never NaN
    confidence = present.sum(axis=1).astype(np.int64)
    score = np.where(confidence > 0, contribution.sum(axis=1), np.nan)
    bands, rules = assign_bands(card, inputs, score)
    return ScoreResult(
        account_id=inputs.account_id,
        measure_ids=ids,
        measure_labels=tuple(m.label for m in card.measures),
        score=score,
        band_code=bands,
        confidence=confidence,
        raw=raw,
        points=points,
        weight=weight * 100.0,
        contribution=contribution,
        organic=inputs.organic,
        band_rule=rules,
    )


def assign_bands(
    card: Scorecard, inputs: MeasureInputs, score: FloatArray
) -> tuple[Int8Array, Int8Array]:
    """SOP band codes (``BAND_CODE``) and the ``BandRule`` that set each, by the docstring."""
    rules = card.bands
    statuses = np.array(rules.unavailable_poc_statuses, dtype=object)
    status = inputs.evidence("poc_status")
    with np.errstate(invalid="ignore"):
        escalation = np.nan_to_num(inputs.open_escalations) > 0
        silent = inputs.poc_days > rules.unresponsive_days
        past_due = inputs.days_past_due >= rules.past_due_min_days
        healthy = score >= rules.healthy_min_score
    bad_status = np.zeros(len(inputs), dtype=bool)  # compare the few unavailable ones only
    unavailable = np.flatnonzero(inputs.poc_unavailable)
    bad_status[unavailable] = np.isin(status[unavailable], statuses)
    no_poc = inputs.poc_unavailable & ~bad_status
    # Later assignments win: the order below is the reverse of the rules' precedence.
    rule = np.where(healthy, BandRule.HEALTHY, BandRule.RISKY).astype(np.int8)
    for mask, code in (
        (np.isnan(score), BandRule.NO_DATA),
        (past_due, BandRule.PAST_DUE),
        (no_poc, BandRule.NO_POC),
        (bad_status, BandRule.POC_STATUS),
        (silent, BandRule.POC_SILENT),
        (escalation, BandRule.ESCALATION),
    ):
        rule[mask] = code
    out = _RULE_BAND[rule]
    return out, rule


_RULE_BAND = np.array(
    [BAND_CODE[HealthBand.ESCALATION]]
    + [BAND_CODE[HealthBand.UNDEFINED]] * 5
    + [BAND_CODE[HealthBand.HEALTHY], BAND_CODE[HealthBand.RISKY]],
    dtype=np.int8,
)


def explain(result: ScoreResult, i: int) -> HealthExplanation:
    """The breakdown of row ``i`` of ``result``: measure lines and the one dragging it down."""
    lines = []
    for j, mid in enumerate(result.measure_ids):
        raw = float(result.raw[i, j])
        pts = float(result.points[i, j])
        w = float(result.weight[i, j])
        lost = 0.0 if np.isnan(pts) else w * (100.0 - pts) / 100.0
        lines.append(
            MeasureLine(
                measure=mid,
                label=result.measure_labels[j],
                raw=None if np.isnan(raw) else raw,
                points=None if np.isnan(pts) else pts,
                weight=w,
                contribution=float(result.contribution[i, j]),
                lost=lost,
            )
        )
    worst = max(lines, key=lambda ln: ln.lost, default=None)
    score = float(result.score[i])
    return HealthExplanation(
        account_id=int(result.account_id[i]),
        score=None if np.isnan(score) else score,
        band=BAND_ORDER[int(result.band_code[i])],
        confidence=int(result.confidence[i]),
        lines=tuple(lines),
        dragging=worst.measure if worst is not None and worst.lost > 0 else None,
        organic_contraction=bool(result.organic[i]),
    )


def trend_arrow(previous: float | None, current: float | None, tolerance: float = 2.0) -> str:
    """'↑', '↓' or '→' comparing two scores (within ``tolerance`` points counts as flat)."""
    if previous is None or current is None:
        return "→"
    if current - previous > tolerance:
        return "↑"
    if previous - current > tolerance:
        return "↓"
    return "→"


def biggest_movers(
    before: dict[str, float], after: dict[str, float], top: int = 3
) -> list[tuple[str, float]]:
    """Measures whose contribution moved most between two breakdowns, largest first."""
    keys = set(before) | set(after)
    deltas = [(k, after.get(k, 0.0) - before.get(k, 0.0)) for k in keys]
    deltas = [d for d in deltas if abs(d[1]) > 1e-9]
    deltas.sort(key=lambda d: (-abs(d[1]), d[0]))
    return deltas[:top]
