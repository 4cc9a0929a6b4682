"""Storing account exports: the only kind that creates accounts (and their CSMs).

Works on the import table's columns: a 100k-row report is linked in one pass over a few
lists, and new accounts go to the database as plain tuples (``BatchWriter.insert_tuples``).

**MRR and ARR have one owner per account.** Once a subscription export has linked any
subscription to an account, its MRR is the sum of its live subscriptions (and ARR 12x
that), written by ``importing_billing.recompute_from_subscriptions``; an account export
then leaves both alone. An account with no subscription takes them from the account
export. So importing the account export and the subscription export in either order gives
the same MRR, and rolling back the subscription batch hands MRR back to the account export.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any

from desktop_app.io.model import ImportTable, take
from desktop_app.services.importing.context import StoreContext
from desktop_app.services.importing.link import norm_code, norm_name
from desktop_app.store.bulk import table_of
from desktop_app.store.import_writer import (
    accounts_with_subscriptions,
    coerce_column,
    csm_ids,
    fetch_rows,
)
from desktop_app.store.schema import Account, Csm

ACCOUNT_FIELDS = (
    "sf_account_id", "name", "lms_id", "recurly_code", "team_lead", "segment",
    "account_type", "industry", "contracted_seats", "mrr", "arr", "renewal_date",
    "lifecycle", "churn_date", "churn_type", "churn_reason",
)  # fmt: skip
#: Never blanked by an export that leaves them empty (ids, name, lifecycle).
KEEP_IF_NONE = ("sf_account_id", "name", "lms_id", "recurly_code", "lifecycle")
#: Rows between two cancel checks in the per-row loops.
CHECK_EVERY = 5_000


#: Owned by the subscriptions once an account has any (see the module docstring).
SUBSCRIPTION_OWNED = ("mrr", "arr")


def store_accounts(ctx: StoreContext, table: ImportTable) -> None:
    """Upsert accounts by Salesforce id, else LMS id, else exact name; create CSMs."""
    data, rows = table.columns, table.rows
    n = len(table)
    cols = [c for c in ACCOUNT_FIELDS if c in data]
    acc = table_of(Account)
    values = [coerce_column(acc, c, data[c]) for c in cols]
    if "owner" in data:
        owners = _owner_ids(ctx, data, n)
        cols.append("owner_id")
        owner_of = {o: owners.get(norm_name(o)) if o else None for o in set(data["owner"])}
        values.append(list(map(owner_of.__getitem__, data["owner"])))
    keys, index = _keys(ctx, data, rows, n)
    unique = ctx.dedupe(keys, lambda i, j: all(v[i] == v[j] for v in values), rows, "account",
                        positions=index)  # fmt: skip
    del keys, index
    _upsert(ctx, cols, values, unique, data)


def _keys(
    ctx: StoreContext, data: dict[str, list[Any]], rows: Sequence[int], n: int
) -> tuple[list[Hashable], list[int]]:
    """The key each storable row is stored under and its position: a new account's id or
    name (text), an existing one's ("id", id). Rows to skip or review are left out."""
    blank = [None] * n
    names, sfs, lmss = (data.get(c, blank) for c in ("name", "sf_account_id", "lms_id"))
    fresh = ctx.index.is_empty()  # a book without accounts: every row is a new account
    if fresh and all(names):  # every row named: the loop's answers, without a call per row
        ctx.check_cancelled()
        ids = zip(sfs, lmss, names, strict=True)
        keys: list[Hashable] = [sf or norm_code(lms) or norm_name(nm) for sf, lms, nm in ids]
        return keys, list(range(n))
    keys, index = [], []
    for i in range(n):
        if i % CHECK_EVERY == 0:
            ctx.check_cancelled()
        name, sf, lms = names[i], sfs[i], lmss[i]
        if not name and not sf:
            ctx.skip(rows[i], "account without a name or Salesforce id was skipped")
            continue
        if fresh:  # what ``_resolve`` answers when no account can match
            key: tuple[str, Any] | None = ("new", sf or norm_code(lms) or norm_name(name))
        else:
            key = _resolve(ctx, sf, lms, name, partial(_record, data, i), rows[i])
        if key is None:
            continue
        if key[0] == "new" and not name:
            ctx.skip(rows[i], f"new account {sf} has no name; skipped")
            continue
        keys.append(key[1] if key[0] == "new" else key)
        index.append(i)
    return keys, index


def _record(data: dict[str, list[Any]], i: int) -> dict[str, Any]:
    return {name: col[i] for name, col in data.items()}


