"""load_detail on the demo book: every section agrees with the database it came from."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, update

from desktop_app.services.book.detail import load_detail
from desktop_app.services.book.detail_rows import auto_closes_in
from desktop_app.services.book.nps import latest_nps, latest_nps_array
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Contact, NpsResponse, Ticket


def _account_with_waiting_ticket(store: Store) -> int:
    with store.sessions() as s:
        aid = s.execute(
            select(Ticket.account_id)
            .where(Ticket.is_open.is_(True), Ticket.waiting_on == "customer")
            .limit(1)
        ).scalar_one()
    return int(aid)


def test_header_matches_the_book(demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    # An account with a score and a renewal date, so that every assertion below runs.
    i = int(np.flatnonzero(~np.isnan(book.health_score) & ~np.isnan(book.days_to_renewal))[0])
    aid = int(book.account_id[i])
    with demo_store.sessions.begin() as s:
        s.execute(update(Account).where(Account.id == aid).values(renewal_date=date(2027, 1, 3)))
    d = load_detail(demo_store, aid, today)
    h = d.header
    assert h.name == book.name[i]
    assert h.sf_account_id == book.sf_account_id[i]
    assert h.owner == book.owner[i]
    assert h.arr == pytest.approx(book.arr[i])
    assert h.renewal_date == date(2027, 1, 3)
    assert h.days_to_renewal == 40  # 2026-11-24 -> 2027-01-03: 6 days of November + 31 + 3
    assert h.score is not None
    assert h.score == pytest.approx(book.health_score[i])
    assert h.band == book.band[i]


def test_open_tickets_with_auto_close_countdown(demo_store: Store, today: date) -> None:
    aid = _account_with_waiting_ticket(demo_store)
    with demo_store.sessions.begin() as s:
        waiting = list(
            s.execute(
                select(Ticket.id, Ticket.key).where(
                    Ticket.account_id == aid,
                    Ticket.is_open.is_(True),
                    Ticket.waiting_on == "customer",
                )
            ).all()
        )
        waiting_ids = [tid for tid, _key in waiting]
        keys = [key for _tid, key in waiting]
        # Hand-set ages: 2 days ago closes in 3 days, 7 days ago is past the 5-day rule.
        ages = {tid: (2 if k == 0 else 7) for k, tid in enumerate(waiting_ids)}
        for tid, age in ages.items():
            s.execute(
                update(Ticket)
                .where(Ticket.id == tid)
                .values(updated_at=datetime(2026, 11, 24 - age, 10))
            )
        n_open = s.scalar(
            select(func.count()).where(Ticket.account_id == aid, Ticket.is_open.is_(True))
        )
    d = load_detail(demo_store, aid, today)
    assert len(d.tickets) == n_open
    shown = {t.key: t for t in d.tickets if t.waiting_on == "customer"}
    assert set(shown) == set(keys)
    assert shown[keys[0]].auto_closes_in_days == 3
    assert all(shown[key].auto_closes_in_days == 0 for key in keys[1:])
    assert all(t.auto_closes_in_days is None for t in d.tickets if t.waiting_on != "customer")
    assert all(t.age_days is not None and t.age_days >= 0 for t in d.tickets)


def test_auto_close_rule() -> None:
    today = date(2026, 11, 24)
    updated = datetime(2026, 11, 22, 10)
    assert auto_closes_in("customer", updated, today) == 3
    assert auto_closes_in("customer", updated - timedelta(days=9), today) == 0
    assert auto_closes_in("us", updated, today) is None


def test_contacts_main_poc_first_and_days_since_reply(demo_store: Store, today: date) -> None:
    with demo_store.sessions.begin() as s:
        aid = s.execute(
            select(Contact.account_id).where(Contact.is_main_poc.is_(True)).limit(1)
        ).scalar_one()
        # Hand-made contacts: 30 days quiet, 90 (the last fresh day), 91 (stale), no date.
        for name, replied in [
            ("Thirty", date(2026, 10, 25)),
            ("Ninety", date(2026, 8, 26)),
            ("Ninetyone", date(2026, 8, 25)),
            ("Never", None),
        ]:
            s.add(Contact(account_id=aid, first_name=name, last_name="Test", last_replied=replied))
    d = load_detail(demo_store, aid, today)
    assert d.contacts[0].is_main_poc
    by_name = {c.name: c for c in d.contacts if c.name.endswith("Test")}
    assert {n: (c.days_since_reply, c.stale) for n, c in by_name.items()} == {
        "Thirty Test": (30, False),
        "Ninety Test": (90, False),
        "Ninetyone Test": (91, True),
        "Never Test": (None, False),  # no reply date is unknown, not stale
    }


def test_usage_24_months_and_sections(demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    i = int(np.flatnonzero(book.mau > 0)[0])
    d = load_detail(demo_store, int(book.account_id[i]), today)
    assert len(d.usage.months) == 24
    assert d.usage.months[-1] == date(2026, 11, 1)
    assert d.usage.mau.shape == (24,)
    last = d.usage.mau[~np.isnan(d.usage.mau)][-1]
    assert last == book.mau[i]
    assert d.provenance[0].fact == "Account record"
    assert d.provenance[0].file_name == "demo book"
    assert sum(p.rows for p in d.provenance if p.fact == "Notes") == len(d.notes)
    assert [n.created_at for n in d.notes] == sorted((n.created_at for n in d.notes), reverse=True)
    assert d.breakdown  # the demo fixture is scored; each measure has a label
    assert all(m.label for m in d.breakdown)


def test_unknown_account_is_a_user_error(demo_store: Store, today: date) -> None:
    with pytest.raises(UserError, match="No account"):
        load_detail(demo_store, 999_999, today)


def test_latest_nps_is_the_newest_response(demo_store: Store) -> None:
    latest = latest_nps(demo_store)
    with demo_store.sessions() as s:
        aid = next(iter(latest))
        newest = s.execute(
            select(NpsResponse.score)
            .where(NpsResponse.account_id == aid)
            .order_by(NpsResponse.responded_at.desc(), NpsResponse.id.desc())
            .limit(1)
        ).scalar_one()
        ids = np.array(s.scalars(select(Account.id).order_by(Account.id)).all(), dtype=np.int64)
    assert latest[aid] == newest
    arr = latest_nps_array(demo_store, ids)
    assert int(np.sum(~np.isnan(arr))) == len(latest)
    for i, account_id in enumerate(ids.tolist()):  # aligned with the ids, in any order
        assert arr[i] == latest[account_id] if account_id in latest else np.isnan(arr[i])
    reverse = latest_nps_array(demo_store, ids[::-1].copy())
    assert np.array_equal(reverse, arr[::-1], equal_nan=True)


def test_load_detail_reads_one_account_with_a_fixed_number_of_queries(
    demo_store: Store, today: date
) -> None:
    """The pane's read costs the same handful of queries for any account of any book
    (timings belong in benchmarks/; a count is what a unit test can hold steady)."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    aid = _account_with_waiting_ticket(demo_store)
    other = int(load_book(demo_store, today).account_id[-1])
    event.listen(demo_store.engine, "before_cursor_execute", count)
    try:
        load_detail(demo_store, aid, today)
        first = len(statements)
        statements.clear()
        load_detail(demo_store, other, today)
    finally:
        event.remove(demo_store.engine, "before_cursor_execute", count)
    assert 0 < first <= 30
    assert len(statements) <= first + 2  # not a query per contact, ticket or month
