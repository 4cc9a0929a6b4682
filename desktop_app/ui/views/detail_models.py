"""Column declarations of the detail pane's tables (over ``RowsTableModel``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QColor

from desktop_app.ui.models.rows_model import RIGHT, Column

WARN = QColor("#B00020")
CAUTION = QColor("#B35900")


def col(
    header: str,
    text: Callable[[Any], str],
    colour: Callable[[Any], QColor | None] | None = None,
    *,
    right: bool = False,
) -> Column:
    """A detail column: its text is also its tooltip (cells elide), ``colour`` the text's."""
    return Column(header, text, RIGHT if right else None, tooltip=text, foreground=colour)
