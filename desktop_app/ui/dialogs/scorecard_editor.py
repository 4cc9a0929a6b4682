"""Edit the scorecard's weights and thresholds with a live "who changes band" preview."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.scorecard import BandRules, Scorecard, validate_scorecard
from desktop_app.services.database import Store
from desktop_app.services.health import ScorePreviewer, get_active, save_version
from desktop_app.ui import theme
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.workers import Worker, run_task, start

_HEADERS = ("Group / measure", "Weight", "0 points at", "100 points at", "Lower is better")
_EDIT = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_CHECK = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NO_CHANGE_TEXT = "No account changes band with these weights."


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str  # "group" | "measure"
    id: str


class ScorecardTableModel(QAbstractTableModel):
    """Groups (weights summing to 100) each followed by their measures (editable)."""

    scorecardEdited = Signal()

    def __init__(self, card: Scorecard, parent: Any = None) -> None:
        super().__init__(parent)
        self._card = card
        self._rows = self._layout(card)

    @staticmethod
    def _layout(card: Scorecard) -> list[_Row]:
        rows = []
        for g in card.groups:
            rows.append(_Row("group", g.id))
            rows.extend(_Row("measure", m.id) for m in card.measures if m.group == g.id)
        return rows

    @property
    def scorecard(self) -> Scorecard:
        return self._card

    def set_scorecard(self, card: Scorecard) -> None:
        self.beginResetModel()
        self._card = card
        self._rows = self._layout(card)
        self.endResetModel()

    def row_of(self, kind: str, item_id: str) -> int:
        return self._rows.index(_Row(kind, item_id))

    def _item(self, row: int) -> Any:
        r = self._rows[row]
        items = self._card.groups if r.kind == "group" else self._card.measures
        return next(x for x in items if x.id == r.id)

    # ------------------------------------------------------------- Qt overrides
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        kind = self._rows[index.row()].kind
        col = index.column()
        if col == 1 or (kind == "measure" and col in (2, 3)):
            return _EDIT
        if kind == "measure" and col == 4:
            return _CHECK
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        kind, item, col = self._rows[index.row()].kind, self._item(index.row()), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return item.label if kind == "group" else f"    {item.label}"
            if col == 1:
                return float(item.weight)
            if kind == "measure" and col in (2, 3):
                return float(item.high if item.invert == (col == 2) else item.low)
            return None
        if role == Qt.ItemDataRole.CheckStateRole and kind == "measure" and col == 4:
            return Qt.CheckState.Checked if item.invert else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2, 3):
            return int(_RIGHT)
        if role == Qt.ItemDataRole.FontRole and kind == "group":
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 2
    ) -> bool:
        if not index.isValid():
            return False
        r, col = self._rows[index.row()], index.column()
        try:
            card = self._edited(r, col, value, role)
        except (TypeError, ValueError):
            return False
        if card is None:
            return False
        self._card = card
        self.dataChanged.emit(self.index(index.row(), 1), self.index(index.row(), 4), [role])
        self.scorecardEdited.emit()
        return True

    def _edited(self, r: _Row, col: int, value: Any, role: int) -> Scorecard | None:
        card = self._card
        if role == Qt.ItemDataRole.CheckStateRole and col == 4 and r.kind == "measure":
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            m = next(x for x in card.measures if x.id == r.id)
            # keep the thresholds where the user sees them: swap low/high meaning
            return card.with_measure(r.id, invert=checked, low=m.low, high=m.high)
        if role != Qt.ItemDataRole.EditRole:
            return None
        number = float(value)
        if col == 1 and number < 0:
            return None
        if col == 1:
            if r.kind == "group":
                return card.with_group_weight(r.id, number)
            return card.with_measure(r.id, weight=number)
        if r.kind == "measure" and col in (2, 3):
            m = next(x for x in card.measures if x.id == r.id)
            field = "high" if m.invert == (col == 2) else "low"
            return card.with_measure(r.id, **{field: number})
        return None


class PreviewModel(RowsTableModel):
    """Accounts whose band would change (``PreviewRow``): account, old band, new band."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                Column("Account", lambda r: r.name),
                Column("Band now", lambda r: r.old_band),
                Column("Band with these weights", lambda r: r.new_band),
            ),
            parent,
        )


