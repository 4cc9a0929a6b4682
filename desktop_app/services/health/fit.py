"""Fit the scorecard to the book's own churn history, and back-test it honestly.

Observations are account-months: every account live at a month-end ``t`` whose outcome is
known by the as-of date (``t + horizon <= as_of``), labelled "churned within the horizon".
Measures at ``t`` use only what was known at ``t`` (``domain.health_inputs``), so nothing
after the as-of date can leak in. The back-test is a time split: the model is fitted on
month-ends whose outcome was known before the test period began, and scored on the later
month-ends, against the current scorecard on the same observations, with account-level
bootstrap intervals (``domain.auc``). The scorecard offered is then refitted on every
observation and has the usual transparent form (``domain.scorecard_fit``); nothing is saved
until the user accepts it (``accept_fit``) or passes ``--activate``.

scikit-learn is imported inside ``fit_scorecard`` only: start-up never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from desktop_app.domain.arrays import BoolArray, FloatArray
from desktop_app.domain.auc import MIN_EVENTS, bootstrap_aucs, interval
from desktop_app.domain.band_reasons import SHORT_LABELS
from desktop_app.domain.churn import day_number
from desktop_app.domain.health import score_book
from desktop_app.domain.health_inputs import HistoryInputs, measures_at
from desktop_app.domain.scorecard import Scorecard
from desktop_app.domain.scorecard_fit import (
    Candidate,
    axis,
    card_from_coefficients,
    effective_weights,
    thresholds,
)
from desktop_app.services.errors import UserError
from desktop_app.services.health.observations import Month, account_ids, labels, observe
from desktop_app.services.health.versions import active_scorecard, default_scorecard, save_version
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.engine import Store
from desktop_app.store.history_reader import load_history

HORIZON_DAYS = 90
MAX_MISSING = 0.7
BOOTSTRAP_REPS = 200


@dataclass(frozen=True, slots=True)
class BandChange:
    account_id: int
    old_band: str
    new_band: str


@dataclass(frozen=True, slots=True)
class FitReport:
    """What ``fit_scorecard`` found, for the CLI and the side-by-side dialog."""

    as_of: date
    horizon_days: int
    n_observations: int
    n_churn_events: int
    n_test_observations: int
    n_test_events: int
    auc_backtest: float | None  # the fitted model on the later month-ends
    auc_backtest_ci: tuple[float, float] | None
    auc_current: float | None  # the current scorecard on the same observations
    auc_current_ci: tuple[float, float] | None
    auc_gain_ci: tuple[float, float] | None  # fitted minus current, paired bootstrap
    verdict: str  # "better" | "keep" | "not enough history"
    message: str
    scorecard: Scorecard | None  # the fitted card (None when there was nothing to fit)
    weights: dict[str, float]  # measure id -> share of the score in percent
    current_weights: dict[str, float]
    band_changes: tuple[BandChange, ...]
    activated_version: int | None = None

    @property
    def recommended(self) -> bool:
        return self.verdict == "better"


def _candidates(base: Scorecard) -> list[Candidate]:
    groups = {g.id: g.label for g in base.groups}
    return [
        Candidate(m.id, m.label, m.group, groups.get(m.group, m.group), m.scale)
        for m in base.measures
    ]


def _matrix(months: list[Month], cands: list[Candidate]) -> tuple[FloatArray, BoolArray]:
    cols = []
    for c in cands:
        parts = [m.inputs.raw.get(c.id, np.full(len(m.inputs), np.nan)) for m in months]
        cols.append(np.concatenate(parts) if parts else np.empty(0))
    x = np.column_stack(cols) if cols else np.empty((0, 0))
    y = np.concatenate([m.label for m in months]) if months else np.empty(0, dtype=bool)
    return x, y


def _fit(x: FloatArray, y: BoolArray, cands: list[Candidate]) -> tuple[
    list[Candidate], FloatArray, FloatArray, list[tuple[float, float]], object, FloatArray,
    FloatArray, list[int]
]:  # fmt: skip
    """Logistic regression on the usable candidates' axes (scikit-learn, lazily)."""
    from sklearn.linear_model import LogisticRegression

    use, limits = [], []
    for j, c in enumerate(cands):
        col = x[:, j]
        if np.isnan(col).mean() > MAX_MISSING:
            continue
        lim = thresholds(col, c.scale)
        if lim is None:
            continue
        use.append(j)
        limits.append(lim)
    if not use:
        raise UserError("no measure in this book varies enough to fit a scorecard")
    z = np.column_stack([axis(x[:, j], cands[j].scale) for j in use])
    med = np.nanmedian(z, axis=0)
    z = np.where(np.isnan(z), med[None, :], z)
    mean, std = z.mean(axis=0), z.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    model = LogisticRegression(C=1.0, max_iter=500)
    model.fit((z - mean) / std, y)
    coef = model.coef_[0]
    return [cands[j] for j in use], coef, std, limits, model, mean, med, use


