"""Worklist view: live re-rank on weight change, Enter opens, S snoozes (undoable), export."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from desktop_app.domain.priority import DEFAULT_WEIGHTS
from desktop_app.services.book.renewals import snoozed_until, worklist
from desktop_app.ui.dialogs.worklist_view import HEADERS, WorklistView


@pytest.fixture
def view(qtbot, demo_store, today):
    stack = QUndoStack()
    w = WorklistView(demo_store, today=today, undo_stack=stack)
    w._test_stack = stack  # keep the stack alive with the view
    qtbot.addWidget(w)
    w.show()
    w._test_qtbot = qtbot
    _settle(w)
    return w


def _settle(view):
    """Wait for the worklist the view reads on a worker (after opening, filters, snoozes)."""
    view._test_qtbot.waitUntil(lambda: not view.loading(), timeout=10000)


def _ids(view):
    return [r.account_id for r in view.rows()]


def test_rows_match_service(view, demo_store, today, qtmodeltester):
    expected = worklist(demo_store, within_days=90, today=today)
    assert _ids(view) == [r.account_id for r in expected]
    assert view.model.rowCount() == len(expected)
    assert view.model.columnCount() == len(HEADERS)
    qtmodeltester.check(view.model)
    view.window_combo.setCurrentIndex(0)  # 30 days
    _settle(view)
    assert view.within_days() == 30
    assert all(r.days_to_renewal <= 30 for r in view.rows())
    assert len(view.rows()) < len(expected)


def test_weight_change_reranks_live_and_reset(view, qtbot):
    before = _ids(view)
    resets: list[int] = []
    view.model.modelReset.connect(lambda: resets.append(1))
    for f, spin in view.spins.items():
        if f != "arr":
            spin.setValue(0)
    assert _ids(view) == before  # debounced: nothing ranked yet
    qtbot.waitUntil(lambda: bool(resets), timeout=2000)
    assert len(resets) == 1  # one ranking for the whole burst of changes
    arrs = [r.arr for r in view.rows()]
    assert arrs == sorted(arrs, reverse=True)
    assert _ids(view) != before
    assert sorted(_ids(view)) == sorted(before)
    view.reset_button.click()
    assert view.weights() == DEFAULT_WEIGHTS
    assert _ids(view) == before


def test_owner_filter(view):
    view.owner_combo.setCurrentIndex(1)
    _settle(view)
    owner = view.owner_combo.currentText()
    assert view.rows()
    assert {r.owner for r in view.rows()} == {owner}


def test_enter_emits_account_requested(view, qtbot):
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    second = view.rows()[1].account_id
    assert view.current_row().account_id == second
    with qtbot.waitSignal(view.accountRequested, timeout=2000) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [second]


def test_snooze_and_undo(view, demo_store, today):
    view.table.selectRow(0)
    top = view.rows()[0].account_id
    until = today + timedelta(days=10)
    assert view.snooze_current(until, "Budget meeting first")
    _settle(view)
    assert top not in _ids(view)
    assert snoozed_until(demo_store, today) == {top: until}
    stack = view._test_stack
    assert stack.count() == 1
    stack.undo()
    _settle(view)
    assert top in _ids(view)
    assert snoozed_until(demo_store, today) == {}
    stack.redo()
    _settle(view)
    assert top not in _ids(view)


def test_s_key_opens_reason_dialog(view, qtbot, demo_store, today):
    from PySide6.QtCore import QTimer

    from desktop_app.ui.dialogs.worklist_view import SnoozeDialog

    view.table.setFocus()
    view.table.selectRow(0)
    top = view.rows()[0].account_id
    seen = {}

    def answer():
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, SnoozeDialog)
        ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
        seen["ok_before"] = ok.isEnabled()
        dlg.reason.setText("Champion on holiday")
        dlg.accept()

    QTimer.singleShot(0, answer)
    qtbot.keyClick(view.table, Qt.Key.Key_S)
    assert seen["ok_before"] is False
    _settle(view)  # written on the writer, then the list is read again
    assert top in snoozed_until(demo_store, today)
    assert top not in _ids(view)


def _export(qtbot, view, path):
    with qtbot.waitSignal(view.exported, timeout=10000) as blocker:
        view.export(path)
        assert not view.export_button.isEnabled()  # written on a worker
        assert view.summary.text().startswith(f"Exporting {len(view.rows())} rows to ")
    assert blocker.args[0] == str(path)
    assert view.export_button.isEnabled()
    return blocker.args[1]


def test_export_csv_and_xlsx(qtbot, view, tmp_path):
    n = _export(qtbot, view, tmp_path / "w.csv")
    assert n == len(view.rows())
    assert view.summary.text() == f"Exported {n} rows to {tmp_path / 'w.csv'}."
    with (tmp_path / "w.csv").open(encoding="utf-8-sig") as fh:
        data = list(csv.reader(fh))
    assert data[0] == list(HEADERS)
    assert data[1][1] == view.rows()[0].name
    assert _export(qtbot, view, tmp_path / "w.xlsx") == n
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "w.xlsx").active
    assert ws.cell(2, 2).value == view.rows()[0].name
    assert ws.max_row == n + 1


def test_an_export_that_cannot_be_written_says_why(qtbot, view, tmp_path):
    target = tmp_path / "missing" / "w.csv"  # no such folder
    view.export(target)
    _settle(view)
    assert view.summary.text().startswith("Not exported: ")
    assert "folder does not exist" in view.summary.text()
    assert view.export_button.isEnabled()


def test_the_view_is_usable_while_the_owners_and_rows_are_read(qtbot, demo_store, today):
    w = WorklistView(demo_store, today=today)
    qtbot.addWidget(w)
    w.show()
    assert w.loading()
    assert w.summary.text() == "Reading renewals…"
    assert w.owner_combo.count() == 1  # the owners arrive from a worker
    w.window_combo.setCurrentIndex(0)  # a choice made meanwhile is the one that counts
    qtbot.waitUntil(lambda: not w.loading(), timeout=10000)
    assert w.owner_combo.count() > 1
    assert w.rows()
    assert all(r.days_to_renewal <= 30 for r in w.rows())


def test_a_snooze_for_an_unknown_account_is_reported(view, demo_store, today):
    from desktop_app.ui.undo.worklist import SnoozeCommand

    messages: list[str] = []
    cmd = SnoozeCommand(
        demo_store, 10**9, today + timedelta(days=3), "why", today=today,
        on_error=messages.append,
    )  # fmt: skip
    cmd.redo()
    _settle(view)
    assert messages == [f"No account with id {10**9}."]


def test_a_snooze_someone_else_made_first_is_shown_and_can_be_replaced(
    view, qtbot, demo_store, today
):
    from desktop_app.services.book.renewals import snooze

    view.table.selectRow(0)
    top = view.rows()[0].account_id
    # Another client snoozes the account while it is still on this worklist.
    snooze(demo_store, top, today + timedelta(days=5), "on holiday", "Tom Whitaker", today=today)
    assert view.snooze_current(today + timedelta(days=30), "waiting for budget")
    # The snooze is written on the writer: the refusal comes back from it.
    qtbot.waitUntil(lambda: len(_stale_dialogs()) == 1, timeout=10000)
    (stale,) = _stale_dialogs()
    assert "Tom Whitaker" in stale.heading.text()
    assert "on holiday" in stale.theirs_label.text()
    assert "waiting for budget" in stale.mine_label.text()
    assert snoozed_until(demo_store, today) == {top: today + timedelta(days=5)}
    # Nothing of the user's written: the one step on the stack holds no snooze yet.
    assert view._test_stack.count() == 1
    (cmd,) = [view._test_stack.command(0)]
    assert cmd.note_id is None
    stale.apply_button.click()
    _settle(view)  # written on the writer, then the list is read again
    assert cmd.note_id is not None
    assert snoozed_until(demo_store, today) == {top: today + timedelta(days=30)}
    assert view._test_stack.count() == 1
    assert top not in _ids(view)
    # Undo takes back the user's snooze only: the other client's is in force again.
    view._test_stack.undo()
    _settle(view)
    assert cmd.note_id is None
    assert snoozed_until(demo_store, today) == {top: today + timedelta(days=5)}


def test_keeping_their_snooze_writes_nothing(view, qtbot, demo_store, today):
    from desktop_app.services.book.renewals import snooze
    from desktop_app.ui import workers

    view.table.selectRow(0)
    top = view.rows()[0].account_id
    snooze(demo_store, top, today + timedelta(days=5), "on holiday", "Tom Whitaker", today=today)
    assert view.snooze_current(today + timedelta(days=30), "waiting for budget")
    qtbot.waitUntil(lambda: len(_stale_dialogs()) == 1, timeout=10000)
    (stale,) = _stale_dialogs()
    stale.keep_button.click()
    _settle(view)
    assert top not in _ids(view)  # theirs is shown: the account left the worklist
    view._test_stack.undo()  # the dropped snooze: undoing and redoing it touch nothing
    view._test_stack.redo()
    assert workers.wait_all(5000)
    assert snoozed_until(demo_store, today) == {top: today + timedelta(days=5)}


def _stale_dialogs():
    from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog

    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, StaleEditDialog) and w.isVisible()
    ]
