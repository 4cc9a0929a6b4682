"""The account table: a QAbstractTableModel over the book's column arrays.

The model holds ``BookColumns`` and a row order (indices into the book). Filtering and
sorting are numpy masks and argsorts done in services.book.portfolio; the model only serves
the rows it is given. Cells are formatted lazily, for the rows Qt asks about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.domain.book import BookColumns
from desktop_app.ui import theme
from desktop_app.ui.book_state import BookState

AccountIdRole = Qt.ItemDataRole.UserRole + 1
RawValueRole = Qt.ItemDataRole.UserRole + 2
BandRole = Qt.ItemDataRole.UserRole + 3

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_USER = int(Qt.ItemDataRole.UserRole.value)
_ALIGN_INT = {_RIGHT: int(_RIGHT.value), _LEFT: int(_LEFT.value)}


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _money(v: float) -> str:
    return "" if np.isnan(v) else f"${v:,.0f}"


def _int(v: float) -> str:
    return "" if np.isnan(v) else f"{int(v):,}"


def _score(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.0f}"


def _pct(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.0%}"


def _date(v: np.datetime64) -> str:
    return "" if np.isnat(v) else str(v)


def _tint(hex_colour: str, strength: float = 0.35) -> QColor:
    """The band colour blended with white: readable black text on a clear hue."""
    c = QColor(hex_colour)
    mix = [round(255 - (255 - v) * strength) for v in (c.red(), c.green(), c.blue())]
    return QColor(*mix)


@dataclass(frozen=True)
class AccountColumn:
    key: str  # BookColumns attribute / sort key
    header: str
    fmt: Callable[[Any], str]
    align: Qt.AlignmentFlag
    tooltip: str = ""

    @property
    def align_int(self) -> int:
        return _ALIGN_INT[self.align]


COLUMNS: tuple[AccountColumn, ...] = (
    AccountColumn("name", "Account", _text, _LEFT),
    AccountColumn("owner", "Owner (CSM)", _text, _LEFT),
    AccountColumn("band", "Health band", _text, _LEFT, "SOP category (override shown with ✎)"),
    AccountColumn("health_score", "Score", _score, _RIGHT, "Health score 0–100"),
    AccountColumn("mau", "MAU", _int, _RIGHT, "Monthly active users, latest month"),
    AccountColumn("seats", "Seats", _int, _RIGHT, "Licensed seats"),
    AccountColumn("utilisation", "Util.", _pct, _RIGHT, "MAU / licensed seats"),
    AccountColumn("mrr", "MRR", _money, _RIGHT),
    AccountColumn("arr", "ARR", _money, _RIGHT),
    AccountColumn("renewal_date", "Renewal", _date, _LEFT),
    AccountColumn("days_to_renewal", "Days left", _int, _RIGHT, "Days until the renewal date"),
    AccountColumn("open_tickets", "Open tickets", _int, _RIGHT),
    AccountColumn("lifecycle", "Lifecycle", _text, _LEFT),
    AccountColumn("segment", "Segment", _text, _LEFT),
    AccountColumn("team_lead", "Team lead", _text, _LEFT),
    AccountColumn("sf_account_id", "SF Account ID", _text, _LEFT),
    AccountColumn("lms_id", "LMS ID", _text, _LEFT),
    AccountColumn("recurly_id", "Recurly ID", _text, _LEFT),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


class AccountTableModel(QAbstractTableModel):
    """Rows are ``order[i]`` indices into the book's column arrays (the state's book).

    The model keeps no book of its own: it follows ``state`` (book, mask, sort) and keeps
    only what it derives for painting (the row order, formatted-column arrays).
    """

    def __init__(self, state: BookState, parent: Any = None) -> None:
        super().__init__(parent)
        self._state = state
        self._order = np.empty(0, dtype=np.int64)
        self._cols: dict[str, Any] = {}
        self._overridden = np.zeros(0, dtype=bool)
        self._band_brushes: dict[str, QBrush] = {}
        self._muted = QBrush(QColor("#777777"))
        self.update_colours()
        self._derive()
        self._order = state.order()
        state.bookReplaced.connect(self._book_replaced)
        state.accountsChanged.connect(self._accounts_changed)
        state.maskChanged.connect(self._mask_changed)
        state.sortChanged.connect(self._sort_changed)

    # ------------------------------------------------------------------ reading
    @property
    def book(self) -> BookColumns:
        return self._state.book

    @property
    def order(self) -> np.ndarray:
        return self._order

    @property
    def sort_state(self) -> tuple[str | None, bool]:
        return self._state.sort

    def update_colours(self) -> None:
        """Band tints and muted text for the palette in force (light or dark)."""
        self._band_brushes = {b.value: theme.tint_brush(BAND_COLOURS[b]) for b in HealthBand}
        self._muted = QBrush(theme.blend(theme.chart_foreground(), theme.chart_background(), 0.55))

    def account_id(self, row: int) -> int:
        return int(self._state.book.account_id[self._order[row]])

    def rows_for_accounts(self, account_ids: np.ndarray) -> np.ndarray:
        """Model rows showing these accounts (those filtered out are skipped)."""
        if len(self._order) == 0 or len(account_ids) == 0:
            return np.empty(0, dtype=np.int64)
        wanted = np.isin(self._state.book.account_id[self._order], account_ids)
        return np.flatnonzero(wanted)

    # ------------------------------------------------------------------ following the state
    def _derive(self) -> None:
        book = self._state.book
        # Derived columns are computed once per book, not per cell.
        self._cols = {c.key: getattr(book, c.key) for c in COLUMNS}
        self._overridden = book.override_band != None  # noqa: E711

    def _book_replaced(self) -> None:
        self.update_colours()
        self.beginResetModel()
        self._derive()
        self._order = self._state.order()
        self.endResetModel()

    def _mask_changed(self) -> None:
        self.beginResetModel()
        self._order = self._state.order()
        self.endResetModel()

    def _accounts_changed(self, ids: np.ndarray) -> None:
        """A few accounts changed: repaint their rows; re-order only if their place moved."""
        self._derive()
        order = self._state.order()
        if not np.array_equal(order, self._order):
            self._relayout(order)
            return
        rows = self.rows_for_accounts(ids)
        last = len(COLUMNS) - 1
        for row in rows.tolist():
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def _sort_changed(self) -> None:
        self._relayout(self._state.order())

    def _relayout(self, new_order: np.ndarray) -> None:
        """Same or fewer rows, new positions: keep persistent indexes (the selection)."""
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        self._order = new_order
        persistent = self.persistentIndexList()
        if persistent:
            new_row_of = np.full(len(self._state.book), -1, dtype=np.int64)
            new_row_of[new_order] = np.arange(len(new_order))
            new = []
            for idx in persistent:
                old = idx.row()
                row = int(new_row_of[old_order[old]]) if old < len(old_order) else -1
                new.append(self.index(row, idx.column()) if row >= 0 else QModelIndex())
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ Qt overrides
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else int(self._order.shape[0])

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._cell(index, role)

    def multiData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,
    ) -> None:
        """Every role the delegate asks for, in one call into Python per cell.

        Qt's default calls ``data()`` once per role (seven per painted cell), each a C++ to
        Python entry that takes the GIL: a paint of the table was ~5,000 of them, and each
        waited for the GIL behind the loading workers (the table's first paints: 140-250 ms
        of stall). One entry per cell: ~800."""
        span: Any = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        where = self._where(index)  # the cell is resolved once, not once per role
        if where is None:
            for role_data in span:
                role_data.setData(None)
            return
        i, col = where
        # The delegate asks seven roles per painted cell; most columns answer two of them
        # (text, alignment). Those are answered here, as plain ints, without the general
        # lookup (a table paint after a filter: ~40% less Python per cell).
        general = col.key == "band"
        for role_data in span:  # a span iterates its QModelRoleData (not in the stubs)
            role = role_data.role()
            if role == _DISPLAY and not general:
                role_data.setData(col.fmt(self._cols[col.key][i]))
            elif role == _ALIGN:
                role_data.setData(col.align_int)
            elif general or role >= _USER:
                role_data.setData(self._value(i, col, role))
            else:  # font, colours, check state, icon, tooltip: only the band column has them
                role_data.setData(None)

    def _where(
        self, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[int, AccountColumn] | None:
        """(book row, column) of a table cell, or None outside the table."""
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < self._order.shape[0] and 0 <= column < len(COLUMNS)):
            return None
        return int(self._order[row]), COLUMNS[column]

    def _cell(self, index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
        where = self._where(index)
        return None if where is None else self._value(*where, role)

    def _value(self, i: int, col: AccountColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            text = col.fmt(self._cols[col.key][i])
            if col.key == "band":
                if self._overridden[i]:
                    return f"{text} ✎"
                if not text:
                    return "churned" if self._cols["lifecycle"][i] == "churned" else "not scored"
            return text
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col.key == "band"
            and not self._cols["band"][i]
        ):
            return self._muted
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align)
        if role == AccountIdRole:
            return int(self._state.book.account_id[i])
        if role == RawValueRole:
            value = self._cols[col.key][i]
            return value.item() if hasattr(value, "item") else value
        if role == BandRole:
            return self._cols["band"][i]
        if role == Qt.ItemDataRole.BackgroundRole and col.key == "band":
            return self._band_brushes.get(self._cols["band"][i])
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "band":
            return self._band_tooltip(i)
        return None

    def _band_tooltip(self, i: int) -> str | None:
        """Why the account has its band: the override if any, and the scoring rule's reason."""
        book = self._state.book
        lines = []
        if self._overridden[i]:
            lines.append(
                f"Override: {book.override_band[i]} "
                f"(computed: {book.computed_band[i] or 'not scored'})"
            )
        reason = book.band_reason[i]
        if reason:
            lines.append(f"{'Computed band' if lines else 'Why'}: {reason}")
        return "\n".join(lines) or None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_by(COLUMNS[column].key, order == Qt.SortOrder.AscendingOrder)

    def sort_by(self, key: str | None, ascending: bool = True) -> None:
        self._state.set_sort(key, ascending)
