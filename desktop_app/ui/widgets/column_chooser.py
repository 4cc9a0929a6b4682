"""The account table's columns: a default set and order a SAM needs first, and a chooser.

Right-click the header to show or hide columns, or to go back to the default set. Which
columns show, their order and widths live in the header state the window already saves.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

#: Shown by default, in this order; every other column is one right-click away.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "name", "owner", "band", "health_score", "arr", "mrr", "renewal_date", "days_to_renewal",
    "mau", "utilisation", "open_tickets",
)  # fmt: skip
#: Widths (px) of the default columns at 96 dpi; the others fit their contents.
DEFAULT_WIDTHS: dict[str, int] = {
    "name": 220, "owner": 120, "band": 112, "health_score": 52, "arr": 78, "mrr": 70,
    "renewal_date": 86, "days_to_renewal": 66, "mau": 56, "utilisation": 52,
    "open_tickets": 90,
}  # fmt: skip


class ColumnChooser:
    """Default columns and the header's context menu for a table whose columns have keys."""

    def __init__(self, view: QTableView, keys: Sequence[str]) -> None:
        self.view = view
        self.keys = tuple(keys)
        header = view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.show_menu)
        header.setToolTip("Right-click to choose the columns")

    @property
    def header(self) -> QHeaderView:
        return self.view.horizontalHeader()

    def visible_keys(self) -> list[str]:
        """Keys of the shown columns, in the order they appear."""
        h = self.header
        shown = [(h.visualIndex(i), k) for i, k in enumerate(self.keys) if not h.isSectionHidden(i)]
        return [k for _v, k in sorted(shown)]

    def apply_default(self) -> None:
        """Show the default columns in the default order, the others hidden at the end."""
        h = self.header
        wanted = [k for k in DEFAULT_COLUMNS if k in self.keys]
        for target, key in enumerate(wanted):
            h.moveSection(h.visualIndex(self.keys.index(key)), target)
        for i, key in enumerate(self.keys):
            h.setSectionHidden(i, key not in wanted)
            if key in DEFAULT_WIDTHS:
                h.resizeSection(i, DEFAULT_WIDTHS[key])

    def set_visible(self, key: str, visible: bool) -> None:
        i = self.keys.index(key)
        if not visible and len(self.visible_keys()) <= 1:
            return  # never hide the last column
        self.header.setSectionHidden(i, not visible)
        if visible and self.header.sectionSize(i) < 30:
            self.view.resizeColumnToContents(i)

    def menu(self) -> QMenu:
        """The chooser menu: one checkable entry per column, then "Default columns"."""
        menu = QMenu(self.view)
        model = self.view.model()
        for i, key in enumerate(self.keys):
            title = str(model.headerData(i, Qt.Orientation.Horizontal) or key)
            action = QAction(title, menu)
            action.setCheckable(True)
            action.setChecked(not self.header.isSectionHidden(i))
            action.setData(key)
            action.toggled.connect(lambda on, k=key: self.set_visible(k, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Default columns").triggered.connect(lambda: self.apply_default())
        return menu

    def show_menu(self, pos: QPoint) -> None:
        self.menu().popup(self.header.mapToGlobal(pos))
