"""The book reader reads accounts and scores a chunk at a time (so that the strings a book
keeps are not scattered among freed rows): the book is the same whatever the chunk size,
and each repeated text is one object across chunks."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from desktop_app.store import book_reader
from desktop_app.store.book_reader import read_accounts, read_facts
from desktop_app.store.engine import Store


def _read(store: Store, today: date) -> dict[str, object]:
    with store.engine.connect() as conn:
        book = read_accounts(conn, today)
        facts = read_facts(conn, book)
    full = dataclasses.replace(book, **facts)
    return {f.name: getattr(full, f.name) for f in dataclasses.fields(full) if f.name != "cache"}


def test_chunked_reads_give_the_same_book(
    demo_store: Store, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _read(demo_store, today)
    monkeypatch.setattr(book_reader, "_CHUNK", 7)  # 300 accounts: 43 chunks
    chunked = _read(demo_store, today)
    assert len(whole["account_id"]) == 300  # type: ignore[arg-type]
    for name, value in whole.items():
        other = chunked[name]
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype, name  # type: ignore[union-attr]
            assert np.array_equal(value, other, equal_nan=value.dtype.kind in "fM"), name  # type: ignore[arg-type]
        else:
            assert value == other, name
    # Repeated texts are one object each, across chunks (a 100k book: 100k "active"s).
    for name in ("team_lead", "segment", "industry", "lifecycle", "computed_band", "band_reason"):
        column = chunked[name]
        assert isinstance(column, np.ndarray)
        values = [v for v in column.tolist() if v is not None]
        assert len({id(v) for v in values}) == len(set(values)), name


def test_renewal_dates_fall_back_to_live_terms_alike_for_few_and_many(
    demo_store: Store, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accounts without a renewal date take their live subscriptions' first term end,
    whether their subscriptions are read by id (a few accounts) or for every undated
    account of the book at once (a whole book: one index search per undated account)."""
    from sqlalchemy import text

    with demo_store.engine.begin() as conn:
        undated = [
            int(i)
            for (i,) in conn.execute(
                text(
                    "select distinct account_id from subscriptions where ended_at is null"
                    " and current_period_ends_at is not null and account_id is not null"
                    " order by account_id limit 40"
                )
            )
        ]
        assert len(undated) == 40
        listed = ",".join(map(str, undated))
        conn.execute(text(f"update accounts set renewal_date = null where id in ({listed})"))
    monkeypatch.setattr(book_reader, "_FEW", 0)  # the whole book's query
    with demo_store.engine.connect() as conn:
        many = read_accounts(conn, today)
    monkeypatch.setattr(book_reader, "_FEW", 10_000)  # by id
    with demo_store.engine.connect() as conn:
        few = read_accounts(conn, today)
    rows = np.searchsorted(many.account_id, undated)
    assert not np.isnat(many.renewal_date[rows]).any()
    assert np.array_equal(many.renewal_date, few.renewal_date, equal_nan=True)
