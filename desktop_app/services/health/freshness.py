"""Are the stored health scores older than the data? (a guard before exporting scenarios)."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, HealthRun, HealthScore, ImportBatch


def stale_scores(store: Store) -> str | None:
    """Why the stored scores are stale (an import, a rollback, unscored accounts), or None.

    Scenarios exported from stale scores would call accounts "Undefined" or describe the book
    before the last import, so the CLI refuses to export them.
    """
    with store.sessions() as session:
        accounts = session.scalar(select(func.count()).select_from(Account)) or 0
        scored = session.scalar(select(func.count()).select_from(HealthScore)) or 0
        # A rescore leaves unchanged rows alone: the newest run says when the book was
        # scored (books scored before runs were logged: the oldest row).
        ran = session.scalar(select(func.max(HealthRun.computed_at)))
        oldest = ran or session.scalar(select(func.min(HealthScore.computed_at)))
        imported = session.scalar(select(func.max(ImportBatch.imported_at)))
        rolled = session.scalar(select(func.max(ImportBatch.rolled_back_at)))
    if accounts == 0:
        return None
    if scored == 0 or oldest is None:
        return f"none of the {accounts:,} accounts has a health score yet"
    last_write = max(d for d in (imported, rolled, oldest) if d is not None)
    if last_write > oldest:
        return "health scores are older than the last import or rollback"
    return None
