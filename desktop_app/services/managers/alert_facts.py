"""Read what the alert rules need about every active account, one query per fact table."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.alert_rules import AlertFacts
from desktop_app.domain.book import BookColumns
from desktop_app.services.book import auto_closes_in, main_poc_replies
from desktop_app.services.health import active_overrides, book_sources
from desktop_app.store.engine import Store
from desktop_app.store.health_history_reader import book_history
from desktop_app.store.schema import BillingState, Ticket, UsageMonth

#: "A month ago" is the latest month-end snapshot at least this many days old (20: on the
#: 24th it is last month's end, on the 6th the end of the month before).
MONTH_AGO_DAYS = 20


def month_ago(today: date) -> date:
    """The first day of the month whose month-end snapshot is the one "a month ago"."""
    cutoff = today - timedelta(days=MONTH_AGO_DAYS) + timedelta(days=1)
    first = date(cutoff.year, cutoff.month, 1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def snapshot_bands(session: Session, month: date) -> dict[int, str]:
    """Account -> band of the ``month`` snapshot."""
    hist = book_history(session.connection())
    if month not in hist.months:
        return {}
    bands = hist.band_names()[:, hist.months.index(month)].tolist()
    return {
        a: str(b) for a, b in zip(hist.account_id.tolist(), bands, strict=True) if b is not None
    }


def _usage(session: Session, today: date) -> dict[int, tuple[float, float, date]]:
    """Account -> (MAU of the latest month, of the month before, latest month)."""
    # The three latest months with usage (one month of lag allowed), not the whole history.
    months = session.scalars(
        select(UsageMonth.month)
        .where(UsageMonth.month <= today)
        .distinct()
        .order_by(UsageMonth.month.desc())
        .limit(3)
    ).all()
    if not months:
        return {}
    rows = session.execute(
        select(UsageMonth.account_id, UsageMonth.month, UsageMonth.mau)
        .where(UsageMonth.month >= min(months), UsageMonth.month <= today)
        .where(UsageMonth.mau.is_not(None))
        .order_by(UsageMonth.account_id, UsageMonth.month)
    ).all()
    out: dict[int, tuple[float, float, date]] = {}
    last: dict[int, tuple[date, float]] = {}
    for aid, month, mau in rows:
        value = float(mau or 0)
        prev = last.get(int(aid))
        if prev is not None and (month - prev[0]).days <= 31:
            out[int(aid)] = (value, prev[1], month)
        else:
            out.pop(int(aid), None)
        last[int(aid)] = (month, value)
    return out


def _auto_closing(session: Session, today: date) -> dict[int, list[tuple[str, int]]]:
    out: dict[int, list[tuple[str, int]]] = {}
    rows = session.execute(
        select(Ticket.account_id, Ticket.key, Ticket.waiting_on, Ticket.updated_at)
        .where(Ticket.is_open.is_(True), Ticket.waiting_on == "customer")
        .order_by(Ticket.updated_at, Ticket.key)
    ).all()
    for aid, key, waiting_on, updated in rows:
        days = auto_closes_in(waiting_on, updated, today)
        # Updated in the last five days (not in the future): it will close on its own.
        if aid is None or days is None or days <= 0 or updated is None or updated.date() > today:
            continue
        out.setdefault(int(aid), []).append((str(key), days))
    return out


def _billing(session: Session, today: date) -> dict[int, tuple[str, int, date]]:
    latest = (
        select(BillingState.account_id, func.max(BillingState.as_of).label("as_of"))
        .where(BillingState.as_of <= today)
        .group_by(BillingState.account_id)
        .subquery()
    )
    rows = session.execute(
        select(
            BillingState.account_id, BillingState.state, BillingState.days_past_due, latest.c.as_of
        ).join(
            latest,
            (latest.c.account_id == BillingState.account_id)
            & (latest.c.as_of == BillingState.as_of),
        )
    ).all()
    return {int(a): (str(s), int(d or 0), when) for a, s, d, when in rows}


def _opt(v: float) -> int | None:
    return None if np.isnan(v) else int(v)


def load_facts(
    store: Store, book: BookColumns, today: date
) -> tuple[dict[int, AlertFacts], frozenset[str]]:
    """AlertFacts of every active account of ``book`` (by account id) and the book's sources.

    A source the book lacks (``health_sources``) leaves its facts unknown: no reply dates
    imported means no "main POC silent" alert, never "silent since forever".
    """
    active = np.flatnonzero(~book.churned)
    ids = book.account_id
    month = month_ago(today)
    with store.sessions() as session:
        sources = book_sources(session)
        before = snapshot_bands(session, month)
        usage = _usage(session, today)
        closing = _auto_closing(session, today)
        billing = _billing(session, today)
        _has, poc_days = main_poc_replies(session, ids, today)
    review = {o.account_id for o in active_overrides(store, today) if o.needs_review}
    band, days = book.band, book.days_to_renewal
    out: dict[int, AlertFacts] = {}
    for i in active.tolist():
        aid = int(ids[i])
        u = usage.get(aid)
        bill = billing.get(aid)
        rd = book.renewal_date[i]
        out[aid] = AlertFacts(
            band=None if band[i] is None else str(band[i]),
            band_month_ago=before.get(aid),
            month_ago=month,
            mau_last=u[0] if u else None,
            mau_prev=u[1] if u else None,
            usage_month=u[2] if u else None,
            auto_closing=tuple(closing.get(aid, ())),
            past_due_days=bill[1] if bill and bill[0] == "past_due" else None,
            billing_as_of=bill[2] if bill else None,
            days_to_renewal=_opt(days[i]),
            renewal_date=None if np.isnat(rd) else rd.astype(object),
            poc_reply_days=_opt(poc_days[i]) if "replies" in sources else None,
            override_band=book.override_band[i],
            override_review=aid in review,
        )
    return out, sources
