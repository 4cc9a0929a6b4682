"""Why an account has its health score: measure, raw value, points, weight, contribution."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desktop_app.domain.health import HealthExplanation, MeasureLine
from desktop_app.ui import theme
from desktop_app.ui.formatting import measure_name, measure_value
from desktop_app.ui.models.rows_model import Column, Getter, RowsTableModel

MeasureIdRole = Qt.ItemDataRole.UserRole + 1
RawValueRole = Qt.ItemDataRole.UserRole + 2

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DRAG_COLOUR = "#D55E00"  # the Risky vermillion, tinted for the palette in force
_MISSING_BRUSH = QBrush(QColor("#8A8A8A"))


def _points(ln: MeasureLine) -> str:
    return "-" if ln.points is None else f"{ln.points:.0f}"


def _measure_column(
    header: str, text: Callable[[MeasureLine], str], raw: Callable[[MeasureLine], Any]
) -> Column:
    roles: dict[int, Getter] = {MeasureIdRole: attrgetter("measure"), RawValueRole: raw}
    return Column(header, text, None if header == "Measure" else _RIGHT, roles=roles)


_COLUMNS = (
    # Short names: the scorecard's long labels elide to look-alikes ("MAU trend, 3 …" and
    # "MAU trend, 6 …"); the full label is in the row's tooltip.
    _measure_column("Measure", lambda ln: measure_name(ln.measure, ln.label), attrgetter("label")),
    _measure_column("Value", lambda ln: measure_value(ln.measure, ln.raw), attrgetter("raw")),
    _measure_column("Points", _points, attrgetter("points")),
    _measure_column("Weight", lambda ln: f"{ln.weight:.1f}%", attrgetter("weight")),
    _measure_column(
        "Contribution", lambda ln: f"{ln.contribution:.1f}", attrgetter("contribution")
    ),
)


class HealthBreakdownModel(RowsTableModel):
    """One row per measure of an explanation; the dragging measure is highlighted."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            _COLUMNS,
            parent,
            # left out: its weight went to the other measures
            row_foreground=lambda ln: _MISSING_BRUSH if ln.points is None else None,
            row_background=lambda ln: (
                theme.tint_brush(_DRAG_COLOUR) if ln.measure == self._dragging else None
            ),
            row_font=self._font,
            row_tooltip=self._tooltip,
        )
        self._dragging: str | None = None

    def set_explanation(self, explanation: HealthExplanation | None) -> None:
        self._dragging = None if explanation is None else explanation.dragging
        self.set_rows(() if explanation is None else explanation.lines)

    def line(self, row: int) -> MeasureLine:
        line: MeasureLine = self.row(row)
        return line

    def _font(self, ln: MeasureLine) -> QFont | None:
        if ln.measure != self._dragging:
            return None
        font = QFont()
        font.setBold(True)
        return font

    def _tooltip(self, ln: MeasureLine) -> str:
        if ln.measure == self._dragging:
            return f"{ln.label}: drags the score down most, costs {ln.lost:.1f} points"
        if ln.points is None:
            return f"{ln.label}: no data, left out (its weight goes to the others)"
        return f"{ln.label}: costs {ln.lost:.1f} points" if ln.lost > 0 else ln.label


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
        self.changes.setStyleSheet(theme.muted_css())
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
        self.summary.setStyleSheet(
            "" if explanation else theme.muted_css() + " font-style: italic;"
        )
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
        # The rule that set the band comes first: an escalation or a silent POC outranks
        # whichever measure happens to cost the most points.
        parts = [ex.band_reason] if ex.band_reason else []
        parts.append(f"Score {score} · {ex.band.value} · rests on {ex.confidence} measures")
        if ex.override_band:
            parts.append(f"Overridden to {ex.override_band} (computed band shown here)")
        line = ex.dragging_line
        if line is not None and "biggest drag" not in (ex.band_reason or ""):
            parts.append(f"Dragging it down most: {line.label} (−{line.lost:.1f} points)")
        if ex.organic_contraction:
            parts.append("Usage decline tracks the customer's own seats: organic contraction")
        return "\n".join(parts)
