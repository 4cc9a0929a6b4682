"""Storing fact exports linked to existing accounts: contacts, opportunities, tickets, NPS.

Rows that match no account go to the review list as *unmatched*; rows whose account name
only matches approximately go there as *fuzzy*. Neither is written to the fact tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import Table

from desktop_app.io.model import ImportTable
from desktop_app.services.importing.context import StoreContext
from desktop_app.services.importing.link import LinkMatch, norm_code, norm_name
from desktop_app.store.bulk import table_of
from desktop_app.store.import_writer import coerce, fetch_rows, upsert
from desktop_app.store.schema import Contact, NpsResponse, Opportunity, Ticket

KeyFn = Callable[[dict[str, Any]], Hashable]


def write_linked(
    ctx: StoreContext,
    table: Table,
    items: list[tuple[Hashable, dict[str, Any], int]],
    key_of: KeyFn,
    *,
    entity: str,
    what: str,
    tracked: Sequence[str] = (),
    keep_if_none: Sequence[str] = (),
    where: Sequence[Any] = (),
) -> list[int]:
    """Dedupe, compare with the stored rows, write, log tracked changes; touched account ids."""
    keep = ctx.dedupe([k for k, _r, _n in items], lambda i, j: items[i][1] == items[j][1],
                      [n for _k, _r, n in items], what)  # fmt: skip
    unique = [(k, items[i][1]) for k, i in keep.items()]
    cols = [c.name for c in table.c]
    existing: dict[Hashable, dict[str, Any]] = {}
    for r in fetch_rows(ctx.writer.conn, table, cols, *where):
        existing.setdefault(key_of(r), r)
    res = upsert(ctx.writer, table, unique, existing, tracked=tracked, keep_if_none=keep_if_none)
    ctx.counts.add(res)
    for row_id, col, old, new in res.changes:
        ctx.writer.history(entity, row_id, col, old, new)
    touched = {int(r["account_id"]) for _k, r in unique if r.get("account_id") is not None}
    ctx.touched_accounts.update(touched)
    return sorted(touched)


def by_sf_or_name(ctx: StoreContext) -> Callable[[dict[str, Any]], LinkMatch]:
    """Link by the row's Salesforce account id, else by the account name."""

    def resolve(rec: dict[str, Any]) -> LinkMatch:
        return ctx.linker.link(
            ids=[(ctx.index.by_sf, rec.get("account_sf_id"))], name=rec.get("account_name")
        )

    return resolve


def pick(rec: dict[str, Any], fields: Sequence[str], table: Table) -> dict[str, Any]:
    """The provided fields of a record (absent ones are left alone), typed for ``table``."""
    return coerce(table, {f: rec[f] for f in fields if f in rec})


CONTACT_FIELDS = (
    "sf_contact_id", "first_name", "last_name", "email", "phone", "title", "is_main_poc",
    "last_replied", "status",
)  # fmt: skip


def _contact_key(r: dict[str, Any]) -> Hashable:
    """The export's contact id, else (account, e-mail, full name).

    A shared mailbox (``support@clinic.org`` used by two people) is common, so an e-mail
    alone never identifies a contact: two names on one address are two contacts.
    """
    if r.get("sf_contact_id"):
        return ("sf", r["sf_contact_id"])
    return (
        "person",
        r.get("account_id"),
        norm_code(r["email"]) if r.get("email") else None,
        norm_name(r.get("first_name")),
        norm_name(r.get("last_name")),
    )


def store_contacts(ctx: StoreContext, table: ImportTable) -> None:
    """Upsert contacts by Salesforce contact id, else by (account, e-mail, full name)."""
    items = []
    for rec, num, aid in ctx.link_all(table, by_sf_or_name(ctx)):
        row = pick(rec, CONTACT_FIELDS, table_of(Contact)) | {"account_id": aid}
        if "is_main_poc" in row and row["is_main_poc"] is None:
            row["is_main_poc"] = False
        if row.get("email"):
            row["email"] = str(row["email"]).strip()
        items.append((_contact_key(row), row, num))
    write_linked(ctx, table_of(Contact), items, _contact_key, entity="contact", what="contact",
                 keep_if_none=("sf_contact_id",))  # fmt: skip


