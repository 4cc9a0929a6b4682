"""Opening a book in the main window: reading it on workers, and building the chart and the
pane after the table's first paint, each step in a GUI-thread pass of its own.

A big book opens in two reads (the accounts' own columns fill the table; once the chart and
the pane exist, usage, tickets and health follow); a book of up to ``one_read_up_to``
accounts in one. Reads that only help later (latest NPS, search text and sort keys) start
once the chart has painted the book, and give way to the window while it is busy.
``BookOpening`` is the part of ``MainWindow`` that does this (split out of it along that
seam); it uses the window's state, docks, status bar and task runner.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from desktop_app.domain.book import BookColumns
from desktop_app.services.database import Store
from desktop_app.ui import gui_queue
from desktop_app.ui.workers import Worker, run_task, start

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui.book_state import BookState
    from desktop_app.ui.docks import Docks


class BookOpening(QMainWindow):
    """A main window that opens books: the opening sequence of ``MainWindow``, which
    provides the rest (the state, the docks, the status bar, the task runner)."""

    bookLoaded = Signal()  # the whole book is shown (accounts, usage, health)
    tableFilled = Signal()  # the table lists the accounts (their own columns at least)

    if TYPE_CHECKING:
        store: Store
        today: date
        state: BookState
        docks: Docks
        status_count: QLabel
        _loading: Worker | None
        _workers: list[Worker]

        def show_error(self, message: str) -> None: ...
        def run_task(self, fn: Any, *args: Any, **kwargs: Any) -> Any: ...

    def reload(self) -> None:
        """Reload the book from the database on a worker (imports, rescoring, owners).

        Opening a big book is two steps: the accounts' own columns fill the table first,
        then usage, tickets and health follow. A book of up to ``one_read_up_to`` accounts
        is read whole in one step (its facts take ~0.1 s): the table is filled once, and
        the chart is built on the whole book. A reload of a book already shown reads it
        whole, so that the columns on screen never blank out.
        """
        from desktop_app.services.book import load_book

        if self._loading is not None:
            self._loading.cancel()
        self._facts_pending = None  # a read waiting for the views: this one replaces it
        if len(self.state.book) == 0:
            worker = Worker(_open_book, self.store, self.today, self.one_read_up_to)
            worker.signals.finished.connect(self._opened)
        else:
            worker = Worker(_with_derived, load_book, self.store, self.today)
            worker.signals.finished.connect(self._book_arrived)
        self._start_loading(worker)

    #: Books of up to this many accounts open in one read (see ``reload``).
    one_read_up_to = 20_000

    def _opened(self, result: tuple[BookColumns, bool]) -> None:
        book, whole = result
        if whole:
            self._book_arrived(book)
        else:
            self._accounts_loaded(book)

    def _accounts_loaded(self, book: BookColumns) -> None:
        from desktop_app.services.book import add_facts

        if self._closed:
            return  # a result queued before the window closed: nothing to show it in

        # The chart waits for the whole book (complete=False): built on the accounts alone it
        # drew every point at "no data" and was built twice (at 100k, 2.7 s of stall).
        self.state.replace_book(book, complete=len(book) == 0)
        self.tableFilled.emit()
        if len(book) == 0:
            self._book_loaded(book)
            return
        # The chart and the pane are built first, then usage and health load: the whole
        # book then only has to be plotted (its arrays are prepared on a worker). The read
        # waits for the views: beside their passes, its fetching took the interpreter from
        # them (100k: the longest stall 46-47 ms, 32-36 ms after; table to chart the same).
        self._create_views_after_paint()
        self.status_count.setText(f"{len(book):,} accounts · loading usage and health…")
        worker = Worker(_with_derived, add_facts, self.store, book)
        worker.signals.finished.connect(self._book_arrived)
        self._facts_pending = worker
        self._after_views(lambda: self._start_facts(worker))

    def _start_facts(self, worker: Worker) -> None:
        """Start the read of usage and health (``_accounts_loaded``), unless the window
        closed or another read replaced it meanwhile."""
        if self._facts_pending is not worker or self._closed:
            return
        self._facts_pending = None
        self._start_loading(worker, message=None)

    #: The read of usage and health waiting for the views (``_accounts_loaded``).
    _facts_pending: Worker | None = None
    #: ...for this long at most (the views' modules import on a worker first).
    views_wait_ms = 2000

    def _after_views(self, then: Any) -> None:
        """``then()`` once the chart and the pane exist (``viewsCreated``), at once if
        they do, and after ``views_wait_ms`` at the latest; once (the first of the two
        stops the other)."""
        if self.docks.created:
            then()
            return
        timer = QTimer(self)
        timer.setSingleShot(True)

        def once() -> None:
            timer.stop()
            timer.deleteLater()
            with contextlib.suppress(RuntimeError, TypeError):
                self.docks.viewsCreated.disconnect(once)
            then()

        self.docks.viewsCreated.connect(once)
        timer.timeout.connect(once)
        timer.start(self.views_wait_ms)

    def _start_loading(self, worker: Worker, message: str | None = "Loading accounts…") -> None:
        worker.signals.failed.connect(self.show_error)
        worker.signals.failed.connect(lambda _m: self._create_views_after_paint())
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

    def _book_arrived(self, book: BookColumns) -> None:
        """Show the loaded book in a GUI-thread pass of its own: a worker's result is a
        posted event, and Qt delivers every posted event (other results, the paints they
        cause) in one go before its timers and input; the book's table reset and the
        chart's rebuild then ran back to back with them (at 10k, one 100-140 ms stall)."""
        gui_queue.later(self, lambda: self._book_loaded(book))

    def _book_loaded(self, book: BookColumns) -> None:
        if self._closed:
            return
        self.state.replace_book(book)
        self.statusBar().clearMessage()
        self.tableFilled.emit()
        self.bookLoaded.emit()
        if len(book):
            self._after_chart(lambda: self._background_reads(book))
        self._create_views_after_paint()

    def _background_reads(self, book: BookColumns) -> None:
        if self._closed or book is not self.state.book:
            return  # a book replaced meanwhile has its own
        # Secondary chart input (latest NPS per account), after the table is filled.
        # Both are background reads: they give way to the window while it is busy (the
        # user scrolling the table as soon as it shows, see ``workers``).
        ids, failed = book.account_id, self.show_error
        self._keep(run_task(_latest_nps, self.store, ids, done=self.state.set_nps,
                            failed=failed, progress=True, background=True))  # fmt: skip
        # Search text and every sort key, built on a reader once the book is on screen
        # (in the book's cache) so that the first search or sort is a lookup.
        self._keep(run_task(_prepare_indexes, book, failed=failed, progress=True, background=True))

    def _after_chart(self, then: Any) -> None:
        """``then()`` once the chart shows the book, at once if no chart is on screen to
        wait for, and after 3 s at the latest: a big book's chart arrays are prepared on a
        reader, and background reads started beside them took the interpreter from them,
        from their installation and from the paint (at 100k, the latest NPS of 230k
        responses and the indexes delayed the chart by ~0.3-1 s)."""
        if self._closed:
            return
        chart = self.docks.scatter
        if chart is None and len(self.state.book) and not self.docks.scatter_dock.isHidden():
            # A book opened in one read: its chart is on its way (built after the table's
            # paint); wait for it, and then for its points.
            def created() -> None:
                with contextlib.suppress(RuntimeError):
                    self.docks.chartCreated.disconnect(created)
                if self.docks.scatter is not None:
                    self.docks.scatter.after_points(self, then)

            self.docks.chartCreated.connect(created)
            return
        if chart is None or not chart.isVisible() or chart.shows_book():
            gui_queue.later(self, then)  # after the paints the book's arrival queued
            return
        chart.after_points(self, then)

    def _create_views_after_paint(self) -> None:
        """The chart and the pane come once the table has been painted and the chart's
        modules have been imported on a worker (``import_views``; the pane's follow the
        chart's points): a zero-timer queues their creation behind the pending paints."""
        if self.docks.created or self._views_pending or self._closed:
            return
        if not self._views_imported:
            self._views_wanted = True  # created when the import is done
            return
        self._views_pending = True
        gui_queue.later(self, self._create_views)

    def _views_ready(self, _result: object = None) -> None:
        self._views_imported = True
        if self._views_wanted:
            self._create_views_after_paint()

    _views_pending = False
    _views_imported = False
    _views_wanted = False
    _closed = False

    def _create_views(self) -> None:
        self._views_pending = False
        if not self._closed:
            self.docks.create(self.store)


