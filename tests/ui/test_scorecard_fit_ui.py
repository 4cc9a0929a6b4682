"""Scorecard editor: editable band thresholds with the live preview, and the fit dialog."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.services.database import open_database
from desktop_app.services.health.scoring import rescore
from desktop_app.services.health.versions import list_versions
from desktop_app.services.importing.batch import import_files
from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor
from tests.books.simbook import ChurnModel, write_book


@pytest.fixture
def sim_store(tmp_path):
    book = write_book(tmp_path / "files", n=500, seed=4, model=ChurnModel(tenure=-1.3))
    s = open_database(tmp_path / "sim.db")
    import_files(s, book.files, today=date(2026, 12, 1))
    rescore(s, as_of=date(2026, 12, 1))
    yield s
    s.dispose()


def test_band_thresholds_are_editable_with_the_live_preview(qtbot, demo_store):
    dlg = ScorecardEditor(demo_store)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.previewer is not None, timeout=10000)
    assert dlg.healthy_spin.value() == dlg.active.bands.healthy_min_score
    assert dlg.preview_model.rowCount() == 0
    dlg.healthy_spin.setValue(95)  # almost nobody is healthy at 95
    assert dlg.model.scorecard.bands.healthy_min_score == 95
    moved = dlg.preview_model.rows
    assert moved
    assert {r.new_band for r in moved} <= {"Risky/Unstable"}
    dlg.unresponsive_spin.setValue(400)
    assert dlg.model.scorecard.bands.unresponsive_days == 400
    dlg.name_edit.setText("Strict")
    with qtbot.waitSignal(dlg.scorecardChanged, timeout=10000):
        dlg.save()  # on the writer
        assert dlg.message.text() == "Saving…"
        assert not dlg.save_button.isEnabled()  # no second save meanwhile
    saved = [v for v in list_versions(demo_store) if v.is_active]
    assert [v.name for v in saved] == ["Strict"]


def test_suggest_weights_fits_compares_and_hands_the_card_to_the_editor(qtbot, sim_store):
    dlg = ScorecardEditor(sim_store)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.previewer is not None, timeout=10000)
    versions = list_versions(sim_store)
    dlg.suggest()
    fit = dlg.fit_dialog
    qtbot.waitUntil(lambda: fit.report is not None, timeout=60000)
    report = fit.report
    assert fit.verdict.text() == report.message
    assert report.scorecard is not None
    assert "fitted: AUC" in fit.auc_label.text()
    rows = fit.weights.rows
    assert {r.measure for r in rows} >= set(report.weights)
    assert fit.changes.rowCount() == len(report.band_changes)
    assert fit.use_button.isEnabled()
    assert list_versions(sim_store) == versions  # nothing saved by fitting
    fit.resize(720, 560)  # a laptop-sized dialog still shows every header whole
    fit.show()
    qtbot.waitExposed(fit)
    for view in fit.views:
        header = view.horizontalHeader()
        last = header.count() - 1
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        assert right <= view.viewport().width()
        assert header.sectionSize(last) >= header.sectionSizeHint(last)
    fit.use_button.click()
    assert dlg.model.scorecard == report.scorecard
    assert dlg.healthy_spin.value() == report.scorecard.bands.healthy_min_score
    assert dlg.name_edit.text() == report.scorecard.name
    assert not dlg.problems
