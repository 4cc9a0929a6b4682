"""Health scoring use cases: rescore the book, explain a score, history and trend, previews.

``rescore`` loads every input with a few whole-table queries (``store.history_reader``),
scores the book in numpy (``domain.health``), writes ``health_scores`` with the active
scorecard version and rebuilds the monthly ``health_history`` from the imported history
(``store.health_repo`` and ``store.health_history_repo`` write only the rows that
changed). An account's past months are scored again only when what they were scored from
changed (``domain.history_keys``); otherwise they are copied from its stored row.
Overrides, versions, validation and retention live in sibling modules and are re-exported
here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from desktop_app.domain.accounts import BAND_ORDER, HealthBand
from desktop_app.domain.band_reasons import band_reasons
from desktop_app.domain.churn import day_number
from desktop_app.domain.health import (
    HealthExplanation,
    MeasureLine,
    ScoreResult,
    biggest_movers,
    score_book,
    trend_arrow,
)
from desktop_app.domain.health_inputs import HistoryInputs, measures_at, prepare
from desktop_app.domain.history_keys import past_keys, subset
from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.errors import UserError
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.health.overrides import (
    OverrideInfo,
    active_overrides,
    clear_override,
    refresh_review_flags,
    restore_override,
    set_override,
)
from desktop_app.services.health.versions import (
    VersionInfo,
    activate_version,
    active_scorecard,
    get_active,
    list_versions,
    save_version,
)
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.services.team import announce, hold_book_lock
from desktop_app.store.bulk import WriteCount
from desktop_app.store.engine import Store
from desktop_app.store.health_history_reader import book_months, read_history
from desktop_app.store.health_history_repo import (
    patch_last_month,
    reusable_past,
    stored_history,
    write_history,
)
from desktop_app.store.health_repo import RunInputs, record_run, stored_measures_json, write_scores
from desktop_app.store.history_reader import MAX_ONLY, load_history
from desktop_app.store.schema import Account, HealthOverride, HealthScore

__all__ = [
    "HealthHistory",
    "OverrideInfo",
    "PreviewRow",
    "ScoreRunSummary",
    "VersionInfo",
    "activate_version",
    "active_overrides",
    "clear_override",
    "explain",
    "get_active",
    "history",
    "iter_monthly_results",
    "list_versions",
    "monthly_results",
    "preview_change",
    "rescore",
    "rescore_accounts",
    "restore_override",
    "save_version",
    "set_override",
]

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class ScoreRunSummary:
    as_of: date
    scorecard_version_id: int
    accounts_scored: int
    band_counts: dict[str, int]
    snapshots: int
    overrides_needing_review: int
    #: "book" or "accounts" (a rescore of the accounts an edit or an import touched).
    scope: str = "book"
    #: Rows of ``health_scores`` and ``health_history`` written, and left alone as unchanged.
    rows_written: int = 0
    rows_unchanged: int = 0
    #: Why the whole book was rescored when only some accounts were asked for (else None).
    full_reason: str | None = None
    #: Accounts whose past months were kept from the stored history (their inputs, the
    #: scorecard and the months were those they had been scored from), not scored again.
    history_reused: int = 0


@dataclass(frozen=True, slots=True)
class HealthHistory:
    """Monthly (month, score, band) points, the trend arrow and what moved the score."""

    points: list[tuple[date, float | None, str | None]]
    arrow: str
    changes: list[tuple[str, float]]  # (measure id, contribution delta) largest first


@dataclass(frozen=True, slots=True)
class PreviewRow:
    account_id: int
    name: str
    old_band: str
    new_band: str


def _month_end(month: date) -> date:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _day(d: date) -> float:
    return float(day_number(d))


def monthly_results(
    card: Scorecard, h: HistoryInputs, as_of: date
) -> list[tuple[date, ScoreResult]]:
    """The book's score at the end of every month of its history up to ``as_of``."""
    return list(iter_monthly_results(card, h, as_of))


def iter_monthly_results(
    card: Scorecard,
    h: HistoryInputs,
    as_of: date,
    book_months: Sequence[date] = (),
    current: ScoreResult | None = None,
) -> Iterator[tuple[date, ScoreResult]]:
    """``monthly_results`` one month at a time (the rescore keeps only what it stores:
    25 full results of a 100k book, with their per-measure arrays, took 1.4 GB).

    ``book_months``: months of the whole book's history, for inputs of some accounts only.
    ``current``: the book already scored at ``as_of`` (the last month is then not scored
    again).
    """
    prep = prepare(h)
    for m in history_months(h, as_of, book_months):
        t = _day(min(_month_end(m), as_of))
        if current is not None and t == _day(as_of):
            yield m, current
        else:
            yield m, score_book(card, measures_at(card, h, t, evidence=False, prep=prep))


