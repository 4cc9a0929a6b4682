"""'Does our score predict churn?': AUC numbers and churn-rate bar charts."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QWidget

from desktop_app.domain.accounts import BAND_COLOURS, BAND_ORDER
from desktop_app.services.health_validation import RATE_HORIZON, ValidationReport, validate
from desktop_app.store.engine import Store
from desktop_app.ui import theme
from desktop_app.ui.geometry import fit_to_screen

_DECILE_COLOUR = "#0072B2"  # Okabe-Ito blue
TITLE_SIZE = "10pt"
MIN_PLOT_WIDTH = 420  # the decile title fits in full at this width


def _style(plot: pg.PlotWidget, title: str, bottom: str) -> None:
    """A chart like the portfolio scatter in the palette in force, faint grid."""
    theme.style_plot(plot)
    text = theme.chart_foreground().name()
    plot.setTitle(title, color=text, size=TITLE_SIZE)
    # Percent are plain numbers: no "(x0.001)" SI rescaling of a 0-100 axis.
    plot.getAxis("left").enableAutoSIPrefix(False)
    plot.setLabel("left", "churn rate (%)", color=text)
    plot.setLabel("bottom", bottom, color=text)
    plot.showGrid(y=True, alpha=0.15)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMinimumWidth(MIN_PLOT_WIDTH)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def percent_top(heights: np.ndarray) -> float:
    """The top of a churn-rate axis: 0-10 % when every rate is 0 (no churn), else a
    little above the highest bar, never above 100 %."""
    top = float(np.nanmax(heights)) if heights.size else 0.0
    if not np.isfinite(top) or top <= 0:
        return 10.0
    return min(100.0, top * 1.15)


def verdict_text(report: ValidationReport) -> str:
    """The conclusion line; no verdict when there is not enough churn history to judge."""
    stated = getattr(report, "verdict", None)  # the service's own wording, when it has one
    if isinstance(stated, str) and stated:
        return stated
    churns = sum(report.churn_events.values())
    if churns == 0 or any(a is None for a in (*report.auc_score.values(),
                                              *report.auc_usage.values())):  # fmt: skip
        return (
            "Not enough churn history to judge the scorecard "
            f"({churns} churns in the history): no verdict."
        )
    verdict = "beats" if report.score_beats_usage else "does not beat"
    return f"The scorecard {verdict} usage alone (0.5 = coin toss, 1 = perfect)."


class ValidationView(QDialog):
    """AUC of the score vs usage alone (3 and 6 months) and churn rate by band and decile."""

    def __init__(
        self, store: Store, parent: QWidget | None = None, report: ValidationReport | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Does our health score predict churn?")
        self.report = report if report is not None else validate(store)
        self.auc_label = QLabel(self)
        self.auc_label.setWordWrap(True)
        self.band_plot = pg.PlotWidget(self)
        self.decile_plot = pg.PlotWidget(self)
        _style(self.band_plot, f"Churn within {RATE_HORIZON} months, by band", "health band")
        _style(
            self.decile_plot,
            f"Churn within {RATE_HORIZON} months, by usage decile (1 = lowest)",
            "usage decile (seat utilisation: MAU / seats)",
        )
        self.band_bars = pg.BarGraphItem(x=[], height=[], width=0.6, pen=pg.mkPen("#555"))
        self.decile_bars = pg.BarGraphItem(
            x=[], height=[], width=0.7, brush=_DECILE_COLOUR, pen=pg.mkPen("#555")
        )
        self.band_plot.addItem(self.band_bars)
        self.decile_plot.addItem(self.decile_bars)
        layout = QGridLayout(self)
        layout.addWidget(self.auc_label, 0, 0, 1, 2)
        layout.addWidget(self.band_plot, 1, 0)
        layout.addWidget(self.decile_plot, 1, 1)
        fit_to_screen(self, 960, 520)
        self.show_report(self.report)

    def show_report(self, report: ValidationReport) -> None:
        self.report = report
        lines = []
        for h in sorted(report.auc_score):
            lines.append(
                f"AUC for churn within {h} months: health score {_fmt(report.auc_score[h])}"
                f" vs usage alone {_fmt(report.auc_usage[h])}"
                f"  ({report.churn_events[h]} churns in {report.observations[h]} account-months)"
            )
        lines.append(verdict_text(report))
        self.auc_label.setText("\n".join(lines))
        rates = [report.churn_by_band.get(b.value, (0, None))[1] for b in BAND_ORDER]
        self.band_bars.setOpts(
            x=np.arange(len(BAND_ORDER)),
            height=np.array([0.0 if r is None else 100.0 * r for r in rates]),
            brushes=[pg.mkBrush(BAND_COLOURS[b]) for b in BAND_ORDER],
        )
        self.band_plot.setXRange(-0.6, len(BAND_ORDER) - 0.4, padding=0)
        self.band_plot.getAxis("bottom").setTicks(
            [[(i, b.value) for i, b in enumerate(BAND_ORDER)]]
        )
        dec = report.churn_by_decile
        if dec:
            self.decile_plot.setXRange(dec[0][0] - 0.6, dec[-1][0] + 0.6, padding=0)
        self.decile_plot.getAxis("bottom").setTicks([[(float(d), str(d)) for d, _n, _r in dec]])
        decile_heights = np.array([0.0 if r is None else 100.0 * r for _d, _n, r in dec])
        self.decile_bars.setOpts(
            x=np.array([d for d, _n, _r in dec], dtype=float), height=decile_heights
        )
        band_heights = np.array([0.0 if r is None else 100.0 * r for r in rates])
        for plot, heights in ((self.band_plot, band_heights), (self.decile_plot, decile_heights)):
            plot.setYRange(0.0, percent_top(heights), padding=0)
