"""Per-kind derived fields, filled column by column after normalisation (lifecycle, ARR,
ticket state, opportunity kind, subscription MRR, billing state)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desktop_app.io.model import ImportTable

_CLOSED_TICKET = ("closed", "resolved", "solved", "done", "cancel", "won't", "duplicate")
_WAITING_CUSTOMER = ("waiting for customer", "waiting on customer", "pending", "awaiting customer")
_CHURNED = ("churn", "former", "closed", "inactive", "lost", "cancel")
_PAST_DUE = {"past_due", "past due", "true", "yes", "1", "failed"}

Columns = dict[str, list[Any]]


def _text(values: list[Any]) -> list[str]:
    return [str(v or "").lower() for v in values]


def _opportunities(t: ImportTable, profile: str) -> None:
    cols = t.columns
    if "kind" in cols or "name" in cols:
        text = [f"{k} {n}" for k, n in zip(_text(t.column("kind")), _text(t.column("name")),
                                             strict=True)]  # fmt: skip
        cols["kind"] = [_opportunity_kind(x) for x in text]
    if "stage" not in cols:
        return
    stage = _text(cols["stage"])
    for flag, prefix in (("is_closed", "closed"), ("is_won", "closed won")):
        have = t.column(flag)
        cols[flag] = [h if h is not None or not s else s.startswith(prefix)
                      for h, s in zip(have, stage, strict=True)]  # fmt: skip


def _opportunity_kind(text: str) -> str | None:
    if "renew" in text:
        return "renewal"
    if any(w in text for w in ("upsell", "upgrade", "expansion", "cross-sell", "add-on")):
        return "upsell"
    return "new" if "new" in text else None


def _tickets(t: ImportTable, profile: str) -> None:
    cols = t.columns
    fixed = {"jira_issues": "jira", "salesforce_cases": "salesforce",
             "zendesk_tickets": "zendesk"}.get(profile)  # fmt: skip
    cols["source"] = [fixed] * len(t) if fixed else t.column("source")
    status = _text(t.column("status"))
    if any(status):
        opened = [o if o is not None or not s else not any(w in s for w in _CLOSED_TICKET)
                  for o, s in zip(t.column("is_open"), status, strict=True)]  # fmt: skip
        cols["is_open"] = opened
        cols["waiting_on"] = [
            w if w is not None or not s else _waiting(o, s)
            for w, o, s in zip(t.column("waiting_on"), opened, status, strict=True)
        ]
    text = [f"{c} {p}" for c, p in zip(_text(t.column("category")),
                                       _text(t.column("priority")), strict=True)]  # fmt: skip
    have = t.column("is_escalation")
    cols["is_escalation"] = [e if e is not None else "escalat" in x
                             for e, x in zip(have, text, strict=True)]  # fmt: skip


def _waiting(is_open: Any, status: str) -> str | None:
    if is_open is not None and not is_open:
        return None
    return "customer" if any(w in status for w in _WAITING_CUSTOMER) else "us"


def _subscriptions(t: ImportTable, profile: str) -> None:
    if "unit_amount" not in t.columns:
        return
    t.columns["mrr"] = [
        m if m is not None or a is None else round(float(a) * float(q or 1), 2)
        for m, a, q in zip(t.column("mrr"), t.columns["unit_amount"], t.column("quantity"),
                           strict=True)
    ]  # fmt: skip


def _billing(t: ImportTable, profile: str) -> None:
    if "state" not in t.columns and "days_past_due" not in t.columns:
        return
    t.columns["state"] = [
        ("past_due" if str(s).lower() in _PAST_DUE else "current") if s is not None
        else "past_due" if d else None
        for s, d in zip(t.column("state"), t.column("days_past_due"), strict=True)
    ]  # fmt: skip


DERIVERS: dict[str, Callable[[ImportTable, str], None]] = {
    "opportunities": _opportunities,
    "tickets": _tickets,
    "subscriptions": _subscriptions,
    "billing": _billing,
}


def derive(kind: str, table: ImportTable, profile: str) -> None:
    """Fill the derived fields of ``table`` in place, column by column."""
    if kind == "accounts":
        derive_account_columns(table.columns, len(table))
        return
    func = DERIVERS.get(kind)
    if func is not None:
        func(table, profile)


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
    if set(map(type, life)) == {str}:  # a status in every row: one answer per distinct status
        answer = {v: "churned" if any(w in v for w in _CHURNED) else "active" for v in set(life)}
        data["lifecycle"] = list(map(answer.__getitem__, life))
        return
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


def aggregate_invoices(table: ImportTable, as_of: date) -> ImportTable:
    """Collapse Recurly AR/invoice rows into one billing row per account code."""
    by_code: dict[str, tuple[dict[str, Any], int]] = {}
    states, balances, dues = (
        table.column("state"),
        table.column("balance_due"),
        table.column("as_of"),
    )
    for i, code in enumerate(table.column("billing_account_code")):
        if code is None:
            continue
        agg, _first = by_code.setdefault(
            code,
            ({"billing_account_code": code, "as_of": as_of, "state": "current",
              "days_past_due": 0, "balance_due": 0.0}, table.rows[i]),
        )  # fmt: skip
        status = str(states[i] or "").lower()
        if status in ("paid", "closed", "void", "voided", "collected"):
            continue
        agg["balance_due"] = round(agg["balance_due"] + float(balances[i] or 0.0), 2)
        due = dues[i]
        if isinstance(due, datetime):
            due = due.date()
        if status in ("past_due", "failed", "past due"):
            agg["state"] = "past_due"
            if isinstance(due, date):
                agg["days_past_due"] = max(agg["days_past_due"], (as_of - due).days)
    out = list(by_code.values())
    return ImportTable.from_rows([r for r, _ in out], [n for _, n in out])
