"""'Does our score predict churn?': the verdict, the score against each single signal of this
book (AUC with 95 % intervals), and churn rate by band and by score decile, each with the
churn events behind it. Computed on a worker; with too little churn history it says so and
draws no bars."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QTableView, QWidget

from desktop_app.domain.accounts import BAND_COLOURS, BAND_ORDER
from desktop_app.services.database import Store
from desktop_app.services.health import (
    RATE_HORIZON_DAYS,
    SignalAuc,
    ValidationReport,
    validate,
)
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.workers import Worker, start

_DECILE_COLOUR = "#0072B2"  # Okabe-Ito blue
TITLE_SIZE = "10pt"
MIN_PLOT_WIDTH = 420  # the decile title fits in full at this width
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _style(plot: pg.PlotWidget, title: str, bottom: str) -> None:
    """A chart in the window's palette: its base colour, its text colour, a faint grid."""
    pal = plot.palette()
    text = pal.color(pal.ColorRole.WindowText).name()
    plot.setBackground(pal.color(pal.ColorRole.Base))
    plot.setTitle(title, color=text, size=TITLE_SIZE)
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.setPen(pg.mkPen(text))
        ax.setTextPen(pg.mkPen(text))
        ax.enableAutoSIPrefix(False)
    plot.setLabel("left", "churn rate (%)", color=text)
    plot.setLabel("bottom", bottom, color=text)
    plot.showGrid(y=True, alpha=0.15)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMinimumWidth(MIN_PLOT_WIDTH)


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def _ci(s: SignalAuc) -> str:
    return "" if s.ci is None else f"{s.ci[0]:.2f}–{s.ci[1]:.2f}"


def _meaning(s: SignalAuc) -> str:
    if s.auc is None or s.ci is None:
        return "no data in this book" if s.observations == 0 else "no churn to judge"
    if s.ci[0] > 0.5:
        return "carries information"
    if s.ci[1] < 0.5:
        return "carries information, reversed (higher = riskier)"
    return "no better than a coin toss"


SIGNAL_COLUMNS = (
    Column("Signal", lambda s: s.label),
    Column(f"AUC, {RATE_HORIZON_DAYS} days", lambda s: _fmt(s.auc), _RIGHT),
    Column("95 % interval", _ci, _RIGHT),
    Column("Churn events", lambda s: f"{s.events:,}", _RIGHT),
    Column("Account-months", lambda s: f"{s.observations:,}", _RIGHT),
    Column("In this book", _meaning),
)


class ValidationView(QDialog):
    """The verdict, AUCs of the score and each signal, churn by band and by score decile."""

    def __init__(
        self, store: Store, parent: QWidget | None = None, report: ValidationReport | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Does our health score predict churn?")
        self.report: ValidationReport | None = None
        self.auc_label = QLabel("Reading the book's history…", self)
        self.auc_label.setWordWrap(True)
        self.auc_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signal_model = RowsTableModel(SIGNAL_COLUMNS, self)
        self.signal_table = QTableView(self)
        self.signal_table.setModel(self.signal_model)
        self.signal_table.verticalHeader().hide()
        self.signal_table.horizontalHeader().setStretchLastSection(True)
        rows = 1 + 6  # the score and its six signals, without scrolling
        row_h = self.signal_table.verticalHeader().defaultSectionSize()
        header_h = self.signal_table.horizontalHeader().sizeHint().height()
        self.signal_table.setMinimumHeight(header_h + rows * row_h + 4)
        self.band_plot = pg.PlotWidget(self)
        self.decile_plot = pg.PlotWidget(self)
        _style(
            self.band_plot,
            f"Churn within {RATE_HORIZON_DAYS} days, by band",
            "band: churns / account-months",
        )
        self.band_plot.getAxis("bottom").setHeight(62)  # two-line ticks, then the label
        _style(
            self.decile_plot,
            f"Churn within {RATE_HORIZON_DAYS} days, by score decile (1 = lowest)",
            "health score decile",
        )
        self.band_bars = pg.BarGraphItem(x=[], height=[], width=0.6, pen=pg.mkPen("#555"))
        self.decile_bars = pg.BarGraphItem(
            x=[], height=[], width=0.7, brush=_DECILE_COLOUR, pen=pg.mkPen("#555")
        )
        self.band_plot.addItem(self.band_bars)
        self.decile_plot.addItem(self.decile_bars)
        layout = QGridLayout(self)
        layout.addWidget(self.auc_label, 0, 0, 1, 2)
        layout.addWidget(self.signal_table, 1, 0, 1, 2)
        layout.addWidget(self.band_plot, 2, 0)
        layout.addWidget(self.decile_plot, 2, 1)
        layout.setRowStretch(2, 1)
        self._fit_to_screen()
        self._worker: Worker | None = None
        if report is not None:
            self.show_report(report)
        else:
            self._worker = Worker(validate, store)
            self._worker.signals.finished.connect(self.show_report)
            self._worker.signals.failed.connect(self.auc_label.setText)
            start(self._worker)

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        w, h = 1000, 720
        if screen is not None:
            w, h = min(w, int(screen.width() * 0.9)), min(h, int(screen.height() * 0.9))
        self.resize(w, h)

    def show_report(self, report: ValidationReport) -> None:
        self.report = report
        self.auc_label.setText(report.verdict)
        rows = []
        if RATE_HORIZON_DAYS in report.score:
            rows = [report.score[RATE_HORIZON_DAYS], *report.signals[RATE_HORIZON_DAYS]]
        self.signal_model.set_rows(rows)
        self.signal_table.resizeColumnsToContents()
        draw = report.enough_history
        rates = [report.churn_by_band.get(b.value, (0, None))[1] for b in BAND_ORDER]
        heights = np.array([0.0 if r is None or not draw else 100.0 * r for r in rates])
        self.band_bars.setOpts(
            x=np.arange(len(BAND_ORDER)),
            height=heights,
            brushes=[pg.mkBrush(BAND_COLOURS[b]) for b in BAND_ORDER],
        )
        self.band_plot.setXRange(-0.6, len(BAND_ORDER) - 0.4, padding=0)
        self.band_plot.getAxis("bottom").setTicks(
            [[(i, _band_tick(b.value, report)) for i, b in enumerate(BAND_ORDER)]]
        )
        dec = report.churn_by_score_decile
        self.decile_plot.setXRange(0.4, 10.6, padding=0)
        self.decile_plot.getAxis("bottom").setTicks([[(float(d), str(d)) for d, *_ in dec]])
        dec_heights = [0.0 if r is None or not draw else 100.0 * r for *_x, r in dec]
        self.decile_bars.setOpts(
            x=np.array([d for d, *_ in dec], dtype=float), height=np.array(dec_heights)
        )
        top = max([*heights.tolist(), *dec_heights, 0.0])
        for plot in (self.band_plot, self.decile_plot):
            # Sane axes even with no churn at all: 0 to 10 %, never -400..+400.
            plot.setYRange(0.0, max(10.0, top * 1.15), padding=0)


def _band_tick(band: str, report: ValidationReport) -> str:
    n = report.churn_by_band.get(band, (0, None))[0]
    events = report.band_events.get(band, 0)
    return f"{band}\n{events} / {n:,}"
