"""Forecast against plan per CSM: stacked won / committed / likely-weighted, at risk, target."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from desktop_app.domain.forecast import Rollup

WON = "#009E73"  # Okabe-Ito bluish green
COMMIT = "#0072B2"  # blue
WEIGHTED = "#56B4E9"  # sky blue
AT_RISK = "#D55E00"  # vermillion


class PlanChart(pg.PlotWidget):  # type: ignore[misc]
    """One group of bars per CSM (in thousands of dollars); items are made once, then set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = self.palette().color(QPalette.ColorRole.Text)
        self.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.showGrid(x=False, y=True, alpha=0.25)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setLabel("left", "ARR ($k)")
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setPen(text)
            axis.setTextPen(text)
        self.legend = self.addLegend(offset=(-5, 5), labelTextColor=text, colCount=2)
        z = np.zeros(0)
        self.won = pg.BarGraphItem(x=z, height=z, width=0.5, brush=WON, name="Won")
        self.commit = pg.BarGraphItem(x=z, height=z, width=0.5, brush=COMMIT, name="Committed")
        self.weighted = pg.BarGraphItem(
            x=z, height=z, width=0.5, brush=WEIGHTED, name="Likely-weighted rest"
        )
        self.risky = pg.BarGraphItem(x=z, height=z, width=0.18, brush=AT_RISK, name="At risk")
        self.target = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(QColor(text), width=3), name="Target"
        )
        for item in (self.won, self.commit, self.weighted, self.risky, self.target):
            self.addItem(item)
        self.names: list[str] = []

    def set_rollups(self, names: Sequence[str], rows: Sequence[Rollup]) -> None:
        """Show one CSM per group (``names`` label the x axis)."""
        self.names = list(names)
        x = np.arange(len(rows), dtype=float)
        k = 1000.0
        won = np.array([r.retained for r in rows]) / k
        com = np.array([r.committed - r.retained for r in rows]) / k
        rest = np.array([max(r.weighted - r.committed, 0.0) for r in rows]) / k
        risk = np.array([r.at_risk for r in rows]) / k
        self.won.setOpts(x=x - 0.1, height=won, y0=np.zeros_like(won))
        self.commit.setOpts(x=x - 0.1, height=com, y0=won)
        self.weighted.setOpts(x=x - 0.1, height=rest, y0=won + com)
        self.risky.setOpts(x=x + 0.27, height=risk, y0=np.zeros_like(risk))
        has = [i for i, r in enumerate(rows) if r.target is not None]
        goals = np.array([rows[i].target or 0.0 for i in has]) / k
        # One short horizontal segment per target, across its CSM's bar.
        self.target.setData(
            x=np.column_stack([x[has] - 0.38, x[has] + 0.18]).ravel(), y=np.repeat(goals, 2)
        )
        self.getAxis("bottom").setTicks([[(float(i), _short(n)) for i, n in enumerate(names)]])
        top = max([0.0, *(won + com + rest), *risk, *goals])
        self.setXRange(-0.6, max(len(rows) - 0.4, 0.6), padding=0)
        # Head room above the tallest bar for the legend.
        self.setYRange(0, top * 1.45 or 1.0, padding=0)


def _short(name: str) -> str:
    """The first name: full names of eight CSMs overlap at a laptop width."""
    return name.split()[0] if name.split() else name
