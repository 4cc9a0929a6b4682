"""The cloud's first paint at book scale (issue 11, item 3: no GUI-thread stall over 50 ms).

The points are drawn from pyqtgraph's symbol atlas with less numpy around the one
``drawPixmapFragments`` call, pixel for pixel as pyqtgraph's own paint draws them; a big
cloud's first paint is done in bands over passes, ending as one paint ends; the whole
book's point records are built on the worker that prepares its arrays; and the styles
(legend sizes, atlas symbols) are primed in a pass before the points are installed.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from desktop_app.ui.views import scatter as scatter_module
from desktop_app.ui.views import scatter_clouds, scatter_points
from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter import PortfolioScatter
from desktop_app.ui.views.scatter_model import prepare_scatter
from desktop_app.ui.views.scatter_points import CloudScatter, install_points, point_records
from tests.ui.test_scatter import synthetic_book


def _repainted(chart: PortfolioScatter) -> QImage:
    """The chart after a paint of its whole cloud (its cached pixmap dropped first)."""
    chart._scatter.update()
    chart._glw.viewport().repaint()
    return chart._glw.grab().toImage()


def test_the_cloud_is_drawn_pixel_for_pixel_as_pyqtgraph_draws_it(
    chart, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    chart.state.replace_book(synthetic_book(6_000, seed=7))
    qtbot.waitUntil(chart.shows_book, timeout=10000)
    ours = CloudScatter._paint_atlas
    drawn: list[bool] = []

    def counted(self: CloudScatter, p: Any, widget: Any) -> bool:
        drawn.append(ours(self, p, widget))
        return drawn[-1]

    def pyqtgraph_s(self: CloudScatter, p: Any, widget: Any) -> bool:
        return False  # pyqtgraph's ScatterPlotItem.paint draws it

    monkeypatch.setattr(CloudScatter, "_paint_atlas", counted)
    fitted = _repainted(chart)
    assert drawn
    assert all(drawn)
    monkeypatch.setattr(CloudScatter, "_paint_atlas", pyqtgraph_s)
    assert _repainted(chart) == fitted
    # Zoomed in: points outside the view are culled as pyqtgraph culls them.
    chart.view().scaleBy((0.35, 0.35))
    qtbot.wait(20)
    theirs = _repainted(chart)
    assert theirs != fitted
    monkeypatch.setattr(CloudScatter, "_paint_atlas", counted)
    drawn.clear()
    assert _repainted(chart) == theirs
    assert drawn
    assert all(drawn)


def test_a_big_cloud_is_first_drawn_in_bands_that_end_as_one_paint(
    chart, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)
    monkeypatch.setattr(PortfolioScatter, "REVEAL_BAND_POINTS", 1_500)  # 4 bands of 6,000
    book = synthetic_book(6_000, seed=8)
    paints: list[tuple[bool, int]] = []  # (still revealing, points drawn) per paint
    ours = CloudScatter._paint_atlas

    def recorded(self: CloudScatter, p: Any, widget: Any) -> bool:
        done = ours(self, p, widget)
        if len(self.data) == len(book):
            paints.append((self.revealing(), len(self._pixmapFragments)))
        return done

    monkeypatch.setattr(CloudScatter, "_paint_atlas", recorded)
    shown: list[bool] = []
    chart.pointsShown.connect(lambda: shown.append(chart._scatter.revealing()))
    chart.state.replace_book(book)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == [False]  # sent once, when every band is drawn
    # Four paints, each of one band's points (a point reaching over an edge: in both).
    assert [revealing for revealing, _n in paints] == [True, True, True, False]
    counts = [n for _r, n in paints]
    assert all(n < 0.5 * len(book) for n in counts)
    assert len(book) <= sum(counts) < 1.2 * len(book)
    banded = chart._glw.grab().toImage()
    monkeypatch.setattr(CloudScatter, "_paint_atlas", ours)
    assert _repainted(chart) == banded  # as one paint of the whole cloud draws it


def test_a_filter_during_the_bands_leaves_the_whole_cloud_complete(
    chart, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.book.filter import BookFilter

    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)
    monkeypatch.setattr(PortfolioScatter, "REVEAL_BAND_POINTS", 1_500)
    book = synthetic_book(6_000, seed=9)
    whole = chart._clouds.whole
    chart.state.replace_book(book)
    qtbot.waitUntil(whole.revealing, timeout=10000)
    chart.state.set_filter(BookFilter(owners=("CSM 3",)))  # the other cloud is shown
    qtbot.waitUntil(lambda: not whole.revealing(), timeout=5000)
    chart.state.set_filter(BookFilter())
    qtbot.wait(20)
    restored = chart._glw.grab().toImage()
    assert _repainted(chart) == restored  # no band of the whole book missing


def test_point_records_built_beforehand_install_the_same_points(chart) -> None:  # type: ignore[no-untyped-def]
    book = synthetic_book(800)
    model = prepare_scatter(book, "mau", "health", None, 90)
    styles, _rings, pen, _sizes = chart._density_styles.for_density(sd.density_for(len(book)))
    cloud = CloudScatter(pxMode=True, pen=pen)
    x, y, code = model.arrays.x, model.arrays.y, model.style_code
    install_points(cloud, x, y, code, styles, pen)
    in_place = cloud.data.copy()
    records = point_records(cloud.data.dtype, x, y, code, styles, pen)
    install_points(cloud, x, y, code, styles, pen, records)
    assert cloud.data is records
    for name in in_place.dtype.names or ():
        if in_place.dtype[name].hasobject:
            assert all(a is b for a, b in zip(in_place[name], records[name], strict=True)), name
        else:
            np.testing.assert_array_equal(in_place[name], records[name], err_msg=name)


def test_a_big_book_s_records_are_built_on_the_worker_and_its_styles_primed_first(
    chart, qtbot, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(PortfolioScatter, "PREPARE_ON_WORKER_FROM", 0)
    monkeypatch.setattr(PortfolioScatter, "REVEAL_BAND_POINTS", 1_000)  # a big book's passes
    book = synthetic_book(3_000, seed=10)
    built: list[tuple[int, bool]] = []  # (points, on the GUI thread)

    def spy(build: Any) -> Any:
        def records(dtype: Any, x: np.ndarray, *args: Any) -> np.ndarray:
            built.append((len(x), threading.current_thread() is threading.main_thread()))
            return build(dtype, x, *args)

        return records

    monkeypatch.setattr(scatter_module, "point_records", spy(scatter_module.point_records))
    monkeypatch.setattr(scatter_points, "point_records", spy(scatter_points.point_records))
    whole = chart._clouds.whole
    at_install: list[tuple[int, list[str]]] = []
    install = scatter_clouds.install_points

    def spied_install(item: Any, x: np.ndarray, *args: Any) -> None:
        if item is whole and len(x) == len(book):
            labels = [label.text for _sample, label in chart._chrome._legend.items]
            at_install.append((len(item.fragmentAtlas), labels))
        install(item, x, *args)

    monkeypatch.setattr(scatter_clouds, "install_points", spied_install)
    chart.state.replace_book(book)
    qtbot.waitUntil(chart.shows_book, timeout=10000)
    assert (len(book), False) in built  # on the worker
    assert (len(book), True) not in built  # not again on the GUI thread
    # Primed in the pass before: the install renders no symbol, the legend has its sizes.
    assert len(at_install) == 1
    symbols, labels = at_install[0]
    assert len(whole.fragmentAtlas) == symbols > 0
    assert any(text.endswith(" ARR") for text in labels)
