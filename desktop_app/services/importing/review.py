"""The import review list: rows an import could not link with certainty, and acting on them.

An import keeps a row whose account name only matched approximately (*fuzzy*) or matched
no account (*unmatched*) in ``review_items`` with its canonical record. Accepting a match
stores that record linked to the chosen account with the same storer the import uses, on
the same import batch (its change log gets the inserts and before-images), so rolling the
batch back also takes the accepted rows back, exactly. Dismissing only marks the item.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, select, update

from desktop_app.services.errors import UserError
from desktop_app.services.importing.link import AccountIndex, Linker, LinkMatch
from desktop_app.store.bulk import table_of
from desktop_app.store.engine import Store
from desktop_app.store.import_writer import BatchWriter
from desktop_app.store.schema import (
    Account,
    BillingState,
    ChangeLog,
    Contact,
    ImportBatch,
    ImportProfile,
    NpsResponse,
    Opportunity,
    ReviewItem,
    Subscription,
    Ticket,
    UsageMonth,
)

#: The table each kind of record lands in (accounts never go to review).
_TABLES: dict[str, Any] = {
    "contacts": Contact, "opportunities": Opportunity, "tickets": Ticket,
    "subscriptions": Subscription, "billing": BillingState, "usage": UsageMonth,
    "nps": NpsResponse,
}  # fmt: skip
#: Reserved key in ``payload_json`` recording how a resolved item was resolved.
_RESOLUTION = "_review"

EXPORT_HEADERS = ("Id", "Batch", "File", "Imported at", "Kind", "Row", "Key", "Record",
                  "Candidate id", "Candidate", "Resolved")  # fmt: skip


@dataclass(frozen=True)
class ReviewRow:
    """One review item as the list shows it."""

    id: int
    batch_id: int
    file_name: str
    imported_at: datetime
    kind: str  # "fuzzy" | "unmatched"
    row_number: int | None
    key_value: str
    record_kind: str  # tickets, usage, nps, ...
    candidate_account_id: int | None
    candidate_name: str | None
    resolved: bool
    resolution: str = ""  # "accepted" | "dismissed" | "" (open)
    rows: int = 1  # rows of the file with this key (a wide usage file: one per month)


def list_review(store: Store, *, include_resolved: bool = False) -> list[ReviewRow]:
    """The review items of active (not rolled back) batches, newest batch first."""
    ri, b, acc = table_of(ReviewItem), table_of(ImportBatch), table_of(Account)
    q = (
        select(ri, b.c.file_name, b.c.imported_at, b.c.source_profile, acc.c.name)
        .join(b, b.c.id == ri.c.batch_id)
        .outerjoin(acc, acc.c.id == ri.c.candidate_account_id)
        .where(b.c.rolled_back_at.is_(None))
        .order_by(ri.c.batch_id.desc(), ri.c.row_number, ri.c.id)
    )
    if not include_resolved:
        q = q.where(ri.c.resolved.is_(False))
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
        saved = _saved_kinds(conn) if rows else {}
    out = []
    for r in rows:
        payload = _payload(r["payload_json"])
        records = _records(payload, r["row_number"])
        record_kind = _record_kind(saved, r["source_profile"], records[0][1] if records else {})
        res = payload.get(_RESOLUTION) or {}
        out.append(
            ReviewRow(
                id=r["id"], batch_id=r["batch_id"], file_name=r["file_name"],
                imported_at=r["imported_at"], kind=r["kind"], row_number=r["row_number"],
                key_value=r["key_value"] or "", record_kind=record_kind,
                candidate_account_id=r["candidate_account_id"], candidate_name=r["name"],
                resolved=bool(r["resolved"]), resolution=str(res.get("action", "")),
                rows=max(len(records), 1),
            )
        )  # fmt: skip
    return out


def accept_match(store: Store, review_id: int, account_id: int) -> None:
    """Store the item's record linked to ``account_id`` in its import batch; mark it resolved.

    One transaction. Raises ``UserError`` for an unknown item or account, an item already
    resolved, or a record the storer refuses (the message says why); then nothing changes.
    """
    from desktop_app.io.model import ImportTable
    from desktop_app.services.importing.billing import (
        recompute_from_subscriptions,
        recompute_renewal,
    )
    from desktop_app.services.importing.context import StoreContext
    from desktop_app.services.importing.storers import STORERS

    with store.engine.begin() as conn:
        item, batch = _open_item(conn, review_id)
        acc = table_of(Account)
        if conn.execute(select(acc.c.id).where(acc.c.id == account_id)).first() is None:
            raise UserError(f"There is no account {account_id}.")
        payload = _payload(item["payload_json"])
        group = _records(payload, item["row_number"])
        kind = _record_kind(_saved_kinds(conn), batch["source_profile"],
                            group[0][1] if group else {})  # fmt: skip
        if kind not in _TABLES:
            raise UserError(f"Review item {review_id}: cannot store a {kind!r} record.")
        records = [_typed(table_of(_TABLES[kind]), rec) for _row, rec in group]
        writer = BatchWriter(conn, batch["id"], datetime.now().replace(microsecond=0))
        writer.logged.update(_logged(conn, batch["id"]))
        today = batch["as_of"] or date.today()
        ctx = StoreContext(writer, AccountIndex(), today, batch["file_name"])
        ctx.linker = _Forced(ctx.index, account_id=account_id)
        table = ImportTable.from_rows(records, [row for row, _rec in group])
        touched = STORERS[kind](ctx, table)
        if ctx.problems:
            raise UserError(f"Review item {review_id}: {ctx.problems[0]}")
        if kind == "subscriptions":
            recompute_from_subscriptions(ctx, touched)
        elif kind == "opportunities":
            recompute_renewal(ctx, touched)
        c = ctx.counts
        b = table_of(ImportBatch)
        conn.execute(
            update(b).where(b.c.id == batch["id"]).values(
                rows_new=b.c.rows_new + c.new, rows_updated=b.c.rows_updated + c.updated,
                rows_unchanged=b.c.rows_unchanged + c.unchanged,
                rows_unmatched=b.c.rows_unmatched - len(records))
        )  # fmt: skip
        _resolve(conn, review_id, payload, {"action": "accepted", "account_id": account_id})


def dismiss(store: Store, review_id: int) -> None:
    """Mark an open item resolved without storing anything. Raises ``UserError`` if not open."""
    with store.engine.begin() as conn:
        item, _batch = _open_item(conn, review_id)
        _resolve(conn, review_id, _payload(item["payload_json"]), {"action": "dismissed"})


def reopen(store: Store, review_id: int) -> None:
    """Put a dismissed item back on the list (the undo of ``dismiss``).

    Raises ``UserError`` for an unknown or open item, or one whose match was accepted (its
    record is stored; roll the import back instead).
    """
    ri = table_of(ReviewItem)
    with store.engine.begin() as conn:
        item = _item(conn, review_id)
        if not item["resolved"]:
            raise UserError(f"Review item {review_id} is still open.")
        payload = _payload(item["payload_json"])
        if (payload.get(_RESOLUTION) or {}).get("action") == "accepted":
            raise UserError(
                f"Review item {review_id} was accepted; roll back its import batch to undo it."
            )
        payload.pop(_RESOLUTION, None)
        conn.execute(
            update(ri)
            .where(ri.c.id == review_id)
            .values(resolved=False, payload_json=json.dumps(payload, sort_keys=True))
        )


def export_review(rows: Sequence[ReviewRow], path: str | Path) -> int:
    """Write review rows to a formula-safe .csv (or .xlsx); returns the number of rows."""
    from desktop_app.io.view_export import write_table

    table = [
        (r.id, r.batch_id, r.file_name, r.imported_at, r.kind, r.row_number, r.key_value,
         r.record_kind, r.candidate_account_id, r.candidate_name or "",
         r.resolution or ("yes" if r.resolved else ""))
        for r in rows
    ]  # fmt: skip
    return write_table(path, EXPORT_HEADERS, table)


# --------------------------------------------------------------------------- helpers


class _Forced(Linker):
    """A linker that links every row to one account (the one the user picked)."""

    def __init__(self, index: AccountIndex, *, account_id: int) -> None:
        super().__init__(index)
        self.account_id = account_id

    def link(
        self, *, ids: Any = (), name: str | None = None
    ) -> LinkMatch:  # same keywords as Linker.link
        return LinkMatch("exact", self.account_id, str(name or ""))


def _item(conn: Connection, review_id: int) -> Any:
    ri = table_of(ReviewItem)
    item = conn.execute(select(ri).where(ri.c.id == review_id)).mappings().first()
    if item is None:
        raise UserError(f"There is no review item {review_id}.")
    return item


def _open_item(conn: Connection, review_id: int) -> tuple[Any, Any]:
    item = _item(conn, review_id)
    if item["resolved"]:
        raise UserError(f"Review item {review_id} was already resolved.")
    b = table_of(ImportBatch)
    batch = conn.execute(select(b).where(b.c.id == item["batch_id"])).mappings().one()
    if batch["rolled_back_at"] is not None:
        raise UserError(f"Import batch {batch['id']} of review item {review_id} was rolled back.")
    return item, batch


def _resolve(
    conn: Connection, review_id: int, payload: dict[str, Any], how: dict[str, Any]
) -> None:
    ri = table_of(ReviewItem)
    payload[_RESOLUTION] = how
    conn.execute(
        update(ri)
        .where(ri.c.id == review_id)
        .values(resolved=True, payload_json=json.dumps(payload, sort_keys=True))
    )


def _logged(conn: Connection, batch_id: int) -> set[tuple[str, int]]:
    """Rows the batch already logged: their first before-image is the one to restore."""
    cl = table_of(ChangeLog)
    q = select(cl.c.table_name, cl.c.row_id).where(cl.c.batch_id == batch_id)
    return {(str(t), int(i)) for t, i in conn.execute(q)}


def _payload(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _records(payload: dict[str, Any], row: int | None) -> list[tuple[int, dict[str, Any]]]:
    """(row number, record) of each row an item holds (one, or a key's rows grouped)."""
    grouped = payload.get("_rows")
    if isinstance(grouped, list):
        return [(int(r), dict(rec)) for r, rec in grouped]
    record = {k: v for k, v in payload.items() if k != _RESOLUTION}
    return [(row or 0, record)]


def _typed(table: Table, payload: dict[str, Any]) -> dict[str, Any]:
    """The record with ISO date texts back to dates where ``table`` stores dates."""
    out: dict[str, Any] = {}
    for name, value in payload.items():
        if name == _RESOLUTION:
            continue
        col = table.c.get(name)
        if isinstance(value, str) and col is not None:
            try:
                if isinstance(col.type, DateTime):
                    value = datetime.fromisoformat(value)
                elif isinstance(col.type, Date):
                    value = date.fromisoformat(value[:10])
            except ValueError:
                pass
        out[name] = value
    return out


def _saved_kinds(conn: Connection) -> dict[str, str]:
    """The kind each saved (user) profile holds, keyed as batches name it: "custom:<name>"."""
    prof = table_of(ImportProfile)
    rows = conn.execute(select(prof.c.name, prof.c.source_kind)).all()
    return {f"custom:{name}": str(kind) for name, kind in rows if kind}


def _record_kind(saved: dict[str, str], profile: str, payload: dict[str, Any]) -> str:
    """The kind of record a batch holds: from its profile, else guessed from the fields."""
    from desktop_app.io.profiles import fields_for, profile_kind

    try:
        return profile_kind(profile)
    except KeyError:
        pass
    if profile in saved:
        return saved[profile]
    keys = set(payload) - {_RESOLUTION}
    best = max(_TABLES, key=lambda k: len(keys & set(fields_for(k))))
    return best if keys & set(fields_for(best)) else "unknown"


def find_account(store: Store, text: str) -> int:
    """The id of the account with this Salesforce id (15 or 18 characters) or exact name.

    Names compare trimmed and case-insensitively. Raises ``UserError`` when no account, or
    more than one account, has that name.
    """
    from desktop_app.domain.ids import is_salesforce_id, to_18
    from desktop_app.services.importing.link import norm_name

    acc = table_of(Account)
    wanted = text.strip()
    with store.engine.connect() as conn:
        if is_salesforce_id(wanted):
            hit = conn.execute(
                select(acc.c.id).where(acc.c.sf_account_id == to_18(wanted))
            ).scalar()
            if hit is not None:
                return int(hit)
        names = conn.execute(select(acc.c.id, acc.c.name)).all()
    ids = [int(i) for i, n in names if norm_name(n) == norm_name(wanted)]
    if not ids:
        raise UserError(f"There is no account {wanted!r} (give its Salesforce id or name).")
    if len(ids) > 1:
        raise UserError(f"{len(ids)} accounts are named {wanted!r}; give the Salesforce id.")
    return ids[0]
