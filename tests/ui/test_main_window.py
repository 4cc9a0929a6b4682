"""The main window on the demo book: table, filters, sort, shared selection, persistence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from desktop_app.services.database import open_database
from desktop_app.store.engine import Store
from desktop_app.ui.book_state import BookState
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.account_table import (
    COLUMN_KEYS,
    AccountIdRole,
    AccountTableModel,
)
from desktop_app.ui.settings import Settings

TODAY = date(2026, 11, 24)


def _open(qtbot, store: Store, settings_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, Settings(settings_path), today=TODAY)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bookLoaded, timeout=10000):
        window.show()
    # The chart's points follow its creation by a pass or two (``gui_queue``).
    qtbot.waitUntil(lambda: window.docks.created and window.docks.scatter.is_ready(), timeout=10000)
    return window


@pytest.fixture
def window(qtbot, demo_store: Store, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = _open(qtbot, demo_store, tmp_path / "settings.ini")
    yield w
    w.close()


def _ids_in_view(w: MainWindow) -> list[int]:
    m = w.model
    return [m.data(m.index(r, 0), AccountIdRole) for r in range(m.rowCount())]


def test_shows_every_account(window: MainWindow) -> None:
    assert window.model.rowCount() == 300
    assert window.stack.currentIndex() == 0
    assert "300 of 300 accounts" in window.status_count.text()
    assert window.store.location in window.status_db.text()
    # The chart got the same book.
    assert len(window.docks.scatter.plotted_ids()) == 300


def test_search_and_owner_filter_narrow_table_and_chart(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    book = window.book
    name = str(book.name[10])
    window.filter_bar.search.setText(name[:12])
    window.filter_bar.flush()
    expected = {
        int(a)
        for a, n in zip(book.account_id, book.name, strict=True)
        if name[:12].lower() in str(n).lower()
    }
    assert set(_ids_in_view(window)) == expected
    assert set(window.docks.scatter.plotted_ids().tolist()) == expected
    window.filter_bar.search.clear()
    window.filter_bar.flush()
    owner = str(book.owner[0])
    combo = window.filter_bar.owner
    combo.setCurrentIndex(combo.findData(owner))
    owned = {int(a) for a, o in zip(book.account_id, book.owner, strict=True) if o == owner}
    assert set(_ids_in_view(window)) == owned
    assert set(window.docks.scatter.plotted_ids().tolist()) == owned
    assert f"{len(owned)} of 300 accounts" in window.status_count.text()
    window.filter_bar.reset()
    assert window.model.rowCount() == 300


def test_sorting_by_header(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    header = window.table.horizontalHeader()
    col = COLUMN_KEYS.index("mrr")
    header.setSortIndicator(col, Qt.SortOrder.DescendingOrder)
    mrr = window.book.mrr[window.model.order]
    finite = mrr[~np.isnan(mrr)]
    assert (np.diff(finite) <= 0).all()
    header.setSortIndicator(COLUMN_KEYS.index("name"), Qt.SortOrder.AscendingOrder)
    names = [str(window.book.name[i]).lower() for i in window.model.order]
    assert names == sorted(names)


def test_selection_is_shared_with_chart_and_pane(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    sm = window.table.selectionModel()
    sm.select(
        window.model.index(3, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    aid = window.model.account_id(3)
    assert window.selected_ids.tolist() == [aid]
    assert window.docks.scatter.selection().tolist() == [aid]
    assert window.docks.detail.current_account() == aid
    # And back: the chart selects two accounts, the table follows.
    two = window.book.account_id[[7, 20]]
    window.docks.scatter._emit_selection(two)  # what a rectangle or lasso ends in
    rows = {i.row() for i in sm.selectedRows()}
    assert {window.model.account_id(r) for r in rows} == set(two.tolist())
    # Selection survives a reload (e.g. after an import).
    with qtbot.waitSignal(window.bookLoaded, timeout=10000):
        window.reload()
    assert set(window.selected_ids.tolist()) == set(two.tolist())


def test_state_persists(qtbot, demo_store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.ini"
    w = _open(qtbot, demo_store, path)
    # Every filter set, on the values of one active healthy account (so some rows remain).
    i = int(np.flatnonzero((w.book.band == "Healthy/Stable") & ~w.book.churned)[0])
    owner = str(w.book.owner[i])
    w.filter_bar.owner.setCurrentIndex(w.filter_bar.owner.findData(owner))
    lead = str(w.book.team_lead[i])
    segment = str(w.book.segment[i])
    w.filter_bar.team_lead.setCurrentIndex(w.filter_bar.team_lead.findData(lead))
    w.filter_bar.segment.setCurrentIndex(w.filter_bar.segment.findData(segment))
    w.filter_bar.band.setCurrentIndex(w.filter_bar.band.findText("Healthy/Stable"))
    w.filter_bar.lifecycle.setCurrentIndex(w.filter_bar.lifecycle.findData("active"))
    spec = w.filter_bar.current()
    w.table.horizontalHeader().setSortIndicator(
        COLUMN_KEYS.index("arr"), Qt.SortOrder.DescendingOrder
    )
    w.docks.detail_dock.hide()  # a dock the user closed stays closed
    w.close()
    w2 = _open(qtbot, demo_store, path)
    try:
        assert w2.filter_bar.current() == spec
        assert w2.state.filter == spec
        assert spec.team_leads == (lead,)
        assert spec.segments == (segment,)
        assert w2.model.sort_state == ("arr", False)
        assert {str(o) for o in w2.book.owner[w2.model.order]} == {owner}
        assert w2.settings.state("geometry") is not None
        assert not w2.docks.detail_dock.isVisible()
        assert w2.docks.scatter_dock.isVisible()
    finally:
        w2.close()


def test_empty_book_offers_import_and_demo(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = open_database(tmp_path / "empty.db")
    w = _open(qtbot, store, tmp_path / "s.ini")
    try:
        assert w.stack.currentWidget() is w.empty_state
        assert w.model.rowCount() == 0
        with qtbot.waitSignal(w.bookLoaded, timeout=30000):
            w.empty_state.demo_button.click()
            # Generated and scored on the writer, with progress and Cancel in the status bar.
            assert w.task_progress.worker is not None
            assert w.task_progress.isVisible()
            assert not w.acts.open_demo.isEnabled()  # not twice at once
        assert w.acts.open_demo.isEnabled()
        assert w.model.rowCount() == 300
        assert w.demo
    finally:
        w.close()
        store.dispose()


def test_every_menu_action_has_a_shortcut(window: MainWindow) -> None:
    missing = []
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            if action.shortcut().isEmpty():
                missing.append(action.text())
    assert missing == []


def test_undo_redo_of_a_note_from_the_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from desktop_app.store.schema import Note

    aid = int(window.book.account_id[0])
    window.select_accounts(np.array([aid]))

    def count() -> int:
        with window.store.sessions() as s:
            return int(s.scalar(select(func.count()).where(Note.account_id == aid)) or 0)

    before = count()
    pane = window.docks.detail
    with qtbot.waitSignal(pane.noteAdded, timeout=5000):  # written on the writer thread
        pane.add_note("Called the admin; renewal on track.")
    assert count() == before + 1
    with qtbot.waitSignal(pane.noteAdded, timeout=5000):
        window.acts.undo.trigger()
    assert count() == before
    with qtbot.waitSignal(pane.noteAdded, timeout=5000):
        window.acts.redo.trigger()
    assert count() == before + 1


def test_table_model_passes_modeltester(qtmodeltester, demo_store: Store) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.book.filter import BookFilter, filter_mask
    from desktop_app.services.book.portfolio import load_book

    state = BookState(TODAY)
    model = AccountTableModel(state)
    book = load_book(demo_store, TODAY)
    state.replace_book(book)
    qtmodeltester.check(model)
    state.set_mask(filter_mask(book, BookFilter(lifecycle="active")))
    model.sort_by("health_score", ascending=False)
    qtmodeltester.check(model)


def test_no_threads_or_windows_left(qtbot, demo_store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    w.reload()
    w.close()
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    QApplication.processEvents()
    visible = [t for t in QApplication.topLevelWidgets() if t.isVisible()]
    assert visible == []


@pytest.mark.parametrize(
    "combo_name", ["owner", "team_lead", "segment", "band", "renewal", "lifecycle"]
)
def test_each_filter_changes_both_views_identically(window: MainWindow, combo_name: str) -> None:
    from desktop_app.services.book.filter import filter_mask

    combo = getattr(window.filter_bar, combo_name)
    assert combo.count() > 1
    combo.setCurrentIndex(1)
    spec = window.filter_bar.current()
    expected = set(window.book.account_id[filter_mask(window.book, spec)].tolist())
    assert 0 < len(expected) < 300
    assert set(_ids_in_view(window)) == expected
    assert set(window.docks.scatter.plotted_ids().tolist()) == expected
    assert f"{len(expected)} of 300 accounts" in window.status_count.text()


def _recording_window(qtbot, store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A window (not shown yet) and the (signal, rows, scored accounts) of each
    ``tableFilled`` and ``bookLoaded`` it sends."""
    events: list[tuple[str, int, int]] = []
    w = MainWindow(store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)

    def note(kind: str) -> None:
        events.append((kind, w.model.rowCount(), int(np.isfinite(w.book.health_score).sum())))

    w.tableFilled.connect(lambda: note("filled"))
    w.bookLoaded.connect(lambda: note("loaded"))
    return w, events


