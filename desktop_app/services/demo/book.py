"""A deterministic, realistic demo book (seeded): accounts, usage shapes, tickets, NPS...

Every account has a hidden *propensity* (how well it is going) that drives its usage
shape, NPS, tickets, POC responsiveness and billing, so that the health score has real
signal to find; churned accounts left for organic (population decline, acquisition) or
voluntary (dissatisfaction, competitor) reasons, and their history shows it.

This module writes the book; the rows come from ``demo_population`` (the hidden state),
``demo_rows`` (CSMs, accounts, contacts, subscriptions, usage) and ``demo_activity``
(opportunities, tickets, NPS, billing, notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert

from desktop_app.services.demo.activity import DemoGenerator
from desktop_app.services.demo.population import MONTHS
from desktop_app.services.demo.vocab import CSMS
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.bulk import insert_dicts, table_of
from desktop_app.store.dialect import advance_sequences
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    Csm,
    ImportBatch,
    Note,
    NpsResponse,
    Opportunity,
    Subscription,
    Ticket,
    UsageMonth,
)

__all__ = ["DEFAULT_ACCOUNTS", "MONTHS", "DemoSummary", "create_demo_store", "generate_demo"]

DEFAULT_ACCOUNTS = 300


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    churned: int
    csms: int
    usage_rows: int
    tickets: int
    location: str


def _insert(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    insert_dicts(conn, table_of(table), rows)


def generate_demo(
    store: Store,
    accounts: int = DEFAULT_ACCOUNTS,
    *,
    seed: int = 7,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a demo book into an empty store; raises ``ValueError`` if it holds accounts."""
    progress = progress or NullProgress()
    today = today or date.today()
    if accounts < 1:
        raise ValueError("the demo needs at least one account")
    with store.engine.begin() as conn:
        if conn.execute(Account.__table__.select().limit(1)).first() is not None:
            raise ValueError(f"{store.location} already holds accounts; use a new file")
        gen = DemoGenerator(np.random.default_rng(seed), accounts, today)
        now = datetime.combine(today, datetime.min.time())
        batch_id = conn.execute(
            insert(ImportBatch)
            .values(
                file_name="demo book",
                source_profile="demo",
                rows_total=accounts,
                rows_new=accounts,
                imported_at=now,
                as_of=today,
            )
            .returning(ImportBatch.id)
        ).scalar_one()
        gen.batch_id = int(batch_id)
        steps: list[tuple[str, Any, Any]] = [
            ("CSMs", Csm, gen.csms),
            ("accounts", Account, gen.accounts),
            ("contacts", Contact, gen.contacts),
            ("subscriptions", Subscription, gen.subscriptions),
            ("usage", UsageMonth, gen.usage),
            ("opportunities", Opportunity, gen.opportunities),
            ("tickets", Ticket, gen.tickets),
            ("NPS responses", NpsResponse, gen.nps),
            ("billing", BillingState, gen.billing),
            ("notes", Note, gen.notes),
        ]
        counts: dict[str, int] = {}
        for i, (label, table, make) in enumerate(steps):
            check(progress, i / len(steps), f"Writing {label}…")
            rows = list(make())
            counts[label] = len(rows)
            _insert(conn, table, rows)
        advance_sequences(conn, [table.__table__ for _, table, _ in steps])
        progress.report(1.0, "Demo book written")
    return DemoSummary(
        accounts=accounts,
        churned=int(gen.churned.sum()),
        csms=len(CSMS),
        usage_rows=counts["usage"],
        tickets=counts["tickets"],
        location=store.location,
    )


def create_demo_store(
    directory: Path, accounts: int = DEFAULT_ACCOUNTS, progress: Progress | None = None
) -> Store:
    """A fresh, scored demo book in ``directory`` (never the user's database).

    Raises ``Cancelled`` (the store is closed, the half-written file left to its temporary
    directory) when ``progress`` asks to stop.
    """
    from desktop_app.services.database import open_database
    from desktop_app.services.health import rescore
    from desktop_app.services.progress import ScaledProgress

    outer = progress or NullProgress()
    store = open_database(directory / "demo.db")
    try:
        generate_demo(store, accounts, progress=ScaledProgress(outer, 0.0, 0.6))
        rescore(store, progress=ScaledProgress(outer, 0.6, 0.4))
    except BaseException:
        store.dispose()
        raise
    return store
