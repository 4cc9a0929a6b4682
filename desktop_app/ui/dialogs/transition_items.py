"""The wizard's third page: each account's scenario (changeable with a reason) and checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_app.domain.transition import Scenario
from desktop_app.services.transitions import TransitionItemView, TransitionView
from desktop_app.ui.dialogs.transition_models import ChecklistModel, ItemsModel
from desktop_app.ui.dialogs.transition_pages import _table, fit_columns

if TYPE_CHECKING:
    from desktop_app.ui.dialogs.transition_wizard import TransitionWizard


class ItemsPage(QWizardPage):
    """Scenario per account (changeable with a reason) and the checklist with progress."""

    def __init__(self, wizard: TransitionWizard):
        super().__init__(wizard)
        self.setTitle("Scenario and checklist per account")
        self._wizard = wizard
        self.items_model = ItemsModel(self)
        self.items_view = _table(self, self.items_model)
        self.checklist_model = ChecklistModel(self)
        self.checklist_model.on_edit = wizard.edit_checklist
        self.checklist_view = _table(self, self.checklist_model)
        self.scenario_combo = QComboBox(self)
        self.scenario_combo.addItems([s.value for s in Scenario])
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText("Reason for changing the scenario")
        self.apply_button = QPushButton("Change scenario", self)
        self.apply_button.clicked.connect(self._apply_scenario)
        self.plan_text = QPlainTextEdit(self)
        self.plan_text.setReadOnly(True)
        self.progress_label = QLabel(self)
        row = QHBoxLayout()
        row.addWidget(self.scenario_combo, 1)
        row.addWidget(self.apply_button)
        fit_columns(self.items_view, (0,))
        fit_columns(self.checklist_view, (2, 3), wrap=True)
        scenario = QWidget(self)
        sl = QVBoxLayout(scenario)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addLayout(row)
        sl.addWidget(self.reason_edit)
        sl.addWidget(self.plan_text, 1)
        # Accounts and their scenario on top, the full-width checklist below.
        self.top_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.top_split.addWidget(self.items_view)
        self.top_split.addWidget(scenario)
        self.top_split.setStretchFactor(0, 3)
        self.top_split.setStretchFactor(1, 2)
        self.top_split.setSizes([680, 380])
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(self.top_split)
        self.split.addWidget(self.checklist_view)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([210, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.progress_label)
        self.items_view.selectionModel().currentRowChanged.connect(self._show_current)

    def current_item(self) -> TransitionItemView | None:
        row = self.items_view.currentIndex().row()
        return self.items_model.row(row) if row >= 0 else None

    def select_row(self, row: int) -> None:
        index = self.items_model.index(row, 0)
        self.items_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def refresh(self, view: TransitionView) -> None:
        row = max(self.items_view.currentIndex().row(), 0)
        self.items_model.set_rows(view.items)
        if view.items:
            self.select_row(min(row, len(view.items) - 1))
        self.progress_label.setText(
            f"Checklist progress: {view.progress:.0%} · status {view.status}"
        )

    def _show_current(self, *_args: object) -> None:
        item = self.current_item()
        if item is None:
            self.checklist_model.set_rows([])
            return
        self.checklist_model.set_rows(item.checklist)
        self.scenario_combo.setCurrentText(item.scenario.value)
        plan = item.plan
        lines = [
            f"Scenario: {plan.scenario.value} ({plan.mode.value}); sequencer "
            f"{plan.sequencer}; {'automated' if plan.automated else 'not automated'}",
            *(f"Template: {t}" for t in plan.templates),
            *(f"Warning: {w}" for w in plan.warnings),
            *(f"Reminder: {r}" for r in plan.reminders),
            *(
                f"Escalation case: {c.key} {c.subject} ({'open' if c.is_open else 'closed'})"
                for c in plan.escalations
            ),
        ]
        if item.scenario_reason:
            lines.insert(1, f"Changed because: {item.scenario_reason}")
        self.plan_text.setPlainText("\n".join(lines))
        self.plan_text.verticalScrollBar().setValue(0)

    def _apply_scenario(self) -> None:
        item = self.current_item()
        if item is not None:
            self._wizard.change_scenario(
                item.item_id, self.scenario_combo.currentText(), self.reason_edit.text()
            )
