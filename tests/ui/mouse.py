"""A real mouse move over a chart, delivered straight to its viewport.

The window-system path (QTest.mouseMove) depends on where earlier tests left the cursor and
is not deterministic offscreen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from desktop_app.ui.views.scatter import PortfolioScatter


def move_to(chart: PortfolioScatter, point: QPointF) -> None:
    """Move the mouse over view point ``point`` (data coordinates) of ``chart``."""
    pos = chart._glw.mapFromScene(chart.view().mapViewToScene(point))
    viewport = chart._glw.viewport()
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, move)
