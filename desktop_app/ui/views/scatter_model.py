"""Everything the portfolio scatter plots, built off the GUI thread from the plain book arrays.

:func:`prepare_scatter` runs on a worker (numpy only: no Qt, no per-point Python objects) and
returns a :class:`ScatterModel`: the plotted coordinates of every account, one style code
per account (band x symbol x ARR size step), the x extent and median for the view and the
guide line, and an index of the rows sorted by x for hover hit tests. The widget then hands
the masked arrays to pyqtgraph in one call; a filter only slices them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.domain.book import BookColumns
from desktop_app.ui.views import scatter_data as sd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Band colours, then one for "no band" (band code -1 → the last one).
N_BAND_STYLES = len(BAND_ORDER) + 1
N_STYLES = N_BAND_STYLES * len(sd.SYMBOLS) * sd.N_SIZES


@dataclass(frozen=True)
class ScatterModel:
    """The plotted form of one book for one axis choice and renewal window."""

    book: BookColumns  # what it was built from (a newer book makes it stale)
    x_axis: str
    y_axis: str
    window: int
    arrays: sd.PlotArrays
    style_code: IntArray  # (band * n_symbols + symbol) * N_SIZES + size step, per account
    size_idx: IntArray  # ARR size step per account (0 .. N_SIZES-1)
    size_top: float  # the ARR the largest symbol stands for
    x_median: float  # where the vertical guide line starts
    by_x: IntArray  # book rows sorted by plotted x (the hover index)
    x_sorted: FloatArray  # plotted x in that order

    def __len__(self) -> int:
        return int(self.style_code.shape[0])

    def fits(self, book: BookColumns) -> bool:
        """True if this model's rows are ``book``'s rows (same accounts, same order)."""
        return self.book is book or (
            len(self.book) == len(book) and np.array_equal(self.book.account_id, book.account_id)
        )


def arr_size_top(arr: FloatArray) -> float:
    """The ARR the largest symbol stands for, for accounts of these ARRs."""
    top = float(np.nanmax(arr)) if arr.size and np.isfinite(arr).any() else 1.0
    return sd.size_scale(top)


def style_codes(book: BookColumns, window: int) -> tuple[IntArray, IntArray, float]:
    """(style code, ARR size step, size top) for every account of ``book``."""
    band = book.band_code.astype(np.int64) % N_BAND_STYLES  # -1 (no band) → grey
    sym = sd.symbol_codes(book, window).astype(np.int64)
    arr = book.arr
    size_top = arr_size_top(arr)
    size_idx = sd.size_index(arr, size_top)
    code = (band * len(sd.SYMBOLS) + sym) * sd.N_SIZES + size_idx
    return code, size_idx, size_top


def prepare_scatter(
    book: BookColumns, x_axis: str, y_axis: str, nps: FloatArray | None, window: int
) -> ScatterModel:
    """The scatter's arrays for ``book`` (run on a worker: numpy work only)."""
    arrays = sd.plot_arrays(book, x_axis, y_axis, nps)
    code, size_idx, size_top = style_codes(book, window)
    xs = arrays.x[arrays.x_valid]
    # The middle element of a sort: np.median's first call imports numpy.ma (~20 ms).
    x_median = float(np.sort(xs)[xs.size // 2]) if xs.size else 0.0
    by_x = np.argsort(arrays.x, kind="stable").astype(np.int64)
    return ScatterModel(
        book=book,
        x_axis=x_axis,
        y_axis=y_axis,
        window=int(window),
        arrays=arrays,
        style_code=code,
        size_idx=size_idx,
        size_top=size_top,
        x_median=x_median,
        by_x=by_x,
        x_sorted=arrays.x[by_x],
    )


def nearest_row(
    model: ScatterModel,
    shown: BoolArray,
    px: float,
    py: float,
    sx: float,
    sy: float,
    radius: float,
) -> int:
    """Book row of the shown point nearest (px, py) within ``radius`` screen pixels, or -1.

    ``sx``/``sy`` are pixels per data unit. Only the points within ``radius`` along x are
    measured (a binary search in the x-sorted index), not the whole book.
    """
    if len(model) == 0 or sx <= 0 or sy <= 0:
        return -1
    reach = radius / sx
    lo = int(np.searchsorted(model.x_sorted, px - reach, side="left"))
    hi = int(np.searchsorted(model.x_sorted, px + reach, side="right"))
    if hi <= lo:
        return -1
    rows = model.by_x[lo:hi]
    rows = rows[shown[rows]]
    if rows.size == 0:
        return -1
    dx = (model.arrays.x[rows] - px) * sx
    dy = (model.arrays.y[rows] - py) * sy
    d2 = dx * dx + dy * dy
    k = int(np.argmin(d2))
    return int(rows[k]) if d2[k] <= radius * radius else -1


def x_extent(x: FloatArray) -> tuple[float, float] | None:
    """(min, max) of the plotted x values, or None when nothing is plotted."""
    if x.size == 0:
        return None
    return float(np.min(x)), float(np.max(x))
