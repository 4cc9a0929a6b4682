"""The dock widgets: portfolio chart and account detail pane, created after the first paint.

The docks take their places when the window first shows (light placeholders in them), so
the table is laid out and painted once at its final size: placed with the chart, the table
was painted full height with the book's first rows and again half height (at 10k, ~30 ms
of the opening's stalls).

The docks hold no book: the chart and the pane take the window's ``BookState`` and follow
it from the moment they exist (so creating them late loses nothing). What the user asks
for in them (override, note, transition) goes out as intent signals, which the window
connects to its actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from desktop_app.services.database import Store
from desktop_app.ui import gui_queue, workers
from desktop_app.ui.book_state import BookState
from desktop_app.ui.settings import Settings

_DEFAULT_TITLE = "Portfolio: usage × health"


class Docks(QObject):
    overrideRequested = Signal(int)
    noteRequested = Signal(int)
    transitionRequested = Signal(object)
    #: The chart exists (its dock, chrome and points follow in later passes).
    chartCreated = Signal()
    #: The chart and the pane exist (pyqtgraph imported, views subscribed to the state).
    viewsCreated = Signal()

    def __init__(
        self,
        window: QMainWindow,
        state: BookState,
        settings: Settings,
        undo_stack: QUndoStack,
        today: date,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.state = state
        self.settings = settings
        self.undo_stack = undo_stack
        self.today = today
        self.scatter: Any = None
        self.detail: Any = None
        self._store: Store | None = None
        self.scatter_dock = QDockWidget(_DEFAULT_TITLE, window)
        self.scatter_dock.setObjectName("portfolioDock")
        self.detail_dock = QDockWidget("Account", window)
        self.detail_dock.setObjectName("detailDock")
        for dock in (self.scatter_dock, self.detail_dock):
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                | QDockWidget.DockWidgetFeature.DockWidgetClosable
            )
        window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.scatter_dock)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detail_dock)
        waiting = QLabel("Loading the chart…", self.scatter_dock)
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        waiting.setEnabled(False)  # the palette's muted text
        self.scatter_dock.setWidget(waiting)
        self.detail_dock.setWidget(QWidget(self.detail_dock))
        self._placeholders = [self.scatter_dock.widget(), self.detail_dock.widget()]

    @property
    def created(self) -> bool:
        """Both the chart and the pane exist, and the docks have their places."""
        return self.scatter is not None and self.detail is not None and self._placed

    _placed = False

    def create(self, store: Store) -> None:
        """Build the chart; it goes into its dock, and the pane is built, in later events
        (each a GUI-thread pass of its own, see ``gui_queue``); they read the state as it
        is. ``viewsCreated`` once both exist."""
        if self.scatter is not None:
            return
        from desktop_app.ui.views.scatter import PortfolioScatter

        self._store = store
        # The docks' places before the chart's points and the pane: placed after them, the
        # chart painted the whole book at the dock's first size and then again at its
        # place. (Normally done already, when the window showed.)
        self.place()
        # Into its dock in the next pass, before the chart's own steps (its chrome, legend,
        # points): built and laid out and first painted in one pass, 70-100 ms at 10k.
        gui_queue.later(self, self._show_chart)
        gui_queue.later(self, self._show_plot)
        self.scatter = PortfolioScatter(self.state, self.scatter_dock, defer_points=True)
        self.scatter.setObjectName("portfolioScatter")
        self.scatter.axesChanged.connect(self._axes_changed)
        self.scatter.set_axes(self.settings.get("scatter_x"), self.settings.get("scatter_y"))
        self.scatter.accountActivated.connect(self._activate)
        self.scatter.overrideRequested.connect(self.overrideRequested)
        self.scatter.noteRequested.connect(self.noteRequested)
        self.scatter.transitionRequested.connect(self.transitionRequested)
        self.chartCreated.emit()

    def _show_chart(self) -> None:
        if self.scatter is not None:
            # Its toolbar first, its plot in the next pass (``_show_plot``): their first
            # paints together were one 50-70 ms GUI-thread stall at 100k.
            self.scatter.hide_plot()
        self._swap(self.scatter_dock, self.scatter)
        # The pane in an event of its own: with the chart, one GUI-thread stall of
        # 0.1-0.3 s at 100k. And after the book's points when they are on their way: its
        # passes went before their installation (at 10k, ~30 ms later on screen).
        chart = self.scatter
        waits = len(self.state.book) and self.state.complete and not self.scatter_dock.isHidden()
        if chart is None or not waits:
            self._import_pane()
            return
        chart.after_points(self, self._import_pane)

    def _show_plot(self) -> None:
        if self.scatter is not None:
            self.scatter.show_plot()

    def _import_pane(self) -> None:
        """The pane's modules import on a worker, then the pane is built in a pass of its
        own. Only now: imported with the chart's, before the chart showed the book, they
        took ~15-25 ms of the interpreter from the book's loading and the chart."""

        def imported(_result: object = None) -> None:
            gui_queue.later(self, self._create_detail)

        workers.run_task(import_pane, done=imported, failed=imported, urgent=True)

    def place(self) -> None:
        """Give the docks their places (saved, or the first run's): once, when the window
        first shows, before the book's first paint."""
        if self._placed:
            return
        w = self.window
        self._placed = True
        state = self.settings.state("window_state")
        if state is None or not w.restoreState(state, 1):
            # First run: the chart takes about half the height, the pane 30 % of the width
            # (a third left the filters cut at 1280 px).
            w.resizeDocks([self.scatter_dock], [max(360, w.height() // 2)], Qt.Orientation.Vertical)
            pane = max(360, int(w.width() * 0.3))
            w.resizeDocks([self.detail_dock], [pane], Qt.Orientation.Horizontal)

    def _create_detail(self) -> None:
        if self.detail is not None or self._store is None:
            return
        self._make_detail(self._store)
        self.viewsCreated.emit()

    def _make_detail(self, store: Store) -> None:
        from desktop_app.ui.views.detail_pane import AccountDetailPane

        old = self.detail
        self.detail = AccountDetailPane(
            store, self.undo_stack, self.detail_dock, today=self.today, state=self.state
        )
        self.detail.setObjectName("detailPane")
        self.detail.overrideRequested.connect(self.overrideRequested)
        self._swap(self.detail_dock, self.detail)
        if old is not None:
            old.deleteLater()

    def _swap(self, dock: QDockWidget, widget: QWidget) -> None:
        """Put ``widget`` in ``dock``; its placeholder, if still there, is deleted."""
        old = dock.widget()
        dock.setWidget(widget)
        if old in self._placeholders:
            self._placeholders.remove(old)
            old.deleteLater()

    def _axes_changed(self, x_title: str, y_title: str) -> None:
        self.scatter_dock.setWindowTitle(f"Portfolio: {x_title} × {y_title}")

    def _activate(self, account_id: int) -> None:
        self.state.select(np.array([account_id]), focus=account_id)
        self.show_detail()

    def show_detail(self) -> None:
        self.detail_dock.show()
        self.detail_dock.raise_()

    def store_changed(self, store: Store) -> None:
        self._store = store
        if self.detail is not None:
            self._make_detail(store)  # a new pane starts empty, on the new database

    def close(self) -> None:
        if self.scatter is not None:
            x, y = self.scatter.axes()
            self.settings.set("scatter_x", x)
            self.settings.set("scatter_y", y)


def import_pane() -> None:
    """Import the pane's modules (on a worker: see ``Docks._import_pane``)."""
    import desktop_app.ui.views.detail_pane  # noqa: F401
