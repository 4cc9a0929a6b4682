"""Alerts view: counts by CSM and type, owner filter, acknowledge and snooze undoably."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtGui import QUndoStack

from desktop_app.services.managers.alerts import alert_overview
from desktop_app.ui.dialogs.alerts_view import ALL, AlertActionDialog, AlertsView


@pytest.fixture
def view(qtbot, demo_store, today):
    v = AlertsView(demo_store, QUndoStack(), today=today)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    return v


def _wait(qtbot, v):
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)


def test_counts_and_filter(qtbot, view, demo_store, today):
    ov = alert_overview(demo_store, today)
    team = view.counts.rows[-1]
    assert team.owner == "Team"
    assert team.total == sum(a.status == "open" for a in ov.alerts) == view.alerts.rowCount()
    owner = view.counts.rows[0].owner
    view.count_table.clicked.emit(view.counts.index(0, 0))
    assert view.owner.currentText() == owner
    assert {a.owner for a in view.alerts.rows} == {owner}
    assert view.alerts.rowCount() == view.counts.rows[0].total
    view.count_table.clicked.emit(view.counts.index(len(view.counts.rows) - 1, 0))
    assert view.owner.currentText() == ALL


def test_ack_and_snooze_through_the_undo_stack(qtbot, view, today):
    before = view.counts.rows[-1].total
    view.list_table.selectRow(0)
    first = view.selected_alert()
    dlg = AlertActionDialog(first, False, today, view)
    view.act(False, dlg)
    dlg.reason.setText("called them")
    dlg.accept()
    _wait(qtbot, view)
    assert view.counts.rows[-1].total == before - 1
    assert view.counts.rows[-1].handled == 1
    view.show_handled.setChecked(True)
    shown = {a.id: a for a in view.alerts.rows}
    assert shown[first.id].status == "acknowledged"
    assert shown[first.id].action.reason == "called them"
    view.undo_stack.undo()
    _wait(qtbot, view)
    assert view.counts.rows[-1].total == before
    view.show_handled.setChecked(False)
    view.list_table.selectRow(1)
    second = view.selected_alert()
    sdlg = AlertActionDialog(second, True, today, view)
    view.act(True, sdlg)
    sdlg.reason.setText("QBR on the 10th")
    sdlg.until.setDate(today + timedelta(days=10))
    sdlg.accept()
    _wait(qtbot, view)
    assert second.id not in {a.id for a in view.alerts.rows}
    view.show_handled.setChecked(True)
    row = next(i for i, a in enumerate(view.alerts.rows) if a.id == second.id)
    assert view.alerts.rows[row].action.until == today + timedelta(days=10)
    view.list_table.selectRow(row)
    view.reopen()
    _wait(qtbot, view)
    assert {a.id: a.status for a in view.alerts.rows}[second.id] == "open"


def test_a_long_status_wraps_so_the_view_fits_a_laptop(qtbot, store, today):
    # An empty book: every "cannot fire: no … imported" note is in the status line.
    v = AlertsView(store, QUndoStack(), today=today)
    qtbot.addWidget(v)
    _wait(qtbot, v)
    assert "cannot fire" in v.status.text()
    assert v.minimumSizeHint().width() <= 1280
