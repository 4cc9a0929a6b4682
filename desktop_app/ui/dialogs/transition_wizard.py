"""The guided account transition (SOP): accounts, receivers, scenarios and checklist, export.

The transition is saved when the receivers page is left, and every later edit is saved at
once, so the wizard can be closed and resumed (``TransitionWizard.resume``). Checklist ticks,
scenario changes and "Hand over" (mark done) are QUndoCommands on the given ``undo_stack``
(or a private one). ``ownersChanged`` is emitted after the owners change (execute, undo,
confirm).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.domain.transition import Scenario
from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.services.transitions import (
    TransitionItemView,
    TransitionView,
    confirm_transition,
    create_transition,
    load_transition,
)
from desktop_app.services.transitions_brief import brief_data
from desktop_app.services.transitions_export import export_rows, export_transition, missing_fields
from desktop_app.ui.dialogs.transition_export import FinishPage
from desktop_app.ui.dialogs.transition_models import ChecklistModel, ItemsModel
from desktop_app.ui.dialogs.transition_pages import (
    AccountsPage,
    ReceiversPage,
    _table,
    fit_columns,
)
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.undo.transition import (
    ExecuteTransitionCommand,
    SetChecklistItemCommand,
    SetScenarioCommand,
)

PAGE_ACCOUNTS, PAGE_RECEIVERS, PAGE_ITEMS, PAGE_FINISH = range(4)
STEPS = ("Accounts", "Receiving CSM", "Scenario and checklist", "Export and hand over")


def step_text(page_id: int) -> str:
    """The step indicator under a page's title: ``Step 2 of 4 · Accounts › **Receiving CSM** …``."""
    names = [f"<b>{n}</b>" if i == page_id else n for i, n in enumerate(STEPS)]
    return f"Step {page_id + 1} of {len(STEPS)} · " + " › ".join(names)


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


