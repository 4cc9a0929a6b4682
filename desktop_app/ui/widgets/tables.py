"""A read-only table view set up the way the dialogs show their small tables."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def read_only_table(
    model: QAbstractItemModel, parent: QWidget, *, single_selection: bool = False
) -> QTableView:
    """Whole-row selection, no editing, no row numbers, columns sized to their contents."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def report_layout(
    dialog: QWidget,
    bar: QHBoxLayout,
    top: tuple[QWidget, QWidget, list[int]],
    bottom: QWidget,
    note: str,
    heights: list[int],
) -> None:
    """The managers' report layout: a tool bar, two panes side by side above a table (each
    split movable), and a wrapped note under it all."""
    upper = QSplitter(Qt.Orientation.Horizontal, dialog)
    upper.addWidget(top[0])
    upper.addWidget(top[1])
    upper.setSizes(top[2])
    split = QSplitter(Qt.Orientation.Vertical, dialog)
    split.addWidget(upper)
    split.addWidget(bottom)
    split.setSizes(heights)
    label = QLabel(note, dialog)
    label.setWordWrap(True)
    layout = QVBoxLayout(dialog)
    layout.addLayout(bar)
    layout.addWidget(split, 1)
    layout.addWidget(label)
