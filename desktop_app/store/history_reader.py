"""The history reader: every scoring input of the book, a few whole-table queries into numpy.

``load_history`` returns ``domain.health_inputs.HistoryInputs``. The big tables are read
without a Python object per value where the backend allows it (``store.dialect``): usage
comes month by month as comma-joined columns, and dates arrive as day numbers. Columns only
the band reasons need (ticket keys, contact names) are read for the rows they can concern
(escalations, main POCs).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Boolean, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from desktop_app.domain.arrays import FloatArray, IntArray, ObjArray
from desktop_app.domain.churn import RevenueInputs, day_number
from desktop_app.domain.health_inputs import (
    WAITING_CUSTOMER,
    WAITING_NONE,
    WAITING_US,
    HistoryInputs,
)
from desktop_app.store.book_reader import read_sources
from desktop_app.store.dialect import day_number_of, joined_numbers
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


def _rows(ids: IntArray, acc: Sequence[Any] | FloatArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Row index of each account id in sorted ``ids`` and whether it was found."""
    if isinstance(acc, np.ndarray):
        a = np.where(np.isnan(acc), -1, acc).astype(np.int64)
    else:
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


def _columns(
    session: Session,
    table: Any,
    cols: Sequence[tuple[Any, str]],
    order_by: Any,
) -> list[FloatArray]:
    """Columns of ``table`` as float arrays: ``kind`` "num" (numbers and booleans, NULL ->
    NaN) or "day" (dates as day numbers). The first column is the account key.

    The whole book is read as joined text (``dialect.joined_numbers``, no Python object per
    value); a few accounts (``only``), or a backend without that form, by rows.
    """
    conn = session.connection()
    if session.info.get(_ONLY) is None:
        exprs: list[Any] = []
        for col, kind in cols:
            if kind == "day":
                exprs.append(day_number_of(conn, col))
            elif isinstance(col.type, Boolean):
                exprs.append(cast(col, Integer))
            else:
                exprs.append(col)
        if all(e is not None for e in exprs):
            got = joined_numbers(conn, exprs, order_by)
            if got is not None:
                return got[0][1]
    rows = _fetch(session, select(*(c for c, _k in cols)).select_from(table).order_by(order_by))
    values: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[]] * len(cols)
    out = []
    for (_col, kind), v in zip(cols, values, strict=True):
        out.append(days(v) if kind == "day" else floats([None if x is None else +x for x in v]))
    return out


def _load_history(session: Session, as_of: date) -> HistoryInputs:
    acc_id, acc_seats, acc_renewal, acc_churn, acc_created, acc_mrr = _columns(
        session,
        Account,
        [(Account.id, "num"), (Account.contracted_seats, "num"), (Account.renewal_date, "day"),
         (Account.churn_date, "day"), (Account.created_at, "day"), (Account.mrr, "num")],
        Account.id,
    )  # fmt: skip
    ids = acc_id.astype(np.int64)
    n = len(ids)
    mau, seats, month_day = _usage(session, ids)
    sub = _subscriptions(session, ids)
    subs = _revenue(ids, np.zeros(n), sub, acc_churn, acc_created)
    churn_day = _churn_day(subs.churn_day, subs)
    t_acc, t_open, t_close, t_esc, t_wait, t_upd, t_key = _tickets(session, ids)
    nps = _columns(
        session,
        NpsResponse,
        [(NpsResponse.account_id, "num"), (NpsResponse.responded_at, "day"),
         (NpsResponse.score, "num")],
        NpsResponse.id,
    )  # fmt: skip
    n_rows, n_ok = _rows(ids, nps[0])
    c_acc, c_id, c_reply, c_main = _columns(
        session,
        Contact,
        [(Contact.account_id, "num"), (Contact.id, "num"), (Contact.last_replied, "day"),
         (Contact.is_main_poc, "num")],
        Contact.id,
    )  # fmt: skip
    c_rows, c_ok = _rows(ids, c_acc)
    c_status, c_name = _main_pocs(session, c_id, c_main > 0)
    bill = _columns(
        session,
        BillingState,
        [(BillingState.account_id, "num"), (BillingState.as_of, "day"),
         (BillingState.days_past_due, "num")],
        BillingState.id,
    )  # fmt: skip
    b_rows, b_ok = _rows(ids, bill[0])
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
        contracted_seats=acc_seats,
        renewal_day=acc_renewal,
        churn_day=churn_day,
        start_day=start,
        t_acc=t_acc,
        t_open=t_open,
        t_close=t_close,
        t_esc=t_esc,
        t_waiting=t_wait,
        t_updated=t_upd,
        n_acc=n_rows[n_ok],
        n_day=nps[1][n_ok],
        n_score=nps[2][n_ok],
        c_acc=c_rows[c_ok],
        c_reply=c_reply[c_ok],
        c_main=(c_main > 0)[c_ok],
        c_status=c_status[c_ok],
        b_acc=b_rows[b_ok],
        b_day=bill[1][b_ok],
        b_dpd=bill[2][b_ok],
        observed_day=float(day_number(observed_day(session, as_of))),
        s_acc=subs.s_acc,
        s_start=subs.s_start,
        s_end=subs.s_end,
        s_mrr=subs.s_mrr,
        s_period_end=sub[5],
        mrr_now=acc_mrr,
        t_key=t_key,
        c_name=c_name[c_ok],
        sources=read_sources(session.connection()),
    )


