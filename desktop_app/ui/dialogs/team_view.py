"""Team view for one-on-ones: each CSM's book beside the team median, and their agenda."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.team import SEVERITY_LABEL, Alert, Severity
from desktop_app.services.database import Store
from desktop_app.services.team import CsmSummary, csm_alerts, team_median, team_summary
from desktop_app.ui import theme
from desktop_app.ui.formatting import money_short
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader, Worker, start

#: The raw (sortable) value of a cell; None sorts first.
RawRole = Qt.ItemDataRole.UserRole + 1
#: True on the team-median row.
IsMedianRole = Qt.ItemDataRole.UserRole + 2
#: The account id of an agenda row.
AccountIdRole = Qt.ItemDataRole.UserRole + 3

MEDIAN_LABEL = "Team median"


def _count(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def _money(v: float | None) -> str:
    return "-" if v is None else money_short(v)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


@dataclass(frozen=True)
class _Col:
    header: str
    tip: str
    value: Callable[[CsmSummary], Any]
    median_key: str | None = None
    fmt: Callable[[Any], str] = _count


def _band(band: str) -> _Col:
    return _Col(
        band.replace("/", "/\n"),
        f"Active accounts in the {band} band",
        lambda r: r.band_mix.get(band, 0),
        f"band:{band}",
    )


_COLUMNS: tuple[_Col, ...] = (
    _Col("CSM", "", lambda r: r.csm, fmt=str),
    _Col("Team lead", "", lambda r: r.team_lead or "", fmt=str),
    _Col("Accounts", "Active accounts owned today", lambda r: r.accounts, "accounts"),
    _Col("ARR", "ARR of the active accounts", lambda r: r.arr, "arr", _money),
    _Col(
        "Renewal\nrate",
        "Renewals won / closed in the last four quarters",
        lambda r: r.renewal_rate,
        "renewal_rate",
        _pct,
    ),
    _Col(
        "Won /\nclosed",
        "Renewals won and closed in the last four quarters",
        lambda r: r.renewals_won,
        "renewals_won",
    ),
    _band("Healthy/Stable"),
    _band("Undefined"),
    _band("Risky/Unstable"),
    _band("Escalation"),
    _Col("Renewals\n≤30 d", "Renewals in the next 30 days", lambda r: r.renewals_30, "renewals_30"),
    _Col(
        "ARR\n≤30 d",
        "ARR renewing in 30 days",
        lambda r: r.renewals_30_arr,
        "renewals_30_arr",
        _money,
    ),
    _Col("Renewals\n≤90 d", "Renewals in the next 90 days", lambda r: r.renewals_90, "renewals_90"),
    _Col(
        "ARR\n≤90 d",
        "ARR renewing in 90 days",
        lambda r: r.renewals_90_arr,
        "renewals_90_arr",
        _money,
    ),
    _Col(
        "Open\nescalations",
        "Accounts with an open escalation case",
        lambda r: r.escalated_accounts,
        "escalated_accounts",
    ),
    _Col(
        "Tickets\nauto-closing",
        "Tickets waiting for the customer that auto-close within 5 days",
        lambda r: r.auto_closing_tickets,
        "auto_closing_tickets",
    ),
    _Col(
        "POC silent\n>90 d",
        "Accounts whose main POC has not replied for over 90 days",
        lambda r: r.unresponsive_pocs,
        "unresponsive_pocs",
    ),
    _Col("Overrides", "Active health overrides", lambda r: r.active_overrides, "active_overrides"),
    _Col(
        "Overrides\nto review",
        "Overrides whose computed band moved or that expired",
        lambda r: r.overrides_to_review,
        "overrides_to_review",
    ),
    _Col(
        "No renewal\ndate",
        "Data hygiene: no renewal date",
        lambda r: r.missing_renewal_date,
        "missing_renewal_date",
    ),
    _Col(
        "No usage\ndata",
        "Data hygiene: no usage imported",
        lambda r: r.no_usage_data,
        "no_usage_data",
    ),
    _Col("No main\nPOC", "Data hygiene: no main POC", lambda r: r.no_main_poc, "no_main_poc"),
)


class TeamSummaryModel(QAbstractTableModel):
    """One row per CSM plus a last row with the team median."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CsmSummary] = []
        self.median: dict[str, float | None] = {}
        self._median_brush = theme.tint_brush("#0072B2", 0.12)
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_rows(self, rows: list[CsmSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.median = team_median(rows)
        self.endResetModel()

    def summary(self, row: int) -> CsmSummary | None:
        """The CSM of a (source) row; None for the median row."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # ------------------------------------------------------------------ Qt overrides
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.rows else len(self.rows) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return _COLUMNS[section].tip or None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        col = _COLUMNS[index.column()]
        is_median = index.row() == len(self.rows)
        if role == IsMedianRole:
            return is_median
        raw = self._raw(index.row(), col)
        if role == RawRole:
            return raw
        if role == Qt.ItemDataRole.DisplayRole:
            if col.header == "Won /\nclosed" and not is_median:
                r = self.rows[index.row()]
                return f"{r.renewals_won}/{r.renewals_won + r.renewals_lost}"
            return col.fmt(raw)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if is_median and role == Qt.ItemDataRole.BackgroundRole:
            return self._median_brush
        if is_median and role == Qt.ItemDataRole.FontRole:
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and col.median_key and not is_median:
            return f"Team median: {col.fmt(self.median.get(col.median_key))}"
        return None

    def _raw(self, row: int, col: _Col) -> Any:
        if row < len(self.rows):
            return col.value(self.rows[row])
        if col.median_key is None:
            return MEDIAN_LABEL if col.header == "CSM" else ""
        return self.median.get(col.median_key)


class TeamSortProxy(QSortFilterProxyModel):
    """Sorts CSMs by the raw value of a column; the team median row always stays last."""

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
        if left.data(IsMedianRole):
            return descending
        if right.data(IsMedianRole):
            return not descending
        a, b = left.data(RawRole), right.data(RawRole)
        if a is None or b is None:
            return a is None and b is not None
        if isinstance(a, str):
            return a.lower() < str(b).lower()
        return bool(a < b)


@cache
def _bold() -> QFont:  # built on first use, once a QApplication exists
    font = QFont()
    font.setBold(True)
    return font


_ALERT_ROLES: dict[int, Callable[[Alert], Any]] = {
    AccountIdRole: lambda a: a.account_id,
    RawRole: lambda a: a.severity.value,
}
_ALERT_COLUMNS = (
    Column(
        "Topic",
        lambda a: SEVERITY_LABEL[a.severity],
        font=lambda a: _bold() if a.severity is Severity.HIGH else None,
        roles=_ALERT_ROLES,
    ),
    Column("Account", lambda a: a.account, roles=_ALERT_ROLES),
    Column("About", lambda a: a.kind, roles=_ALERT_ROLES),
    Column("Detail", lambda a: a.message, roles=_ALERT_ROLES),
)


class AlertModel(RowsTableModel):
    """One CSM's agenda items (already sorted, most pressing first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            _ALERT_COLUMNS,
            parent,
            row_tooltip=lambda a: f"{a.message}\nDouble-click to open the account.",
        )

    @property
    def alerts(self) -> list[Alert]:
        return self.rows

    def set_alerts(self, alerts: list[Alert]) -> None:
        self.set_rows(alerts)


_INTRO = (
    "One-on-one prep: each CSM's book beside the team median. Use it to find where to help "
    "and what to talk through; books differ in size and difficulty, and churn has many causes "
    "outside a CSM's control, so these figures are conversation starters, not a ranking."
)
_FOOTNOTE = (
    "Counts cover active accounts by current owner. Renewal rate: renewals won / closed in the "
    "last four quarters (365 days), by the account's current CSM. Tickets auto-closing: waiting "
    "for the customer, updated in the last 5 days. POC silent: main POC last replied more than "
    "90 days ago (or never). Hover a cell for the team median."
)


class TeamView(QDialog):
    """Per-CSM summary with the team median; selecting a CSM lists their agenda."""

    #: The manager double-clicked an agenda item: show this account in the main window.
    accountRequested = Signal(int)

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team: one-on-one view")
        fit_to_screen(self, 1400, 780)
        self.store = store
        self.today = today or date.today()
        self._alerts_cache: dict[str, list[Alert]] = {}
        self._loader: Worker | None = None
        self._agenda_for: str | None = None
        self.model = TeamSummaryModel(self)
        self.proxy = TeamSortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = read_only_table(self.proxy, self, single_selection=True)
        self.table.setSortingEnabled(True)
        self.alert_model = AlertModel(self)
        self.alert_table = read_only_table(self.alert_model, self, single_selection=True)
        self.alert_table.horizontalHeader().setStretchLastSection(True)
        self.intro = QLabel(_INTRO, self)
        self.intro.setWordWrap(True)
        self.agenda_title = QLabel(self)
        self.agenda_title.setWordWrap(True)  # a long agenda line must not widen the window
        self.footnote = QLabel(_FOOTNOTE, self)
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet(theme.muted_css() + " font-size: 11px;")
        self._agenda = ReportLoader(self.agenda_title.setText, self._agenda_loaded)
        self._layout()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.alert_table.doubleClicked.connect(self._request_account)
        self.reload()

    def _layout(self) -> None:
        bottom = QWidget(self)
        inner = QVBoxLayout(bottom)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.agenda_title)
        inner.addWidget(self.alert_table)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setSizes([360, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.footnote)

    def reload(self) -> None:
        """Recount every CSM's book (as of ``today``) on a worker, then select the first CSM.

        About a second at 10k accounts: the dialog stays responsive and says it is counting.
        """
        self._alerts_cache.clear()
        self.agenda_title.setText("Counting each CSM's book…")
        worker = Worker(team_summary, self.store, self.today, pass_progress=False)
        worker.signals.finished.connect(self._summaries_loaded)
        worker.signals.failed.connect(self.agenda_title.setText)
        self._loader = worker
        start(worker)

    def loading(self) -> bool:
        """True while the summaries are being counted or an agenda is being read."""
        return self._loader is not None or self._agenda.busy()

    def _summaries_loaded(self, summaries: list[CsmSummary]) -> None:
        self._loader = None
        self.model.set_rows(summaries)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        if self.model.rows:
            self.table.selectRow(0)
        else:
            self.agenda_title.setText("No accounts have an owner yet.")

    def selected_csm(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        summary = self.model.summary(self.proxy.mapToSource(rows[0]).row())
        return None if summary is None else summary.csm

    def _show_selected(self) -> None:
        csm = self.selected_csm()
        if csm is None:
            self.alert_model.set_alerts([])
            self.agenda_title.setText("Select a CSM to see the agenda for your one-on-one.")
            return
        self._agenda_for = csm
        alerts = self._alerts_cache.get(csm)
        if alerts is None:  # read on a worker; the previous CSM's agenda is not left showing
            self.alert_model.set_alerts([])
            self._agenda.load(
                f"Reading the agenda for {csm}…", csm_alerts, self.store, csm, self.today
            )
            return
        self._show_agenda(csm, alerts)

    def _agenda_loaded(self, alerts: list[Alert]) -> None:
        csm = self._agenda_for
        if csm is None or csm != self.selected_csm():  # the selection moved on meanwhile
            return
        self._alerts_cache[csm] = alerts
        self._show_agenda(csm, alerts)

    def _show_agenda(self, csm: str, alerts: list[Alert]) -> None:
        self.alert_model.set_alerts(alerts)
        counts = {s: sum(a.severity is s for a in alerts) for s in Severity}
        parts = ", ".join(f"{counts[s]} {SEVERITY_LABEL[s].lower()}" for s in Severity)
        self.agenda_title.setText(
            f"Agenda for {csm}: {len(alerts)} topics ({parts}). "
            "Double-click a topic to open the account."
        )

    def _request_account(self, index: QModelIndex) -> None:
        account_id = self.alert_model.data(index, AccountIdRole)
        if account_id is not None:
            self.accountRequested.emit(int(account_id))
