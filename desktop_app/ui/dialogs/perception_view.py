"""Customer perception per CSM: the chart against the team, the gaps, the accounts."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop_app.domain.perception import CATEGORY_LABEL, Category
from desktop_app.services.database import Store
from desktop_app.services.managers import (
    AccountPerception,
    CategoryView,
    PerceptionReport,
    SurveyImport,
    import_survey,
    perception_report,
)
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.widgets.perception_chart import PerceptionChart
from desktop_app.ui.widgets.tables import read_only_table, report_layout
from desktop_app.ui.workers import ReportLoader, run_task

_NOTE = (
    "Dot: the CSM's mean (green above the team, vermillion below, blue in line); bar: its 95% "
    "interval; black tick: the team average. Ratings on 0-10. Above or below the team only "
    "when the 95% interval excludes the team average; with few responses most CSMs are in "
    "line, and that is the honest answer. Gap = "
    "importance − performance: large where the customer cares and is not served."
)


def _f(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


_CAT_COLUMNS = (
    Column("Category", lambda c: CATEGORY_LABEL[c.category]),
    Column("Performance", lambda c: _f(c.performance.mean), RIGHT),
    Column("n", lambda c: str(c.performance.n), RIGHT),
    Column(
        "95% interval",
        lambda c: (
            "too few"
            if c.performance.low is None
            else f"{c.performance.low:.1f}–{c.performance.high:.1f}"
        ),
        RIGHT,
    ),
    Column("Team", lambda c: _f(c.performance.team_mean), RIGHT),
    Column("Against team", lambda c: c.performance.label if c.performance.mark else "—"),
    Column("Importance", lambda c: _f(c.importance), RIGHT),
    Column("n ", lambda c: str(c.importance_n), RIGHT),
    Column("Gap", lambda c: _f(c.gap), RIGHT),
)


def _gap_of(a: AccountPerception, cat: Category) -> CategoryView:
    return next(v for v in a.categories if v.category is cat)


def _acc_col(cat: Category) -> Column:
    return Column(
        f"{CATEGORY_LABEL[cat].split()[0]}\nperf / imp",
        lambda a: f"{_f(_gap_of(a, cat).performance.mean)} / {_f(_gap_of(a, cat).importance)}",
        RIGHT,
    )


_ACC_COLUMNS = (
    Column("Account", lambda a: a.account),
    Column("Responses", lambda a: str(a.responses), RIGHT),
    *(_acc_col(c) for c in Category if c is not Category.RECOMMEND),
    Column("Largest gap", lambda a: _largest(a)),
)


def _largest(a: AccountPerception) -> str:
    gaps = [(v.gap, v.category) for v in a.categories if v.gap is not None]
    if not gaps:
        return "—"
    g, cat = max(gaps, key=lambda t: t[0])
    return f"{CATEGORY_LABEL[cat]} {g:+.1f}"


class PerceptionView(QDialog):
    """Pick a CSM; see their categories against the team and their accounts' gaps."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customer perception by CSM")
        self.resize(1240, 760)
        self.store = store
        self.report: PerceptionReport | None = None
        self._importing = False
        self._imported_note = ""  # the last import's result, kept in front of the status
        self._loader = ReportLoader(lambda text: self.status.setText(text), self._loaded)
        self.csm = QComboBox(self)
        self.csm.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.csm.setMinimumContentsLength(16)
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # long notes wrap: the window fits a laptop
        self.import_button = QPushButton("Import survey…", self)
        self.chart = PerceptionChart(self)
        self.cats = RowsTableModel(_CAT_COLUMNS, self)
        self.cat_table = read_only_table(self.cats, self)
        self.accounts = RowsTableModel(_ACC_COLUMNS, self)
        self.account_table = read_only_table(self.accounts, self)
        self.account_table.horizontalHeader().setStretchLastSection(True)
        self._layout()
        self.csm.currentTextChanged.connect(lambda _t: self._show())
        self.import_button.clicked.connect(lambda: self.import_file())
        self.reload()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("CSM", self))
        bar.addWidget(self.csm)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.import_button)
        top = (self.chart, self.cat_table, [560, 680])
        report_layout(self, bar, top, self.account_table, _NOTE, [360, 340])

    def reload(self) -> None:
        self._loader.load("Reading survey responses…", perception_report, self.store)

    def loading(self) -> bool:
        """The report is being read or a survey imported."""
        return self._loader.busy() or self._importing

    def _loaded(self, rep: PerceptionReport) -> None:
        self.report = rep
        current = self.csm.currentText()
        self.csm.blockSignals(True)
        self.csm.clear()
        self.csm.addItems([c.csm for c in rep.csms])
        if current:
            self.csm.setCurrentText(current)
        self.csm.blockSignals(False)
        self._show()

    def _show(self) -> None:
        rep = self.report
        one = rep.for_csm(self.csm.currentText()) if rep else None
        self.chart.set_csm(one)
        self.cats.set_rows(one.categories if one else [])
        mine = [a for a in (rep.accounts if rep else []) if one and a.owner == one.csm]
        self.accounts.set_rows(mine)
        note = self._imported_note
        if rep is None or not rep.csms:
            self.status.setText(note + "No survey responses yet: import a relationship survey.")
        elif one is not None:
            self.status.setText(
                f"{note}{one.csm}: {one.responses} responses from {len(mine)} accounts"
            )

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _f = QFileDialog.getOpenFileName(
                self, "Import relationship survey", "", "Survey exports (*.csv *.xlsx *.xls)"
            )
        if not path:
            return
        self._importing = True
        self.import_button.setEnabled(False)
        self.status.setText("Importing the survey…")
        run_task(
            import_survey, self.store, path, write=True, done=self._imported, failed=self._refused
        )

    def _imported(self, r: SurveyImport) -> None:
        self._importing = False
        self.import_button.setEnabled(True)
        self._imported_note = f"Imported {r.responses} responses ({r.unmatched} unmatched). "
        self.reload()

    def _refused(self, message: str) -> None:  # one line naming file, row and column
        self._importing = False
        self.import_button.setEnabled(True)
        self.status.setText(f"Not imported: {message}")
