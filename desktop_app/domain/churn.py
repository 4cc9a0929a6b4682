"""Churn: organic contraction, retention metrics with standard definitions, and AUC.

Churn types and reason codes are ``ChurnType`` / ``CHURN_REASONS`` in ``domain.accounts``:
organic (the customer's own population shrank, acquisition, budget cut outside our control),
voluntary (dissatisfaction, competitor, product gap), involuntary (payment).

Retention over a period ``[start, end]`` (MRR at a date = sum of the subscriptions live on
that date; an account with no subscription history falls back to its MRR and churn date):
a subscription is live on the days ``[start, end)``, so on the day it ends it no longer counts,
and a churn date is the first day the account is no longer a customer. An account that churns
on the period's last day is churned in that period; one that churns on its first day was
never in its cohort (``tests/domain/test_churn.py`` pins these days).

* logo churn rate = accounts active at start and not active at end / accounts active at start
* net MRR retention (NRR) = MRR at end of the accounts active at start / their MRR at start
* gross MRR retention (GRR) = the same with each account capped at its start MRR
* MRR churn = 1 - NRR
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from desktop_app.domain.accounts import CHURN_REASONS, ChurnType
from desktop_app.domain.arrays import BoolArray, FloatArray, IntArray

#: Usage fell by more than this fraction ...
ORGANIC_MIN_USAGE_DROP = 0.10
#: ... while seats fell by at least this fraction ...
ORGANIC_MIN_SEAT_DROP = 0.05
#: ... and usage fell by no more than this many points beyond the seats.
ORGANIC_TOLERANCE = 0.10


def organic_contraction(mau_trend: FloatArray, seat_trend: FloatArray) -> BoolArray:
    """True where a usage decline tracks the customer's own seats (organic, not risk).

    Both trends are ratios minus 1 over the same window; NaN gives False.
    """
    with np.errstate(invalid="ignore"):
        out: BoolArray = (
            (mau_trend < -ORGANIC_MIN_USAGE_DROP)
            & (seat_trend <= -ORGANIC_MIN_SEAT_DROP)
            & (mau_trend - seat_trend >= -ORGANIC_TOLERANCE)
        )
    return out


def churn_type_of_reason(reason: str) -> ChurnType | None:
    """The churn type a reason code belongs to (None for an unknown reason)."""
    for ctype, reasons in CHURN_REASONS.items():
        if reason in reasons:
            return ctype
    return None


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True, eq=False)
class RevenueInputs:
    """Subscriptions as arrays (``s_acc`` = account row) plus per-account fallbacks."""

    n: int
    s_acc: IntArray
    s_start: FloatArray  # day numbers; NaN start = live since forever
    s_end: FloatArray  # NaN = still live
    s_mrr: FloatArray
    fallback_mrr: FloatArray  # (n,) used for accounts without subscriptions
    churn_day: FloatArray  # (n,) NaN = not churned
    start_day: FloatArray  # (n,) NaN = existed from the start


@dataclass(frozen=True, slots=True)
class RetentionFigures:
    start: date
    end: date
    n_start: int
    n_churned: int
    mrr_start: float
    mrr_end: float
    logo_churn_rate: float | None
    net_mrr_retention: float | None
    gross_mrr_retention: float | None
    mrr_churn: float | None


def mrr_at(rev: RevenueInputs, day: float) -> tuple[FloatArray, BoolArray]:
    """Per-account MRR and active flag on ``day``."""
    with np.errstate(invalid="ignore"):
        live = ((np.isnan(rev.s_start)) | (rev.s_start <= day)) & (
            np.isnan(rev.s_end) | (rev.s_end > day)
        )
        not_churned = np.isnan(rev.churn_day) | (rev.churn_day > day)
        started = np.isnan(rev.start_day) | (rev.start_day <= day)
    has_subs = np.bincount(rev.s_acc, minlength=rev.n) > 0
    sub_mrr = np.bincount(rev.s_acc[live], weights=rev.s_mrr[live], minlength=rev.n)
    sub_live = np.bincount(rev.s_acc[live], minlength=rev.n) > 0
    active = np.where(has_subs, sub_live, started) & not_churned
    mrr = np.where(has_subs, sub_mrr, np.nan_to_num(rev.fallback_mrr))
    return np.where(active, mrr, 0.0), active


def retention_figures(
    rev: RevenueInputs, start: date, end: date, members: BoolArray | None = None
) -> RetentionFigures:
    """Logo churn, NRR, GRR and MRR churn over ``[start, end]`` for ``members`` (all if None)."""
    d0, d1 = float(day_number(start)), float(day_number(end))
    m0, a0 = mrr_at(rev, d0)
    m1, a1 = mrr_at(rev, d1)
    cohort = a0 if members is None else a0 & members
    n_start = int(cohort.sum())
    n_churned = int((cohort & ~a1).sum())
    mrr_start = float(m0[cohort].sum())
    mrr_end = float(m1[cohort].sum())
    capped = float(np.minimum(m1[cohort], m0[cohort]).sum())
    nrr = mrr_end / mrr_start if mrr_start > 0 else None
    return RetentionFigures(
        start=start,
        end=end,
        n_start=n_start,
        n_churned=n_churned,
        mrr_start=mrr_start,
        mrr_end=mrr_end,
        logo_churn_rate=n_churned / n_start if n_start else None,
        net_mrr_retention=nrr,
        gross_mrr_retention=capped / mrr_start if mrr_start > 0 else None,
        mrr_churn=None if nrr is None else 1.0 - nrr,
    )


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the day numbers used by the scoring arrays)."""
    return (d - date(1970, 1, 1)).days


