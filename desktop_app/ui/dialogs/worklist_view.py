"""Renewal worklist: accounts renewing soon, ranked by a priority whose weights are on screen.

Keyboard triage: Up/Down move, Enter opens the account (``accountRequested``), S snoozes it
with a reason (undoable when the view is given the main window's undo stack).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import BAND_COLOURS
from desktop_app.domain.priority import DEFAULT_WEIGHTS, FACTOR_LABELS, FACTORS, PriorityWeights
from desktop_app.services.book import (
    WINDOW_CHOICES,
    Worklist,
    WorklistRow,
    export_report,
    load_worklist,
    rank_rows,
)
from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit
from desktop_app.services.team import owner_names
from desktop_app.ui.formatting import money
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.undo import WriterCommand
from desktop_app.ui.undo.worklist import SnoozeCommand
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import Worker, run_task, writes_pending

ALL_OWNERS = "All owners"
RERANK_DELAY_MS = 150  # a ranking takes ~0.4 s at 9k rows: one per burst of spin-box steps
_BAND_QCOLOURS = {b.value: QColor(c) for b, c in BAND_COLOURS.items()}

HEADERS = (
    "Rank", "Account", "Owner", "Days to renewal", "ARR", "Band", "Priority", "Next step", "Why",
)  # fmt: skip


def _export_values(r: WorklistRow) -> tuple[object, ...]:
    return (
        r.rank, r.name, r.owner, r.days_to_renewal, round(r.arr, 2), r.band, r.priority,
        r.next_step, r.why,
    )  # fmt: skip


def _columns() -> list[Column]:
    return [
        Column("Rank", lambda r: r.rank, RIGHT),
        Column("Account", lambda r: r.name),
        Column("Owner", lambda r: r.owner),
        Column("Days to\nrenewal", lambda r: r.days_to_renewal, RIGHT,
               tooltip=lambda r: r.renewal_date.isoformat() if r.renewal_date else None),
        Column("ARR", lambda r: money(r.arr), RIGHT),
        Column("Band", lambda r: r.band,
               foreground=lambda r: _BAND_QCOLOURS.get(r.band)),
        Column("Priority", lambda r: f"{r.priority:.1f}", RIGHT,
               tooltip=lambda r: "\n".join(f"+{x.points:.1f}  {x.text}" for x in r.reasons)),
        Column("Next step", lambda r: r.next_step),
        Column("Why", lambda r: r.why),
    ]  # fmt: skip


def _snooze_problem(until: date, reason: str, today: date) -> str | None:
    """Why a snooze would be refused (the service's own checks), or None."""
    if not reason.strip():
        return "A snooze needs a reason."
    if until <= today:
        return f"Snooze until a later date than today (got {until.isoformat()})."
    return None


class SnoozeDialog(QDialog):
    """Asks until when and why; OK needs a reason."""

    def __init__(self, account: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Snooze {account}")
        self.until = QDateEdit(self)
        self.until.setCalendarPopup(True)
        first = today + timedelta(days=1)
        self.until.setMinimumDate(QDate(first.year, first.month, first.day))
        default = today + timedelta(days=14)
        self.until.setDate(QDate(default.year, default.month, default.day))
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Why can this wait? (required)")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Hide until", self.until)
        form.addRow("Reason", self.reason)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()))

    def values(self) -> tuple[date, str]:
        d = self.until.date()
        return date(d.year(), d.month(), d.day()), self.reason.text().strip()


