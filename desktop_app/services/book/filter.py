"""Filtering and sorting the book: numpy masks and argsorts, no per-row Python.

One ``BookFilter`` gives one boolean mask shared by the chart and the table; sort keys, the
search text and the filter menus are derived once per book and cached on it (text columns
become integer ranks, so sorting 100k names is an integer argsort). ``prepare_indexes``
builds them all on the loading worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_app.domain.arrays import BoolArray, IntArray, ObjArray
from desktop_app.domain.book import BookColumns
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.progress import PACE, Progress, paced, pause_point


@dataclass(frozen=True)
class BookFilter:
    """What the user narrowed the book to; shared by the chart and the table."""

    text: str = ""
    owners: tuple[str, ...] = ()
    team_leads: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    renewal_within_days: int | None = None
    lifecycle: str | None = None  # "active" | "churned" | None (all)

    @property
    def is_empty(self) -> bool:
        return self == BookFilter()


#: Columns the filter matches against a list of values (owners, team leads, ...).
_CHOICE_COLUMNS = ("owner", "team_lead", "segment", "band")


def _codes(
    book: BookColumns, column: str, progress: Progress | None = None
) -> tuple[npt.NDArray[np.int32], dict[Any, int]]:
    """One small integer per account for ``column``'s value, and the value → code map;
    built once per book (and per new array of that column)."""
    values = getattr(book, column)
    key = f"codes:{column}"
    hit = book.cache.get(key)
    if hit is None or hit[0] is not values:
        index: dict[Any, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in paced(values, progress)),
            dtype=np.int32,
            count=len(values),
        )
        hit = book.cache[key] = (values, codes, index)
    return hit[1], hit[2]


def _isin(book: BookColumns, column: str, wanted: tuple[str, ...]) -> BoolArray:
    """Accounts whose ``column`` is one of ``wanted``: integer codes, not a str conversion
    of the whole column per filter change (100k accounts: ~1 ms against ~20 ms)."""
    codes, index = _codes(book, column)
    picked = [index[w] for w in wanted if w in index]
    mask: BoolArray = np.isin(codes, np.array(picked, dtype=np.int32))
    return mask


@dataclass(frozen=True)
class SearchText:
    """Every account's searchable text, lower-cased UTF-8, in one buffer.

    Row ``i`` is ``data[starts[i]:starts[i + 1] - 1]``, each row ended by a newline, which no
    search word contains (words are split on whitespace): a word never matches across two
    accounts. ``counts`` is how often each byte value occurs: a word is looked for by its
    rarest byte first. One buffer rather than a numpy ``S`` array: no padding to the longest
    row, and a scan of contiguous bytes.
    """

    data: npt.NDArray[np.uint8]
    starts: IntArray
    counts: IntArray

    def rows_with(self, word: bytes) -> BoolArray:
        """Accounts whose text contains ``word``: numpy passes over the buffer (100k
        accounts: a few ms against ~15 ms for ``np.char.find`` over per-row strings)."""
        n = self.starts.shape[0] - 1
        mask = np.zeros(n, dtype=bool)
        size, data = len(word), self.data
        if not size or size > data.shape[0]:
            return mask if size else ~mask
        wanted = np.frombuffer(word, dtype=np.uint8)
        lead = int(np.argmin(self.counts[wanted]))  # the rarest byte of the word
        at = np.flatnonzero(data == wanted[lead]) - lead  # where the word would start
        at = at[(at >= 0) & (at <= data.shape[0] - size)]
        for k in range(size):
            if k != lead and at.size:
                at = at[data[at + k] == wanted[k]]
        if at.size:
            mask[np.searchsorted(self.starts, at, side="right") - 1] = True
        return mask


def _search_blob(book: BookColumns, progress: Progress | None = None) -> SearchText:
    parts = (book.name, book.sf_account_id, book.owner, book.lms_id, book.recurly_id)
    rows: list[bytes] = []
    for lo in range(0, len(book), PACE):
        pause_point(progress)
        rows.extend(
            "\x1f".join("" if v is None else str(v) for v in values).lower().encode() + b"\n"
            for values in zip(*(p[lo : lo + PACE] for p in parts), strict=True)
        )
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    data = np.frombuffer(b"".join(rows), dtype=np.uint8)
    return SearchText(data, starts, np.bincount(data, minlength=256).astype(np.int64))


def search_text(book: BookColumns, progress: Progress | None = None) -> SearchText:
    """Lower-cased searchable text of every account (UTF-8), built once per book (cached)."""
    cached = book.cache.get("search")
    if cached is None:
        cached = book.cache["search"] = _search_blob(book, progress)
    out: SearchText = cached
    return out


#: Every column the account table can sort by (their keys are prepared while loading).
SORTABLE = ("name", "owner", "band", "health_score", "mau", "seats", "utilisation", "mrr", "arr",
            "renewal_date", "days_to_renewal", "open_tickets", "lifecycle", "segment",
            "team_lead", "sf_account_id", "lms_id", "recurly_id")  # fmt: skip


def owner_choices(book: BookColumns) -> dict[str, list[str]]:
    """Distinct owners, team leads and segments (the filter menus), cached per book."""
    cached = book.cache.get("choices")
    if cached is None:
        cached = book.cache["choices"] = {
            key: distinct(getattr(book, key)) for key in ("owner", "team_lead", "segment")
        }
    out: dict[str, list[str]] = cached
    return out


def prepare_indexes(book: BookColumns, progress: Progress | None = None) -> BookColumns:
    """Build the search text, the filter menus and every sort key now (on a worker), so
    that the first search or sort on the GUI thread is a lookup, not a build. Its loops
    run ``PACE`` rows at a time with a ``pause_point`` of ``progress`` between (a
    background worker waits there while the window is busy: ``ui/workers.py``).

    The collector is paused meanwhile: the column lists built here would set off full
    collections that stop the GUI thread too (``gc_pause``)."""
    if not len(book):
        return book
    with gc_paused():
        search_text(book, progress)
        owner_choices(book)
        for name in _CHOICE_COLUMNS:
            pause_point(progress)
            _codes(book, name, progress)
        for column in SORTABLE:
            pause_point(progress)
            sort_keys(book, column, progress)
    return book


def filter_mask(book: BookColumns, spec: BookFilter) -> BoolArray:
    """One boolean mask over the book for ``spec`` (numpy only)."""
    mask = np.ones(len(book), dtype=bool)
    if len(book) == 0:
        return mask
    if spec.text.strip():
        text = search_text(book)
        for word in spec.text.lower().split():
            mask &= text.rows_with(word.encode())
    if spec.owners:
        mask &= _isin(book, "owner", spec.owners)
    if spec.team_leads:
        mask &= _isin(book, "team_lead", spec.team_leads)
    if spec.segments:
        mask &= _isin(book, "segment", spec.segments)
    if spec.bands:
        mask &= _isin(book, "band", spec.bands)
    if spec.renewal_within_days is not None:
        days = book.days_to_renewal
        with np.errstate(invalid="ignore"):
            mask &= (days >= 0) & (days <= spec.renewal_within_days)
    if spec.lifecycle:
        mask &= book.lifecycle == spec.lifecycle
    return mask


def sort_keys(book: BookColumns, column: str, progress: Progress | None = None) -> npt.NDArray[Any]:
    """A sortable numpy array for ``column`` (missing values sort last when ascending).

    Text columns become integer ranks (case-insensitive), computed once per book: sorting a
    100k-row table by name then costs an integer argsort, not a string sort.
    """
    if column != "band" and getattr(book, column).dtype != object:
        # A number or a date: its keys are one vectorised pass (~1 ms at 100k), not worth
        # keeping a float64 copy of each column for the book's life (~7 MB at 100k).
        return _sort_keys(book, column, progress)
    key = f"sort:{column}"
    cached = book.cache.get(key)
    if cached is None:
        cached = book.cache[key] = _sort_keys(book, column, progress)
    out: npt.NDArray[Any] = cached
    return out


def _sort_keys(
    book: BookColumns, column: str, progress: Progress | None = None
) -> npt.NDArray[Any]:
    if column == "band":
        codes = book.band_code.astype(np.float32)
        codes[codes < 0] = np.inf
        return codes
    values: npt.NDArray[Any] = getattr(book, column)
    if values.dtype == object:
        return _text_ranks(values, progress)
    if values.dtype.kind == "M":
        out = values.astype("datetime64[D]").astype(np.float64)
        out[np.isnat(values)] = np.inf
        return out
    out = values.astype(np.float64)
    return np.where(np.isnan(out), np.inf, out)


def _text_ranks(
    values: ObjArray, progress: Progress | None = None
) -> npt.NDArray[np.floating[Any]]:
    """Case-insensitive ranks of a text column (missing values: ``inf``, after every name).

    The lower-cased values are sorted as UTF-8 bytes, whose order is the code-point order
    of the text (as Python and numpy sort str): a numpy ``U`` array of the column would
    cost 4 bytes per character padded to the longest row (100k names: ~25 MB on top of the
    search text, the peak of opening the book). numpy sorts bytes without holding the GIL;
    ``sorted`` over 100k Python strings held it for 40-180 ms, a stall of the GUI thread
    while this ran on the loading worker. Ranks are float32 (exact up to 2**24 distinct
    values), with ``inf`` for missing values."""
    texts = [
        b"" if v is None else str(v).lower().encode() for v in paced(values.tolist(), progress)
    ]
    _distinct, inverse = np.unique(np.array(texts, dtype=np.bytes_), return_inverse=True)
    del texts
    # float32 holds every rank exactly up to 2**24 distinct values, in half the memory.
    exact: type[np.floating[Any]] = np.float32 if _distinct.shape[0] < 2**24 else np.float64
    ranks: npt.NDArray[np.floating[Any]] = inverse.reshape(-1).astype(exact)
    ranks[values == None] = np.inf  # noqa: E711 (elementwise)
    return ranks


def row_order(
    book: BookColumns, mask: BoolArray, column: str | None, ascending: bool = True
) -> IntArray:
    """Indices of the rows in ``mask``, sorted by ``column`` (stable; missing values last).

    The whole book's order for the sort is computed once (and kept for the last sort
    used); the rows in ``mask`` are then taken from it in order, an O(n) pick rather than
    an argsort per filter change: a stable sort of the rows of a mask gives exactly the
    whole book's stable order restricted to that mask."""
    if column is None:
        return np.flatnonzero(mask).astype(np.int64)
    full = _full_order(book, column, ascending)
    if full.size == 0:
        return full
    picked: IntArray = full[mask[full]]
    return picked


def _full_order(book: BookColumns, column: str, ascending: bool) -> IntArray:
    keys = sort_keys(book, column)
    hit = book.cache.get("order")
    if hit is not None and hit[0] == (column, ascending) and hit[1] is keys:
        out: IntArray = hit[2]
        return out
    if ascending:
        order = np.argsort(keys, kind="stable")
    else:
        finite = np.where(np.isinf(keys), -np.inf, keys)
        order = np.argsort(-finite, kind="stable")
    order = order.astype(np.int64)
    book.cache["order"] = ((column, ascending), keys, order)  # the last sort only (0.8 MB)
    return order


def distinct(values: ObjArray) -> list[str]:
    """Sorted distinct non-empty values of an object column (for filter menus)."""
    return sorted({str(v) for v in values if v not in (None, "")}, key=str.lower)
