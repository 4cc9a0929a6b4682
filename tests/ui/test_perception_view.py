"""Perception view: the chart shows the CSM's means, intervals and the team average."""

from __future__ import annotations

import pytest

from desktop_app.services.managers.perception import import_survey, perception_report
from desktop_app.ui.dialogs.perception_view import PerceptionView
from tests.services.managers.test_perception import QUALTRICS


@pytest.fixture
def view(qtbot, store, tmp_path):
    from tests.services.managers.fixtures import small_book

    small_book(store)
    path = tmp_path / "q.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    import_survey(store, path)
    v = PerceptionView(store)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    return v


def test_chart_and_tables_follow_the_csm(view, store):
    rep = perception_report(store)
    assert [view.csm.itemText(i) for i in range(view.csm.count())] == [c.csm for c in rep.csms]
    view.csm.setCurrentText("Ann Avery")
    ann = rep.for_csm("Ann Avery")
    x, _y = view.chart.points.getData()
    rated = [c.performance.mean for c in ann.categories if c.performance.mean is not None]
    assert list(x) == pytest.approx(rated)
    tx, _ty = view.chart.team.getData()
    teams = [c.performance.team_mean for c in ann.categories if c.performance.team_mean is not None]
    assert list(tx[::2]) == pytest.approx(teams)
    assert view.cats.rowCount() == 5
    marks = [view.cats.data(view.cats.index(i, 5)) for i in range(5)]
    assert marks[0] == "Above team"  # communication: the interval excludes the team mean
    assert view.accounts.rowCount() == 3
    view.csm.setCurrentText("Bob Brand")
    assert view.cats.data(view.cats.index(0, 5)) == "Below team"


def test_import_refusal_is_one_line(qtbot, view, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Account,Communication\nA1 Won,lots\n", encoding="utf-8")
    view.import_file(str(bad))
    # On the writer: the view says so and stays usable (the CSM can still be changed).
    assert view.status.text() == "Importing the survey…"
    assert not view.import_button.isEnabled()
    view.csm.setCurrentText("Bob Brand")
    assert view.cats.data(view.cats.index(0, 5)) == "Below team"
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert view.import_button.isEnabled()
    assert view.status.text().startswith("Not imported: bad.csv, row 2, column 'Communication'")


def test_an_imported_survey_is_shown_with_its_result(qtbot, store, tmp_path):
    from tests.services.managers.fixtures import small_book

    small_book(store)
    v = PerceptionView(store)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    assert v.csm.count() == 0
    path = tmp_path / "q.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    v.import_file(str(path))
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    rep = perception_report(store)
    assert [v.csm.itemText(i) for i in range(v.csm.count())] == [c.csm for c in rep.csms]
    assert v.status.text().startswith("Imported ")
    assert f"{rep.csms[0].csm}: {rep.csms[0].responses} responses" in v.status.text()
