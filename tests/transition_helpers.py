"""Shared setup of the transition tests (services and ui): the receiver and accounts to move."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm

RECEIVER = "Alicia Chen"


def movable_accounts(store: Store, n: int, receiver: str = RECEIVER) -> list[int]:
    """The first ``n`` active accounts (by id) not owned by ``receiver``."""
    with store.sessions() as s:
        rid = s.scalar(select(Csm.id).where(Csm.full_name == receiver))
        return list(
            s.scalars(
                select(Account.id)
                .where(Account.owner_id != rid, Account.lifecycle == "active")
                .order_by(Account.id)
                .limit(n)
            )
        )


def settle(qtbot: object, wizard: object) -> None:
    """Wait for what the wizard reads and writes on workers (set-up, saves, reloads)."""
    qtbot.waitUntil(lambda: not wizard.loading(), timeout=15000)  # type: ignore[attr-defined]
