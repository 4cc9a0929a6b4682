"""The dock widgets: portfolio chart and account detail pane, created after the first paint.

Until ``create()`` runs (a zero-timer after the window shows) the docks keep the latest
book, mask and selection and hand them over when the views exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from desktop_app.services.portfolio import BookColumns

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


class Docks:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.scatter: Any = None
        self.detail: Any = None
        self.scatter_dock = QDockWidget("Portfolio: usage × health", window)
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
        self._book: BookColumns | None = None
        self._mask: np.ndarray | None = None
        self._selection = np.empty(0, dtype=np.int64)
        self._account: int | None = None
        self._nps: np.ndarray | None = None

    @property
    def created(self) -> bool:
        return self.scatter is not None

    def create(self) -> None:
        if self.created:
            return
        from desktop_app.ui.views.scatter import PortfolioScatter

        w = self.window
        self.scatter = PortfolioScatter(self.scatter_dock)
        self.scatter.setObjectName("portfolioScatter")
        self.scatter.set_axes(w.settings.get("scatter_x"), w.settings.get("scatter_y"))
        self.scatter_dock.setWidget(self.scatter)
        self.scatter.selectionChanged.connect(lambda ids: w.select_accounts(ids, source="chart"))
        self.scatter.accountActivated.connect(lambda aid: self._activate(aid))
        self.scatter.overrideRequested.connect(w.acts.override_band)
        self.scatter.noteRequested.connect(w.acts.add_note)
        self.scatter.transitionRequested.connect(w.acts.start_transition)
        self._make_detail()
        state = w.settings.state("window_state")
        if state is None or not w.restoreState(state, 1):
            # First run: the chart takes about half the height, the pane 30 % of the width
            # (a third left the filters cut at 1280 px).
            w.resizeDocks([self.scatter_dock], [max(360, w.height() // 2)], Qt.Orientation.Vertical)
            pane = max(360, int(w.width() * 0.3))
            w.resizeDocks([self.detail_dock], [pane], Qt.Orientation.Horizontal)
        if self._book is not None:
            self.scatter.set_book(self._book)
            if self._nps is not None:
                self.scatter.set_nps(self._nps)
            if self._mask is not None:
                self.scatter.set_mask(self._mask)
        if self._selection.size:
            self.scatter.set_selection(self._selection)
        self.detail.show_account(self._account)

    def _make_detail(self) -> None:
        from desktop_app.ui.views.detail_pane import AccountDetailPane

        w = self.window
        old = self.detail
        self.detail = AccountDetailPane(w.store, w.undo_stack, self.detail_dock, today=w.today)
        self.detail.setObjectName("detailPane")
        self.detail.overrideRequested.connect(w.acts.override_band)
        self.detail_dock.setWidget(self.detail)
        if old is not None:
            old.deleteLater()

    def _activate(self, account_id: int) -> None:
        self.window.select_accounts(np.array([account_id]))
        self.show_detail()

    # ------------------------------------------------------------------ feeding
    def set_book(self, book: BookColumns, mask: np.ndarray) -> None:
        self._book, self._mask = book, mask
        if self.created:
            self.scatter.set_book(book)
            self.scatter.set_mask(mask)
            self.detail.refresh()

    def set_nps(self, nps: np.ndarray) -> None:
        self._nps = nps
        if self.created:
            self.scatter.set_nps(nps)

    def set_mask(self, mask: np.ndarray) -> None:
        self._mask = mask
        if self.created:
            self.scatter.set_mask(mask)

    def set_selection(self, ids: np.ndarray) -> None:
        self._selection = ids
        if self.created:
            self.scatter.set_selection(ids)

    def show_account(self, account_id: int | None) -> None:
        self._account = account_id
        if self.created:
            self.detail.show_account(account_id)

    def show_detail(self) -> None:
        self.detail_dock.show()
        self.detail_dock.raise_()

    def store_changed(self) -> None:
        self._account = None
        if self.created:
            self._make_detail()  # a new pane starts empty

    def close(self) -> None:
        if self.created:
            x, y = self.scatter.axes()
            self.window.settings.set("scatter_x", x)
            self.window.settings.set("scatter_y", y)
