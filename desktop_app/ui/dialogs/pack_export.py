"""Team ▸ Export one-on-one pack…: pick a CSM, a baseline and a file; build and write it on a
worker (OSError and bad input come back as one line in the dialog)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QWidget,
)

from desktop_app.services.database import Store
from desktop_app.services.managers.pack import OneOnOnePackData
from desktop_app.services.team import owner_names
from desktop_app.ui.oneonone_pdf import export_pack_file
from desktop_app.ui.workers import Worker, start


class PackExportDialog(QDialog):
    """Builds the pack on a worker, then writes the PDF (Qt painting) or the workbook."""

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        owner: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export one-on-one pack")
        self.setMinimumWidth(460)
        self.store = store
        self.today = today or date.today()
        self.owner = QComboBox(self)
        self.owner.addItems(owner_names(store))
        if owner:
            self.owner.setCurrentText(owner)
        self.since_last = QCheckBox("Changes since the last pack of this CSM", self)
        self.since_last.setChecked(True)
        self.since = QDateEdit(self)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        month_ago = QDate(self.today.year, self.today.month, self.today.day).addDays(-30)
        self.since.setDate(month_ago)
        self.since.setEnabled(False)
        self.since_last.toggled.connect(lambda on: self.since.setEnabled(not on))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self
        )
        self.buttons.accepted.connect(lambda: self.export())
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("CSM", self.owner)
        form.addRow("", self.since_last)
        form.addRow("Or since", self.since)
        form.addRow(self.status)
        form.addRow(self.buttons)
        self._worker: Worker | None = None
        self.written: Path | None = None

    def busy(self) -> bool:
        return self._worker is not None

    def export(self, path: str | None = None) -> None:
        """Ask for the file (unless ``path``), then build the pack on a worker."""
        if path is None:
            suggested = f"one-on-one {self.owner.currentText()} {self.today.isoformat()}.pdf"
            path, _f = QFileDialog.getSaveFileName(
                self, "Export one-on-one pack", suggested, "PDF (*.pdf);;Excel workbook (*.xlsx)"
            )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".pdf", ".xlsx"):
            target = target.with_suffix(".pdf")
        d = self.since.date()
        since = None if self.since_last.isChecked() else date(d.year(), d.month(), d.day())
        self.status.setText(f"Building the pack of {self.owner.currentText()}…")
        self.buttons.setEnabled(False)
        worker = Worker(
            export_pack_file,
            self.store,
            self.owner.currentText(),
            self.today,
            since,
            target,
            pass_progress=False,
        )
        worker.signals.finished.connect(lambda result: self._written(target, *result))
        worker.signals.failed.connect(self._failed)
        self._worker = worker
        start(worker)

    def _failed(self, message: str) -> None:
        self._worker = None
        self.buttons.setEnabled(True)
        self.status.setText(f"Not exported: {message}")

    def _written(self, target: Path, pack: OneOnOnePackData, pages: int) -> None:
        self._worker = None
        self.buttons.setEnabled(True)
        self.written = target
        what = f" ({pages} pages)" if pages else ""
        self.status.setText(
            f"Wrote {target}{what}: {len(pack.renewals)} renewals in 90 days, "
            f"{len(pack.changes)} changes since {pack.since.isoformat()}, "
            f"{len(pack.alerts)} open alerts."
        )
