"""Export the portfolio chart as PNG (pyqtgraph ImageExporter) or SVG (QSvgGenerator)."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter


def export_chart(glw: pg.GraphicsLayoutWidget, path: str, vector_items: Sequence[object]) -> None:
    """Write the chart shown by ``glw`` to ``path`` (.svg → SVG, anything else → PNG)."""
    if path.lower().endswith(".svg"):
        _export_svg(glw, path, vector_items)
        return
    from pyqtgraph.exporters import ImageExporter

    exporter = ImageExporter(glw.scene())
    exporter.parameters()["width"] = max(int(glw.width()) * 2, 1200)
    exporter.export(path)


def _export_svg(glw: pg.GraphicsLayoutWidget, path: str, vector_items: Sequence[object]) -> None:
    # pyqtgraph's SVGExporter fails on closed paths with Qt 6 (pyqtgraph issue #3495), so
    # render the scene with QSvgGenerator; export mode draws each symbol as a vector.
    from PySide6.QtSvg import QSvgGenerator

    rect = glw.viewport().rect()
    src = glw.mapToScene(rect).boundingRect()
    gen = QSvgGenerator()
    gen.setFileName(path)
    gen.setSize(rect.size())
    gen.setViewBox(QRectF(rect))
    gen.setTitle("Account Desk portfolio")
    for item in vector_items:
        item.setExportMode(True, {"antialias": True})  # type: ignore[attr-defined]
    painter = QPainter(gen)
    try:
        glw.scene().render(painter, QRectF(rect), src)
    finally:
        painter.end()
        for item in vector_items:
            item.setExportMode(False)  # type: ignore[attr-defined]
