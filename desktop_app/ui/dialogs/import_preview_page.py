"""The import wizard's preview page: files are read on a worker with progress and Cancel.

Per file: detected source and confidence, sheet choice (hidden sheets marked), a preview of
the rows as they will land, the problems (exportable to CSV), and a column-mapping editor
for unknown files. Reading (and re-reading with a chosen mapping) runs on the reader pool
(``Worker``), one file at a time, so a million-row file never freezes the window; Cancel
stops it between chunks.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_app.services.database import Store
from desktop_app.services.importing import (
    KIND_LABELS,
    ImportPreview,
    export_problems,
    kinds,
    mapped_preview,
    preview_file,
    profile_label,
    save_profile,
    skipped_row_texts,
)
from desktop_app.ui import theme
from desktop_app.ui.dialogs.import_preview_widgets import MappingEditor, PreviewTableModel
from desktop_app.ui.workers import Worker, run_task, start


class _Read(NamedTuple):
    """One queued read: a file (a sheet of it), detected, or with the user's mapping."""

    path: str
    sheet: str | None
    mapping: tuple[str, dict[str, str]] | None = None  # kind, column -> field


def preview_counts(preview: ImportPreview) -> str:
    """Rows read, to import, skipped and with problems; they add up like the summary's."""
    rows = len(set(preview.row_numbers))
    skipped = preview.rows_skipped
    errors = len({p.row for p in preview.errors if p.row is not None})
    total = rows + skipped + errors
    text = f"{total:,} rows read: {rows:,} to import, {skipped:,} skipped"
    if errors:
        text += f", {errors:,} with problems (not imported)"
    if len(preview.records) != rows:
        text += f" ({len(preview.records):,} monthly values)"
    return text + ". Each skipped row is listed below with its reason."


