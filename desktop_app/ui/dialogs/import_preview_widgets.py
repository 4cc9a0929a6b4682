"""Widgets of the import wizard's preview page: the rows-as-they-will-land table model and
the column-mapping editor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.importing import ImportPreview, fields_for, kinds

_Index = QModelIndex | QPersistentModelIndex


class PreviewTableModel(QAbstractTableModel):
    """The records of one preview as they will land: source row number + canonical fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: Sequence[dict[str, Any]] = []
        self._rows: Sequence[int] = []
        self._fields: list[str] = []
        self._source: dict[str, str] = {}

    def set_preview(self, preview: ImportPreview | None) -> None:
        self.beginResetModel()
        self._source = {}
        if preview is None:
            self._records, self._rows, self._fields = [], [], []
        else:
            self._source = {field: column for column, field in preview.mapping.items()}
            self._records, self._rows = preview.records, preview.row_numbers
            present = {k for r in preview.records[:500] for k in r}
            order = list(fields_for(preview.kind)) if preview.kind in kinds() else []
            self._fields = [f for f in order if f in present] + sorted(present - set(order))
        self.endResetModel()

    # Qt overrides ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return str(self._rows[r])
            return _show(self._records[r].get(self._fields[c - 1]))
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[r] if c == 0 else self._records[r].get(self._fields[c - 1])
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return "Row" if role == Qt.ItemDataRole.DisplayRole else None
        field = self._fields[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return field_label(field)
        if role == Qt.ItemDataRole.ToolTipRole:
            source = self._source.get(field)
            where = f"from the file's column “{source}”" if source else "derived by the import"
            return f"{field_label(field)} ({field}), {where}"
        return None


_WORDS = {"sf": "SF", "id": "ID", "lms": "LMS", "mrr": "MRR", "arr": "ARR", "mau": "MAU",
          "poc": "POC", "nps": "NPS", "pct": "%", "csm": "CSM", "rsm": "RSM"}  # fmt: skip


def field_label(field: str) -> str:
    """A readable header for a canonical field: ``sf_account_id`` -> "SF account ID"."""
    words = [_WORDS.get(w, w) for w in field.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


class MappingEditor(QWidget):
    """One combo per source column → canonical field, a kind, and "save as profile"."""

    applied = Signal(str, object)  # kind, mapping
    save_requested = Signal(str, str, object)  # name, kind, mapping

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItems(list(kinds()))
        self.combos: dict[str, QComboBox] = {}
        self._inner = QWidget(self)
        self._form = QFormLayout(self._inner)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._inner)
        scroll.setMaximumHeight(180)
        self.apply_button = QPushButton("Apply mapping", self)
        self.profile_name = QLineEdit(self)
        self.profile_name.setPlaceholderText("Profile name")
        self.save_button = QPushButton("Save as profile", self)
        self.status = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Column mapping — the file holds:", self))
        top.addWidget(self.kind_combo)
        bottom = QHBoxLayout()
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.profile_name)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.kind_combo.currentTextChanged.connect(self._refill)
        self.apply_button.clicked.connect(lambda: self.applied.emit(self.kind(), self.mapping()))
        self.save_button.clicked.connect(self._save)

    def set_columns(self, columns: list[str], kind: str, mapping: dict[str, str]) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self.combos = {}
        for col in columns:
            combo = QComboBox(self._inner)
            self.combos[col] = combo
            self._form.addRow(col, combo)
        if kind in kinds():
            self.kind_combo.setCurrentText(kind)
        self._refill(self.kind())
        for col, field in mapping.items():
            if col in self.combos:
                self.combos[col].setCurrentText(field)

    def kind(self) -> str:
        return self.kind_combo.currentText()

    def mapping(self) -> dict[str, str]:
        return {c: cb.currentText() for c, cb in self.combos.items() if cb.currentText()}

    def _refill(self, kind: str) -> None:
        for combo in self.combos.values():
            current = combo.currentText()
            combo.clear()
            combo.addItems(["", *fields_for(kind)])
            combo.setCurrentText(current)

    def _save(self) -> None:
        name = self.profile_name.text().strip()
        if name:
            self.save_requested.emit(name, self.kind(), self.mapping())
