"""``domain.arrays.unique_ids``: ``np.unique`` of ids, without importing ``numpy.ma``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from desktop_app.domain.arrays import unique_ids


@pytest.mark.parametrize(
    "values",
    [
        [],
        [7],
        [3, 1, 3, 2, 1],
        np.array([5, 5, 5], dtype=np.int32),
        (9, -1, 0, 9),
        range(10, 0, -2),
    ],
)
def test_unique_ids_equal_numpy_unique(values: object) -> None:
    got = unique_ids(values)
    want = np.unique(
        np.asarray(list(values) if isinstance(values, range) else values, dtype=np.int64)
    )
    assert got.dtype == np.int64
    assert np.array_equal(got, want)


def test_unique_ids_do_not_import_numpy_ma() -> None:
    code = (
        "import sys; from desktop_app.domain.arrays import unique_ids; "
        "unique_ids([3, 1, 3]); print('numpy.ma' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_derive_all_caches_every_derived_column() -> None:
    """``BookColumns.derive_all`` computes each derived column once, on the reading
    worker: afterwards every ``DERIVED`` property returns the very array it cached."""
    from datetime import date

    from desktop_app.domain.book import BookColumns

    book = BookColumns.empty(date(2026, 11, 24))
    assert not book.cache
    assert book.derive_all() is book
    cached = dict(book.cache)
    assert len(cached) >= len(BookColumns.DERIVED)
    for name in BookColumns.DERIVED:
        getattr(book, name)
    assert book.cache == cached  # nothing left to compute
