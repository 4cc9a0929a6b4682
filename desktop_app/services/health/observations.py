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


_PER_ACCOUNT = ("account_id", "mau", "seats", "contracted_seats", "renewal_day", "churn_day",
                "start_day", "mrr_now")  # fmt: skip
_EVENTS = {  # account index column -> the columns that travel with it
    "t_acc": ("t_open", "t_close", "t_esc", "t_waiting", "t_updated", "t_key"),
    "n_acc": ("n_day", "n_score"),
    "c_acc": ("c_reply", "c_main", "c_status", "c_name"),
    "b_acc": ("b_day", "b_dpd"),
    "s_acc": ("s_start", "s_end", "s_mrr", "s_period_end"),
}


def subset_history(h: HistoryInputs, rows: IntArray) -> HistoryInputs:
    """The history of the accounts at ``rows`` only (sorted row indices), re-indexed."""
    changes: dict[str, object] = {}
    for name in _PER_ACCOUNT:
        value = getattr(h, name)
        if value is not None:
            changes[name] = value[rows]
    new_index = np.full(len(h), -1, dtype=np.int64)
    new_index[rows] = np.arange(rows.shape[0], dtype=np.int64)
    for acc_name, cols in _EVENTS.items():
        acc = getattr(h, acc_name)
        keep = new_index[acc] >= 0 if acc.size else np.zeros(0, dtype=bool)
        changes[acc_name] = new_index[acc[keep]] if acc.size else acc
        for col in cols:
            value = getattr(h, col)
            if value is not None and value.shape[0] == acc.shape[0]:
                changes[col] = value[keep]
    return replace(h, **changes)  # type: ignore[arg-type]


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
    # Sample accounts, not rows, so that one account's months stay together; measure only
    # the sampled accounts (a 100k book is measured on about a tenth of itself).
    expected = len(h) * len(ends)
    keep = min(1.0, MAX_OBSERVATIONS / max(expected, 1))
    rng = np.random.default_rng(20261206)
    chosen = np.flatnonzero(rng.random(len(h)) < keep) if keep < 1.0 else np.arange(len(h))
    if keep < 1.0:
        h = subset_history(h, chosen)
    out = []
    for k, end in enumerate(ends):
        frac = span[0] + (span[1] - span[0]) * k / max(len(ends), 1)
        check(progress, frac, "Reading the churn history…")
        t = float(day_number(end))
        inputs = measures_at(card, h, t, evidence=False)
        if not len(inputs):
            continue
        cd = h.churn_day[np.searchsorted(h.account_id, inputs.account_id)]
        with np.errstate(invalid="ignore"):
            label = (cd > t) & (cd <= t + horizon_days)
        out.append(Month(t, inputs, label))
    return out


def account_ids(months: list[Month]) -> IntArray:
    """The account of every observation, in ``months`` order."""
    parts = [m.inputs.account_id for m in months]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def labels(months: list[Month]) -> BoolArray:
    """Whether every observation churned within the horizon, in ``months`` order."""
    return np.concatenate([m.label for m in months]) if months else np.empty(0, dtype=bool)
