"""The chart follows the book (issue 10, item 1) and the selection is counted (item 14).

Every book change (first load after an import, reload, another database, rescore) refits the
view so that it holds every point; the quadrant lines go to the new book's medians; a zoom
made by the user is kept while the book stays the same (filters, edits).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from desktop_app.services.book.filter import BookFilter
from desktop_app.services.database import open_database
from desktop_app.services.demo.book import generate_demo
from desktop_app.services.health.scoring import rescore
from desktop_app.store.engine import Store
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from desktop_app.ui.views import scatter_data as sd

TODAY = date(2026, 11, 24)


def _open(qtbot, store: Store, settings: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(store, Settings(settings), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    # The chart's points follow its creation by a pass or two (``gui_queue``).
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.is_ready(), timeout=10000)
    return w


def _view_holds_every_point(w: MainWindow) -> None:
    chart = w.docks.scatter
    chart.view().prepareForPaint()
    x, y = chart.plotted_xy()
    assert len(x) == int(w.state.mask.sum()) > 0
    (x0, x1), (y0, y1) = chart.view().viewRange()
    assert x0 <= float(x.min()), (x0, x.min())
    assert float(x.max()) <= x1, (x1, x.max())
    assert y0 <= float(y.min()), (y0, y.min())
    assert float(y.max()) <= y1, (y1, y.max())
    # ... and fits them along x: the points span most of the view, not a corner of it (y
    # always shows its whole scale, with room for the quadrant labels).
    assert float(x.max() - x.min()) >= 0.6 * (x1 - x0), ((x0, x1), (x.min(), x.max()))


def _quadrants_count_the_view(w: MainWindow) -> None:
    chart = w.docks.scatter
    stats = chart.quadrant_stats()
    book, mask = w.state.book, w.state.mask
    valid = ~np.isnan(book.health_score[mask])
    assert sum(s.count for s in stats) <= int(valid.sum())
    assert sum(s.count for s in stats) > 0
    xs = chart.plotted_xy()[0]
    xl, _yl = chart.quadrant_lines()
    assert float(xs.min()) <= xl <= float(xs.max())


@pytest.fixture
def empty_window(qtbot, tmp_path: Path) -> Iterator[tuple[MainWindow, Store]]:  # type: ignore[no-untyped-def]
    store = open_database(tmp_path / "empty.db")
    w = _open(qtbot, store, tmp_path / "s.ini")
    yield w, w.store
    w.close()


def test_first_import_into_an_empty_database_refits_the_chart(qtbot, empty_window) -> None:  # type: ignore[no-untyped-def]
    w, store = empty_window
    assert len(w.state.book) == 0
    # What an import followed by a rescore leaves in the database.
    generate_demo(store, 120, seed=3, today=TODAY)
    rescore(store, as_of=TODAY)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.acts.data_changed()
    assert len(w.state.book) == 120
    _view_holds_every_point(w)
    _quadrants_count_the_view(w)
    # The x axis spans real usage, not only the "no data" / "no usage" floors.
    x = w.docks.scatter.plotted_xy()[0]
    (x0, x1), _ = w.docks.scatter.view().viewRange()
    assert x1 - x0 > 1.0
    assert float(np.median(x)) > sd.LOG_ZERO_FLOOR


def test_opening_another_database_refits_and_moves_the_lines(
    qtbot,  # type: ignore[no-untyped-def]
    demo_store: Store,
    tmp_path: Path,
) -> None:
    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    try:
        _view_holds_every_point(w)
        first_lines = w.docks.scatter.quadrant_lines()
        other = open_database(tmp_path / "other.db")
        generate_demo(other, 60, seed=11, today=TODAY)
        rescore(other, as_of=TODAY)
        # Bigger accounts than the first book: the old range would cut them off.
        with other.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE usage_monthly SET mau = mau * 40")
        other.dispose()
        with qtbot.waitSignal(w.bookLoaded, timeout=20000):
            assert w.acts.open_path(str(tmp_path / "other.db"))
        assert len(w.state.book) == 60
        _view_holds_every_point(w)
        _quadrants_count_the_view(w)
        assert w.docks.scatter.quadrant_lines()[0] != first_lines[0]
    finally:
        w.close()


def _wheel_zoom(w: MainWindow) -> None:
    chart = w.docks.scatter
    viewport = chart._glw.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 480),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(viewport, event)


def test_a_zoom_is_kept_within_the_book_and_dropped_for_a_new_book(
    qtbot,  # type: ignore[no-untyped-def]
    demo_store: Store,
    tmp_path: Path,
) -> None:
    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    try:
        chart = w.docks.scatter
        fitted = chart.view().viewRange()
        _wheel_zoom(w)
        zoomed = chart.view().viewRange()
        assert zoomed[0][1] - zoomed[0][0] < fitted[0][1] - fitted[0][0]
        assert not chart.is_fitted()
        # Same book: a filter and an edit keep the zoom.
        w.state.set_filter(BookFilter(lifecycle="active"))
        aid = int(w.state.book.account_id[0])
        with qtbot.waitSignal(w.state.accountsChanged, timeout=10000):
            w.acts.accounts_changed([aid])
        assert chart.view().viewRange() == zoomed
        # A rescore is a new book: the view fits it again.
        with qtbot.waitSignal(w.bookLoaded, timeout=30000):
            w.acts.rescore.trigger()
        assert chart.is_fitted()
        _view_holds_every_point(w)
    finally:
        w.close()


def test_a_chart_selection_is_counted_and_the_pane_shows_its_first_row(
    qtbot,  # type: ignore[no-untyped-def]
    demo_store: Store,
    tmp_path: Path,
) -> None:
    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    try:
        assert not w.status_selection.isVisible()
        chart = w.docks.scatter
        x, y = chart.plotted_xy()
        ids = chart.plotted_ids()
        # A rectangle around the 45 accounts with the highest score.
        top = np.argsort(-np.nan_to_num(y, nan=-1e9), kind="stable")[:45]
        lo = float(y[top].min())
        wanted = ids[y >= lo]
        rect_x = (float(x.min()) - 1, float(x.max()) + 1)
        from PySide6.QtCore import QRectF

        chart.select_rect(QRectF(QPointF(rect_x[0], lo - 1e-9), QPointF(rect_x[1], 200.0)))
        assert set(w.selected_ids.tolist()) == set(wanted.tolist())
        n = len(wanted)
        rows = w.state.rows_of(wanted)
        arr = float(np.nansum(w.state.book.arr[rows]))
        assert w.status_selection.isVisible()
        assert w.status_selection.text() == f"{n:,} selected · ${arr:,.0f} ARR"
        # The pane shows the first highlighted row of the table, and the table shows it.
        table_rows = w.model.rows_for_accounts(wanted)
        first = w.model.account_id(int(table_rows.min()))
        assert w.state.focus == first
        assert w.docks.detail.current_account() == first
        assert {i.row() for i in w.table.selectionModel().selectedRows()} == set(
            table_rows.tolist()
        )
        # Clicking one of the selected rows in the table focuses it, selection kept.
        other = int(table_rows.max())
        w.table.selectionModel().setCurrentIndex(
            w.model.index(other, 0), w.table.selectionModel().SelectionFlag.NoUpdate
        )
        w.state.select(w.state.selection, focus=w.model.account_id(other))
        assert w.docks.detail.current_account() == w.model.account_id(other)
        assert len(w.selected_ids) == n
    finally:
        w.close()


def test_quadrant_labels_leave_every_point_free_and_the_title_follows_the_axes(
    qtbot,  # type: ignore[no-untyped-def]
    demo_store: Store,
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QRectF

    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    try:
        chart = w.docks.scatter
        for axes in (("mau", "health"), ("arr", "health"), ("utilisation", "health")):
            chart.set_axes(*axes)
            qtbot.wait(10)
            vb = chart.view()
            vb.prepareForPaint()
            x, y = chart.plotted_xy()
            sizes = chart._scatter.data["size"]
            labels = [t.mapRectToScene(t.boundingRect()) for t in chart._chrome._texts]
            for px, py, size in zip(x, y, sizes, strict=True):
                centre = vb.mapViewToScene(QPointF(float(px), float(py)))
                r = float(size) / 2
                dot = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
                assert not any(label.intersects(dot) for label in labels), (axes, px, py)
            title = w.docks.scatter_dock.windowTitle()
            assert title == f"Portfolio: {sd.X_AXES[axes[0]]} × {sd.Y_AXES[axes[1]]}"
    finally:
        w.close()


def test_no_band_and_active_look_different_in_the_legend(qtbot, demo_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = _open(qtbot, demo_store, tmp_path / "s.ini")
    try:
        legend = w.docks.scatter._chrome._legend
        samples = {label.text: sample.item for sample, label in legend.items}
        no_band, active = samples["No band"], samples["Active"]
        assert no_band.opts["brush"].style() != active.opts["brush"].style()
    finally:
        w.close()


def test_the_chart_has_its_place_before_it_shows_the_book(qtbot, demo_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 11, item 3: opening a book paints the chart's points once at their place. The
    docks were placed after the chart's points and the pane, so the whole book was painted
    at the dock's first size and again at its place before the chart was complete."""
    from PySide6.QtCore import QEvent, QObject

    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    resized_with_points: list[tuple[int, int]] = []

    class Resizes(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            chart = w.docks.scatter
            if (
                event.type() == QEvent.Type.Resize
                and chart is not None
                and chart.plotted_ids().size
            ):
                size = event.size()  # type: ignore[attr-defined]
                resized_with_points.append((size.width(), size.height()))
            return False

    probe = Resizes()
    w.docks.scatter_dock.installEventFilter(probe)
    with qtbot.waitSignal(w.docks.viewsCreated, timeout=20000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created and w.docks.scatter.shows_book(), timeout=10000)
    qtbot.wait(50)  # the layout passes queued by the pane's creation
    assert w.docks.scatter.plotted_ids().size == len(w.state.book) > 0
    assert resized_with_points == []
