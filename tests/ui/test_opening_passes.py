"""Opening a book in short GUI-thread passes (issue 11, item 3: no stall over 50 ms).

The work of opening is spread over passes of the event loop (``ui.gui_queue``): these tests
check the order and the split (what exists after which step, what is painted at which
size), not timings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize

from desktop_app.ui import gui_queue
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings

TODAY = date(2026, 11, 24)


def test_the_table_is_painted_with_the_book_at_one_size_only(
    qtbot, demo_store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The docks take their places when the window shows: the table's first paint with
    rows is at its final size, not full height and then again beside the chart."""
    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    sizes: list[QSize] = []

    class Paints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and w.model.rowCount() > 0:
                sizes.append(w.table.viewport().size())
            return False

    probe = Paints()
    w.table.viewport().installEventFilter(probe)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.shows_book(), timeout=20000)
    qtbot.wait(50)
    w.table.viewport().removeEventFilter(probe)
    assert sizes, "the table was never painted with rows"
    # One size (a status bar line may move it by a few pixels, not by the chart's half).
    heights = [size.height() for size in sizes]
    assert max(heights) - min(heights) <= 0.1 * max(heights), heights
    # Beside the chart: the chart's dock took about half the window's height first.
    assert sizes[0].height() < 0.7 * w.height()
    w.close()


