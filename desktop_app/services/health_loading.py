"""Load the scoring inputs from the store: a few whole-table queries into numpy arrays."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.arrays import FloatArray, IntArray
from desktop_app.domain.churn import RevenueInputs, day_number
from desktop_app.domain.health_inputs import (
    WAITING_CUSTOMER,
    WAITING_NONE,
    WAITING_US,
    HistoryInputs,
)
from desktop_app.services.health_sources import book_sources
from desktop_app.store.dialect import day_number_sql, joined_columns
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    ImportBatch,
    NpsResponse,
    Subscription,
    Ticket,
    UsageMonth,
)

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def days(values: Sequence[Any]) -> FloatArray:
    """Day numbers (float, NaN for None) of dates, datetimes, or their ISO text."""
    if isinstance(next((v for v in values if v is not None), None), str):
        try:  # ISO text straight from the driver (``_fetch``): numpy parses it in C
            parsed = np.array([v[:10] if v else "NaT" for v in values], dtype="datetime64[D]")
        except (TypeError, ValueError):
            values = [date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in values]
        else:
            out = parsed.astype(np.int64).astype(np.float64)
            out[np.isnat(parsed)] = np.nan
            return out
    # toordinal() in a comprehension is ~10x faster than numpy's datetime64 conversion
    nan = np.nan
    return np.array(
        [nan if v is None else v.toordinal() - _EPOCH_ORDINAL for v in values], dtype=np.float64
    )


#: ``session.info`` key: the account ids ``load_history`` is limited to (``_fetch`` filters).
_ONLY = "health_loading.only"
#: Above this many accounts, loading the whole book is cheaper than IN lists.
MAX_ONLY = 5_000


def _fetch(session: Session, stmt: Any) -> list[Any]:
    """The rows of ``stmt`` as the driver returns them, without per-value type processing.

    Dates arrive as ISO text on SQLite (``days`` parses them in numpy) and booleans as 0/1:
    at 100k accounts SQLAlchemy's result rows and type processing cost as much as the query.
    The statement runs on the session's own DBAPI connection (the same transaction).
    """
    conn = session.connection()
    only = session.info.get(_ONLY)
    if only is not None:  # the first column is the account key (accounts.id or account_id)
        # A few accounts' rows: SQLAlchemy's compiled-statement cache matters more here
        # than its per-row processing.
        return list(conn.execute(stmt.where(stmt.selected_columns[0].in_(only))).all())
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup
    args: Any = tuple(compiled.params[k] for k in names) if names is not None else compiled.params
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        rows: list[Any] = list(cursor.fetchall())
    finally:
        cursor.close()
    return rows


def floats(values: Sequence[Any]) -> FloatArray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _rows(ids: IntArray, acc: Sequence[Any]) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Row index of each account id in sorted ``ids`` and whether it was found."""
    a = np.array([-1 if v is None else v for v in acc], dtype=np.int64)
    pos = np.searchsorted(ids, a).clip(0, max(len(ids) - 1, 0))
    ok = (ids[pos] == a) if len(ids) else np.zeros(len(a), dtype=bool)
    return pos.astype(np.int64), ok


def observed_day(session: Session, fallback: date) -> date:
    """The date the current-state data refers to: the newest live import batch."""
    row = (
        session.connection()
        .execute(
            select(func.max(ImportBatch.as_of), func.max(ImportBatch.imported_at)).where(
                ImportBatch.rolled_back_at.is_(None)
            )
        )
        .one()
    )
    if row[0] is not None:
        return row[0]
    if row[1] is not None:
        return row[1].date()
    return fallback


def load_history(session: Session, as_of: date, only: Sequence[int] | None = None) -> HistoryInputs:
    """Every scoring input of the book as arrays (see ``domain.health_inputs``); with
    ``only`` (at most ``MAX_ONLY`` ids), the inputs of those accounts alone."""
    if only is None:
        return _load_history(session, as_of)
    if len(only) > MAX_ONLY:
        raise ValueError(f"load_history: {len(only)} accounts; load the book instead")
    session.info[_ONLY] = sorted({int(a) for a in only})
    try:
        return _load_history(session, as_of)
    finally:
        del session.info[_ONLY]


