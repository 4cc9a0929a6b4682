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


def _argsorted(book: BookColumns, mask: np.ndarray, column: str, ascending: bool) -> np.ndarray:
    """The order as it was computed before: a stable argsort of the masked rows' keys."""
    rows = np.flatnonzero(mask)
    keys = sort_keys(book, column)[rows]
    if not ascending:
        keys = -np.where(np.isinf(keys), -np.inf, keys)
    return rows[np.argsort(keys, kind="stable")]


def test_row_order_of_a_mask_is_the_book_order_picked_and_sorts_once() -> None:
    rng = random.Random(5)
    names: list[str | None] = [rng.choice(["b", "a", "c", "B", None, "ab"]) for _ in range(500)]
    book = _book(names)
    nprng = np.random.default_rng(5)
    for ascending in (True, False):
        first = row_order(book, np.ones(len(book), dtype=bool), "name", ascending)
        cached = book.cache["order"][2]
        for _ in range(20):
            mask = nprng.random(len(book)) < nprng.random()
            got = row_order(book, mask, "name", ascending)
            assert np.array_equal(got, _argsorted(book, mask, "name", ascending))
        # Every filter after the first was a pick from the one sorted order.
        assert book.cache["order"][2] is cached
        assert np.array_equal(first, cached)


def test_search_finds_exactly_the_accounts_whose_text_contains_every_word() -> None:
    """The byte search against Python's ``in`` on each account's own text: multi-byte
    letters, words at the start or end of a row, words made of the rarest or the commonest
    letters, words longer than most rows, and no match across two accounts."""
    rng = random.Random(23)
    alphabet = "abcXYZ éÉèàÅåøØçÇñÑüÜß-'0129"
    names: list[str | None] = ["ab", "ba", None, "", "Zoë Émile", "zoe"]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    book = _book(names)
    owners = np.array([rng.choice(["Ann Lee", "Bo", None, "Çé"]) for _ in names], dtype=object)
    book = dataclasses.replace(book, owner=owners, cache={})
    texts = [
        "\x1f".join("" if v is None else str(v) for v in values).lower()
        for values in zip(
            book.name, book.sf_account_id, book.owner, book.lms_id, book.recurly_id, strict=True
        )
    ]
    words = ["a", "ab", "ba", "b ann", "zoë", "émile", "ß", "ç", "'0", "lee", "x" * 40, "q"]
    words += [
        "".join(rng.choice(alphabet).lower() for _ in range(rng.randint(1, 4))) for _ in range(60)
    ]
    for text in [*words, "ann lee", "bo ab"]:
        got = filter_mask(book, BookFilter(text=text))
        want = np.array([all(w in t for w in text.lower().split()) for t in texts])
        assert np.array_equal(got, want), text
    # One account's end and the next one's start never make a match.
    pair = _book(["zz", "zz"])
    assert str(pair.recurly_id[0]) == "0"  # each row's text ends in "0"
    assert filter_mask(pair, BookFilter(text="zz")).all()
    assert not filter_mask(pair, BookFilter(text="0zz")).any()
