""" "Does our score predict churn?": AUC and churn rates from the monthly history; retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.arrays import FloatArray
from desktop_app.domain.churn import (
    RetentionFigures,
    RevenueInputs,
    auc,
    day_number,
    deciles,
    periods,
    rate_by_group,
    retention_figures,
)
from desktop_app.domain.health import ScoreResult
from desktop_app.domain.health_inputs import HistoryInputs
from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.errors import UserError
from desktop_app.services.health_loading import floats, load_history, load_revenue
from desktop_app.services.health_versions import active_scorecard
from desktop_app.services.scoring import monthly_results
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm

HORIZONS = (3, 6)
#: Churn rates by band and by usage decile use this horizon (months).
RATE_HORIZON = 6


@dataclass(frozen=True, slots=True)
class ValidationReport:
    auc_score: dict[int, float | None]  # horizon months -> AUC of the health score
    auc_usage: dict[int, float | None]  # the same for seat utilisation alone
    churn_by_band: dict[str, tuple[int, float | None]]  # band -> (observations, rate)
    churn_by_decile: list[tuple[int, int, float | None]]  # (decile 1-10, n, rate)
    observations: dict[int, int]  # horizon -> account-months used
    churn_events: dict[int, int]  # horizon -> account-months followed by churn

    @property
    def score_beats_usage(self) -> bool:
        return all((self.auc_score[h] or 0.0) > (self.auc_usage[h] or 0.0) for h in self.auc_score)


def _opt(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _add_months(d: date, k: int) -> date:
    y, m = divmod(d.month - 1 + k, 12)
    return date(d.year + y, m + 1, 1)


Pooled = tuple[FloatArray, FloatArray, npt.NDArray[np.int64], npt.NDArray[np.bool_]]


def _pool(
    monthly: list[tuple[date, ScoreResult]],
    h: HistoryInputs,
    util_j: int,
    horizon: int,
    as_of: date,
) -> Pooled | None:
    """(score, utilisation, band code, churned within horizon) over usable month-ends."""
    score, util, band, label = [], [], [], []
    for month, r in monthly:
        end = _add_months(month, 1)  # the snapshot is taken at the end of the month
        stop = _add_months(end, horizon)
        if stop > as_of:
            continue
        cd = h.churn_day[np.searchsorted(h.account_id, r.account_id)]
        with np.errstate(invalid="ignore"):
            label.append((cd >= day_number(end)) & (cd < day_number(stop)))
        score.append(r.score)
        util.append(r.raw[:, util_j] if util_j >= 0 else np.full(len(r), np.nan))
        band.append(r.band_code.astype(np.int64))
    if not score:
        return None
    return (
        np.concatenate(score),
        np.concatenate(util),
        np.concatenate(band),
        np.concatenate(label),
    )


def _rates(
    b: npt.NDArray[np.int64], u: FloatArray, y: npt.NDArray[np.bool_]
) -> tuple[dict[str, tuple[int, float | None]], list[tuple[int, int, float | None]]]:
    rates = rate_by_group(b, y, len(BAND_ORDER))
    counts = np.bincount(b[b >= 0], minlength=len(BAND_ORDER))
    by_band = {bd.value: (int(counts[i]), _opt(rates[i])) for i, bd in enumerate(BAND_ORDER)}
    dec = deciles(u)
    d_rates = rate_by_group(dec, y, 10)
    d_counts = np.bincount(dec[dec >= 0], minlength=10)
    return by_band, [(k + 1, int(d_counts[k]), _opt(d_rates[k])) for k in range(10)]


def validate(
    store: Store, as_of: date | None = None, scorecard: Scorecard | None = None
) -> ValidationReport:
    """AUC of the score at month M for churn within 3 and 6 months, vs usage alone.

    Pools every month-end of the book's history whose horizon ends by ``as_of`` (default
    today); also the churn rate by band and by usage decile over the same observations
    (horizon ``RATE_HORIZON``). ``scorecard`` defaults to the active one.
    """
    as_of = as_of or date.today()
    with store.sessions.begin() as session:
        _vid, active = active_scorecard(session)
        h = load_history(session, as_of)
    card = scorecard or active
    monthly = monthly_results(card, h, as_of)
    util_j = card.measure_ids.index("utilisation") if "utilisation" in card.measure_ids else -1
    auc_s: dict[int, float | None] = {}
    auc_u: dict[int, float | None] = {}
    obs: dict[int, int] = {}
    events: dict[int, int] = {}
    band_rates: dict[str, tuple[int, float | None]] = {}
    decile_rates: list[tuple[int, int, float | None]] = []
    for horizon in HORIZONS:
        pooled = _pool(monthly, h, util_j, horizon, as_of)
        if pooled is None:
            auc_s[horizon] = auc_u[horizon] = None
            obs[horizon] = events[horizon] = 0
            continue
        s, u, b, y = pooled
        auc_s[horizon], auc_u[horizon] = auc(-s, y), auc(-u, y)
        obs[horizon], events[horizon] = int(y.shape[0]), int(y.sum())
        if horizon == RATE_HORIZON:
            band_rates, decile_rates = _rates(b, u, y)
    return ValidationReport(auc_s, auc_u, band_rates, decile_rates, obs, events)


# --------------------------------------------------------------------------- retention


def _revenue(store: Store) -> tuple[RevenueInputs, npt.NDArray[np.object_]]:
    """The book's revenue inputs and each account's current owner (lower case, "" if none)."""
    with store.sessions() as session:
        acc = session.execute(
            select(Account.id, Account.mrr, Csm.full_name)
            .outerjoin(Csm, Csm.id == Account.owner_id)
            .order_by(Account.id)
        ).all()
        ids = np.array([a[0] for a in acc], dtype=np.int64)
        rev = load_revenue(session, ids, floats([a[1] for a in acc]))
    names = np.array([(a[2] or "").lower() for a in acc], dtype=object)
    return rev, names


def _members(names: npt.NDArray[np.object_], owner: str | None) -> npt.NDArray[np.bool_] | None:
    """The accounts ``owner`` owns (None: the whole book); ``UserError`` if there are none."""
    if not owner:
        return None
    members: npt.NDArray[np.bool_] = names == owner.strip().lower()
    if not members.any():
        raise UserError(f"no accounts owned by {owner!r}")
    return members


def retention(store: Store, start: date, end: date, owner: str | None = None) -> RetentionFigures:
    """Logo churn, net and gross MRR retention and MRR churn over ``[start, end]``.

    ``owner`` narrows it to one CSM's current accounts; raises ``UserError`` if
    ``end`` is not after ``start`` or the owner has no accounts.
    """
    if end <= start:
        raise UserError("the retention period must end after it starts")
    rev, names = _revenue(store)
    return retention_figures(rev, start, end, _members(names, owner))


def retention_series(
    store: Store, start: date, end: date, kind: str = "month", owner: str | None = None
) -> list[RetentionFigures]:
    """Retention figures per calendar month or quarter (``kind``) within ``[start, end]``."""
    if end <= start:
        raise UserError("the retention period must end after it starts")
    rev, names = _revenue(store)
    members = _members(names, owner)
    return [retention_figures(rev, a, b, members) for a, b in periods(start, end, kind)]


def retention_by_owner(store: Store, start: date, end: date) -> dict[str, RetentionFigures]:
    """Retention over ``[start, end]`` per CSM (by current owner)."""
    with store.sessions() as session:
        owners = sorted(
            n
            for (n,) in session.execute(
                select(Csm.full_name).join(Account, Account.owner_id == Csm.id).distinct()
            ).all()
        )
    rev, names = _revenue(store)  # once for the book; each CSM is a mask over it
    return {name: retention_figures(rev, start, end, _members(names, name)) for name in owners}
