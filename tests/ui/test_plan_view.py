"""Plan view: roll-ups shown, a forecast call and a target set through the undo stack."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from desktop_app.domain.forecast import Call, Quarter
from desktop_app.services.managers.forecast import call_history
from desktop_app.services.managers.plan import targets
from desktop_app.ui.dialogs.plan_dialogs import CallDialog, TargetDialog
from desktop_app.ui.dialogs.plan_view import PlanView


@pytest.fixture
def view(qtbot, demo_store, today):
    v = PlanView(demo_store, QUndoStack(), today=today)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    return v


def test_plan_view_shows_rollups_and_chart(view):
    rep = view.report
    assert rep is not None
    assert rep.quarter == Quarter(2026, 4)
    names = [ln.name for ln in view.rollups.rows]
    assert names[-1] == "Team"
    assert {p.csm for p in rep.csms} <= set(names)
    assert view.renewals.rowCount() == len(rep.renewals) > 0
    won = view.chart.won.opts["height"]
    assert len(won) == len(rep.csms)
    assert won.sum() * 1000 == pytest.approx(rep.team.retained)
    assert view.rollups.data(view.rollups.index(len(names) - 1, 0)) == "Team"


def test_call_and_target_are_undoable(qtbot, view, demo_store):
    stack = view.undo_stack
    open_rows = [i for i, r in enumerate(view.renewals.rows) if r.outcome == "open"]
    view.renewal_table.selectRow(open_rows[0])
    r = view.selected_renewal()
    dlg = CallDialog(r.account, r.call, r.suggested, r.why, view)
    view.edit_call(dlg)
    dlg.combo.setCurrentIndex(list(Call).index(Call.AT_RISK))
    dlg.note.setText("budget review")
    dlg.accept()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert [c.call for c in call_history(demo_store, r.account_id)] == [Call.AT_RISK]
    assert view.report.team.at_risk == pytest.approx(r.arr)
    stack.undo()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert call_history(demo_store, r.account_id) == []
    stack.redo()  # queued on the writer: the view re-reads once it is written
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert call_history(demo_store, r.account_id)[0].note == "budget review"
    row = next(i for i, x in enumerate(view.renewals.rows) if x.account_id == r.account_id)
    view.renewal_table.selectRow(row)
    shown = view.edit_call()  # the real dialog lists the earlier calls, read on a worker
    assert shown.history.text() == "Reading earlier calls…"
    qtbot.waitUntil(lambda: "budget review" in shown.history.text(), timeout=10000)
    assert "At risk: budget review" in shown.history.text()
    assert shown.combo.currentData() == "at_risk"
    shown.reject()

    view.rollup_table.selectRow(0)
    csm = view.selected_csm()
    tdlg = TargetDialog(csm, "2026Q4", parent=view)
    view.edit_target(tdlg)
    tdlg.value.setValue(92)
    tdlg.accept()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert [(t.csm, t.kind, t.target) for t in targets(demo_store)] == [(csm, "grr", 0.92)]
    assert view.rollups.rows[0].target == "GRR 92%"
    stack.undo()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert targets(demo_store) == []


def test_import_refusal_is_shown_in_one_line(qtbot, view, tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("CSM,Quarter,Target\nNobody,2026Q4,5\n")
    view.import_sheet(str(bad))
    # The import runs on the writer: the view says so and stays usable meanwhile.
    assert view.status.text() == "Importing the plan…"
    assert not view.import_button.isEnabled()
    assert view.quarter.isEnabled()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert view.status.text().startswith("Not imported: plan.csv, row 2, column 'CSM'")
    assert view.import_button.isEnabled()


def test_an_imported_plan_shows_in_the_rollups(qtbot, view, tmp_path):
    csm = next(ln.name for ln in view.rollups.rows if ln.level == "csm")
    sheet = tmp_path / "plan.csv"
    sheet.write_text(f"CSM,Quarter,Target\n{csm},2026Q4,250000\n")
    view.import_sheet(str(sheet))
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert view.status.text().startswith("Imported 1 targets for 2026Q4. 2026Q4:")
    line = next(ln for ln in view.rollups.rows if ln.name == csm)
    assert line.figures.target == pytest.approx(250000)
