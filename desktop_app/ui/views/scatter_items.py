"""pyqtgraph pieces of the portfolio scatter: axis labelling, the selecting view box, styles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem

from desktop_app.domain.accounts import BAND_COLOURS, BAND_ORDER
from desktop_app.ui.views.scatter_data import (
    N_SIZES,
    SYMBOLS,
    AxisFloor,
    Density,
    format_count,
    tier_sizes,
)

NO_BAND_COLOUR = "#9A9A9A"
SELECTED_COLOUR = "#0072B2"


NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


def band_brushes(alpha: int = 200) -> list[QBrush]:
    """One brush per band code (BAND_ORDER), then one for "no band" (index -1 → last)."""
    out = []
    for band in BAND_ORDER:
        c = QColor(BAND_COLOURS[band])
        c.setAlpha(alpha)
        out.append(QBrush(c))
    grey = QColor(NO_BAND_COLOUR)
    grey.setAlpha(int(alpha * 0.85))
    out.append(QBrush(grey))
    return out


def outline_pen(alpha: int) -> QPen:
    """The points' outline: dark grey at ``alpha``, or no outline at all for 0."""
    if alpha <= 0:
        return QPen(Qt.PenStyle.NoPen)
    # Cosmetic (pg.mkPen): the atlas renders symbols in a scaled unit square, so a plain
    # QPen of width 1 would be scaled to the symbol's size and fill it with outline.
    pen: QPen = pg.mkPen(60, 60, 60, alpha)
    return pen


Style = tuple[str, float, QBrush]


class DensityStyles:
    """Point and selection-ring styles per density tier (see ``scatter_data.Density``).

    Style ``(band * n_symbols + symbol) * N_SIZES + size_step`` is one point style; ring style
    ``size_step`` surrounds a point of that step. Brushes and pens are kept per tier because
    the symbol atlas keys on their identity: the same tier never renders its symbols twice.
    """

    def __init__(self, ring_pad: float) -> None:
        self._ring_pad = ring_pad
        self._cache: dict[Density, tuple[list[Style], list[Style], QPen, np.ndarray]] = {}

    def for_density(self, d: Density) -> tuple[list[Style], list[Style], QPen, np.ndarray]:
        """(point styles, ring styles, outline pen, px size per size step) for ``d``."""
        hit = self._cache.get(d)
        if hit is None:
            brushes = band_brushes(d.fill_alpha)
            sizes = tier_sizes(d.size_factor)
            points = [
                (sym, float(sizes[k]), brush)
                for brush in brushes
                for sym in SYMBOLS
                for k in range(N_SIZES)
            ]
            rings = [("o", float(v) + self._ring_pad, NO_BRUSH) for v in sizes]
            hit = self._cache[d] = (points, rings, outline_pen(d.outline_alpha), sizes)
        return hit


class PassiveScatter(pg.ScatterPlotItem):  # type: ignore[misc]
    """A scatter item that leaves clicks to the view box (our hit test is numpy, not per spot)."""

    def mouseClickEvent(self, ev: Any) -> None:
        ev.ignore()


class PortfolioAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis that can label log10 data as 1, 10, 100, 1k and name its floor rows."""

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self._log = False
        self._floors: tuple[AxisFloor, ...] = ()
        self._money = False
        self._scale: tuple[float, float] | None = None

    def configure(
        self,
        *,
        log: bool,
        floors: tuple[AxisFloor, ...],
        money: bool = False,
        scale: tuple[float, float] | None = None,
    ) -> None:
        """``scale``: the values the measure can take (a health score is 0 to 100); the room
        the view keeps around it for the quadrant labels gets no ticks (floors keep theirs)."""
        self._log = log
        self._floors = floors
        self._money = money
        self._scale = scale
        self.picture = None
        self.update()

    # ---------------------------------------------------------------- pyqtgraph overrides
    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        floors = [f.value for f in self._floors if minVal <= f.value <= maxVal]
        if not self._log:
            # Two levels: the grid is opaque (see PortfolioScatter), a third would stripe it.
            levels = [(sp, list(v)) for sp, v in super().tickValues(minVal, maxVal, size)][:2]
            if floors and levels:
                # Drop regular ticks too close to a floor so the two labels do not collide.
                gap = (maxVal - minVal) * 0.04
                # Floors sit below every real value: ticks below them would mean nothing.
                lowest = min(floors) + gap
                major = [v for v in levels[0][1] if v >= lowest]
                levels[0] = (levels[0][0], major + floors)
                for k in range(1, len(levels)):
                    levels[k] = (levels[k][0], [v for v in levels[k][1] if v >= min(floors) + gap])
            if self._scale is not None:
                lo, hi = self._scale[0] - 1e-9, self._scale[1] + 1e-9
                keep = set(floors)
                levels = [
                    (sp, [v for v in vals if lo <= v <= hi or v in keep]) for sp, vals in levels
                ]
            return levels
        lo = max(int(np.floor(minVal)), 0)
        hi = int(np.ceil(maxVal))
        major = [float(v) for v in range(lo, hi + 1) if minVal <= v <= maxVal]
        minor: list[float] = []
        if hi - lo <= 4:
            for d in range(lo, hi + 1):
                for m in (2, 5):
                    v = d + float(np.log10(m))
                    if minVal <= v <= maxVal:
                        minor.append(v)
        return [(1.0, major + floors), (0.5, minor)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        names = {round(f.value, 6): f.label for f in self._floors}
        out = []
        plain = list(super().tickStrings(values, scale, spacing)) if not self._log else []
        for i, v in enumerate(values):
            label = names.get(round(v, 6))
            if label is not None:
                out.append(label)
            elif self._log:
                out.append(("$" if self._money else "") + format_count(10**v))
            else:
                out.append(plain[i])
        return out


class SelectViewBox(pg.ViewBox):  # type: ignore[misc]
    """A view box that pans/zooms normally and selects by rectangle (Shift) or lasso.

    The owner gives callbacks; the view box only reports view coordinates.
    """

    def __init__(self, **kwargs: Any) -> None:
        # No pyqtgraph view menu: the chart's own context menu replaces it, and building
        # ViewBoxMenu (two axis forms) is the largest part of the chart's construction.
        kwargs.setdefault("enableMenu", False)
        super().__init__(**kwargs)
        self.mode = "pan"  # pan | rect | lasso
        self.on_click: Callable[[QPointF, Any], None] | None = None
        self.on_double_click: Callable[[QPointF], None] | None = None
        self.on_context: Callable[[QPointF, Any], None] | None = None
        self.on_rect: Callable[[QRectF, bool], None] | None = None
        self.on_lasso: Callable[[list[QPointF], bool], None] | None = None
        self._band = QGraphicsRectItem()
        self._band.setPen(pg.mkPen(SELECTED_COLOUR, width=1, style=Qt.PenStyle.DashLine))
        self._band.setBrush(QBrush(QColor(0, 114, 178, 40)))
        self._band.setZValue(1e9)
        self._band.hide()
        self.addItem(self._band, ignoreBounds=True)
        self._lasso = QGraphicsPathItem()
        self._lasso.setPen(pg.mkPen(SELECTED_COLOUR, width=1.5))
        self._lasso.setZValue(1e9)
        self._lasso.hide()
        self.addItem(self._lasso, ignoreBounds=True)
        self._lasso_pts: list[QPointF] = []

    # ---------------------------------------------------------------- pyqtgraph overrides
    def mouseClickEvent(self, ev: Any) -> None:
        pos = self.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            if self.on_context is not None:
                self.on_context(pos, ev)
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseClickEvent(ev)
            return
        ev.accept()
        if ev.double():
            if self.on_double_click is not None:
                self.on_double_click(pos)
        elif self.on_click is not None:
            self.on_click(pos, ev.modifiers())

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        mode = "rect" if shift and self.mode == "pan" else self.mode
        if ev.button() != Qt.MouseButton.LeftButton or mode == "pan":
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        add = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if mode == "rect":
            self._drag_rect(ev, add)
        else:
            self._drag_lasso(ev, add)

    # ---------------------------------------------------------------- drag helpers
    def _drag_rect(self, ev: Any, add: bool) -> None:
        a = self.mapSceneToView(ev.buttonDownScenePos())
        b = self.mapSceneToView(ev.scenePos())
        rect = QRectF(a, b).normalized()
        if ev.isFinish():
            self._band.hide()
            if self.on_rect is not None:
                self.on_rect(rect, add)
        else:
            self._band.setRect(rect)
            self._band.show()

    def _drag_lasso(self, ev: Any, add: bool) -> None:
        if ev.isStart():
            self._lasso_pts = [self.mapSceneToView(ev.buttonDownScenePos())]
        self._lasso_pts.append(self.mapSceneToView(ev.scenePos()))
        if ev.isFinish():
            self._lasso.hide()
            pts, self._lasso_pts = self._lasso_pts, []
            if self.on_lasso is not None:
                self.on_lasso(pts, add)
            return
        path = QPainterPath(self._lasso_pts[0])
        for p in self._lasso_pts[1:]:
            path.lineTo(p)
        path.closeSubpath()
        self._lasso.setPath(path)
        self._lasso.show()
