"""Which sources and fields the book has: what the health score may rest on.

A source counts as imported when the book holds at least one of its rows (one non-blank value
for a field such as contacts' reply dates). Deriving it from the data, rather than from a log
of imports, keeps it right after a rollback and for books written by the demo or older
versions. Everything downstream treats an absent source as *missing*, never as zero.
"""

from __future__ import annotations

from sqlalchemy import Connection, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desktop_app.domain.health_inputs import SOURCE_LABELS
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    NpsResponse,
    Subscription,
    Ticket,
    UsageMonth,
)

__all__ = ["SOURCE_LABELS", "book_sources", "book_sources_conn", "load_sources"]


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


def book_sources(session: Session) -> frozenset[str]:
    """The keys of ``SOURCE_LABELS`` the book has data for (one query)."""
    return book_sources_conn(session.connection())


def book_sources_conn(conn: Connection) -> frozenset[str]:
    """``book_sources`` on a plain connection."""
    probes = _probes()
    row = conn.execute(select(*probes.values())).one()
    return frozenset(k for k, present in zip(probes, row, strict=True) if present)


def load_sources(store: Store) -> frozenset[str]:
    """``book_sources`` in its own session."""
    with store.sessions() as session:
        return book_sources(session)
