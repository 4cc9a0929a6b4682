"""The account table: a QAbstractTableModel over the book's column arrays.

The model holds ``BookColumns`` and a row order (indices into the book). Filtering and
sorting are numpy masks and argsorts done in services.portfolio; the model only serves
the rows it is given. Cells are formatted lazily, for the rows Qt asks about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.services.portfolio import BookColumns, row_order
from desktop_app.ui import theme

AccountIdRole = Qt.ItemDataRole.UserRole + 1
RawValueRole = Qt.ItemDataRole.UserRole + 2
BandRole = Qt.ItemDataRole.UserRole + 3

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


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
    """Rows are ``order[i]`` indices into the book's column arrays."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._book = BookColumns.empty()
        self._mask = np.ones(0, dtype=bool)
        self._order = np.empty(0, dtype=np.int64)
        self._cols: dict[str, Any] = {}
        self._sort: tuple[str | None, bool] = (None, True)
        self._band_brushes: dict[str, QBrush] = {}
        self._muted = QBrush(QColor("#777777"))
        self.update_colours()

    # ------------------------------------------------------------------ feeding
    @property
    def book(self) -> BookColumns:
        return self._book

    @property
    def order(self) -> np.ndarray:
        return self._order

    @property
    def sort_state(self) -> tuple[str | None, bool]:
        return self._sort

    def update_colours(self) -> None:
        """Band tints and muted text for the palette in force (light or dark)."""
        self._band_brushes = {b.value: theme.tint_brush(BAND_COLOURS[b]) for b in HealthBand}
        self._muted = QBrush(theme.blend(theme.chart_foreground(), theme.chart_background(), 0.55))

    def set_book(self, book: BookColumns, mask: np.ndarray | None = None) -> None:
        """Replace the whole book (after a load, an import or a rescore)."""
        self.update_colours()
        self.beginResetModel()
        self._book = book
        # Derived columns are computed once per book, not per cell.
        self._cols = {c.key: getattr(book, c.key) for c in COLUMNS}
        self._overridden = book.override_band != None  # noqa: E711
        self._mask = np.ones(len(book), dtype=bool) if mask is None else mask
        self._order = row_order(book, self._mask, self._sort[0], self._sort[1])
        self.endResetModel()

    def set_mask(self, mask: np.ndarray) -> None:
        """Show only the rows in ``mask`` (same mask as the chart), keeping the sort."""
        self.beginResetModel()
        self._mask = mask
        self._order = row_order(self._book, mask, self._sort[0], self._sort[1])
        self.endResetModel()

    def account_id(self, row: int) -> int:
        return int(self._book.account_id[self._order[row]])

    def rows_for_accounts(self, account_ids: np.ndarray) -> np.ndarray:
        """Model rows showing these accounts (those filtered out are skipped)."""
        if len(self._order) == 0 or len(account_ids) == 0:
            return np.empty(0, dtype=np.int64)
        wanted = np.isin(self._book.account_id[self._order], account_ids)
        return np.flatnonzero(wanted)

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
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < self._order.shape[0] and 0 <= column < len(COLUMNS)):
            return None
        i = self._order[row]
        col = COLUMNS[column]
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
            return int(self._book.account_id[i])
        if role == RawValueRole:
            value = self._cols[col.key][i]
            return value.item() if hasattr(value, "item") else value
        if role == BandRole:
            return self._cols["band"][i]
        if role == Qt.ItemDataRole.BackgroundRole and col.key == "band":
            return self._band_brushes.get(self._cols["band"][i])
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "band" and self._overridden[i]:
            return (
                f"Override: {self._book.override_band[i]} "
                f"(computed: {self._book.computed_band[i] or 'not scored'})"
            )
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].key
        ascending = order == Qt.SortOrder.AscendingOrder
        self.sort_by(key, ascending)

    def sort_by(self, key: str | None, ascending: bool = True) -> None:
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        self._sort = (key, ascending)
        self._order = row_order(self._book, self._mask, key, ascending)
        persistent = self.persistentIndexList()
        if persistent:
            # Same rows, new positions: map each persistent index through the book index.
            new_row_of = np.empty(len(self._book), dtype=np.int64)
            new_row_of[self._order] = np.arange(len(self._order))
            new = [
                self.index(int(new_row_of[old_order[idx.row()]]), idx.column())
                for idx in persistent
            ]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()
