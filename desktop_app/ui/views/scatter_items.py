"""pyqtgraph pieces of the portfolio scatter: axis labelling, the selecting view box, styles."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem

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
#: A cached cloud keeps pyqtgraph's paint buffer only up to this many points.
_KEEP_FRAGMENTS = 10_000


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


class CloudScatter(PassiveScatter):
    """The point cloud: counts what it is given and how often it paints.

    ``installs`` counts new point sets (``install_points`` or ``setData``) and ``paints``
    the paints of the whole cloud: hovering must change neither.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.installs = 0
        self.paints = 0
        #: Called after each paint of the cloud (the chart learns its points are shown).
        self.on_paint: Callable[[], Any] | None = None
        super().__init__(*args, **kwargs)

    def setData(self, *args: Any, **kwargs: Any) -> None:
        self.installs += 1
        super().setData(*args, **kwargs)

    def paint(self, p: QPainter, option: Any, widget: Any = None) -> None:
        self.paints += 1
        if not self._paint_atlas(p, widget):
            super().paint(p, option, widget)
        if self.cacheMode() != QGraphicsItem.CacheMode.NoCache:
            # Painted into the item's pixmap: pyqtgraph's per-point fragment buffer (80 bytes
            # a point, 8 MB at 100k) is kept for the next paint of the whole cloud, which the
            # cache makes rare; rebuilt then.
            frags = getattr(self, "_pixmapFragments", None)
            if frags is not None and len(frags) > _KEEP_FRAGMENTS:
                self._pixmapFragments = type(frags)(QPainter.PixmapFragment, 10)
        if self.on_paint is not None:
            self.on_paint()

    def _paint_atlas(self, p: QPainter, widget: Any) -> bool:
        """Draw every point from the symbol atlas as pyqtgraph's own pxMode paint does, with
        less numpy around the one ``drawPixmapFragments`` call; False (nothing drawn) when
        pyqtgraph's paint must run instead (an export, another device pixel ratio, a rotated
        view, no points).

        The same fragments, in the same order, at the same positions: pyqtgraph maps the
        points through the painter's transform with a 2x3 matrix (``x * m11 + y * m21 +
        m31``, ``m21`` = 0 without rotation: the same doubles) and culls those outside the
        view; when the whole cloud lies inside the view no point is culled, and its four
        comparisons per point over the book (100k points: ~8 ms) are skipped.
        """
        data = self.data
        atlas = self.fragmentAtlas
        if (
            not len(data)
            or not (self.opts["pxMode"] and self.opts["useCache"])
            or self._exportOpts is not False
            or self.opts.get("compositionMode") is not None
            or (widget is not None and widget.devicePixelRatioF() != atlas.devicePixelRatio())
        ):
            return False
        tr = p.transform()
        if tr.type().value > QTransform.TransformationType.TxScale.value:
            return False
        view = self.viewRect()
        if view is None:
            return False
        x, y, src = data["x"], data["y"], data["sourceRect"]
        inside = self._inside(view)
        if not inside:
            keep = self._maskAt(view)
            x, y, src = x[keep], y[keep], src[keep]
        p.resetTransform()
        self._pixmapFragments.resize(src.size)
        frags = self._pixmapFragments.ndarray()
        np.multiply(x, tr.m11(), out=frags[:, 0])
        frags[:, 0] += tr.m31()
        np.multiply(y, tr.m22(), out=frags[:, 1])
        frags[:, 1] += tr.m32()
        if not inside:  # as pyqtgraph does (a point far outside the view)
            np.clip(frags[:, 0:2], -(2**30), 2**30, out=frags[:, 0:2])
        frags[:, 2:6] = _rects(src)  # sx, sy, sw, sh
        dpr = atlas.devicePixelRatio()
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        p.drawPixmapFragments(*self._pixmapFragments.drawargs(), atlas.pixmap)
        return True

    def extent_of(self, data: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        """Note that ``data`` (every point visible) holds the points at ``x``, ``y``: their
        extent is taken from these plain arrays, not from the records at paint time."""
        if x.size:
            bounds = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
            self._extent = (weakref.ref(data), bounds)

    def _inside(self, view: QRectF) -> bool:
        """True if every point lies inside ``view`` and is visible: pyqtgraph's cull would
        keep them all (a NaN or infinite coordinate makes this False)."""
        d = self.data
        known = self._extent
        if known is not None and known[0]() is d:
            x0, x1, y0, y1 = known[1]
        else:  # points given to pyqtgraph itself (setData)
            x0, x1 = d["x"].min(), d["x"].max()
            y0, y1 = d["y"].min(), d["y"].max()
            if not d["visible"].all():
                return False
        return bool(view.left() < x0 and x1 < view.right() and view.top() < y0 and y1 < view.bottom())

    _extent: tuple[weakref.ref[np.ndarray], tuple[float, float, float, float]] | None = None


def _rects(src: np.ndarray) -> np.ndarray:
    """``src`` (records' ``sourceRect`` fields: x, y, w, h) as an (n, 4) integer array,
    without a copy for a field of a record array (one strided copy later, not four)."""
    sub = src.dtype
    if src.ndim == 1 and sub.names == ("x", "y", "w", "h") and sub.itemsize == 32:
        if all(sub[name] == np.dtype(np.int64) for name in sub.names):
            base = np.lib.stride_tricks.as_strided(
                src["x"], shape=(src.shape[0], 4), strides=(src.strides[0], 8)
            )
            return base
    return np.stack([src[name] for name in ("x", "y", "w", "h")], axis=1)


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


def point_records(
    dtype: np.dtype[Any],
    x: np.ndarray,
    y: np.ndarray,
    style_code: np.ndarray,
    styles: list[tuple[str, float, QBrush]],
    pen: QPen,
) -> np.ndarray:
    """pyqtgraph's point records (``dtype``: a ``ScatterPlotItem``'s ``data.dtype``) for
    points at ``x``, ``y`` of style ``styles[style_code]``, every field but the symbol
    atlas's ``sourceRect`` (left 0: :func:`install_points` fills it).

    No Qt call (only references to the styles' brushes and pen are copied): a big book's
    records are built on the worker that prepares its arrays (100k points: ~20 ms, most of
    the points' installation on the GUI thread before).
    """
    n = x.shape[0]
    # Every field from an array: numpy copies object fields from object arrays in C, but
    # fills them from a scalar (or np.empty's None) one element at a time (100k points:
    # ~150 ms vs ~2 ms per field).
    rec = np.zeros(n, dtype=dtype)
    table = np.empty((3, len(styles)), dtype=object)
    for k, (symbol, _size, brush) in enumerate(styles):
        table[0, k], table[1, k] = symbol, brush
    table[2, 0] = pen
    rec["x"] = x
    rec["y"] = y
    rec["symbol"] = table[0][style_code]
    rec["size"] = np.array([size for _, size, _ in styles], dtype=float)[style_code]
    rec["brush"] = table[1][style_code]
    rec["pen"] = table[2][np.zeros(n, dtype=np.intp)]
    nothing = np.empty(n, dtype=object)  # None
    for name in dtype.names or ():
        if dtype[name].hasobject and name not in ("symbol", "brush", "pen"):
            rec[name] = nothing
    rec["visible"] = True
    return rec


def atlas_rects(
    item: pg.ScatterPlotItem,
    style_code: np.ndarray,
    styles: list[tuple[str, float, QBrush]],
    pen: QPen,
) -> np.ndarray:
    """The atlas rectangle (``sourceRect``) of each style of ``styles``, for ``item``'s
    points of these style codes: only the styles in use go through ``item``'s symbol atlas
    (each new one rendered once per item, then a dict hit); the others are left 0."""
    used = np.flatnonzero(np.bincount(style_code, minlength=len(styles)))
    coords = item.fragmentAtlas[[(styles[k][0], styles[k][1], pen, styles[k][2]) for k in used]]
    rects = np.zeros(len(styles), dtype=item.data.dtype["sourceRect"])
    rects[used] = np.array([tuple(c) for c in coords], dtype=rects.dtype)
    return rects


def install_points(
    item: pg.ScatterPlotItem,
    x: np.ndarray,
    y: np.ndarray,
    style_code: np.ndarray,
    styles: list[tuple[str, float, QBrush]],
    pen: QPen | None = None,
    records: np.ndarray | None = None,
) -> None:
    """Give ``item`` its points without pyqtgraph's per-point Python loops.

    ``styles[k]`` is (symbol, size, brush) of style code ``k``; each point carries its code.
    Only the distinct styles go through the symbol atlas (a few dozen), then every point's
    atlas rectangle is a numpy gather. This is what ``setData(x, y, symbol=[...], size=[...],
    brush=[...])`` ends up storing, at a fraction of the cost (100k points: ~10 ms vs ~400 ms).
    ``pen`` outlines every point (default: the item's pen). ``records``: these points'
    :func:`point_records` (for this item's record layout, ``styles`` and ``pen``), built
    beforehand on a worker.
    Falls back to ``setData`` if the item's record layout is not the expected one.
    """
    if pen is None:
        pen = item.opts["pen"]
    dtype = item.data.dtype
    needed = {"x", "y", "size", "symbol", "pen", "brush", "visible", "sourceRect", "data"}
    if not needed <= set(dtype.names or ()) or not (item.opts["pxMode"] and item.opts["useCache"]):
        arr_styles = np.array(styles, dtype=object)
        item.setData(
            x=x,
            y=y,
            symbol=arr_styles[style_code, 0],
            size=arr_styles[style_code, 1].astype(float),
            brush=arr_styles[style_code, 2],
            pen=pen,
        )
        return
    rects = atlas_rects(item, style_code, styles, pen)
    rec = point_records(dtype, x, y, style_code, styles, pen) if records is None else records
    rec["sourceRect"] = rects[style_code]
    item.data = rec
    if isinstance(item, CloudScatter):
        item.installs += 1
        item.extent_of(rec, x, y)
    item._updateMaxSpotSizes(data=rec)
    item.prepareGeometryChange()
    item.informViewBoundsChanged()
    item.bounds = [None, None]
    item.invalidate()
    item.sigPlotChanged.emit(item)
