"""Fixtures shared by the ui tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from desktop_app.store.engine import Store
from desktop_app.ui.book_state import BookState
from desktop_app.ui.views.detail_pane import AccountDetailPane
from desktop_app.ui.views.scatter import PortfolioScatter


@pytest.fixture
def pane(qtbot: QtBot, demo_store: Store, today: date) -> AccountDetailPane:
    """The account detail pane on the demo book, shown at a dock-like size."""
    w = AccountDetailPane(demo_store, QUndoStack(), today=today)
    qtbot.addWidget(w)
    w.resize(520, 900)
    w.show()
    return w


@pytest.fixture
def chart(qtbot: QtBot) -> PortfolioScatter:
    """The portfolio chart on an empty state, shown at 900 x 600."""
    w = PortfolioScatter(BookState())
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    """Fail a test that leaves a worker running (napari's ``_dangling_qthread_pool``).

    Widgets and windows are closed by their own fixtures first (they cancel and wait for
    their work). A worker gets half a second to finish the lines after its last signal;
    one still running then, or a task whose result never reached the GUI thread, was
    started and forgotten.
    """
    from PySide6.QtCore import QCoreApplication

    from desktop_app.ui import workers

    yield
    QCoreApplication.processEvents()
    idle = workers.wait_all(500)
    running = workers.active_threads()
    QCoreApplication.processEvents()
    undelivered = len(workers._RUNNING)
    workers.wait_all(10000)  # do not let it spill into the next test either way
    QCoreApplication.processEvents()
    assert idle, f"{running} worker thread(s) still running after the test"
    assert undelivered == 0, f"{undelivered} task result(s) never reached the GUI thread"