class WorklistView(QDialog):
    """The renewal worklist; emits ``accountRequested(account_id)`` on Enter/double-click."""

    accountRequested = Signal(int)
    #: An export finished: the file and the number of rows written.
    exported = Signal(str, int)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Renewal worklist")
        self._store, self._today, self._undo = store, today or date.today(), undo_stack
        self._wl: Worklist | None = None
        self._loader: Worker | None = None
        self._reads = 0
        self.window_combo = QComboBox(self)
        for d in WINDOW_CHOICES:
            self.window_combo.addItem(f"Next {d} days", d)
        self.window_combo.setCurrentIndex(WINDOW_CHOICES.index(90))
        self.owner_combo = QComboBox(self)
        self.owner_combo.addItem(ALL_OWNERS)  # the owners come from a worker
        self._reading_owners = True
        self._exporting = False
        run_task(owner_names, store, done=self._owners_read, failed=self._owners_failed)
        self.export_button = QPushButton("Export…", self)
        self.summary = QLabel(self)
        self.model = RowsTableModel(_columns(), self)
        self.table = read_only_table(self.model, self, single_selection=True)
        self.table.setWordWrap(False)
        self.table.installEventFilter(self)
        # "Why" is long: it takes the room left (the full list is in the priority tooltip).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(HEADERS.index("Why"), QHeaderView.ResizeMode.Stretch)
        self.spins: dict[str, QDoubleSpinBox] = {}
        self._rerank_timer = QTimer(self)
        self._rerank_timer.setSingleShot(True)
        self._rerank_timer.setInterval(RERANK_DELAY_MS)
        self._rerank_timer.timeout.connect(self.rerank)
        self.reset_button = QPushButton("Reset", self)
        self._layout(self._weights_panel())
        self.window_combo.currentIndexChanged.connect(self.reload)
        self.owner_combo.currentIndexChanged.connect(self.reload)
        self.reset_button.clicked.connect(self.reset_weights)
        self.export_button.clicked.connect(self._export_clicked)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        fit_to_screen(self, 1440, 700)  # room for "Why" beside the weights panel
        self.reload()

    def _weights_panel(self) -> QGroupBox:
        box = QGroupBox("Priority weights", self)
        form = QFormLayout(box)
        for f in FACTORS:
            spin = QDoubleSpinBox(box)
            spin.setRange(0.0, 100.0)
            spin.setDecimals(0)
            spin.setSingleStep(5.0)
            spin.setValue(DEFAULT_WEIGHTS.weight(f))
            spin.valueChanged.connect(lambda _v: self._rerank_timer.start())
            self.spins[f] = spin
            form.addRow(FACTOR_LABELS[f], spin)
        note = QLabel("Score = 100 × Σ weight × factor / Σ weights.\nA weight of 0 drops it.", box)
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.reset_button)
        return box

    def _layout(self, weights: QGroupBox) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Renewing in", self))
        top.addWidget(self.window_combo)
        top.addWidget(self.owner_combo)
        top.addStretch(1)
        top.addWidget(self.export_button)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(weights)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addLayout(body, 1)
        root.addWidget(self.summary)

    # -- state -------------------------------------------------------------------------------

    def within_days(self) -> int:
        return int(self.window_combo.currentData())

    def owner(self) -> str | None:
        text = self.owner_combo.currentText()
        return None if text == ALL_OWNERS else text

    def weights(self) -> PriorityWeights:
        w = DEFAULT_WEIGHTS
        for f, spin in self.spins.items():
            w = w.with_weight(f, spin.value())
        return w

    def rows(self) -> list[WorklistRow]:
        return list(self.model.rows)

    def current_row(self) -> WorklistRow | None:
        idx = self.table.currentIndex()
        return self.model.rows[idx.row()] if idx.isValid() else None

    # -- actions -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the worklist again (window, owner or snoozes changed) on a worker, then rank.

        Reading is about half a second at 10k accounts; ranking stays on the GUI thread
        (weights change often and the rows are already loaded).
        """
        self.summary.setText("Reading renewals…")
        # Reads run in parallel and may end out of order: only the latest one is shown.
        self._reads += 1
        n = self._reads
        self._loader = run_task(
            load_worklist, self._store,
            within_days=self.within_days(), owner=self.owner(), today=self._today,
            done=lambda wl: self._worklist_loaded(wl) if n == self._reads else None,
            failed=lambda m: self._worklist_failed(m) if n == self._reads else None,
        )  # fmt: skip

    def loading(self) -> bool:
        """True while the worklist or the owners are read, a snooze written or a file saved."""
        busy = self._loader is not None or self._reading_owners or self._exporting
        return busy or writes_pending()

    def _owners_read(self, names: list[str]) -> None:
        self._reading_owners = False
        self.owner_combo.blockSignals(True)  # the list shown is already for the choice made
        self.owner_combo.addItems(names)
        self.owner_combo.blockSignals(False)

    def _owners_failed(self, message: str) -> None:
        self._reading_owners = False
        self.summary.setText(f"Owners not read: {message}")

    def _worklist_loaded(self, wl: Worklist) -> None:
        self._loader = None
        self._wl = wl
        self.rerank()

    def _worklist_failed(self, message: str) -> None:
        self._loader = None
        self._wl = None
        self.rerank()
        self.summary.setText(message)

    def rerank(self) -> None:
        """Rank the loaded accounts with the weights on screen, keeping the current account."""
        self._rerank_timer.stop()
        current = self.current_row()
        rows = rank_rows(self._wl, self.weights()) if self._wl is not None else []
        self.model.set_rows(rows)
        keep = next(
            (i for i, r in enumerate(rows) if current and r.account_id == current.account_id), 0
        )
        if rows:
            self.table.selectRow(keep)
        arr = sum(r.arr for r in rows)
        self.summary.setText(
            f"{len(rows)} renewals, ARR {money(arr)} (as of {self._today.isoformat()}). "
            "Enter opens the account; S snoozes it."
        )

    def reset_weights(self) -> None:
        for f, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(DEFAULT_WEIGHTS.weight(f))
            spin.blockSignals(False)
        self.rerank()

    def open_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.accountRequested.emit(row.account_id)

    def snooze_current(self, until: date | None = None, reason: str | None = None) -> bool:
        """Snooze the current account (asking when ``until``/``reason`` are not given)."""
        row = self.current_row()
        if row is None:
            return False
        if until is None or reason is None:
            dlg = SnoozeDialog(row.name, self._today, self)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
            until, reason = dlg.values()
        problem = _snooze_problem(until, reason, self._today)
        if problem:  # checked here: a refused write would leave an empty step on the stack
            QMessageBox.warning(self, "Snooze", problem)
            return False
        # The worklist lists accounts that are not snoozed: that is what the user saw.
        cmd = SnoozeCommand(
            self._store, row.account_id, until, reason, today=self._today,
            on_change=self.reload, on_error=self._snooze_failed, expected_snooze=None,
        )  # fmt: skip
        cmd.on_stale = self._snooze_stale
        if self._undo is not None:
            self._undo.push(cmd)
        else:
            cmd.redo()
        return True

    def _snooze_failed(self, message: str) -> None:
        self.summary.setText(f"Not snoozed: {message}")

    def _snooze_stale(self, command: WriterCommand, stale: StaleEdit) -> None:
        """Someone else snoozed it first: show theirs beside ours; re-apply ours or keep."""
        from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog

        dialog = StaleEditDialog(stale, command.mine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                command.reapply(stale)
            else:
                command.keep_theirs()

        dialog.finished.connect(decided)
        dialog.open()

    def export(self, path: str | Path) -> None:
        """Write the rows as shown to .xlsx or .csv on a worker; ``exported`` says when."""
        rows = [_export_values(r) for r in self.model.rows]  # as shown now, later edits aside
        self._exporting = True
        self.export_button.setEnabled(False)
        self.summary.setText(f"Exporting {len(rows)} rows to {Path(path).name}…")
        run_task(
            export_report, path, HEADERS, rows,
            done=lambda n: self._export_done(str(path), n), failed=self._export_failed,
        )  # fmt: skip

    def _export_done(self, path: str, n: int) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        self.summary.setText(f"Exported {n} rows to {path}.")
        self.exported.emit(path, n)

    def _export_failed(self, message: str) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        self.summary.setText(f"Not exported: {message}")

    def _export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export worklist", "worklist.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        if path:
            self.export(path)

    # -- Qt overrides --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if key == Qt.Key.Key_S and not event.modifiers():
                self.snooze_current()
                return True
        return super().eventFilter(watched, event)