OPP_FIELDS = (
    "sf_opportunity_id", "name", "kind", "stage", "amount", "close_date", "is_closed",
    "is_won", "rsm", "origin",
)  # fmt: skip


def _opp_key(r: dict[str, Any]) -> Hashable:
    if r.get("sf_opportunity_id"):
        return ("sf", r["sf_opportunity_id"])
    return ("name", r.get("account_id"), norm_name(r.get("name")), r.get("close_date"))


def store_opportunities(ctx: StoreContext, table: ImportTable) -> list[int]:
    """Upsert opportunities; stage changes go to the field history. Touched account ids."""
    items = []
    for rec, num, aid in ctx.link_all(table, by_sf_or_name(ctx)):
        row = pick(rec, OPP_FIELDS, table_of(Opportunity)) | {"account_id": aid}
        if not row.get("kind"):
            row["kind"] = "renewal" if "renew" in str(rec.get("name") or "").lower() else "new"
        for flag in ("is_closed", "is_won"):
            if flag in row and row[flag] is None:
                row[flag] = False
        items.append((_opp_key(row), row, num))
    return write_linked(ctx, table_of(Opportunity), items, _opp_key, entity="opportunity",
                        what="opportunity", tracked=("stage",))  # fmt: skip


TICKET_FIELDS = (
    "source", "key", "subject", "category", "status", "is_open", "waiting_on", "priority",
    "opened_at", "updated_at", "resolved_at", "assignee", "reporter", "is_escalation",
)  # fmt: skip


def _ticket_key(r: dict[str, Any]) -> Hashable:
    return (r.get("source"), r.get("key"))


def store_tickets(ctx: StoreContext, table: ImportTable) -> None:
    """Upsert tickets by (source, key); status changes go to the field history."""
    items = []
    for rec, num, aid in ctx.link_all(table, by_sf_or_name(ctx)):
        if not rec.get("key"):
            ctx.skip(num, "ticket without a key was skipped")
            continue
        row = pick(rec, TICKET_FIELDS, table_of(Ticket)) | {"account_id": aid}
        row["source"] = row.get("source") or "jira"
        for flag, default in (("is_open", True), ("is_escalation", False)):
            if flag in row and row[flag] is None:
                row[flag] = default
        items.append((_ticket_key(row), row, num))
    write_linked(ctx, table_of(Ticket), items, _ticket_key, entity="ticket", what="ticket",
                 tracked=("status",))  # fmt: skip


NPS_FIELDS = ("response_id", "contact_email", "score", "comment", "responded_at")


def _nps_key(r: dict[str, Any]) -> Hashable:
    return r.get("response_id")


def _synthetic_response_id(rec: dict[str, Any]) -> str:
    text = "|".join(
        str(rec.get(k)) for k in ("contact_email", "account_sf_id", "account_name",
                                  "responded_at", "score")
    )  # fmt: skip
    return "auto:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def store_nps(ctx: StoreContext, table: ImportTable) -> None:
    """Upsert NPS responses linked by contact e-mail, else account id, else account name."""

    def resolve(rec: dict[str, Any]) -> LinkMatch:
        ids = [(ctx.index.by_email, rec.get("contact_email")),
               (ctx.index.by_sf, rec.get("account_sf_id"))]  # fmt: skip
        return ctx.linker.link(ids=ids, name=rec.get("account_name"))

    items = []
    for rec, num, aid in ctx.link_all(table, resolve):
        if rec.get("score") is None or rec.get("responded_at") is None:
            ctx.skip(num, "NPS response without a score or date was skipped")
            continue
        row = pick(rec, NPS_FIELDS, table_of(NpsResponse)) | {"account_id": aid}
        row["response_id"] = row.get("response_id") or _synthetic_response_id(rec)
        items.append((_nps_key(row), row, num))
    write_linked(ctx, table_of(NpsResponse), items, _nps_key, entity="nps", what="NPS response")
