"""One read-only table model over a list of plain rows, with columns declared once (STYLE §2).

A ``Column`` names its header and how a row shows in it (text, alignment, tooltip, colours,
font, extra roles). Row-wide styling (a highlighted row) goes to the model's ``row_*``
callbacks, used where a column declares none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

Index = QModelIndex | QPersistentModelIndex
Getter = Callable[[Any], Any]

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole


@dataclass(frozen=True)
class Column:
    """One column: its header and how a row shows in it.

    ``value`` gives the DisplayRole; ``tooltip``, ``background``, ``foreground`` and ``font``
    return None for "nothing"; colours may be a ``QColor`` (wrapped in a brush) or a ``QBrush``.
    ``roles`` maps custom roles (raw values, ids) to getters.
    """

    header: str
    value: Getter
    align: Qt.AlignmentFlag | None = None
    tooltip: Getter | None = None
    background: Getter | None = None
    foreground: Getter | None = None
    font: Callable[[Any], QFont | None] | None = None
    roles: Mapping[int, Getter] = field(default_factory=dict)
    header_tooltip: str | None = None


def _brush(colour: QBrush | QColor | None) -> QBrush | None:
    return QBrush(colour) if isinstance(colour, QColor) else colour


class RowsTableModel(QAbstractTableModel):
    """A read-only table over ``rows`` (plain dataclasses or tuples), one ``Column`` each."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        row_tooltip: Getter | None = None,
        row_background: Getter | None = None,
        row_foreground: Getter | None = None,
        row_font: Callable[[Any], QFont | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Any] = []
        self._row_tooltip = row_tooltip
        self._row_background = row_background
        self._row_foreground = row_foreground
        self._row_font = row_font

    @property
    def rows(self) -> list[Any]:
        return self._rows

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, i: int) -> Any:
        return self._rows[i]

    def _role_value(self, col: Column, row: Any, role: int) -> Any:
        """The value of ``role`` for ``row`` in ``col`` (no bounds checks)."""
        if role == _DISPLAY:
            return col.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return None if col.align is None else int(col.align)
        if role == Qt.ItemDataRole.ToolTipRole:
            getter = col.tooltip or self._row_tooltip
        elif role == _BACKGROUND:
            getter = col.background or self._row_background
        elif role == _FOREGROUND:
            getter = col.foreground or self._row_foreground
        elif role == Qt.ItemDataRole.FontRole:
            getter = col.font or self._row_font
        else:
            getter = col.roles.get(role)
        if getter is None:
            return None
        value = getter(row)
        return _brush(value) if role in (_BACKGROUND, _FOREGROUND) else value

    # ---------------------------------------------------------------- Qt overrides
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == _DISPLAY:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].header_tooltip
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._role_value(self.columns[index.column()], self._rows[index.row()], role)