def test_first_open_lists_accounts_then_health(
    qtbot, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A big book (here: any book over 0 accounts) opens in two reads."""
    monkeypatch.setattr(MainWindow, "one_read_up_to", 0)
    w, events = _recording_window(qtbot, demo_store, tmp_path)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    # First the accounts alone (no health yet), then the whole book.
    assert events[0] == ("filled", 300, 0)
    assert events[-1][0] == "loaded"
    assert events[-1][2] > 200
    # A reload of a book on screen never blanks its columns out.
    events.clear()
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.reload()
    assert events
    assert all(scored > 200 for _kind, _rows, scored in events)
    w.close()


def test_a_small_book_opens_in_one_read_and_fills_the_table_once(
    qtbot, demo_store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    resets: list[int] = []
    w, events = _recording_window(qtbot, demo_store, tmp_path)
    assert w.one_read_up_to >= 300
    w.model.modelReset.connect(lambda: resets.append(w.model.rowCount()))
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    # The whole book at once: the table is filled once, with health already there.
    assert [kind for kind, _rows, _scored in events] == ["filled", "loaded"]
    assert events[0][1] == 300
    assert events[0][2] > 200
    assert resets == [300]
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.shows_book(), timeout=10000)
    assert w.docks.scatter.plotted_ids().size == 300
    w.close()


def test_band_tooltip_gives_the_band_reason(window: MainWindow) -> None:
    book = window.book
    scored = np.flatnonzero(book.band_reason != None)  # noqa: E711
    assert scored.size > 0
    aid = int(book.account_id[scored[0]])
    row = int(window.model.rows_for_accounts(np.array([aid]))[0])
    index = window.model.index(row, COLUMN_KEYS.index("band"))
    tip = window.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip == f"Why: {book.band_reason[scored[0]]}"


def test_background_reads_follow_the_chart_and_still_run(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The latest NPS and the search and sort indexes start once the chart shows the book
    (beside its preparation they delayed it), and they do run: on a reload too."""
    chart = window.docks.scatter
    qtbot.waitUntil(chart.shows_book, timeout=10000)
    qtbot.waitUntil(lambda: window.state.nps is not None, timeout=10000)
    qtbot.waitUntil(lambda: "search" in window.state.book.cache, timeout=10000)
    with qtbot.waitSignal(window.bookLoaded, timeout=10000):
        window.reload()
    book = window.state.book
    assert "search" not in book.cache  # a new book: its indexes are built anew
    qtbot.waitUntil(lambda: "search" in book.cache, timeout=10000)
    assert chart.shows_book()


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_a_filter_paints_the_table_once(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The rows are laid out in the pass that paints them, not again on Qt's next timer."""
    from desktop_app.services.book import BookFilter
    from desktop_app.ui import workers

    window.resize(1280, 800)
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.docks.scatter.shows_book, timeout=10000)
    qtbot.waitUntil(lambda: workers.active_threads() == 0, timeout=10000)
    counter = _PaintCounter()
    window.table.viewport().installEventFilter(counter)
    owner = str(window.book.owner[0])
    for spec in (BookFilter(owners=(owner,)), BookFilter()):
        qtbot.wait(50)
        counter.paints = 0
        window.apply_filter(spec)
        for _ in range(5):
            QApplication.processEvents()
        qtbot.wait(50)
        assert counter.paints == 1, spec
