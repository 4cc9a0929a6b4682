"""Forecast calls on renewals: set by the CSM, with the app's suggestion and a history.

Every call is a new row of ``forecast_calls``; the latest row of an account is the call in
force. Undo deletes the row it added (``delete_call``) and redo puts it back
(``restore_call``), so the history stays exactly what people did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.domain.forecast import Call, Suggestion, suggest_call
from desktop_app.services.book import load_book
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.health_history_reader import book_history
from desktop_app.store.schema import Account
from desktop_app.store.schema_managers import ForecastCall

#: Churn rates by band count an account-month as churned when churn follows within this.
RATE_HORIZON_MONTHS = 6


@dataclass(frozen=True)
class CallRecord:
    """One forecast call as stored (what undo needs to put it back)."""

    id: int
    account_id: int
    renewal_date: date | None
    call: Call
    suggested: Call | None
    note: str | None
    author: str | None
    created_at: datetime


def _record(row: ForecastCall) -> CallRecord:
    return CallRecord(
        id=int(row.id),
        account_id=int(row.account_id),
        renewal_date=row.renewal_date,
        call=Call(row.call),
        suggested=Call(row.suggested) if row.suggested else None,
        note=row.note,
        author=row.author,
        created_at=row.created_at,
    )


def _add_months(d: date, k: int) -> date:
    y, m = divmod(d.month - 1 + k, 12)
    return date(d.year + y, m + 1, 1)


def band_churn_rates(session: Session, as_of: date) -> dict[str, tuple[int, float | None]]:
    """Band -> (account-months, share that churned within six months), from the snapshots.

    Only month-ends whose six months have passed by ``as_of`` count (the same pooling as
    "Does the score predict churn?").
    """
    # Counted in numpy over the (accounts x months) history: no object per account-month.
    hist = book_history(session.connection())
    churn = dict(session.execute(select(Account.id, Account.churn_date)).all())
    epoch = date(1970, 1, 1)
    churn_day = np.array(
        [np.nan if (d := churn.get(a)) is None else (d - epoch).days
         for a in hist.account_id.tolist()],
        dtype=np.float64,
    )  # fmt: skip
    names = hist.band_names()
    counts: dict[str, list[int]] = {}
    for k, month in enumerate(hist.months):
        end = _add_months(month, 1)
        stop = _add_months(end, RATE_HORIZON_MONTHS)
        if stop > as_of:
            continue
        with np.errstate(invalid="ignore"):
            churned = (churn_day >= (end - epoch).days) & (churn_day < (stop - epoch).days)
        col = names[:, k]
        for band in {b for b in col.tolist() if b is not None}:
            rows = col == band
            tally = counts.setdefault(str(band), [0, 0])
            tally[0] += int(rows.sum())
            tally[1] += int((rows & churned).sum())
    return {b: (n, (k / n if n else None)) for b, (n, k) in counts.items()}


def suggest_for(
    rates: dict[str, tuple[int, float | None]], band: str | None, churned: bool
) -> Suggestion:
    """The suggestion for an account in ``band`` given the book's churn rates by band."""
    n, rate = rates.get(band or "", (0, None))
    return suggest_call(band, rate, n, churned=churned)


def current_calls(session: Session, account_ids: Sequence[int] | None = None) -> dict[int, Call]:
    """The call in force per account (the latest row), for ``account_ids`` or every account."""
    stmt = select(ForecastCall.account_id, ForecastCall.call).order_by(
        ForecastCall.created_at, ForecastCall.id
    )
    if account_ids is not None:
        stmt = stmt.where(ForecastCall.account_id.in_([int(a) for a in account_ids]))
    return {int(a): Call(c) for a, c in session.execute(stmt)}


def suggestion(store: Store, account_id: int, today: date | None = None) -> Suggestion:
    """The app's suggested call for one account's renewal."""
    today = today or date.today()
    book = load_book(store, today)
    i = book.index_of(account_id)
    if i is None:
        raise UserError(f"No account with id {account_id}.")
    band = book.band[i]
    with store.sessions() as session:
        rates = band_churn_rates(session, today)
    return suggest_for(rates, None if band is None else str(band), bool(book.churned[i]))


def set_call(
    store: Store,
    account_id: int,
    call: Call,
    *,
    note: str | None = None,
    author: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> CallRecord:
    """Record a forecast call on the account's renewal; returns the stored row."""
    today = today or date.today()
    hint = suggestion(store, account_id, today)
    with store.sessions() as session, session.begin():
        acc = session.get(Account, account_id)
        if acc is None:
            raise UserError(f"No account with id {account_id}.")
        row = ForecastCall(
            account_id=account_id,
            renewal_date=acc.renewal_date,
            call=call.value,
            suggested=hint.call.value,
            note=(note or "").strip() or None,
            author=author,
            created_at=(now or datetime.now()).replace(microsecond=0),
        )
        session.add(row)
        session.flush()
        return _record(row)


def delete_call(store: Store, call_id: int) -> CallRecord | None:
    """Delete one call row (undo); returns what was deleted, None if it was not there."""
    with store.sessions() as session, session.begin():
        row = session.get(ForecastCall, call_id)
        if row is None:
            return None
        rec = _record(row)
        session.execute(delete(ForecastCall).where(ForecastCall.id == call_id))
        return rec


def restore_call(store: Store, rec: CallRecord) -> int:
    """Put a deleted call back with its id and timestamp (redo); returns the id."""
    with store.sessions() as session, session.begin():
        session.add(
            ForecastCall(
                id=rec.id,
                account_id=rec.account_id,
                renewal_date=rec.renewal_date,
                call=rec.call.value,
                suggested=rec.suggested.value if rec.suggested else None,
                note=rec.note,
                author=rec.author,
                created_at=rec.created_at,
            )
        )
    return rec.id


def call_history(store: Store, account_id: int) -> list[CallRecord]:
    """Every call on the account, newest first."""
    with store.sessions() as session:
        rows = session.scalars(
            select(ForecastCall)
            .where(ForecastCall.account_id == account_id)
            .order_by(ForecastCall.created_at.desc(), ForecastCall.id.desc())
        ).all()
        return [_record(r) for r in rows]