class PreviewPage(QWizardPage):
    """Per file: detected source, sheet, rows as they will land, problems, mapping editor."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setTitle("Check what will be imported")
        self.previews: dict[str, ImportPreview] = {}
        self.errors: dict[str, str] = {}
        self.file_combo = QComboBox(self)
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.counts_label = QLabel(self)
        self.counts_label.setWordWrap(True)
        self.notes_label = QLabel(self)
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(theme.muted_css())
        self.blocked_label = QLabel(self)
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet(f"color: {theme.caution_colour().name()};")
        self.blocked_label.hide()
        self.sheet_combo = QComboBox(self)
        self.table_model = PreviewTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.problems_model = QStringListModel(self)
        self.problems_view = QListView(self)
        self.problems_view.setModel(self.problems_model)
        self.export_button = QPushButton("Export problems…", self)
        self.export_status = QLabel(self)
        self.mapping = MappingEditor(self)
        self.read_bar = QProgressBar(self)
        self.read_bar.setRange(0, 1000)
        self.read_status = QLabel(self)
        self.cancel_read_button = QPushButton("Cancel reading", self)
        self.cancel_read_button.clicked.connect(self.cancel_reading)
        self.worker: Worker | None = None
        self._queue: list[_Read] = []
        self._current: _Read | None = None
        reading = QHBoxLayout()
        reading.addWidget(self.read_status, 1)
        reading.addWidget(self.read_bar, 2)
        reading.addWidget(self.cancel_read_button)
        self._busy(False)
        form = QFormLayout()
        form.addRow("File:", self.file_combo)
        form.addRow("Detected source:", self.source_label)
        form.addRow("Sheet:", self.sheet_combo)
        form.addRow("Rows:", self.counts_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(reading)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.notes_label)
        layout.addWidget(
            QLabel("Skipped rows and problems (rows with problems are not imported):", self)
        )
        layout.addWidget(self.problems_view, 1)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.export_status, 1)
        layout.addLayout(export_row)
        layout.addWidget(self.mapping)
        layout.addWidget(self.blocked_label)
        self.file_combo.currentIndexChanged.connect(self._show_current)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.export_button.clicked.connect(self._export)
        self.mapping.applied.connect(self._mapping_applied)
        self.mapping.save_requested.connect(self._save_profile)

    def load(self, paths: list[str]) -> None:
        """(Re)read, in the background, the files that are new since the last visit."""
        for gone in set(self.previews) - set(paths):
            del self.previews[gone]
        self.errors = {}
        reading = self._current.path if self._current else None
        self._queue = [_Read(p, None) for p in paths if p not in self.previews and p != reading]
        self.file_combo.blockSignals(True)
        self.file_combo.clear()
        self.file_combo.addItems([Path(p).name for p in paths])
        for i, p in enumerate(paths):
            self.file_combo.setItemData(i, p)
        self.file_combo.blockSignals(False)
        self._next_read()
        self._show_current()

    def reading(self) -> bool:
        """True while a file is being read (or waits to be)."""
        return self.worker is not None or bool(self._queue)

    def cancel_reading(self) -> None:
        """Stop reading: the file being read and those waiting are left unread."""
        if self.worker is not None:
            self.worker.cancel()
            self.read_status.setText("Cancelling…")

    def _read(self, job: _Read) -> None:
        self._queue.append(job)
        self._next_read()

    def _next_read(self) -> None:
        if self.worker is not None:
            return
        if not self._queue:
            self._busy(False)
            self._show_current()
            self.completeChanged.emit()
            return
        job = self._current = self._queue.pop(0)
        if job.mapping is None:
            self.previews.pop(job.path, None)
            self.errors.pop(job.path, None)
            worker = Worker(preview_file, self.store, job.path, sheet=job.sheet)
        else:  # the file's preview stays until the mapped one replaces it
            worker = Worker(mapped_preview, job.path, job.sheet, *job.mapping)
        worker.signals.progress.connect(self._read_progress)
        worker.signals.finished.connect(self._read_done)
        worker.signals.failed.connect(self._read_failed)
        worker.signals.cancelled.connect(self._read_cancelled)
        self.worker = worker
        self._busy(True)
        self.read_status.setText(f"Reading {Path(job.path).name}…")
        self.completeChanged.emit()
        start(worker)

    def _busy(self, busy: bool) -> None:
        self.read_bar.setVisible(busy)
        self.cancel_read_button.setVisible(busy)
        self.read_status.setVisible(busy)
        if busy:
            self.read_bar.setValue(0)

    def _read_progress(self, fraction: float, message: str) -> None:
        self.read_bar.setValue(int(fraction * 1000))
        if message:
            self.read_status.setText(message)

    def _read_done(self, preview: ImportPreview) -> None:
        if self._current:
            self.previews[self._current.path] = preview
        self._read_ended()

    def _read_failed(self, message: str) -> None:
        job = self._current
        if job is not None and job.mapping is not None:
            # A mapping that does not fit: say so, and keep the file's last preview.
            QMessageBox.warning(self, "Column mapping", message)
        elif job is not None:
            self.errors[job.path] = message
        self._read_ended()

    def _read_cancelled(self) -> None:
        for job in [*([self._current] if self._current else []), *self._queue]:
            if job.mapping is None:  # a cancelled mapping keeps the file's last preview
                name = Path(job.path).name
                self.errors[job.path] = f"{name}: reading cancelled (go Back, then Next)"
        self._queue = []
        self._read_ended()

    def _read_ended(self) -> None:
        self.worker, self._current = None, None
        self._next_read()
        self._explain_blocked()

    def _explain_blocked(self) -> None:
        """Say why Next is disabled: which files cannot be imported yet, and what to do."""
        blocked = [Path(p).name for p in self.errors]
        unmapped = [
            Path(p).name for p, v in self.previews.items() if v.kind not in kinds() or not v.records
        ]
        parts = []
        if blocked:
            parts.append(f"cannot be read: {', '.join(blocked)}")
        if unmapped:
            parts.append(f"nothing to import yet: {', '.join(unmapped)} (map the columns)")
        good = len(self.importable())
        if not parts:
            text = ""
        elif good:
            noun = "file" if good == 1 else "files"
            text = f"Importing the {good} good {noun}; not imported: " + "; ".join(parts)
        else:
            text = "Next is disabled: nothing can be imported. " + "; ".join(parts).capitalize()
        self.blocked_label.setText(text)
        self.blocked_label.setVisible(bool(parts) and not self.reading())

    def current_path(self) -> str | None:
        data = self.file_combo.currentData()
        return str(data) if data else None

    def _show_current(self) -> None:
        path = self.current_path()
        preview = self.previews.get(path or "")
        self.table_model.set_preview(preview)
        self.sheet_combo.clear()
        self._explain_blocked()
        if preview is None:
            waiting = "Reading…" if self.reading() else ""
            error = self.errors.get(path or "")
            self.source_label.setText(error or waiting)
            self.counts_label.clear()
            self.notes_label.clear()
            self.problems_model.setStringList(
                [error, "This file is left out; the other files are still imported."]
                if error
                else []
            )
            self.mapping.hide()
            return
        if preview.kind in kinds():
            self.source_label.setText(
                f"{profile_label(preview.profile)}: {KIND_LABELS.get(preview.kind, preview.kind)}"
                f" ({preview.confidence:.0%} sure)"
            )
        else:
            self.source_label.setText("Not recognised: map the columns below.")
        self.counts_label.setText(preview_counts(preview))
        self.notes_label.setText("Notes: " + "; ".join(preview.notes) if preview.notes else "")
        for s in preview.sheets:
            self.sheet_combo.addItem(f"{s.name} (hidden)" if s.hidden else s.name, s.name)
        if preview.sheet is not None:
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findData(preview.sheet), 0))
        self.sheet_combo.setEnabled(len(preview.sheets) > 1)
        self.problems_model.setStringList(
            [f"Skipped {text}" for text in skipped_row_texts(preview)]
            + [str(p) for p in preview.problems if p.severity != "error" or p.row is None]
        )
        self._show_mapping(preview)

    def _show_mapping(self, preview: ImportPreview) -> None:
        if preview.kind in kinds() and not preview.profile.startswith("custom"):
            self.mapping.hide()
            return
        self.mapping.set_columns(list(preview.columns), preview.kind, preview.mapping)
        self.mapping.show()

    def _sheet_chosen(self, index: int) -> None:
        path = self.current_path()
        if path:
            self._read(_Read(path, self.sheet_combo.itemData(index)))
            self._show_current()

    def _mapping_applied(self, kind: str, mapping: dict[str, str]) -> None:
        path = self.current_path()
        if not path:
            return
        sheet = self.previews[path].sheet if path in self.previews else None
        self._read(_Read(path, sheet, (kind, mapping)))

    def _save_profile(self, name: str, kind: str, mapping: dict[str, str]) -> None:
        path = self.current_path()
        if not path:
            return
        columns = self.previews[path].columns if path in self.previews else []
        self.mapping.status.setText(f"Saving profile “{name}”…")
        run_task(
            save_profile, self.store, name, kind, columns, mapping, write=True,
            done=lambda _r: self.mapping.status.setText(f"Saved as profile “{name}”."),
            failed=lambda message: self.mapping.status.setText(f"Not saved: {message}"),
        )  # fmt: skip

    def _export(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export problems", "problems.csv",
                                                "CSV (*.csv)")  # fmt: skip
        if target:
            self.export_problems_to(target)

    def export_problems_to(self, target: str) -> None:
        """Write the problems of every file read to ``target`` (CSV) on a worker."""
        self.export_button.setEnabled(False)
        self.export_status.setText("Exporting the problems…")

        def finish(text: str) -> None:
            self.export_button.setEnabled(True)
            self.export_status.setText(text)

        run_task(
            export_problems, list(self.previews.values()), target,
            done=lambda n: finish(f"Wrote {n} problem(s) to {Path(target).name}."),
            failed=lambda message: finish(f"Not exported: {message}"),
        )  # fmt: skip

    def importable(self) -> list[ImportPreview]:
        return [p for p in self.previews.values() if p.kind in kinds() and p.records]

    # Qt overrides ------------------------------------------------------------------
    def initializePage(self) -> None:
        files = getattr(self.wizard(), "files_page", None)
        self.load(files.paths() if files is not None else [])

    def isComplete(self) -> bool:
        # A bad file does not block the good ones: they are imported, it is named.
        return not self.reading() and bool(self.importable())

    def left_out(self) -> list[str]:
        """ "name: why" for each file that will not be imported."""
        out = [f"{Path(p).name}: {message}" for p, message in self.errors.items()]
        out += [
            f"{Path(p).name}: nothing to import (columns not mapped)"
            for p, v in self.previews.items()
            if v.kind not in kinds() or not v.records
        ]
        return out

    def validatePage(self) -> bool:
        return not self.reading()
