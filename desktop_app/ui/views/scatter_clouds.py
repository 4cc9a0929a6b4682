"""The chart's point clouds: the whole book's, kept while a filter shows the other.

Clearing a filter then hands no points to pyqtgraph and paints none: the whole book's cloud
is shown again from its cached pixmap (100k accounts: the install was 22-30 ms and the paint
of every point 30-60 ms). The cloud not shown is transparent, not hidden: Qt drops an item's
cached pixmap when it is hidden, never when its opacity is 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QGuiApplication, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem

from desktop_app.ui.views.scatter_items import Style
from desktop_app.ui.views.scatter_model import ScatterModel
from desktop_app.ui.views.scatter_points import CloudScatter, install_points


class BookClouds:
    """Two ``CloudScatter`` items: ``whole`` (every account of the model, installed once per
    model and style tier) and ``part`` (the filtered accounts, installed per mask)."""

    def __init__(self, pen: Any) -> None:
        self.whole = CloudScatter(pxMode=True, pen=pen)
        self.part = CloudScatter(pxMode=True, pen=pen)
        for cloud in self.items():
            # Each cloud is painted into a pixmap once per change of data or view: the
            # hover ring and the selection rings above it repaint their own rectangles.
            cloud.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.part.setOpacity(0.0)
        _room_for_two_pixmaps()
        self.shown = self.whole
        #: Point sets handed over (whole book and filtered; clearing one is not counted).
        self.installs = 0
        self._whole_of: tuple[ScatterModel, list[Style]] | None = None

    def items(self) -> tuple[CloudScatter, CloudScatter]:
        return self.whole, self.part

    def show(
        self,
        model: ScatterModel,
        vis: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        styles: list[Style],
        pen: Any,
        records: np.ndarray | None = None,
    ) -> None:
        """Show the points of rows ``vis`` of ``model`` (at ``x``, ``y``). ``records``: the
        whole book's point records, built on a worker (``scatter_points.point_records``)."""
        whole, part = self.whole, self.part
        if self._whole_of is not None and self._whole_of[0] is not model:
            self._whole_of = None  # another book or axis: free the old book's points
            _clear(whole, styles, pen)
        if vis.size and vis.size == len(model):
            if self._whole_of is None or self._whole_of[1] is not styles:
                install_points(whole, x, y, model.style_code, styles, pen, records)
                self._whole_of = (model, styles)
                self.installs += 1
            shown, hidden = whole, part
        else:
            install_points(part, x, y, model.style_code[vis], styles, pen)
            self.installs += 1
            shown, hidden = part, whole
        if shown is not self.shown:
            shown.setOpacity(1.0)
            hidden.setOpacity(0.0)
            self.shown = shown
        if shown is whole and len(part.data):
            _clear(part, styles, pen)  # the filtered points are not kept once unfiltered


def _room_for_two_pixmaps() -> None:
    """Qt keeps item pixmaps in ``QPixmapCache`` (10 MB by default): make room for both
    clouds at the size of the screen, or the whole book's pixmap would be dropped while a
    filter is shown (the cache only holds what is drawn: a 1400x430 chart is 2.4 MB each)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return
    size, dpr = screen.size(), screen.devicePixelRatio()
    need_kb = int(2 * size.width() * size.height() * dpr * dpr * 4 / 1024) + 2048
    if QPixmapCache.cacheLimit() < need_kb:
        QPixmapCache.setCacheLimit(need_kb)


def _clear(cloud: CloudScatter, styles: list[Style], pen: Any) -> None:
    empty = np.empty(0, dtype=np.float64)
    install_points(cloud, empty, empty, np.empty(0, dtype=np.int64), styles, pen)
