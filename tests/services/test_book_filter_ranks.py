"""Sort keys of text columns: the same ranks as a numpy str sort, without a str array."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import numpy as np

from desktop_app.domain.book import BookColumns
from desktop_app.services.book.filter import BookFilter, filter_mask, row_order, sort_keys


def _numpy_ranks(values: np.ndarray) -> np.ndarray:
    """The ranks as they were built before: a numpy ``U`` array, ``np.unique``."""
    text = np.array(["\uffff" if v is None else str(v).lower() for v in values], dtype=str)
    _uniq, inverse = np.unique(text, return_inverse=True)
    ranks = inverse.astype(np.float64)
    ranks[values == None] = np.inf  # noqa: E711
    return ranks


def _book(names: list[str | None]) -> BookColumns:
    empty = BookColumns.empty(date(2026, 1, 1))
    n = len(names)
    columns = {}
    for f in dataclasses.fields(BookColumns):
        if f.name in ("as_of", "cache", "sources"):
            continue
        column = getattr(empty, f.name)
        columns[f.name] = np.resize(column, n) if column.size else np.zeros(n, column.dtype)
    columns["name"] = np.array(names, dtype=object)
    return dataclasses.replace(empty, **columns, cache={})


def test_text_ranks_equal_numpy_str_ranks_on_random_names() -> None:
    rng = random.Random(11)
    alphabet = "abcXYZ éÉèàÅåøØçÇñÑüÜß -'0129"
    names: list[str | None] = ["", "", None, "Zoë", "zoe", "ZOË", "Émile", "emile", "\u00e9"]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(3000)]
    names += [None] * 40
    rng.shuffle(names)
    book = _book(names)
    values = book.name
    keys = sort_keys(book, "name")
    assert keys.dtype == np.float32  # exact ranks in half the memory of float64
    assert np.array_equal(keys, _numpy_ranks(values))
    assert np.isinf(keys[values == None]).all()  # noqa: E711
    order = row_order(book, filter_mask(book, BookFilter()), "name")
    shown = [values[i] for i in order]
    missing = names.count(None)
    assert shown[-missing:] == [None] * missing  # missing names last
    present = [str(s).lower() for s in shown[:-missing]]
    assert present == sorted(present)
