"""Team ▸ Export one-on-one pack…: pick a CSM, a baseline and a file; build and write it on a
worker, then record it on the writer (OSError and bad input come back as one line in the
dialog)."""

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
from desktop_app.services.managers import OneOnOnePackData, build_pack, record_pack
from desktop_app.services.team import owner_names
from desktop_app.ui.oneonone_pdf import write_pack_file
from desktop_app.ui.workers import run_task


def build_and_write(
    store: Store, owner: str, today: date, since: date | None, target: Path
) -> tuple[OneOnOnePackData, int]:
    """On a worker: build the pack and write its file; returns it and its page count."""
    pack = build_pack(store, owner, today, since)
    return pack, write_pack_file(pack, target)


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
        if owner:  # usable at once; the other CSMs join it when read
            self.owner.addItem(owner)
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
        self._exporting = False
        self._reading_owners = True
        self.written: Path | None = None
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(bool(owner))  # Close works meanwhile
        self.owner.setPlaceholderText("Reading the CSMs…")
        run_task(owner_names, store, done=self._owners_read, failed=self._owners_failed)

    def busy(self) -> bool:
        """The CSMs are being read or a pack built, written or recorded."""
        return self._exporting or self._reading_owners

    def _owners_read(self, names: list[str]) -> None:
        self._reading_owners = False
        chosen = self.owner.currentText()
        self.owner.clear()
        self.owner.addItems(names)
        if chosen:
            self.owner.setCurrentText(chosen)
        elif names:
            self.owner.setCurrentIndex(0)
        self.save_button.setEnabled(self.owner.count() > 0)
        if not names:
            self.status.setText("No CSM owns an account yet.")

    def _owners_failed(self, message: str) -> None:
        self._reading_owners = False
        self.status.setText(f"CSMs not read: {message}")

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
        self._exporting = True
        run_task(
            build_and_write, self.store, self.owner.currentText(), self.today, since, target,
            done=lambda result: self._record(target, *result), failed=self._failed,
        )  # fmt: skip

    def _record(self, target: Path, pack: OneOnOnePackData, pages: int) -> None:
        """The file is written: record the pack (the next one's baseline) on the writer."""
        run_task(
            record_pack, self.store, pack, write=True,
            done=lambda _r: self._written(target, pack, pages), failed=self._failed,
        )  # fmt: skip

    def _failed(self, message: str) -> None:
        self._exporting = False
        self.buttons.setEnabled(True)
        self.save_button.setEnabled(self.owner.count() > 0)
        self.status.setText(f"Not exported: {message}")

    def _written(self, target: Path, pack: OneOnOnePackData, pages: int) -> None:
        self._exporting = False
        self.buttons.setEnabled(True)
        self.written = target
        what = f" ({pages} pages)" if pages else ""
        self.status.setText(
            f"Wrote {target}{what}: {len(pack.renewals)} renewals in 90 days, "
            f"{len(pack.changes)} changes since {pack.since.isoformat()}, "
            f"{len(pack.alerts)} open alerts."
        )
