"""Managers' list of every active health override, with the computed band beside it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.database import Store
from desktop_app.services.health import OverrideInfo, active_overrides
from desktop_app.ui import theme
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.workers import ReportLoader, writes_pending

_COLUMNS: tuple[tuple[str, Callable[[OverrideInfo], str]], ...] = (
    ("Account", lambda o: o.account_name),
    ("Owner", lambda o: o.owner or ""),
    ("Override", lambda o: o.band),
    ("Computed now", lambda o: o.computed_band_now or "not scored"),
    ("Score now", lambda o: "" if o.computed_score_now is None else f"{o.computed_score_now:.0f}"),
    ("Reason", lambda o: o.reason_code),
    ("Note", lambda o: o.note or ""),
    ("Set by", lambda o: o.author or ""),
    ("Set on", lambda o: f"{o.created_at:%Y-%m-%d}"),
    ("Expires", lambda o: "" if o.expires_on is None else o.expires_on.isoformat()),
    ("Review", lambda o: "needs review" if o.needs_review else ""),
)


_REVIEW = "#E69F00"  # tinted for the palette in force
_REVIEW_TIP = "The computed band moved since the override was set, or it has expired."


class OverridesModel(RowsTableModel):
    """One row per ``OverrideInfo``; rows needing review are tinted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [Column(header, value) for header, value in _COLUMNS],
            parent,
            row_background=lambda o: theme.tint_brush(_REVIEW) if o.needs_review else None,
            row_tooltip=lambda o: _REVIEW_TIP if o.needs_review else None,
        )


class OverridesListDialog(QDialog):
    """Every active override; clear one (undoable) or jump to its account."""

    accountRequested = Signal(int)
    changed = Signal()
    accountChanged = Signal(int)  # the account whose override was cleared or restored

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        user: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Active health overrides")
        fit_to_screen(self, 1000, 420)
        self.store = store
        self.undo_stack = undo_stack
        self.user = user
        self.model = OverridesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self._loader = ReportLoader(self.summary.setText, self._loaded)
        self.clear_button = QPushButton("Clear override", self)
        self.goto_button = QPushButton("Show account", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.goto_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self.clear_selected)
        self.goto_button.clicked.connect(self._goto)
        self.table.doubleClicked.connect(lambda _i: self._goto())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        """Read the active overrides on a worker; the buttons wait for the list."""
        self.clear_button.setEnabled(False)
        self.goto_button.setEnabled(False)
        self._loader.load("Reading the active overrides…", active_overrides, self.store)

    def loading(self) -> bool:
        """The list is being read or a clear (or its undo) is being written."""
        return self._loader.busy() or writes_pending()

    def _loaded(self, rows: list[OverrideInfo]) -> None:
        self.model.set_rows(rows)
        review = sum(r.needs_review for r in rows)
        if rows:
            self.summary.setText(f"{len(rows)} active overrides, {review} flagged for review.")
        else:
            self.summary.setText("No active overrides: every band shown is the computed one.")
        self.clear_button.setEnabled(bool(rows))
        self.goto_button.setEnabled(bool(rows))

    def _current(self) -> OverrideInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _goto(self) -> None:
        current = self._current()
        if current is not None:
            self.accountRequested.emit(current.account_id)

    def clear_selected(self) -> None:
        from desktop_app.ui.undo.health import ClearOverrideCommand

        current = self._current()
        if current is None:
            return
        command = ClearOverrideCommand(
            self.store, current.id, current.account_id, self.user,
            on_change=self._changed, on_error=self._failed,
        )  # fmt: skip
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    def _failed(self, message: str) -> None:
        self.summary.setText(f"Not saved: {message}")

    def _changed(self, account_id: int) -> None:
        self.reload()
        self.changed.emit()
        self.accountChanged.emit(account_id)