def _person_name() -> Any:
    """A contact's name as the band reasons say it: first and last name, else the e-mail."""
    first, last = func.coalesce(Contact.first_name, ""), func.coalesce(Contact.last_name, "")
    return case(
        ((first != "") & (last != ""), first + " " + last),
        (first != "", first),
        (last != "", last),
        else_=Contact.email,
    )


def _main_pocs(
    session: Session, contact_id: FloatArray, main: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.str_], ObjArray]:
    """Status (lower case) and name of every contact, in ``contact_id`` order; read for the
    main POCs only (only theirs are ever used: ``domain.health_inputs``)."""
    n = len(contact_id)
    names = np.full(n, None, dtype=object)
    status = np.full(n, "", dtype=object)
    if main.any():
        rows = _fetch(
            session,
            select(Contact.account_id, Contact.id, Contact.status, _person_name()).where(
                Contact.is_main_poc.is_(True)
            ),
        )
        cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[]] * 4
        found = np.array(cols[1], dtype=np.float64)
        pos = np.searchsorted(contact_id, found).clip(0, max(n - 1, 0))
        ok = contact_id[pos] == found if n else np.zeros(len(found), dtype=bool)
        status[pos[ok]] = np.array([(v or "").lower() for v in cols[2]], dtype=object)[ok]
        names[pos[ok]] = np.array(cols[3], dtype=object)[ok]
    return status.astype(str), names


