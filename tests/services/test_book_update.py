"""Reloading a few accounts of a loaded book: the rows by id, merged into the book."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import text

from desktop_app.services.book.filter import BookFilter, filter_mask, sort_keys
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.book.update import load_rows, merge_rows
from desktop_app.services.health.overrides import set_override
from desktop_app.store.engine import Store


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind in "fM":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def test_rows_by_id_equal_the_whole_book_rows(demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    ids = book.account_id[[0, 5, 17, 250]]
    part = load_rows(demo_store, ids[::-1], today)
    assert part.account_id.tolist() == sorted(ids.tolist())
    rows = np.searchsorted(book.account_id, part.account_id)
    for name in ("name", "owner", "mrr", "renewal_date", "mau", "seats", "open_tickets",
                 "health_score", "computed_band", "override_band"):  # fmt: skip
        assert _equal(getattr(part, name), getattr(book, name)[rows]), name


def test_an_override_changes_only_its_row_and_keeps_unrelated_caches(
    demo_store: Store, today: date
) -> None:
    book = load_book(demo_store, today)
    name_keys = sort_keys(book, "name")
    sort_keys(book, "band")
    i = int(np.flatnonzero(book.computed_band == "Healthy/Stable")[0])
    aid = int(book.account_id[i])
    set_override(demo_store, aid, "Escalation", "Open escalation elsewhere", None, "t", None)
    merged = merge_rows(book, load_rows(demo_store, [aid], today), [aid])
    assert merged.band[i] == "Escalation"
    assert book.band[i] == "Healthy/Stable"  # the old book is left as it was
    others = np.arange(len(book)) != i
    assert np.array_equal(merged.band[others], book.band[others])
    assert merged.cache["sort:name"] is name_keys  # names did not change
    assert "sort:band" not in merged.cache  # bands did: recomputed on next use
    assert filter_mask(merged, BookFilter(bands=("Escalation",)))[i]


def test_a_deleted_account_leaves_the_merged_book(demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    aid = int(book.account_id[3])
    with demo_store.engine.begin() as conn:
        # Delete the row alone, as another client's import could: foreign keys off for this
        # transaction (each dialect has its own switch).
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(text("DELETE FROM accounts WHERE id = :id"), {"id": aid})
    merged = merge_rows(book, load_rows(demo_store, [aid], today), [aid])
    assert len(merged) == len(book) - 1
    assert aid not in merged.account_id.tolist()
    assert np.all(np.diff(merged.account_id) > 0)
