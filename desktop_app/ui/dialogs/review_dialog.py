"""The import review list: accept a fuzzy or unmatched row for an account, or dismiss it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.book import BookColumns
from desktop_app.services.book import load_accounts
from desktop_app.services.database import Store
from desktop_app.services.importing import ReviewRow, accept_match, export_review, list_review
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.undo.review import DismissReviewCommand
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader, run_task, writes_pending

if TYPE_CHECKING:
    from desktop_app.ui.book_state import BookState

EMPTY_TEXT = "Nothing to review: every imported row was linked."
_KINDS = (("All rows", ""), ("Fuzzy name matches", "fuzzy"), ("Unmatched rows", "unmatched"))

_COLUMNS = (
    Column("File", lambda r: r.file_name, tooltip=lambda r: f"Import batch {r.batch_id}"),
    Column("Imported", lambda r: f"{r.imported_at:%Y-%m-%d %H:%M}"),
    Column("Row", lambda r: "" if r.row_number is None else str(r.row_number), align=RIGHT),
    Column("Record", lambda r: r.record_kind),
    Column("The row says", lambda r: r.key_value),
    Column("Match", lambda r: "fuzzy" if r.kind == "fuzzy" else "none"),
    Column("Candidate account", lambda r: r.candidate_name or ""),
)


def account_labels(book: BookColumns) -> dict[str, int]:
    """Completer label -> account id; a name used twice gets its Salesforce id beside it."""
    names = book.name.astype(str)
    uniq, counts = np.unique(names, return_counts=True)
    repeated = set(uniq[counts > 1].tolist())
    out: dict[str, int] = {}
    for aid, name, sf in zip(book.account_id.tolist(), names.tolist(), book.sf_account_id,
                             strict=True):  # fmt: skip
        label = f"{name} ({sf})" if name in repeated and sf else name
        out.setdefault(label, int(aid))
    return out


class ReviewDialog(QDialog):
    """Open review items with filters; accept a match, dismiss (undoable) or export.

    The list is read on a worker and every write (accept, dismiss and its undo) runs on the
    single writer; the account names for "Link to" come from the window's ``BookState`` when
    given (no second read of the book), else from a worker. ``changed`` is emitted after an
    accept (the book gained a linked row: reload it).
    """

    changed = Signal()

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        state: BookState | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review imported rows")
        fit_to_screen(self, 1000, 460)
        self.store = store
        self.undo_stack = undo_stack
        self._all: list[ReviewRow] = []
        self._accounts: dict[str, int] = {}
        self._reading_accounts = False
        self._writing = False
        self.model = RowsTableModel(_COLUMNS, self)
        self.table = read_only_table(self.model, self, single_selection=True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.kind_filter = QComboBox(self)
        for text, value in _KINDS:
            self.kind_filter.addItem(text, value)
        self.batch_filter = QComboBox(self)
        self.count = QLabel(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.account = QLineEdit(self)
        self.account.setPlaceholderText("Account name…")
        self.account.setClearButtonEnabled(True)
        self.account.setMinimumWidth(280)
        self.accept_button = QPushButton("Accept match", self)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.export_button = QPushButton("Export…", self)
        self.empty = QLabel(EMPTY_TEXT, self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self._loader = ReportLoader(self.count.setText, self._listed)
        self._layout()
        if state is not None:
            self._set_accounts(state.book)
            state.bookReplaced.connect(lambda: self._set_accounts(state.book))
        else:
            self._reading_accounts = True
            run_task(load_accounts, store, done=self._set_accounts, failed=self._accounts_failed)
        self.kind_filter.currentIndexChanged.connect(self._apply_filters)
        self.batch_filter.currentIndexChanged.connect(self._apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.accept_button.clicked.connect(self.accept_selected)
        self.dismiss_button.clicked.connect(self.dismiss_selected)
        self.export_button.clicked.connect(self._export_dialog)
        self.reload()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:", self))
        filters.addWidget(self.kind_filter)
        filters.addWidget(QLabel("File:", self))
        filters.addWidget(self.batch_filter, 1)
        filters.addStretch(1)
        filters.addWidget(self.count)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Link to:", self))
        actions.addWidget(self.account, 1)
        actions.addWidget(self.accept_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def _set_accounts(self, book: BookColumns) -> None:
        self._reading_accounts = False
        self._accounts = account_labels(book)
        completer = QCompleter(sorted(self._accounts, key=str.casefold), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.account.setCompleter(completer)
        row = self.current()  # the prefilled candidate may need its Salesforce id beside it
        if row is not None and row.candidate_name and self.account.text() == row.candidate_name:
            self._selection_changed()

    def _accounts_failed(self, message: str) -> None:
        self._reading_accounts = False
        self.status.setText(f"Account names not read: {message}")

    # ------------------------------------------------------------------ state
    def reload(self) -> None:
        """Read the open items again on a worker; the filters are kept."""
        self._loader.load("Reading the rows to review…", list_review, self.store)

    def loading(self) -> bool:
        """The list or the account names are being read, or a write is under way."""
        busy = self._loader.busy() or self._reading_accounts or self._writing
        return busy or writes_pending()

    def _listed(self, rows: list[ReviewRow]) -> None:
        self._all = rows
        batch = self.batch_filter.currentData()
        self.batch_filter.blockSignals(True)
        self.batch_filter.clear()
        self.batch_filter.addItem("All files", 0)
        seen: dict[int, str] = {}
        for r in self._all:
            seen.setdefault(r.batch_id, f"{r.file_name} (batch {r.batch_id})")
        for bid, text in seen.items():
            self.batch_filter.addItem(text, bid)
        self.batch_filter.setCurrentIndex(max(self.batch_filter.findData(batch or 0), 0))
        self.batch_filter.blockSignals(False)
        self._apply_filters()

    def visible_rows(self) -> list[ReviewRow]:
        """The rows the table shows (after the filters)."""
        return list(self.model.rows)

    def _apply_filters(self) -> None:
        kind, batch = self.kind_filter.currentData(), self.batch_filter.currentData()
        rows = [r for r in self._all
                if (not kind or r.kind == kind) and (not batch or r.batch_id == batch)]  # fmt: skip
        self.model.set_rows(rows)
        fuzzy = sum(r.kind == "fuzzy" for r in self._all)
        text = (
            f"{len(self._all)} rows to review ({fuzzy} fuzzy, {len(self._all) - fuzzy} unmatched)"
        )
        if len(rows) != len(self._all):
            text += f"; showing {len(rows)}"
        self.count.setText(text)
        self.stack.setCurrentWidget(self.table if self._all else self.empty)
        for w in (self.kind_filter, self.batch_filter, self.export_button):
            w.setEnabled(bool(self._all))
        if rows:
            self.table.selectRow(0)
        self._selection_changed()

    def current(self) -> ReviewRow | None:
        """The selected review item, if any."""
        sel = self.table.selectionModel().selectedRows()
        return self.model.rows[sel[0].row()] if sel else None

    def _selection_changed(self) -> None:
        row = self.current()
        self.accept_button.setEnabled(row is not None and not self._writing)
        self.dismiss_button.setEnabled(row is not None and not self._writing)
        self.account.setEnabled(row is not None)
        if row is None:
            return
        if row.kind == "fuzzy" and row.candidate_name:
            label = next((k for k, v in self._accounts.items()
                          if v == row.candidate_account_id), row.candidate_name)  # fmt: skip
            self.account.setText(label)
        else:
            self.account.clear()

    # ------------------------------------------------------------------ actions
    def account_id_for(self, text: str) -> int | None:
        """The account a typed or completed name stands for (case-insensitive)."""
        text = text.strip()
        if text in self._accounts:
            return self._accounts[text]
        hits = [v for k, v in self._accounts.items() if k.casefold() == text.casefold()]
        return hits[0] if len(hits) == 1 else None

    def accept_selected(self) -> None:
        """Store the selected row linked to the account in the "Link to" field."""
        row = self.current()
        if row is None:
            return
        account_id = self.account_id_for(self.account.text())
        if account_id is None and self._reading_accounts:
            self.status.setText("The account names are still being read: try again in a moment.")
            return
        if account_id is None:
            self.status.setText("Pick an account from the list first (type part of its name).")
            return
        done = (f"Row {row.row_number} of {row.file_name} linked to "
                f"{self.account.text().strip()}.")  # fmt: skip
        self._writing = True
        self._selection_changed()
        self.status.setText(f"Linking row {row.row_number} of {row.file_name}…")
        run_task(
            accept_match, self.store, row.id, account_id, write=True,
            done=lambda _r: self._accepted(done), failed=self._write_failed,
        )  # fmt: skip

    def _accepted(self, message: str) -> None:
        self._writing = False
        self.status.setText(message)
        self.reload()
        self.changed.emit()

    def _write_failed(self, message: str) -> None:
        self._writing = False
        self.status.setText(message)
        self.reload()  # the list may be stale (another window acted on the row)

    def dismiss_selected(self) -> None:
        """Dismiss the selected row (undoable when the dialog has an undo stack)."""
        row = self.current()
        if row is None:
            return
        command = DismissReviewCommand(self.store, row, self.reload, self._write_failed)
        self.status.setText(f"Row {row.row_number} of {row.file_name} dismissed.")
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    def export_to(self, path: str) -> None:
        """Write the rows shown to ``path`` (.csv or .xlsx) on a worker; the status says when."""
        rows = self.visible_rows()
        self._writing = True
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting {len(rows)} rows…")
        run_task(
            export_review, rows, path,
            done=lambda n: self._exported(n, path), failed=self._export_failed,
        )  # fmt: skip

    def _exported(self, n: int, path: str) -> None:
        self._writing = False
        self.export_button.setEnabled(bool(self._all))
        self.status.setText(f"{n} rows exported to {path}.")

    def _export_failed(self, message: str) -> None:
        self._writing = False
        self.export_button.setEnabled(bool(self._all))
        self.status.setText(f"Not exported: {message}")

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export review list", "review.csv", "CSV (*.csv);;Excel workbook (*.xlsx)"
        )
        if path:
            self.export_to(path)