def _usage(session: Session, ids: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """MAU and seats as (accounts x months) arrays, and the months' day numbers."""
    n = len(ids)
    conn = session.connection()
    by_month = None
    if session.info.get(_ONLY) is None:
        month = day_number_of(conn, UsageMonth.month)
        if month is not None:
            by_month = joined_numbers(
                conn,
                [UsageMonth.account_id, UsageMonth.mau, UsageMonth.licensed_seats],
                UsageMonth.account_id,
                group_by=UsageMonth.month,
                group_label=month,
            )
    if by_month is None:
        acc, month_v, mau_v, seats_v = _columns(
            session,
            UsageMonth,
            [(UsageMonth.account_id, "num"), (UsageMonth.month, "day"),
             (UsageMonth.mau, "num"), (UsageMonth.licensed_seats, "num")],
            UsageMonth.id,
        )  # fmt: skip
        good = ~np.isnan(month_v)
        months = np.unique(month_v[good])
        by_month = [
            (m, [acc[sel], mau_v[sel], seats_v[sel]])
            for m in months.tolist()
            for sel in [np.flatnonzero(good & (month_v == m))]
        ]
    by_month = sorted((g for g in by_month if g[0] is not None), key=lambda g: float(g[0]))
    months = np.array([float(g[0]) for g in by_month], dtype=np.float64)
    mau = np.full((n, len(months)), np.nan)
    seats = np.full((n, len(months)), np.nan)
    for c, (_m, (acc, mau_v, seats_v)) in enumerate(by_month):
        r = np.searchsorted(ids, acc).clip(0, max(n - 1, 0))
        ok = (ids[r] == acc) if n else np.zeros(len(acc), dtype=bool)
        mau[r[ok], c] = mau_v[ok]
        seats[r[ok], c] = seats_v[ok]
    return mau, seats, months


def _tickets(session: Session, ids: IntArray) -> tuple[Any, ...]:
    waiting_code = case(
        (func.lower(Ticket.waiting_on) == "us", WAITING_US),
        (func.lower(Ticket.waiting_on) == "customer", WAITING_CUSTOMER),
        else_=WAITING_NONE,
    )
    t_acc, t_id, opened, closed, is_open, esc, waiting, updated = _columns(
        session,
        Ticket,
        [(Ticket.account_id, "num"), (Ticket.id, "num"), (Ticket.opened_at, "day"),
         (Ticket.resolved_at, "day"), (Ticket.is_open, "num"), (Ticket.is_escalation, "num"),
         (waiting_code, "num"), (Ticket.updated_at, "day")],
        Ticket.id,
    )  # fmt: skip
    r, ok = _rows(ids, t_acc)
    is_open_b = is_open > 0
    # An open ticket is open until further notice; a closed one without a date never counts.
    closed = np.where(is_open_b, np.inf, np.where(np.isnan(closed), -np.inf, closed))
    ok &= ~np.isnan(opened)
    esc_b = esc > 0
    keys = np.full(len(t_id), None, dtype=object)
    if esc_b.any():  # keys only word the escalation reasons
        rows = _fetch(
            session,
            select(Ticket.account_id, Ticket.id, Ticket.key).where(Ticket.is_escalation.is_(True)),
        )
        pos = np.searchsorted(t_id, np.array([x[1] for x in rows], dtype=np.float64))
        for p, x in zip(pos.tolist(), rows, strict=True):
            if p < len(t_id) and t_id[p] == x[1]:
                keys[p] = x[2]
    wait = np.nan_to_num(waiting).astype(np.int8)
    return r[ok], opened[ok], closed[ok], esc_b[ok], wait[ok], updated[ok], keys[ok]


def _subscriptions(session: Session, ids: IntArray) -> tuple[npt.NDArray[Any], ...]:
    """Subscriptions by id: account row, start, end, MRR (NaN -> 0) and current period end."""
    rows = _fetch(
        session,
        select(
            Subscription.account_id,
            Subscription.started_at,
            Subscription.ended_at,
            Subscription.mrr,
            Subscription.current_period_ends_at,
        ).order_by(Subscription.id),
    )
    r, ok = _rows(ids, [x[0] for x in rows])
    return (
        r[ok],
        days([x[1] for x in rows])[ok],
        days([x[2] for x in rows])[ok],
        np.nan_to_num(floats([x[3] for x in rows]))[ok],
        ok,
        days([x[4] for x in rows])[ok],
    )


def _revenue(
    ids: IntArray,
    fallback_mrr: FloatArray,
    sub: tuple[npt.NDArray[Any], ...],
    churn_day: FloatArray,
    start_day: FloatArray,
) -> RevenueInputs:
    return RevenueInputs(
        n=len(ids),
        s_acc=sub[0].astype(np.int64),
        s_start=sub[1],
        s_end=sub[2],
        s_mrr=sub[3],
        fallback_mrr=fallback_mrr,
        churn_day=churn_day,
        start_day=start_day,
    )


def load_revenue(session: Session, ids: IntArray, fallback_mrr: FloatArray) -> RevenueInputs:
    """Subscriptions as arrays, with account churn dates and ``fallback_mrr`` as fallback."""
    acc = _fetch(
        session, select(Account.id, Account.churn_date, Account.created_at).order_by(Account.id)
    )
    return _revenue(
        ids,
        fallback_mrr,
        _subscriptions(session, ids),
        days([a[1] for a in acc]),
        days([a[2] for a in acc]),
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