class TransitionWizard(QWizard):
    """Prepare, save, export and execute an account transition."""

    ownersChanged = Signal()

    def __init__(
        self,
        store: Store,
        account_ids: list[int] | None = None,
        parent: Any = None,
        *,
        transition_id: int | None = None,
        undo_stack: QUndoStack | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Account transition")
        self.store = store
        self.today = today or date.today()
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.transition_id: int | None = transition_id
        self.view: TransitionView | None = None
        self.accounts_page = AccountsPage(store, list(account_ids or []), self.today, self)
        self.receivers_page = ReceiversPage(store, self.today, self)
        self.items_page = ItemsPage(self)
        self.finish_page = FinishPage(self)
        for pid, page in enumerate(
            (self.accounts_page, self.receivers_page, self.items_page, self.finish_page)
        ):
            page.setSubTitle(step_text(pid))
            self.setPage(pid, page)
        # Edits are saved as they happen: the last button closes the wizard, it does not
        # hand anything over ("Hand over" on the last page changes the owners).
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, False)
        fit_to_screen(self, 1100, 720)
        if transition_id is not None:
            self.setStartId(PAGE_ITEMS)
            self.reload()

    @classmethod
    def resume(
        cls, store: Store, transition_id: int, parent: Any = None, **kwargs: Any
    ) -> TransitionWizard:
        """A wizard showing the saved transition ``transition_id``."""
        return cls(store, None, parent, transition_id=transition_id, **kwargs)

    # ------------------------------------------------------------ state
    def changed_accounts(self) -> list[int]:
        """The accounts this transition moves (whose owners change on execute and undo)."""
        if self.view is not None:
            return [i.account_id for i in self.view.items]
        return list(self.accounts_page.account_ids)

    def save_new(self) -> int:
        """Save the transition from the first two pages; its id."""
        a = self.accounts_page
        self.transition_id = create_transition(
            self.store,
            a.account_ids,
            self.receivers_page.assignments(),
            a.lead_edit.text().strip() or None,
            a.name_edit.text().strip(),
            a.reason_edit.text().strip() or None,
            self.today,
        )
        self.reload()
        return self.transition_id

    def reload(self) -> None:
        if self.transition_id is None:
            return
        self.view = load_transition(self.store, self.transition_id)
        self.items_page.refresh(self.view)
        self._refresh_finish()

    def _refresh_finish(self) -> None:
        if self.transition_id is None or self.view is None:
            return
        rows, _s, _c = export_rows(self.store, self.transition_id)
        self.finish_page.show_rows(rows, missing_fields(rows))
        status = self.view.status
        self.finish_page.done_button.setEnabled(status == "draft")
        self.finish_page.undo_button.setEnabled(status == "done")
        self.finish_page.confirm_button.setEnabled(status == "done")

    def show_status(self, text: str) -> None:
        self.finish_page.status_label.setText(text)
        self.items_page.progress_label.setToolTip(text)

    def _push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # ------------------------------------------------------------ edits (undoable)
    def edit_checklist(
        self, key: str, done: bool, answer: str | None, version: int | None = None
    ) -> None:
        item = self.items_page.current_item()
        if item is not None:
            self._push(
                SetChecklistItemCommand(
                    self.store,
                    item.item_id,
                    key,
                    done,
                    answer,
                    self.reload,
                    self.show_status,
                    expected_version=item.version if version is None else version,
                    on_stale=self._checklist_stale,
                )
            )

    def _checklist_stale(self, command: SetChecklistItemCommand, stale: StaleEdit) -> None:
        """Someone else answered first: show theirs beside ours; re-apply ours or keep."""
        from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog

        dialog = StaleEditDialog(stale, command.mine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.edit_checklist(command.key, command.done, command.answer, stale.version)
            else:
                self.reload()

        dialog.finished.connect(decided)
        dialog.open()

    def change_scenario(self, item_id: int, scenario: str, reason: str) -> None:
        self._push(
            SetScenarioCommand(self.store, item_id, scenario, reason, self.reload, self.show_status)
        )

    def mark_done(self) -> None:
        if self.transition_id is not None:
            self._push(
                ExecuteTransitionCommand(
                    self.store,
                    self.transition_id,
                    self.today,
                    self._owners_changed,
                    self.show_status,
                )
            )

    def undo_done(self) -> None:
        if self.undo_stack.canUndo() and isinstance(
            self.undo_stack.command(self.undo_stack.index() - 1), ExecuteTransitionCommand
        ):
            self.undo_stack.undo()
            return
        if self.transition_id is not None:
            from desktop_app.services.transitions import undo_execute

            try:
                undo_execute(self.store, self.transition_id)
            except UserError as exc:
                self.show_status(str(exc))
            self._owners_changed()

    def confirm(self) -> None:
        if self.transition_id is None:
            return
        try:
            confirm_transition(self.store, self.transition_id, self.today)
        except UserError as exc:
            self.show_status(str(exc))
        self.undo_stack.clear()
        self.reload()
        self.show_status("Transition confirmed.")

    def _owners_changed(self) -> None:
        self.reload()
        self.show_status(f"Transition is {self.view.status if self.view else '-'}.")
        self.ownersChanged.emit()

    # ------------------------------------------------------------ files
    def export_to(self, path: str | Path, fmt: str = "xlsx", *, overwrite: bool = False) -> bool:
        """Export the list; False (and a status message) when refused."""
        if self.transition_id is None:
            return False
        try:
            result = export_transition(
                self.store, self.transition_id, path, overwrite=overwrite, fmt=fmt
            )
        except UserError as exc:
            self.show_status(str(exc))
            return False
        self.show_status(
            f"Wrote {result.rows} accounts to {result.path}"
            f" ({len(result.missing)} missing values highlighted)."
        )
        return True

    def write_briefs(self, path: str | Path) -> int:
        """Write the handoff brief PDF of every account; the page count."""
        from desktop_app.ui.brief_pdf import write_brief_pdf

        if self.view is None:
            return 0
        briefs = [
            brief_data(self.store, i.account_id, self.transition_id, self.today)
            for i in self.view.items
        ]
        pages = write_brief_pdf(briefs, path)
        self.show_status(f"Wrote the handoff brief ({pages} pages) to {path}")
        return pages

    def ask_export(self, fmt: str) -> None:
        # QFileDialog asks before replacing an existing file, so a chosen path may be replaced.
        path, _f = QFileDialog.getSaveFileName(
            self,
            "Export list of accounts to transition",
            f"List of Accounts to Transition.{fmt}",
            f"*.{fmt}",
        )
        if path:
            self.export_to(path, fmt, overwrite=True)

    def ask_brief(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, "Handoff brief", "Handoff brief.pdf", "*.pdf")
        if path:
            self.write_briefs(path)

    # ------------------------------------------------------------ Qt overrides
    def validateCurrentPage(self) -> bool:
        page = self.currentPage()
        if page is not None and not page.isComplete():  # e.g. a do-nothing receiver
            return False
        if self.currentId() == PAGE_ACCOUNTS:
            self.receivers_page.account_ids = list(self.accounts_page.account_ids)
            self.receivers_page.owners = self.accounts_page.owners()
        if self.currentId() == PAGE_RECEIVERS and self.transition_id is None:
            try:
                self.save_new()
            except UserError as exc:
                self.receivers_page.warnings_text.setPlainText(str(exc))
                return False
        return super().validateCurrentPage()
