"""Small table models of the transition wizard: workload, accounts (items), checklist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop_app.domain.transition import ChecklistItem
from desktop_app.services.transitions import ReceiverLoad
from desktop_app.ui.formatting import money
from desktop_app.ui.models.rows_model import RIGHT, Column, Getter, RowsTableModel

Index = QModelIndex | QPersistentModelIndex


def _bands(mix: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(mix.items()))


def _column(header: str, value: Getter, *, right: bool = False, **kwargs: Any) -> Column:
    """A transition column: the tooltip shows the full text of elided cells."""
    kwargs.setdefault("tooltip", lambda r: str(value(r)) or None)
    return Column(header, value, RIGHT if right else None, **kwargs)


def _capacity(row: ReceiverLoad) -> str:
    if row.capacity is None:
        return "-"
    return f"{row.capacity}{' (over)' if row.over_capacity else ''}"


_WORKLOAD_COLUMNS = (
    _column("CSM", lambda r: r.csm),
    _column("Accounts", lambda r: f"{r.accounts_before} → {r.accounts_after}"),
    _column("ARR", lambda r: f"{money(r.arr_before)} → {money(r.arr_after)}"),
    _column("Renewals ≤60 d", lambda r: f"{r.renewals_before} → {r.renewals_after}"),
    _column("Bands after", lambda r: _bands(r.bands_after)),
    _column("Capacity", _capacity),
)
_ITEM_COLUMNS = (
    _column("Account", lambda r: r.account_name),
    _column("From", lambda r: r.from_csm or "-"),
    _column("To", lambda r: r.to_csm or "-"),
    _column("Band", lambda r: r.band or "Undefined"),
    _column("Scenario", lambda r: r.scenario.value),
    _column("Automated", lambda r: "Yes" if r.plan.automated else "No"),
    _column("Checklist", lambda r: f"{r.progress:.0%}"),
)
_CHECKLIST_COLUMNS = (
    _column(
        "Done",
        lambda r: "",
        roles={
            Qt.ItemDataRole.CheckStateRole: lambda r: (
                Qt.CheckState.Checked if r.done else Qt.CheckState.Unchecked
            )
        },
    ),
    _column("Section", lambda r: r.section),
    _column("Question", lambda r: r.question, tooltip=lambda r: r.question),
    _column(
        "Answer",
        lambda r: r.answer or "",
        tooltip=lambda r: r.answer,
        roles={Qt.ItemDataRole.EditRole: lambda r: r.answer or ""},
    ),
)


class WorkloadModel(RowsTableModel):
    """One row per receiving CSM (``ReceiverLoad``): before → after."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_WORKLOAD_COLUMNS, parent)


class ItemsModel(RowsTableModel):
    """One row per account of the transition (``TransitionItemView``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_ITEM_COLUMNS, parent)


class ChecklistModel(RowsTableModel):
    """The checklist of one account; Done is checkable and Answer editable.

    Edits do not change the model directly: ``on_edit(key, done, answer)`` is called (the
    wizard pushes an undo command) and the model is reloaded from the saved state.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_CHECKLIST_COLUMNS, parent)
        self.on_edit: Callable[[str, bool, str | None], None] | None = None

    # ------------------------------------------------------------ Qt overrides
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
        item: ChecklistItem = self.row(index.row())
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.on_edit(item.key, checked, item.answer)
            return True
        if index.column() == 3 and role == Qt.ItemDataRole.EditRole:
            self.on_edit(item.key, item.done, str(value) or None)
            return True
        return False


class TupleModel(RowsTableModel):
    """Rows of plain tuples under the given headers."""

    def __init__(
        self, headers: Sequence[str], parent: Any = None, *, right: Sequence[int] = ()
    ) -> None:
        columns = [_column(h, itemgetter(i), right=i in right) for i, h in enumerate(headers)]
        super().__init__(columns, parent)
