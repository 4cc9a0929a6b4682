"""Steps that stalled the GUI thread while a book opened (found by ``benchmarks/stalls.py``)
stay where they were moved. Counted, not timed:

- a garbage collection run inside the book's loading (reading accounts and facts, building
  the search and sort indexes): each full collection holds the GIL and so stops the GUI
  thread (130-260 ms apiece at 100k); the loading runs with the collector paused;
- the chart preparing a book still loading its facts on the GUI thread, inside its own
  construction (the first rebuild prepares it, on a worker for a big book);
- a paint of the table entering Python once per role of each cell (seven per cell), each
  entry waiting for the GIL behind the loading workers: ``multiData`` answers them at once.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtWidgets import QTableView

from desktop_app.domain.book import BookColumns
from desktop_app.services.book import load_accounts
from desktop_app.store.engine import Store
from desktop_app.ui.book_state import BookState
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.account_table import AccountIdRole, AccountTableModel, BandRole
from desktop_app.ui.settings import Settings
from desktop_app.ui.views.scatter import PortfolioScatter

TODAY = date(2026, 11, 24)
#: The loading's steps that build many objects (the re-enabled collector may run once as
#: the paused block ends, over what survived it: a young collection, not counted here).
LOADING = {"read_accounts", "read_facts", "search_text", "sort_keys", "owner_choices"}


@pytest.fixture
def collections_in_loading() -> Iterator[list[str]]:
    """The loading step each garbage collection ran inside, for collections run inside one."""
    seen: list[str] = []

    def note(phase: str, _info: dict[str, Any]) -> None:
        if phase != "start":
            return
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name in LOADING:
                seen.append(frame.f_code.co_name)
                return
            frame = frame.f_back  # type: ignore[assignment]

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_opening_a_book_runs_no_collection_inside_its_loading(
    qtbot, demo_store: Store, tmp_path: Path, collections_in_loading: list[str]
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bookLoaded, timeout=10000):
        window.show()
    # The indexes are built (the last sort key is the last step).
    qtbot.waitUntil(lambda: "sort:recurly_id" in window.state.book.cache, timeout=10000)
    # The loading did run (and allocated enough for several young collections)...
    assert len(window.state.book) > 0
    # ...with none of them inside it, and the imports out of the collector's sight.
    assert collections_in_loading == []
    assert gc.get_freeze_count() > 0
    window.close()


def test_the_collector_is_back_on_after_loading(demo_store: Store) -> None:
    assert gc.isenabled()
    book = load_accounts(demo_store, TODAY)
    assert len(book) > 0
    assert gc.isenabled()


def test_chart_built_on_a_book_still_loading_prepares_nothing_on_the_gui_thread(
    qtbot, demo_store: Store
) -> None:  # type: ignore[no-untyped-def]
    state = BookState(TODAY)
    state.replace_book(load_accounts(demo_store, TODAY), complete=False)
    chart = PortfolioScatter(state, defer_points=True)
    qtbot.addWidget(chart)
    # The model behind the chart is empty until a rebuild prepares the whole book.
    assert len(chart._model) == 0
    assert len(state.book) > 0
    assert not chart.is_ready()
    assert isinstance(state.book, BookColumns)


class _CountingModel(AccountTableModel):
    """The table's model, counting the calls Qt makes into ``data`` (one per role)."""

    calls = 0
    cells = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        _CountingModel.calls += 1
        return super().data(index, role)

    def multiData(self, index, roleDataSpan):  # type: ignore[no-untyped-def]
        _CountingModel.cells += 1
        super().multiData(index, roleDataSpan)


def test_a_table_paint_enters_python_once_per_cell(qtbot, demo_store: Store) -> None:  # type: ignore[no-untyped-def]
    state = BookState(TODAY)
    state.replace_book(load_accounts(demo_store, TODAY))
    model = _CountingModel(state)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    _CountingModel.calls = _CountingModel.cells = 0
    view.grab()  # a paint of the whole view, rows included
    # The delegate's roles come from multiData: no call per role (it was ~7 per cell).
    assert _CountingModel.calls == 0
    assert _CountingModel.cells > 0  # the rows were painted
    # ...with the values data() gives, for every role the delegate asks.
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
             Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.CheckStateRole,
             Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
             AccountIdRole, BandRole]  # fmt: skip
    for row in range(5):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in roles:
                got = QModelRoleData(role)
                model.multiData(index, QModelRoleDataSpan(got))
                assert got.data() == model.data(index, role)