def _load_history(session: Session, as_of: date) -> HistoryInputs:
    acc = _fetch(
        session,
        select(
            Account.id,
            Account.contracted_seats,
            Account.renewal_date,
            Account.churn_date,
            Account.created_at,
            Account.mrr,
        ).order_by(Account.id),
    )
    cols: list[Sequence[Any]] = list(zip(*acc, strict=True)) if acc else [[]] * 6
    ids = np.array(cols[0], dtype=np.int64)
    n = len(ids)
    mau, seats, month_day = _usage(session, ids)
    subs = load_revenue(session, ids, np.zeros(n))
    period_end = _period_ends(session, ids)
    churn_day = _churn_day(days(cols[3]), subs)
    t_acc, t_open, t_close, t_esc, t_wait, t_upd, t_key = _tickets(session, ids)
    nps = _fetch(
        session, select(NpsResponse.account_id, NpsResponse.responded_at, NpsResponse.score)
    )
    n_rows, n_ok = _rows(ids, [r[0] for r in nps])
    con = _fetch(
        session,
        select(
            Contact.account_id,
            Contact.last_replied,
            Contact.is_main_poc,
            Contact.status,
            Contact.first_name,
            Contact.last_name,
            Contact.email,
        ),
    )
    c_rows, c_ok = _rows(ids, [r[0] for r in con])
    bill = _fetch(
        session, select(BillingState.account_id, BillingState.as_of, BillingState.days_past_due)
    )
    b_rows, b_ok = _rows(ids, [r[0] for r in bill])
    # An account exists from its first subscription or its first month of usage; the row's
    # created_at is when it was imported, not when the customer started.
    first_sub = np.full(n, np.inf)
    np.minimum.at(first_sub, subs.s_acc, np.nan_to_num(subs.s_start, nan=np.inf))
    start = np.where(np.isinf(first_sub), np.nan, first_sub)
    if month_day.size:
        has_use = ~np.isnan(mau)
        first_use = np.where(has_use.any(axis=1), month_day[np.argmax(has_use, axis=1)], np.nan)
        start = np.fmin(start, first_use)
    return HistoryInputs(
        account_id=ids,
        month_day=month_day,
        mau=mau,
        seats=seats,
        contracted_seats=floats(cols[1]),
        renewal_day=days(cols[2]),
        churn_day=churn_day,
        start_day=start,
        t_acc=t_acc,
        t_open=t_open,
        t_close=t_close,
        t_esc=t_esc,
        t_waiting=t_wait,
        t_updated=t_upd,
        n_acc=n_rows[n_ok],
        n_day=days([r[1] for r in nps])[n_ok],
        n_score=floats([r[2] for r in nps])[n_ok],
        c_acc=c_rows[c_ok],
        c_reply=days([r[1] for r in con])[c_ok],
        c_main=np.array([bool(r[2]) for r in con], dtype=bool)[c_ok],
        c_status=np.array([(r[3] or "").lower() for r in con], dtype=str)[c_ok],
        b_acc=b_rows[b_ok],
        b_day=days([r[1] for r in bill])[b_ok],
        b_dpd=floats([r[2] for r in bill])[b_ok],
        observed_day=float(day_number(observed_day(session, as_of))),
        s_acc=subs.s_acc,
        s_start=subs.s_start,
        s_end=subs.s_end,
        s_mrr=subs.s_mrr,
        s_period_end=period_end,
        mrr_now=floats(cols[5]),
        t_key=t_key,
        c_name=np.array([_person(r[4], r[5], r[6]) for r in con], dtype=object)[c_ok],
        sources=book_sources(session),
    )


def _person(first: str | None, last: str | None, email: str | None) -> str | None:
    name = " ".join(p for p in (first, last) if p)
    return name or email


def _period_ends(session: Session, ids: IntArray) -> FloatArray:
    """Each subscription's current period end, in ``load_revenue``'s row order."""
    rows = _fetch(
        session,
        select(Subscription.account_id, Subscription.current_period_ends_at).order_by(
            Subscription.id
        ),
    )
    _r, ok = _rows(ids, [x[0] for x in rows])
    return days([x[1] for x in rows])[ok]