def _upsert(
    ctx: StoreContext,
    cols: list[str],
    values: list[list[Any]],
    unique: dict[Hashable, int],
    data: dict[str, list[Any]],
) -> None:
    """Insert the new accounts as tuples; update the existing ones whose values differ."""
    acc = table_of(Account)
    writer = ctx.writer
    existing = any(isinstance(k, tuple) for k in unique)
    current = {r["id"]: r for r in fetch_rows(writer.conn, acc, cols)} if existing else {}
    subscribed = accounts_with_subscriptions(writer.conn) if existing else set()
    blank = [None] * len(next(iter(data.values()), []))
    sfs, lmss = data.get("sf_account_id", blank), data.get("lms_id", blank)
    new: list[int] = [] if existing else list(unique.values())
    updates: list[dict[str, Any]] = []
    for count, (key, i) in enumerate(unique.items() if existing else ()):
        if count % CHECK_EVERY == 0:
            ctx.check_cancelled()
        if not isinstance(key, tuple):
            new.append(i)
            continue
        aid = key[1]
        cur = current[aid]
        ctx.touched_accounts.add(aid)
        if all(cur[c] == v[i] for c, v in zip(cols, values, strict=True)):
            ctx.counts.unchanged += 1
            continue
        by_name = not sfs[i] and not lmss[i]
        owned = SUBSCRIPTION_OWNED if aid in subscribed else ()
        diff = {
            c: v[i]
            for c, v in zip(cols, values, strict=True)
            if cur[c] != v[i]
            and not (v[i] is None and c in KEEP_IF_NONE)
            and not (by_name and c == "name")  # matched by name: keep the book's spelling
            and c not in owned
        }
        if not diff:
            ctx.counts.unchanged += 1
            continue
        updates.append({**diff, "id": aid, "batch_id": writer.batch_id})
    writer.update_rows(acc, updates)
    ctx.counts.updated += len(updates)
    if new:
        rows = new if len(new) < len(next(iter(values), [])) else None  # None: all, in order
        columns: dict[str, Any] = {c: v if rows is None else take(v, rows)
                                   for c, v in zip(cols, values, strict=True)}  # fmt: skip
        life = columns.get("lifecycle")
        columns["lifecycle"] = "active" if life is None else [x or "active" for x in life]
        columns |= {"created_at": writer.now, "batch_id": writer.batch_id}
        writer.insert_columns(acc, columns, ctx.progress)
    ctx.counts.new += len(new)


def _resolve(
    ctx: StoreContext,
    sf: Any,
    lms_raw: Any,
    name: Any,
    record: Callable[[], dict[str, Any]],
    num: int,
) -> tuple[str, Any] | None:
    """("id", account id) for an existing account, ("new", key) for a new one, None: review."""
    idx = ctx.index
    if sf and sf in idx.by_sf:
        return ("id", idx.by_sf[sf])
    lms = norm_code(lms_raw)
    if lms and lms in idx.by_lms:
        return ("id", idx.by_lms[lms])
    if sf or lms:
        hit = idx.by_name.get(norm_name(name)) if idx.by_name else None
        if hit is not None and hit not in idx.with_sf:
            return ("id", hit)
        return ("new", sf or lms)
    m = idx.by_account_name(name, fuzzy_budget=ctx.linker.budget)
    if m.outcome == "exact":
        return ("id", m.account_id)
    if m.outcome == "fuzzy":
        ctx.review(m, num, record())
        return None
    return ("new", norm_name(name))


def _owner_ids(ctx: StoreContext, data: dict[str, list[Any]], n: int) -> dict[str, int]:
    """CSM id per normalised owner name, creating the CSMs this file introduces."""
    csm = table_of(Csm)
    conn = ctx.writer.conn
    known = {norm_name(n): i for i, n in csm_ids(conn)}
    blank = [None] * n
    emails, leads = data.get("owner_email", blank), data.get("team_lead", blank)
    wanted: dict[str, dict[str, Any]] = {}
    seen: set[Any] = set()
    for i, name in enumerate(data["owner"]):
        if name in seen:
            continue
        seen.add(name)
        key = norm_name(name)
        if key and key not in known and key not in wanted:
            wanted[key] = {
                "full_name": " ".join(str(name).split()),
                "email": emails[i],
                "team_lead": leads[i],
                "is_team_lead": False,
                "batch_id": ctx.writer.batch_id,
            }
    if wanted:
        ctx.writer.insert_rows(csm, list(wanted.values()))
        known = {norm_name(n): i for i, n in csm_ids(conn)}
    return known
