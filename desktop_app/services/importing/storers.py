"""The storer of each kind of import (a table of functions over the import table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_app.io.model import ImportTable
from desktop_app.services.importing.accounts import store_accounts
from desktop_app.services.importing.billing import store_billing, store_subscriptions, store_usage
from desktop_app.services.importing.context import StoreContext
from desktop_app.services.importing.facts import (
    store_contacts,
    store_nps,
    store_opportunities,
    store_tickets,
)

Storer = Callable[[StoreContext, ImportTable], Any]
STORERS: dict[str, Storer] = {
    "accounts": store_accounts,
    "contacts": store_contacts,
    "opportunities": store_opportunities,
    "tickets": store_tickets,
    "subscriptions": store_subscriptions,
    "billing": store_billing,
    "usage": store_usage,
    "nps": store_nps,
}