def _card(
    name: str, x: FloatArray, y: BoolArray, cands: list[Candidate], current: Scorecard
) -> Scorecard:
    used, coef, std, limits, _m, _mean, _med, _use = _fit(x, y, cands)
    return card_from_coefficients(name, used, coef, std, limits, current.bands, current)


def _scores(card: Scorecard, months: list[Month]) -> FloatArray:
    parts = [score_book(card, m.inputs).score for m in months]
    return np.concatenate(parts) if parts else np.empty(0)


def _healthy_threshold(card: Scorecard, months: list[Month], y: BoolArray) -> float:
    """The cut that best separates account-months that churned from those that did not.

    Youden's J (share of churners below the cut minus share of stayers below it), over whole
    scores from 20 to 90: "Risky/Unstable" then marks where this book's churn concentrates.
    """
    s = _scores(card, months)
    ok = ~np.isnan(s)
    s, yy = s[ok], y[ok]
    pos, neg = int(yy.sum()), int((~yy).sum())
    if pos == 0 or neg == 0:
        return card.bands.healthy_min_score
    best, best_j = card.bands.healthy_min_score, -1.0
    for cut in range(20, 91):
        below = s < cut
        j = below[yy].sum() / pos - below[~yy].sum() / neg
        if j > best_j:
            best, best_j = float(cut), float(j)
    return best


def fit_scorecard(
    store: Store,
    as_of: date | None = None,
    horizon_days: int = HORIZON_DAYS,
    progress: Progress | None = None,
) -> FitReport:
    """Fit, back-test and compare a scorecard to the book's churn history (nothing saved)."""
    progress = progress or NullProgress()
    as_of = as_of or date.today()
    if horizon_days < 7:
        raise UserError("the horizon must be at least 7 days")
    check(progress, 0.0, "Loading the book's history…")
    with store.sessions() as session:
        _vid, current = active_scorecard(session)
        h = load_history(session, as_of)
        session.rollback()
    base = _fit_base(current)
    cands = _candidates(base)
    months = observe(current, h, as_of, horizon_days, progress)
    x, y = _matrix(months, cands)
    n_obs, n_events = int(y.shape[0]), int(y.sum())
    cur_w = effective_weights(current)
    if n_events < MIN_EVENTS or n_obs - n_events < MIN_EVENTS:
        return _empty_report(as_of, horizon_days, n_obs, n_events, cur_w)
    check(progress, 0.45, "Back-testing on the later months…")
    train, test = _split(months, horizon_days)
    x_tr, y_tr = _matrix(train, cands)
    y_te = labels(test)
    auc_b = auc_c = None
    ci_b = ci_c = gain = None
    n_te, e_te = int(y_te.shape[0]), int(y_te.sum())
    if y_tr.sum() >= MIN_EVENTS and e_te >= MIN_EVENTS:
        early = _card("back-test", x_tr, y_tr, cands, base)
        s_fit, s_cur = _scores(early, test), _scores(current, test)
        s_fit = np.nan_to_num(s_fit, nan=50.0)
        s_cur = np.nan_to_num(s_cur, nan=50.0)
        points, samples = bootstrap_aucs([-s_fit, -s_cur], y_te, account_ids(test), BOOTSTRAP_REPS)
        auc_b, auc_c = _round(points[0]), _round(points[1])
        if samples.shape[1]:
            ci_b, ci_c = interval(samples[0]), interval(samples[1])
            gain = interval(samples[0] - samples[1])
    check(progress, 0.75, "Fitting on the whole history…")
    card = _card(f"Fitted to churn history as of {as_of.isoformat()}", x, y, cands, base)
    card = replace(
        card, bands=replace(card.bands, healthy_min_score=_healthy_threshold(card, months, y))
    )
    check(progress, 0.9, "Comparing bands…")
    changes = _band_changes(current, card, h, as_of)
    verdict, message = _verdict(auc_b, auc_c, gain, e_te)
    progress.report(1.0, "Fit done")
    return FitReport(
        as_of=as_of,
        horizon_days=horizon_days,
        n_observations=n_obs,
        n_churn_events=n_events,
        n_test_observations=n_te,
        n_test_events=e_te,
        auc_backtest=auc_b,
        auc_backtest_ci=ci_b,
        auc_current=auc_c,
        auc_current_ci=ci_c,
        auc_gain_ci=gain,
        verdict=verdict,
        message=message,
        scorecard=card,
        weights=effective_weights(card),
        current_weights=cur_w,
        band_changes=changes,
    )


