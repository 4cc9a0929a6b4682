"""Health scoring use cases: rescore the book, explain a score, history and trend, previews.

``rescore`` loads every input with a few whole-table queries (``health_loading``), scores the
book in numpy (``domain.health``), writes ``health_scores`` with the active scorecard version
and rebuilds the monthly ``health_snapshots`` from the imported history. Overrides, versions,
validation and retention live in sibling modules and are re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

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
from desktop_app.domain.health_inputs import HistoryInputs, last_valid_index, measures_at
from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.errors import UserError
from desktop_app.services.health_loading import load_history
from desktop_app.services.health_overrides import (
    OverrideInfo,
    active_overrides,
    clear_override,
    refresh_review_flags,
    restore_override,
    set_override,
)
from desktop_app.services.health_versions import (
    VersionInfo,
    activate_version,
    active_scorecard,
    get_active,
    list_versions,
    save_version,
)
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.services.team_sync import announce, hold_book_lock
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, HealthOverride, HealthScore, HealthSnapshot

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
    "list_versions",
    "monthly_results",
    "preview_change",
    "rescore",
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
    months = [EPOCH + timedelta(days=int(d)) for d in h.month_day]
    this_month = as_of.replace(day=1)
    months = [m for m in months if m <= this_month]
    if this_month not in months:
        months.append(this_month)
    last_idx = last_valid_index(h.mau)
    out = []
    for m in months:
        t = _day(min(_month_end(m), as_of))
        out.append((m, score_book(card, measures_at(card, h, t, last_idx))))
    return out


def rescore(
    store: Store, as_of: date | None = None, progress: Progress | None = None
) -> ScoreRunSummary:
    """Recompute every account's health as of ``as_of`` (default today) and its history.

    Writes ``health_scores`` and ``health_snapshots`` in one transaction; raises
    ``Cancelled`` (nothing written) if ``progress`` asks to stop.
    """
    progress = progress or NullProgress()
    as_of = as_of or date.today()
    check(progress, 0.0, "Loading health inputs…")
    with store.sessions.begin() as session:
        hold_book_lock(session.connection(), progress)
        version_id, card = active_scorecard(session)
        h = load_history(session, as_of)
        check(progress, 0.3, "Scoring…")
        monthly = monthly_results(card, h, as_of)
        inputs = measures_at(card, h, _day(as_of))
        current = score_book(card, inputs)
        reasons = band_reasons(card, inputs, current)
        check(progress, 0.6, "Writing scores…")
        _write_scores(session, current, reasons, version_id, as_of)
        n_snap = _write_snapshots(session, monthly, version_id)
        review = refresh_review_flags(session, as_of)
        announce(session.connection(), None)
        check(progress, 0.95, "Saving…")
    progress.report(1.0, "Scores updated")
    counts = {b.value: int((current.band_code == i).sum()) for i, b in enumerate(BAND_ORDER)}
    return ScoreRunSummary(as_of, version_id, len(current), counts, n_snap, review)


def _measure_dicts(result: ScoreResult) -> list[dict[str, Any]]:
    raw = np.round(result.raw, 4).tolist()
    pts = np.round(result.points, 2).tolist()
    w = np.round(result.weight, 3).tolist()
    con = np.round(result.contribution, 3).tolist()
    ids, labels = result.measure_ids, result.measure_labels
    out = []
    for i in range(len(result)):
        measures = {
            mid: {
                "label": labels[j],
                "raw": _num(raw[i][j]),
                "points": _num(pts[i][j]),
                "weight": w[i][j],
                "contribution": con[i][j],
            }
            for j, mid in enumerate(ids)
        }
        out.append({"measures": measures, "organic": bool(result.organic[i])})
    return out


def _num(v: float) -> float | None:
    return None if v != v else v  # NaN -> None (JSON has no NaN)


def _write_scores(
    session: Session, r: ScoreResult, reasons: list[str], version_id: int, as_of: date
) -> None:
    session.execute(delete(HealthScore))
    now = datetime.now()
    bands = r.band
    rows = [
        {
            "account_id": int(r.account_id[i]),
            "score": _num(float(r.score[i])),
            "band": bands[i],
            "band_reason": reasons[i],
            "confidence": int(r.confidence[i]),
            "measures_json": json.dumps(m),
            "scorecard_version_id": version_id,
            "as_of": as_of,
            "computed_at": now,
        }
        for i, m in enumerate(_measure_dicts(r))
    ]
    if rows:
        session.execute(insert(HealthScore), rows)


def _write_snapshots(
    session: Session, monthly: list[tuple[date, ScoreResult]], version_id: int
) -> int:
    session.execute(delete(HealthSnapshot))
    total = 0
    for k, (month, r) in enumerate(monthly):
        # Contributions are kept for the last two months only ("what changed since last
        # month"); older snapshots keep score, band and confidence (10x smaller book files).
        keep_measures = k >= len(monthly) - 2
        con = np.round(r.contribution, 2).tolist() if keep_measures else None
        bands = r.band
        rows = [
            {
                "account_id": int(r.account_id[i]),
                "month": month,
                "score": _num(float(r.score[i])),
                "band": bands[i],
                "confidence": int(r.confidence[i]),
                "measures_json": json.dumps(dict(zip(r.measure_ids, con[i], strict=True)))
                if con is not None
                else None,
                "scorecard_version_id": version_id,
            }
            for i in range(len(r))
        ]
        if rows:
            session.execute(insert(HealthSnapshot), rows)
        total += len(rows)
    return total


def explain(store: Store, account_id: int) -> HealthExplanation | None:
    """The stored breakdown of an account's score (None if it has no score yet)."""
    with store.sessions() as session:
        if session.get(Account, account_id) is None:
            raise UserError(f"no account with id {account_id}")
        row = session.get(HealthScore, account_id)
        override = session.execute(
            select(HealthOverride.band)
            .where(HealthOverride.account_id == account_id, HealthOverride.is_active.is_(True))
            .order_by(HealthOverride.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if row is None or row.measures_json is None:
        return None
    data = json.loads(row.measures_json)
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
        override_band=override,
        band_reason=row.band_reason,
    )


def history(store: Store, account_id: int) -> HealthHistory:
    """Monthly health of an account, its trend arrow and the measures that moved it most."""
    with store.sessions() as session:
        rows = session.execute(
            select(
                HealthSnapshot.month,
                HealthSnapshot.score,
                HealthSnapshot.band,
                HealthSnapshot.measures_json,
            )
            .where(HealthSnapshot.account_id == account_id)
            .order_by(HealthSnapshot.month)
        ).all()
    points = [(r[0], r[1], r[2]) for r in rows]
    if len(rows) < 2:
        return HealthHistory(points, "→", [])
    before = json.loads(rows[-2][3] or "{}")
    after = json.loads(rows[-1][3] or "{}")
    return HealthHistory(
        points, trend_arrow(rows[-2][1], rows[-1][1]), biggest_movers(before, after)
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
