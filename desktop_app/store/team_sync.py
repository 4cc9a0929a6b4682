"""Clients of one team database tell each other what changed (PostgreSQL LISTEN/NOTIFY).

A writer calls ``notify_changed`` inside its transaction; PostgreSQL delivers the message
when (and only if) it commits. A reader keeps a ``ChangeListener`` and polls it. On SQLite
(one user, one file) both are no-ops.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from desktop_app.store.dialect import is_postgres

CHANNEL = "account_desk_changes"
WHOLE_BOOK = "book"
_MAX_PAYLOAD = 7000  # PostgreSQL refuses payloads of 8000 bytes and more
#: More changed accounts than this: clients reload the whole book rather than row by row
#: (reloading n accounts' rows costs ~n indexed reads; a whole 100k book ~1-2 s).
PARTIAL_MAX = 1000


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


def touched_accounts(
    conn: Connection, batch_ids: Iterable[int], whole_if: Iterable[str] = ()
) -> list[int] | None:
    """The accounts whose rows the import batches ``batch_ids`` wrote (from their change log).

    None (the whole book) when they touched more than ``PARTIAL_MAX`` accounts, deleted
    rows, wrote a table that is not one account's (CSMs and team leads: many accounts
    show them), or one of the tables ``whole_if``. Call it while the rows are in place
    (before a rollback removes them).
    """
    from desktop_app.store.schema import Base, ChangeLog

    cl = ChangeLog.__table__
    batches = [int(b) for b in batch_ids]
    if not batches:
        return []
    in_batch = cl.c.batch_id.in_(batches)
    if conn.execute(select(cl.c.id).where(in_batch, cl.c.op == "delete").limit(1)).first():
        return None
    ids: set[int] = set()
    for name in conn.execute(select(cl.c.table_name).where(in_batch).distinct()).scalars():
        if name in whole_if:
            return None
        rows = select(cl.c.row_id).where(in_batch, cl.c.table_name == name)
        table = Base.metadata.tables.get(str(name))
        if name == "accounts":
            query = rows
        elif table is not None and "account_id" in table.c:
            query = select(table.c.account_id).where(table.c.id.in_(rows)).distinct()
        else:
            return None
        ids.update(int(a) for a in conn.execute(query).scalars() if a is not None)
        if len(ids) > PARTIAL_MAX:
            return None
    return sorted(ids)


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
