"""Background reads in short steps: their loops stop at pause points (``domain.progress``)
where a background worker gives the window the interpreter, and a cancel stops them. The
results are the same with and without the pauses."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from desktop_app.domain.progress import PACE, Cancelled, paced
from desktop_app.services.book import load_book
from desktop_app.services.book.filter import SORTABLE, prepare_indexes, sort_keys
from desktop_app.services.book.nps import latest_nps, latest_nps_array
from desktop_app.store.engine import Store


class Counting:
    """A Progress that counts its pause points and cancels at the ``stop_at``-th one."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.pauses, self.stop_at = 0, stop_at

    def report(self, fraction: float, message: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        self.pauses += 1
        return self.stop_at is not None and self.pauses >= self.stop_at


def test_paced_gives_every_item_with_a_pause_each_step() -> None:
    items = list(range(2 * PACE + 5))
    progress = Counting()
    assert list(paced(items, progress)) == items
    assert progress.pauses == 3
    assert paced(items, None) is items  # no progress: the items themselves
    with pytest.raises(Cancelled):
        list(paced(items, Counting(stop_at=2)))


def test_prepared_indexes_pause_and_equal_those_built_without(
    demo_store: Store, today: date
) -> None:
    plain = load_book(demo_store, today).derive_all()
    paused = load_book(demo_store, today).derive_all()
    prepare_indexes(plain)
    progress = Counting()
    prepare_indexes(paused, progress)
    # search text, every filter column and every text sort key: a pause at least each
    assert progress.pauses >= 1 + 4 + len(SORTABLE)
    for column in SORTABLE:
        assert np.array_equal(
            sort_keys(plain, column), sort_keys(paused, column), equal_nan=True
        ), column
    a, b = plain.cache["search"], paused.cache["search"]
    assert np.array_equal(a.data, b.data)
    assert np.array_equal(a.starts, b.starts)
    with pytest.raises(Cancelled):
        prepare_indexes(load_book(demo_store, today).derive_all(), Counting(stop_at=3))


def test_latest_nps_pauses_and_gives_the_same_scores(demo_store: Store) -> None:
    progress = Counting()
    assert latest_nps(demo_store, progress) == latest_nps(demo_store)
    assert progress.pauses >= 2  # a batch of rows, and the scores' pass
    ids = np.arange(1, 400, dtype=np.int64)
    assert np.array_equal(
        latest_nps_array(demo_store, ids, Counting()),
        latest_nps_array(demo_store, ids),
        equal_nan=True,
    )
    with pytest.raises(Cancelled):
        latest_nps(demo_store, Counting(stop_at=1))


def test_a_book_load_pauses_between_chunks_and_a_cancel_stops_it(
    demo_store: Store, today: date
) -> None:
    """A reload cancelled by a newer one stops at its next chunk of rows, not at its end."""
    progress = Counting()
    paced_book = load_book(demo_store, today, progress)
    plain = load_book(demo_store, today)
    assert progress.pauses >= 4  # accounts, usage, tickets, scores, overrides
    for column in ("account_id", "mau", "health_score", "open_tickets"):
        assert np.array_equal(
            getattr(paced_book, column), getattr(plain, column), equal_nan=True
        ), column
    assert list(paced_book.name) == list(plain.name)
    with pytest.raises(Cancelled):
        load_book(demo_store, today, Counting(stop_at=3))
