"""Clients of one team database tell each other what changed (PostgreSQL LISTEN/NOTIFY).

A writer calls ``notify_changed`` inside its transaction; PostgreSQL delivers the message
when (and only if) it commits. A reader keeps a ``ChangeListener`` and polls it. On SQLite
(one user, one file) both are no-ops.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from desktop_app.store.dialect import is_postgres

CHANNEL = "account_desk_changes"
WHOLE_BOOK = "book"
_MAX_PAYLOAD = 7000  # PostgreSQL refuses payloads of 8000 bytes and more


def notify_changed(conn: Connection, account_ids: Iterable[int] | None) -> None:
    """Announce changed accounts (``None``: the whole book, e.g. after an import)."""
    if not is_postgres(conn):
        return
    payload = WHOLE_BOOK
    if account_ids is not None:
        ids = ",".join(str(int(a)) for a in sorted(set(account_ids)))
        if not ids:
            return
        payload = ids if len(ids) <= _MAX_PAYLOAD else WHOLE_BOOK
    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})


@dataclass
class Changes:
    """What other clients committed since the last poll."""

    account_ids: set[int] = field(default_factory=set)
    whole_book: bool = False

    def __bool__(self) -> bool:
        return self.whole_book or bool(self.account_ids)


class ChangeListener:
    """A dedicated connection that LISTENs on the team channel (inactive on SQLite)."""

    def __init__(self, engine: Engine) -> None:
        self._conn: Any = None
        if engine.dialect.name != "postgresql":
            return
        raw = engine.raw_connection()
        self._raw = raw
        conn: Any = raw.driver_connection
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn = conn

    @property
    def active(self) -> bool:
        return self._conn is not None

    def poll(self, timeout: float = 0.0) -> Changes:
        """Collect the notifications that arrived (waiting up to ``timeout`` s for the first)."""
        out = Changes()
        if self._conn is None:
            return out
        if timeout > 0:
            for n in self._conn.notifies(timeout=timeout, stop_after=1):
                _add(out, n.payload)
        # Then whatever else is already queued, without waiting (~0.1 ms: fine on a timer).
        for n in self._conn.notifies(timeout=0):
            _add(out, n.payload)
        return out

    def close(self) -> None:
        if self._conn is not None:
            self._raw.invalidate()  # never hand a LISTENing connection back to the pool
            self._conn = None


def _add(out: Changes, payload: str) -> None:
    if payload == WHOLE_BOOK:
        out.whole_book = True
        return
    out.account_ids.update(int(p) for p in payload.split(",") if p)
