"""The demo book is deterministic and has the promised shapes; the book columns load it."""

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text

from desktop_app.services.book.export import export_view
from desktop_app.services.book.filter import BookFilter, filter_mask, row_order
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.book.records import account_records
from desktop_app.services.database import open_database
from desktop_app.services.demo.book import MONTHS, generate_demo
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Contact, Ticket, UsageMonth

TODAY = date(2026, 11, 24)
TABLES = (
    "accounts",
    "contacts",
    "usage_monthly",
    "tickets",
    "nps_responses",
    "opportunities",
    "subscriptions",
    "billing_states",
    "notes",
    "csms",
)


def _digest(store: Store) -> str:
    h = hashlib.sha256()
    with store.engine.connect() as conn:
        for table in TABLES:
            for row in conn.execute(text(f"select * from {table} order by id")):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def test_demo_is_deterministic(tmp_path: Path) -> None:
    digests = []
    for name in ("a.db", "b.db"):
        store = open_database(tmp_path / name)
        generate_demo(store, 120, seed=3, today=TODAY)
        digests.append(_digest(store))
        store.dispose()
    assert digests[0] == digests[1]
    other = open_database(tmp_path / "c.db")
    generate_demo(other, 120, seed=4, today=TODAY)
    assert _digest(other) != digests[0]
    other.dispose()


def test_demo_refuses_a_book_that_has_accounts(demo_store: Store) -> None:
    with pytest.raises(ValueError, match="already holds accounts"):
        generate_demo(demo_store, 10, today=TODAY)


def test_demo_has_the_promised_shapes(demo_store: Store) -> None:
    with demo_store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 300
        owners = s.scalar(select(func.count(func.distinct(Account.owner_id))))
        assert owners == 8
        churn = dict(
            s.execute(
                select(Account.churn_type, func.count())
                .where(Account.lifecycle == "churned")
                .group_by(Account.churn_type)
            ).all()
        )
        assert churn.get("organic", 0) >= 5
        assert churn.get("voluntary", 0) >= 5
        # Every account has exactly one main POC; some have not replied for months.
        mains = s.scalar(select(func.count()).where(Contact.is_main_poc.is_(True)))
        assert mains == 300
        stale = s.scalar(
            select(func.count()).where(
                Contact.is_main_poc.is_(True), Contact.last_replied < date(2026, 8, 1)
            )
        )
        assert stale
        assert stale >= 10
        # Tickets waiting for the customer, about to auto-close after 5 days.
        waiting = s.scalar(
            select(func.count()).where(Ticket.is_open.is_(True), Ticket.waiting_on == "customer")
        )
        assert waiting
        assert waiting >= 10
        months = s.scalar(select(func.count(func.distinct(UsageMonth.month))))
        assert months == MONTHS
        past_due = s.execute(text("select count(*) from billing_states where state='past_due'"))
        assert past_due.scalar() >= 5
        upsell = s.execute(
            text("select count(*) from opportunities where kind='upsell' and not is_closed")
        )
        assert upsell.scalar() >= 10
    book = load_book(demo_store, TODAY)
    active = book.lifecycle == "active"
    days = book.days_to_renewal[active]
    assert np.nanmin(days) >= 0
    assert np.nanmax(days) <= 366
    # Renewals spread over the year, not bunched.
    assert len(np.unique((days // 30).astype(int))) >= 10
    # Zero-usage accounts exist (the chart's floor) and MAU never exceeds seats.
    assert (book.mau[active] == 0).any()
    assert (book.mau[active] <= book.seats[active]).all()


def test_book_filter_and_sort(demo_store: Store) -> None:
    book = load_book(demo_store, TODAY)
    owner = str(book.owner[0])
    mask = filter_mask(book, BookFilter(owners=(owner,)))
    assert 0 < mask.sum() < len(book)
    assert set(book.owner[mask]) == {owner}
    name = str(book.name[5])
    mask = filter_mask(book, BookFilter(text=name.upper()))
    assert mask[5]
    renewals = filter_mask(book, BookFilter(renewal_within_days=30))
    assert ((book.days_to_renewal[renewals] >= 0) & (book.days_to_renewal[renewals] <= 30)).all()
    churned = filter_mask(book, BookFilter(lifecycle="churned"))
    assert (book.lifecycle[churned] == "churned").all()
    order = row_order(book, np.ones(len(book), bool), "mrr", ascending=False)
    mrr = book.mrr[order]
    assert (np.diff(mrr[~np.isnan(mrr)]) <= 0).all()
    order = row_order(book, np.ones(len(book), bool), "name")
    names = [str(n).lower() for n in book.name[order]]
    assert names == sorted(names)


def test_account_records_and_owner(demo_store: Store) -> None:
    records = account_records(demo_store)
    assert len(records) == 300
    owner = records[0].owner
    assert owner
    mine = account_records(demo_store, owner=owner.upper())
    assert mine
    assert all(r.owner == owner for r in mine)
    assert all(r.sf_account_id and len(r.sf_account_id) == 18 for r in records)


def test_export_view_writes_text_not_formulas(demo_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_book(demo_store, TODAY)
    order = np.arange(10)
    target = tmp_path / "view.xlsx"
    assert export_view(book, order, str(target)) == 10
    ws = load_workbook(target).active
    assert ws is not None
    assert ws.cell(1, 1).value == "SF Account ID"
    assert ws.cell(2, 2).value == book.name[0]
    csv_path = tmp_path / "view.csv"
    export_view(book, order, str(csv_path))
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("SF Account ID")