def history_months(h: HistoryInputs, as_of: date, book_months: Sequence[date] = ()) -> list[date]:
    """The months a rescore as of ``as_of`` records: every month of usage up to the current
    one, which is always included."""
    days = {int(d) for d in h.month_day} | {(m - EPOCH).days for m in book_months}
    months = [EPOCH + timedelta(days=d) for d in sorted(days)]
    this_month = as_of.replace(day=1)
    months = [m for m in months if m <= this_month]
    if this_month not in months:
        months.append(this_month)
    return months


def _run_inputs(
    h: HistoryInputs, version_id: int, as_of: date, months: Sequence[date]
) -> RunInputs:
    """The book-wide inputs ``h`` was scored with (what ``health_incremental`` compares)."""
    observed = EPOCH + timedelta(days=int(h.observed_day))
    days = tuple((m - EPOCH).days for m in months)
    return RunInputs(as_of, version_id, observed, h.sources, days)


def rescore(
    store: Store, as_of: date | None = None, progress: Progress | None = None
) -> ScoreRunSummary:
    """Recompute every account's health as of ``as_of`` (default today) and its history.

    Writes the rows of ``health_scores`` and ``health_history`` that changed (a rescore of
    an unchanged book writes none) in one transaction, and logs the run; raises
    ``Cancelled`` (nothing written) if ``progress`` asks to stop.
    """
    progress = progress or NullProgress()
    as_of = as_of or date.today()
    check(progress, 0.0, "Loading health inputs…")
    count = WriteCount()
    # The book's arrays and row lists form no cycles: full collections over them freed
    # nothing (``gc_pause``) and, on a worker, stopped the GUI thread too.
    with gc_paused(), store.sessions.begin() as session:
        hold_book_lock(session.connection(), progress)
        version_id, card = active_scorecard(session)
        h = load_history(session, as_of)
        check(progress, 0.3, "Scoring…")
        inputs = measures_at(card, h, _day(as_of))
        current = score_book(card, inputs)
        reasons = band_reasons(card, inputs, current)
        del inputs
        check(progress, 0.5, "Writing scores…")
        conn = session.connection()
        write_scores(conn, current, reasons, version_id, as_of, count=count)
        del reasons
        check(progress, 0.6, "Scoring and writing the monthly history…")
        months = history_months(h, as_of)
        keys = (h.account_id, past_keys(card, version_id, h, _past_days(months, as_of)))
        stored = stored_history(conn)
        past = reusable_past(stored, version_id, months, len(card.measures), keys)
        todo = np.flatnonzero(~np.isin(h.account_id, past.account_id, assume_unique=True))
        scored = h if len(todo) == len(h) else subset(h, todo)
        monthly = iter_monthly_results(card, scored, as_of, months, current=current)
        n_snap = write_history(
            conn, monthly, version_id, count=count, keys=keys, past=past, stored=stored
        )
        review = refresh_review_flags(session, as_of)
        run = _run_inputs(h, version_id, as_of, months)
        record_run(conn, "book", run, len(current), count.written)
        announce(session.connection(), None)
        check(progress, 0.95, "Saving…")
    progress.report(1.0, "Scores updated")
    counts = {b.value: int((current.band_code == i).sum()) for i, b in enumerate(BAND_ORDER)}
    return ScoreRunSummary(as_of, version_id, len(current), counts, n_snap, review,
                           "book", count.written, count.unchanged,
                           history_reused=len(past.account_id))  # fmt: skip


def _past_days(months: Sequence[date], as_of: date) -> list[float]:
    """The scoring days of the history's months before the last (the current one)."""
    return [_day(min(_month_end(m), as_of)) for m in months[:-1]]


def rescore_accounts(
    store: Store,
    account_ids: Iterable[int],
    as_of: date | None = None,
    progress: Progress | None = None,
    *,
    history: str = "all",
) -> ScoreRunSummary:
    """Recompute the health and history of ``account_ids`` only (after an edit, or an import
    that touched them): the cost grows with their number, not with the book's.

    ``history="current"`` (an edit: only today's facts changed) rewrites the current month
    of the stored history only, when the stored months end with it; ``"all"`` (an import,
    which may bring past months) rewrites the accounts' whole history. More than ``MAX_ONLY``
    accounts rescore the whole book (``rescore``). Accounts no longer scored (churned,
    deleted) lose their stored score. Raises ``Cancelled`` like ``rescore``.

    The caller knows the book-wide inputs did not change (``health_incremental``): with
    another scorecard, as-of date or observed day, the other accounts would be stale.
    """
    ids = sorted({int(a) for a in account_ids})
    if len(ids) > MAX_ONLY:
        return rescore(store, as_of, progress)
    progress = progress or NullProgress()
    as_of = as_of or date.today()
    check(progress, 0.0, f"Rescoring {len(ids):,} accounts…")
    count = WriteCount()
    with gc_paused(), store.sessions.begin() as session:
        version_id, card = active_scorecard(session)
        h = load_history(session, as_of, only=ids)
        inputs = measures_at(card, h, _day(as_of))
        current = score_book(card, inputs)
        reasons = band_reasons(card, inputs, current)
        check(progress, 0.5, "Writing scores…")
        conn = session.connection()
        write_scores(conn, current, reasons, version_id, as_of, only=ids, count=count)
        this_month = as_of.replace(day=1)
        stored_months = book_months(conn)
        if history == "current" and patch_last_month(conn, current, version_id, this_month, ids):
            n_snap = len(current)
            count.written += len(ids)
        else:
            every = history_months(h, as_of, stored_months)
            keys = (h.account_id, past_keys(card, version_id, h, _past_days(every, as_of)))
            months = iter_monthly_results(card, h, as_of, stored_months, current=current)
            n_snap = write_history(conn, months, version_id, only=ids, count=count, keys=keys)
        review = refresh_review_flags(session, as_of)
        run = _run_inputs(h, version_id, as_of, history_months(h, as_of, stored_months))
        record_run(conn, "accounts", run, len(current), count.written)
        announce(conn, ids)  # other clients reload these accounts' rows only
    progress.report(1.0, "Scores updated")
    counts = {b.value: int((current.band_code == i).sum()) for i, b in enumerate(BAND_ORDER)}
    return ScoreRunSummary(as_of, version_id, len(current), counts, n_snap, review,
                           "accounts", count.written, count.unchanged)  # fmt: skip


