"""The Team menu's managers' entries: plan and forecast, alerts, hindsight, one-on-one pack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


class ManagersActions:
    """Builds the actions on ``window`` and adds them to the Team menu."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.w = window
        self.plan = self._act(menu, "Renewal &plan and forecast…", self.show_plan, "Ctrl+Shift+P")
        self.alerts = self._act(menu, "&Alerts by CSM…", self.show_alerts, "Ctrl+Shift+A")
        self.hindsight = self._act(
            menu, "Did we &see it coming?…", self.show_hindsight, "Ctrl+Shift+G"
        )
        self.perception = self._act(
            menu, "Customer &perception by CSM…", self.show_perception, "Ctrl+Shift+C"
        )
        self.pack = self._act(menu, "&Export one-on-one pack…", self.export_pack, "Ctrl+Shift+E")

    def _act(self, menu: QMenu, text: str, slot: Any, shortcut: str | None = None) -> QAction:
        action = QAction(text, self.w)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _open_account(self, account_id: int) -> None:
        self.w.select_accounts(np.array([account_id]))

    def show_plan(self) -> None:
        from desktop_app.ui.dialogs.plan_view import PlanView

        PlanView(self.w.store, self.w.undo_stack, self.w, today=self.w.today).open()

    def show_alerts(self) -> None:
        from desktop_app.ui.dialogs.alerts_view import AlertsView

        view = AlertsView(self.w.store, self.w.undo_stack, self.w, today=self.w.today)
        view.accountRequested.connect(self._open_account)
        view.open()

    def show_hindsight(self) -> None:
        from desktop_app.ui.dialogs.hindsight_view import HindsightView

        view = HindsightView(self.w.store, self.w, today=self.w.today)
        view.accountRequested.connect(self._open_account)
        view.open()

    def export_pack(self) -> None:
        from desktop_app.ui.dialogs.pack_export import PackExportDialog

        PackExportDialog(self.w.store, self.w, today=self.w.today).open()

    def show_perception(self) -> None:
        from desktop_app.ui.dialogs.perception_view import PerceptionView

        PerceptionView(self.w.store, self.w).open()
