"""Numpy side of the portfolio scatter: plotted coordinates, styles, hit tests, quadrants.

Nothing here touches Qt, so every piece is cheap to test and to time. The widget keeps the
full-book arrays built by :func:`plot_arrays` once per book/axis choice and only slices them
with the shared filter mask afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop_app.domain.book import BookColumns

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

X_AXES: dict[str, str] = {
    "mau": "Monthly active users",
    "utilisation": "Utilisation (MAU / seats)",
    "mrr": "MRR ($)",
    "arr": "ARR ($)",
    "days_to_renewal": "Days to renewal",
}
Y_AXES: dict[str, str] = {"health": "Health score", "nps": "Latest NPS (0-10)"}
LOG_AXES = frozenset({"mau", "mrr", "arr"})

#: Where values that a log axis cannot show are drawn (in log10 units): zero and missing.
LOG_ZERO_FLOOR = float(np.log10(0.5))
LOG_MISSING_FLOOR = float(np.log10(0.25))
#: Health / NPS rows for accounts without a value ("not scored", "no response").
Y_MISSING = {"health": -10.0, "nps": -1.5}
#: The y extent of the data (the "missing" row to the top of the scale); the view adds room
#: for the quadrant labels and the points' radius (``padded_range``).
Y_RANGE = {"health": (-10.0, 100.0), "nps": (-1.5, 10.0)}
Y_DEFAULT_THRESHOLD = {"health": 70.0, "nps": 7.0}
QUADRANT_X_NAMES = {
    "mau": "usage",
    "utilisation": "utilisation",
    "mrr": "MRR",
    "arr": "ARR",
    "days_to_renewal": "time to renewal",
}
QUADRANT_Y_NAMES = {"health": "health", "nps": "NPS"}

#: Symbol codes (index into SYMBOLS): active, renewal in window, churned organic, churned other.
SYMBOLS: tuple[str, ...] = ("o", "t", "s", "x")
SYMBOL_LABELS: tuple[str, ...] = (
    "Active",
    "Renewal in window",
    "Churned (organic)",
    "Churned (voluntary / involuntary)",
)
SIZE_MIN, SIZE_MAX, SIZE_STEP = 6.0, 24.0, 2.0
N_SIZES = int((SIZE_MAX - SIZE_MIN) / SIZE_STEP) + 1
#: No point is drawn smaller than this, however many are visible (px).
SIZE_FLOOR = 3.0


@dataclass(frozen=True)
class Density:
    """How points are drawn for a given number of visible points.

    Past a few thousand points full-size opaque symbols merge into one blob: sizes shrink,
    fills become translucent (overlaps read as darker) and outlines go (they grey the blob).
    """

    size_factor: float  # multiplies the 6-24 px ARR size range
    fill_alpha: int  # 0-255 alpha of the band colour
    outline_alpha: int  # 0: no outline


#: (up to this many visible points, density); above the last one: ``DENSE``.
DENSITY_TIERS: tuple[tuple[int, Density], ...] = (
    (5_000, Density(1.0, 200, 110)),
    (20_000, Density(0.7, 160, 60)),
    (50_000, Density(0.55, 130, 0)),
)
DENSE = Density(0.45, 110, 0)


def density_for(n_visible: int) -> Density:
    """The drawing density for ``n_visible`` plotted points (a few fixed tiers, so the
    symbol atlas holds at most a few sets of symbols)."""
    for limit, density in DENSITY_TIERS:
        if n_visible <= limit:
            return density
    return DENSE


def tier_sizes(size_factor: float) -> FloatArray:
    """Pixel size of each size step (index 0 .. N_SIZES-1) scaled by ``size_factor``,
    rounded to half pixels and never below ``SIZE_FLOOR``."""
    full = SIZE_MIN + SIZE_STEP * np.arange(N_SIZES, dtype=np.float64)
    out: FloatArray = np.maximum(np.round(full * size_factor * 2.0) / 2.0, SIZE_FLOOR)
    return out


@dataclass(frozen=True)
class AxisFloor:
    """A marked row/column for values the axis cannot place (zero on a log axis, missing)."""

    value: float
    label: str


@dataclass(frozen=True)
class PlotArrays:
    """Full-book plotting arrays for one axis choice (aligned with ``BookColumns``)."""

    x: FloatArray
    y: FloatArray
    x_log: bool
    x_floors: tuple[AxisFloor, ...]
    y_floors: tuple[AxisFloor, ...]
    x_valid: BoolArray  # the raw x value is a real number (not a floor placement)
    y_valid: BoolArray


@dataclass(frozen=True)
class QuadrantStat:
    """Count and ARR of the visible accounts in one quadrant of the guide lines."""

    name: str  # e.g. "high usage / healthy"
    high_x: bool
    high_y: bool
    count: int
    arr: float


def raw_x(book: BookColumns, axis: str) -> FloatArray:
    """The unscaled x values of ``axis`` for every account of ``book``."""
    if axis == "mau":
        return book.mau.astype(np.float64)
    if axis == "utilisation":
        return book.utilisation
    if axis == "mrr":
        return book.mrr.astype(np.float64)
    if axis == "arr":
        return book.arr.astype(np.float64)
    if axis == "days_to_renewal":
        return book.days_to_renewal
    raise ValueError(f"unknown x axis {axis!r}")


def _log_x(
    values: FloatArray, zero_label: str
) -> tuple[FloatArray, BoolArray, tuple[AxisFloor, ...]]:
    missing = np.isnan(values)
    zero = ~missing & (values <= 0)
    out = np.full(values.shape, LOG_MISSING_FLOOR)
    ok = ~missing & ~zero
    out[ok] = np.log10(values[ok])
    # Values between 0 and 1 (e.g. 0.7 MAU averaged) stay above the zero floor.
    out[ok] = np.maximum(out[ok], LOG_ZERO_FLOOR + 0.15)
    out[zero] = LOG_ZERO_FLOOR
    floors = (AxisFloor(LOG_ZERO_FLOOR, zero_label), AxisFloor(LOG_MISSING_FLOOR, "no data"))
    return out, ok, floors


def _linear_x(values: FloatArray, axis: str) -> tuple[FloatArray, BoolArray, tuple[AxisFloor, ...]]:
    ok = ~np.isnan(values)
    out = values.copy()
    if ok.all():
        return out, ok, ()
    finite = values[ok]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    span = max(hi - lo, 1.0 if axis != "utilisation" else 0.5)
    floor = min(lo, 0.0) - 0.08 * span
    out[~ok] = floor
    return out, ok, (AxisFloor(floor, "no data"),)


def plot_arrays(book: BookColumns, x_axis: str, y_axis: str, nps: FloatArray | None) -> PlotArrays:
    """Plotted x/y for every account; missing values go to marked floors, never dropped."""
    values = raw_x(book, x_axis)
    if x_axis in LOG_AXES:
        x, x_ok, x_floors = _log_x(values, "no usage" if x_axis == "mau" else "$0")
        x_log = True
    else:
        x, x_ok, x_floors = _linear_x(values, x_axis)
        x_log = False
    if y_axis == "health":
        raw_y = book.health_score.astype(np.float64)
        label = "not scored"
    elif y_axis == "nps":
        raw_y = nps if nps is not None else np.full(len(book), np.nan)
        label = "no response"
    else:
        raise ValueError(f"unknown y axis {y_axis!r}")
    y_ok = ~np.isnan(raw_y)
    y = np.where(y_ok, raw_y, Y_MISSING[y_axis])
    y_floors = () if y_ok.all() else (AxisFloor(Y_MISSING[y_axis], label),)
    return PlotArrays(x, y, x_log, x_floors, y_floors, x_ok, y_ok)


def padded_range(lo: float, hi: float, pad_px: float, height_px: float) -> tuple[float, float]:
    """A view range over [lo, hi] with ``pad_px`` pixels free above and below, on a view
    ``height_px`` tall: the pad is in pixels, so its size in data units depends on the range
    itself (span = data / (1 - 2 * pad / height))."""
    p = pad_px / height_px if height_px > 0 else 0.1
    p = min(max(p, 0.03), 0.3)  # a tiny or collapsed view still shows the data
    span = (hi - lo) / (1.0 - 2.0 * p)
    return lo - p * span, hi + p * span


def symbol_codes(book: BookColumns, renewal_window_days: int) -> npt.NDArray[np.int8]:
    """0 active, 1 renewal inside the window, 2 churned organic, 3 churned otherwise."""
    codes = np.zeros(len(book), dtype=np.int8)
    days = book.days_to_renewal
    with np.errstate(invalid="ignore"):
        codes[(days >= 0) & (days <= renewal_window_days)] = 1
    churned = book.churned
    codes[churned] = 3
    codes[churned & (book.churn_type == "organic")] = 2
    return codes


def size_scale(arr_max: float) -> float:
    """The ARR shown by the largest symbol (a round number at or above the book's maximum)."""
    if not np.isfinite(arr_max) or arr_max <= 0:
        return 1.0
    return float(arr_max)


def sizes_for(arr: FloatArray, top: float) -> FloatArray:
    """Symbol size in px: sqrt scale of ARR from 6 to 24, in 2 px steps (few atlas entries)."""
    frac = np.sqrt(np.clip(np.nan_to_num(arr, nan=0.0), 0.0, None) / top)
    raw = SIZE_MIN + (SIZE_MAX - SIZE_MIN) * np.clip(frac, 0.0, 1.0)
    out: FloatArray = np.round(raw / SIZE_STEP) * SIZE_STEP
    return out


def size_index(arr: FloatArray, top: float) -> npt.NDArray[np.int64]:
    """Index of each account's size step (0 → 6 px ... N_SIZES-1 → 24 px)."""
    out: npt.NDArray[np.int64] = ((sizes_for(arr, top) - SIZE_MIN) / SIZE_STEP).astype(np.int64)
    return out


def legend_arr_values(top: float) -> list[float]:
    """Three round ARR values for the size legend (largest at or below ``top``).

    None for a book without revenue (an empty book must not show a "$1 ARR" entry).
    """
    if top <= 1:
        return []
    mag = 10 ** np.floor(np.log10(top))
    big = float(np.floor(top / mag) * mag)
    vals = [big, big / 10, big / 100]
    return [v for v in vals if v >= 1]


def nearest_index(
    x: FloatArray, y: FloatArray, px: float, py: float, sx: float, sy: float, radius: float
) -> int:
    """Index of the point nearest (px, py) in screen pixels, or -1 beyond ``radius`` px.

    ``sx``/``sy`` are pixels per data unit along each axis (vectorised, no per-point Python).
    """
    if x.size == 0:
        return -1
    dx = (x - px) * sx
    dy = (y - py) * sy
    d2 = dx * dx + dy * dy
    i = int(np.argmin(d2))
    return i if d2[i] <= radius * radius else -1


def in_rect(x: FloatArray, y: FloatArray, x0: float, x1: float, y0: float, y1: float) -> BoolArray:
    """Mask of points inside the axis-aligned rectangle (corners in any order)."""
    lo_x, hi_x = min(x0, x1), max(x0, x1)
    lo_y, hi_y = min(y0, y1), max(y0, y1)
    out: BoolArray = (x >= lo_x) & (x <= hi_x) & (y >= lo_y) & (y <= hi_y)
    return out


def in_polygon(x: FloatArray, y: FloatArray, poly_x: FloatArray, poly_y: FloatArray) -> BoolArray:
    """Even-odd ray casting, vectorised over points (loop over the polygon's edges only)."""
    inside = np.zeros(x.shape, dtype=bool)
    n = poly_x.shape[0]
    if n < 3:
        return inside
    j = n - 1
    for i in range(n):
        xi, yi, xj, yj = poly_x[i], poly_y[i], poly_x[j], poly_y[j]
        if yi != yj:
            crosses = (yi > y) != (yj > y)
            x_at = (xj - xi) * (y - yi) / (yj - yi) + xi
            inside ^= crosses & (x < x_at)
        j = i
    return inside


def quadrant_stats(
    x: FloatArray,
    y: FloatArray,
    arr: FloatArray,
    valid: BoolArray,
    x_line: float,
    y_line: float,
    names: tuple[str, str],
) -> list[QuadrantStat]:
    """Count and ARR per quadrant over the ``valid`` points (order: TL, TR, BL, BR).

    One quadrant code per point and two ``bincount`` passes (not four masks and sums)."""
    # 0 TL, 1 TR, 2 BL, 3 BR; 4 for the points that are not valid (left out).
    code = (x >= x_line).astype(np.intp) + 2 * (y < y_line)
    code[~valid] = 4
    counts = np.bincount(code, minlength=5)
    sums = np.bincount(code, weights=np.nan_to_num(arr, nan=0.0), minlength=5)
    out = []
    for k, (high_x, high_y) in enumerate(
        ((False, True), (True, True), (False, False), (True, False))
    ):
        xn = f"high {names[0]}" if high_x else f"low {names[0]}"
        yn = f"high {names[1]}" if high_y else f"low {names[1]}"
        out.append(QuadrantStat(f"{xn} / {yn}", high_x, high_y, int(counts[k]), float(sums[k])))
    return out


def format_count(v: float) -> str:
    """1, 10, 100, 1k, 10k, 1M: short labels for log ticks and money."""
    a = abs(v)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            s = f"{v / div:.1f}".rstrip("0").rstrip(".")
            return s + suffix
    if a >= 1 or a == 0:
        return f"{v:.0f}"
    return f"{v:.2g}"
