"""The chart's point items: the cloud item and how points are handed to pyqtgraph.

``install_points`` gives a ``ScatterPlotItem`` its points as pyqtgraph's own record array,
built from numpy without its per-point Python loops (the records of a big book on a worker:
``point_records``); ``CloudScatter`` draws them from pyqtgraph's symbol atlas with less
numpy than pyqtgraph's paint (pixel for pixel the same), and a big cloud's first paint in
bands over GUI-thread passes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui.views.scatter_items import PassiveScatter

#: A cached cloud keeps pyqtgraph's paint buffer only up to this many points.
_KEEP_FRAGMENTS = 10_000


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
        if self.on_paint is not None and self._reveal is None:
            self.on_paint()

    # ---------------------------------------------------------------- first paint in bands
    def reveal(self, bands: int) -> None:
        """Draw the points in ``bands`` vertical bands of about as many points each over the
        next paints: the next paint draws the first band's points, and each
        :meth:`reveal_more` adds a band (a 100k-point cloud's first paint, ~25 ms of
        ``drawPixmapFragments`` and numpy, split over GUI-thread passes). ``on_paint`` is
        called once every band is drawn.

        Every pixel ends as one paint of the whole cloud makes it: a band's paint draws the
        points reaching into it, in their order, and Qt clears and repaints the band's part
        of the cached pixmap (``update(rect)`` on a cached item repaints that part only,
        clipped to it); a point reaching over a band's edge is drawn again with the next.
        """
        view = self.viewRect()
        if bands < 2 or view is None or not len(self.data):
            self._reveal = None
            return
        br = self.boundingRect()
        right = max(view.right(), br.right())
        top, bottom = min(view.top(), br.top()), max(view.bottom(), br.bottom())
        # Bands of about as many points each (x quantiles of a sample of the points).
        xs = self.data["x"]
        sample = xs[:: max(1, len(xs) // 8192)]
        sample = sample[np.isfinite(sample)]
        if not sample.size:
            self._reveal = None
            return
        # (A sort, not np.quantile: its first call imports numpy.ma, ~25 ms.)
        ordered = np.sort(sample)
        cuts = ordered[(np.arange(1, bands) * ordered.size) // bands]
        edges = sorted({float(c) for c in cuts if float(c) < right})
        if not edges:
            self._reveal = None
            return
        self._reveal = _Reveal(weakref.ref(self.data), view, edges, top, bottom, right)

    def reveal_more(self) -> bool:
        """Add the next band (see :meth:`reveal`); False once every band is drawn."""
        r = self._reveal
        if r is None:
            return False
        if r.data() is not self.data:  # other points meanwhile: drawn whole
            self._reveal = None
            return False
        edge = r.edges.pop(0)
        nxt = r.edges[0] if r.edges else r.right
        if not r.edges:
            self._reveal = None
        if self._reveal is None and self.viewRect() != r.view:
            self.update()  # the view moved meanwhile: the bands are no longer the view's
        else:
            self.update(QRectF(edge, r.top, nxt - edge, r.bottom - r.top))
        return True

    def revealing(self) -> bool:
        """True while some band of the points is still to be drawn (see :meth:`reveal`)."""
        return self._reveal is not None

    _reveal: _Reveal | None = None

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
        elif (plain := self._plain_xy()) is not None:
            x, y = plain  # the same values, contiguous (the records' fields are strided)
        reach = self._reach(p, tr)
        p.resetTransform()
        dpr = atlas.devicePixelRatio()
        # Device positions: ``x * m11 + m31`` as pyqtgraph's 2x3 mapping computes them.
        fx = x * tr.m11()
        fx += tr.m31()
        fy = y * tr.m22()
        fy += tr.m32()
        if not inside:  # as pyqtgraph does (a point far outside the view)
            np.clip(fx, -(2**30), 2**30, out=fx)
            np.clip(fy, -(2**30), 2**30, out=fy)
        if reach is not None:
            # Only the points reaching into the region painted (a band, a clip): the others
            # would be clipped away or are not yet to be drawn. Their order is kept.
            pad = float(atlas.maxWidth) + 2.0  # more than half of any symbol (these units)
            x0, x1, y0, y1 = reach
            keep = (fx > x0 - pad) & (fx < x1 + pad)
            if y0 > -(2**30) or y1 < 2**30:
                keep &= (fy > y0 - pad) & (fy < y1 + pad)
            if not keep.all():
                fx, fy, src = fx[keep], fy[keep], src[keep]
        self._pixmapFragments.resize(src.size)
        frags = self._pixmapFragments.ndarray()
        frags[:, 0] = fx
        frags[:, 1] = fy
        frags[:, 2:6] = _rects(src)  # sx, sy, sw, sh
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        # (fragments, count, pixmap: the stub knows the list form only)
        p.drawPixmapFragments(*self._pixmapFragments.drawargs(), atlas.pixmap)  # type: ignore[call-arg]
        return True

    def _reach(self, p: QPainter, tr: QTransform) -> tuple[float, float, float, float] | None:
        """(left, right, top, bottom) in device pixels of what this paint may draw: the
        painter's clip (Qt repainting part of the cached pixmap) and, while the points are
        revealed in bands, the bands drawn so far; None: everything."""
        big = float(2**30)
        x0, x1, y0, y1 = -big, big, -big, big
        if p.hasClipping():
            clip = tr.mapRect(p.clipBoundingRect())  # the clip in the painter's coordinates
            x0, x1, y0, y1 = clip.left(), clip.right(), clip.top(), clip.bottom()
        r = self._reveal
        if r is not None and r.data() is self.data and tr.m11() > 0:
            x1 = min(x1, r.edges[0] * tr.m11() + tr.m31())
        if (x0, x1, y0, y1) == (-big, big, -big, big):
            return None
        return x0, x1, y0, y1

    def extent_of(self, data: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
        """Note that ``data`` (every point visible) holds the points at ``x``, ``y``: their
        extent, and their positions while the caller keeps these arrays, are read from them
        rather than from the records' strided fields at paint time."""
        if x.size:
            bounds = (float(x.min()), float(x.max()), float(y.min()), float(y.max()))
            self._extent = _Extent(weakref.ref(data), bounds, weakref.ref(x), weakref.ref(y))

    def _known(self) -> _Extent | None:
        known = self._extent
        return known if known is not None and known.data() is self.data else None

    def _plain_xy(self) -> tuple[np.ndarray, np.ndarray] | None:
        known = self._known()
        if known is None:
            return None
        x, y = known.x(), known.y()
        return None if x is None or y is None else (x, y)

    def _inside(self, view: QRectF) -> bool:
        """True if every point lies inside ``view`` and is visible: pyqtgraph's cull would
        keep them all (a NaN or infinite coordinate makes this False)."""
        d = self.data
        known = self._known()
        if known is not None:
            x0, x1, y0, y1 = known.bounds
        else:  # points given to pyqtgraph itself (setData)
            x0, x1 = d["x"].min(), d["x"].max()
            y0, y1 = d["y"].min(), d["y"].max()
            if not d["visible"].all():
                return False
        return bool(
            view.left() < x0 and x1 < view.right() and view.top() < y0 and y1 < view.bottom()
        )

    _extent: _Extent | None = None

    # ---------------------------------------------------------------- pyqtgraph overrides
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> Any:
        """pyqtgraph's, from the known extent of installed points when it can (its own
        ``nanmin``/``nanmax`` read the records' strided fields: ~2 ms each at 100k)."""
        known = self._known()
        if frac >= 1.0 and orthoRange is None and known is not None and self.bounds[ax] is None:
            lo, hi = known.bounds[2 * ax : 2 * ax + 2]
            if np.isfinite(lo) and np.isfinite(hi):  # else nanmin/nanmax differ: pyqtgraph's
                pad = self._maxSpotWidth * 0.7072
                self.bounds[ax] = (lo - pad, hi + pad)
        return super().dataBounds(ax, frac, orthoRange)