def _fit_base(current: Scorecard) -> Scorecard:
    """The current card, with any known measure it lacks (from the default) as a candidate."""
    default = default_scorecard()
    have = {m.id for m in current.measures}
    groups = {g.id for g in current.groups}
    extra_m = tuple(m for m in default.measures if m.id not in have)
    extra_g = tuple(
        g for g in default.groups if g.id not in groups and any(m.group == g.id for m in extra_m)
    )
    return replace(current, groups=current.groups + extra_g, measures=current.measures + extra_m)


def _split(months: list[Month], horizon_days: int) -> tuple[list[Month], list[Month]]:
    """(train, test): the last third of the month-ends is the test period; training uses
    only month-ends whose outcome was known before the test period starts."""
    n = len(months)
    first_test = max(1, n - max(3, n // 3))
    if first_test >= n:
        return months, []
    start = months[first_test].t
    train = [m for m in months[:first_test] if m.t + horizon_days <= start]
    return train, months[first_test:]


def _round(v: float | None) -> float | None:
    return None if v is None or np.isnan(v) else round(float(v), 4)


def _verdict(
    fitted: float | None,
    current: float | None,
    gain: tuple[float, float] | None,
    test_events: int,
) -> tuple[str, str]:
    if fitted is None or current is None or gain is None or test_events < MIN_EVENTS:
        return (
            "not enough history",
            f"Not enough churn history to judge: {test_events} churn events in the back-test "
            f"months (at least {MIN_EVENTS} are needed). Keep the current scorecard.",
        )
    if gain[0] > 0:
        return (
            "better",
            f"The fitted scorecard ranks churn better in the back-test: AUC {fitted:.2f} "
            f"against {current:.2f} for the current one (gain {gain[0]:+.2f} to {gain[1]:+.2f}, "
            "95 % interval).",
        )
    return (
        "keep",
        f"The fitted scorecard does not clearly beat the current one in the back-test (AUC "
        f"{fitted:.2f} against {current:.2f}; the 95 % interval of the gain, {gain[0]:+.2f} to "
        f"{gain[1]:+.2f}, includes no gain). Keep the current scorecard.",
    )


def _band_changes(
    current: Scorecard, fitted: Scorecard, h: HistoryInputs, as_of: date
) -> tuple[BandChange, ...]:
    inputs = measures_at(current, h, float(day_number(as_of)))
    old, new = score_book(current, inputs), score_book(fitted, inputs)
    changed = np.flatnonzero(old.band_code != new.band_code)
    ob, nb = old.band, new.band
    return tuple(BandChange(int(old.account_id[i]), str(ob[i]), str(nb[i])) for i in changed)


def _empty_report(
    as_of: date, horizon_days: int, n_obs: int, n_events: int, cur_w: dict[str, float]
) -> FitReport:
    return FitReport(
        as_of=as_of,
        horizon_days=horizon_days,
        n_observations=n_obs,
        n_churn_events=n_events,
        n_test_observations=0,
        n_test_events=0,
        auc_backtest=None,
        auc_backtest_ci=None,
        auc_current=None,
        auc_current_ci=None,
        auc_gain_ci=None,
        verdict="not enough history",
        message=(
            f"Not enough churn history to fit: {n_events} churn events in {n_obs} "
            f"account-months (at least {MIN_EVENTS} of each outcome are needed). "
            "Keep the current scorecard."
        ),
        scorecard=None,
        weights={},
        current_weights=cur_w,
        band_changes=(),
    )


def accept_fit(store: Store, report: FitReport, name: str | None = None) -> int:
    """Save the fitted scorecard as a new version and make it active; returns its id."""
    if report.scorecard is None:
        raise UserError("there is no fitted scorecard to save")
    return save_version(store, name or report.scorecard.name, report.scorecard, activate=True)


def measure_label(measure_id: str) -> str:
    """The short name of a measure for tables of weights."""
    return SHORT_LABELS.get(measure_id, measure_id)
