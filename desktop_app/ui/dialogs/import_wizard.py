"""File > Import…: files, detected source and preview, mapping editor, run with progress.

Pages: (1) the file list (add, remove, drag and drop); (2) per file: detected source and
confidence, sheet choice (hidden sheets marked), a preview of the rows as they will land,
the problems (exportable to CSV), and a column-mapping editor for unknown files; (3) the
import, in a writer ``Worker`` with a progress bar and Cancel, ending with a summary.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent
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
    QWizard,
    QWizardPage,
)

from desktop_app.io.model import ImportPreview
from desktop_app.services.errors import UserError
from desktop_app.services.importing import ImportSummary, preview_file, save_profile
from desktop_app.services.importing_tools import (
    export_problems,
    import_previews,
    kinds,
    mapped_preview,
)
from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.import_preview_widgets import MappingEditor, PreviewTableModel
from desktop_app.ui.workers import Worker, start


class FilesPage(QWizardPage):
    """The files to import: add with a dialog or drop them on the page."""

    def __init__(self, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Files to import")
        self.setSubTitle(
            "Add export files (Salesforce, Recurly, usage, Jira, NPS) or drop them here."
        )
        self.setAcceptDrops(True)
        self.model = QStringListModel(paths, self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.add_button = QPushButton("Add files…", self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self._choose)
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.model.rowsInserted.connect(self.completeChanged)
        self.model.rowsRemoved.connect(self.completeChanged)

    def paths(self) -> list[str]:
        return list(self.model.stringList())

    def add_paths(self, paths: list[str]) -> None:
        current = self.model.stringList()
        self.model.setStringList(current + [p for p in paths if p not in current])
        self.completeChanged.emit()

    def _choose(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import files",
            "",
            "Exports (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)",
        )
        self.add_paths(paths)

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.view.selectedIndexes()}, reverse=True)
        for r in rows:
            self.model.removeRows(r, 1)
        self.completeChanged.emit()

    # Qt overrides ------------------------------------------------------------------
    def isComplete(self) -> bool:
        return bool(self.model.stringList())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_paths([p for p in paths if Path(p).is_file()])
        event.acceptProposedAction()


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
        self.sheet_combo = QComboBox(self)
        self.table_model = PreviewTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.problems_model = QStringListModel(self)
        self.problems_view = QListView(self)
        self.problems_view.setModel(self.problems_model)
        self.export_button = QPushButton("Export problems…", self)
        self.mapping = MappingEditor(self)
        form = QFormLayout()
        form.addRow("File:", self.file_combo)
        form.addRow("Detected source:", self.source_label)
        form.addRow("Sheet:", self.sheet_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel("Problems (rows with problems are not imported):", self))
        layout.addWidget(self.problems_view, 1)
        layout.addWidget(self.export_button)
        layout.addWidget(self.mapping)
        self.file_combo.currentIndexChanged.connect(self._show_current)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.export_button.clicked.connect(self._export)
        self.mapping.applied.connect(self._mapping_applied)
        self.mapping.save_requested.connect(self._save_profile)

    def load(self, paths: list[str]) -> None:
        """(Re)read the files that are new since the last visit."""
        for gone in set(self.previews) - set(paths):
            del self.previews[gone]
        self.errors = {}
        for path in paths:
            if path not in self.previews:
                self._read(path, None)
        self.file_combo.blockSignals(True)
        self.file_combo.clear()
        self.file_combo.addItems([Path(p).name for p in paths])
        for i, p in enumerate(paths):
            self.file_combo.setItemData(i, p)
        self.file_combo.blockSignals(False)
        self._show_current()

    def _read(self, path: str, sheet: str | None) -> None:
        try:
            self.previews[path] = preview_file(self.store, path, sheet=sheet)
            self.errors.pop(path, None)
        except UserError as exc:
            self.previews.pop(path, None)
            self.errors[path] = str(exc)
        self.completeChanged.emit()

    def current_path(self) -> str | None:
        data = self.file_combo.currentData()
        return str(data) if data else None

    def _show_current(self) -> None:
        path = self.current_path()
        preview = self.previews.get(path or "")
        self.table_model.set_preview(preview)
        self.sheet_combo.clear()
        if preview is None:
            self.source_label.setText(self.errors.get(path or "", ""))
            self.problems_model.setStringList([])
            self.mapping.hide()
            return
        if preview.kind in kinds():
            self.source_label.setText(
                f"{preview.profile} → {preview.kind} ({preview.confidence:.0%} sure), "
                f"{len(preview.records):,} rows, {preview.rows_skipped} skipped"
            )
        else:
            self.source_label.setText("Not recognised: map the columns below.")
        for s in preview.sheets:
            self.sheet_combo.addItem(f"{s.name} (hidden)" if s.hidden else s.name, s.name)
        if preview.sheet is not None:
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findData(preview.sheet), 0))
        self.sheet_combo.setEnabled(len(preview.sheets) > 1)
        self.problems_model.setStringList(
            [str(p) for p in preview.problems] + [f"Note: {n}" for n in preview.notes]
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
            self._read(path, self.sheet_combo.itemData(index))
            self._show_current()

    def _mapping_applied(self, kind: str, mapping: dict[str, str]) -> None:
        path = self.current_path()
        if not path:
            return
        sheet = self.previews[path].sheet if path in self.previews else None
        try:
            self.previews[path] = mapped_preview(path, sheet, kind, mapping)
        except UserError as exc:
            QMessageBox.warning(self, "Column mapping", str(exc))
            return
        self.completeChanged.emit()
        self._show_current()

    def _save_profile(self, name: str, kind: str, mapping: dict[str, str]) -> None:
        path = self.current_path()
        if not path:
            return
        columns = self.previews[path].columns if path in self.previews else []
        try:
            save_profile(self.store, name, kind, columns, mapping)
        except UserError as exc:
            QMessageBox.warning(self, "Save profile", str(exc))
            return
        self.mapping.status.setText(f"Saved as profile “{name}”.")

    def _export(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export problems", "problems.csv",
                                                "CSV (*.csv)")  # fmt: skip
        if target:
            export_problems(list(self.previews.values()), target)

    def importable(self) -> list[ImportPreview]:
        return [p for p in self.previews.values() if p.kind in kinds() and p.records]

    # Qt overrides ------------------------------------------------------------------
    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        self.load(wizard.files_page.paths())

    def isComplete(self) -> bool:
        return (
            bool(self.previews) and not self.errors and len(self.importable()) == len(self.previews)
        )


class RunPage(QWizardPage):
    """Runs the import in the writer pool with a progress bar and Cancel; shows the summary."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setTitle("Importing")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel import", self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.summary, 1)
        self.cancel_button.clicked.connect(self.cancel)
        self.worker: Worker | None = None
        self.done: list[ImportSummary] = []
        self.finished = False

    def start(self, previews: list[ImportPreview]) -> None:
        self.done = []
        self.finished = False
        self.summary.clear()
        self.cancel_button.setEnabled(True)
        self.worker = Worker(import_previews, self.store, previews, done=self.done)
        self.worker.signals.progress.connect(self._progress)
        self.worker.signals.finished.connect(self._finished)
        self.worker.signals.failed.connect(self._failed)
        self.worker.signals.cancelled.connect(self._cancelled)
        start(self.worker, write=True)

    def cancel(self) -> None:
        if self.worker is not None and not self.finished:
            self.worker.cancel()
            self.status.setText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def _finished(self, summaries: list[ImportSummary]) -> None:
        self._end("Import finished.", summaries)

    def _failed(self, message: str) -> None:
        self._end(f"Import failed: {message}. The file being imported was not written.", self.done)

    def _cancelled(self) -> None:
        self._end("Import cancelled. The file being imported was not written.", self.done)

    def _end(self, status: str, summaries: list[ImportSummary]) -> None:
        self.finished = True
        self.cancel_button.setEnabled(False)
        self.status.setText(status)
        self.summary.setText("\n".join(_summary_text(s) for s in summaries))
        self.completeChanged.emit()
        wizard = self.wizard()
        if isinstance(wizard, ImportWizard):
            wizard.import_done(list(summaries))

    # Qt overrides ------------------------------------------------------------------
    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        self.start(wizard.preview_page.importable())

    def isComplete(self) -> bool:
        return self.finished