def periods(start: date, end: date, kind: str = "month") -> list[tuple[date, date]]:
    """Consecutive calendar months or quarters overlapping ``[start, end]``, clipped to it."""
    step = 3 if kind == "quarter" else 1
    y, m = start.year, start.month
    if step == 3:
        m = 3 * ((m - 1) // 3) + 1
    out = []
    while date(y, m, 1) <= end:
        ny, nm = (y + (m + step - 1) // 12, (m + step - 1) % 12 + 1)
        p_start = max(date(y, m, 1), start)
        p_end = min(date(ny, nm, 1), end)
        if p_end > p_start:
            out.append((p_start, p_end))
        y, m = ny, nm
    return out


# --------------------------------------------------------------------------- validation


def auc(risk: FloatArray, churned: BoolArray) -> float | None:
    """Rank-based ROC AUC of ``risk`` (higher = riskier) for ``churned``; ties averaged.

    Returns None when either class is empty; NaN risks are ignored.
    """
    ok = ~np.isnan(risk)
    x, y = risk[ok], churned[ok]
    pos = int(y.sum())
    neg = int(y.shape[0] - pos)
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(x.shape[0], dtype=np.float64)
    ranks[order] = np.arange(1, x.shape[0] + 1, dtype=np.float64)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    return float((ranks[y].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def rate_by_group(groups: IntArray, churned: BoolArray, n_groups: int) -> FloatArray:
    """Churn rate per group code 0..n_groups-1 (NaN for an empty group; negative codes skip)."""
    ok = groups >= 0
    total = np.bincount(groups[ok], minlength=n_groups).astype(np.float64)
    hits = np.bincount(groups[ok], weights=churned[ok].astype(np.float64), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, hits / total, np.nan)
    return out


def deciles(values: FloatArray) -> IntArray:
    """Decile 0 (lowest) .. 9 of each value; -1 for NaN."""
    out = np.full(values.shape[0], -1, dtype=np.int64)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    edges = np.quantile(values[ok], np.linspace(0.1, 0.9, 9))
    out[ok] = np.searchsorted(edges, values[ok], side="right")
    return out
