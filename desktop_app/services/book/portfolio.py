"""Loading the book: every account as ``BookColumns`` (numpy columns, no ORM rows).

The SQL is the store's book reader (``store.book_reader``); the book type is
``domain.book.BookColumns``; filtering and sorting are ``services.book.filter``; records
(``accounts --json``) and the table's export are ``book_records`` and ``book_export``.
Loading comes in two steps so the table can show the accounts while the facts are read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.domain.book import BookColumns
from desktop_app.services.book.filter import owner_choices, row_order, sort_keys
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.progress import Progress, check
from desktop_app.store.book_reader import read_accounts, read_facts, read_last_import

if TYPE_CHECKING:
    from desktop_app.store.engine import Store


def load_book(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> BookColumns:
    """Load every account of the book as columns (plain numpy, no ORM rows)."""
    book = load_accounts(store, today, progress)
    return add_facts(store, book, progress)


def load_accounts(
    store: Store, today: date | None = None, progress: Progress | None = None
) -> BookColumns:
    """The accounts' own columns, with the per-account facts (usage, tickets, health) still
    empty: what the table can show first while ``add_facts`` reads the rest."""
    as_of = today or date.today()
    if progress is not None:
        check(progress, 0.0, "Loading accounts…")
    with gc_paused(), store.engine.connect() as conn:  # see add_facts
        book = read_accounts(conn, as_of, progress=progress)
        sort_keys(book, "name", progress)  # the default sort, prepared off the GUI thread
        row_order(book, np.ones(len(book), dtype=bool), "name")  # and its order (cached)
        owner_choices(book)
    if progress is not None:
        progress.report(0.5, f"{len(book):,} accounts loaded")
    return book


#: Sort keys that depend only on the accounts' own columns (kept when facts are added).
_ACCOUNT_SORTS = {f"sort:{c}" for c in ("name", "owner", "team_lead", "segment", "mrr", "arr",
                                         "renewal_date", "days_to_renewal", "lifecycle",
                                         "sf_account_id", "lms_id", "recurly_id")}  # fmt: skip


def add_facts(store: Store, book: BookColumns, progress: Progress | None = None) -> BookColumns:
    """``book`` with each account's latest usage, open tickets, score, band and override."""
    if progress is not None:
        check(progress, 0.5, "Loading usage and health…")
    if len(book) == 0:
        return book
    with gc_paused():  # its row lists set off full collections, stopping the GUI thread
        with store.engine.connect() as conn:
            facts = read_facts(conn, book, progress=progress)
        cache = {k: v for k, v in book.cache.items() if k in _ACCOUNT_SORTS}
        # The order of the last sort is kept while its keys are (``row_order`` checks).
        cache.update({k: v for k, v in book.cache.items() if k in ("choices", "order")})
        full = replace(book, cache=cache, **facts)
    if progress is not None:
        progress.report(1.0, f"{len(full):,} accounts loaded")
    return full


def last_import(store: Store) -> str | None:
    """'<file> on <date>' for the newest import batch that was not rolled back, or None."""
    with store.engine.connect() as conn:
        row = read_last_import(conn)
    if row is None:
        return None
    return f"{row[0]} on {row[1]:%Y-%m-%d %H:%M}"
