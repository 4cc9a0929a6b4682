"""The main window: account table in the centre, portfolio chart and account pane in docks.

The window owns the book (``BookColumns``), the current filter and one selection shared by
the table and the chart. Data comes from services on worker threads; the views are fed
numpy arrays (one mask for both). pyqtgraph is imported after the first paint.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.services.portfolio import BookColumns, BookFilter, distinct, filter_mask
from desktop_app.store.engine import Store
from desktop_app.ui import actions, docks
from desktop_app.ui.geometry import clamp_to_screen, fit_to_screen
from desktop_app.ui.models.account_table import COLUMN_KEYS, AccountTableModel
from desktop_app.ui.settings import Settings
from desktop_app.ui.team_watch import TeamChangeWatcher
from desktop_app.ui.widgets.column_chooser import ColumnChooser
from desktop_app.ui.widgets.empty_state import EmptyState
from desktop_app.ui.widgets.filter_bar import FilterBar
from desktop_app.ui.widgets.task_progress import TaskProgress
from desktop_app.ui.workers import Worker, start, wait_all


class MainWindow(QMainWindow):
    """Account Desk's main window over one open database."""

    bookLoaded = Signal()  # the whole book is shown (accounts, usage, health)
    tableFilled = Signal()  # the table lists the accounts (their own columns at least)
    selectionChanged = Signal(object)  # np.ndarray of account ids

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
        self.book = BookColumns.empty(self.today)
        self.view_mask = np.ones(0, dtype=bool)
        self.selected_ids = np.empty(0, dtype=np.int64)
        self._syncing = False
        self._loading: Worker | None = None
        self._workers: list[Worker] = []
        self.temp_dirs: list[Path] = []  # demo books opened from the menu
        self.status_count = QLabel(self)
        self.status_db = QLabel(self)
        self.status_import = QLabel(self)
        # Start reading the book now: it loads on a worker while the widgets are built.
        # (Its result arrives as a queued signal, after this constructor has finished.)
        self.reload()
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        fit_to_screen(self, 1400, 860)

        self.model = AccountTableModel(self)
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

        for w in (self.status_count, self.status_import):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addWidget(self.status_db, 1)
        self.task_progress = TaskProgress(self)
        self.statusBar().addPermanentWidget(self.task_progress)

        self.docks = docks.Docks(self)
        self._team_watch: TeamChangeWatcher | None = None
        self._watch_team()
        self.acts = actions.build(self)
        self.acts.set_has_book(False)  # until the first book is loaded
        self.filter_bar.filterChanged.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.docks.show_detail())
        self.empty_state.importRequested.connect(self.acts.import_files.trigger)
        self.empty_state.demoRequested.connect(self.acts.open_demo.trigger)

        self._restore_state()
        self._update_title()

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
        return table

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        """Reload the book from the database on a worker (imports, rescoring, owners).

        Opening a book is two steps: the accounts' own columns fill the table first, then
        usage, tickets and health follow. A reload of a book already shown reads it whole,
        so that the columns on screen never blank out.
        """
        from desktop_app.services.portfolio import load_accounts, load_book

        if self._loading is not None:
            self._loading.cancel()
        if len(self.book) == 0:
            worker = Worker(load_accounts, self.store, self.today)
            worker.signals.finished.connect(self._accounts_loaded)
        else:
            worker = Worker(load_book, self.store, self.today)
            worker.signals.finished.connect(self._book_loaded)
        self._start_loading(worker)

    def _accounts_loaded(self, book: BookColumns) -> None:
        from desktop_app.services.portfolio import add_facts

        self.set_book(book)
        self.tableFilled.emit()
        if len(book) == 0:
            self._book_loaded(book)
            return
        self.status_count.setText(f"{len(book):,} accounts · loading usage and health…")
        worker = Worker(add_facts, self.store, book)
        worker.signals.finished.connect(self._book_loaded)
        self._start_loading(worker, message=None)

    def _start_loading(self, worker: Worker, message: str | None = "Loading accounts…") -> None:
        worker.signals.failed.connect(self.show_error)
        worker.signals.failed.connect(lambda _m: QTimer.singleShot(0, self.docks.create))
        self._loading = worker
        self._keep(worker)
        # A label, not a temporary message: QStatusBar hides its permanent widgets while a
        # message shows, and the first load starts before those widgets exist.
        if message:
            self.status_count.setText(message)
        start(worker)

    def _keep(self, worker: Worker) -> None:
        self._workers.append(worker)
        worker.signals.finished.connect(lambda _r, w=worker: self._drop(w))
        worker.signals.failed.connect(lambda _m, w=worker: self._drop(w))
        worker.signals.cancelled.connect(lambda w=worker: self._drop(w))

    def _drop(self, worker: Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        if worker is self._loading:
            self._loading = None

    def _book_loaded(self, book: BookColumns) -> None:
        self.set_book(book)
        self.statusBar().clearMessage()
        self.tableFilled.emit()
        self.bookLoaded.emit()
        # Secondary chart input (latest NPS per account), after the table is filled.
        from desktop_app.services.account_detail import latest_nps_array

        self.run_task(
            latest_nps_array, self.store, book.account_id, done=self.docks.set_nps, progress=False
        )
        if not self.docks.created:
            # The chart (pyqtgraph, ~0.5 s to import) comes after the table is painted.
            QTimer.singleShot(0, self.docks.create)

    def set_book(self, book: BookColumns) -> None:
        """Show a (re)loaded book, keeping the filter, the sort and the selection."""
        keep = self.selected_ids
        self.book = book
        self.filter_bar.set_choices(
            distinct(book.owner), distinct(book.team_lead), distinct(book.segment)
        )
        self.view_mask = filter_mask(book, self.filter_bar.current())
        self.model.set_book(book, self.view_mask)
        self.docks.set_book(book, self.view_mask)
        self.stack.setCurrentIndex(0 if len(book) else 1)
        self.acts.set_has_book(len(book) > 0)
        self._update_status()
        self.select_accounts(keep)

    def apply_filter(self, spec: BookFilter) -> None:
        """One mask from the service, handed to both the table and the chart."""
        self.view_mask = filter_mask(self.book, spec)
        self.model.set_mask(self.view_mask)
        self.docks.set_mask(self.view_mask)
        self._update_status()
        self.select_accounts(self.selected_ids)

    def _update_status(self) -> None:
        n, total = int(self.view_mask.sum()), len(self.book)
        arr = float(np.nansum(self.book.arr[self.view_mask])) if total else 0.0
        self.status_count.setText(f"{n:,} of {total:,} accounts · ARR in view ${arr:,.0f}")
        self.status_db.setText(
            ("Demo book (temporary): " if self.demo else "") + self._where_text()
        )
        self.status_import.setText(self._last_import_text())

    def _where_text(self) -> str:
        """The file, or for a team database its server, database and connected role."""
        if "://" not in self.store.location:
            return self.store.location
        cached = self._where_cache
        if cached is None or cached[0] is not self.store:
            from desktop_app.services.team_server import connection_info

            try:
                label = "Team database " + connection_info(self.store).label()
            except Exception:  # the status bar never breaks the window
                label = self.store.location
            cached = self._where_cache = (self.store, label)
        return cached[1]

    def _last_import_text(self) -> str:
        from desktop_app.services.portfolio import last_import

        info = last_import(self.store)
        return f"Last import: {info}" if info else "No imports yet"

    # ------------------------------------------------------------------ selection
    def select_accounts(self, account_ids: np.ndarray, *, source: str = "") -> None:
        """Select these accounts in the table (and the chart unless it is the source)."""
        self.selected_ids = np.asarray(account_ids, dtype=np.int64)
        self._syncing = True
        try:
            sm = self.table.selectionModel()
            rows = self.model.rows_for_accounts(self.selected_ids)
            selection = QItemSelection()
            last = self.model.columnCount() - 1
            for start_row, end_row in _runs(rows):
                selection.select(self.model.index(start_row, 0), self.model.index(end_row, last))
            sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if rows.size:
                self.table.scrollTo(
                    self.model.index(int(rows[0]), 0),
                    QAbstractItemView.ScrollHint.PositionAtCenter,
                )
            if source != "chart":
                self.docks.set_selection(self.selected_ids)
        finally:
            self._syncing = False
        self.docks.show_account(int(self.selected_ids[0]) if self.selected_ids.size else None)
        self.selectionChanged.emit(self.selected_ids)

    def _table_selection_changed(self, *_args: Any) -> None:
        if self._syncing:
            return
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = self.book.account_id[self.model.order[rows]] if rows else np.empty(0, np.int64)
        self.selected_ids = ids.astype(np.int64)
        self.docks.set_selection(self.selected_ids)
        self.docks.show_account(int(ids[0]) if len(ids) else None)
        self.selectionChanged.emit(self.selected_ids)

    # ------------------------------------------------------------------ database
    def switch_store(self, store: Store, *, demo: bool = False) -> None:
        old = self.store
        self.store = store
        self.demo = demo
        self.undo_stack.clear()
        self.selected_ids = np.empty(0, dtype=np.int64)
        # Forget the old book at once (its ids mean nothing in the new database); the new
        # one arrives in two steps like at start-up.
        self.book = BookColumns.empty(self.today)
        self.model.set_book(self.book)
        self.acts.set_has_book(False)
        self.docks.store_changed()
        self._update_title()
        self._watch_team()
        self.reload()
        if old is not store:
            old.dispose()

    def _watch_team(self) -> None:
        """On a team database, reload when other clients change accounts (LISTEN/NOTIFY)."""
        if self._team_watch is not None:
            self._team_watch.stop()
            self._team_watch.deleteLater()
        self._team_watch = TeamChangeWatcher(self.store, self)
        self._team_watch.accountsChanged.connect(lambda _ids: self.reload())
        self._team_watch.bookChanged.connect(self.reload)

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
        progress: bool = True,
        title: str | None = None,
    ) -> Worker:
        """Run a service function on a worker; errors become a message box.

        ``progress=False`` for plain functions that take no ``progress`` argument; with a
        ``title`` the status bar shows the task's progress and a Cancel button.
        """
        worker = Worker(fn, *args, pass_progress=progress)
        if done is not None:
            worker.signals.finished.connect(done)
        worker.signals.failed.connect(self.show_error)
        worker.signals.cancelled.connect(
            lambda: self.statusBar().showMessage("Cancelled: nothing was changed.", 5000)
        )
        self._keep(worker)
        if title:
            self.task_progress.track(worker, title)
        return start(worker, write=write)

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
                owners=_opt(self.settings.get("filter_owner")),
                bands=_opt(self.settings.get("filter_band")),
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
        s.set("filter_owner", spec.owners[0] if spec.owners else "")
        s.set("filter_band", spec.bands[0] if spec.bands else "")
        s.set("filter_renewal", spec.renewal_within_days or 0)
        s.set("filter_lifecycle", spec.lifecycle or "")
        s.sync()

    # ------------------------------------------------------------------ Qt overrides
    def closeEvent(self, event: QCloseEvent) -> None:
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


def _opt(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs of sorted row numbers, as (first, last) pairs."""
    if rows.size == 0:
        return []
    rows = np.sort(rows)
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))
    ends = np.concatenate((rows[breaks], [rows[-1]]))
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