def test_docks_create_leaves_the_chart_out_of_its_dock_until_the_next_pass(
    qtbot, demo_store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """``Docks.create`` builds the chart's frame only; the dock gets it (its toolbar shown,
    its plot a pass later), the chart its chrome (lines, texts, legend) and then its points,
    in later passes of the event loop."""
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QMainWindow

    from desktop_app.services.book import load_book
    from desktop_app.ui.book_state import BookState
    from desktop_app.ui.docks import Docks

    win = QMainWindow()
    qtbot.addWidget(win)
    win.resize(1280, 800)
    state = BookState(TODAY, win)
    state.replace_book(load_book(demo_store, TODAY))
    docks = Docks(win, state, Settings(tmp_path / "s.ini"), QUndoStack(win), TODAY)
    win.show()
    docks.place()
    placeholder = docks.scatter_dock.widget()
    docks.create(demo_store)
    chart = docks.scatter
    assert chart is not None
    assert docks.scatter_dock.widget() is placeholder  # for one pass
    assert chart._chrome_obj is None
    assert not chart.isVisible()
    assert chart.plotted_ids().size == 0
    seen: list[tuple[str, int]] = []

    class Events(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() in (QEvent.Type.Paint, QEvent.Type.Show):
                seen.append(("toolbar" if obj is chart.toolbar else "plot", event.type().value))
            return False

    probe = Events()
    chart.toolbar.installEventFilter(probe)
    chart._glw.installEventFilter(probe)
    qtbot.waitUntil(lambda: docks.scatter_dock.widget() is chart, timeout=5000)
    qtbot.waitUntil(lambda: chart._glw.isVisible(), timeout=5000)
    # In the dock: its toolbar first painted alone, the plot (its place kept) shown after.
    paint, show = QEvent.Type.Paint.value, QEvent.Type.Show.value
    assert ("toolbar", paint) in seen, seen
    assert ("plot", show) in seen, seen
    assert seen.index(("toolbar", paint)) < seen.index(("plot", show)), seen
    toolbar_height = chart.toolbar.height()
    qtbot.wait(20)
    assert chart.toolbar.height() == toolbar_height
    assert chart._glw.height() > 0.5 * docks.scatter_dock.height()
    qtbot.waitUntil(lambda: chart._chrome_obj is not None, timeout=5000)
    qtbot.waitUntil(lambda: docks.created and chart.shows_book(), timeout=20000)
    assert chart.plotted_ids().size == len(state.book) > 0
    labels = [label.text for _sample, label in chart._chrome._legend.items]
    assert "No band" in labels
    assert any(text.endswith(" ARR") for text in labels)
    win.close()


def test_a_big_book_opened_under_a_filter_shows_its_points(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A big book's clouds are painted in the pass after their installation (hidden for
    it): opened with a saved filter, the filtered cloud is the one shown, and both clouds
    are visible again afterwards."""
    from desktop_app.ui.views.scatter import PortfolioScatter

    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)  # the worker path
    settings = Settings(tmp_path / "s.ini")
    settings.set("filter_segments", ["SMB"])
    settings.sync()
    w = MainWindow(demo_store, settings, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.shows_book(), timeout=20000)
    qtbot.waitUntil(lambda: gui_queue.pending() == 0, timeout=5000)
    chart = w.docks.scatter
    smb = int(w.state.mask.sum())
    assert 0 < smb < len(w.state.book)
    assert chart.plotted_ids().size == smb
    assert all(cloud.isVisible() for cloud in chart._clouds.items())
    assert chart._scatter is chart._clouds.part
    assert len(chart._scatter.data) == smb
    assert chart._scatter.opacity() == 1.0
    w.close()


def test_a_whole_book_s_points_are_prepared_with_the_chart_and_the_pane_follows_them(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A book read whole: the chart asks a worker for its points' arrays as it is built
    (beside the passes of its chrome and legend, not after them), installs them once the
    legend is complete, and the pane's passes come after the points are painted."""
    from desktop_app.ui.views.scatter import PortfolioScatter

    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)  # the worker path
    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    events: list[tuple[str, object]] = []

    def created() -> None:
        chart = w.docks.scatter
        assert chart is not None
        # The preparation is asked for in the chart's construction (its first rebuild).
        events.append(("chart", chart._token))
        # (Adding none of the fixed legend entries answers whether they are all there.)
        chart.pointsShown.connect(
            lambda: events.append(("points", chart._chrome.add_fixed_legend(chart._brushes, 0)))
        )

    w.docks.chartCreated.connect(created)
    w.docks.viewsCreated.connect(lambda: events.append(("pane", w.docks.detail is not None)))
    with qtbot.waitSignal(w.docks.viewsCreated, timeout=20000):
        w.show()
    assert events == [("chart", 1), ("points", True), ("pane", True)]
    assert w.docks.scatter.plotted_ids().size == len(w.state.book) > 0
    w.close()


def test_the_book_arrives_with_its_derived_columns_computed(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The band in force, its code, utilisation and days to renewal are computed on the
    worker that read the book (cached in it), not by the table's first fill on the GUI
    thread; so is the whole book of a reload."""
    import threading

    from desktop_app.domain.book import BookColumns

    on_gui: list[str] = []
    derived = BookColumns._derived

    def spy(self: BookColumns, key: str, sources: tuple[object, ...], make: object) -> object:
        hit = self.cache.get(key)
        fresh = hit is None or not all(a is b for a, b in zip(hit[0], sources, strict=True))
        if fresh and len(self) and threading.current_thread() is threading.main_thread():
            on_gui.append(key)
        return derived(self, key, sources, make)

    monkeypatch.setattr(BookColumns, "_derived", spy)
    monkeypatch.setattr(MainWindow, "one_read_up_to", 0)  # two reads, as a big book
    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.shows_book(), timeout=20000)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.reload()
    wanted = {"derived:band", "derived:band_code", "derived:utilisation", "derived:days"}
    assert not wanted & set(on_gui), on_gui
    assert w.model.rowCount() == len(w.state.book) > 0
    w.close()


def _two_read_window(qtbot, demo_store, tmp_path: Path, monkeypatch) -> MainWindow:  # type: ignore[no-untyped-def]
    """A window that opens the demo book in two reads, as a big book."""
    monkeypatch.setattr(MainWindow, "one_read_up_to", 0)
    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    return w


def test_a_big_book_reads_usage_and_health_once_the_views_exist(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Two reads (a big book): the second (usage, tickets, health) starts once the chart
    and the pane exist; fetching beside their passes took the interpreter from them."""
    w = _two_read_window(qtbot, demo_store, tmp_path, monkeypatch)
    order: list[str] = []
    w.tableFilled.connect(lambda: order.append("filled"))
    w.docks.viewsCreated.connect(lambda: order.append("views"))
    w.bookLoaded.connect(lambda: order.append("loaded"))
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    assert order[0] == "filled"
    assert order.index("views") < order.index("loaded"), order
    assert w.state.complete
    assert len(w.state.book) == 300
    w.close()


def test_a_reload_before_the_views_exist_replaces_the_read_waiting_for_them(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The read of usage and health waiting for the views is dropped by a reload (an
    import at start-up): the book is loaded once, by the reload, never again by a stale
    read started later."""
    w = _two_read_window(qtbot, demo_store, tmp_path, monkeypatch)
    loaded: list[int] = []
    w.bookLoaded.connect(lambda: loaded.append(len(w.state.book)))
    with qtbot.waitSignal(w.tableFilled, timeout=20000):
        w.show()
    assert not w.docks.created  # the views come later: the read of the facts waits
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.reload()
    qtbot.waitUntil(lambda: w.docks.created, timeout=20000)
    qtbot.wait(300)  # a stale read started with the views would have arrived by now
    assert loaded == [300]
    w.close()


def test_the_views_wait_ends_once_without_a_second_call(
    qtbot, demo_store, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The views come before the wait's time is up: the read starts once, and the time
    running out later does nothing (no second start, no failed disconnect warning)."""
    import warnings

    monkeypatch.setattr(MainWindow, "views_wait_ms", 1000)
    w = _two_read_window(qtbot, demo_store, tmp_path, monkeypatch)
    loaded: list[int] = []
    w.bookLoaded.connect(lambda: loaded.append(len(w.state.book)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with qtbot.waitSignal(w.bookLoaded, timeout=20000):
            w.show()
        assert w.docks.created  # the views came first
        qtbot.wait(1200)  # past the wait's time
    assert loaded == [300]
    messages = [str(c.message) for c in caught]
    assert not [m for m in messages if "disconnect" in m], messages
    w.close()