@dataclass
class _Extent:
    """Installed points' extent (x min, x max, y min, y max) and plain position arrays."""

    data: weakref.ref[np.ndarray]
    bounds: tuple[float, float, float, float]
    x: weakref.ref[np.ndarray]
    y: weakref.ref[np.ndarray]


@dataclass
class _Reveal:
    """A cloud's points being drawn in bands (``CloudScatter.reveal``): the points they are
    for, the view they divide, the item x of each band's left edge still to draw, and the
    vertical reach and right end of the bands (item coordinates)."""

    data: weakref.ref[np.ndarray]
    view: QRectF
    edges: list[float]
    top: float
    bottom: float
    right: float


def _rects(src: np.ndarray) -> np.ndarray:
    """``src`` (records' ``sourceRect`` fields: x, y, w, h) as an (n, 4) integer array,
    without a copy for a field of a record array (one strided copy later, not four)."""
    sub = src.dtype
    names = ("x", "y", "w", "h")
    if (
        src.ndim == 1
        and sub.names == names
        and sub.itemsize == 32
        and all(sub[name] == np.dtype(np.int64) for name in names)
    ):
        return np.lib.stride_tricks.as_strided(
            src["x"], shape=(src.shape[0], 4), strides=(src.strides[0], 8)
        )
    return np.stack([src[name] for name in ("x", "y", "w", "h")], axis=1)


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
