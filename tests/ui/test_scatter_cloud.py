"""The point cloud at book scale: arrays prepared on a worker, hover on an overlay only,
filters that re-slice the prepared arrays, and the hit-test index."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QToolTip

from desktop_app.services.book.filter import BookFilter, filter_mask
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter import PortfolioScatter
from desktop_app.ui.views.scatter_model import nearest_row, prepare_scatter
from tests.ui.mouse import move_to
from tests.ui.test_scatter import synthetic_book


def _move_to(chart: PortfolioScatter, x: float, y: float) -> None:
    move_to(chart, QPointF(x, y))


def test_hover_rings_the_nearest_account_and_names_it_without_touching_the_cloud(
    chart, qtbot
) -> None:
    book = synthetic_book(3_000)
    chart.state.replace_book(book)
    qtbot.wait(50)  # painted once: the cloud's pixmap exists
    installs, paints = chart._scatter.installs, chart._scatter.paints
    assert paints > 0
    row = int(np.nanargmax(book.arr))
    x, y = chart._arrays.x[row], chart._arrays.y[row]
    _move_to(chart, x, y)
    qtbot.waitUntil(lambda: chart.hovered_id() is not None, timeout=2000)
    assert chart.hovered_id() == int(book.account_id[row])
    hx, hy = chart._hover.getData()
    assert (hx[0], hy[0]) == (x, y)
    assert f"<b>{book.name[row]}</b>" in QToolTip.text()
    qtbot.wait(50)  # the ring is painted
    # Only the ring moved: the cloud was neither given new points nor painted again.
    assert chart._scatter.installs == installs
    assert chart._scatter.paints == paints
    # Moving within the same point's reach changes nothing either.
    _move_to(chart, x + 1e-9, y)
    qtbot.wait(20)
    assert chart._scatter.paints == paints


def test_a_filter_plots_exactly_the_filtered_accounts(chart) -> None:
    book = synthetic_book(2_000)
    chart.state.replace_book(book)
    before = chart.point_installs()
    spec = BookFilter(owners=("CSM 3",))
    chart.state.set_filter(spec)
    mask = filter_mask(book, spec)
    assert len(chart._scatter.data) == int(mask.sum()) < len(book)
    np.testing.assert_array_equal(chart.plotted_ids(), book.account_id[mask])
    assert chart.point_installs() == before + 1  # one hand-over per filter
    # The hover index follows the filter: a hidden account is never hovered.
    hidden = int(np.flatnonzero(~mask)[0])
    assert chart.hover_at(chart._arrays.x[hidden], chart._arrays.y[hidden]) in (
        None,
        *book.account_id[mask].tolist(),
    )
    chart.state.set_filter(BookFilter())
    assert len(chart._scatter.data) == len(book)
    np.testing.assert_array_equal(chart.plotted_ids(), book.account_id)
    assert chart.point_installs() == before + 1  # the whole book's points are reused


def test_clearing_a_filter_shows_the_whole_book_without_installing_or_painting_it(
    chart, qtbot
) -> None:
    book = synthetic_book(3_000)
    chart.state.replace_book(book)
    qtbot.wait(50)  # painted once: the whole book's pixmap exists
    whole = chart._scatter
    installs, paints = chart.point_installs(), whole.paints
    assert paints > 0
    chart.state.set_filter(BookFilter(owners=("CSM 3",)))
    qtbot.wait(50)
    assert chart._scatter is not whole
    assert chart._scatter.paints > 0
    assert whole.opacity() == 0.0
    assert chart._scatter.opacity() == 1.0
    chart.state.set_filter(BookFilter())
    qtbot.wait(50)
    assert chart._scatter is whole
    assert whole.opacity() == 1.0
    assert chart.point_installs() == installs + 1  # only the filtered points
    assert whole.paints == paints  # shown from its cached pixmap
    assert len(chart._clouds.part.data) == 0  # the filtered points are not kept
    # Another book: the whole-book cloud holds the new book, not the old one.
    other = synthetic_book(1_000, seed=5)
    chart.state.replace_book(other)
    assert len(chart._scatter.data) == len(other)
    np.testing.assert_array_equal(chart.plotted_ids(), other.account_id)


def test_big_books_are_prepared_on_a_worker_and_the_latest_book_wins(
    chart, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)
    first, second = synthetic_book(1_500, seed=1), synthetic_book(900, seed=2)
    chart.state.replace_book(first)
    chart.state.replace_book(second)  # before the first book's arrays are back
    assert not chart.is_ready()
    assert len(chart.plotted_ids()) == 0  # never the rows of another book meanwhile
    qtbot.waitUntil(chart.is_ready, timeout=5000)
    qtbot.wait(50)  # the first book's result, if it arrives late, is dropped
    np.testing.assert_array_equal(chart.plotted_ids(), second.account_id)
    inline = prepare_scatter(second, "mau", "health", None, 90)
    x, y = chart.plotted_xy()
    np.testing.assert_array_equal(x, inline.arrays.x)
    np.testing.assert_array_equal(y, inline.arrays.y)
    sizes = sd.tier_sizes(sd.density_for(len(second)).size_factor)[inline.size_idx]
    np.testing.assert_array_equal(chart._scatter.data["size"], sizes)


def test_a_book_still_loading_its_facts_shows_no_points(chart) -> None:
    book = synthetic_book(400)
    chart.state.replace_book(book, complete=False)
    assert len(chart.plotted_ids()) == 0
    chart.state.replace_book(book)
    assert len(chart.plotted_ids()) == len(book)
    assert chart.is_ready()


def test_the_x_sorted_index_finds_the_same_point_as_a_full_scan() -> None:
    book = synthetic_book(5_000, seed=7)
    model = prepare_scatter(book, "mau", "health", None, 90)
    rng = np.random.default_rng(3)
    shown = rng.random(len(book)) < 0.6
    rows = np.flatnonzero(shown)
    a = model.arrays
    sx, sy = 300.0, 4.0  # pixels per data unit
    found = 0
    for px, py in zip(rng.uniform(-0.5, 4.5, 300), rng.uniform(-12, 102, 300), strict=True):
        want = sd.nearest_index(a.x[rows], a.y[rows], px, py, sx, sy, 8.0)
        got = nearest_row(model, shown, px, py, sx, sy, 8.0)
        if want < 0:
            assert got == -1
            continue
        found += 1
        d_want = np.hypot((a.x[rows[want]] - px) * sx, (a.y[rows[want]] - py) * sy)
        d_got = np.hypot((a.x[got] - px) * sx, (a.y[got] - py) * sy)
        assert shown[got]
        assert d_got == pytest.approx(d_want)
    assert found > 50  # the comparison covered real hits, not only misses


def test_search_finds_accented_names_in_the_compact_search_text() -> None:
    book = synthetic_book(50)
    book.name[7] = "Société Générale"
    mask = filter_mask(book, BookFilter(text="GÉNÉ"))
    np.testing.assert_array_equal(np.flatnonzero(mask), [7])
    assert filter_mask(book, BookFilter(text="account 12")).sum() == 1


def test_freed_memory_can_be_handed_back() -> None:
    import sys

    from desktop_app.ui.memory import release_freed_memory

    assert release_freed_memory() is sys.platform.startswith("linux")


def test_points_shown_is_sent_once_the_cloud_of_the_book_is_painted(
    chart, qtbot, monkeypatch
) -> None:
    """What the window waits for before its background reads (they slowed the chart)."""
    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)
    shown: list[tuple[int, int]] = []
    painted_points: list[int] = []
    chart._scatter.on_paint = lambda: (
        painted_points.append(len(chart._scatter.data)),
        chart._cloud_painted(),
    )
    chart.pointsShown.connect(lambda: shown.append((len(chart.plotted_ids()), len(painted_points))))
    book = synthetic_book(1_200, seed=3)
    chart.state.replace_book(book)
    assert not chart.shows_book()  # being prepared on a worker
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    # Sent from the first paint of the book's points, not from the empty chart's paints.
    assert shown[0][0] == len(book)
    assert painted_points[shown[0][1] - 1] == len(book)
    assert all(n == 0 for n in painted_points[: shown[0][1] - 1])
    assert chart.shows_book()
    chart.state.set_filter(BookFilter(owners=("CSM 3",)))  # not a new book: no new signal
    qtbot.wait(50)
    assert len(shown) == 1


def test_the_cached_cloud_keeps_no_paint_buffer_for_a_big_book(chart, qtbot) -> None:
    chart.state.replace_book(synthetic_book(12_000, seed=4))
    qtbot.waitUntil(lambda: chart._scatter.paints > 0, timeout=5000)
    qtbot.wait(50)
    assert len(chart._scatter._pixmapFragments) <= 10  # 80 bytes a point, freed once cached


def test_a_10k_book_is_prepared_off_the_signal_that_replaced_it(chart, qtbot) -> None:
    # Inline, its preparation and install ran inside the window's book-loaded event with
    # the table's reset (one GUI-thread stall of 90-130 ms at 10k).
    assert PortfolioScatter.PREPARE_ON_WORKER_FROM <= 10_000
    book = synthetic_book(10_000, seed=5)
    chart.state.replace_book(book)
    assert not chart.is_ready()  # nothing prepared inside the signal
    qtbot.waitUntil(chart.is_ready, timeout=10000)
    assert len(chart.plotted_ids()) == len(book)