def _usage(session: Session, ids: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """MAU and seats as (accounts x months) arrays, and the months' day numbers."""
    cols = _usage_columns(session)
    if cols is None:
        rows = _fetch(
            session,
            select(
                UsageMonth.account_id, UsageMonth.month, UsageMonth.mau, UsageMonth.licensed_seats
            ),
        )
        cols = (
            np.array([-1 if x[0] is None else x[0] for x in rows], dtype=np.int64),
            days([x[1] for x in rows]),
            floats([x[2] for x in rows]),
            floats([x[3] for x in rows]),
        )
    acc, month, mau_v, seats_v = cols
    if not len(acc):
        empty = np.full((len(ids), 0), np.nan)
        return empty, empty.copy(), np.empty(0)
    r = np.searchsorted(ids, acc).clip(0, max(len(ids) - 1, 0))
    ok = (ids[r] == acc) if len(ids) else np.zeros(len(acc), dtype=bool)
    months = np.unique(month[~np.isnan(month)])
    c = np.searchsorted(months, month)
    mau = np.full((len(ids), len(months)), np.nan)
    seats = np.full((len(ids), len(months)), np.nan)
    good = ok & ~np.isnan(month)
    mau[r[good], c[good]] = mau_v[good]
    seats[r[good], c[good]] = seats_v[good]
    return mau, seats, months


def _usage_columns(session: Session) -> tuple[IntArray, FloatArray, FloatArray, FloatArray] | None:
    """Usage rows as four numpy columns, read as four comma-joined texts.

    ``usage_monthly`` is the book's biggest table (24 rows an account): building 2.4M Python
    row tuples cost seconds and ~400 MB. The database joins each column into one text
    (``dialect.joined_columns``) and numpy parses it. None: a few accounts only, or a value
    that is not a whole number (the row-by-row path then reads it).
    """
    conn = session.connection()
    if session.info.get(_ONLY) is not None:
        return None
    none = -(2**31)  # NULL, as a whole number that numpy parses in C (no 'nan' text)
    exprs = [
        f"coalesce(account_id, {none})",
        f"coalesce({day_number_sql(conn, 'month')}, {none})",
        f"coalesce(mau, {none})",
        f"coalesce(licensed_seats, {none})",
    ]
    joined = joined_columns(conn, "usage_monthly", exprs)
    if joined is None:
        return None
    n, texts = joined
    if n == 0:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0), np.empty(0)
    # A value that is not a whole number stops the parse early (numpy warns): read by rows.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            acc, month, mau, seats = (np.fromstring(t, dtype=np.int64, sep=",") for t in texts)
        except (DeprecationWarning, ValueError):
            return None
    if any(len(a) != n for a in (acc, month, mau, seats)):
        return None
    return acc, _nullable(month, none), _nullable(mau, none), _nullable(seats, none)


def _nullable(values: IntArray, none: int) -> FloatArray:
    out = values.astype(np.float64)
    out[values == none] = np.nan
    return out


def _tickets(session: Session, ids: IntArray) -> tuple[Any, ...]:
    rows = _fetch(
        session,
        select(
            Ticket.account_id,
            Ticket.opened_at,
            Ticket.resolved_at,
            Ticket.is_open,
            Ticket.is_escalation,
            Ticket.waiting_on,
            Ticket.updated_at,
            Ticket.key,
        ),
    )
    r, ok = _rows(ids, [x[0] for x in rows])
    opened = days([x[1] for x in rows])
    closed = days([x[2] for x in rows])
    is_open = np.array([bool(x[3]) for x in rows], dtype=bool)
    # An open ticket is open until further notice; a closed one without a date never counts.
    closed = np.where(is_open, np.inf, np.where(np.isnan(closed), -np.inf, closed))
    codes = {"us": WAITING_US, "customer": WAITING_CUSTOMER}
    waiting = np.array([codes.get((x[5] or "").lower(), WAITING_NONE) for x in rows], dtype=np.int8)
    ok &= ~np.isnan(opened)
    esc = np.array([bool(x[4]) for x in rows], dtype=bool)
    updated = days([x[6] for x in rows])
    keys = np.array([x[7] for x in rows], dtype=object)
    return r[ok], opened[ok], closed[ok], esc[ok], waiting[ok], updated[ok], keys[ok]


def load_revenue(session: Session, ids: IntArray, fallback_mrr: FloatArray) -> RevenueInputs:
    """Subscriptions as arrays, with account churn dates and ``fallback_mrr`` as fallback."""
    rows = _fetch(
        session,
        select(
            Subscription.account_id,
            Subscription.started_at,
            Subscription.ended_at,
            Subscription.mrr,
        ).order_by(Subscription.id),  # the same order as ``_period_ends``,
    )
    r, ok = _rows(ids, [x[0] for x in rows])
    acc = _fetch(
        session, select(Account.id, Account.churn_date, Account.created_at).order_by(Account.id)
    )
    return RevenueInputs(
        n=len(ids),
        s_acc=r[ok],
        s_start=days([x[1] for x in rows])[ok],
        s_end=days([x[2] for x in rows])[ok],
        s_mrr=np.nan_to_num(floats([x[3] for x in rows]))[ok],
        fallback_mrr=fallback_mrr,
        churn_day=days([a[1] for a in acc]),
        start_day=days([a[2] for a in acc]),
    )


def _churn_day(crm_churn: FloatArray, rev: RevenueInputs) -> FloatArray:
    """CRM churn date, else the day the last subscription ended (all ended)."""
    n = rev.n
    has = np.bincount(rev.s_acc, minlength=n) > 0
    live = np.bincount(rev.s_acc[np.isnan(rev.s_end)], minlength=n) > 0
    last_end = np.full(n, -np.inf)
    np.maximum.at(last_end, rev.s_acc, np.nan_to_num(rev.s_end, nan=-np.inf))
    derived = np.where(has & ~live & np.isfinite(last_end), last_end, np.nan)
    out: FloatArray = np.where(np.isnan(crm_churn), derived, crm_churn)
    return out
