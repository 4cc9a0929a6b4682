"""Which sources and fields the book has (one query of ``EXISTS`` probes).

A source counts as imported when the book holds at least one of its rows (one non-blank value
for a field such as contacts' reply dates); see ``services.health_sources``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, exists, select
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    NpsResponse,
    Subscription,
    Ticket,
    UsageMonth,
)


def _probes() -> dict[str, ColumnElement[bool]]:
    return {
        "usage": exists().where(UsageMonth.mau.is_not(None)),
        "subscriptions": exists().where(Subscription.account_id.is_not(None)),
        "tickets": exists().where(Ticket.account_id.is_not(None)),
        "nps": exists().where(NpsResponse.account_id.is_not(None)),
        "billing": exists().where(BillingState.id.is_not(None)),
        "contacts": exists().where(Contact.id.is_not(None)),
        "replies": exists().where(Contact.last_replied.is_not(None)),
        "renewals": exists().where(Account.renewal_date.is_not(None)),
    }


def book_sources_conn(conn: Connection) -> frozenset[str]:
    """The keys of ``SOURCE_LABELS`` the book has data for (one query)."""
    global _PROBES_SQL
    if _PROBES_SQL is None:  # built once: an edit's rescore asks on every call
        probes = _probes()
        _PROBES_SQL = (tuple(probes), select(*probes.values()))
    keys, stmt = _PROBES_SQL
    row = conn.execute(stmt).one()
    return frozenset(k for k, present in zip(keys, row, strict=True) if present)


_PROBES_SQL: tuple[tuple[str, ...], Any] | None = None
