"""Per-row paths over the book grow linearly: counted operations, not time.

A ``book.band[i]`` inside a per-row loop, where ``band`` recomputes over the whole book,
made ``accounts --json`` quadratic (40k accounts never finished). These tests run each
per-row path on a book of ``n`` and ``4 n`` accounts and count two things:

* numpy work: the elements fed to every ufunc / array function / fancy index that touches a
  book array (the arrays are an ndarray subclass that counts, so the work on derived arrays
  is counted too);
* Python work: function calls (``sys.setprofile``), builtins included.

Linear code grows about 4x; a whole-book pass per row grows 16x.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop_app.domain.book import BookColumns
from desktop_app.services.book.export import export_view  # the table's export
from desktop_app.services.book.filter import BookFilter, filter_mask, row_order
from desktop_app.services.book.records import _records

TODAY = date(2026, 6, 1)
SMALL, LARGE = 400, 1600
LINEAR = 5.5  # LARGE / SMALL is 4 (n log n: 4.9); quadratic would be 16


class Counted(np.ndarray):
    """An ndarray that adds the number of elements of every whole-array operation to ``work``."""

    work = 0

    @staticmethod
    def _plain(x: Any) -> Any:
        if isinstance(x, Counted):
            Counted.work += x.size
            return x.view(np.ndarray)
        if isinstance(x, (tuple, list)):
            return type(x)(Counted._plain(v) for v in x)
        return x

    @staticmethod
    def _wrap(x: Any) -> Any:
        if isinstance(x, np.ndarray) and not isinstance(x, Counted) and x.ndim > 0:
            return x.view(Counted)
        if isinstance(x, tuple):
            return tuple(Counted._wrap(v) for v in x)
        return x

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        inputs = tuple(self._plain(x) for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = self._plain(kwargs["out"])
        return self._wrap(getattr(ufunc, method)(*inputs, **kwargs))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func is np.searchsorted:  # a binary search: log2(n) steps per value looked up
            a, v = args[0], args[1]
            before = Counted.work
            args = self._plain(args)
            Counted.work = before + int(np.ceil(np.log2(a.size + 1))) * max(np.size(v), 1)
            return self._wrap(func(*args, **self._plain(kwargs)))
        args = self._plain(args)
        kwargs = {k: self._plain(v) for k, v in kwargs.items()}
        return self._wrap(func(*args, **kwargs))

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, np.ndarray):
            Counted.work += key.size
        return np.ndarray.__getitem__(self, key)


def _book(n: int) -> BookColumns:
    rng = np.random.default_rng(5)
    ids = np.arange(1, n + 1, dtype=np.int64) * 3

    def obj(values: list[Any]) -> Any:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.view(Counted)

    def num(values: Any) -> Any:
        return np.asarray(values).view(Counted)

    bands = np.array(["Healthy/Stable", "Undefined", "Risky/Unstable", "Escalation", None])
    override = np.full(n, None, dtype=object)
    override[rng.random(n) < 0.1] = "Escalation"
    mau = np.round(rng.uniform(0, 500, n))
    mau[rng.random(n) < 0.05] = np.nan
    renewal = np.datetime64(TODAY, "D") + rng.integers(-30, 400, n).astype("timedelta64[D]")
    renewal[rng.random(n) < 0.05] = np.datetime64("NaT")
    return BookColumns(
        account_id=num(ids),
        sf_account_id=obj([f"001{i:015d}" for i in ids]),
        name=obj([f"Account {i}" for i in ids]),
        owner=obj([f"CSM {i % 12}" for i in ids]),
        team_lead=obj([f"TL {i % 3}" for i in ids]),
        segment=obj([("SMB", "Mid", "Enterprise")[i % 3] for i in ids]),
        industry=obj(["Healthcare"] * n),
        lms_id=obj([f"lms-{i}" for i in ids]),
        recurly_id=obj([None] * n),
        mrr=num(rng.uniform(100, 5000, n)),
        arr=num(rng.uniform(1200, 60000, n)),
        renewal_date=num(renewal),
        lifecycle=obj(["active"] * n),
        churn_type=obj([None] * n),
        mau=num(mau),
        seats=num(np.round(rng.uniform(10, 900, n))),
        open_tickets=num(rng.integers(0, 5, n).astype(np.int64)),
        health_score=num(rng.uniform(0, 100, n)),
        computed_band=obj(bands[rng.integers(0, 5, n)].tolist()),
        override_band=obj(override.tolist()),
        band_reason=obj(["why"] * n),
        as_of=TODAY,
    )


def _count(fn: Callable[[BookColumns], object], n: int) -> tuple[int, int]:
    """(numpy elements touched, Python calls) of ``fn`` on a fresh book of ``n`` accounts."""
    book = _book(n)
    calls = 0

    def profile(_frame: Any, event: str, _arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    Counted.work = 0
    sys.setprofile(profile)
    try:
        fn(book)
    finally:
        sys.setprofile(None)
    return Counted.work, calls


def _assert_linear(fn: Callable[[BookColumns], object]) -> None:
    work_s, calls_s = _count(fn, SMALL)
    work_l, calls_l = _count(fn, LARGE)
    assert work_s > 0
    assert work_l <= LINEAR * work_s, f"numpy work grew {work_l / work_s:.1f}x for 4x accounts"
    assert calls_l <= LINEAR * calls_s, f"Python calls grew {calls_l / calls_s:.1f}x for 4x"


def _every_row(book: BookColumns) -> object:
    return np.arange(len(book))


def test_account_records_are_linear() -> None:
    _assert_linear(lambda b: _records(b, _every_row(b), {}))  # type: ignore[arg-type]


def test_reading_band_per_row_is_linear() -> None:
    """The pattern that made ``accounts --json`` quadratic, now one computation per book."""
    _assert_linear(lambda b: [b.band[i] for i in range(len(b))])
    _assert_linear(lambda b: [(b.band_code[i], b.days_to_renewal[i]) for i in range(len(b))])
    _assert_linear(lambda b: [(b.utilisation[i], b.churned[i]) for i in range(len(b))])


def test_index_of_per_account_is_linear() -> None:
    """A selection of accounts looked up one by one (the transition wizard's list)."""
    _assert_linear(lambda b: [b.index_of(int(a)) for a in b.account_id.tolist()])


def test_export_view_is_linear(tmp_path: Path) -> None:
    def export(b: BookColumns) -> object:
        return export_view(b, np.arange(len(b)), str(tmp_path / "view.csv"))

    _assert_linear(export)


def test_filter_and_sort_are_linear() -> None:
    spec = BookFilter(text="account", bands=("Escalation",), renewal_within_days=90)

    def filter_sort(b: BookColumns) -> object:
        return row_order(b, filter_mask(b, spec), "name")

    _assert_linear(filter_sort)


def test_the_counter_sees_a_quadratic_loop() -> None:
    """The measure itself can fail: a whole-book pass per row is caught."""

    def quadratic(b: BookColumns) -> object:
        return [np.where(b.override_band != None, b.override_band, b.computed_band)[i]  # noqa: E711
                for i in range(len(b))]  # fmt: skip

    with pytest.raises(AssertionError, match="grew"):
        _assert_linear(quadratic)


def test_index_of_finds_each_account_and_reports_absent_ones() -> None:
    book = _book(50)
    for i, a in enumerate(book.account_id.tolist()):
        assert book.index_of(int(a)) == i
    assert book.index_of(1) is None
    assert book.index_of(10_000) is None
    assert BookColumns.empty(TODAY).index_of(3) is None


def test_derived_arrays_follow_a_replaced_column() -> None:
    """Cached per book, but a copy with another column recomputes (no stale band)."""
    book = _book(20)
    first = book.band.copy()
    override = np.full(len(book), "Healthy/Stable", dtype=object)
    other = BookColumns(**{**book.__dict__, "override_band": override})
    assert list(other.band) == ["Healthy/Stable"] * len(book)
    assert list(book.band) == list(first)
    with pytest.raises(ValueError, match="read-only"):
        book.band[0] = "Escalation"
