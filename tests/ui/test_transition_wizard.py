"""The transition wizard driven end to end on the demo book."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWizard
from sqlalchemy import select, update

from desktop_app.io.exporters.rows import SHEET_LIST
from desktop_app.services.transitions.workflow import (
    list_transitions,
    load_transition,
    owner_history,
)
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm
from desktop_app.ui.dialogs.transition_models import ChecklistModel, ItemsModel, WorkloadModel
from desktop_app.ui.dialogs.transition_wizard import (
    PAGE_FINISH,
    PAGE_ITEMS,
    PAGE_RECEIVERS,
    TransitionWizard,
)
from tests.transition_helpers import RECEIVER, movable_accounts, settle


def test_wizard_end_to_end(qtbot, demo_store: Store, tmp_path: Path, today: date) -> None:
    ids = movable_accounts(demo_store, 3)
    stack = QUndoStack()
    wizard = TransitionWizard(demo_store, ids, undo_stack=stack, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    page1 = wizard.accounts_page
    # Shown before the book and the CSMs are read: it says so and Next waits for them.
    assert wizard.loading()
    assert page1.count_label.text() == "3 accounts selected; reading them…"
    assert not page1.isComplete()
    settle(qtbot, wizard)
    assert page1.model.rowCount() == 3
    page1.lead_edit.setText("Grace Lee")
    page1.name_edit.setText("Leave cover")
    wizard.next()
    assert wizard.currentId() == PAGE_RECEIVERS
    page2 = wizard.receivers_page
    page2.receiver_combo.setCurrentText(RECEIVER)
    page2.capacity_spin.setValue(1)
    settle(qtbot, wizard)  # the workload is computed on a worker
    assert isinstance(page2.workload, WorkloadModel)
    assert page2.workload.rowCount() == 1
    assert page2.workload.index(0, 0).data() == RECEIVER
    assert "(capacity 1)" in page2.warnings_text.toPlainText()
    wizard.next()  # saves on the writer, then moves on
    assert wizard.currentId() == PAGE_RECEIVERS
    assert page2.warnings_text.toPlainText() == "Saving the transition…"
    settle(qtbot, wizard)
    assert wizard.currentId() == PAGE_ITEMS
    tid = wizard.transition_id
    assert tid is not None
    assert list_transitions(demo_store)[0].name == "Leave cover"

    items = wizard.items_page
    assert isinstance(items.items_model, ItemsModel)
    assert items.items_model.rowCount() == 3
    checklist = items.checklist_model
    assert isinstance(checklist, ChecklistModel)
    assert checklist.rowCount() == 14
    first_item = items.current_item()
    assert first_item is not None
    assert first_item.account_id == ids[0]
    # Tick "handoff meeting" via the model, as the view would.
    idx = checklist.index(12, 0)
    assert checklist.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    settle(qtbot, wizard)
    assert checklist.index(12, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert load_transition(demo_store, tid).items[0].checklist[12].done
    assert items.items_model.index(0, 6).data() == "7%"
    stack.undo()
    assert not load_transition(demo_store, tid).items[0].checklist[12].done
    settle(qtbot, wizard)
    assert checklist.index(12, 0).data(Qt.ItemDataRole.CheckStateRole) == (Qt.CheckState.Unchecked)
    stack.redo()
    settle(qtbot, wizard)
    # Answer an item.
    assert checklist.setData(checklist.index(1, 3), "Only the admin", Qt.ItemDataRole.EditRole)
    settle(qtbot, wizard)
    assert load_transition(demo_store, tid).items[0].checklist[1].answer == "Only the admin"
    # Change the scenario of the second account, with a reason.
    items.select_row(1)
    items.scenario_combo.setCurrentText("Fresh Start")
    items.reason_edit.setText("Admin asked for a new CSM")
    items.apply_button.click()
    settle(qtbot, wizard)
    second = load_transition(demo_store, tid).items[1]
    assert second.scenario == "Fresh Start"
    assert second.scenario_reason == "Admin asked for a new CSM"
    assert items.items_model.index(1, 4).data() == "Fresh Start"
    assert "Manual 1 - Fresh Start (By TL)" in items.plan_text.toPlainText()

    wizard.next()
    assert wizard.currentId() == PAGE_FINISH
    finish = wizard.finish_page
    out = tmp_path / "list.xlsx"
    out.write_bytes(b"keep me")
    wizard.export_to(out)
    assert finish.status_label.text() == "Exporting the list to list.xlsx…"
    assert not finish.export_button.isEnabled()  # written on a worker
    settle(qtbot, wizard)
    assert "file exists" in finish.status_label.text()
    assert out.read_bytes() == b"keep me"
    wizard.export_to(out, overwrite=True)
    settle(qtbot, wizard)
    assert finish.status_label.text().startswith("Wrote 3 accounts to ")
    assert finish.export_button.isEnabled()
    rows = list(openpyxl.load_workbook(out)[SHEET_LIST].iter_rows(values_only=True))
    assert len(rows) == 4
    assert {r[9] for r in rows[1:]} == {RECEIVER}
    pdf = tmp_path / "brief.pdf"
    wizard.write_briefs(pdf)
    assert finish.status_label.text() == "Writing the handoff brief of 3 accounts…"
    settle(qtbot, wizard)
    assert finish.status_label.text().startswith("Wrote the handoff brief (")
    assert int(finish.status_label.text().split("(")[1].split()[0]) >= 3
    assert pdf.read_bytes().startswith(b"%PDF")

    with qtbot.waitSignal(wizard.ownersChanged, timeout=5000):
        finish.done_button.click()
    settle(qtbot, wizard)
    assert owner_history(demo_store, ids[0])[0].new_owner == RECEIVER
    assert finish.status_label.text() == "Transition is done."
    assert not finish.done_button.isEnabled()
    assert finish.undo_button.isEnabled()
    with qtbot.waitSignal(wizard.ownersChanged, timeout=5000):
        finish.undo_button.click()
    settle(qtbot, wizard)
    assert owner_history(demo_store, ids[0]) == []
    assert load_transition(demo_store, tid).status == "draft"
    with qtbot.waitSignal(wizard.ownersChanged, timeout=5000):
        finish.done_button.click()
    settle(qtbot, wizard)
    finish.confirm_button.click()
    settle(qtbot, wizard)
    assert load_transition(demo_store, tid).status == "confirmed"
    assert finish.status_label.text() == "Transition confirmed."
    assert not finish.undo_button.isEnabled()
    assert stack.count() == 0


def test_wizard_resumes_saved_transition(qtbot, demo_store: Store, today: date) -> None:
    ids = movable_accounts(demo_store, 2)
    first = TransitionWizard(demo_store, ids, today=today)
    qtbot.addWidget(first)
    settle(qtbot, first)
    first.receivers_page.account_ids = ids
    first.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    first.save_new()
    settle(qtbot, first)
    tid = first.transition_id
    assert tid is not None
    first.edit_checklist("other_pocs", True, "noted")
    settle(qtbot, first)
    first.close()

    wizard = TransitionWizard.resume(demo_store, tid, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentId() == PAGE_ITEMS
    assert wizard.finish_page.status_label.text() == "Reading the transition…"
    settle(qtbot, wizard)
    assert wizard.items_page.items_model.rowCount() == 2
    assert wizard.items_page.checklist_model.index(1, 3).data() == "noted"


def test_wizard_all_accounts_of_csm_and_spread(qtbot, demo_store: Store, today: date) -> None:
    wizard = TransitionWizard(demo_store, None, today=today)
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    page1 = wizard.accounts_page
    assert not page1.isComplete()
    page1.owner_combo.setCurrentText("Tom Whitaker")
    page1.add_owner_button.click()
    with demo_store.sessions() as s:
        tom = s.scalar(select(Csm.id).where(Csm.full_name == "Tom Whitaker"))
        n = len(
            s.scalars(
                select(Account.id).where(Account.owner_id == tom, Account.lifecycle == "active")
            ).all()
        )
    assert page1.model.rowCount() == n
    assert page1.isComplete()
    wizard.show()
    wizard.next()
    page2 = wizard.receivers_page
    page2.spread_radio.setChecked(True)
    assert not page2.isComplete()
    for i in range(page2.spread_list.count()):
        if page2.spread_list.item(i).text() in (RECEIVER, "Holly Grant"):
            page2.spread_list.item(i).setCheckState(Qt.CheckState.Checked)
    assert page2.isComplete()
    settle(qtbot, wizard)
    assert page2.workload.rowCount() == 2
    assert set(page2.assignments().values()) == {RECEIVER, "Holly Grant"}


def test_models_pass_qtmodeltester(qtbot, qtmodeltester, demo_store: Store, today: date) -> None:
    ids = movable_accounts(demo_store, 2)
    wizard = TransitionWizard(demo_store, ids, today=today)
    qtbot.addWidget(wizard)
    settle(qtbot, wizard)
    wizard.receivers_page.account_ids = ids
    wizard.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    wizard.receivers_page.refresh()
    wizard.save_new()
    settle(qtbot, wizard)
    qtmodeltester.check(wizard.items_page.items_model)
    qtmodeltester.check(wizard.items_page.checklist_model)
    qtmodeltester.check(wizard.receivers_page.workload)
    qtmodeltester.check(wizard.accounts_page.model)


def test_the_window_book_is_used_without_a_second_read(qtbot, demo_store: Store, today) -> None:
    from desktop_app.services.book.portfolio import load_book

    ids = movable_accounts(demo_store, 2)
    book = load_book(demo_store, today)
    wizard = TransitionWizard(demo_store, ids, today=today, book=book)
    qtbot.addWidget(wizard)
    page1 = wizard.accounts_page
    # The accounts show at once from the window's book; only the CSM names are read.
    assert page1.model.rowCount() == 2
    assert page1.isComplete()
    assert page1.owner_combo.count() == 0
    assert page1.owner_combo.placeholderText() == "Reading the CSMs…"
    settle(qtbot, wizard)
    assert page1.owner_combo.count() > 0
    # Read: the empty combo no longer says it is reading.
    assert page1.owner_combo.placeholderText() == "Choose a CSM to add all their accounts…"


def test_a_refused_save_stays_on_the_page_and_says_why(qtbot, demo_store: Store, today) -> None:
    ids = movable_accounts(demo_store, 2)
    wizard = TransitionWizard(demo_store, ids, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    wizard.next()
    wizard.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    settle(qtbot, wizard)
    with demo_store.sessions() as s:  # renamed behind the wizard's back: an unknown CSM now
        s.execute(update(Csm).where(Csm.full_name == RECEIVER).values(full_name="Renamed"))
        s.commit()
    wizard.next()
    settle(qtbot, wizard)
    assert wizard.currentId() == PAGE_RECEIVERS
    assert wizard.transition_id is None
    assert RECEIVER in wizard.receivers_page.warnings_text.toPlainText()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
