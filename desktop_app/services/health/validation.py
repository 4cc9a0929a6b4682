""" "Does our score predict churn?": AUCs with intervals, churn rates by band and decile;
retention.

The score is judged against each single signal of *this* book (latest MAU, utilisation, MRR,
tenure, MAU trend, days to term end), each with an account-level bootstrap interval, so the
view shows which signals carry information here. Below ``MIN_EVENTS`` churn events it gives
no verdict at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.arrays import FloatArray
from desktop_app.domain.auc import MIN_EVENTS, bootstrap_aucs, interval
from desktop_app.domain.band_reasons import SHORT_LABELS
from desktop_app.domain.churn import (
    RetentionFigures,
    RevenueInputs,
    deciles,
    periods,
    rate_by_group,
    retention_figures,
)
from desktop_app.domain.health import score_book
from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.errors import UserError
from desktop_app.services.health.observations import Month, account_ids, labels, observe
from desktop_app.services.health.versions import active_scorecard, default_scorecard
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.engine import Store
from desktop_app.store.history_reader import floats, load_history, load_revenue
from desktop_app.store.schema import Account, Csm

#: Horizons of the validation, in days (the legacy month keys 3 and 6 map onto them).
HORIZON_DAYS = (90, 180)
LEGACY_MONTHS = {90: 3, 180: 6}
#: Churn rates by band and by decile use this horizon (days).
RATE_HORIZON_DAYS = 90
RATE_HORIZON = 3  # the same, in months (older callers)
BOOTSTRAP_REPS = 100
#: Single signals the score is compared with (measure ids; low value = riskier).
SIGNALS = ("mau_latest", "utilisation", "mrr", "tenure_months", "mau_trend_3m", "days_to_term_end")


@dataclass(frozen=True, slots=True)
class SignalAuc:
    """How well one signal alone ranks churn (low value = riskier)."""

    signal: str
    label: str
    auc: float | None
    ci: tuple[float, float] | None
    events: int
    observations: int


@dataclass(frozen=True, slots=True)
class ValidationReport:
    auc_score: dict[int, float | None]  # horizon months (3, 6) -> AUC of the health score
    auc_usage: dict[int, float | None]  # the same for latest MAU alone
    churn_by_band: dict[str, tuple[int, float | None]]  # band -> (observations, rate)
    churn_by_decile: list[tuple[int, int, float | None]]  # latest-MAU decile (1-10), n, rate
    observations: dict[int, int]  # horizon months -> account-months used
    churn_events: dict[int, int]  # horizon months -> account-months followed by churn
    score: dict[int, SignalAuc] = field(default_factory=dict)  # horizon days -> the score
    signals: dict[int, list[SignalAuc]] = field(default_factory=dict)  # horizon days ->
    churn_by_score_decile: list[tuple[int, int, int, float | None]] = field(
        default_factory=list
    )  # (score decile 1 = lowest, observations, churn events, rate)
    band_events: dict[str, int] = field(default_factory=dict)  # band -> churn events
    enough_history: bool = False
    verdict: str = ""

    @property
    def score_beats_usage(self) -> bool:
        return self.enough_history and all(
            (self.auc_score[h] or 0.0) > (self.auc_usage[h] or 0.0) for h in self.auc_score
        )


def _opt(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _rates(
    b: npt.NDArray[np.int64], s: FloatArray, u: FloatArray, y: npt.NDArray[np.bool_]
) -> tuple[
    dict[str, tuple[int, float | None]],
    dict[str, int],
    list[tuple[int, int, float | None]],
    list[tuple[int, int, int, float | None]],
]:
    rates = rate_by_group(b, y, len(BAND_ORDER))
    counts = np.bincount(b[b >= 0], minlength=len(BAND_ORDER))
    events = np.bincount(b[b >= 0], weights=y[b >= 0], minlength=len(BAND_ORDER))
    by_band = {bd.value: (int(counts[i]), _opt(rates[i])) for i, bd in enumerate(BAND_ORDER)}
    band_events = {bd.value: int(events[i]) for i, bd in enumerate(BAND_ORDER)}
    out = []
    for values in (u, s):
        dec = deciles(values)
        d_rates = rate_by_group(dec, y, 10)
        d_counts = np.bincount(dec[dec >= 0], minlength=10)
        d_events = np.bincount(dec[dec >= 0], weights=y[dec >= 0], minlength=10)
        out.append((d_counts, d_events, d_rates))
    usage_dec = [(k + 1, int(out[0][0][k]), _opt(out[0][2][k])) for k in range(10)]
    score_dec = [
        (k + 1, int(out[1][0][k]), int(out[1][1][k]), _opt(out[1][2][k])) for k in range(10)
    ]
    return by_band, band_events, usage_dec, score_dec


def _signal_aucs(
    months: list[Month], card: Scorecard, labels_by_signal: dict[str, str]
) -> tuple[SignalAuc, list[SignalAuc], FloatArray, npt.NDArray[np.int64], FloatArray]:
    """The score's and each single signal's AUC (with intervals) over ``months``."""
    results = [score_book(card, m.inputs) for m in months]
    score = np.concatenate([r.score for r in results])
    bands = np.concatenate([r.band_code.astype(np.int64) for r in results])
    y = labels(months)
    cluster = account_ids(months)
    risks = [-score]
    for sig in SIGNALS:
        risks.append(-np.concatenate([_raw(m, sig) for m in months]))
    out = []
    for k, risk in enumerate(risks):
        ok = ~np.isnan(risk)
        points, samples = bootstrap_aucs([risk], y, cluster, BOOTSTRAP_REPS, seed=k)
        name = "health_score" if k == 0 else SIGNALS[k - 1]
        out.append(
            SignalAuc(
                signal=name,
                label="health score" if k == 0 else labels_by_signal.get(name, name),
                auc=None if points[0] is None else round(points[0], 4),
                ci=interval(samples[0]) if samples.shape[1] else None,
                events=int(y[ok].sum()),
                observations=int(ok.sum()),
            )
        )
    usage = -risks[1]
    return out[0], out[1:], score, bands, usage


def _raw(m: Month, signal: str) -> FloatArray:
    value = m.inputs.raw.get(signal)
    return np.full(len(m.inputs), np.nan) if value is None else value


def _verdict(score: SignalAuc, signals: list[SignalAuc]) -> tuple[bool, str]:
    if score.events < MIN_EVENTS or score.auc is None:
        return False, (
            f"Not enough churn history to judge: {score.events} churn events within "
            f"{RATE_HORIZON_DAYS} days (at least {MIN_EVENTS} are needed)."
        )
    text = f"The health score ranks {RATE_HORIZON_DAYS}-day churn at AUC {score.auc:.2f}"
    if score.ci:
        text += f" ({score.ci[0]:.2f}–{score.ci[1]:.2f})"
    usable = [s for s in signals if s.auc is not None and s.ci is not None]
    if not usable:
        return True, text + " (0.5 = coin toss, 1 = perfect)."
    best = max(usable, key=lambda s: s.auc or 0.0)
    best_ci = best.ci or (0.0, 1.0)
    text += f"; the strongest single signal, {best.label}, at {best.auc or 0.0:.2f}. "
    if score.ci and score.ci[0] > best_ci[1]:
        text += "The score beats every single signal in this book."
    elif score.ci and score.ci[1] < best_ci[0]:
        text += (
            f"{best.label} alone ranks churn better: try Health ▸ Scorecard ▸ "
            "Suggest weights from my churn history."
        )
    else:
        text += "The intervals overlap: neither clearly ranks better."
    return True, text


def validate(
    store: Store,
    as_of: date | None = None,
    scorecard: Scorecard | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """How well the score, and each single signal, rank churn within 90 and 180 days.

    Pools every month-end whose horizon ends by ``as_of`` (default today), measured with
    only what was known then. Also the churn rate (and the churn events behind it) by band,
    by score decile and by latest-MAU decile at the 90-day horizon. With fewer than
    ``MIN_EVENTS`` churn events there is no verdict. ``scorecard`` defaults to the active one.
    """
    progress = progress or NullProgress()
    as_of = as_of or date.today()
    with store.sessions() as session:
        _vid, active = active_scorecard(session)
        h = load_history(session, as_of)
        session.rollback()
    card = scorecard or active
    names = {m.id: SHORT_LABELS.get(m.id, m.label) for m in default_scorecard().measures}
    auc_s: dict[int, float | None] = {}
    auc_u: dict[int, float | None] = {}
    obs: dict[int, int] = {}
    events: dict[int, int] = {}
    score_by: dict[int, SignalAuc] = {}
    signals_by: dict[int, list[SignalAuc]] = {}
    rates: Any = ({}, {}, [], [])
    for k, horizon in enumerate(HORIZON_DAYS):
        span = (k / len(HORIZON_DAYS), (k + 0.6) / len(HORIZON_DAYS))
        months = observe(card, h, as_of, horizon, progress, span)
        legacy = LEGACY_MONTHS[horizon]
        y = labels(months)
        obs[legacy], events[legacy] = int(y.shape[0]), int(y.sum())
        if not months:
            auc_s[legacy] = auc_u[legacy] = None
            continue
        check(progress, (k + 0.7) / len(HORIZON_DAYS), "Measuring AUCs…")
        score, signals, s, b, u = _signal_aucs(months, card, names)
        score_by[horizon], signals_by[horizon] = score, signals
        auc_s[legacy], auc_u[legacy] = score.auc, signals[0].auc
        if horizon == RATE_HORIZON_DAYS:
            rates = _rates(b, s, u, y)
    headline = score_by.get(RATE_HORIZON_DAYS)
    enough, verdict = (
        _verdict(headline, signals_by[RATE_HORIZON_DAYS])
        if headline is not None
        else (False, "Not enough churn history to judge: no month has a known outcome yet.")
    )
    progress.report(1.0, "Validation done")
    by_band, band_events, usage_dec, score_dec = rates
    return ValidationReport(
        auc_score=auc_s,
        auc_usage=auc_u,
        churn_by_band=by_band,
        churn_by_decile=usage_dec,
        observations=obs,
        churn_events=events,
        score=score_by,
        signals=signals_by,
        churn_by_score_decile=score_dec,
        band_events=band_events,
        enough_history=enough,
        verdict=verdict,
    )


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