def explain(store: Store, account_id: int) -> HealthExplanation | None:
    """The stored breakdown of an account's score (None if it has no score yet)."""
    with store.sessions() as session:
        if session.get(Account, account_id) is None:
            raise UserError(f"no account with id {account_id}")
        row = session.get(HealthScore, account_id)
        text = stored_measures_json(session.connection(), account_id)
        override = session.execute(
            select(HealthOverride.band, HealthOverride.id)
            .where(HealthOverride.account_id == account_id, HealthOverride.is_active.is_(True))
            .order_by(HealthOverride.id.desc())
            .limit(1)
        ).first()
    if row is None or text is None:
        return None
    data = json.loads(text)
    lines = []
    for mid, m in data["measures"].items():
        pts, w = m["points"], float(m["weight"])
        lost = 0.0 if pts is None else w * (100.0 - pts) / 100.0
        lines.append(MeasureLine(mid, m["label"], m["raw"], pts, w, float(m["contribution"]), lost))
    worst = max(lines, key=lambda ln: ln.lost, default=None)
    return HealthExplanation(
        account_id=account_id,
        score=row.score,
        band=HealthBand(row.band) if row.band else HealthBand.UNDEFINED,
        confidence=row.confidence,
        lines=tuple(lines),
        dragging=worst.measure if worst is not None and worst.lost > 0 else None,
        organic_contraction=bool(data.get("organic")),
        override_band=None if override is None else override[0],
        band_reason=row.band_reason,
        override_id=None if override is None else int(override[1]),
    )


def history(store: Store, account_id: int) -> HealthHistory:
    """Monthly health of an account, its trend arrow and the measures that moved it most."""
    with store.engine.connect() as conn:
        stored = read_history(conn, account_id)
    if stored is None:
        return HealthHistory([], "→", [])
    points = list(zip(stored.months, stored.scores, stored.bands, strict=True))
    if len(points) < 2:
        return HealthHistory(points, "→", [])
    return HealthHistory(
        points,
        trend_arrow(points[-2][1], points[-1][1]),
        biggest_movers(stored.before, stored.after),
    )


class ScorePreviewer:
    """Loads the inputs once, then scores the book with any scorecard (for live previews)."""

    def __init__(self, store: Store, as_of: date | None = None) -> None:
        self.as_of = as_of or date.today()
        with store.sessions() as session:
            self._history = load_history(session, self.as_of)
            names = {int(a): str(b) for a, b in session.execute(select(Account.id, Account.name))}
        self._names = names
        _vid, self.current = get_active(store)
        self._baseline = self.bands(self.current)

    @property
    def names(self) -> dict[int, str]:
        """Account id -> name, for lists of accounts that change band."""
        return self._names

    def bands(self, card: Scorecard) -> ScoreResult:
        """The book scored with ``card`` as of the previewer's date."""
        return score_book(card, measures_at(card, self._history, _day(self.as_of)))

    def compare(self, card: Scorecard) -> list[PreviewRow]:
        """Accounts whose computed band would change under ``card``."""
        new = self.bands(card)
        old = self._baseline
        changed = np.flatnonzero(new.band_code != old.band_code)
        old_b, new_b = old.band, new.band
        return [
            PreviewRow(
                int(old.account_id[i]),
                self._names.get(int(old.account_id[i]), "?"),
                str(old_b[i]),
                str(new_b[i]),
            )
            for i in changed
        ]


def preview_change(store: Store, scorecard: Scorecard) -> tuple[int, list[PreviewRow]]:
    """How many accounts would change band under ``scorecard``, and which."""
    rows = ScorePreviewer(store).compare(scorecard)
    return len(rows), rows
