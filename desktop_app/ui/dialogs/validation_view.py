"""'Does our score predict churn?': AUC numbers and churn-rate bar charts."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QWidget

from desktop_app.domain.accounts import BAND_COLOURS, BAND_ORDER
from desktop_app.services.health_validation import RATE_HORIZON, ValidationReport, validate
from desktop_app.store.engine import Store
from desktop_app.ui.geometry import fit_to_screen

_DECILE_COLOUR = "#0072B2"  # Okabe-Ito blue
_AXIS_PEN = "#444"
_TEXT = "#222"
TITLE_SIZE = "10pt"
MIN_PLOT_WIDTH = 420  # the decile title fits in full at this width


def _style(plot: pg.PlotWidget, title: str, bottom: str) -> None:
    """A light chart like the portfolio scatter: white, dark axes and text, faint grid."""
    plot.setBackground("w")
    plot.setTitle(title, color=_TEXT, size=TITLE_SIZE)
    for name in ("left", "bottom"):
        ax = plot.getAxis(name)
        ax.setPen(pg.mkPen(_AXIS_PEN))
        ax.setTextPen(pg.mkPen(_TEXT))
    plot.setLabel("left", "churn rate (%)", color=_TEXT)
    plot.setLabel("bottom", bottom, color=_TEXT)
    plot.showGrid(y=True, alpha=0.15)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMinimumWidth(MIN_PLOT_WIDTH)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


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
        verdict = "beats" if report.score_beats_usage else "does NOT beat"
        lines.append(f"The scorecard {verdict} usage alone (0.5 = coin toss, 1 = perfect).")
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
        self.decile_bars.setOpts(
            x=np.array([d for d, _n, _r in dec], dtype=float),
            height=np.array([0.0 if r is None else 100.0 * r for _d, _n, r in dec]),
        )
