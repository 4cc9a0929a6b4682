"""The import review list: accept a fuzzy or unmatched row for an account, or dismiss it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
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

from desktop_app.services.database import Store
from desktop_app.services.errors import UserError
from desktop_app.services.review import ReviewRow, accept_match, dismiss, export_review, list_review
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.widgets.tables import read_only_table

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


class DismissReviewCommand(QUndoCommand):
    """Dismiss a review item; undo puts it back on the list."""

    def __init__(
        self, store: Store, row: ReviewRow, on_change: Callable[[], None],
        parent: QUndoCommand | None = None,
    ) -> None:  # fmt: skip
        super().__init__(f"Dismiss review row {row.row_number} of {row.file_name}", parent)
        self.store = store
        self.review_id = row.id
        self._on_change = on_change

    def redo(self) -> None:
        dismiss(self.store, self.review_id)
        self._on_change()

    def undo(self) -> None:
        from desktop_app.services.review import reopen

        reopen(self.store, self.review_id)
        self._on_change()


class ReviewDialog(QDialog):
    """Open review items with filters; accept a match, dismiss (undoable) or export.

    ``changed`` is emitted after an accept (the book gained a linked row: reload it).
    """

    changed = Signal()

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, undo_stack: QUndoStack | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review imported rows")
        fit_to_screen(self, 1000, 460)
        self.store = store
        self.undo_stack = undo_stack
        self._all: list[ReviewRow] = []
        self._accounts: dict[str, int] = {}
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
        self._layout()
        self._load_accounts()
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

    def _load_accounts(self) -> None:
        from desktop_app.services.portfolio import load_accounts

        book = load_accounts(self.store)
        names = [str(n) for n in book.name]
        repeated = {n for n in names if names.count(n) > 1} if len(names) < 5000 else set()
        for aid, name, sf in zip(book.account_id, names, book.sf_account_id, strict=True):
            label = f"{name} ({sf})" if name in repeated and sf else name
            self._accounts.setdefault(label, int(aid))
        completer = QCompleter(sorted(self._accounts, key=str.casefold), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.account.setCompleter(completer)

    # ------------------------------------------------------------------ state
    def reload(self) -> None:
        """Read the open items again and keep the filters."""
        self._all = list_review(self.store)
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
        self.accept_button.setEnabled(row is not None)
        self.dismiss_button.setEnabled(row is not None)
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
        if account_id is None:
            self.status.setText("Pick an account from the list first (type part of its name).")
            return
        try:
            accept_match(self.store, row.id, account_id)
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"Row {row.row_number} of {row.file_name} linked to "
                            f"{self.account.text().strip()}.")  # fmt: skip
        self.reload()
        self.changed.emit()

    def dismiss_selected(self) -> None:
        """Dismiss the selected row (undoable when the dialog has an undo stack)."""
        row = self.current()
        if row is None:
            return
        command = DismissReviewCommand(self.store, row, self.reload)
        try:
            if self.undo_stack is not None:
                self.undo_stack.push(command)
            else:
                command.redo()
        except UserError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(f"Row {row.row_number} of {row.file_name} dismissed.")

    def export_to(self, path: str) -> int:
        """Write the rows shown to ``path`` (.csv or .xlsx); returns how many."""
        return export_review(self.visible_rows(), path)

    def _export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export review list", "review.csv", "CSV (*.csv);;Excel workbook (*.xlsx)"
        )
        if path:
            try:
                n = self.export_to(path)
            except OSError as exc:
                self.status.setText(f"Not exported: {exc}")
                return
            self.status.setText(f"{n} rows exported to {path}.")
