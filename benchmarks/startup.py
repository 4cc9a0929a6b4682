"""Start-up as the user sees it: process start -> table painted -> chart painted, per book size.

Each run is a fresh process that opens the main window on a demo book (10k and 100k
accounts by default) and records, on the real window:

- when the table's viewport is first painted with rows, and when the portfolio chart is
  first painted with the whole book (usage and health loaded): the paint in which its
  point cloud drew the book's points (``PortfolioScatter.pointsShown``), not an earlier
  paint of the chart with the points installed but not yet shown;
- the longest GUI-thread stall from the window showing until the chart is painted and the
  account pane (built after the chart's first paint) exists: a 10 ms ``QTimer`` ticks on the
  GUI thread, and the largest gap between ticks is the stall;
- the longest stall while the user scrolls the table as soon as the chart is painted (every
  25 ms for 1 s), when the book's background reads (latest NPS, search and sort indexes)
  run beside it: they give way to the window while it is busy (``ui/workers.py``);
- the resident memory once the chart is painted, and once the indexes built after it
  (search text, sort keys) are done and every worker is idle, with the peak until then.

The floor, measured interleaved in the same run (floor, figure, floor, figure, ...): a
script that imports PySide6, pyqtgraph, SQLAlchemy and pandas and shows an empty window.

Both run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed, our package
compiled once before the first run), as an installed application does, like
``cli_bench.py``: the floor's libraries have their ``.pyc`` files from pip, and an editable
checkout under ``PYTHONDONTWRITEBYTECODE=1`` compiled every one of our ~100 modules from
source on every start (~0.15 s here), which no user pays.
Budgets (issue 11): chart painted <= 1.0x the floor at 10k; chart within 1.5 s of the
table at 100k; no stall over 50 ms; RSS <= 300 MB loaded and <= 400 MB peak at 100k.

    QT_QPA_PLATFORM=offscreen python benchmarks/startup.py [--sizes 10000 100000]
        [--runs 5] [--json OUT]

``--trace-stalls`` opens each book once and prints, for every stall over 50 ms, what the GUI
thread was doing (``benchmarks/stalls.py``: sampled stacks with the slot or Qt event behind
them, garbage collections and which thread ran them, other threads holding the GIL).
``ACCOUNT_DESK_PROFILE_GUI=OUT`` with ``--child DB`` writes a cProfile of the GUI thread.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if TYPE_CHECKING:
    from bench import Figure

# The child process (``--child``, the timed window) imports only what the application
# does: the harness (``bench``: argparse, statistics, subprocess, ...; ~30 ms) is imported
# by the parent's functions, as the floor's script imports nothing of it either.


FLOOR = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph, sqlalchemy, pandas
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1400, 860); w.show(); w.repaint()
def done():
    print(f"painted {time.time():.6f}", flush=True)
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def demo_db(cache: Path, accounts: int, books: Path | None = None) -> Path:
    """A scored demo book of ``accounts`` accounts, generated once per cache directory.

    ``books``: a folder of pre-built books named ``demo10k.sqlite``, ``demo100k.sqlite``
    (``account-desk demo --accounts N``); the one of this size is copied, never written."""
    import shutil
    import subprocess

    from bench import PYTHON, ROOT

    path = cache / f"demo-{accounts}.db"
    source = None if books is None else books / f"demo{accounts // 1000}k.sqlite"
    if not path.exists() and source is not None and source.exists():
        tmp = path.with_suffix(".partial")
        shutil.copyfile(source, tmp)
        tmp.rename(path)
    if not path.exists():
        tmp = path.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        cmd = [PYTHON, "-m", "desktop_app", "--db", str(tmp), "demo", "--accounts", str(accounts)]
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        tmp.rename(path)
    return path


# --------------------------------------------------------------------------- child process
def child(db: str) -> None:
    """Open the real window on ``db``; print one JSON line of timestamps (``time.time``)."""
    import resource

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    tracer = None
    if os.environ.get("ACCOUNT_DESK_TRACE_STALLS"):
        from stalls import StallTracer

        tracer = StallTracer()
        heartbeat.timeout.connect(tracer.beat)
        tracer.start(app)
    heartbeat.start()
    t_shown: list[float] = []

    from desktop_app.services.database import open_database
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings

    store = open_database(db)
    window = MainWindow(store, Settings(Path(tempfile.mkdtemp()) / "s.ini"))
    window.resize(1400, 860)
    marks: dict[str, float] = {}
    loaded: list[bool] = []
    window.bookLoaded.connect(lambda: loaded.append(True))

    def finish() -> None:
        heartbeat.stop()
        # From the moment the window shows: before that there is no window to freeze. Up to
        # now (right after the chart's paint), as the heartbeat's next tick would come no
        # earlier: the pass that painted the points is the last one measured.
        after = [t for t in ticks if t >= t_shown[0]] + [time.perf_counter()]
        gaps = [b - a for a, b in zip([t_shown[0], *after], after, strict=False)]
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        marks["stall"] = max(gaps, default=0.0)
        if gaps:  # where the longest stall ended, from the window showing (for diagnosis)
            k = max(range(len(gaps)), key=gaps.__getitem__)
            marks["stall_end"] = after[k] - t_shown[0]
        marks["rss_mb"] = rss
        marks["accounts"] = len(window.state.book)
        if tracer is not None:
            tracer.stop(app)
            print(tracer.report(t_shown[0], time.perf_counter()), flush=True)
        scroll_phase()

    def scroll_phase() -> None:
        """The user scrolls the table as soon as the chart shows: every 25 ms for 1 s, while
        the book's background reads (latest NPS, search and sort indexes) run; the longest
        gap of a 10 ms heartbeat meanwhile (they waited 0.5 s at most to start)."""
        from desktop_app.ui import workers

        asked = time.perf_counter()

        def begin() -> None:
            if not workers.active_threads() and time.perf_counter() - asked < 0.5:
                QTimer.singleShot(5, begin)
                return
            marks["scroll_workers"] = workers.active_threads()
            beats = [time.perf_counter()]
            beat, step = QTimer(), QTimer()
            beat.setInterval(10)
            beat.timeout.connect(lambda: beats.append(time.perf_counter()))
            step.setInterval(25)
            row = [0]

            def scroll() -> None:
                row[0] = (row[0] + 37) % max(window.model.rowCount(), 1)
                window.table.scrollTo(window.model.index(row[0], 0))

            step.timeout.connect(scroll)

            def end() -> None:
                beat.stop()
                step.stop()
                beats.append(time.perf_counter())
                marks["scroll_stall"] = max(b - a for a, b in pairwise(beats))
                settle()

            window._scroll_timers = (beat, step)  # type: ignore[attr-defined]  # keep them
            beat.start()
            step.start()
            QTimer.singleShot(1000, end)

        begin()

    def settle() -> None:
        """The background work after the chart (search and sort indexes) is part of opening
        the book: resident and peak memory are read once it is done (the last sort key
        built) and every worker is idle. (Waiting for idle workers alone read them before
        the background reads had started: ~235 MB at 100k, against ~255 MB after them and
        a peak of ~325 MB while they ran.)"""
        from desktop_app.services.book.filter import SORTABLE
        from desktop_app.ui import workers

        built = f"sort:{SORTABLE[-1]}" in window.state.book.cache
        busy = workers.active_threads() or not built
        if busy and time.perf_counter() - t_shown[0] < 120:
            QTimer.singleShot(50, settle)
            return
        QApplication.processEvents()
        with open("/proc/self/statm") as f:
            marks["rss_settled_mb"] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        marks["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("MARKS " + json.dumps(marks), flush=True)
        window.close()
        app.quit()

    class Painted(QObject):
        """Notes the end of the first paint of a viewport that shows what we wait for."""

        def __init__(self, key: str, ready: object) -> None:
            super().__init__()
            self.key, self.ready = key, ready

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.key not in marks and self.ready():  # type: ignore[operator]
                QTimer.singleShot(0, self.note)  # runs once this paint is done
            return False

        def note(self) -> None:
            if self.key not in marks:
                marks[self.key] = time.time()
                if self.key == "chart":
                    finish_when_built()

    def finish_when_built() -> None:
        """Once the chart is painted and the pane exists (it follows the chart's paint)."""
        if "chart" in marks and window.docks.created and "stall" not in marks:
            finish()

    table_probe = Painted("table", lambda: window.model.rowCount() > 0)
    window.table.viewport().installEventFilter(table_probe)

    def watch_chart() -> None:
        """The chart is painted once its point cloud has drawn the whole book: the chart
        sends ``pointsShown`` from within that paint (a paint of the chart's viewport with
        the points installed but their cloud not yet shown, e.g. a big book's install pass,
        does not count: the user sees no points yet)."""
        chart = window.docks.scatter
        probe = Painted("chart", lambda: False)

        def shown() -> None:
            if loaded and len(chart.plotted_ids()) > 0:
                QTimer.singleShot(0, probe.note)  # runs once this paint is done

        chart.pointsShown.connect(shown)
        window._chart_probe = probe  # type: ignore[attr-defined]  # keep it alive

    def note(key: str) -> None:  # milestones, from the window showing (for diagnosis)
        marks.setdefault(f"at_{key}", time.perf_counter() - t_shown[0])

    window.tableFilled.connect(lambda: note("table_filled"))
    window.bookLoaded.connect(lambda: note("book_loaded"))
    window.docks.chartCreated.connect(lambda: note("chart_created"))
    window.docks.chartCreated.connect(watch_chart)
    window.docks.viewsCreated.connect(lambda: note("views_created"))
    window.docks.viewsCreated.connect(finish_when_built)
    window.show()
    t_shown.append(time.perf_counter())
    profile_out = os.environ.get("ACCOUNT_DESK_PROFILE_GUI")
    if profile_out:  # the GUI thread's Python time, per function (cProfile is per thread)
        import cProfile

        with cProfile.Profile() as prof:
            app.exec()
        prof.dump_stats(profile_out)
    else:
        app.exec()
    store.dispose()


# --------------------------------------------------------------------------- parent
def _run(cmd: list[str], tag: str, *, trace: bool = False) -> tuple[float, dict[str, float]]:
    """Run ``cmd``; (its start time, the marks it printed). ``trace``: print its stall
    report (``stalls.StallTracer``)."""
    import subprocess

    from bench import CACHED_ENV as ENV
    from bench import ROOT

    env = dict(ENV, ACCOUNT_DESK_CONFIG_DIR=tempfile.mkdtemp())
    if trace:
        env["ACCOUNT_DESK_TRACE_STALLS"] = "1"
    start = time.time()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)
    if trace:
        print("\n".join(ln for ln in res.stdout.splitlines() if not ln.startswith(tag)))
    for line in res.stdout.splitlines():
        if line.startswith(f"{tag} "):
            payload = line[len(tag) + 1 :]
            if tag == "painted":
                return start, {"painted": float(payload)}
            return start, json.loads(payload)
    raise RuntimeError(f"no {tag} line from {cmd}: {res.stdout[-500:]}\n{res.stderr[-2000:]}")


