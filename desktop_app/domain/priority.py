"""The renewal worklist's priority: a transparent, editable weighted sum (features §10.7).

Every factor is scaled to 0..1 ("how much this pushes the account up the list"), multiplied
by its weight, and the weighted sum is divided by the sum of the weights, so the score runs
0-100 and each factor's *contribution* is in points that add up to the score:

    score = 100 * sum(weight_f * factor_f) / sum(weight_f)

The factors (documented here once; the worklist and its explanation say the same):

- ``health``     (100 - health score) / 100; an account without a score counts 0.5.
- ``arr``        sqrt(ARR / largest ARR in the list): bigger renewals rank higher, but one
                 whale does not flatten everyone else (0 when ARR is missing or 0).
- ``renewal``    1 - days to renewal / ``horizon_days`` (clipped to 0..1): sooner is higher;
                 an overdue renewal counts 1.
- ``escalation`` 1 when the account has an open escalation ticket.
- ``detractor``  1 when the latest NPS answer is a detractor (0-6).
- ``silence``    0 up to ``quiet_days`` since the main contact last replied, rising to 1 at
                 ``quiet_days + 90``; unknown (no main contact or no reply date) counts 0.
- ``upsell``     1 when there is an open upsell opportunity (an opportunity to act on).

A weight of 0 removes its factor entirely. Weights are plain numbers, shown and edited in the
worklist view; :data:`DEFAULT_WEIGHTS` are the documented defaults (they sum to 100, so with
the defaults a factor's weight is also the most points it can add).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from desktop_app.domain.arrays import BoolArray, FloatArray, IntArray
from desktop_app.domain.formatting import money
from desktop_app.domain.health import linear_fraction

FACTORS: tuple[str, ...] = (
    "health",
    "arr",
    "renewal",
    "escalation",
    "detractor",
    "silence",
    "upsell",
)

FACTOR_LABELS: dict[str, str] = {
    "health": "Low health",
    "arr": "ARR",
    "renewal": "Renewal soon",
    "escalation": "Open escalation",
    "detractor": "NPS detractor",
    "silence": "Main contact silent",
    "upsell": "Upsell signal",
}

DETRACTOR_MAX = 6
SILENCE_RAMP_DAYS = 90.0
UNKNOWN_HEALTH_FACTOR = 0.5


@dataclass(frozen=True)
class PriorityWeights:
    """The weight of each factor (any non-negative numbers; only their ratios matter).

    Defaults: health 25, ARR 20, renewal 20, escalation 15, detractor 10, silence 5,
    upsell 5. ``horizon_days`` is where "renewal soon" reaches 0; ``quiet_days`` is how long
    a main contact may stay silent before it counts.
    """

    health: float = 25.0
    arr: float = 20.0
    renewal: float = 20.0
    escalation: float = 15.0
    detractor: float = 10.0
    silence: float = 5.0
    upsell: float = 5.0
    horizon_days: float = 180.0
    quiet_days: float = 30.0

    def weight(self, factor: str) -> float:
        """The weight of ``factor`` (one of :data:`FACTORS`)."""
        return float(getattr(self, factor))

    def with_weight(self, factor: str, value: float) -> PriorityWeights:
        """A copy with ``factor``'s weight set to ``value`` (negative values count 0)."""
        if factor not in FACTORS:
            raise KeyError(factor)
        return replace(self, **{factor: max(0.0, float(value))})

    def as_dict(self) -> dict[str, float]:
        """All the fields as a plain dict (for JSON and settings)."""
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> PriorityWeights:
        """Weights from a dict; unknown keys are ignored, missing ones keep their default."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in data.items() if k in known})


DEFAULT_WEIGHTS = PriorityWeights()


@dataclass(frozen=True)
class PriorityInputs:
    """The facts behind the priority, one aligned array each (NaN where unknown)."""

    health: FloatArray
    arr: FloatArray
    days_to_renewal: FloatArray
    escalations: IntArray
    nps: FloatArray
    days_since_reply: FloatArray
    upsell: BoolArray

    def __len__(self) -> int:
        return int(self.health.shape[0])


@dataclass(frozen=True)
class FactorReason:
    """One factor's part in an account's priority: points added and a readable fact."""

    factor: str
    points: float
    text: str


def factor_values(inputs: PriorityInputs, weights: PriorityWeights) -> dict[str, FloatArray]:
    """Each factor scaled to 0..1 (before weighting), one array per name in :data:`FACTORS`."""
    health = np.where(
        np.isnan(inputs.health),
        UNKNOWN_HEALTH_FACTOR,
        linear_fraction(inputs.health, 0.0, 100.0, invert=True),
    )
    arr = np.nan_to_num(np.clip(inputs.arr, 0.0, None), nan=0.0)
    top = float(arr.max()) if arr.size else 0.0
    arr_f = np.sqrt(arr / top) if top > 0 else np.zeros_like(arr)
    horizon = max(float(weights.horizon_days), 1.0)
    days = inputs.days_to_renewal
    renewal = np.where(np.isnan(days), 0.0, linear_fraction(days, 0.0, horizon, invert=True))
    quiet = float(weights.quiet_days)
    silence = linear_fraction(inputs.days_since_reply, quiet, quiet + SILENCE_RAMP_DAYS)
    return {
        "health": health.astype(np.float64),
        "arr": arr_f.astype(np.float64),
        "renewal": renewal.astype(np.float64),
        "escalation": (inputs.escalations > 0).astype(np.float64),
        "detractor": (inputs.nps <= DETRACTOR_MAX).astype(np.float64),
        "silence": np.nan_to_num(silence, nan=0.0),
        "upsell": inputs.upsell.astype(np.float64),
    }


def priority_scores(
    inputs: PriorityInputs, weights: PriorityWeights = DEFAULT_WEIGHTS
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Priority 0-100 per account and each factor's contribution in points.

    Returns ``(score, contributions)``; the contributions (one array per factor name) add up
    to the score. All weights 0 gives all scores 0.
    """
    values = factor_values(inputs, weights)
    total = sum(weights.weight(f) for f in FACTORS)
    n = len(inputs)
    if total <= 0:
        zeros = {f: np.zeros(n) for f in FACTORS}
        return np.zeros(n), zeros
    contrib = {f: 100.0 * weights.weight(f) * values[f] / total for f in FACTORS}
    score = np.zeros(n)
    for f in FACTORS:
        score = score + contrib[f]
    return score, contrib


