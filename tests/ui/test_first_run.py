"""First run on an empty database: a readable empty state, an empty chart, book actions off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from desktop_app.services.database import open_database
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.widgets.empty_state import DROP_TEXT

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640), (1920, 1080)])
def test_empty_state_is_not_clipped(qtbot, tmp_path: Path, size: tuple[int, int]) -> None:
    store = open_database(tmp_path / "empty.db")
    w = MainWindow(store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(*size)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created, timeout=10000)
    assert w.stack.currentWidget() is w.empty_state
    assert DROP_TEXT in w.empty_state.drop_hint.text()
    for label in w.empty_state.labels():
        assert label.isVisible()
        # Tall enough for its wrapped text at its width: nothing cut mid-sentence.
        assert label.height() >= label.heightForWidth(label.width()) > 0
        assert label.width() >= 240
    # The buttons lie inside the page, below the text.
    page = w.empty_state.rect()
    for button in (w.empty_state.import_button, w.empty_state.demo_button):
        top_left = button.mapTo(w.empty_state, button.rect().topLeft())
        assert page.contains(top_left)
        assert button.isVisible()
    w.close()
    QThreadPool.globalInstance().waitForDone(5000)


def test_book_actions_are_disabled_until_a_book_is_loaded(qtbot, tmp_path: Path) -> None:
    store = open_database(tmp_path / "empty.db")
    w = MainWindow(store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    acts = w.acts
    needing = (acts.export_view, acts.rescore, acts.override, acts.note, acts.transition,
               acts.validate, acts.worklist, acts.team, acts.retention)  # fmt: skip
    assert not any(a.isEnabled() for a in needing)
    assert acts.import_files.isEnabled()
    assert acts.open_demo.isEnabled()
    with qtbot.waitSignal(w.bookLoaded, timeout=30000):
        w.empty_state.demo_button.click()
    qtbot.waitUntil(lambda: len(w.book) > 0, timeout=30000)
    assert all(a.isEnabled() for a in needing)
    w.close()
    QThreadPool.globalInstance().waitForDone(5000)


def test_empty_chart_has_no_money_legend_or_quadrant_counts(qtbot, tmp_path: Path) -> None:
    assert sd.legend_arr_values(1.0) == []
    assert sd.legend_arr_values(0.0) == []
    store = open_database(tmp_path / "empty.db")
    w = MainWindow(store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created, timeout=10000)
    chrome = w.docks.scatter._chrome
    labels = [label.text for _sample, label in chrome._legend.items]
    assert not [t for t in labels if "ARR" in t]
    assert all(t.toPlainText() == "" for t in chrome._texts)
    w.close()
    QThreadPool.globalInstance().waitForDone(5000)