class ScorecardEditor(QDialog):
    """Edit weights and thresholds, preview band changes, save as a named active version.

    Emits ``scorecardChanged`` after a version was saved and activated (rescore then).
    The book the live preview scores is read on a worker (about a second at 10k accounts),
    so the dialog opens at once; ``previewReady`` says when the preview can be computed.
    """

    scorecardChanged = Signal()
    previewReady = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Health scorecard")
        self.store = store
        self.previewer: ScorePreviewer | None = None
        self.saved_version_id: int | None = None
        self._saving = False
        _vid, self.active = get_active(store)
        self.model = ScorecardTableModel(self.active, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.preview_model = PreviewModel(self)
        self.preview_table = QTableView(self)
        self.preview_table.setModel(self.preview_model)
        self.preview_table.verticalHeader().hide()
        self.preview_table.horizontalHeader().setStretchLastSection(True)
        self.preview_empty = QLabel(self)
        self.preview_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_empty.setWordWrap(True)
        self.preview_empty.setStyleSheet(theme.muted_css() + " font-size: 13px;")
        self.preview_stack = QStackedWidget(self)
        self.preview_stack.addWidget(self.preview_table)
        self.preview_stack.addWidget(self.preview_empty)
        self.total_label = QLabel(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.preview_label = QLabel(self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("Version name, e.g. 'Q3 weights: more NPS'")
        self.reset_button = QPushButton("Reset to active", self)
        self.suggest_button = QPushButton("Suggest weights from my churn history…", self)
        self.suggest_button.setToolTip(
            "Fit the weights to this book's own churn, back-tested on its later months"
        )
        self.suggest_button.clicked.connect(self.suggest)
        self.healthy_spin = _spin(self, 0, 100, "score ≥ ", "")
        self.unresponsive_spin = _spin(self, 1, 3650, "more than ", " days")
        self.past_due_spin = _spin(self, 1, 3650, "at least ", " days")
        self._show_bands(self.active.bands)
        for spin in (self.healthy_spin, self.unresponsive_spin, self.past_due_spin):
            spin.valueChanged.connect(self._bands_edited)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton(
            "Save and activate", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self._reset)
        self.model.scorecardEdited.connect(self.refresh)
        self.name_edit.textChanged.connect(self._update_save)
        self._layout()
        self.refresh()
        self._loader = Worker(ScorePreviewer, store, pass_progress=False)
        self._loader.signals.finished.connect(self._preview_loaded)
        self._loader.signals.failed.connect(self.message.setText)
        start(self._loader)

    def _preview_loaded(self, previewer: ScorePreviewer) -> None:
        self.previewer = previewer
        self.refresh()
        self.previewReady.emit()

    def _layout(self) -> None:
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table)
        bands = QFormLayout()
        bands.addRow("Healthy/Stable when", self.healthy_spin)
        bands.addRow("Undefined when the main POC has not replied for", self.unresponsive_spin)
        bands.addRow("Undefined when past due for", self.past_due_spin)
        lv.addLayout(bands)
        lv.addWidget(self.total_label)
        lv.addWidget(self.message)
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.preview_label)
        rv.addWidget(self.preview_stack, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 380])
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Name:", self))
        bottom.addWidget(self.name_edit, 1)
        bottom.addWidget(self.suggest_button)
        bottom.addWidget(self.reset_button)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        fit_to_screen(self, 1000, 560)

    @property
    def problems(self) -> list[str]:
        return validate_scorecard(self.model.scorecard)

    def refresh(self) -> None:
        """Re-validate and recompute the live preview for the edited scorecard."""
        card = self.model.scorecard
        self.total_label.setText(f"Group weights total: {card.group_weight_total():g} / 100")
        problems = self.problems
        self.message.setText("\n".join(problems))
        if problems:
            self.preview_model.set_rows([])
            self.preview_label.setText("Fix the scorecard to see the preview.")
            self.preview_empty.setText("Fix the scorecard to see which accounts change band.")
        elif self.previewer is None:
            self.preview_model.set_rows([])
            self.preview_label.setText("Reading the book for the preview…")
            self.preview_empty.setText("Reading the book for the preview…")
        else:
            rows = self.previewer.compare(card)
            self.preview_model.set_rows(rows)
            self.preview_label.setText(f"{len(rows)} accounts change band")
            self.preview_empty.setText(NO_CHANGE_TEXT)
        has_rows = self.preview_model.rowCount() > 0
        self.preview_stack.setCurrentWidget(self.preview_table if has_rows else self.preview_empty)
        self._update_save()

    def _update_save(self) -> None:
        ready = not self.problems and bool(self.name_edit.text().strip())
        self.save_button.setEnabled(ready and not self._saving)

    def _reset(self) -> None:
        self.load_scorecard(self.active)

    def load_scorecard(self, card: Scorecard, name: str = "") -> None:
        """Show ``card`` for editing (weights, thresholds and band rules) and preview it."""
        self.model.set_scorecard(card)
        self._show_bands(card.bands)
        if name:
            self.name_edit.setText(name)
        self.refresh()

    def _show_bands(self, bands: BandRules) -> None:
        for spin, value in (
            (self.healthy_spin, bands.healthy_min_score),
            (self.unresponsive_spin, bands.unresponsive_days),
            (self.past_due_spin, bands.past_due_min_days),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _bands_edited(self) -> None:
        card = self.model.scorecard
        bands = replace(
            card.bands,
            healthy_min_score=self.healthy_spin.value(),
            unresponsive_days=self.unresponsive_spin.value(),
            past_due_min_days=self.past_due_spin.value(),
        )
        self.model.set_scorecard(replace(card, bands=bands))
        self.refresh()

    def suggest(self) -> None:
        """Fit the weights to the book's churn history; the user reviews them here."""
        from desktop_app.ui.dialogs.fit_dialog import FitDialog

        names = self.previewer.names if self.previewer is not None else None
        dialog = FitDialog(self.store, names, self)
        dialog.useScorecard.connect(lambda card: self.load_scorecard(card, card.name))
        self.fit_dialog = dialog
        dialog.open()

    def save(self) -> None:
        """Save and activate the edited scorecard on the writer; the dialog closes once saved."""
        self._saving = True
        self.save_button.setEnabled(False)
        self.message.setText("Saving…")
        run_task(
            save_version, self.store, self.name_edit.text(), self.model.scorecard,
            activate=True, write=True, done=self._saved, failed=self._not_saved,
        )  # fmt: skip

    def saving(self) -> bool:
        return self._saving

    def _saved(self, vid: int) -> None:
        self._saving = False
        self.saved_version_id = vid
        self.scorecardChanged.emit()
        self.accept()

    def _not_saved(self, message: str) -> None:
        self._saving = False
        self.message.setText(message)
        self._update_save()


def _spin(parent: QWidget, low: float, high: float, prefix: str, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setRange(low, high)
    spin.setDecimals(0)
    spin.setPrefix(prefix)
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)  # one preview per finished edit, not per keystroke
    return spin
