"""Import history: the list of batches, and rolling one back exactly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, select, update
from sqlalchemy.orm import aliased

from desktop_app.services.errors import UserError
from desktop_app.services.progress import NullProgress, Progress
from desktop_app.services.team import announce_batches, hold_book_lock
from desktop_app.store.bulk import table_of
from desktop_app.store.engine import Store
from desktop_app.store.import_writer import CHUNK, decode_row
from desktop_app.store.schema import (
    Account,
    Base,
    BillingState,
    ChangeLog,
    Contact,
    FieldHistory,
    ImportBatch,
    Note,
    NpsResponse,
    Opportunity,
    ReviewItem,
    Subscription,
    Ticket,
    UsageMonth,
)

#: Tables whose rows hang off an account and record their batch.
_CHILDREN = (Contact, Subscription, UsageMonth, Opportunity, Ticket, NpsResponse,
             BillingState, Note)  # fmt: skip


@dataclass(frozen=True)
class BatchInfo:
    """One import batch as the history lists it."""

    id: int
    file_name: str
    profile: str
    sheet: str | None
    imported_at: datetime
    rows_total: int
    new: int
    updated: int
    unchanged: int
    unmatched: int
    skipped: int
    rolled_back_at: datetime | None

    @property
    def active(self) -> bool:
        """False once the batch has been rolled back."""
        return self.rolled_back_at is None


def list_batches(store: Store) -> list[BatchInfo]:
    """Every import batch, newest first."""
    b = table_of(ImportBatch)
    with store.engine.connect() as conn:
        rows = conn.execute(select(b).order_by(b.c.id.desc())).mappings().all()
    return [
        BatchInfo(
            id=r["id"],
            file_name=r["file_name"],
            profile=r["source_profile"],
            sheet=r["sheet"],
            imported_at=r["imported_at"],
            rows_total=r["rows_total"] or 0,
            new=r["rows_new"] or 0,
            updated=r["rows_updated"] or 0,
            unchanged=r["rows_unchanged"] or 0,
            unmatched=r["rows_unmatched"] or 0,
            skipped=r["rows_skipped"] or 0,
            rolled_back_at=r["rolled_back_at"],
        )
        for r in rows
    ]


def rollback_batch(store: Store, batch_id: int, progress: Progress | None = None) -> None:
    """Undo one import batch, restoring every row it touched to its earlier state.

    Raises ``UserError`` when the batch does not exist, was already rolled back, cannot be
    rolled back (the demo book), or a later import changed the same rows (roll that back
    first).
    """
    b = table_of(ImportBatch)
    with store.engine.begin() as conn:
        hold_book_lock(conn, progress or NullProgress())
        announce_batches(conn, [batch_id])
        batch = conn.execute(select(b).where(b.c.id == batch_id)).mappings().first()
        if batch is None:
            raise UserError(f"There is no import batch {batch_id}.")
        if batch["rolled_back_at"] is not None:
            raise UserError(f"Import batch {batch_id} was already rolled back.")
        cl = table_of(ChangeLog)
        entries = conn.execute(
            select(cl.c.id, cl.c.table_name, cl.c.row_id, cl.c.op, cl.c.before_json)
            .where(cl.c.batch_id == batch_id)
            .order_by(cl.c.id)
        ).all()
        if not entries and (batch["rows_new"] or batch["rows_updated"]):
            raise UserError(
                f"Import batch {batch_id} ({batch['file_name']}) cannot be rolled back."
            )
        _check_later(conn, batch_id)
        _undo(conn, entries)
        for model in (FieldHistory, ReviewItem, ChangeLog):
            t = table_of(model)
            conn.execute(delete(t).where(t.c.batch_id == batch_id))
        conn.execute(
            update(b)
            .where(b.c.id == batch_id)
            .values(rolled_back_at=datetime.now().replace(microsecond=0))
        )


def _check_later(conn: Connection, batch_id: int) -> None:
    """Refuse when a later, still active batch touched rows of this one."""
    cl = table_of(ChangeLog)
    b = table_of(ImportBatch)
    mine, later = aliased(cl), aliased(cl)
    q = (
        select(later.c.batch_id)
        .join(mine, and_(mine.c.table_name == later.c.table_name, mine.c.row_id == later.c.row_id))
        .join(b, b.c.id == later.c.batch_id)
        .where(
            mine.c.batch_id == batch_id, later.c.batch_id > batch_id, b.c.rolled_back_at.is_(None)
        )
        .limit(1)
    )
    hit = conn.execute(q).scalar()
    if hit is None:
        hit = _later_children(conn, batch_id)
    if hit is not None:
        raise UserError(
            f"Import batch {hit} changed data of batch {batch_id}; roll back batch {hit} first."
        )


def _later_children(conn: Connection, batch_id: int) -> int | None:
    cl = table_of(ChangeLog)
    created = (
        select(cl.c.row_id)
        .where(cl.c.batch_id == batch_id, cl.c.table_name == "accounts", cl.c.op == "insert")
        .scalar_subquery()
    )
    for model in _CHILDREN:
        t = table_of(model)
        q = select(t.c.batch_id).where(
            t.c.account_id.in_(created),
            (t.c.batch_id != batch_id) | t.c.batch_id.is_(None),
        )
        row = conn.execute(q.limit(1)).first()
        if row is not None:
            return int(row[0]) if row[0] is not None else -1
    acc = table_of(Account)
    q2 = select(acc.c.batch_id).where(
        acc.c.owner_id.in_(
            select(cl.c.row_id).where(
                cl.c.batch_id == batch_id, cl.c.table_name == "csms", cl.c.op == "insert"
            )
        ),
        (acc.c.batch_id != batch_id) | acc.c.batch_id.is_(None),
    )
    row = conn.execute(q2.limit(1)).first()
    return None if row is None else (int(row[0]) if row[0] is not None else -1)


def _undo(conn: Connection, entries: Sequence[Any]) -> None:
    """Restore before-images, then delete inserted rows (children before parents)."""
    tables: dict[str, Table] = dict(Base.metadata.tables)
    inserted: dict[str, list[int]] = defaultdict(list)
    restored: dict[str, list[dict[str, Any]]] = defaultdict(list)
    first_seen: dict[str, int] = {}
    for entry_id, name, row_id, op, before in entries:
        first_seen.setdefault(name, entry_id)
        if op == "insert":
            inserted[name].append(row_id)
        elif before is not None:
            restored[name].append(decode_row(tables[name], before))
    for name, rows in restored.items():
        t = tables[name]
        cols = [c.name for c in t.c if c.name != "id"]
        stmt = (
            update(t)
            .where(t.c.id == bindparam("_id"))
            .values({c: bindparam("_v_" + c) for c in cols})
        )
        conn.execute(stmt, [{"_id": r["id"], **{"_v_" + c: r.get(c) for c in cols}} for r in rows])
    for name in sorted(inserted, key=lambda n: -first_seen[n]):
        t = tables[name]
        ids = inserted[name]
        for start in range(0, len(ids), CHUNK):
            conn.execute(delete(t).where(t.c.id.in_(ids[start : start + CHUNK])))
