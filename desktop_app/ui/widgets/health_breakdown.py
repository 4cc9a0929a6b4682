"""Why an account has its health score: measure, raw value, points, weight, contribution."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_app.domain.health import HealthExplanation, MeasureLine

MeasureIdRole = Qt.ItemDataRole.UserRole + 1
RawValueRole = Qt.ItemDataRole.UserRole + 2

_HEADERS = ("Measure", "Raw value", "Points", "Weight", "Contribution")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DRAG_BRUSH = QBrush(QColor("#F6D8C8"))  # a light tint of the Risky vermillion
_MISSING_BRUSH = QBrush(QColor("#8A8A8A"))


def _fmt_raw(v: float | None) -> str:
    if v is None:
        return "missing"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:.2f}"


class HealthBreakdownModel(QAbstractTableModel):
    """One row per measure of an explanation; the dragging measure is highlighted."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[MeasureLine, ...] = ()
        self._dragging: str | None = None

    def set_explanation(self, explanation: HealthExplanation | None) -> None:
        self.beginResetModel()
        self._lines = () if explanation is None else explanation.lines
        self._dragging = None if explanation is None else explanation.dragging
        self.endResetModel()

    def line(self, row: int) -> MeasureLine:
        return self._lines[row]

    # ------------------------------------------------------------- Qt overrides
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        ln = self._lines[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(ln, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(_RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and ln.points is None:
            return _MISSING_BRUSH  # left out: its weight went to the other measures
        if role == Qt.ItemDataRole.BackgroundRole and ln.measure == self._dragging:
            return _DRAG_BRUSH
        if role == Qt.ItemDataRole.FontRole and ln.measure == self._dragging:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if ln.measure == self._dragging:
                return f"{ln.label}: drags the score down most, costs {ln.lost:.1f} points"
            if ln.points is None:
                return f"{ln.label}: no data, left out (its weight goes to the others)"
            return f"{ln.label}: costs {ln.lost:.1f} points" if ln.lost > 0 else ln.label
        if role == MeasureIdRole:
            return ln.measure
        if role == RawValueRole:
            return (ln.label, ln.raw, ln.points, ln.weight, ln.contribution)[col]
        return None

    @staticmethod
    def _display(ln: MeasureLine, col: int) -> str:
        if col == 0:
            return ln.label
        if col == 1:
            return _fmt_raw(ln.raw)
        if col == 2:
            return "-" if ln.points is None else f"{ln.points:.0f}"
        if col == 3:
            return f"{ln.weight:.1f}%"
        return f"{ln.contribution:.1f}"


class HealthBreakdownWidget(QWidget):
    """A summary line (score, band, confidence) above the measure table.

    ``show_explanation(None, empty)`` shows only the ``empty`` text (unscored accounts);
    ``show_changes`` fills the "what changed since last month" line under the table.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = HealthBreakdownModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.changes = QLabel(self)
        self.changes.setWordWrap(True)
        self.changes.setStyleSheet("color: #555;")
        self.changes.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.changes)
        self.show_explanation(None)

    def show_explanation(
        self, explanation: HealthExplanation | None, empty: str | None = None
    ) -> None:
        self.model.set_explanation(explanation)
        self.summary.setText(
            empty if explanation is None and empty else self.summary_text(explanation)
        )
        self.table.setVisible(explanation is not None)
        self.summary.setStyleSheet("" if explanation else "color: #777; font-style: italic;")
        if explanation is None:
            self.show_changes([], None)

    def fit_all_rows(self) -> None:
        """Make the table exactly as tall as its rows (for a pane that scrolls as a whole)."""
        rows = sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        head = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(head + rows + 2 * self.table.frameWidth())

    def show_changes(
        self, changes: list[tuple[str, float]], explanation: HealthExplanation | None
    ) -> None:
        """The measures that moved the score most since last month (id, contribution delta)."""
        text = self.changes_text(changes, explanation)
        self.changes.setText(text)
        self.changes.setVisible(bool(text))

    @staticmethod
    def changes_text(
        changes: list[tuple[str, float]], explanation: HealthExplanation | None
    ) -> str:
        if not changes:
            return ""
        labels = {ln.measure: ln.label for ln in explanation.lines} if explanation else {}
        parts = [f"{labels.get(m, m)} {d:+.1f}" for m, d in changes]
        return "What changed since last month (points): " + " · ".join(parts)

    @staticmethod
    def summary_text(ex: HealthExplanation | None) -> str:
        if ex is None:
            return "No health score yet for this account."
        score = "-" if ex.score is None else f"{ex.score:.0f}"
        parts = [f"Score {score} · {ex.band.value} · rests on {ex.confidence} measures"]
        if ex.override_band:
            parts.append(f"Overridden to {ex.override_band} (computed band shown here)")
        line = ex.dragging_line
        if line is not None:
            parts.append(f"Dragging it down most: {line.label} (−{line.lost:.1f} points)")
        if ex.organic_contraction:
            parts.append("Usage decline tracks the customer's own seats: organic contraction")
        return "\n".join(parts)
