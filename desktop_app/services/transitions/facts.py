"""Gather what the transition rules need per account, in bulk (one query per table)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session

from desktop_app.domain.transition import (
    AccountFacts,
    CaseFact,
    ContactFact,
    NoteFact,
    OppFact,
)
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    Csm,
    Note,
    Opportunity,
    Ticket,
    UsageMonth,
)
from desktop_app.store.transition_reader import bands_in_force

_CHUNK = 900  # stay well below SQLite's bound-parameter limit


@dataclass(frozen=True)
class AccountBasics:
    """The account fields the export and the wizard show."""

    account_id: int
    sf_account_id: str | None
    name: str
    lms_id: str | None
    recurly_id: str | None
    mrr: float | None
    arr: float | None
    renewal_date: date | None
    owner_id: int | None
    owner: str | None
    team_lead: str | None
    lifecycle: str


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def _rows(session: Session, stmt_for: Any, ids: Sequence[int]) -> list[Any]:
    out: list[Any] = []
    for part in chunks(ids):
        out.extend(session.execute(stmt_for(part)).all())
    return out


def load_basics(session: Session, ids: Sequence[int]) -> dict[int, AccountBasics]:
    """Account fields by id (unknown ids are simply absent)."""
    rows = _rows(
        session,
        lambda part: (
            select(
                Account.id,
                Account.sf_account_id,
                Account.name,
                Account.lms_id,
                Account.recurly_code,
                Account.mrr,
                Account.arr,
                Account.renewal_date,
                Account.owner_id,
                Csm.full_name,
                Account.team_lead,
                Account.lifecycle,
            )
            .outerjoin(Csm, Csm.id == Account.owner_id)
            .where(Account.id.in_(part))
        ),
        ids,
    )
    return {r[0]: AccountBasics(*r) for r in rows}


def load_bands(session: Session, ids: Sequence[int]) -> dict[int, str | None]:
    """The band in force per account: the active override, else the computed band."""
    conn = session.connection()
    bands: dict[int, str | None] = {}
    for part in chunks(ids):
        bands.update(bands_in_force(conn, part))
    return bands


def load_main_contacts(session: Session, ids: Sequence[int]) -> dict[int, ContactFact]:
    """The main POC of each account (the first contact when none is flagged)."""
    out: dict[int, ContactFact] = {}
    for row in _rows(session, lambda part: _contacts_stmt(part), ids):
        aid, fact = row[0], ContactFact(*row[1:])
        if aid not in out or (fact.is_main and not out[aid].is_main):
            out[aid] = fact
    return out


def _contacts_stmt(part: list[int], main_only: bool = False) -> Any:
    """Contacts of ``part`` (``main_only``: the main POCs), main POC first."""
    stmt = (
        select(
            Contact.account_id,
            Contact.first_name,
            Contact.last_name,
            Contact.email,
            Contact.phone,
            Contact.title,
            Contact.is_main_poc,
            Contact.last_replied,
            Contact.status,
        )
        .where(Contact.account_id.in_(part))
        .order_by(Contact.account_id, Contact.is_main_poc.desc(), Contact.id)
    )
    return stmt.where(Contact.is_main_poc.is_(True)) if main_only else stmt


def load_facts(
    session: Session,
    ids: Sequence[int],
    bands: dict[int, str | None] | None = None,
    *,
    full: bool = True,
    basics: dict[int, AccountBasics] | None = None,
) -> dict[int, AccountFacts]:
    """``AccountFacts`` for every known id in ``ids``.

    ``full=False`` reads what the scenario rules need (``plan_for``) and no more: no notes,
    no usage, of the contacts only the main POCs, and of the tickets only open ones and
    escalations (closed ordinary tickets are most of a book's tickets: 71% on the demo).
    """
    basics = load_basics(session, ids) if basics is None else basics
    known = [i for i in ids if i in basics]
    bands = load_bands(session, known) if bands is None else bands
    contacts: dict[int, list[ContactFact]] = defaultdict(list)
    for row in _rows(session, lambda part: _contacts_stmt(part, main_only=not full), known):
        contacts[row[0]].append(ContactFact(*row[1:]))
    cases = _load_cases(session, known, every=full)
    opps = _load_opps(session, known)
    notes = _load_notes(session, known) if full else {}
    usage = _load_usage(session, known) if full else {}
    past_due = dict(_rows(session, _past_due_stmt, known))
    out = {}
    for aid in known:
        u = usage.get(aid, (None,) * 7)
        out[aid] = AccountFacts(
            account_id=aid,
            name=basics[aid].name,
            band=bands.get(aid),
            days_past_due=int(past_due.get(aid) or 0),
            contacts=tuple(contacts.get(aid, ())),
            cases=tuple(cases.get(aid, ())),
            open_opportunities=tuple(opps.get(aid, ())),
            notes=tuple(notes.get(aid, ())),
            active_users=u[0],
            inactive_users=u[1],
            terminated_users=u[2],
            licensed_seats=u[3],
            cred_active=u[4],
            cred_contracted=u[5],
            module_usage_pct=u[6],
        )
    return out


def _load_cases(session: Session, ids: list[int], every: bool = True) -> dict[int, list[CaseFact]]:
    """Each account's tickets, newest first (``every=False``: open ones and escalations)."""
    out: dict[int, list[CaseFact]] = defaultdict(list)
    wanted = true() if every else or_(Ticket.is_open.is_(True), Ticket.is_escalation.is_(True))
    rows = _rows(
        session,
        lambda part: (
            select(
                Ticket.account_id,
                Ticket.key,
                Ticket.source,
                Ticket.subject,
                Ticket.category,
                Ticket.status,
                Ticket.is_open,
                Ticket.is_escalation,
                Ticket.opened_at,
            )
            .where(Ticket.account_id.in_(part), wanted)
            .order_by(Ticket.opened_at.desc())
        ),
        ids,
    )
    for r in rows:
        opened = r[8].date() if r[8] is not None else None
        out[r[0]].append(
            CaseFact(r[1], r[2], r[3] or "", r[4], r[5], bool(r[6]), bool(r[7]), opened)
        )
    return out


def _load_opps(session: Session, ids: list[int]) -> dict[int, list[OppFact]]:
    out: dict[int, list[OppFact]] = defaultdict(list)
    rows = _rows(
        session,
        lambda part: (
            select(
                Opportunity.account_id,
                Opportunity.name,
                Opportunity.kind,
                Opportunity.stage,
                Opportunity.amount,
                Opportunity.close_date,
                Opportunity.rsm,
                Opportunity.origin,
            )
            .where(Opportunity.account_id.in_(part), Opportunity.is_closed.is_(False))
            .order_by(Opportunity.close_date)
        ),
        ids,
    )
    for r in rows:
        out[r[0]].append(OppFact(r[1] or "(unnamed)", r[2], r[3], r[4], r[5], r[6], r[7]))
    return out


def _load_notes(session: Session, ids: list[int], keep: int = 5) -> dict[int, list[NoteFact]]:
    out: dict[int, list[NoteFact]] = defaultdict(list)
    rows = _rows(
        session,
        lambda part: (
            select(Note.account_id, Note.created_at, Note.kind, Note.author, Note.body)
            .where(Note.account_id.in_(part))
            .order_by(Note.account_id, Note.created_at.desc())
        ),
        ids,
    )
    for r in rows:
        if len(out[r[0]]) < keep:
            out[r[0]].append(NoteFact(r[1].date(), r[2], r[3], r[4]))
    return out


def _load_usage(session: Session, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    def stmt(part: list[int]) -> Any:
        latest = (
            select(UsageMonth.account_id, func.max(UsageMonth.month).label("m"))
            .where(UsageMonth.account_id.in_(part))
            .group_by(UsageMonth.account_id)
            .subquery()
        )
        return select(
            UsageMonth.account_id,
            UsageMonth.active_users,
            UsageMonth.inactive_users,
            UsageMonth.terminated_users,
            UsageMonth.licensed_seats,
            UsageMonth.cred_providers_active,
            UsageMonth.cred_providers_contracted,
            UsageMonth.module_usage_pct,
        ).join(
            latest,
            (latest.c.account_id == UsageMonth.account_id) & (latest.c.m == UsageMonth.month),
        )

    return {r[0]: tuple(r[1:]) for r in _rows(session, stmt, ids)}


def _past_due_stmt(part: list[int]) -> Any:
    latest = (
        select(BillingState.account_id, func.max(BillingState.as_of).label("d"))
        .where(BillingState.account_id.in_(part))
        .group_by(BillingState.account_id)
        .subquery()
    )
    return select(BillingState.account_id, BillingState.days_past_due).join(
        latest,
        (latest.c.account_id == BillingState.account_id) & (latest.c.d == BillingState.as_of),
    )
