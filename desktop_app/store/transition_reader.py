"""A saved transition as plain rows for its SOP export: seven set-based queries in all.

Every query selects the transition's accounts through a join on ``transition_items`` (by the
transition id), never through ``IN`` lists of account ids: a 2,000-account transition read
through 900-id chunks spent more time expanding and compiling the bound parameters than
running the SQL. The plan's inputs are aggregated in SQL (open tickets, escalations and Jira
tickets counted per account; whether any sales opportunity is open), so no per-ticket or
per-opportunity row reaches Python. The same SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    Csm,
    HealthOverride,
    HealthScore,
    Opportunity,
    Ticket,
    Transition,
    TransitionItem,
)

#: The columns of ``TransitionRead.items``, in order.
ITEM_COLUMNS = (
    "account_id",
    "to_csm",
    "scenario",
    "scenario_reason",
    "checklist_json",
    "sf_account_id",
    "name",
    "lms_id",
    "recurly_code",
    "mrr",
)


@dataclass
class TransitionRead:
    """A transition's items (``ITEM_COLUMNS``, in item order) and its accounts' plan inputs."""

    items: Sequence[Any] = ()
    #: account id -> the band in force (the latest active override, else the computed band)
    bands: dict[int, str | None] = field(default_factory=dict)
    #: account id -> (first name, last name, email, phone, status) of the main POC
    main_contacts: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    #: account id -> (open tickets, open escalations, open Jira tickets), open ones only
    open_tickets: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    #: accounts with an open sales opportunity (any kind but a renewal)
    sales_opportunities: set[int] = field(default_factory=set)
    #: account id -> days past due on the latest billing state
    past_due: dict[int, int] = field(default_factory=dict)


def _accounts(transition_id: int) -> Any:
    """The transition's account ids, as a subquery for ``IN``."""
    ti = TransitionItem
    return select(ti.account_id).where(ti.transition_id == transition_id).scalar_subquery()


def _items(transition_id: int) -> Any:
    ti, a = TransitionItem, Account
    return (
        select(
            ti.account_id,
            Csm.full_name,
            ti.scenario,
            ti.scenario_reason,
            ti.checklist_json,
            a.sf_account_id,
            a.name,
            a.lms_id,
            a.recurly_code,
            a.mrr,
        )
        .join(a, a.id == ti.account_id)
        .outerjoin(Csm, Csm.id == ti.to_csm_id)
        .where(ti.transition_id == transition_id)
        .order_by(ti.id)
    )


def bands_in_force(conn: Connection, ids: Any) -> dict[int, str | None]:
    """The band in force per account of ``ids`` (a list, or a select of account ids): the
    latest active override, else the computed band."""
    bands: dict[int, str | None] = dict(
        conn.execute(
            select(HealthScore.account_id, HealthScore.band).where(HealthScore.account_id.in_(ids))
        ).all()
    )
    ho = HealthOverride
    overrides = conn.execute(
        select(ho.account_id, ho.band)
        .where(ho.account_id.in_(ids), ho.is_active.is_(True))
        .order_by(ho.created_at, ho.id)
    ).all()
    bands.update(overrides)  # the latest active override wins
    return bands


def _main_contacts(conn: Connection, ids: Any) -> dict[int, tuple[Any, ...]]:
    """The first flagged main POC of each account (by contact id)."""
    c = Contact
    rows = conn.execute(
        select(c.account_id, c.first_name, c.last_name, c.email, c.phone, c.status)
        .where(c.account_id.in_(ids), c.is_main_poc.is_(True))
        .order_by(c.account_id.desc(), c.id.desc())
    ).all()
    # Newest first, so the dict keeps the lowest contact id of each account.
    return {r[0]: tuple(r[1:]) for r in rows}


def _open_tickets(conn: Connection, ids: Any) -> dict[int, tuple[int, int, int]]:
    t = Ticket
    rows = conn.execute(
        select(
            t.account_id,
            func.count(),
            func.sum(case((t.is_escalation.is_(True), 1), else_=0)),
            func.sum(case((t.source == "jira", 1), else_=0)),
        )
        .where(t.account_id.in_(ids), t.is_open.is_(True))
        .group_by(t.account_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}


def _sales_opportunities(conn: Connection, ids: Any) -> set[int]:
    o = Opportunity
    rows = conn.execute(
        select(o.account_id)
        .distinct()
        .where(o.account_id.in_(ids), o.is_closed.is_(False), o.kind != "renewal")
    ).all()
    return {r[0] for r in rows}


def _past_due(conn: Connection, ids: Any) -> dict[int, int]:
    b = BillingState
    latest = (
        select(b.account_id.label("k"), func.max(b.as_of).label("d"))
        .where(b.account_id.in_(ids))
        .group_by(b.account_id)
        .subquery()
    )
    rows = conn.execute(
        select(b.account_id, b.days_past_due).join(
            latest, and_(latest.c.k == b.account_id, latest.c.d == b.as_of)
        )
    ).all()
    return {r[0]: int(r[1] or 0) for r in rows}


def read_transition(conn: Connection, transition_id: int) -> TransitionRead | None:
    """The transition's rows and plan inputs, or None for an unknown transition id."""
    found = conn.execute(select(Transition.id).where(Transition.id == transition_id)).first()
    if found is None:
        return None
    ids = _accounts(transition_id)
    return TransitionRead(
        items=conn.execute(_items(transition_id)).all(),
        bands=bands_in_force(conn, ids),
        main_contacts=_main_contacts(conn, ids),
        open_tickets=_open_tickets(conn, ids),
        sales_opportunities=_sales_opportunities(conn, ids),
        past_due=_past_due(conn, ids),
    )