def _summary_text(s: ImportSummary) -> str:
    name = Path(s.file).name
    if s.message:
        return f"{name}: {s.message}"
    text = (
        f"{name} ({s.kind}): {s.new} new, {s.updated} updated, {s.unchanged} unchanged, "
        f"{s.unmatched} unmatched, {s.skipped} skipped"
    )
    if s.review:
        text += f", {s.review} to review (approximate name matches)"
    if s.unmatched_examples:
        text += " — unmatched e.g. " + "; ".join(s.unmatched_examples[:3])
    return text


class ImportWizard(QWizard):
    """Import export files: choose, preview, map, run. Emits ``imported`` when it wrote."""

    imported = Signal(object)  # list[ImportSummary]

    def __init__(
        self, store: Store, paths: list[str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.store = store
        self.summaries: list[ImportSummary] = []
        self.files_page = FilesPage(list(paths or []), self)
        self.preview_page = PreviewPage(store, self)
        self.run_page = RunPage(store, self)
        self.addPage(self.files_page)
        self.addPage(self.preview_page)
        self.addPage(self.run_page)
        self.run_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.setAcceptDrops(True)
        self.resize(900, 650)

    def import_done(self, summaries: list[ImportSummary]) -> None:
        self.summaries = summaries
        if any(s.wrote for s in summaries):
            self.imported.emit(summaries)

    # Qt overrides ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.files_page.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.files_page.dropEvent(event)
        if self.currentPage() is self.preview_page:
            self.preview_page.load(self.files_page.paths())

    def reject(self) -> None:
        if self.run_page.worker is not None and not self.run_page.finished:
            self.run_page.cancel()
            return
        super().reject()
