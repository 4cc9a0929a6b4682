"""Row dataclasses of the account detail (one per table in the pane) and their builders.

Also the per-account contact and ticket facts the team view and the worklist both read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import func, select

from desktop_app.domain.arrays import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.schema import Contact, Ticket

#: Tickets waiting for the customer close themselves this many days after their last update.
AUTO_CLOSE_DAYS = 5
#: A contact who has not replied for longer than this is flagged.
STALE_REPLY_DAYS = 90


@dataclass(frozen=True)
class ActiveOverride:
    band: str
    reason_code: str
    note: str | None
    author: str | None
    created_at: datetime
    expires_on: date | None
    needs_review: bool


@dataclass(frozen=True)
class MeasureRow:
    measure: str
    label: str
    raw: object
    points: float | None
    weight: float | None
    contribution: float | None


@dataclass(frozen=True)
class SnapshotRow:
    month: date
    score: float | None
    band: str | None


@dataclass(frozen=True)
class ContactRow:
    name: str
    title: str | None
    email: str | None
    phone: str | None
    is_main_poc: bool
    last_replied: date | None
    days_since_reply: int | None
    status: str | None

    @property
    def stale(self) -> bool:
        """No reply for more than 90 days. No reply date is unknown, not stale."""
        return self.days_since_reply is not None and self.days_since_reply > STALE_REPLY_DAYS


@dataclass(frozen=True)
class TicketRow:
    key: str
    source: str
    subject: str | None
    status: str | None
    priority: str | None
    opened_at: datetime | None
    age_days: int | None
    updated_at: datetime | None
    waiting_on: str | None
    is_escalation: bool
    auto_closes_in_days: int | None  # only for tickets waiting for the customer


@dataclass(frozen=True)
class OpportunityRow:
    name: str | None
    kind: str
    stage: str | None
    amount: float | None
    close_date: date | None
    is_closed: bool
    is_won: bool


@dataclass(frozen=True)
class NpsRow:
    responded_at: date
    score: int
    comment: str | None
    contact_email: str | None


@dataclass(frozen=True)
class BillingRow:
    as_of: date
    state: str
    days_past_due: int
    balance_due: float | None


@dataclass(frozen=True)
class NoteRow:
    id: int
    created_at: datetime
    author: str | None
    kind: str
    body: str


@dataclass(frozen=True)
class OwnerChange:
    """One change of the account's owner (the transition's name when one was asked for)."""

    changed_at: datetime
    previous_owner: str | None
    new_owner: str | None
    team_lead: str | None
    transition_id: int | None
    transition_name: str | None = None


@dataclass(frozen=True)
class ProvenanceRow:
    """Where one kind of fact about the account came from (one row per import batch)."""

    fact: str
    rows: int
    batch_id: int | None
    file_name: str
    source: str | None
    imported_at: datetime | None
    data_as_of: date | None
    rolled_back: bool


def contact_row(c: Contact, as_of: date) -> ContactRow:
    """A contact with its days since last reply counted to ``as_of``."""
    name = " ".join(p for p in (c.first_name, c.last_name) if p) or (c.email or "(no name)")
    days = (as_of - c.last_replied).days if c.last_replied is not None else None
    return ContactRow(
        name, c.title, c.email, c.phone, bool(c.is_main_poc), c.last_replied, days, c.status
    )


def auto_closes_in(waiting_on: str | None, updated_at: datetime | None, as_of: date) -> int | None:
    """Days left before a ticket waiting for the customer auto-closes (0: today or overdue)."""
    if waiting_on != "customer" or updated_at is None:
        return None
    return max(AUTO_CLOSE_DAYS - (as_of - updated_at.date()).days, 0)


def ticket_row(t: Ticket, as_of: date) -> TicketRow:
    """An open ticket with its age and auto-close countdown as of ``as_of``."""
    age = (as_of - t.opened_at.date()).days if t.opened_at is not None else None
    return TicketRow(
        key=t.key,
        source=t.source,
        subject=t.subject,
        status=t.status,
        priority=t.priority,
        opened_at=t.opened_at,
        age_days=age,
        updated_at=t.updated_at,
        waiting_on=t.waiting_on,
        is_escalation=bool(t.is_escalation),
        auto_closes_in_days=auto_closes_in(t.waiting_on, t.updated_at, as_of),
    )


def open_escalations(session: Session, ids: IntArray) -> IntArray:
    """Open escalation tickets of each account in ``ids`` (0 where none)."""
    # The mapped schema loads with the first use: the detail pane shows these rows'
    # types from the window's start, when the ORM is not needed yet.
    from desktop_app.store.schema import Ticket

    pos = {int(a): i for i, a in enumerate(ids.tolist())}
    out = np.zeros(len(ids), dtype=np.int64)
    for aid, n in session.execute(
        select(Ticket.account_id, func.count())
        .where(Ticket.is_open.is_(True), Ticket.is_escalation.is_(True))
        .group_by(Ticket.account_id)
    ):
        i = None if aid is None else pos.get(aid)
        if i is not None:
            out[i] = int(n)
    return out


def main_poc_replies(session: Session, ids: IntArray, as_of: date) -> tuple[BoolArray, FloatArray]:
    """Whether each account in ``ids`` has a main POC, and the days from the latest reply of
    one to ``as_of`` (NaN: no main POC, or it never replied)."""
    from desktop_app.store.schema import Contact

    pos = {int(a): i for i, a in enumerate(ids.tolist())}
    has = np.zeros(len(ids), dtype=np.bool_)
    days = np.full(len(ids), np.nan)
    for aid, last in session.execute(
        select(Contact.account_id, func.max(Contact.last_replied))
        .where(Contact.is_main_poc.is_(True))
        .group_by(Contact.account_id)
    ):
        i = pos.get(aid)
        if i is None:
            continue
        has[i] = True
        if last is not None:
            days[i] = float((as_of - last).days)
    return has, days
