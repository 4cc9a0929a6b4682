"""Renewal plan and forecast: "% to plan" per CSM, TL and team, the chart, and the calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop_app.domain.forecast import CALL_LABEL, Quarter, Rollup
from desktop_app.services.database import Store
from desktop_app.services.managers import (
    PlanImport,
    PlanReport,
    RenewalRow,
    call_history,
    import_plan,
    plan_report,
)
from desktop_app.ui.dialogs.plan_dialogs import CallDialog, TargetDialog
from desktop_app.ui.formatting import day, money
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.undo.managers import SetCallCommand, SetTargetCommand
from desktop_app.ui.widgets.plan_chart import PlanChart
from desktop_app.ui.widgets.tables import read_only_table, report_layout
from desktop_app.ui.workers import ReportLoader, run_task, writes_pending


@dataclass(frozen=True)
class _Line:
    name: str
    level: str  # csm | lead | team
    target: str
    figures: Rollup


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


def _bold(line: _Line) -> QFont | None:
    if line.level == "csm":
        return None
    f = QFont()
    f.setBold(True)
    return f


_ROLLUP_COLUMNS = (
    Column("CSM / team", lambda r: r.name),
    Column("Target", lambda r: r.target, RIGHT, tooltip=lambda r: money(r.figures.target)),
    Column("ARR due", lambda r: money(r.figures.arr_due), RIGHT),
    Column("Won", lambda r: money(r.figures.retained), RIGHT),
    Column("Committed", lambda r: money(r.figures.committed), RIGHT),
    Column("Likely", lambda r: money(r.figures.likely), RIGHT),
    Column("At risk", lambda r: money(r.figures.at_risk), RIGHT),
    Column("No call", lambda r: money(r.figures.uncalled), RIGHT),
    Column("% to plan", lambda r: _pct(r.figures.pct_to_plan), RIGHT),
    Column("Projected", lambda r: _pct(r.figures.projected_pct), RIGHT),
)
_RENEWAL_COLUMNS = (
    Column("Account", lambda r: r.account),
    Column("CSM", lambda r: r.owner),
    Column("Due", lambda r: day(r.due)),
    Column("ARR", lambda r: money(r.arr), RIGHT),
    Column("Status", lambda r: r.outcome),
    Column("Band", lambda r: r.band or "—"),
    Column(
        "Call", lambda r: CALL_LABEL[r.call] if r.call else ("—" if r.outcome == "open" else "")
    ),
    Column(
        "App suggests",
        lambda r: CALL_LABEL[r.suggested] if r.outcome == "open" else "",
        tooltip=lambda r: r.why,
    ),
    Column("Why", lambda r: r.why if r.outcome == "open" else ""),
)
_FOOT = (
    "Won: renewals closed won this quarter. Committed: won plus open renewals called commit. "
    "Projected: won + 100% of commit + 75% of likely + 25% of at risk (renewals without a call "
    "count by the app's suggestion). % to plan: won / target. A GRR target is a share of the "
    "quarter's ARR due."
)


def quarter_choices(today: date) -> list[Quarter]:
    """The previous, current and next two quarters."""
    q = Quarter.of(today)
    out = [q]
    for _ in range(2):
        last = out[-1]
        out.append(Quarter(last.year + 1, 1) if last.q == 4 else Quarter(last.year, last.q + 1))
    prev = Quarter(q.year - 1, 4) if q.q == 1 else Quarter(q.year, q.q - 1)
    return [prev, *out]


class PlanView(QDialog):
    """Per-CSM, per-TL and team "% to plan", the forecast chart and the quarter's renewals."""

    def __init__(
        self,
        store: Store,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Renewal plan and forecast")
        self.resize(1240, 760)
        self.store, self.undo_stack = store, undo_stack
        self.today = today or date.today()
        self.report: PlanReport | None = None
        self._importing = False
        self._imported_note = ""  # the last import's result, kept in front of the status
        self._loader = ReportLoader(lambda text: self.status.setText(text), self._loaded)
        self.quarter = QComboBox(self)
        for q in quarter_choices(self.today):
            self.quarter.addItem(str(q), q)
        self.quarter.setCurrentIndex(1)
        self.rollups = RowsTableModel(_ROLLUP_COLUMNS, self, row_font=_bold)
        self.rollup_table = read_only_table(self.rollups, self, single_selection=True)
        self.renewals = RowsTableModel(_RENEWAL_COLUMNS, self)
        self.renewal_table = read_only_table(self.renewals, self, single_selection=True)
        self.renewal_table.horizontalHeader().setStretchLastSection(True)
        self.chart = PlanChart(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # long notes wrap: the window fits a laptop
        self.set_target_button = QPushButton("Set target…", self)
        self.import_button = QPushButton("Import plan…", self)
        self.call_button = QPushButton("Set forecast call…", self)
        self._layout()
        self.quarter.currentIndexChanged.connect(lambda _i: self.reload())
        self.set_target_button.clicked.connect(self.edit_target)
        self.import_button.clicked.connect(self.import_sheet)
        self.call_button.clicked.connect(lambda: self.edit_call())
        self.renewal_table.doubleClicked.connect(lambda _i: self.edit_call())
        self.rollup_table.doubleClicked.connect(lambda _i: self.edit_target())
        self.reload()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Quarter", self))
        bar.addWidget(self.quarter)
        bar.addWidget(self.status, 1)
        for b in (self.set_target_button, self.import_button, self.call_button):
            bar.addWidget(b)
        top = (self.rollup_table, self.chart, [800, 440])
        report_layout(self, bar, top, self.renewal_table, _FOOT, [380, 320])

    def current_quarter(self) -> Quarter:
        q = self.quarter.currentData()
        assert isinstance(q, Quarter)
        return q

    def reload(self) -> None:
        """Read the quarter's renewals and roll them up on a worker."""
        quarter = self.current_quarter()
        self._loader.load(
            "Reading the quarter's renewals…", plan_report, self.store, quarter, self.today
        )

    def loading(self) -> bool:
        """A report read, an import or an edit's write is still under way."""
        return self._loader.busy() or self._importing or writes_pending()

    def _loaded(self, rep: PlanReport) -> None:
        self.report = rep
        lines = [
            _Line(p.csm, "csm", p.target.label if p.target else "—", p.figures) for p in rep.csms
        ]
        lines += [
            _Line(f"TL {k}", "lead", money(v.target) if v.target else "—", v)
            for k, v in rep.leads.items()
        ]
        t = rep.team
        lines.append(_Line("Team", "team", money(t.target) if t.target else "—", t))
        self.rollups.set_rows(lines)
        self.renewals.set_rows(rep.renewals)
        self.chart.set_rollups([p.csm for p in rep.csms], [p.figures for p in rep.csms])
        self.status.setText(
            f"{self._imported_note}{rep.quarter}: {t.renewals} renewals, {money(t.arr_due)} due; "
            f"team {_pct(t.pct_to_plan)} to plan so far, {_pct(t.projected_pct)} projected"
        )

    # ------------------------------------------------------------------ edits
    def selected_renewal(self) -> RenewalRow | None:
        rows = self.renewal_table.selectionModel().selectedRows()
        return self.renewals.row(rows[0].row()) if rows else None

    def edit_call(self, dialog: CallDialog | None = None) -> CallDialog | None:
        """Ask for a call on the selected open renewal; returns the dialog (tests drive it)."""
        r = self.selected_renewal()
        if r is None or r.outcome != "open":
            self.status.setText("Select an open renewal to set its forecast call.")
            return None
        dlg = dialog
        if dlg is None:  # opens at once; the earlier calls fill in when read
            dlg = CallDialog(r.account, r.call, r.suggested, r.why, self, history=None)
            shown = dlg
            run_task(
                call_history, self.store, r.account_id,
                done=shown.set_history,
                failed=lambda msg: shown.history.setText(f"Earlier calls not read: {msg}"),
            )  # fmt: skip
            dlg.open()
        dlg.accepted.connect(lambda: self._push_call(r, dlg))
        return dlg

    def _push_call(self, r: RenewalRow, dlg: CallDialog) -> None:
        note = dlg.note.text().strip() or None
        self.undo_stack.push(
            SetCallCommand(
                self.store, r.account_id, dlg.call(), note, self.reload, self._write_failed
            )
        )

    def selected_csm(self) -> str | None:
        rows = self.rollup_table.selectionModel().selectedRows()
        if not rows:
            return None
        line = self.rollups.row(rows[0].row())
        return line.name if line.level == "csm" else None

    def edit_target(self, dialog: TargetDialog | None = None) -> TargetDialog | None:
        csm = self.selected_csm()
        if csm is None:
            self.status.setText("Select a CSM's row to set their target.")
            return None
        q = self.current_quarter()
        plan = next((p for p in self.report.csms if p.csm == csm), None) if self.report else None
        goal = plan.target if plan else None
        dlg = dialog or TargetDialog(
            csm, str(q), goal.kind if goal else "grr", goal.target if goal else None, self
        )
        dlg.accepted.connect(lambda: self._push_target(csm, q, dlg))
        if dialog is None:
            dlg.open()
        return dlg

    def _push_target(self, csm: str, q: Quarter, dlg: TargetDialog) -> None:
        kind, value = dlg.target()
        self.undo_stack.push(
            SetTargetCommand(self.store, csm, q, kind, value, self.reload, self._write_failed)
        )

    def _write_failed(self, message: str) -> None:
        self.status.setText(f"Not saved: {message}")

    def import_sheet(self, path: str | None = None) -> None:
        if path is None:
            path, _f = QFileDialog.getOpenFileName(
                self, "Import renewal plan", "", "Plan sheets (*.xlsx *.xls *.csv)"
            )
        if not path:
            return
        self._importing = True
        self.import_button.setEnabled(False)
        self.status.setText("Importing the plan…")
        run_task(
            import_plan, self.store, path, write=True, done=self._imported, failed=self._refused
        )

    def _imported(self, result: PlanImport) -> None:
        self._importing = False
        self.import_button.setEnabled(True)
        self._imported_note = f"Imported {result.rows} targets for {', '.join(result.quarters)}. "
        self.reload()

    def _refused(self, message: str) -> None:  # one line naming file, sheet, row and column
        self._importing = False
        self.import_button.setEnabled(True)
        self.status.setText(f"Not imported: {message}")
