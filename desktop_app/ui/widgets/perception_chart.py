"""One CSM's perception by category: mean with 95% interval against the team average."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from desktop_app.domain.perception import CATEGORY_LABEL, Category
from desktop_app.services.managers import CsmPerception

MARK_COLOUR = {"above": "#009E73", "below": "#D55E00"}
NEUTRAL = "#0072B2"


class PerceptionChart(pg.PlotWidget):  # type: ignore[misc]
    """Categories down the side, 0-10 across; a dark tick is the team average.

    Green: above the team, vermillion: below (the interval excludes the average); blue: in
    line or too few responses to say.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = QColor(self.palette().color(QPalette.ColorRole.Text))
        self.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=True, y=False, alpha=0.25)
        self.setLabel("bottom", "Rating (0-10), 95% interval")
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(text)
            axis.setTextPen(text)
        cats = list(Category)
        self.getAxis("left").setTicks([[(float(i), CATEGORY_LABEL[c]) for i, c in enumerate(cats)]])
        self.intervals = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), pen=pg.mkPen(text, width=2))
        self.points = pg.ScatterPlotItem(size=13, pen=pg.mkPen(text))
        # The team average: one short vertical segment per category.
        self.team = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(text, width=3))
        for item in (self.intervals, self.points, self.team):
            self.addItem(item)
        self.labels: list[pg.TextItem] = []
        for _ in cats:
            label = pg.TextItem(color=text, anchor=(0, 0.5))
            self.addItem(label)
            self.labels.append(label)
        self.setXRange(0, 11.2, padding=0)
        self.setYRange(-0.6, len(cats) - 0.4, padding=0)
        self.getViewBox().invertY(True)

    def set_csm(self, csm: CsmPerception | None) -> None:
        """Show one CSM (None clears the chart)."""
        views = csm.categories if csm else []
        xs, ys, lows, highs, brushes, tx, ty = [], [], [], [], [], [], []
        for i, v in enumerate(views):
            p = v.performance
            if p.team_mean is not None:
                tx.append(p.team_mean)
                ty.append(float(i))
            self.labels[i].setText(f"n={p.n}")
            self.labels[i].setPos(10.15, float(i))
            if p.mean is None:
                continue
            xs.append(p.mean)
            ys.append(float(i))
            lows.append(p.mean - p.low if p.low is not None else 0.0)
            highs.append(p.high - p.mean if p.high is not None else 0.0)
            brushes.append(pg.mkBrush(MARK_COLOUR.get(p.mark or "", NEUTRAL)))
        for label in self.labels[len(views) :]:
            label.setText("")
        x, y = np.array(xs, dtype=float), np.array(ys, dtype=float)
        self.intervals.setData(x=x, y=y, left=np.array(lows), right=np.array(highs), beam=0.15)
        self.points.setData(x=x, y=y, brush=brushes)
        t, ty_ = np.array(tx, dtype=float), np.array(ty, dtype=float)
        self.team.setData(x=np.repeat(t, 2), y=np.column_stack([ty_ - 0.3, ty_ + 0.3]).ravel())
