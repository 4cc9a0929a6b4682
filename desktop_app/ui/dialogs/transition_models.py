"""Small table models of the transition wizard: workload, accounts (items), checklist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.domain.transition import ChecklistItem
from desktop_app.services.transitions import TransitionItemView
from desktop_app.services.transitions_plan import ReceiverLoad

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def _bands(mix: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(mix.items()))


class _RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows with declared columns."""

    headers: tuple[str, ...] = ()
    right: tuple[int, ...] = ()  # columns aligned right (amounts)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def value(self, row: Any, column: int) -> Any:
        raise NotImplementedError

    # ------------------------------------------------------------ Qt overrides
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:  # the full text of elided cells
            return str(self.value(self._rows[index.row()], index.column())) or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.value(self._rows[index.row()], index.column())


class WorkloadModel(_RowsModel):
    """One row per receiving CSM: before → after."""

    headers = ("CSM", "Accounts", "ARR", "Renewals ≤60 d", "Bands after", "Capacity")

    def value(self, row: ReceiverLoad, column: int) -> Any:
        return (
            row.csm,
            f"{row.accounts_before} → {row.accounts_after}",
            f"${row.arr_before:,.0f} → ${row.arr_after:,.0f}",
            f"{row.renewals_before} → {row.renewals_after}",
            _bands(row.bands_after),
            "-"
            if row.capacity is None
            else f"{row.capacity}{' (over)' if row.over_capacity else ''}",
        )[column]


class ItemsModel(_RowsModel):
    """One row per account of the transition."""

    headers = ("Account", "From", "To", "Band", "Scenario", "Automated", "Checklist")

    def value(self, row: TransitionItemView, column: int) -> Any:
        return (
            row.account_name,
            row.from_csm or "-",
            row.to_csm or "-",
            row.band or "Undefined",
            row.scenario.value,
            "Yes" if row.plan.automated else "No",
            f"{row.progress:.0%}",
        )[column]


class ChecklistModel(_RowsModel):
    """The checklist of one account; Done is checkable and Answer editable.

    Edits do not change the model directly: ``on_edit(key, done, answer)`` is called (the
    wizard pushes an undo command) and the model is reloaded from the saved state.
    """

    headers = ("Done", "Section", "Question", "Answer")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.on_edit: Callable[[str, bool, str | None], None] | None = None

    def value(self, row: ChecklistItem, column: int) -> Any:
        return ("", row.section, row.question, row.answer or "")[column]

    # ------------------------------------------------------------ Qt overrides
    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item: ChecklistItem = self._rows[index.row()]
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if index.column() == 3 and role == Qt.ItemDataRole.EditRole:
            return item.answer or ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (2, 3):
            return item.question if index.column() == 2 else item.answer
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == 3:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = 2) -> bool:
        if not index.isValid() or self.on_edit is None:
            return False
        item: ChecklistItem = self._rows[index.row()]
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.on_edit(item.key, checked, item.answer)
            return True
        if index.column() == 3 and role == Qt.ItemDataRole.EditRole:
            self.on_edit(item.key, item.done, str(value) or None)
            return True
        return False


class TupleModel(_RowsModel):
    """Rows of plain tuples under the given headers."""

    def __init__(
        self, headers: Sequence[str], parent: Any = None, *, right: Sequence[int] = ()
    ) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.right = tuple(right)

    def value(self, row: tuple[Any, ...], column: int) -> Any:
        return row[column]
