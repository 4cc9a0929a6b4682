"""File > Import history…: every import batch, and rolling one back after confirmation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.errors import UserError
from desktop_app.services.importing import BatchInfo, list_batches, rollback_batch
from desktop_app.store.engine import Store

_Index = QModelIndex | QPersistentModelIndex

_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Batch", lambda b: b.id),
    ("Imported", lambda b: b.imported_at.strftime("%Y-%m-%d %H:%M")),
    ("File", lambda b: b.file_name),
    ("Source", lambda b: b.profile),
    ("Sheet", lambda b: b.sheet or ""),
    ("New", lambda b: b.new),
    ("Updated", lambda b: b.updated),
    ("Unchanged", lambda b: b.unchanged),
    ("Unmatched", lambda b: b.unmatched),
    ("Skipped", lambda b: b.skipped),
    ("State", lambda b: "active" if b.active else f"rolled back {b.rolled_back_at:%Y-%m-%d}"),
)
_NUMERIC = {0, 5, 6, 7, 8, 9}


class BatchTableModel(QAbstractTableModel):
    """Import batches, newest first (plain ``BatchInfo`` rows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batches: list[BatchInfo] = []

    def set_batches(self, batches: list[BatchInfo]) -> None:
        self.beginResetModel()
        self.batches = list(batches)
        self.endResetModel()

    # Qt overrides ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.batches)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        batch = self.batches[index.row()]
        value = _COLUMNS[index.column()][1](batch)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not batch.active:
            return QColor(Qt.GlobalColor.gray)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section][0]
        return None


class ImportHistoryDialog(QDialog):
    """Lists import batches; "Roll back" undoes the selected one after confirmation."""

    rolledBack = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.store = store
        self.model = BatchTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.rollback_button = QPushButton("Roll back…", self)
        self.rollback_button.setEnabled(False)
        self.status = QLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.rollback_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.rollback_button.clicked.connect(self.roll_back_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.resize(900, 420)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_batches(list_batches(self.store))
        self._selection_changed()

    def selected_batch(self) -> BatchInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.batches[rows[0].row()] if rows else None

    def select_batch(self, batch_id: int) -> None:
        for i, b in enumerate(self.model.batches):
            if b.id == batch_id:
                self.view.selectRow(i)

    def roll_back_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None or not batch.active:
            return
        answer = QMessageBox.question(
            self,
            "Roll back import",
            f"Roll back batch {batch.id} ({batch.file_name}, {batch.new} new and "
            f"{batch.updated} updated rows)? The book returns to its state before that import.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            rollback_batch(self.store, batch.id)
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"Batch {batch.id} rolled back.")
        self.refresh()
        self.rolledBack.emit(batch.id)

    def _selection_changed(self, *_args: Any) -> None:
        batch = self.selected_batch()
        self.rollback_button.setEnabled(batch is not None and batch.active)
