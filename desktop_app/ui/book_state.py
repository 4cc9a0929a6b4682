"""One state for every view of the book: the book, the filter mask, the sort, the selection
and the focused account (napari's ``ViewerModel``; the views are its ``QtViewer``).

The table model, the scatter, the detail pane and the main window take a ``BookState`` in
``__init__`` and subscribe to its signals; none of them keeps its own copy of the book, the
mask or the selection. Everything here is plain data from services (numpy columns); loading
happens elsewhere, on workers, and ends in :meth:`replace_book` or :meth:`update_accounts`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop_app.domain.arrays import unique_ids
from desktop_app.domain.book import BookColumns
from desktop_app.services.book import BookFilter, filter_mask, merge_rows, row_order

_NO_IDS = np.empty(0, dtype=np.int64)


class BookState(QObject):
    """The book on screen and what the user did to it (filter, sort, selection, focus)."""

    #: A new book: a load, an import, a rollback, a rescore, another database. Views refit.
    bookReplaced = Signal()
    #: Some accounts changed (an override, a note, a transition): np.ndarray of their ids.
    accountsChanged = Signal(object)
    maskChanged = Signal()
    sortChanged = Signal()
    #: np.ndarray[int64] of the selected account ids.
    selectionChanged = Signal(object)
    #: The focused account id (the one the pane shows), or None.
    focusChanged = Signal(object)
    #: Secondary per-account arrays arrived (latest NPS).
    extrasChanged = Signal()

    def __init__(self, today: date | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book = BookColumns.empty(today or date.today())
        self._filter: BookFilter | None = BookFilter()
        self._mask = np.ones(0, dtype=bool)
        self._sort: tuple[str | None, bool] = ("name", True)
        self._selection = _NO_IDS
        self._focus: int | None = None
        self._nps: np.ndarray | None = None
        self._complete = True
        #: Changes when another database (another book) is opened; views keep a user's
        #: zoom only while it stays the same.
        self.generation = 0

    # ------------------------------------------------------------------ reading
    @property
    def book(self) -> BookColumns:
        return self._book

    @property
    def complete(self) -> bool:
        """False while the book shows the accounts' own columns only (usage, tickets and
        health still loading): the chart waits for them rather than plot every point at
        "no data" and then again."""
        return self._complete

    @property
    def mask(self) -> np.ndarray:
        return self._mask

    @property
    def filter(self) -> BookFilter:
        return self._filter or BookFilter()

    @property
    def sort(self) -> tuple[str | None, bool]:
        return self._sort

    @property
    def selection(self) -> np.ndarray:
        return self._selection

    @property
    def focus(self) -> int | None:
        return self._focus

    @property
    def nps(self) -> np.ndarray | None:
        """Latest NPS per account aligned with the book (NaN: no response), once loaded."""
        return self._nps

    def order(self) -> np.ndarray:
        """Book row indices in view (masked), in the table's sort order."""
        key, ascending = self._sort
        return row_order(self._book, self._mask, key, ascending)

    def rows_of(self, account_ids: np.ndarray) -> np.ndarray:
        """Book row indices of ``account_ids`` (unknown ids dropped), in the ids' order."""
        ids = np.asarray(account_ids, dtype=np.int64)
        book_ids = self._book.account_id
        if ids.size == 0 or book_ids.size == 0:
            return _NO_IDS
        pos = np.clip(np.searchsorted(book_ids, ids), 0, book_ids.size - 1)
        out: np.ndarray = pos[book_ids[pos] == ids]
        return out

    def selection_arr(self) -> float:
        rows = self.rows_of(self._selection)
        return float(np.nansum(self._book.arr[rows])) if rows.size else 0.0

    # ------------------------------------------------------------------ book
    def new_source(self) -> None:
        """Another database: forget the book, the selection and the focus at once."""
        self.generation += 1
        self._nps = None
        self.select(_NO_IDS, focus=None)
        self.replace_book(BookColumns.empty(self._book.as_of))

    def replace_book(self, book: BookColumns, *, complete: bool = True) -> None:
        """Show a whole (re)loaded book, keeping the filter, the sort and the selection.

        ``complete=False``: the accounts' own columns only, their facts follow."""
        self._book = book
        self._complete = complete
        if self._nps is not None and self._nps.shape[0] != len(book):
            self._nps = None
        self._mask = self._compute_mask()
        self.bookReplaced.emit()
        self._keep_existing_selection()

    def update_accounts(self, part: BookColumns, asked: np.ndarray) -> None:
        """Replace the rows of the accounts in ``part`` (reloaded after an edit of ``asked``)."""
        before = self._book
        merged = merge_rows(before, part, asked)
        if len(merged) != len(before) or not np.array_equal(merged.account_id, before.account_id):
            self.replace_book(merged)  # accounts appeared or went: a new book for the views
            return
        self._book = merged
        old_mask = self._mask
        if self._filter is not None:
            self._mask = filter_mask(merged, self._filter)
        self.accountsChanged.emit(np.asarray(asked, dtype=np.int64))
        if not np.array_equal(old_mask, self._mask):
            self.maskChanged.emit()

    def set_nps(self, latest: np.ndarray) -> None:
        latest = np.asarray(latest, dtype=np.float64)
        if latest.shape[0] != len(self._book):
            return  # for a book that has since been replaced
        self._nps = latest
        self.extrasChanged.emit()

    # ------------------------------------------------------------------ filter and sort
    def set_filter(self, spec: BookFilter) -> None:
        self._filter = spec
        self._set_mask(filter_mask(self._book, spec))

    def set_mask(self, mask: np.ndarray) -> None:
        """Show only the rows in ``mask`` (a mask not from a filter: kept as given)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape[0] != len(self._book):
            raise ValueError(f"mask has {mask.shape[0]} rows, the book {len(self._book)}")
        self._filter = None
        self._set_mask(mask)

    def _set_mask(self, mask: np.ndarray) -> None:
        self._mask = mask
        self.maskChanged.emit()

    def _compute_mask(self) -> np.ndarray:
        if self._filter is None:
            self._filter = BookFilter()  # a new book: a hand-made mask means nothing
        return filter_mask(self._book, self._filter)

    def set_sort(self, key: str | None, ascending: bool = True) -> None:
        if (key, ascending) != self._sort:
            self._sort = (key, ascending)
            self.sortChanged.emit()

    # ------------------------------------------------------------------ selection
    def select(self, account_ids: np.ndarray, *, focus: int | str | None = "auto") -> None:
        """Select these accounts. ``focus="auto"`` keeps the focused account if it is still
        selected, else focuses the first selected account in the table's order."""
        ids = unique_ids(account_ids)
        changed = not np.array_equal(ids, self._selection)
        self._selection = ids
        if changed:
            self.selectionChanged.emit(ids)
        if focus == "auto":
            focus = self._focus if self._focus is not None and self._focus in ids else None
            if focus is None and ids.size:
                focus = self._first_in_order(ids)
        self.set_focus(None if focus is None else int(focus))

    def set_focus(self, account_id: int | None) -> None:
        if account_id != self._focus:
            self._focus = account_id
            self.focusChanged.emit(account_id)

    def _first_in_order(self, ids: np.ndarray) -> int:
        rows = self.rows_of(ids)
        shown = rows[self._mask[rows]] if rows.size else rows
        if shown.size == 0:
            return int(ids[0])
        key, ascending = self._sort
        pick = np.zeros(len(self._book), dtype=bool)
        pick[shown] = True
        first = row_order(self._book, pick, key, ascending)[0]
        return int(self._book.account_id[first])

    def _keep_existing_selection(self) -> None:
        keep = self._selection[np.isin(self._selection, self._book.account_id)]
        focus: int | str | None = "auto"
        if self._focus is not None and self._focus in keep:
            focus = self._focus
        elif keep.size == 0:
            focus = None
        self.select(keep, focus=focus)
