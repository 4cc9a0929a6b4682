"""The alert overview: open alerts by CSM and type, the list, acknowledge and snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.alert_rules import ALERT_LABEL, AlertType
from desktop_app.services.database import Store
from desktop_app.services.managers import OPEN, AlertOverview, AlertRow, alert_overview
from desktop_app.ui.formatting import day
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.undo.managers import AlertActionCommand, ReopenAlertCommand
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader, writes_pending

ALL = "All CSMs"


@dataclass(frozen=True)
class _CountRow:
    owner: str
    counts: dict[AlertType, int]
    handled: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _count_col(t: AlertType) -> Column:
    return Column(
        ALERT_LABEL[t].replace(" ", "\n", 1),
        lambda r: str(r.counts[t]) if r.counts[t] else "·",
        RIGHT,
        header_tooltip=f"Open {ALERT_LABEL[t].lower()} alerts",
    )


def _bold_total(r: _CountRow) -> QFont | None:
    if r.owner != "Team":
        return None
    f = QFont()
    f.setBold(True)
    return f


_COUNT_COLUMNS = (
    Column("CSM", lambda r: r.owner),
    *(_count_col(t) for t in AlertType),
    Column("Open", lambda r: str(r.total), RIGHT),
    Column("Ack'd /\nsnoozed", lambda r: str(r.handled), RIGHT),
)


def _status(a: AlertRow) -> str:
    if a.action is None:
        return "open"
    if a.status == "snoozed":
        return f"snoozed to {day(a.action.until)}"
    return "acknowledged"


_LIST_COLUMNS = (
    Column("Alert", lambda a: ALERT_LABEL[a.type]),
    Column("Account", lambda a: a.account),
    Column("CSM", lambda a: a.owner),
    Column("Status", _status),
    Column("Reason", lambda a: (a.action.reason or "") if a.action else ""),
    Column("Detail", lambda a: a.message, tooltip=lambda a: f"{a.id}: {a.message}"),
)


class AlertActionDialog(QDialog):
    """A reason (and for a snooze an until date) for acknowledging or snoozing an alert."""

    def __init__(self, alert: AlertRow, snooze: bool, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{'Snooze' if snooze else 'Acknowledge'}: {alert.account}")
        self.setMinimumWidth(560)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("What is being done, or why it can wait")
        self.until: QDateEdit | None = None
        form = QFormLayout(self)
        what = QLabel(f"{ALERT_LABEL[alert.type]}: {alert.message}", self)
        what.setWordWrap(True)
        form.addRow(what)
        form.addRow("Reason", self.reason)
        if snooze:
            self.until = QDateEdit(self)
            self.until.setCalendarPopup(True)
            self.until.setDisplayFormat("yyyy-MM-dd")
            first, default = today + timedelta(days=1), today + timedelta(days=14)
            self.until.setMinimumDate(QDate(first.year, first.month, first.day))
            self.until.setDate(QDate(default.year, default.month, default.day))
            form.addRow("Until", self.until)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def until_date(self) -> date | None:
        if self.until is None:
            return None
        d = self.until.date()
        return date(d.year(), d.month(), d.day())


class AlertsView(QDialog):
    """Counts of open alerts by CSM and type above the alerts of the chosen CSM."""

    accountRequested = Signal(int)

    def __init__(
        self,
        store: Store,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alerts by CSM")
        self.resize(1240, 760)
        self.store, self.undo_stack = store, undo_stack
        self.today = today or date.today()
        self.overview: AlertOverview | None = None
        self._loader = ReportLoader(lambda text: self.status.setText(text), self._loaded)
        self.owner = QComboBox(self)
        self.owner.addItem(ALL)
        self.show_handled = QCheckBox("Show acknowledged and snoozed", self)
        self.usage_drop = QDoubleSpinBox(self)
        self.usage_drop.setRange(5, 90)
        self.usage_drop.setDecimals(0)
        self.usage_drop.setSuffix(" %")
        self.usage_drop.setValue(20)
        self.usage_drop.setToolTip("Usage drop alerts fire above this month-on-month fall of MAU")
        self.counts = RowsTableModel(_COUNT_COLUMNS, self, row_font=_bold_total)
        self.count_table = read_only_table(self.counts, self, single_selection=True)
        self.alerts = RowsTableModel(_LIST_COLUMNS, self)
        self.list_table = read_only_table(self.alerts, self, single_selection=True)
        self.list_table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # long notes wrap: the window fits a laptop
        self.ack_button = QPushButton("Acknowledge…", self)
        self.snooze_button = QPushButton("Snooze…", self)
        self.reopen_button = QPushButton("Reopen", self)
        self._layout()
        self.owner.currentIndexChanged.connect(lambda _i: self._fill_list())
        self.show_handled.toggled.connect(lambda _b: self._fill_list())
        self.usage_drop.editingFinished.connect(self.reload)
        self.count_table.clicked.connect(self._pick_owner)
        self.list_table.doubleClicked.connect(self._open_account)
        self.ack_button.clicked.connect(lambda: self.act(snooze=False))
        self.snooze_button.clicked.connect(lambda: self.act(snooze=True))
        self.reopen_button.clicked.connect(self.reopen)
        self.reload()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("CSM", self))
        bar.addWidget(self.owner)
        bar.addWidget(self.show_handled)
        bar.addWidget(QLabel("Usage drop over", self))
        bar.addWidget(self.usage_drop)
        bar.addStretch(1)
        for b in (self.ack_button, self.snooze_button, self.reopen_button):
            bar.addWidget(b)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.count_table)
        split.addWidget(self.list_table)
        split.setSizes([300, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def reload(self) -> None:
        drop = self.usage_drop.value() / 100.0
        self._loader.load(
            "Checking every active account…", alert_overview, self.store, self.today,
            usage_drop=drop,
        )  # fmt: skip

    def loading(self) -> bool:
        """A report read or an edit's write is still under way."""
        return self._loader.busy() or writes_pending()

    def _loaded(self, ov: AlertOverview) -> None:
        self.overview = ov
        rows = [_CountRow(o, per, ov.handled.get(o, 0)) for o, per in ov.counts.items()]
        team = {t: sum(r.counts[t] for r in rows) for t in AlertType}
        rows.append(_CountRow("Team", team, sum(ov.handled.values())))
        self.counts.set_rows(rows)
        current = self.owner.currentText()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItems([ALL, *ov.counts])
        self.owner.setCurrentText(current if current in ov.counts else ALL)
        self.owner.blockSignals(False)
        self._fill_list()

    def _fill_list(self) -> None:
        if self.overview is None:
            return
        who = self.owner.currentText()
        rows = self.overview.for_owner(None if who == ALL else who)
        if not self.show_handled.isChecked():
            rows = [a for a in rows if a.status == OPEN]
        self.alerts.set_rows(rows)
        n_open = sum(a.status == OPEN for a in rows)
        blind = "; ".join(
            f"{ALERT_LABEL[t]} cannot fire: no {src} imported"
            for t, src in self.overview.blind.items()
        )
        self.status.setText(
            f"{who}: {n_open} open alert(s) as of {self.today}. Double-click to open the account; "
            "acknowledgements and snoozes are kept with their reason and show here."
            + (f" {blind}." if blind else "")
        )

    def _pick_owner(self, index: object) -> None:
        row = self.counts.row(index.row())  # type: ignore[attr-defined]
        self.owner.setCurrentText(ALL if row.owner == "Team" else row.owner)

    def selected_alert(self) -> AlertRow | None:
        rows = self.list_table.selectionModel().selectedRows()
        return self.alerts.row(rows[0].row()) if rows else None

    def act(
        self, snooze: bool, dialog: AlertActionDialog | None = None
    ) -> AlertActionDialog | None:
        """Acknowledge or snooze the selected alert; returns the dialog (tests drive it)."""
        alert = self.selected_alert()
        if alert is None:
            self.status.setText("Select an alert first.")
            return None
        dlg = dialog or AlertActionDialog(alert, snooze, self.today, self)
        dlg.accepted.connect(lambda: self._push(alert, dlg))
        if dialog is None:
            dlg.open()
        return dlg

    def _push(self, alert: AlertRow, dlg: AlertActionDialog) -> None:
        reason = dlg.reason.text().strip() or None
        until = dlg.until_date()
        if until is not None and not reason:
            self.status.setText("A snooze needs a reason.")
            return
        cmd = AlertActionCommand(
            self.store, alert.id, reason, until, self.reload, self._write_failed, today=self.today
        )
        self.undo_stack.push(cmd)

    def reopen(self) -> None:
        alert = self.selected_alert()
        if alert is None or alert.action is None:
            self.status.setText("Select an acknowledged or snoozed alert to reopen it.")
            return
        cmd = ReopenAlertCommand(self.store, alert.action, self.reload, self._write_failed)
        self.undo_stack.push(cmd)

    def _write_failed(self, message: str) -> None:
        self.status.setText(f"Not saved: {message}")

    def _open_account(self, index: object) -> None:
        alert = self.alerts.row(index.row())  # type: ignore[attr-defined]
        self.accountRequested.emit(alert.account_id)
