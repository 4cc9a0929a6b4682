"""Interactions through the real main window, painted: filter, search, sort, hover, chart build.

The window is opened on a demo book (10k and 100k accounts by default) and shown; every
figure is the time from the user's action to the end of the paint it causes (the action,
then ``processEvents`` until Qt has painted what became dirty), with the table and the chart
attached, as the user sees them:

- filter: an owner filter set through the window's ``BookState`` (table and chart follow);
- unfilter: that filter cleared, back to the whole book (the table and every point);
- search: a word typed into the search (debounce skipped);
- sort: every table column, both directions; each run's slowest column;
- hover: a real ``MouseMove`` event on the chart's viewport over a point, until the
  hover ring and the tooltip are painted;
- chart build: a new book shown in a fresh ``PortfolioScatter`` and painted.

Floors, measured interleaved in the same run: bare pyqtgraph ``ScatterPlotItem``s, one per
band colour with that single brush (the leanest grouped-brush scatter: no per-point brush
objects), on the same arrays, built and painted; for the filter, ``setData`` of each group
with its masked arrays, painted. Budgets (issue 11): filter, search and sort under 50 ms
with paint, hover under 16 ms; the hover figure also counts the repaints of the point cloud
it caused (``cloud_paints_per_hover``: 0 when only the ring's rectangle was repainted).

Filter, unfilter and search also give the longest single GUI-thread block within them
(``longest block``: the synchronous call, then each event-loop pass until the paint, the
longest of these), beside the time to the final paint: work split over passes shortens the
first, never the second.

    QT_QPA_PLATFORM=offscreen python benchmarks/ui_bench.py [--sizes 10000 100000]
        [--runs 5] [--json OUT] [--trace-stalls]

The interactions start once the window's workers are idle (the reads after the chart are
part of opening the book: ``startup.py``). ``--trace-stalls`` also prints every GUI-thread
stall over 50 ms with the action it happened in (``benchmarks/stalls.py``).
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from bench import Figure, emit, load, parser
from startup import demo_db


def _settle(app: Any) -> None:
    """Deliver pending events, paints included (the offscreen backing store paints here)."""
    app.processEvents()
    app.processEvents()


TRACER: Any = None  # a stalls.StallTracer with --trace-stalls


def _timed(app: Any, action: Callable[[], object], label: str = "") -> float:
    return _timed_blocks(app, action, label)[0]


def _timed_blocks(app: Any, action: Callable[[], object], label: str = "") -> tuple[float, float]:
    """(seconds from the action to the end of its paint, longest single block of the GUI
    thread within them: the action's call or one event-loop pass of ``_settle``)."""
    if TRACER is not None:
        TRACER.mark(label or getattr(action, "__name__", "action"))
    t0 = time.perf_counter()
    action()
    marks = [t0, time.perf_counter()]
    for _ in range(2):  # the passes of _settle, each timed
        app.processEvents()
        marks.append(time.perf_counter())
    return marks[-1] - t0, max(b - a for a, b in itertools.pairwise(marks))


def open_window(app: Any, db: Path) -> Any:
    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings

    window = MainWindow(open_database(db), Settings(Path(tempfile.mkdtemp()) / "s.ini"))
    window.resize(1400, 860)
    loaded: list[bool] = []
    window.bookLoaded.connect(lambda: loaded.append(True))
    window.show()
    deadline = time.monotonic() + 600
    # Until the chart has painted the book (``shows_book``: pointsShown was sent), which is
    # what starts the reads that follow it: waiting only for its points (``is_ready``) let
    # those reads start during the first timed interactions.
    while not (loaded and window.docks.created and window.docks.scatter.shows_book()) and (
        time.monotonic() < deadline
    ):
        app.processEvents()
        time.sleep(0.002)
    # The reads that follow the chart (search and sort indexes, latest NPS) are part of
    # opening the book (startup.py): interactions are timed once every worker is idle.
    from desktop_app.ui import workers

    def indexed() -> bool:  # the search text and the latest NPS are read after the chart
        return "search" in window.state.book.cache and window.state.nps is not None

    while not indexed() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    while workers.active_threads() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    for _ in range(5):
        _settle(app)
    return window


class BareChart:
    """The floor: one pyqtgraph ScatterPlotItem per band colour (one brush each), nothing else."""

    def __init__(self, book: Any) -> None:
        import pyqtgraph as pg

        from desktop_app.ui.views.scatter_items import band_brushes

        self.codes = book.band_code.astype(np.int64) % len(band_brushes())
        self.brushes = band_brushes()
        self.x = np.log10(np.where(np.nan_to_num(book.mau) > 0, book.mau, 0.5))
        self.y = np.nan_to_num(book.health_score, nan=-10.0)
        self.widget = pg.PlotWidget()
        self.widget.resize(1400, 430)
        self.widget.show()
        self.items: list[Any] = []

    def build(self) -> None:
        import pyqtgraph as pg

        for item in self.items:
            self.widget.removeItem(item)
        self.items = []
        for k, brush in enumerate(self.brushes):
            m = self.codes == k
            item = pg.ScatterPlotItem(x=self.x[m], y=self.y[m], brush=brush, size=7, pen=None)
            self.widget.addItem(item)
            self.items.append(item)

    def unfilter(self) -> None:
        self.filter(np.ones(len(self.codes), dtype=bool))

    def filter(self, mask: np.ndarray) -> None:
        for k, item in enumerate(self.items):
            m = mask & (self.codes == k)
            item.setData(x=self.x[m], y=self.y[m], brush=self.brushes[k], size=7, pen=None)


def hover_once(app: Any, chart: Any, run: int) -> float:
    """A real mouse move onto a point near the middle of the view; seconds until the hover
    ring and the tooltip are painted."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    viewport = chart._glw.viewport()
    xs, ys = chart.plotted_xy()
    (x0, x1), (y0, y1) = chart.view().viewRange()
    i = int(np.argmin((xs - (x0 + x1) / 2) ** 2 + ((ys - (y0 + y1) / 2) / 30) ** 2))
    i = (i + run) % len(xs)
    scene = chart.view().mapViewToScene(QPointF(float(xs[i]), float(ys[i])))
    pos = QPointF(chart._glw.mapFromScene(scene))
    chart.clear_hover()  # no ring left from the last run
    _settle(app)
    painted_before = chart._scatter.paints
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        QPointF(viewport.mapToGlobal(pos.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    t0 = time.perf_counter()
    app.sendEvent(viewport, event)
    deadline = t0 + 2.0
    # Until the ring is placed (pyqtgraph may deliver the move on a later pass) and painted,
    # the tooltip included.
    while not len(chart._hover.getData()[0]) and time.perf_counter() < deadline:
        app.processEvents()
    _settle(app)
    took = time.perf_counter() - t0
    if len(chart._hover.getData()[0]) != 1:
        raise RuntimeError(f"the mouse move at {pos} hovered no point: nothing was measured")
    return took, chart._scatter.paints - painted_before


def _show_book(app: Any, state: Any, chart: Any, book: Any) -> None:
    """A new book in the state, until the chart has its points (a worker prepares them for
    big books)."""
    state.replace_book(book)
    deadline = time.perf_counter() + 60
    while not chart.is_ready() and time.perf_counter() < deadline:
        app.processEvents()


def measure(app: Any, size: int, db: Path, runs: int) -> list[Figure]:
    from desktop_app.services.book.filter import BookFilter, filter_mask
    from desktop_app.ui.book_state import BookState
    from desktop_app.ui.models.account_table import COLUMN_KEYS
    from desktop_app.ui.views.scatter import PortfolioScatter

    if TRACER is not None:
        TRACER.mark(f"opening the {size:,} book")
    window = open_window(app, db)
    state = window.state
    book = state.book
    owners = sorted({str(o) for o in book.owner if o})
    bare = BareChart(book)
    bare.build()
    _settle(app)

    figures: list[Figure] = []
    t_filter, t_floor_filter, t_search, t_sort, t_hover = [], [], [], [], []
    t_unfilter, t_floor_unfilter = [], []
    longest: dict[str, list[float]] = {"filter": [], "unfilter": [], "search": []}
    hover_paints: list[int] = []
    t_build, t_floor_build = [], []
    chart = window.docks.scatter
    model = window.model
    for run in range(runs):
        spec = BookFilter(owners=(owners[run % len(owners)],))
        mask = filter_mask(book, spec)
        t_floor_filter.append(_timed(app, lambda m=mask: bare.filter(m), "bare filter"))
        took, block = _timed_blocks(app, lambda s=spec: state.set_filter(s), f"filter {run}")
        t_filter.append(took)
        longest["filter"].append(block)
        t_floor_unfilter.append(_timed(app, bare.unfilter, "bare unfilter"))
        took, block = _timed_blocks(app, lambda: state.set_filter(BookFilter()), "unfilter")
        t_unfilter.append(took)
        longest["unfilter"].append(block)
        word = str(book.name[(run * 7919) % len(book)]).split()[0].lower()
        took, block = _timed_blocks(
            app, lambda w=word: state.set_filter(BookFilter(text=w)), f"search {run}"
        )
        t_search.append(took)
        longest["search"].append(block)
        _timed(app, lambda: state.set_filter(BookFilter()), "unfilter after search")
        slowest = 0.0
        for key in COLUMN_KEYS:
            for ascending in (True, False):
                slowest = max(
                    slowest,
                    _timed(app, lambda k=key, a=ascending: model.sort_by(k, a), f"sort {key}"),
                )
        t_sort.append(slowest)
        if TRACER is not None:
            TRACER.mark(f"hover {run}")
        took, cloud_paints = hover_once(app, chart, run)
        t_hover.append(took)
        hover_paints.append(cloud_paints)
        # A new book in a fresh chart, painted, against the bare item.
        t_floor_build.append(_timed(app, bare.build, "bare chart build"))
        fresh = BookState(book.as_of)
        widget = PortfolioScatter(fresh)
        widget.resize(1400, 430)
        widget.show()
        _settle(app)
        t_build.append(
            _timed(app, lambda f=fresh, w=widget: _show_book(app, f, w, book), "new chart")
        )
        widget.close()
        widget.deleteLater()
        _settle(app)
    n = size
    bare_filter = {"bare_floor_median": float(np.median(t_floor_filter))}
    bare_unfilter = {"bare_floor_median": float(np.median(t_floor_unfilter))}
    figures.append(
        Figure("filter with paint (table + chart)", n, t_filter, None, 0.05, extra=bare_filter)
    )
    figures.append(
        Figure(
            "unfilter with paint (back to the whole book)",
            n,
            t_unfilter,
            None,
            0.05,
            extra=bare_unfilter,
        )
    )
    figures.append(Figure("search with paint", n, t_search, None, 0.05))
    for what, blocks in longest.items():
        figures.append(
            Figure(
                f"{what}: longest single GUI-thread block",
                n,
                blocks,
                None,
                0.05,
                note="the call or one event-loop pass, whichever is longest",
            )
        )
    figures.append(Figure("sort with paint, slowest column", n, t_sort, None, 0.05))
    figures.append(
        Figure(
            "hover: mouse move to painted ring + tooltip",
            n,
            t_hover,
            None,
            0.016,
            extra={"cloud_paints_per_hover": max(hover_paints)},
        )
    )
    figures.append(Figure("chart: new book built and painted", n, t_build, t_floor_build, None))
    window.close()
    window.store.dispose()
    bare.widget.close()
    _settle(app)
    return figures


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ad-bench")
    p.add_argument(
        "--books",
        type=Path,
        default=os.environ.get("ACCOUNT_DESK_BENCH_BOOKS"),
        help="folder of pre-built demo<N>k.sqlite books (default: $ACCOUNT_DESK_BENCH_BOOKS)",
    )
    p.add_argument(
        "--trace-stalls",
        action="store_true",
        help="also print where the GUI thread stalled over 50 ms (benchmarks/stalls.py)",
    )
    args = p.parse_args()
    args.cache.mkdir(exist_ok=True)
    os.environ["ACCOUNT_DESK_CONFIG_DIR"] = tempfile.mkdtemp()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    heartbeat = QTimer()
    if args.trace_stalls:
        global TRACER
        from stalls import StallTracer

        TRACER = StallTracer()
        heartbeat.setInterval(10)
        heartbeat.timeout.connect(TRACER.beat)
        heartbeat.start()
        TRACER.start(app)
        t_start = time.perf_counter()
    print(f"load before: {load()}")
    figures: list[Figure] = []
    for size in args.sizes:
        figures.extend(measure(app, size, demo_db(args.cache, size, args.books), args.runs))
    print(f"load after: {load()}")
    if TRACER is not None:
        TRACER.stop(app)
        print(TRACER.report(t_start, time.perf_counter()))
    emit(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
