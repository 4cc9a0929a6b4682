"""PortfolioScatter: arrays, mask, selection both ways, hit tests, floors, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from desktop_app.domain.book import BookColumns
from desktop_app.services.book.filter import BookFilter, filter_mask
from desktop_app.services.book.portfolio import load_book
from desktop_app.store.engine import Store
from desktop_app.ui.book_state import BookState
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter import PortfolioScatter
from tests.ui.mouse import move_to

BANDS = np.array(
    ["Healthy/Stable", "Undefined", "Risky/Unstable", "Escalation", None], dtype=object
)


def synthetic_book(n: int, seed: int = 1, today: date = date(2026, 11, 24)) -> BookColumns:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1, dtype=np.int64)

    def obj(values: list[object]) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out

    mau = np.round(10 ** rng.uniform(0, 4.3, n))
    mau[rng.random(n) < 0.05] = 0
    mau[rng.random(n) < 0.03] = np.nan
    score = np.round(rng.uniform(0, 100, n), 1)
    score[rng.random(n) < 0.05] = np.nan
    churned = rng.random(n) < 0.1
    churn_type = np.where(churned, rng.choice(["organic", "voluntary", "involuntary"], n), None)
    mrr = np.round(10 ** rng.uniform(2, 4.5, n), 2)
    renewal = np.datetime64(today, "D") + rng.integers(-30, 400, n).astype("timedelta64[D]")
    return BookColumns(
        account_id=ids,
        sf_account_id=obj([f"001{i:015d}" for i in ids]),
        name=obj([f"Account {i}" for i in ids]),
        owner=obj([f"CSM {i % 12}" for i in ids]),
        team_lead=obj([f"TL {i % 3}" for i in ids]),
        segment=obj([("SMB", "Mid", "Enterprise")[i % 3] for i in ids]),
        industry=obj(["Healthcare"] * n),
        lms_id=obj([f"lms-{i}" for i in ids]),
        recurly_id=obj([f"rec-{i}" for i in ids]),
        mrr=mrr,
        arr=mrr * 12,
        renewal_date=renewal,
        lifecycle=obj(np.where(churned, "churned", "active").tolist()),
        churn_type=obj(churn_type.tolist()),
        mau=mau,
        seats=np.round(mau * rng.uniform(0.8, 3, n)),
        open_tickets=rng.integers(0, 5, n).astype(np.int64),
        health_score=score,
        computed_band=BANDS[rng.integers(0, 5, n)],
        override_band=np.full(n, None, dtype=object),
        as_of=today,
    )


@pytest.fixture
def book() -> BookColumns:
    return synthetic_book(500)


def _view_xy(chart: PortfolioScatter, account_id: int) -> QPointF:
    ids = chart.plotted_ids()
    x, y = chart.plotted_xy()
    i = int(np.flatnonzero(ids == account_id)[0])
    return QPointF(float(x[i]), float(y[i]))


def test_arrays_match_the_service_on_the_demo_book(chart, demo_store: Store, today: date) -> None:
    book = load_book(demo_store, today)
    chart.state.replace_book(book)
    x, y = chart.plotted_xy()
    np.testing.assert_array_equal(chart.plotted_ids(), book.account_id)
    pos = book.mau > 0
    np.testing.assert_allclose(
        x[pos], np.maximum(np.log10(book.mau[pos]), sd.LOG_ZERO_FLOOR + 0.15)
    )
    assert np.all(x[book.mau == 0] == sd.LOG_ZERO_FLOOR)
    scored = ~np.isnan(book.health_score)
    np.testing.assert_allclose(y[scored], book.health_score[scored])
    assert np.all(y[~scored] == sd.Y_MISSING["health"])
    sx, _sy = chart._scatter.getData()
    assert len(sx) == len(book)


def test_log_axis_and_floors_keep_zero_and_missing_usage(chart, book: BookColumns) -> None:
    mau = book.mau.copy()
    mau[:5] = [0.0, np.nan, 1.0, 10.0, 1000.0]
    book = BookColumns(**{**book.__dict__, "mau": mau})
    chart.state.replace_book(book)
    x, _ = chart.plotted_xy()
    np.testing.assert_allclose(x[:5], [sd.LOG_ZERO_FLOOR, sd.LOG_MISSING_FLOOR, 0.0, 1.0, 3.0])
    assert len(chart.plotted_ids()) == len(book)  # nothing dropped
    labels = chart._axis_x.tickStrings([0.0, 1.0, 2.0, 3.0, 4.0, sd.LOG_ZERO_FLOOR], 1, 1)
    assert labels == ["1", "10", "100", "1k", "10k", "no usage"]
    values = chart._axis_x.tickValues(-0.7, 4.2, 600)
    assert sd.LOG_ZERO_FLOOR in values[0][1]
    assert sd.LOG_MISSING_FLOOR in values[0][1]


def test_set_mask_plots_exactly_the_mask(chart, book: BookColumns) -> None:
    chart.state.replace_book(book)
    mask = filter_mask(book, BookFilter(segments=("Enterprise",)))
    chart.state.set_mask(mask)
    np.testing.assert_array_equal(chart.plotted_ids(), book.account_id[mask])
    sx, sy = chart._scatter.getData()
    x, y = chart.plotted_xy()
    np.testing.assert_array_equal(sx, x)
    np.testing.assert_array_equal(sy, y)
    total = sum(s.count for s in chart.quadrant_stats())
    valid = ~np.isnan(book.health_score[mask]) & (book.mau[mask] > 0)
    assert total == int(valid.sum())
    with pytest.raises(ValueError, match="mask"):
        chart.state.set_mask(np.ones(3, dtype=bool))


def test_set_selection_highlights_without_emitting(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    ids = np.array([3, 17, 256], dtype=np.int64)
    with qtbot.assertNotEmitted(chart.selectionChanged):
        chart.state.select(ids)
    ox, oy = chart.overlay_xy()
    rows = ids - 1
    np.testing.assert_array_equal(ox, chart.plotted_xy()[0][rows])
    np.testing.assert_array_equal(oy, chart.plotted_xy()[1][rows])
    mask = np.ones(len(book), dtype=bool)
    mask[16] = False  # account 17 filtered out: no longer highlighted
    chart.state.set_mask(mask)
    assert len(chart.overlay_xy()[0]) == 2


def test_mouse_click_on_a_point_selects_it(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    aid = int(book.account_id[np.nanargmax(book.arr)])
    qtbot.wait(20)  # let the layout settle so view → scene mapping is final
    scene = chart.view().mapViewToScene(_view_xy(chart, aid))
    pos = chart._glw.mapFromScene(scene)
    viewport = chart._glw.viewport()
    qtbot.mouseMove(viewport, pos)
    with qtbot.waitSignal(chart.selectionChanged, timeout=2000) as blocker:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert list(blocker.args[0]) == [aid]
    assert chart.hover_at(*_xy(chart, aid)) == aid
    assert "Account" in chart.tooltip_for(aid)


def _xy(chart: PortfolioScatter, aid: int) -> tuple[float, float]:
    p = _view_xy(chart, aid)
    return p.x(), p.y()


def test_click_empty_clears_and_ctrl_toggles(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    chart.state.select(np.array([5], dtype=np.int64))
    with qtbot.waitSignal(chart.selectionChanged) as blocker:
        chart.click_at(_view_xy(chart, 9), Qt.KeyboardModifier.ControlModifier)
    assert set(blocker.args[0]) == {5, 9}
    with qtbot.waitSignal(chart.selectionChanged) as blocker:
        chart.click_at(QPointF(100.0, 500.0))
    assert blocker.args[0].size == 0


def test_rectangle_and_lasso_select_many(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    x, y = chart.plotted_xy()
    ids = chart.plotted_ids()
    rect = QRectF(QPointF(1.0, 20.0), QPointF(3.0, 60.0))
    with qtbot.waitSignal(chart.selectionChanged) as blocker:
        chart.select_rect(rect)
    expected = ids[(x >= 1) & (x <= 3) & (y >= 20) & (y <= 60)]
    np.testing.assert_array_equal(blocker.args[0], np.sort(expected))
    assert expected.size > 10
    tri = [QPointF(0.0, 0.0), QPointF(4.0, 0.0), QPointF(0.0, 100.0)]
    with qtbot.waitSignal(chart.selectionChanged) as blocker:
        chart.select_polygon(tri)
    inside = (x >= 0) & (y >= 0) & (x / 4.0 + y / 100.0 < 1.0)
    np.testing.assert_array_equal(blocker.args[0], np.sort(ids[inside]))


def test_axes_choices_and_today_line(chart, book: BookColumns) -> None:
    chart.state.replace_book(book)
    chart.set_axes("days_to_renewal", "health")
    x, _ = chart.plotted_xy()
    np.testing.assert_allclose(x, book.days_to_renewal)
    assert chart._chrome._today.isVisible()
    chart.set_axes("utilisation", "nps")
    nps = np.full(len(book), np.nan)
    nps[:10] = 9
    chart.state.set_nps(nps)
    _, y = chart.plotted_xy()
    assert np.all(y[:10] == 9)
    assert np.all(y[10:] == sd.Y_MISSING["nps"])
    assert not chart._chrome._today.isVisible()
    assert chart.quadrant_lines()[1] == sd.Y_DEFAULT_THRESHOLD["nps"]


def test_quadrant_lines_move_the_stats(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    chart.set_quadrant_lines(2.0, 50.0)
    stats = {(s.high_x, s.high_y): s for s in chart.quadrant_stats()}
    x, y = chart.plotted_xy()
    ok = (book.mau > 0) & ~np.isnan(book.health_score)
    hh = ok & (x >= 2.0) & (y >= 50.0)
    assert stats[(True, True)].count == int(hh.sum())
    assert stats[(True, True)].arr == pytest.approx(float(book.arr[hh].sum()))


def test_context_menu_emits_intents(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    chart.state.select(np.array([4, 8], dtype=np.int64))
    menu = chart.context_menu_for(8)
    acts = {a.text(): a for a in menu.actions() if a.text()}
    with qtbot.waitSignal(chart.noteRequested) as b1:
        acts["Add note…"].trigger()
    assert b1.args == [8]
    with qtbot.waitSignal(chart.transitionRequested) as b2:
        acts["Add 2 selected to transition…"].trigger()
    assert list(b2.args[0]) == [4, 8]
    with qtbot.waitSignal(chart.overrideRequested):
        acts["Override band…"].trigger()
    with qtbot.waitSignal(chart.accountActivated):
        acts["Open"].trigger()


def test_export_png_and_svg(chart, tmp_path: Path, book: BookColumns) -> None:
    chart.state.replace_book(book)
    png, svg = tmp_path / "c.png", tmp_path / "c.svg"
    chart.export_image(str(png))
    chart.export_image(str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()[:2000]


def test_mouse_hover_highlights_the_point_under_the_cursor(chart, qtbot, book: BookColumns) -> None:
    chart.state.replace_book(book)
    aid = int(book.account_id[np.nanargmax(book.arr)])
    qtbot.wait(20)
    p = _view_xy(chart, aid)
    move_to(chart, p)
    qtbot.waitUntil(lambda: len(chart._hover.getData()[0]) == 1, timeout=2000)
    hx, hy = chart._hover.getData()
    assert (hx[0], hy[0]) == (p.x(), p.y())


def test_new_book_keeps_selection_and_renewal_window_changes_symbols(
    chart, book: BookColumns
) -> None:
    chart.state.replace_book(book)
    chart.state.select(np.array([2, 400], dtype=np.int64))
    smaller = synthetic_book(300)  # same ids 1..300: account 400 is gone
    chart.state.replace_book(smaller)
    np.testing.assert_array_equal(chart.selection(), [2])
    assert len(chart.overlay_xy()[0]) == 1
    days = smaller.days_to_renewal
    active = ~smaller.churned
    codes30 = sd.symbol_codes(smaller, 30)
    codes180 = sd.symbol_codes(smaller, 180)
    assert np.all(codes30[active & (days > 30) & (days <= 180)] == 0)
    assert np.all(codes180[active & (days > 30) & (days <= 180)] == 1)
    assert np.all(codes30[smaller.churned & (smaller.churn_type == "organic")] == 2)
    chart.set_renewal_window(180)
    symbols = chart._scatter.data["symbol"]
    assert np.all(symbols[codes180 == 1] == "t")


def test_toolbar_combos_drive_the_axes(chart, book: BookColumns) -> None:
    chart.state.replace_book(book)
    tb = chart.toolbar
    tb.x_combo.setCurrentIndex(tb.x_combo.findData("arr"))
    assert chart.axes() == ("arr", "health")
    np.testing.assert_allclose(chart.plotted_xy()[0], np.log10(book.arr))
    chart.set_axes("mau", "nps")
    assert tb.y_combo.currentData() == "nps"
    tb.mode_actions["lasso"].trigger()
    assert chart.view().mode == "lasso"


def test_health_axis_ticks_stay_on_its_scale(qtbot):
    from desktop_app.ui.views.scatter_items import PortfolioAxis

    axis = PortfolioAxis("left")
    axis.configure(log=False, floors=(), scale=(0.0, 100.0))
    # A short view keeps room for the quadrant labels: -50..150 in data units.
    levels = axis.tickValues(-50.0, 150.0, 200.0)
    values = [v for _spacing, vals in levels for v in vals]
    assert values
    assert min(values) >= 0.0
    assert max(values) <= 100.0


def test_deferred_points_are_plotted_in_a_later_event(qtbot, book: BookColumns) -> None:
    state = BookState()
    state.replace_book(book)
    w = PortfolioScatter(state, defer_points=True)
    qtbot.addWidget(w)
    assert w._vb.menu is None  # no pyqtgraph view menu built: the chart has its own
    assert len(w.plotted_ids()) == 0  # the constructor plots nothing yet
    qtbot.waitUntil(lambda: len(w.plotted_ids()) == len(book), timeout=5000)
    assert w.is_ready()
    assert sorted(w.plotted_ids().tolist()) == sorted(book.account_id.tolist())
