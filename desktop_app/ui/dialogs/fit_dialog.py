"""Health ▸ Scorecard ▸ Suggest weights from my churn history…: fit, back-test, compare.

The fit runs on a worker with progress and Cancel. The dialog shows the verdict, the
back-test AUCs of the fitted and the current scorecard (95 % intervals), the weights side by
side and the accounts that would change band. Nothing is saved here: "Use these weights"
hands the fitted card to the scorecard editor, where the user names and saves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.scorecard import Scorecard
from desktop_app.services.database import Store
from desktop_app.services.health import BandChange, FitReport, fit_scorecard, measure_label
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.widgets.task_progress import TaskProgress
from desktop_app.ui.workers import Worker, start

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class WeightRow:
    measure: str
    current: float | None
    fitted: float | None


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f} %"


WEIGHT_COLUMNS = (
    Column("Measure", lambda r: measure_label(r.measure)),
    Column("Current", lambda r: _pct(r.current), _RIGHT),
    Column("Fitted", lambda r: _pct(r.fitted), _RIGHT),
)
CHANGE_COLUMNS = (
    Column("Account", lambda c: c.name),
    Column("Band now", lambda c: c.change.old_band),
    Column("Fitted band", lambda c: c.change.new_band),
)


@dataclass(frozen=True, slots=True)
class _Named:
    change: BandChange
    name: str


def weight_rows(report: FitReport) -> list[WeightRow]:
    ids = sorted(
        set(report.weights) | set(report.current_weights),
        key=lambda m: (-(report.weights.get(m) or 0.0), -(report.current_weights.get(m) or 0.0)),
    )
    return [WeightRow(m, report.current_weights.get(m), report.weights.get(m)) for m in ids]


def auc_text(report: FitReport) -> str:
    def one(label: str, auc: float | None, ci: tuple[float, float] | None) -> str:
        if auc is None:
            return f"{label}: –"
        interval = "" if ci is None else f" ({ci[0]:.2f}–{ci[1]:.2f})"
        return f"{label}: AUC {auc:.2f}{interval}"

    return (
        f"Back-test on the later months ({report.n_test_events:,} churn events in "
        f"{report.n_test_observations:,} account-months): "
        + one("fitted", report.auc_backtest, report.auc_backtest_ci)
        + " · "
        + one("current", report.auc_current, report.auc_current_ci)
    )


class FitDialog(QDialog):
    """Runs the fit on a worker and shows it beside the current scorecard."""

    #: The fitted scorecard, when the user chose to use it.
    useScorecard = Signal(object)

    def __init__(
        self, store: Store, names: dict[int, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggest weights from my churn history")
        self.report: FitReport | None = None
        self._names = names or {}
        self.verdict = QLabel("Fitting the scorecard to this book's churn history…", self)
        self.verdict.setWordWrap(True)
        self.auc_label = QLabel(self)
        self.auc_label.setWordWrap(True)
        self.progress = TaskProgress(self)
        self.weights = RowsTableModel(WEIGHT_COLUMNS, self)
        self.changes = RowsTableModel(CHANGE_COLUMNS, self)
        self.changes_label = QLabel(self)
        tables = QHBoxLayout()
        self.views: list[QTableView] = []
        for model, stretch in ((self.weights, 2), (self.changes, 3)):
            view = QTableView(self)
            view.setModel(model)
            view.setWordWrap(False)
            view.verticalHeader().hide()
            header = view.horizontalHeader()
            # The first column (a measure, an account name) takes the room left; the others
            # keep their contents' width, so the last header is never cut at 720 px.
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            tables.addWidget(view, stretch)
            self.views.append(view)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.use_button = self.buttons.addButton(
            "Use these weights…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.use_button.setEnabled(False)
        self.use_button.setToolTip("Open them in the scorecard editor to review, name and save")
        self.buttons.rejected.connect(self.reject)
        self.use_button.clicked.connect(self._use)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(self.auc_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.changes_label)
        layout.addLayout(tables, 1)
        layout.addWidget(self.buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        w, h = 900, 560
        if screen is not None:
            w, h = min(w, int(screen.width() * 0.9)), min(h, int(screen.height() * 0.9))
        self.resize(w, h)
        self.worker = Worker(fit_scorecard, store)
        self.worker.signals.finished.connect(self.show_report)
        self.worker.signals.failed.connect(self.verdict.setText)
        self.worker.signals.cancelled.connect(lambda: self.verdict.setText("Cancelled."))
        self.progress.track(self.worker, "Fitting…")
        start(self.worker)

    def show_report(self, report: FitReport) -> None:
        self.report = report
        self.verdict.setText(report.message)
        self.auc_label.setText(auc_text(report) if report.scorecard is not None else "")
        self.weights.set_rows(weight_rows(report))
        named = [_Named(c, self._names.get(c.account_id, str(c.account_id))) for c in
                 report.band_changes]  # fmt: skip
        self.changes.set_rows(named)
        card = report.scorecard
        self.changes_label.setText(
            ""
            if card is None
            else f"{len(named):,} accounts would change band (Healthy/Stable from score "
            f"{card.bands.healthy_min_score:g}). Nothing is saved until you save it in the editor."
        )
        self.use_button.setEnabled(card is not None)
        if card is not None and not report.recommended:
            self.use_button.setText("Use them anyway…")

    def _use(self) -> None:
        if self.report is not None and isinstance(self.report.scorecard, Scorecard):
            self.useScorecard.emit(self.report.scorecard)
            self.accept()

    def done(self, result: int) -> None:
        if self.worker is not None and self.report is None:
            self.worker.cancel()
        super().done(result)
