"""Per-kind derived fields, filled after normalisation (lifecycle, ticket state, billing...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

_CLOSED_TICKET = ("closed", "resolved", "solved", "done", "cancel", "won't", "duplicate")
_WAITING_CUSTOMER = ("waiting for customer", "waiting on customer", "pending", "awaiting customer")
_CHURNED = ("churn", "former", "closed", "inactive", "lost", "cancel")
_PAST_DUE = {"past_due", "past due", "true", "yes", "1", "failed"}

Record = dict[str, Any]


def _accounts(rec: Record, profile: str) -> None:
    life = rec.get("lifecycle")
    if isinstance(life, str):
        rec["lifecycle"] = "churned" if any(w in life for w in _CHURNED) else "active"
    elif rec.get("churn_date") is not None:
        rec["lifecycle"] = "churned"


def _opportunities(rec: Record, profile: str) -> None:
    text = " ".join(str(rec.get(f) or "") for f in ("kind", "name")).lower()
    if "kind" in rec or "name" in rec:
        if "renew" in text:
            rec["kind"] = "renewal"
        elif any(w in text for w in ("upsell", "upgrade", "expansion", "cross-sell", "add-on")):
            rec["kind"] = "upsell"
        elif "new" in text:
            rec["kind"] = "new"
        else:
            rec["kind"] = None
    stage = str(rec.get("stage") or "").lower()
    if rec.get("is_closed") is None and stage:
        rec["is_closed"] = stage.startswith("closed")
    if rec.get("is_won") is None and stage:
        rec["is_won"] = stage.startswith("closed won")


def _tickets(rec: Record, profile: str) -> None:
    rec["source"] = {"jira_issues": "jira", "salesforce_cases": "salesforce"}.get(
        profile, "zendesk" if profile == "zendesk_tickets" else rec.get("source")
    )
    status = str(rec.get("status") or "").lower()
    if rec.get("is_open") is None and status:
        rec["is_open"] = not any(w in status for w in _CLOSED_TICKET)
    if rec.get("waiting_on") is None and status:
        if not rec.get("is_open", True):
            rec["waiting_on"] = None
        elif any(w in status for w in _WAITING_CUSTOMER):
            rec["waiting_on"] = "customer"
        else:
            rec["waiting_on"] = "us"
    if rec.get("is_escalation") is None:
        text = f"{rec.get('category') or ''} {rec.get('priority') or ''}".lower()
        rec["is_escalation"] = "escalat" in text


def _subscriptions(rec: Record, profile: str) -> None:
    if rec.get("mrr") is None and rec.get("unit_amount") is not None:
        rec["mrr"] = round(float(rec["unit_amount"]) * float(rec.get("quantity") or 1), 2)


def _billing(rec: Record, profile: str) -> None:
    state = rec.get("state")
    if state is not None:
        rec["state"] = "past_due" if str(state).lower() in _PAST_DUE else "current"
    elif rec.get("days_past_due"):
        rec["state"] = "past_due"


DERIVERS: dict[str, Callable[[Record, str], None]] = {
    "accounts": _accounts,
    "opportunities": _opportunities,
    "tickets": _tickets,
    "subscriptions": _subscriptions,
    "billing": _billing,
}


def derive(kind: str, records: list[Record], profile: str) -> None:
    """Fill derived fields of ``records`` in place."""
    func = DERIVERS.get(kind)
    if func is None:
        return
    for rec in records:
        func(rec, profile)


def derive_account_columns(data: dict[str, list[Any]], n: int) -> None:
    """``derive("accounts", ...)`` on columns, in place: ARR from MRR when the report has
    only MRR (ARR = 12 x MRR, as subscriptions give it), and the lifecycle of each row."""
    mrr = data.get("mrr")
    if mrr is not None and "arr" not in data:
        data["arr"] = [None if m is None else round(float(m) * 12, 2) for m in mrr]
    life = data.get("lifecycle")
    churn = data.get("churn_date")
    if life is None and churn is None:
        return
    life = life if life is not None else [None] * n
    cache: dict[str, str] = {}
    out: list[Any] = []
    for i, value in enumerate(life):
        if isinstance(value, str):
            hit = cache.get(value)
            if hit is None:
                hit = cache[value] = "churned" if any(w in value for w in _CHURNED) else "active"
            out.append(hit)
        else:
            out.append("churned" if churn is not None and churn[i] is not None else value)
    data["lifecycle"] = out


def aggregate_invoices(
    records: list[Record], rows: list[int], as_of: date
) -> tuple[list[Record], list[int]]:
    """Collapse Recurly AR/invoice rows into one billing record per account code."""
    by_code: dict[str, tuple[Record, int]] = {}
    for rec, row in zip(records, rows, strict=True):
        code = rec.get("billing_account_code")
        if code is None:
            continue
        agg, _first = by_code.setdefault(
            code,
            ({"billing_account_code": code, "as_of": as_of, "state": "current",
              "days_past_due": 0, "balance_due": 0.0}, row),
        )  # fmt: skip
        status = str(rec.get("state") or "").lower()
        if status in ("paid", "closed", "void", "voided", "collected"):
            continue
        agg["balance_due"] = round(agg["balance_due"] + float(rec.get("balance_due") or 0.0), 2)
        due = rec.get("as_of")
        if isinstance(due, datetime):
            due = due.date()
        if status in ("past_due", "failed", "past due"):
            agg["state"] = "past_due"
            if isinstance(due, date):
                agg["days_past_due"] = max(agg["days_past_due"], (as_of - due).days)
    out = list(by_code.values())
    return [r for r, _ in out], [n for _, n in out]
