"""ROC AUC with bootstrap intervals, fast enough for millions of account-months (numpy).

Account-months of one account are not independent, so the bootstrap resamples *accounts*
(Poisson(1) weights per account, the usual large-sample stand-in for a multinomial draw) and
every observation of an account carries its account's weight. Each replicate costs two
``bincount`` passes over a single sort, not a new sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.domain.arrays import BoolArray, FloatArray, IntArray

MIN_EVENTS = 10


@dataclass(frozen=True, slots=True)
class AucEstimate:
    auc: float | None
    ci: tuple[float, float] | None  # 95 % bootstrap interval
    events: int
    observations: int


def _groups(risk: FloatArray) -> tuple[IntArray, int]:
    """Dense rank of each risk value (equal values share a group), ascending."""
    uniq, inv = np.unique(risk, return_inverse=True)
    return inv.astype(np.int64), int(uniq.shape[0])


def weighted_auc(group: IntArray, n_groups: int, y: BoolArray, w: FloatArray) -> float:
    """AUC of risk groups (higher group = riskier) with observation weights ``w``."""
    pos = np.bincount(group, weights=w * y, minlength=n_groups)
    neg = np.bincount(group, weights=w * ~y, minlength=n_groups)
    below = np.cumsum(neg) - neg
    total = pos.sum() * neg.sum()
    if total <= 0:
        return float("nan")
    return float((pos * (below + 0.5 * neg)).sum() / total)


def bootstrap_aucs(
    risks: list[FloatArray],
    y: BoolArray,
    cluster: IntArray,
    reps: int = 200,
    seed: int = 0,
) -> tuple[list[float | None], FloatArray]:
    """Point AUCs of each risk and a ``(len(risks), reps)`` matrix of bootstrap AUCs.

    Observations with a NaN risk in any of ``risks`` are left out of all of them, so the
    AUCs compare like with like. ``cluster`` names each observation's account.
    """
    ok = np.ones(y.shape[0], dtype=bool)
    for r in risks:
        ok &= ~np.isnan(r)
    y = y[ok]
    events = int(y.sum())
    if events == 0 or events == y.shape[0]:
        return [None] * len(risks), np.full((len(risks), 0), np.nan)
    _u, acc = np.unique(cluster[ok], return_inverse=True)
    prepared = [_groups(r[ok]) for r in risks]
    ones = np.ones(y.shape[0])
    points: list[float | None] = [weighted_auc(g, k, y, ones) for g, k in prepared]
    rng = np.random.default_rng(seed)
    out = np.empty((len(risks), reps))
    for b in range(reps):
        w = np.asarray(rng.poisson(1.0, size=_u.shape[0]), dtype=np.float64)[acc]
        for i, (g, k) in enumerate(prepared):
            out[i, b] = weighted_auc(g, k, y, w)
    return points, out


def interval(samples: FloatArray) -> tuple[float, float] | None:
    """The 95 % percentile interval of bootstrap samples (None without samples)."""
    s = samples[~np.isnan(samples)]
    if s.size == 0:
        return None
    lo, hi = np.quantile(s, [0.025, 0.975])
    return round(float(lo), 4), round(float(hi), 4)


def estimate(
    risk: FloatArray, y: BoolArray, cluster: IntArray, reps: int = 200, seed: int = 0
) -> AucEstimate:
    """AUC of one risk with its 95 % interval and the counts behind it."""
    ok = ~np.isnan(risk)
    points, samples = bootstrap_aucs([risk], y, cluster, reps, seed)
    value = points[0]
    return AucEstimate(
        auc=None if value is None else round(value, 4),
        ci=interval(samples[0]) if samples.shape[1] else None,
        events=int(y[ok].sum()),
        observations=int(ok.sum()),
    )
