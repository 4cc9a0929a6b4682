"""Account-months for judging and fitting the score: what was known, and what happened next.

``observe`` scores nothing: it gives, for each month-end ``t`` whose horizon has passed by the
as-of date, the measures of the accounts live at ``t`` (``domain.health_inputs``: only what
was known at ``t``) and whether each churned within the horizon. Large books are sampled by
account (every month of a sampled account is kept) to bound memory and time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from desktop_app.domain.arrays import BoolArray, IntArray
from desktop_app.domain.churn import day_number
from desktop_app.domain.health import MeasureInputs
from desktop_app.domain.health_inputs import HistoryInputs, measures_at
from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.progress import Progress, check

HISTORY_MONTHS = 36
MAX_OBSERVATIONS = 250_000


@dataclass(frozen=True, eq=False)
class Month:
    t: float
    inputs: MeasureInputs  # the sampled live accounts at ``t``
    label: BoolArray


def _month_ends(as_of: date, horizon_days: int) -> list[date]:
    """Month-ends whose horizon has passed by ``as_of``, newest last."""
    last = as_of - timedelta(days=horizon_days)
    end = last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(days=1)
    out = []
    for _ in range(HISTORY_MONTHS):
        out.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return sorted(out)


def _subset(inputs: MeasureInputs, idx: IntArray) -> MeasureInputs:
    def take(a: np.ndarray | None) -> np.ndarray | None:
        return None if a is None else a[idx]

    return replace(
        inputs,
        account_id=inputs.account_id[idx],
        raw={k: v[idx] for k, v in inputs.raw.items()},
        open_escalations=inputs.open_escalations[idx],
        poc_days=inputs.poc_days[idx],
        poc_unavailable=inputs.poc_unavailable[idx],
        days_past_due=inputs.days_past_due[idx],
        organic=inputs.organic[idx],
        esc_key=take(inputs.esc_key),
        esc_day=take(inputs.esc_day),
        poc_name=take(inputs.poc_name),
        poc_status=take(inputs.poc_status),
    )


def observe(
    card: Scorecard,
    h: HistoryInputs,
    as_of: date,
    horizon_days: int,
    progress: Progress,
    span: tuple[float, float] = (0.05, 0.4),
) -> list[Month]:
    """Sampled live accounts at each month-end whose horizon ends by ``as_of``, labelled."""
    ends = [e for e in _month_ends(as_of, horizon_days) if len(h)]
    total_live = 0
    months: list[tuple[float, MeasureInputs]] = []
    for k, end in enumerate(ends):
        frac = span[0] + (span[1] - span[0]) * k / max(len(ends), 1)
        check(progress, frac, "Reading the churn history…")
        t = float(day_number(end))
        inputs = measures_at(card, h, t)
        if len(inputs):
            months.append((t, inputs))
            total_live += len(inputs)
    keep = min(1.0, MAX_OBSERVATIONS / max(total_live, 1))
    rng = np.random.default_rng(20261206)
    # Sample accounts, not rows, so that one account's months stay together.
    chosen = rng.random(len(h)) < keep
    out = []
    for t, inputs in months:
        row = np.searchsorted(h.account_id, inputs.account_id)
        idx = np.flatnonzero(chosen[row])
        sub = _subset(inputs, idx)
        cd = h.churn_day[row[idx]]
        with np.errstate(invalid="ignore"):
            label = (cd > t) & (cd <= t + horizon_days)
        out.append(Month(t, sub, label))
    return out


def account_ids(months: list[Month]) -> IntArray:
    """The account of every observation, in ``months`` order."""
    parts = [m.inputs.account_id for m in months]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def labels(months: list[Month]) -> BoolArray:
    """Whether every observation churned within the horizon, in ``months`` order."""
    return np.concatenate([m.label for m in months]) if months else np.empty(0, dtype=bool)
