"""After an import: rescore the accounts it touched, or the whole book when it must.

A score reads the account's own rows (its usage, tickets, contacts, subscriptions, NPS,
billing, its account row) and a few **book-wide inputs**, the same for every account:

* the as-of date and the active scorecard version;
* the book's observed day (the newest live import batch's date), which decides which
  months may use current-state signals such as reply dates and renewal dates;
* the sources the book has at all (a first ticket export turns every account's support
  measures from "missing" into counts);
* the months of the history (a first usage row for a new month adds a month to everyone).

When the newest scoring run (``health_runs``) used the same book-wide inputs, only the
accounts whose rows the new batches inserted or updated (``change_log``) can have changed:
they are rescored alone (``rescore_accounts``), at a cost that grows with their number.
Otherwise, and after a rollback or when more than ``MAX_ONLY`` accounts were touched, the
whole book is rescored, and the summary says why (``full_reason``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from desktop_app.services.health.scoring import (
    EPOCH,
    ScoreRunSummary,
    rescore,
    rescore_accounts,
)
from desktop_app.services.health.sources import book_sources
from desktop_app.services.health.versions import active_scorecard
from desktop_app.services.progress import Progress
from desktop_app.store.engine import Store
from desktop_app.store.health_repo import (
    RunInputs,
    batches_since,
    last_run,
    rolled_back_since,
    touched_accounts,
    usage_months_of,
)
from desktop_app.store.history_reader import MAX_ONLY, observed_day

__all__ = ["full_rescore_reason", "rescore_after_import"]


def rescore_after_import(
    store: Store, as_of: date | None = None, progress: Progress | None = None
) -> ScoreRunSummary:
    """Rescore what the imports since the last scoring run changed: the accounts they
    touched, or the whole book when a book-wide input changed (``full_reason`` says which).
    Raises ``Cancelled`` like ``rescore``."""
    as_of = as_of or date.today()
    with store.sessions.begin() as session:
        version_id, _card = active_scorecard(session)
        conn = session.connection()
        ran = last_run(conn)
        reason = None if ran is not None else "the book had not been scored yet"
        ids: list[int] | None = []
        if ran is not None:
            at, before = ran
            now = RunInputs(
                as_of, version_id, observed_day(session, as_of), book_sources(session), ()
            )
            reason = full_rescore_reason(before, now)
            if reason is None and rolled_back_since(conn, at):
                reason = "an import was rolled back"
            if reason is None:
                ids = touched_accounts(conn, batches_since(conn, at), MAX_ONLY)
                if ids is None:
                    reason = f"the import touched more than {MAX_ONLY:,} accounts"
                else:
                    reason = _new_month(conn, ids, before.months, as_of)
    if reason is not None:
        return replace(rescore(store, as_of, progress), full_reason=reason)
    return rescore_accounts(store, ids or [], as_of, progress, history="all")


def full_rescore_reason(before: RunInputs, now: RunInputs) -> str | None:
    """Why scores computed with the book-wide inputs ``before`` are stale for every account
    under ``now`` (None: only the accounts whose own rows changed need a rescore)."""
    if before.as_of != now.as_of:
        return f"the last scores are as of {before.as_of.isoformat()}, not {now.as_of}"
    if before.scorecard_version_id != now.scorecard_version_id:
        return "the active scorecard changed"
    if before.observed_day != now.observed_day:
        return "the book's observed day moved (a newer import date)"
    if before.sources != now.sources:
        added = sorted(now.sources - before.sources)
        gone = sorted(before.sources - now.sources)
        what = ", ".join([*(f"+{s}" for s in added), *(f"-{s}" for s in gone)])
        return f"the sources the book has changed ({what})"
    return None


def _new_month(
    conn: Connection, ids: list[int], months: tuple[int, ...], as_of: date
) -> str | None:
    """A month of usage the touched accounts have and the stored history lacks (it would add
    a month to every account's history)."""
    this_month = as_of.replace(day=1)
    known = {EPOCH.toordinal() + d for d in months}
    for m in usage_months_of(conn, ids):
        if m.replace(day=1) <= this_month and m.toordinal() not in known:
            return f"the import brought a new usage month ({m.isoformat()})"
    return None
