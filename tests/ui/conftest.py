"""Fixtures shared by the ui tests."""

from __future__ import annotations

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
