"""Reload a few accounts of a book that is already loaded (after an edit), not the whole book.

``load_rows`` reads the accounts' own columns and facts by id; ``merge_rows`` returns a new
``BookColumns`` with those rows replaced. An edit of one account then costs a few indexed
queries and an O(n) copy of the columns, instead of a full reload of 100k accounts.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from typing import Any

import numpy as np

from desktop_app.domain.arrays import IntArray, unique_ids
from desktop_app.domain.book import BookColumns
from desktop_app.store.book_reader import read_accounts, read_facts
from desktop_app.store.engine import Store

_DATA_FIELDS = tuple(
    f.name for f in fields(BookColumns) if f.name not in ("as_of", "cache", "sources")
)
#: Which sort keys (``sort:<column>``) depend on which stored columns.
_SORT_SOURCES = {
    "band": ("computed_band", "override_band"),
    "utilisation": ("mau", "seats"),
    "days_to_renewal": ("renewal_date",),
}
_SEARCH_SOURCES = ("name", "sf_account_id", "owner", "lms_id", "recurly_id")


def load_rows(store: Store, account_ids: Any, today: date | None = None) -> BookColumns:
    """The accounts ``account_ids`` (those that still exist) with their facts, in id order."""
    ids = unique_ids(account_ids)
    as_of = today or date.today()
    with store.engine.connect() as conn:
        part = read_accounts(conn, as_of, ids)
        if len(part) == 0:
            return part
        facts = read_facts(conn, part, subset=True)
    return replace(part, **facts)


def merge_rows(book: BookColumns, part: BookColumns, asked: Any = None) -> BookColumns:
    """``book`` with the rows of ``part`` replaced (matched by account id).

    Ids in ``asked`` that are missing from ``part`` were deleted: their rows are dropped.
    Ids of ``part`` that ``book`` does not hold are appended (kept in id order). Derived
    arrays in the cache (sort keys, search text) are kept when their source columns did not
    change at those rows, else dropped (recomputed on next use).
    """
    asked_ids = part.account_id if asked is None else np.asarray(asked, dtype=np.int64)
    gone = np.setdiff1d(asked_ids, part.account_id)
    if gone.size or not np.isin(part.account_id, book.account_id).all():
        return _rebuild(book, part, gone)
    pos = np.searchsorted(book.account_id, part.account_id)
    new: dict[str, Any] = {}
    changed: set[str] = set()
    for name in _DATA_FIELDS:
        old = getattr(book, name)
        values = getattr(part, name)
        if not _same(old[pos], values):
            column = old.copy()
            column[pos] = values
            new[name] = column
            changed.add(name)
    cache = {k: v for k, v in book.cache.items() if not _stale(k, changed)}
    return replace(book, cache=cache, sources=part.sources, **new)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind == "M":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def _stale(key: str, changed: set[str]) -> bool:
    if key == "search":
        return bool(changed & set(_SEARCH_SOURCES))
    if key == "choices":
        return bool(changed & {"owner", "team_lead", "segment"})
    if key.startswith("sort:"):
        column = key[5:]
        return bool(changed & set(_SORT_SOURCES.get(column, (column,))))
    return True


def _rebuild(book: BookColumns, part: BookColumns, gone: IntArray) -> BookColumns:
    """Rows deleted or added: rebuild the columns in id order (rare; cache dropped)."""
    keep = ~np.isin(book.account_id, np.concatenate([gone, part.account_id]))
    ids = np.concatenate([book.account_id[keep], part.account_id])
    order = np.argsort(ids, kind="stable")
    cols: dict[str, Any] = {
        name: np.concatenate([getattr(book, name)[keep], getattr(part, name)])[order]
        for name in _DATA_FIELDS
    }
    return BookColumns(as_of=book.as_of, sources=part.sources, **cols)
