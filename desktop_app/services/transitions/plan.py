"""Planning a transition: workload per receiver, warnings and spreading (the SOP export is
``transitions_export``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select

from desktop_app.domain.arrays import FloatArray
from desktop_app.domain.book import BookColumns
from desktop_app.domain.ids import to_18
from desktop_app.services.book import load_book
from desktop_app.services.errors import UserError
from desktop_app.services.transitions.facts import (
    load_basics,
    load_facts,
)
from desktop_app.services.transitions.workflow import resolve_assignments
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm

RENEWAL_WINDOW_DAYS = 60


@dataclass(frozen=True)
class ReceiverLoad:
    """One receiving CSM's book before and after the transition (active accounts)."""

    csm: str
    capacity: int | None
    accounts_before: int
    accounts_after: int
    arr_before: float
    arr_after: float
    bands_before: dict[str, int] = field(default_factory=dict)
    bands_after: dict[str, int] = field(default_factory=dict)
    renewals_before: int = 0
    renewals_after: int = 0

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.accounts_after > self.capacity


def _band_key(band: object) -> str:
    return "Undefined" if band is None else str(band)


def workload_preview(
    store: Store,
    account_ids: Sequence[int],
    assignments: Mapping[int, str] | str,
    capacity: int | None = None,
    today: date | None = None,
) -> list[ReceiverLoad]:
    """Per receiver: accounts, ARR, band mix and renewals within 60 days, before and after.

    ``capacity`` applies to every receiver; ``None`` uses each CSM's own capacity.
    """
    as_of = today or date.today()
    receivers = resolve_assignments(list(account_ids), assignments)
    book = load_book(store, as_of)
    with store.sessions() as session:
        caps = {n.lower(): c for n, c in session.execute(select(Csm.full_name, Csm.capacity))}
    days = book.days_to_renewal
    out = []
    for csm in sorted(set(receivers.values()), key=str.lower):
        mine = {
            int(a)
            for a, o, lc in zip(book.account_id, book.owner, book.lifecycle, strict=True)
            if o is not None and str(o).lower() == csm.lower() and lc == "active"
        }
        moving = {a for a, r in receivers.items() if r == csm}
        after = mine | moving
        out.append(
            _load_of(
                book,
                csm,
                mine,
                after,
                days,
                capacity if capacity is not None else caps.get(csm.lower()),
            )
        )
    return out


def _load_of(
    book: BookColumns,
    csm: str,
    before: set[int],
    after: set[int],
    days: FloatArray,
    capacity: int | None,
) -> ReceiverLoad:
    band = book.band

    def stats(members: set[int]) -> tuple[int, float, dict[str, int], int]:
        wanted = np.fromiter(members, dtype=np.int64, count=len(members))
        mask = np.isin(book.account_id, wanted)
        arr = float(np.nansum(book.arr[mask]))
        bands: dict[str, int] = {}
        for b in band[mask]:
            bands[_band_key(b)] = bands.get(_band_key(b), 0) + 1
        d = days[mask]
        with np.errstate(invalid="ignore"):
            ren = int(np.count_nonzero((d >= 0) & (d <= RENEWAL_WINDOW_DAYS)))
        return int(mask.sum()), arr, bands, ren

    b, a = stats(before), stats(after)
    return ReceiverLoad(csm, capacity, b[0], a[0], b[1], a[1], b[2], a[2], b[3], a[3])


def transition_warnings(
    store: Store,
    account_ids: Sequence[int],
    assignments: Mapping[int, str] | str,
    capacity: int | None = None,
    today: date | None = None,
) -> list[str]:
    """Renewals within 60 days, receivers over capacity, open work left behind."""
    as_of = today or date.today()
    receivers = resolve_assignments(list(account_ids), assignments)
    out: list[str] = []
    with store.sessions() as session:
        basics = load_basics(session, list(receivers))
        facts = load_facts(session, list(basics))
    horizon = as_of + timedelta(days=RENEWAL_WINDOW_DAYS)
    for aid, b in basics.items():
        if b.renewal_date is not None and as_of <= b.renewal_date <= horizon:
            out.append(f"{b.name} renews on {b.renewal_date.isoformat()} (within 60 days).")
        if b.owner and b.owner.lower() == receivers[aid].lower():
            out.append(f"{b.name} is already owned by {b.owner}.")
        f = facts[aid]
        if f.open_tickets or f.open_opportunities:
            out.append(
                f"{b.name}: open work left behind — {len(f.open_tickets)} open ticket(s), "
                f"{len(f.open_opportunities)} open opportunity(ies)."
            )
    for load in workload_preview(store, list(receivers), receivers, capacity, as_of):
        if load.over_capacity:
            out.append(
                f"{load.csm} would have {load.accounts_after} accounts (capacity {load.capacity})."
            )
    return out


def spread(store: Store, account_ids: Sequence[int], receivers: Sequence[str]) -> dict[int, str]:
    """Assign accounts to receivers balancing ARR and account count (largest ARR first)."""
    if not receivers:
        raise UserError("no receiving CSMs given")
    with store.sessions() as session:
        arr = {
            aid: float(v or 0.0)
            for aid, v in session.execute(
                select(Account.id, Account.arr).where(Account.id.in_(list(account_ids)))
            )
        }
    return spread_by_arr(arr, receivers)


def spread_by_arr(arr: Mapping[int, float], receivers: Sequence[str]) -> dict[int, str]:
    """Greedy balance: each account (largest first) to the receiver with the least load."""
    total = sum(arr.values()) or 1.0
    count = max(len(arr), 1)
    load = {r: [0.0, 0] for r in receivers}
    out: dict[int, str] = {}
    for aid in sorted(arr, key=lambda a: (-arr[a], a)):
        best = min(
            receivers, key=lambda r: (load[r][0] / total + load[r][1] / count, receivers.index(r))
        )
        out[aid] = best
        load[best][0] += arr[aid]
        load[best][1] += 1
    return out


# --------------------------------------------------------------------------- export


def accounts_to_transition(
    store: Store, *, from_owner: str | None = None, sf_ids: Sequence[str] = ()
) -> list[int]:
    """Account ids of every active account of ``from_owner`` (by name), or of ``sf_ids``.

    Owner names match case-insensitively; the accounts come in name order. Raises
    ``UserError`` for an unknown owner, an owner without active accounts, a text that is
    not a Salesforce id, or an id that is not in the book.
    """
    with store.sessions() as session:
        if from_owner:
            owner = session.scalar(
                select(Csm.id).where(func.lower(Csm.full_name) == from_owner.lower())
            )
            if owner is None:
                raise UserError(f"unknown owner: {from_owner}")
            ids = session.scalars(
                select(Account.id)
                .where(Account.owner_id == owner, Account.lifecycle == "active")
                .order_by(Account.name)
            ).all()
            if not ids:
                raise UserError(f"{from_owner} owns no active accounts")
            return list(ids)
        out = []
        for sf in sf_ids:
            try:
                key = to_18(sf)
            except ValueError:
                raise UserError(f"not a Salesforce account id: {sf}") from None
            aid = session.scalar(select(Account.id).where(Account.sf_account_id == key))
            if aid is None:
                raise UserError(f"unknown account id: {sf}")
            out.append(aid)
        return out
