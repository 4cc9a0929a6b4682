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
