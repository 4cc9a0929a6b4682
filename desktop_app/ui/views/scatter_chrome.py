"""Everything around the points: legend, floor lines, Today line, quadrant guides, tooltip."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.book import BookColumns
from desktop_app.ui import theme
from desktop_app.ui.formatting import money_short
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter_data import AxisFloor, QuadrantStat

_GUIDE_PEN = pg.mkPen("#555", width=1.2, style=Qt.PenStyle.DashDotLine)
_FLOOR_PEN = pg.mkPen("#999", width=1, style=Qt.PenStyle.DashLine)
_TODAY_PEN = pg.mkPen("#0072B2", width=1.5)
_LEGEND_BRUSH = pg.mkBrush("#B0B0B0")
_LEGEND_PEN = pg.mkPen(60, 60, 60, 140)
_NO_FILL = pg.mkBrush(None)


def _label_fill(alpha: int) -> Any:
    """A translucent box of the chart's background behind a label (light or dark)."""
    bg = theme.chart_background()
    bg.setAlpha(alpha)
    return pg.mkBrush(bg)


class ScatterChrome(QObject):
    """Owns the non-data items of the portfolio plot; created once, reconfigured in place."""

    quadrantMoved = Signal()
    quadrantFinished = Signal()

    def __init__(self, layout_widget: pg.GraphicsLayoutWidget, vb: Any) -> None:
        super().__init__(layout_widget)
        self._vb = vb
        self.stats: list[QuadrantStat] = []
        self._vline = pg.InfiniteLine(angle=90, movable=True, pen=_GUIDE_PEN)
        self._hline = pg.InfiniteLine(angle=0, movable=True, pen=_GUIDE_PEN)
        for line in (self._vline, self._hline):
            line.setHoverPen(pg.mkPen("#000", width=2.5))
            line.setZValue(5)
            vb.addItem(line, ignoreBounds=True)
            line.sigPositionChanged.connect(self.quadrantMoved)
            line.sigPositionChangeFinished.connect(self.quadrantFinished)
        self._floors: list[pg.InfiniteLine] = []
        for angle in (90, 90, 0):
            fl = pg.InfiniteLine(angle=angle, movable=False, pen=_FLOOR_PEN)
            fl.setZValue(-5)
            fl.hide()
            vb.addItem(fl, ignoreBounds=True)
            self._floors.append(fl)
        self._today = pg.InfiniteLine(
            pos=0,
            angle=90,
            movable=False,
            pen=_TODAY_PEN,
            label="Today",
            labelOpts={
                "position": 0.55,
                "color": theme.accent("#0072B2", "#56B4E9"),
                "fill": _label_fill(220),
            },
        )
        self._today.hide()
        vb.addItem(self._today, ignoreBounds=True)
        self._texts: list[pg.TextItem] = []
        for anchor in ((0, 0), (1, 0), (0, 1), (1, 1)):
            t = pg.TextItem(
                "", color=theme.chart_foreground(), anchor=anchor, fill=_label_fill(190)
            )
            t.setZValue(-2)  # under the points: a corner label never hides an account
            vb.addItem(t, ignoreBounds=True)
            self._texts.append(t)
        self._legend = pg.LegendItem(
            colCount=7, labelTextColor=theme.chart_foreground(), brush=pg.mkBrush(0, 0, 0, 0)
        )
        layout_widget.addItem(self._legend, row=1, col=0)
        self._legend_items: list[pg.ScatterPlotItem] = []
        self._arr_items: list[pg.ScatterPlotItem] = []
        self._arr_key: tuple[list[float], float] = ([], 0.0)

    # ---------------------------------------------------------------- legend
    def set_legend(self, brushes: np.ndarray, size_top: float, size_factor: float = 1.0) -> None:
        """Bands and lifecycles are fixed entries (built once); only the ARR sizes follow
        the book and the point density, updated in place when their count does not change."""
        self.add_fixed_legend(brushes)
        values = sd.legend_arr_values(size_top)
        if (values, size_factor) == self._arr_key:
            return
        if len(values) != len(self._arr_items):
            for item in self._arr_items:
                self._legend.removeItem(item)
            self._arr_items = []
            for _v in values:
                item = pg.ScatterPlotItem(pen=_LEGEND_PEN, symbol="o", brush=_LEGEND_BRUSH)
                self._arr_items.append(item)
                self._legend.addItem(item, "")
        rows = {id(sample.item): (sample, label) for sample, label in self._legend.items}
        for item, v in zip(self._arr_items, values, strict=True):
            step = int(sd.size_index(np.array([v]), size_top)[0])
            item.setSize(min(float(sd.tier_sizes(size_factor)[step]), 19.0))
            sample, label = rows[id(item)]
            label.setText(f"{money_short(v)} ARR")
            sample.update()
        self._arr_key = (values, size_factor)

    def add_fixed_legend(self, brushes: np.ndarray, count: int | None = None) -> bool:
        """Add up to ``count`` (None: all) of the fixed legend entries not yet added; True
        once they are all there. (Each entry is a sample item and a rich-text label: a few
        ms each, so an opening chart adds them a few per GUI-thread pass.)"""
        entries = self._fixed_entries(brushes)
        todo = entries[len(self._legend_items) :]
        for opts, label in todo if count is None else todo[:count]:
            item = pg.ScatterPlotItem(**{"pen": _LEGEND_PEN, **opts})
            self._legend_items.append(item)
            self._legend.addItem(item, label)
        return len(self._legend_items) == len(entries)

    @staticmethod
    def _fixed_entries(brushes: np.ndarray) -> list[tuple[dict[str, Any], str]]:
        entries: list[tuple[dict[str, Any], str]] = []
        for i, band in enumerate(BAND_ORDER):
            entries.append(({"symbol": "o", "size": 11, "brush": brushes[i]}, band.value))
        entries.append(({"symbol": "o", "size": 11, "brush": brushes[-1]}, "No band"))
        # Shapes (lifecycle) are hollow outlines: a filled grey "Active" circle read exactly
        # like the grey "No band" one.
        for sym, label in zip(sd.SYMBOLS, sd.SYMBOL_LABELS, strict=True):
            pen = pg.mkPen(theme.chart_foreground(), width=1.6)  # readable on either palette
            shape = {"symbol": sym, "size": 11, "brush": _NO_FILL, "pen": pen}
            entries.append((shape, label))
        return entries

    # ---------------------------------------------------------------- floors and lines
    def set_floors(
        self, x_floors: tuple[AxisFloor, ...], y_floors: tuple[AxisFloor, ...], *, today: bool
    ) -> None:
        xs = list(x_floors)[:2]
        for k, line in enumerate(self._floors[:2]):
            if k < len(xs):
                line.setValue(xs[k].value)
                line.show()
            else:
                line.hide()
        if y_floors:
            self._floors[2].setValue(y_floors[0].value)
            self._floors[2].show()
        else:
            self._floors[2].hide()
        self._today.setVisible(today)

    def line_positions(self) -> tuple[float, float]:
        return float(self._vline.value()), float(self._hline.value())

    def set_line_positions(self, x: float, y: float) -> None:
        for line, v in ((self._vline, x), (self._hline, y)):
            line.blockSignals(True)
            line.setValue(v)
            line.blockSignals(False)

    # ---------------------------------------------------------------- quadrant texts
    def set_stats(self, stats: list[QuadrantStat]) -> None:
        self.stats = stats
        empty = not any(s.count for s in stats)  # no "0 accounts · $0 ARR" on an empty book
        for t, s in zip(self._texts, stats, strict=True):
            noun = "account" if s.count == 1 else "accounts"
            text = f"{s.count:,} {noun} · {money_short(s.arr)} ARR\n{s.name}"
            t.setText("" if empty else text)
        self.place_texts()

    def label_height(self) -> float:
        """Height in pixels of the tallest quadrant label (two lines of text)."""
        return max((t.boundingRect().height() for t in self._texts), default=0.0) or 34.0

    def place_texts(self) -> None:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        for t, (x, y) in zip(self._texts, ((x0, y1), (x1, y1), (x0, y0), (x1, y0)), strict=True):
            t.setPos(x, y)

    # ---------------------------------------------------------------- tooltip
    def tooltip(self, book: BookColumns, row: int | None) -> str:
        if row is None:
            return ""
        mau = book.mau[row]
        score = book.health_score[row]
        band = book.band[row] or "no band"
        override = " (override)" if book.override_band[row] is not None else ""
        rd = book.renewal_date[row]
        arr = book.arr[row]
        lines = [
            f"<b>{_esc(book.name[row])}</b>",
            f"Owner: {_esc(book.owner[row] or '—')}",
            f"MAU: {'no data' if np.isnan(mau) else f'{mau:,.0f}'}",
            f"Health: {'not scored' if np.isnan(score) else f'{score:.0f}'} · {band}{override}",
            f"ARR: {'—' if np.isnan(arr) else f'${arr:,.0f}'}",
            f"Renewal: {'—' if np.isnat(rd) else str(rd)}",
        ]
        if book.lifecycle[row] == "churned":
            lines.append(f"Churned ({book.churn_type[row] or 'unknown'})")
        return "<br>".join(lines)


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
