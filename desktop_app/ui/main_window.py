"""The main window: account table in the centre, portfolio chart and account pane in docks.

The window owns the book (``BookColumns``), the current filter and one selection shared by
the table and the chart. Data comes from services on worker threads; the views are fed
numpy arrays (one mask for both). pyqtgraph is imported after the first paint.

Opening a book (the reads, the views after the first paint) is ``opening.BookOpening``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.domain.book import BookColumns
from desktop_app.services.book import BookFilter, last_import, owner_choices
from desktop_app.services.database import Store
from desktop_app.services.gc_pause import freeze_long_lived, gc_paused
from desktop_app.ui import actions, docks, workers
from desktop_app.ui.book_state import BookState
from desktop_app.ui.geometry import clamp_to_screen, fit_to_screen
from desktop_app.ui.models.account_table import COLUMN_KEYS, AccountTableModel
from desktop_app.ui.opening import BookOpening, import_views
from desktop_app.ui.settings import Settings
from desktop_app.ui.team_watch import TeamChangeWatcher
from desktop_app.ui.widgets.column_chooser import ColumnChooser
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.filter_bar import FilterBar
from desktop_app.ui.widgets.task_progress import TaskProgress
from desktop_app.ui.workers import Worker, wait_all


class MainWindow(BookOpening):
    """Account Desk's main window over one open database."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        demo: bool = False,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.demo = demo
        self._where_cache: tuple[Store, str] | None = None
        self.today = today or date.today()
        self.undo_stack = QUndoStack(self)
        self.state = BookState(self.today, self)
        self._syncing = False
        self._loading: Worker | None = None
        self._workers: list[Worker] = []
        self.temp_dirs: list[Path] = []  # demo books opened from the menu
        self.status_count = QLabel(self)
        self.status_selection = QLabel(self)
        self.status_db = QLabel(self)
        self.status_import = QLabel(self)
        # pyqtgraph itself is imported here, on the GUI thread, before the window shows and
        # before the book's loading worker starts: its import creates PySide6 enum and type
        # objects (pyqtgraph/Qt/__init__.py) that shiboken does not guard against the GUI
        # thread making too (on a worker it crashed a profiled start in 2 runs of 4). The
        # chart's and the pane's own modules (most of the cost) import on a worker below.
        # The collector waits meanwhile (its passes found nothing to free, ~5-10 ms), and
        # the imports then leave its sight before it runs again: the book's loading would
        # set off full collections over them that stop every thread (gc_pause).
        with gc_paused():
            import pyqtgraph  # noqa: F401

            freeze_long_lived()

        # The book loads on a worker while the widgets are built (result: a queued signal).
        self.reload()

        workers.run_task(
            import_views, done=self._views_ready, failed=lambda _m: self._views_ready()
        )
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        fit_to_screen(self, 1400, 860)

        self.model = AccountTableModel(self.state, self)
        self.table = self._make_table()
        self.filter_bar = FilterBar(self)
        self.empty_state = EmptyState(self)
        self.stack = QStackedWidget(self)
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter_bar)
        lay.addWidget(self.table)
        self.stack.addWidget(page)
        self.stack.addWidget(self.empty_state)
        self.setCentralWidget(self.stack)

        for w in (self.status_selection, self.status_count, self.status_import):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addWidget(self.status_db, 1)
        self.task_progress = TaskProgress(self)
        self.statusBar().addPermanentWidget(self.task_progress)

        self.docks = docks.Docks(self, self.state, settings, self.undo_stack, self.today)
        self._team_watch: TeamChangeWatcher | None = None
        self._watch_team()
        self.acts = actions.build(self, self.state)
        self.acts.set_has_book(False)  # until the first book is loaded
        self.docks.overrideRequested.connect(self.acts.override_band)
        self.docks.noteRequested.connect(self.acts.add_note)
        self.docks.transitionRequested.connect(self.acts.start_transition)
        self.filter_bar.filterChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.docks.show_detail())
        self.empty_state.importRequested.connect(self.acts.import_files.trigger)
        self.empty_state.demoRequested.connect(self.acts.open_demo.trigger)
        st = self.state
        st.bookReplaced.connect(self._book_replaced)
        st.maskChanged.connect(self._view_changed)
        st.accountsChanged.connect(lambda _ids: self._view_changed())
        st.selectionChanged.connect(self._show_selection)
        st.focusChanged.connect(self._scroll_to_focus)

        self._restore_state()
        self._update_title()

    # ------------------------------------------------------------------ the state, read
    @property
    def book(self) -> BookColumns:
        """The book on screen (the state's; the window keeps no copy)."""
        return self.state.book

    @property
    def selected_ids(self) -> np.ndarray:
        return self.state.selection

    # ------------------------------------------------------------------ building
    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("accountTable")
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(24)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.columns = ColumnChooser(table, COLUMN_KEYS)
        self.columns.apply_default()
        # A reset (filter, search, new book) lays the rows out now, in the pass that paints
        # them: left to Qt's zero timer, the layout came in the next pass and painted the
        # whole table a second time (100k book: ~8 ms per filter change).
        self.model.modelReset.connect(table.doItemsLayout)
        return table

    # ------------------------------------------------------------------ data
    def _book_replaced(self) -> None:
        book = self.state.book
        choices = owner_choices(book)
        self.filter_bar.set_choices(choices["owner"], choices["team_lead"], choices["segment"])
        self.stack.setCurrentIndex(0 if len(book) else 1)
        self.acts.set_has_book(len(book) > 0)
        self._view_changed()
        self._show_selection()
        self.run_task(last_import, self.store, done=self._show_last_import)

    def apply_filter(self, spec: BookFilter) -> None:
        """One mask for the table and the chart, through the state."""
        self.state.set_filter(spec)

    def _view_changed(self) -> None:
        book, mask = self.state.book, self.state.mask
        n, total = int(mask.sum()), len(book)
        arr = float(np.nansum(book.arr[mask])) if total else 0.0
        self.status_count.setText(f"{n:,} of {total:,} accounts · ARR in view ${arr:,.0f}")
        self.status_db.setText(
            ("Demo book (temporary): " if self.demo else "") + self._where_text()
        )
        self._show_selection()

    def _show_last_import(self, info: str | None) -> None:
        self.status_import.setText(f"Last import: {info}" if info else "No imports yet")

    def _where_text(self) -> str:
        """The file, or for a team database its server, database and connected role."""
        if "://" not in self.store.location:
            return self.store.location
        cached = self._where_cache
        if cached is None or cached[0] is not self.store:
            from desktop_app.services.team import connection_info

            try:
                label = "Team database " + connection_info(self.store).label()
            except Exception:  # the status bar never breaks the window
                label = self.store.location
            cached = self._where_cache = (self.store, label)
        return cached[1]

    # ------------------------------------------------------------------ selection
    def select_accounts(self, account_ids: np.ndarray) -> None:
        """Select these accounts (table, chart and pane follow the state)."""
        self.state.select(np.asarray(account_ids, dtype=np.int64))

    def _show_selection(self, *_args: Any) -> None:
        """Mirror the state's selection in the table, and count it in the status bar."""
        ids = self.state.selection
        self._syncing = True
        try:
            sm = self.table.selectionModel()
            rows = self.model.rows_for_accounts(ids)
            selection = QItemSelection()
            last = self.model.columnCount() - 1
            for start_row, end_row in _runs(rows):
                selection.select(self.model.index(start_row, 0), self.model.index(end_row, last))
            sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._syncing = False
        if ids.size:
            self.status_selection.setText(
                f"{ids.size:,} selected · ${self.state.selection_arr():,.0f} ARR"
            )
        self.status_selection.setVisible(bool(ids.size))

    def _scroll_to_focus(self, account_id: int | None) -> None:
        if account_id is None:
            return
        rows = self.model.rows_for_accounts(np.array([account_id]))
        if rows.size:
            index = self.model.index(int(rows[0]), 0)
            self._syncing = True
            try:
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.NoUpdate
                )
            finally:
                self._syncing = False
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _table_selection_changed(self, *_args: Any) -> None:
        if self._syncing:
            return
        sm = self.table.selectionModel()
        rows = sorted({i.row() for i in sm.selectedRows()})
        order = self.model.order
        ids = self.state.book.account_id[order[rows]] if rows else np.empty(0, np.int64)
        current = sm.currentIndex()
        focus: int | str = "auto"
        if current.isValid() and current.row() in rows:
            focus = self.model.account_id(current.row())
        self._syncing = True  # the table already shows this selection
        try:
            self.state.select(ids.astype(np.int64), focus=focus)
        finally:
            self._syncing = False
        if ids.size:
            self.status_selection.setText(
                f"{ids.size:,} selected · ${self.state.selection_arr():,.0f} ARR"
            )
        self.status_selection.setVisible(bool(ids.size))

    # ------------------------------------------------------------------ for the actions
    def focus_search(self) -> None:
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    def clear_filters(self) -> None:
        self.filter_bar.reset()

    def show_detail(self) -> None:
        self.docks.show_detail()

    def open_note_dialog(self, author: str | None) -> None:
        """The note dialog of the pane, on the focused account."""
        self.docks.show_detail()
        if self.docks.detail is not None:
            self.docks.detail.author = author
            self.docks.detail.open_note_dialog()

    # ------------------------------------------------------------------ database
    def switch_store(self, store: Store, *, demo: bool = False) -> None:
        old = self.store
        self.store = store
        self.demo = demo
        self.undo_stack.clear()
        # Forget the old book at once (its ids mean nothing in the new database); the new
        # one arrives in two steps like at start-up.
        self.state.new_source()
        self.acts.set_has_book(False)
        self.docks.store_changed(store)
        self._update_title()
        self._watch_team()
        self.reload()
        if old is not store:
            old.dispose()

    def _watch_team(self) -> None:
        """On a team database, follow other clients' changes (LISTEN/NOTIFY): the rows of the
        accounts they changed, or the whole book after a rescoring or a large import."""
        if self._team_watch is not None:
            self._team_watch.stop()
            self._team_watch.deleteLater()
        self._team_watch = TeamChangeWatcher(self.store, self)
        self._team_watch.accountsChanged.connect(self._others_changed)
        self._team_watch.bookChanged.connect(self.reload)

    def _others_changed(self, account_ids: list[int]) -> None:
        if len(self.state.book) == 0:
            return  # the first load is under way and reads them anyway
        self.acts.accounts_changed(account_ids)

    def _update_title(self) -> None:
        where = "Demo book" if self.demo else self.store.location
        self.setWindowTitle(f"{where} — {APP_NAME}")

    def show_error(self, message: str) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, APP_NAME, message)

    def run_task(
        self,
        fn: Any,
        *args: Any,
        write: bool = False,
        done: Any = None,
        progress: bool = False,
        title: str | None = None,
    ) -> Worker:
        """Run a service function through ``workers.run_task``; errors become a message box.

        ``progress=True`` for functions that take a ``progress`` argument; with a ``title``
        the status bar shows the task's progress and a Cancel button.
        """
        worker = workers.run_task(
            fn,
            *args,
            write=write,
            done=done,
            failed=self.show_error,
            cancelled=lambda: self.statusBar().showMessage("Cancelled: nothing was changed.", 5000),
            progress=progress,
        )
        self._keep(worker)
        if title:
            self.task_progress.track(worker, title)
        return worker

    # ------------------------------------------------------------------ persistence
    def _restore_state(self) -> None:
        geometry = self.settings.state("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            clamp_to_screen(self)
        header = self.settings.state("table_header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        key = self.settings.get("sort_column")
        ascending = self.settings.get("sort_ascending")
        if key in COLUMN_KEYS:
            self.model.sort_by(key, ascending)
            order = Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder
            self.table.horizontalHeader().setSortIndicator(COLUMN_KEYS.index(key), order)
        self.filter_bar.apply(
            BookFilter(
                text=self.settings.get("filter_text"),
                owners=tuple(self.settings.get("filter_owners")),
                team_leads=tuple(self.settings.get("filter_team_leads")),
                segments=tuple(self.settings.get("filter_segments")),
                bands=tuple(self.settings.get("filter_bands")),
                renewal_within_days=self.settings.get("filter_renewal") or None,
                lifecycle=self.settings.get("filter_lifecycle") or None,
            )
        )

    def save_state(self) -> None:
        s = self.settings
        s.set_state("geometry", self.saveGeometry())
        s.set_state("window_state", self.saveState(1))
        s.set_state("table_header", self.table.horizontalHeader().saveState())
        key, ascending = self.model.sort_state
        s.set("sort_column", key or "")
        s.set("sort_ascending", ascending)
        spec = self.filter_bar.current()
        s.set("filter_text", spec.text)
        s.set("filter_owners", list(spec.owners))
        s.set("filter_team_leads", list(spec.team_leads))
        s.set("filter_segments", list(spec.segments))
        s.set("filter_bands", list(spec.bands))
        s.set("filter_renewal", spec.renewal_within_days or 0)
        s.set("filter_lifecycle", spec.lifecycle or "")
        s.sync()

    # ------------------------------------------------------------------ Qt overrides
    def showEvent(self, event: QShowEvent) -> None:
        # The docks' places before the first paint: the table is laid out once, at its size.
        self.docks.place()
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.save_state()
        if self._team_watch is not None:
            self._team_watch.stop()
        for worker in list(self._workers):
            worker.cancel()
        wait_all(10000)
        self.docks.close()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.acts.open_import_wizard(paths)


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs of sorted row numbers, as (first, last) pairs."""
    if rows.size == 0:
        return []
    rows = np.sort(rows)
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
