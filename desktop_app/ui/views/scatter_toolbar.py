"""The strip above the portfolio chart (axes, renewal window, selection mode, actions) and
the chart's right-click menu."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QToolBar, QWidget

from desktop_app.ui.views import scatter_data as sd

RENEWAL_WINDOWS = (30, 60, 90, 180)


class ScatterToolbar(QWidget):
    axesChanged = Signal(str, str)
    windowChanged = Signal(int)
    modeChanged = Signal(str)
    resetRequested = Signal()
    exportRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 0)
        self.x_combo = QComboBox(self)
        for key, label in sd.X_AXES.items():
            self.x_combo.addItem(label, key)
        self.y_combo = QComboBox(self)
        for key, label in sd.Y_AXES.items():
            self.y_combo.addItem(label, key)
        self.window_combo = QComboBox(self)
        for d in RENEWAL_WINDOWS:
            self.window_combo.addItem(f"{d} days", d)
        self.window_combo.setCurrentIndex(RENEWAL_WINDOWS.index(90))
        self.x_combo.currentIndexChanged.connect(self._emit_axes)
        self.y_combo.currentIndexChanged.connect(self._emit_axes)
        self.window_combo.currentIndexChanged.connect(
            lambda _i: self.windowChanged.emit(int(self.window_combo.currentData()))
        )
        for text, w in (
            ("X:", self.x_combo),
            ("Y:", self.y_combo),
            ("Renewal:", self.window_combo),
        ):
            row.addWidget(QLabel(text, self))
            row.addWidget(w)
        bar = QToolBar(self)
        group = QActionGroup(self)
        self.mode_actions: dict[str, QAction] = {}
        for mode, text, tip in (
            ("pan", "Pan", "Drag to pan, wheel to zoom (Shift+drag: rectangle)"),
            ("rect", "Rectangle", "Drag a rectangle to select (Ctrl adds)"),
            ("lasso", "Lasso", "Draw around points to select (Ctrl adds)"),
        ):
            act = QAction(text, self, checkable=True, toolTip=tip)
            act.triggered.connect(lambda _c=False, m=mode: self.modeChanged.emit(m))
            group.addAction(act)
            bar.addAction(act)
            self.mode_actions[mode] = act
        self.mode_actions["pan"].setChecked(True)
        bar.addSeparator()
        bar.addAction("Reset view", self.resetRequested.emit)
        bar.addAction("Export…", self.exportRequested.emit)
        row.addWidget(bar)
        row.addStretch(1)

    def show_axes(self, x: str, y: str) -> None:
        """Reflect the axes without emitting ``axesChanged``."""
        for combo, key in ((self.x_combo, x), (self.y_combo, y)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(key))
            combo.blockSignals(False)

    def _emit_axes(self) -> None:
        self.axesChanged.emit(self.x_combo.currentData(), self.y_combo.currentData())


def context_menu(chart: Any, account_id: int | None, selected: np.ndarray) -> QMenu:
    """The right-click menu for a point (or the background when ``account_id`` is None)."""
    menu = QMenu(chart)
    if account_id is not None:
        aid = int(account_id)
        menu.addAction("Open", lambda: chart.accountActivated.emit(aid))
        menu.addAction("Override band…", lambda: chart.overrideRequested.emit(aid))
        menu.addAction("Add note…", lambda: chart.noteRequested.emit(aid))
        ids = selected if aid in selected else np.array([aid], dtype=np.int64)
        label = f"Add {ids.size} selected to transition…" if ids.size > 1 else "Add to transition…"
        menu.addAction(label, lambda: chart.transitionRequested.emit(ids.copy()))
        menu.addSeparator()
    menu.addAction("Reset view", chart.reset_view)
    menu.addAction("Export PNG/SVG…", chart._export_dialog)
    return menu
