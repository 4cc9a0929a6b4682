"""What the transition rules and the checklist read about one account: plain frozen values.

Built by ``services.transitions.facts`` from the database; ``domain.transition`` re-exports
every name, so ``from desktop_app.domain.transition import AccountFacts`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ContactFact:
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    title: str | None
    is_main: bool
    last_replied: date | None
    status: str | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(no name)"


@dataclass(frozen=True)
class CaseFact:
    """A ticket or SF case of the account."""

    key: str
    source: str
    subject: str
    category: str | None
    status: str | None
    is_open: bool
    is_escalation: bool
    opened: date | None


@dataclass(frozen=True)
class OppFact:
    name: str
    kind: str
    stage: str | None
    amount: float | None
    close_date: date | None
    rsm: str | None
    origin: str | None


@dataclass(frozen=True)
class NoteFact:
    created: date
    kind: str
    author: str | None
    body: str


@dataclass(frozen=True)
class AccountFacts:
    """What the transition rules need to know about one account (plain values)."""

    account_id: int
    name: str
    band: str | None = None
    days_past_due: int = 0
    contacts: tuple[ContactFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    open_opportunities: tuple[OppFact, ...] = ()
    notes: tuple[NoteFact, ...] = ()  # newest first
    active_users: int | None = None
    inactive_users: int | None = None
    terminated_users: int | None = None
    licensed_seats: int | None = None
    cred_active: int | None = None
    cred_contracted: int | None = None
    module_usage_pct: float | None = None

    @property
    def main_contact(self) -> ContactFact | None:
        return next((c for c in self.contacts if c.is_main), None)

    @property
    def open_escalations(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if c.is_open and c.is_escalation)

    @property
    def past_escalations(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if not c.is_open and c.is_escalation)

    @property
    def sales_opportunities(self) -> tuple[OppFact, ...]:
        """Open opportunities in a sales process (upsell, new business).

        A renewal opportunity alone does not make the account "pending": SF opens one for
        every subscription, and counting it would leave no account automated.
        """
        return tuple(o for o in self.open_opportunities if o.kind != "renewal")

    @property
    def open_tickets(self) -> tuple[CaseFact, ...]:
        return tuple(c for c in self.cases if c.is_open)
