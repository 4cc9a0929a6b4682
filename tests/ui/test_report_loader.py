"""ReportLoader: the latest read wins, and a view closed meanwhile is left alone."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel

from desktop_app.ui.workers import ReportLoader, active_threads


def test_a_superseded_read_that_ends_last_is_not_shown(qtbot) -> None:
    shown: list[str] = []
    done: list[str] = []
    loader = ReportLoader(shown.append, done.append)
    gate = threading.Event()

    def slow() -> str:
        gate.wait(10)
        return "old"

    loader.load("Reading…", slow)
    loader.load("Reading again…", lambda: "new")
    qtbot.waitUntil(lambda: done == ["new"], timeout=5000)
    assert not loader.busy()
    gate.set()  # the first read ends after the second: its result is stale
    qtbot.waitUntil(lambda: active_threads() == 0, timeout=5000)
    qtbot.wait(50)
    assert done == ["new"]
    assert shown == ["Reading…", "Reading again…"]


def test_a_view_closed_during_its_read_is_not_touched(qtbot) -> None:
    from shiboken6 import delete

    label = QLabel()
    gate = threading.Event()

    def read() -> str:
        gate.wait(10)
        return "figures"

    loader = ReportLoader(label.setText, label.setText)
    loader.load("Reading…", read)
    assert label.text() == "Reading…"
    delete(label)  # the user closed the view: its widgets are gone
    gate.set()
    qtbot.waitUntil(lambda: not loader.busy(), timeout=5000)  # delivered, nothing raised
