"""Many clients, one team database: imports and rescoring take turns; edits are announced."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from desktop_app.services.progress import Progress
from desktop_app.store.dialect import is_postgres, lock_key, try_lock_key
from desktop_app.store.engine import Store
from desktop_app.store.team_sync import (
    PARTIAL_MAX,
    ChangeListener,
    Changes,
    notify_changed,
    touched_accounts,
)

__all__ = [
    "PARTIAL_MAX",
    "WAIT_MESSAGE",
    "ChangeListener",
    "Changes",
    "announce",
    "announce_batches",
    "hold_book_lock",
    "listen",
]

WAIT_MESSAGE = (
    "Waiting: another import or rescoring is running on the team database; "
    "this one starts when it is done…"
)


def hold_book_lock(conn: Connection, progress: Progress) -> None:
    """Take the book-wide write lock for this transaction, saying so if it has to wait.

    Two imports (or an import and a rescoring) never interleave: the second waits.
    """
    if try_lock_key(conn, "book"):
        return
    progress.report(0.0, WAIT_MESSAGE)
    lock_key(conn, "book")


def announce(conn: Connection, account_ids: Iterable[int] | None) -> None:
    """Tell other clients which accounts changed (None: the whole book), on commit."""
    notify_changed(conn, account_ids)


def announce_batches(conn: Connection, batch_ids: Iterable[int]) -> None:
    """Tell other clients which accounts these import batches touched (a few: those ids;
    many: the whole book). Call it before a rollback removes the batch's rows."""
    if is_postgres(conn):
        notify_changed(conn, touched_accounts(conn, batch_ids))


def listen(store: Store) -> ChangeListener:
    """A listener for other clients' changes (inactive on SQLite); close it when done."""
    return ChangeListener(store.engine)
