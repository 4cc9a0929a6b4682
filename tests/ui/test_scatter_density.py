"""Adaptive point sizes, fills and selection rings of the portfolio scatter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import Qt

from desktop_app.ui.views import scatter_data as sd
from desktop_app.ui.views.scatter import RING_PAD, PortfolioScatter
from tests.ui.test_scatter import synthetic_book


def test_density_tiers_shrink_and_thin_out_as_points_grow() -> None:
    assert sd.density_for(0) == sd.density_for(300) == sd.density_for(5_000)
    full = sd.density_for(300)
    assert full.size_factor == 1.0
    assert sd.density_for(5_001).size_factor < 1.0
    assert sd.density_for(100_000) == sd.DENSE
    counts = [300, 5_000, 5_001, 20_000, 20_001, 50_000, 50_001, 100_000, 500_000]
    tiers = [sd.density_for(n) for n in counts]
    for a, b in itertools.pairwise(tiers):
        assert b.size_factor <= a.size_factor
        assert b.fill_alpha <= a.fill_alpha
        assert b.outline_alpha <= a.outline_alpha
    assert sd.DENSE.outline_alpha == 0
    assert sd.DENSE.fill_alpha < 128  # translucent: overlaps read as darker


def test_tier_sizes_scale_the_arr_range_with_a_floor() -> None:
    np.testing.assert_array_equal(sd.tier_sizes(1.0), np.arange(6.0, 25.0, 2.0))
    dense = sd.tier_sizes(sd.DENSE.size_factor)
    assert dense.shape == (sd.N_SIZES,)
    assert dense.min() == sd.SIZE_FLOOR
    assert dense.max() == pytest.approx(24.0 * sd.DENSE.size_factor, abs=0.5)
    assert np.all(np.diff(dense) >= 0)
    assert np.all(dense * 2 == np.round(dense * 2))  # half pixels: few atlas entries


def _plotted_sizes_and_alpha(chart: PortfolioScatter) -> tuple[np.ndarray, set[int]]:
    data = chart._scatter.data
    alphas = {b.color().alpha() for b in data["brush"]}
    return np.asarray(data["size"], dtype=float), alphas


def test_point_sizes_follow_the_number_of_visible_points(chart, qtbot) -> None:
    book = synthetic_book(6_000)
    chart.state.replace_book(book)
    qtbot.waitUntil(chart.is_ready, timeout=5000)  # prepared on a worker from 5k accounts
    idx = sd.size_index(book.arr, sd.size_scale(float(np.nanmax(book.arr))))
    dense = sd.density_for(6_000)
    sizes, alphas = _plotted_sizes_and_alpha(chart)
    np.testing.assert_array_equal(sizes, sd.tier_sizes(dense.size_factor)[idx])
    assert sizes.max() < sd.SIZE_MAX
    assert alphas <= {dense.fill_alpha, int(dense.fill_alpha * 0.85)}
    # Filtering down to a few hundred accounts brings full-size, more opaque points back.
    mask = np.zeros(len(book), dtype=bool)
    mask[:400] = True
    chart.state.set_mask(mask)
    sizes, alphas = _plotted_sizes_and_alpha(chart)
    np.testing.assert_array_equal(sizes, sd.tier_sizes(1.0)[idx[:400]])
    assert max(alphas) == sd.density_for(400).fill_alpha
    # The size legend draws the same sizes as the points.
    chart.state.set_mask(np.ones(len(book), dtype=bool))
    legend_sizes = [item.opts["size"] for item in chart._chrome._arr_items]
    values = sd.legend_arr_values(sd.size_scale(float(np.nanmax(book.arr))))
    steps = sd.size_index(np.array(values), sd.size_scale(float(np.nanmax(book.arr))))
    expected = np.minimum(sd.tier_sizes(dense.size_factor)[steps], 19.0)
    np.testing.assert_array_equal(legend_sizes, expected)


def test_selection_rings_surround_their_points_above_everything(chart, qtbot) -> None:
    book = synthetic_book(6_000)
    chart.state.replace_book(book)
    qtbot.waitUntil(chart.is_ready, timeout=5000)  # prepared on a worker from 5k accounts
    ids = np.array([10, 20, 3000], dtype=np.int64)
    chart.state.select(ids)
    rows = ids - 1
    ring = chart._overlay.data
    halo = chart._halo.data
    point = chart._scatter.data
    np.testing.assert_array_equal(ring["x"], point["x"][rows])
    np.testing.assert_array_equal(halo["y"], point["y"][rows])
    np.testing.assert_array_equal(ring["size"], point["size"][rows] + RING_PAD)
    assert chart._overlay.zValue() > chart._halo.zValue() > chart._scatter.zValue()
    assert chart._overlay.opts["pen"].widthF() >= 2.5
    assert chart._halo.opts["pen"].widthF() > chart._overlay.opts["pen"].widthF()
    chart.state.select(np.empty(0, dtype=np.int64))
    assert len(chart._overlay.data) == len(chart._halo.data) == 0


def test_outlines_are_cosmetic_hairlines() -> None:
    # A non-cosmetic pen is scaled with the symbol in the atlas and swamps the fill.
    from desktop_app.ui.views.scatter_items import outline_pen

    pen = outline_pen(sd.density_for(300).outline_alpha)
    assert pen.isCosmetic()
    assert pen.widthF() <= 1.0
    assert outline_pen(0).style() == Qt.PenStyle.NoPen
