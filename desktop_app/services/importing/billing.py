"""Storing Recurly subscriptions and billing states and usage sheets, and the account fields
derived from them (MRR, churn, renewal date)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from desktop_app.io.model import ImportTable
from desktop_app.services.importing.context import StoreContext
from desktop_app.services.importing.facts import pick, write_linked
from desktop_app.services.importing.link import LinkMatch, norm_code
from desktop_app.store.bulk import table_of
from desktop_app.store.import_writer import CHUNK, fetch_rows
from desktop_app.store.schema import Account, BillingState, Opportunity, Subscription, UsageMonth

SUB_FIELDS = (
    "external_id", "billing_account_code", "plan_code", "plan_name", "state", "quantity",
    "unit_amount", "mrr", "started_at", "current_period_ends_at", "canceled_at", "ended_at",
)  # fmt: skip


def _sub_key(r: dict[str, Any]) -> Hashable:
    if r.get("external_id"):
        return ("ext", r["external_id"])
    return (
        "syn",
        norm_code(r.get("billing_account_code")),
        r.get("plan_code"),
        r.get("started_at"),
    )


def _by_code(ctx: StoreContext, rec: dict[str, Any]) -> LinkMatch:
    return ctx.linker.link(ids=[(ctx.index.by_code, rec.get("billing_account_code"))])


def store_subscriptions(ctx: StoreContext, table: ImportTable) -> list[int]:
    """Upsert subscriptions linked by Recurly account code (case-insensitive)."""
    items = []
    for rec, num, aid in ctx.link_all(table, lambda r: _by_code(ctx, r)):
        row = pick(rec, SUB_FIELDS, table_of(Subscription)) | {"account_id": aid}
        if not row.get("state"):
            ended = row.get("ended_at")
            row["state"] = "expired" if ended is not None and ended <= ctx.today else "active"
        items.append((_sub_key(row), row, num))
    return write_linked(ctx, table_of(Subscription), items, _sub_key, entity="subscription",
                        what="subscription", tracked=("state",))  # fmt: skip


BILLING_FIELDS = ("as_of", "state", "days_past_due", "balance_due")


def _billing_key(r: dict[str, Any]) -> Hashable:
    return (r.get("account_id"), r.get("as_of"))


def store_billing(ctx: StoreContext, table: ImportTable) -> None:
    """Add billing states (history by as-of date); a change of state is in field history."""
    items = []
    for rec, num, aid in ctx.link_all(table, lambda r: _by_code(ctx, r)):
        row = pick(rec, BILLING_FIELDS, table_of(BillingState)) | {"account_id": aid}
        row["as_of"] = row.get("as_of") or ctx.today
        row["state"] = row.get("state") or "current"
        row["days_past_due"] = row.get("days_past_due") or 0
        items.append((_billing_key(row), row, num))
    bs = table_of(BillingState)
    previous = _latest_states(ctx, sorted({int(r["account_id"]) for _k, r, _n in items}))
    write_linked(ctx, bs, items, _billing_key, entity="billing_state", what="billing state",
                 tracked=("state",))  # fmt: skip
    for _k, row, _n in items:
        prev = previous.get(row["account_id"])
        if prev is not None and prev[0] < row["as_of"] and prev[1] != row["state"]:
            ctx.writer.history("account", row["account_id"], "billing_state", prev[1], row["state"])


def _latest_states(ctx: StoreContext, account_ids: list[int]) -> dict[int, tuple[date, str]]:
    bs = table_of(BillingState)
    out: dict[int, tuple[date, str]] = {}
    for start in range(0, len(account_ids), CHUNK):
        chunk = account_ids[start : start + CHUNK]
        q = select(bs.c.account_id, bs.c.as_of, bs.c.state).where(bs.c.account_id.in_(chunk))
        for aid, as_of, state in ctx.writer.conn.execute(q):
            if aid not in out or out[aid][0] < as_of:
                out[aid] = (as_of, state)
    return out


USAGE_FIELDS = (
    "month", "mau", "active_users", "inactive_users", "terminated_users", "licensed_seats",
    "population", "cred_providers_active", "cred_providers_contracted", "module_usage_pct",
)  # fmt: skip


def _usage_key(r: dict[str, Any]) -> Hashable:
    return (r.get("account_id"), r.get("month"))


def store_usage(ctx: StoreContext, table: ImportTable) -> None:
    """Upsert monthly usage by (account, month); linked by LMS id, else account name."""

    def resolve(rec: dict[str, Any]) -> LinkMatch:
        return ctx.linker.link(ids=[(ctx.index.by_lms, rec.get("lms_id"))],
                               name=rec.get("account_name"))  # fmt: skip

    items = []
    for rec, num, aid in ctx.link_all(table, resolve):
        if rec.get("month") is None:
            ctx.skip(num, "usage row without a month was skipped")
            continue
        row = pick(rec, USAGE_FIELDS, table_of(UsageMonth)) | {"account_id": aid}
        items.append((_usage_key(row), row, num))
    um = table_of(UsageMonth)
    months = sorted({r["month"] for _k, r, _n in items})
    write_linked(ctx, um, items, _usage_key, entity="usage", what="usage month",
                 where=[um.c.month.in_(months)])  # fmt: skip


# --------------------------------------------------------------------------- derived fields


def _is_live(sub: dict[str, Any], today: date) -> bool:
    if sub["state"] in ("expired", "future"):
        return False
    started, ended = sub["started_at"], sub["ended_at"]
    if started is not None and started > today:
        return False
    return ended is None or ended > today


def recompute_from_subscriptions(ctx: StoreContext, account_ids: Sequence[int]) -> None:
    """MRR (sum of live subscriptions), ARR, and churn for accounts whose subscriptions ended."""
    subs = table_of(Subscription)
    acc = table_of(Account)
    updates = []
    for start in range(0, len(account_ids), CHUNK):
        chunk = list(account_ids[start : start + CHUNK])
        by_acc: dict[int, list[dict[str, Any]]] = {}
        for r in fetch_rows(
            ctx.writer.conn,
            subs,
            ["account_id", "state", "mrr", "started_at", "ended_at"],
            subs.c.account_id.in_(chunk),
        ):
            by_acc.setdefault(r["account_id"], []).append(r)
        cur = {r["id"]: r for r in fetch_rows(ctx.writer.conn, acc, ["mrr", "arr", "lifecycle",
               "churn_date"], acc.c.id.in_(chunk))}  # fmt: skip
        for aid, group in by_acc.items():
            live = [s for s in group if _is_live(s, ctx.today)]
            want: dict[str, Any] = {"mrr": round(sum(s["mrr"] or 0.0 for s in live), 2)}
            want["arr"] = round(want["mrr"] * 12, 2)
            ended = [s["ended_at"] for s in group if s["ended_at"] is not None]
            started = [s for s in group if s["started_at"] is None or s["started_at"] <= ctx.today]
            if not live and started and ended and len(ended) == len(group):
                want["lifecycle"] = "churned"
                want["churn_date"] = cur[aid]["churn_date"] or max(ended)
            diff = {k: v for k, v in want.items() if cur[aid][k] != v}
            if diff:
                updates.append({"id": aid, **diff})
    ctx.writer.update_rows(acc, updates)


def recompute_renewal(ctx: StoreContext, account_ids: Sequence[int]) -> None:
    """``renewal_date`` = close date of the account's open renewal opportunity (earliest)."""
    opp = table_of(Opportunity)
    acc = table_of(Account)
    updates = []
    for start in range(0, len(account_ids), CHUNK):
        chunk = list(account_ids[start : start + CHUNK])
        q = select(opp.c.account_id, opp.c.close_date).where(
            opp.c.account_id.in_(chunk), opp.c.kind == "renewal", opp.c.is_closed.is_(False),
            opp.c.close_date.is_not(None),
        )  # fmt: skip
        best: dict[int, date] = {}
        for aid, close in ctx.writer.conn.execute(q):
            if aid not in best or close < best[aid]:
                best[aid] = close
        q2 = select(acc.c.id, acc.c.renewal_date).where(acc.c.id.in_(list(best)))
        cur = {int(a): d for a, d in ctx.writer.conn.execute(q2)}
        updates += [{"id": a, "renewal_date": d} for a, d in best.items() if cur.get(a) != d]
    ctx.writer.update_rows(acc, updates)