def _open_book(
    store: Store, today: date, one_read_up_to: int, progress: Any = None
) -> tuple[BookColumns, bool]:
    """(the book, whether it is whole): the accounts' own columns, with their facts too
    when there are at most ``one_read_up_to`` of them (``MainWindow.reload``)."""
    from desktop_app.services.book import add_facts, load_accounts

    book = load_accounts(store, today, progress)
    if 0 < len(book) <= one_read_up_to:
        return add_facts(store, book, progress).derive_all(), True
    return book.derive_all(), len(book) == 0


def _with_derived(read: Any, *args: Any, progress: Any = None) -> BookColumns:
    """``read(*args, progress=progress)``, a book, with its derived columns computed on
    this worker (100k accounts: ~5-8 ms less of the table's fill on the GUI thread)."""
    book: BookColumns = read(*args, progress=progress)
    return book.derive_all()


def _prepare_indexes(book: BookColumns, progress: Any = None) -> None:
    """Search text and sort keys of ``book``, then the loading's freed memory handed back."""
    from desktop_app.services.book import prepare_indexes
    from desktop_app.ui.memory import release_freed_memory

    prepare_indexes(book, progress)
    release_freed_memory()


def _latest_nps(store: Store, account_ids: np.ndarray, progress: Any = None) -> np.ndarray:
    """Latest NPS per account; its module is imported here, on the worker: importing it on
    the GUI thread waited for the views' import on another worker (0.3 s, the import lock)."""
    from desktop_app.services.book import latest_nps_array

    return latest_nps_array(store, account_ids, progress)


def import_views() -> None:
    """Import the chart's modules on a worker (pyqtgraph is already loaded); the pane's
    follow once the chart shows the book (``docks.Docks._import_pane``).

    (Not ``numpy.ma``, ~30 ms, which numpy imports on a first ``np.unique``: nothing on the
    way to the chart calls it, see ``domain.arrays.unique_ids``.)"""
    import desktop_app.ui.views.scatter  # noqa: F401
