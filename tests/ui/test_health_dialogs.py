"""Health UI: breakdown widget, override dialog + undo commands, scorecard editor, validation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QUndoStack

from desktop_app.services.health.scoring import (
    active_overrides,
    explain,
    list_versions,
    set_override,
)
from desktop_app.ui.dialogs.override_dialog import OverrideDialog
from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor
from desktop_app.ui.dialogs.validation_view import ValidationView
from desktop_app.ui.formatting import measure_name
from desktop_app.ui.undo.health import ClearOverrideCommand, SetOverrideCommand
from desktop_app.ui.widgets.health_breakdown import HealthBreakdownWidget, MeasureIdRole


def _scored_id(store) -> int:
    from sqlalchemy import select

    from desktop_app.store.schema import HealthScore

    with store.sessions() as s:
        return int(s.execute(select(HealthScore.account_id).order_by(HealthScore.score)).first()[0])


def test_breakdown_widget_shows_measures_and_highlights_dragging(qtbot, qtmodeltester, demo_store):
    aid = _scored_id(demo_store)  # the lowest score: something drags it down
    ex = explain(demo_store, aid)
    w = HealthBreakdownWidget()
    qtbot.addWidget(w)
    w.show_explanation(ex)
    qtmodeltester.check(w.model)
    m = w.model
    assert m.rowCount() == len(ex.lines)
    labels = [m.data(m.index(r, 0)) for r in range(m.rowCount())]
    assert labels == [measure_name(ln.measure, ln.label) for ln in ex.lines]
    tips = [m.data(m.index(r, 0), Qt.ItemDataRole.ToolTipRole) for r in range(m.rowCount())]
    assert all(ln.label in tip for ln, tip in zip(ex.lines, tips, strict=True))
    drag_rows = [
        r
        for r in range(m.rowCount())
        if m.data(m.index(r, 0), Qt.ItemDataRole.BackgroundRole) is not None
    ]
    assert len(drag_rows) == 1
    assert m.data(m.index(drag_rows[0], 0), MeasureIdRole) == ex.dragging
    assert "Dragging it down most" in w.summary.text()
    w.show_explanation(None)
    assert m.rowCount() == 0
    assert "No health score" in w.summary.text()


def test_override_dialog_values_and_computed_band(qtbot, demo_store):
    aid = _scored_id(demo_store)
    dlg = OverrideDialog(demo_store, aid)
    qtbot.addWidget(dlg)
    assert dlg.loading()  # shown at once; the computed band is read on a worker
    assert "reading" in dlg.computed_label.text()
    qtbot.waitUntil(lambda: not dlg.loading(), timeout=10000)
    ex = explain(demo_store, aid)
    assert ex.band.value in dlg.computed_label.text()
    dlg.band_combo.setCurrentText("Healthy/Stable")
    dlg.reason_combo.setCurrentIndex(2)
    dlg.note_edit.setPlainText("  Seats fell with their membership  ")
    assert dlg.result_values().expires_on is None
    dlg.expiry_check.setChecked(True)
    dlg.expiry_edit.setDate(QDate(2027, 2, 1))
    v = dlg.result_values()
    assert (v.band, v.reason_code, v.note, v.expires_on) == (
        "Healthy/Stable",
        "Organic contraction",
        "Seats fell with their membership",
        date(2027, 2, 1),
    )


def test_a_band_picked_before_the_read_is_kept(qtbot, demo_store):
    aid = _scored_id(demo_store)
    dlg = OverrideDialog(demo_store, aid)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.windowTitle() == f"Override health band — #{aid}"
    wanted = next(
        i for i in range(dlg.band_combo.count())
        if dlg.band_combo.itemText(i) != explain(demo_store, aid).band.value
    )  # fmt: skip
    dlg.band_combo.setCurrentIndex(wanted)
    dlg.band_combo.activated.emit(wanted)  # as a user's pick
    qtbot.waitUntil(lambda: not dlg.loading(), timeout=10000)
    assert dlg.band_combo.currentIndex() == wanted
    assert dlg.windowTitle() != f"Override health band — #{aid}"  # the name arrived


def test_override_commands_undo_redo(qtbot, demo_store):
    aid = _scored_id(demo_store)
    changed: list[int] = []
    stack = QUndoStack()
    first = set_override(demo_store, aid, "Escalation", "Other", None, "Tom")

    def written(n: int) -> None:  # commands write on the writer thread, then report
        qtbot.waitUntil(lambda: len(changed) == n, timeout=5000)

    stack.push(
        SetOverrideCommand(
            demo_store, aid, "Healthy/Stable", "Renewal signed", "ok", "Holly", None, changed.append
        )
    )
    written(1)
    assert [(o.account_id, o.band) for o in active_overrides(demo_store)] == [
        (aid, "Healthy/Stable")
    ]
    stack.undo()  # the previous override comes back
    written(2)
    assert [(o.id, o.band) for o in active_overrides(demo_store)] == [(first, "Escalation")]
    stack.redo()
    written(3)
    assert [o.band for o in active_overrides(demo_store)] == ["Healthy/Stable"]
    current = active_overrides(demo_store)[0].id
    stack.push(ClearOverrideCommand(demo_store, current, aid, "Holly", changed.append))
    written(4)
    assert active_overrides(demo_store) == []
    stack.undo()
    written(5)
    assert [o.id for o in active_overrides(demo_store)] == [current]
    assert changed == [aid] * 5


def _set(model, kind, item, col, value, role=Qt.ItemDataRole.EditRole):
    return model.setData(model.index(model.row_of(kind, item), col), value, role)


def test_scorecard_editor_validates_previews_and_saves(qtbot, qtmodeltester, demo_store):
    dlg = ScorecardEditor(demo_store)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.previewer is not None, timeout=10000)  # read on a worker
    qtmodeltester.check(dlg.model)
    qtmodeltester.check(dlg.preview_model)
    assert dlg.preview_label.text() == "0 accounts change band"
    dlg.name_edit.setText("More NPS")
    assert dlg.save_button.isEnabled()
    # weights no longer sum to 100 -> Save disabled with a message
    assert _set(dlg.model, "group", "usage", 1, 20)
    assert not dlg.save_button.isEnabled()
    assert "sum to 100" in dlg.message.text()
    assert "80" in dlg.total_label.text()  # the default's usage 40 -> 20
    # back to 100 by moving the weight to NPS (10 -> 30) -> live preview lists band changes
    assert _set(dlg.model, "group", "nps", 1, 30)
    assert dlg.save_button.isEnabled()
    n = dlg.preview_model.rowCount()
    assert n > 0
    assert dlg.preview_label.text() == f"{n} accounts change band"
    row = dlg.preview_model.rows[0]
    assert row.old_band != row.new_band
    # threshold edit and invert toggle land in the scorecard
    assert _set(dlg.model, "measure", "utilisation", 3, 0.9)
    assert next(m for m in dlg.model.scorecard.measures if m.id == "utilisation").high == 0.9
    assert _set(
        dlg.model,
        "measure",
        "open_tickets",
        4,
        Qt.CheckState.Unchecked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert not next(m for m in dlg.model.scorecard.measures if m.id == "open_tickets").invert
    assert not _set(dlg.model, "group", "usage", 1, "abc")
    with qtbot.waitSignal(dlg.scorecardChanged, timeout=10000):
        dlg.save_button.click()
    active = [v for v in list_versions(demo_store) if v.is_active]
    assert [v.name for v in active] == ["More NPS"]
    assert active[0].id == dlg.saved_version_id


def test_validation_view_charts_the_report(qtbot, demo_store, today):
    from desktop_app.services.health.validation import validate

    report = validate(demo_store, as_of=today)
    view = ValidationView(demo_store, report=report)
    qtbot.addWidget(view)
    heights = view.band_bars.opts["height"]
    assert len(heights) == 4
    assert heights[0] == pytest.approx(100 * report.churn_by_band["Healthy/Stable"][1])
    assert heights[2] == pytest.approx(100 * report.churn_by_band["Risky/Unstable"][1])
    dec = view.decile_bars.opts["height"]
    assert np.allclose(dec, [100 * r for _d, _n, _e, r in report.churn_by_score_decile])
    assert view.auc_label.text() == report.verdict
    assert f"{report.score[90].auc:.2f}" in view.auc_label.text()
    # one row for the score, one per single signal, with their counts
    model = view.signal_model
    assert model.rowCount() == 1 + len(report.signals[90])
    assert model.index(0, 0).data() == "health score"
    assert model.index(0, 3).data() == f"{report.score[90].events:,}"
    # the default constructor computes the report itself, on a worker
    view2 = ValidationView(demo_store)
    qtbot.addWidget(view2)
    qtbot.waitUntil(lambda: view2.report is not None, timeout=20000)
    assert view2.report.observations[3] > 0


def test_validation_view_without_churn_gives_no_verdict_and_sane_axes(qtbot, store):
    from desktop_app.services.health.validation import validate

    report = validate(store)
    assert not report.enough_history
    view = ValidationView(store, report=report)
    qtbot.addWidget(view)
    assert view.auc_label.text().startswith("Not enough churn history to judge")
    assert "NOT" not in view.auc_label.text()
    assert not view.band_bars.opts["height"].any()
    low, high = view.band_plot.getViewBox().viewRange()[1]
    assert low == pytest.approx(0.0)
    assert high == pytest.approx(10.0)


def test_scorecard_editor_opens_before_the_preview_is_ready(qtbot, demo_store):  # type: ignore[no-untyped-def]
    from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor

    dlg = ScorecardEditor(demo_store)
    qtbot.addWidget(dlg)
    # Weights are editable at once; the preview says it is reading the book. This holds
    # whatever the worker's speed: its result is a queued signal, delivered only once the
    # event loop runs, which nothing has done since the constructor started the worker.
    assert dlg.model.rowCount() > 0
    assert dlg.previewer is None
    assert "Reading the book" in dlg.preview_label.text()
    # ...and fills in when the worker is done.
    with qtbot.waitSignal(dlg.previewReady, timeout=10000):
        pass
    assert dlg.previewer is not None
    assert "accounts change band" in dlg.preview_label.text()