def _fact(factor: str, inputs: PriorityInputs, i: int) -> str:
    h, nps = inputs.health[i], inputs.nps[i]
    days, quiet = inputs.days_to_renewal[i], inputs.days_since_reply[i]
    texts = {
        "health": "no health score" if np.isnan(h) else f"health {h:.0f}",
        "arr": f"ARR {money(float(inputs.arr[i]))}",
        "renewal": (f"renewal overdue by {-days:.0f} d" if days < 0 else f"renews in {days:.0f} d"),
        "escalation": f"{int(inputs.escalations[i])} open escalation(s)",
        "detractor": f"NPS {nps:.0f}",
        "silence": f"no reply for {quiet:.0f} d",
        "upsell": "open upsell opportunity",
    }
    return texts[factor]


def factor_reasons(
    inputs: PriorityInputs, contributions: dict[str, FloatArray], i: int, *, min_points: float = 1.0
) -> list[FactorReason]:
    """The factors that put account ``i`` where it is, biggest first (tiny ones left out)."""
    out = [
        FactorReason(f, float(contributions[f][i]), _fact(f, inputs, i))
        for f in FACTORS
        if float(contributions[f][i]) >= min_points
    ]
    out.sort(key=lambda r: -r.points)
    return out


def next_step(inputs: PriorityInputs, i: int, *, quiet_days: float = 90.0) -> str:
    """A suggested next step for account ``i``: the most urgent fact decides."""
    esc = int(inputs.escalations[i])
    if esc:
        return "Rescue plan: open escalation" + (f" ({esc})" if esc > 1 else "")
    h, nps, quiet = inputs.health[i], inputs.nps[i], inputs.days_since_reply[i]
    if not np.isnan(h) and h < 40:
        return f"Rescue plan: health {h:.0f}"
    if nps <= DETRACTOR_MAX:
        return f"Call the detractor: NPS {nps:.0f}"
    if quiet >= quiet_days:
        return f"Re-engage the admin: no reply for {quiet:.0f} days"
    if bool(inputs.upsell[i]):
        return "Propose the upsell"
    return "Confirm the renewal"


def ranking(score: FloatArray, days_to_renewal: FloatArray) -> IntArray:
    """Row order: highest priority first; ties go to the sooner renewal."""
    days = np.nan_to_num(days_to_renewal, nan=np.inf)
    order: IntArray = np.lexsort((days, -score)).astype(np.int64)
    return order
