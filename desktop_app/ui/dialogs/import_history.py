"""File > Import history…: every import batch, and rolling one back after confirmation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.database import Store
from desktop_app.services.importing import BatchInfo, list_batches, rollback_batch
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader, run_task

_COLUMNS = (
    Column("Batch", lambda b: b.id, RIGHT),
    Column("Imported", lambda b: b.imported_at.strftime("%Y-%m-%d %H:%M")),
    Column("File", lambda b: b.file_name),
    Column("Source", lambda b: b.profile),
    Column("Sheet", lambda b: b.sheet or ""),
    Column("New", lambda b: b.new, RIGHT),
    Column("Updated", lambda b: b.updated, RIGHT),
    Column("Unchanged", lambda b: b.unchanged, RIGHT),
    Column("Unmatched", lambda b: b.unmatched, RIGHT),
    Column("Skipped", lambda b: b.skipped, RIGHT),
    Column(
        "State",
        lambda b: "active" if b.active else f"rolled back {b.rolled_back_at:%Y-%m-%d}",
    ),
)
_ROLLED_BACK = QColor(Qt.GlobalColor.gray)


def _batch_foreground(batch: BatchInfo) -> QColor | None:
    return None if batch.active else _ROLLED_BACK


class ImportHistoryDialog(QDialog):
    """Lists import batches; "Roll back" undoes the selected one after confirmation.

    The list is read on a worker and the rollback runs on the writer, with a busy bar while
    it holds the book; the dialog stays responsive and says what was undone.
    """

    rolledBack = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.store = store
        self.model = RowsTableModel(_COLUMNS, self, row_foreground=_batch_foreground)
        self.view = read_only_table(self.model, self, single_selection=True)
        self.rollback_button = QPushButton("Roll back…", self)
        self.rollback_button.setEnabled(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # no steps to count: one transaction
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        self._rolling_back: BatchInfo | None = None
        self._loader = ReportLoader(self.status.setText, self._listed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.rollback_button)
        row.addWidget(self.busy_bar)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.rollback_button.clicked.connect(self.roll_back_selected)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        fit_to_screen(self, 900, 420)
        self.refresh()

    def refresh(self, message: str = "Reading the import history…") -> None:
        self._loader.load(message, list_batches, self.store)

    def loading(self) -> bool:
        """The list is being read or a rollback is running."""
        return self._loader.busy() or self._rolling_back is not None

    def _listed(self, batches: list[BatchInfo]) -> None:
        selected = self.selected_batch()
        self.model.set_rows(batches)
        if selected is not None:
            self.select_batch(selected.id)
        if not self._rolling_back and self.status.text() == "Reading the import history…":
            self.status.setText("" if batches else "No import yet.")
        self._selection_changed()

    def selected_batch(self) -> BatchInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def select_batch(self, batch_id: int) -> None:
        for i, b in enumerate(self.model.rows):
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
        self._rolling_back = batch
        self.rollback_button.setEnabled(False)
        self.busy_bar.show()
        self.status.setText(f"Rolling back batch {batch.id} ({batch.file_name})…")
        worker = run_task(
            rollback_batch, self.store, batch.id,
            write=True, progress=True, done=self._rolled_back, failed=self._not_rolled_back,
        )  # fmt: skip
        worker.signals.progress.connect(self._progress)

    def _progress(self, _fraction: float, message: str) -> None:
        if message and self._rolling_back is not None:
            self.status.setText(message)

    def _rolled_back(self, _result: object) -> None:
        batch, self._rolling_back = self._rolling_back, None
        self.busy_bar.hide()
        assert batch is not None
        self.refresh(
            f"Batch {batch.id} rolled back: {batch.new} new row(s) removed and "
            f"{batch.updated} updated row(s) restored; the book is as before that import."
        )
        self.rolledBack.emit(batch.id)

    def _not_rolled_back(self, message: str) -> None:
        self._rolling_back = None
        self.busy_bar.hide()
        self.refresh(f"Not rolled back: {message}")  # the list may be stale: read it again

    def _selection_changed(self, *_args: Any) -> None:
        batch = self.selected_batch()
        idle = self._rolling_back is None
        self.rollback_button.setEnabled(idle and batch is not None and batch.active)
