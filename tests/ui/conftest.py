"""Fixtures shared by the ui tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from desktop_app.store.engine import Store
from desktop_app.ui.views.detail_pane import AccountDetailPane


@pytest.fixture
def pane(qtbot: QtBot, demo_store: Store, today: date) -> AccountDetailPane:
    """The account detail pane on the demo book, shown at a dock-like size."""
    w = AccountDetailPane(demo_store, QUndoStack(), today=today)
    qtbot.addWidget(w)
    w.resize(520, 900)
    w.show()
    return w


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    """Fail a test that leaves a worker running (napari's ``_dangling_qthread_pool``).

    Widgets and windows are closed by their own fixtures first (they cancel and wait for
    their work); whatever still runs afterwards was started and forgotten.
    """
    from desktop_app.ui.workers import active_threads, wait_all

    yield
    running = active_threads()
    wait_all(10000)  # do not let it spill into the next test either way
    assert running == 0, f"{running} worker thread(s) still running after the test"
