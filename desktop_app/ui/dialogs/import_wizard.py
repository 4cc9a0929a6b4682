"""File > Import…: files, detected source and preview, mapping editor, run with progress.

Pages: (1) the file list (add, remove, drag and drop); (2) per file, read on a worker with
progress and Cancel (``import_preview_page.PreviewPage``): detected source and confidence,
sheet choice, the rows as they will land, the problems and the mapping editor; (3) the
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
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.services.database import Store
from desktop_app.services.importing import (
    ImportPreview,
    ImportSummary,
    import_previews,
    profile_label,
)
from desktop_app.ui.dialogs.import_preview_page import PreviewPage
from desktop_app.ui.geometry import fit_to_screen
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
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Skipped rows and problems appear here.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        self.left_out: list[str] = []
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
        self._end(f"Import failed: {message}. No file was written.", self.done)

    def _cancelled(self) -> None:
        self._end("Import cancelled. No file was written.", self.done)

    def _end(self, status: str, summaries: list[ImportSummary]) -> None:
        self.finished = True
        self.cancel_button.setEnabled(False)
        self.status.setText(status)
        lines = [_summary_text(s) for s in summaries]
        lines += [f"Not imported: {item}" for item in self.left_out]
        self.summary.setText("\n".join(lines))
        self.details.setPlainText("\n".join(_detail_lines(summaries)))
        self.completeChanged.emit()
        wizard = self.wizard()
        if isinstance(wizard, ImportWizard):
            wizard.import_done(list(summaries))

    # Qt overrides ------------------------------------------------------------------
    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        self.left_out = wizard.preview_page.left_out()
        self.start(wizard.preview_page.importable())

    def isComplete(self) -> bool:
        return self.finished


def _summary_text(s: ImportSummary) -> str:
    name = Path(s.file).name
    if s.message:
        return f"{name}: {s.message}"
    rows = s.new + s.updated + s.unchanged + s.unmatched + s.review + s.skipped
    text = (
        f"{name} ({profile_label(s.profile)}): {s.new:,} new, {s.updated:,} updated, "
        f"{s.unchanged:,} unchanged, {s.unmatched:,} unmatched, {s.skipped:,} skipped"
    )
    if s.review:
        text += f", {s.review:,} to review (approximate name matches)"
    if s.kind != "usage":  # a wide usage sheet counts monthly values, not rows
        text += f" — {rows:,} rows"
    if s.unmatched_examples:
        text += " — unmatched e.g. " + "; ".join(s.unmatched_examples[:3])
    return text


def _detail_lines(summaries: list[ImportSummary]) -> list[str]:
    """Per file: every skipped row with its reason, then the problems."""
    out: list[str] = []
    for s in summaries:
        if not s.skipped_rows and not s.problem_messages:
            continue
        out.append(f"{Path(s.file).name}:")
        out += [f"  skipped {row}" for row in s.skipped_rows]
        out += [f"  problem: {m}" for m in s.problem_messages]
    return out


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
        fit_to_screen(self, 900, 650)

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
        self.preview_page.cancel_reading()
        if self.run_page.worker is not None and not self.run_page.finished:
            self.run_page.cancel()
            return
        super().reject()
