"""Storing account exports: the only kind that creates accounts (and their CSMs)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import select

from desktop_app.services.importing_context import StoreContext
from desktop_app.services.importing_link import norm_code, norm_name
from desktop_app.services.importing_store import coerce, fetch_rows, table_of, upsert
from desktop_app.store.schema import Account, Csm

ACCOUNT_FIELDS = (
    "sf_account_id", "name", "lms_id", "recurly_code", "team_lead", "segment",
    "account_type", "industry", "contracted_seats", "mrr", "arr", "renewal_date",
    "lifecycle", "churn_date", "churn_type", "churn_reason",
)  # fmt: skip
#: Never blanked by an export that leaves them empty (ids, name, lifecycle).
KEEP_IF_NONE = ("sf_account_id", "name", "lms_id", "recurly_code", "lifecycle")


def store_accounts(
    ctx: StoreContext, records: Sequence[dict[str, Any]], rows: Sequence[int]
) -> None:
    """Upsert accounts by Salesforce id, else LMS id, else exact name; create CSMs."""
    provided = {k for r in records for k in r}
    cols = [c for c in ACCOUNT_FIELDS if c in provided]
    owners = _owner_ids(ctx, records) if "owner" in provided else {}
    if owners:
        cols.append("owner_id")
    acc = table_of(Account)
    current = {r["id"]: r for r in fetch_rows(ctx.writer.conn, acc, cols)}
    items: list[tuple[Hashable, dict[str, Any], int]] = []
    for rec, num in zip(records, rows, strict=True):
        if not rec.get("name") and not rec.get("sf_account_id"):
            ctx.counts.skipped += 1
            ctx.problem(num, "account without a name or Salesforce id was skipped")
            continue
        key = _resolve(ctx, rec, num)
        if key is None:
            continue
        row = coerce(acc, {c: rec.get(c) for c in cols if c != "owner_id"})
        if "owner_id" in cols:
            row["owner_id"] = owners.get(norm_name(rec.get("owner")))
        if key[0] == "id" and not rec.get("sf_account_id") and not rec.get("lms_id"):
            row.pop("name", None)  # matched by name: keep the spelling already in the book
        if key[0] == "new":
            if not rec.get("name"):
                ctx.counts.skipped += 1
                ctx.problem(num, f"new account {rec.get('sf_account_id')} has no name; skipped")
                continue
            row["lifecycle"] = row.get("lifecycle") or "active"
            row["created_at"] = ctx.writer.now
        items.append((key, row, num))
    unique = ctx.dedupe(items, "account")
    existing: dict[Hashable, dict[str, Any]] = {("id", aid): r for aid, r in current.items()}
    res = upsert(ctx.writer, acc, unique, existing, keep_if_none=KEEP_IF_NONE)
    ctx.counts.add(res)
    ctx.touched_accounts.update(res.ids)


def _resolve(ctx: StoreContext, rec: dict[str, Any], num: int) -> tuple[str, Any] | None:
    """("id", account id) for an existing account, ("new", key) for a new one, None: review."""
    idx = ctx.index
    sf = rec.get("sf_account_id")
    if sf and sf in idx.by_sf:
        return ("id", idx.by_sf[sf])
    lms = norm_code(rec.get("lms_id"))
    if lms and lms in idx.by_lms:
        return ("id", idx.by_lms[lms])
    if sf or lms:
        hit = idx.by_name.get(norm_name(rec.get("name")))
        if hit is not None and hit not in idx.with_sf:
            return ("id", hit)
        return ("new", sf or lms)
    m = idx.by_account_name(rec.get("name"), fuzzy_budget=ctx.linker.budget)
    if m.outcome == "exact":
        return ("id", m.account_id)
    if m.outcome == "fuzzy":
        ctx.review(m, num, rec)
        return None
    return ("new", norm_name(rec.get("name")))


def _owner_ids(ctx: StoreContext, records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """CSM id per normalised owner name, creating the CSMs this file introduces."""
    csm = table_of(Csm)
    conn = ctx.writer.conn
    known = {norm_name(n): i for i, n in conn.execute(select(csm.c.id, csm.c.full_name))}
    wanted: dict[str, dict[str, Any]] = {}
    for rec in records:
        name = rec.get("owner")
        key = norm_name(name)
        if key and key not in known and key not in wanted:
            wanted[key] = {
                "full_name": " ".join(str(name).split()),
                "email": rec.get("owner_email"),
                "team_lead": rec.get("team_lead"),
                "is_team_lead": False,
                "batch_id": ctx.writer.batch_id,
            }
    if wanted:
        ctx.writer.insert_rows(csm, list(wanted.values()))
        known = {norm_name(n): i for i, n in conn.execute(select(csm.c.id, csm.c.full_name))}
    return known