def measure(size: int, db: Path, runs: int) -> list[Figure]:
    from bench import PYTHON, Figure

    floor: list[float] = []
    table: list[float] = []
    chart: list[float] = []
    gap: list[float] = []
    stall: list[float] = []
    scroll: list[float] = []
    rss: list[float] = []
    settled: list[float] = []
    peak: list[float] = []
    for _ in range(runs):  # interleaved: machine load falls on the floor and on us alike
        start, m = _run([PYTHON, "-c", FLOOR], "painted")
        floor.append(m["painted"] - start)
        start, m = _run([PYTHON, __file__, "--child", str(db)], "MARKS")
        table.append(m["table"] - start)
        chart.append(m["chart"] - start)
        gap.append(m["chart"] - m["table"])
        stall.append(m["stall"])
        scroll.append(m["scroll_stall"])
        rss.append(m["rss_mb"])
        settled.append(m["rss_settled_mb"])
        peak.append(m["peak_mb"])
    big = size >= 100_000
    return [
        Figure("start to table painted", size, table, floor, None),
        Figure("start to chart painted", size, chart, floor, None if big else 1.0),
        Figure("table painted to chart painted", size, gap, None, 1.5 if big else None),
        Figure("longest GUI stall until chart painted", size, stall, None, 0.05),
        Figure(
            "longest GUI stall scrolling the table right after the chart",
            size,
            scroll,
            None,
            0.05,
            note="every 25 ms for 1 s while the background reads (NPS, indexes) run",
        ),
        Figure("GUI RSS, chart painted", size, rss, None, None, unit="MB"),
        Figure(
            "GUI RSS, loaded (indexes built)",
            size,
            settled,
            None,
            300.0 if big else None,
            unit="MB",
        ),
        Figure("GUI peak RSS (indexes built)", size, peak, None, 400.0 if big else None, unit="MB"),
    ]


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    from bench import PYTHON, compile_package, emit, load, parser

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
        help="instead of measuring, open each book once and print where the GUI thread "
        "stalled (benchmarks/stalls.py: sampled stacks, garbage collections, GIL holders)",
    )
    args = p.parse_args()
    args.cache.mkdir(exist_ok=True)
    compile_package()  # see bench.CACHED_ENV
    if args.trace_stalls:
        for size in args.sizes:
            db = demo_db(args.cache, size, args.books)
            _start, m = _run([PYTHON, __file__, "--child", str(db)], "MARKS", trace=True)
            print(f"{size}: longest stall {1000 * m['stall']:.0f} ms, marks {m}")
        return 0
    figures: list[Figure] = []
    print(f"load before: {load()}")
    for size in args.sizes:
        figures.extend(measure(size, demo_db(args.cache, size, args.books), args.runs))
    print(f"load after: {load()}")
    emit(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
