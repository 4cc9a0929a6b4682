"""Find what stalls the GUI thread: a watchdog that samples its Python stack while it is late.

Used by ``startup.py --trace-stalls`` and ``ui_bench.py --trace-stalls``. While a 10 ms
heartbeat on the GUI thread is late by more than ``threshold``, a watchdog thread samples
the GUI thread's stack (``sys._current_frames()``) every ``interval``, with the innermost
frames of every other thread. It also records:

- garbage collections (``gc.callbacks``): which thread ran them, which generation, how long
  (a full collection stops every thread: the collector holds the GIL);
- the watchdog's own late wake-ups: a sleep of 2 ms that ends 40 ms later means another
  thread held the GIL that long (a C call that does not release it: ``fetchall`` building
  rows, a numpy object conversion, pickling) or that the CPU was taken;
- the last Qt event delivered on the GUI thread (an application event filter), so a stall
  with no Python frame above ``exec()`` (Qt's own C++: layout, paint, a show) still names its
  receiver.

The report groups each stall's samples by their innermost frame of our code.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

Stack = tuple[str, ...]


def _frames(frame: Any, limit: int = 40) -> Stack:
    """``file:line func`` of each frame, innermost first."""
    out = []
    while frame is not None and len(out) < limit:
        code = frame.f_code
        path = code.co_filename
        for marker in ("/desktop_app/", "/site-packages/", "/benchmarks/", "/lib/python3"):
            if marker in path:
                path = path.split(marker, 1)[1]
                break
        out.append(f"{path}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return tuple(out)


def _entry(stack: Stack) -> str:
    """The outermost frame of our code: the slot or event handler Qt called into."""
    for f in reversed(stack):
        if f.startswith(("ui/", "services/", "store/", "domain/", "io/", "pyqtgraph/")):
            if f.startswith("ui/gui_queue.py"):
                continue  # the step it runs, rather
            return f
    return "(Qt itself: no Python frame above exec())"


def _ours(stack: Stack) -> str:
    """The innermost frame of our code (desktop_app), else the innermost frame."""
    for f in stack:
        if f.startswith(("ui/", "services/", "store/", "domain/", "io/")):
            return f
    return stack[0] if stack else "(no frame)"


@dataclass
class Sample:
    t: float
    gui: Stack
    event: str
    others: dict[str, Stack] = field(default_factory=dict)


@dataclass
class StallTracer:
    """Start it on the GUI thread; call :meth:`beat` from a 10 ms timer there."""

    threshold: float = 0.03
    interval: float = 0.002
    samples: list[Sample] = field(default_factory=list)
    gcs: list[tuple[float, float, int, str, int]] = field(default_factory=list)
    late: list[tuple[float, float, dict[str, Stack]]] = field(default_factory=list)
    beats: list[float] = field(default_factory=list)
    marks: list[tuple[float, str]] = field(default_factory=list)
    event: str = ""

    def __post_init__(self) -> None:
        self._gui = threading.get_ident()
        self._last = time.perf_counter()
        self._stop = threading.Event()
        self._gc_start: dict[int, float] = {}
        self._thread = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)
        self._filter: Any = None

    # ------------------------------------------------------------------ control
    def start(self, app: Any = None) -> None:
        gc.callbacks.append(self._on_gc)
        if app is not None:
            self._filter = _event_filter(self)
            app.installEventFilter(self._filter)
        self._thread.start()

    def stop(self, app: Any = None) -> None:
        self._stop.set()
        self._thread.join()
        gc.callbacks.remove(self._on_gc)
        if app is not None and self._filter is not None:
            app.removeEventFilter(self._filter)

    def mark(self, label: str) -> None:
        """Name what the script does from now on (the report gives it for each stall)."""
        self.marks.append((time.perf_counter(), label))

    def beat(self) -> None:
        self._last = time.perf_counter()
        self.beats.append(self._last)

    # ------------------------------------------------------------------ recording
    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc_start[ident] = time.perf_counter()
            return
        t0 = self._gc_start.pop(ident, None)
        if t0 is None:
            return
        took = time.perf_counter() - t0
        if took > 0.003 or info.get("generation") == 2:
            who = "GUI" if ident == self._gui else threading.current_thread().name
            self.gcs.append((t0, took, info.get("generation", -1), who, info.get("collected", 0)))

    def _all(self) -> tuple[Stack, dict[str, Stack]]:
        names = {t.ident: t.name for t in threading.enumerate()}
        gui: Stack = ()
        others: dict[str, Stack] = {}
        for ident, frame in sys._current_frames().items():
            if ident == self._gui:
                gui = _frames(frame)
            elif ident != threading.get_ident():
                others[names.get(ident, str(ident))] = _frames(frame, 12)
        return gui, others

    def _watch(self) -> None:
        prev = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(self.interval)
            now = time.perf_counter()
            woke_late = now - prev - self.interval
            prev = now
            if woke_late > self.threshold:
                _gui, others = self._all()
                self.late.append((now, woke_late, others))
            if now - self._last > self.threshold:
                gui, others = self._all()
                self.samples.append(Sample(now, gui, self.event, others))

    # ------------------------------------------------------------------ report
    def stalls(self, since: float, until: float, budget: float = 0.05) -> list[tuple[float, float]]:
        """(start, end) of every heartbeat gap longer than ``budget`` in the window."""
        ticks = [since, *[t for t in self.beats if since <= t <= until]]
        return [(a, b) for a, b in pairwise(ticks) if b - a > budget]

    def report(self, since: float, until: float, budget: float = 0.05) -> str:
        lines = []
        for a, b in self.stalls(since, until, budget):
            doing = [label for t, label in self.marks if t <= b]
            during = f" during {doing[-1]}" if doing else ""
            lines.append(f"\n=== stall {1000 * (b - a):.0f} ms at +{a - since:.3f} s{during}")
            for t0, took, gen, who, collected in self.gcs:
                if a - 0.01 <= t0 <= b:
                    lines.append(
                        f"  gc gen{gen} on {who}: {1000 * took:.0f} ms, {collected} collected"
                    )
            for t, woke, others in self.late:
                if a <= t <= b + 0.01:
                    tops = "; ".join(f"{n}: {s[0] if s else '-'}" for n, s in others.items())
                    lines.append(f"  watchdog woke {1000 * woke:.0f} ms late ({tops[:300]})")
            inside = [s for s in self.samples if a <= s.t <= b + 0.005]
            if not inside:
                lines.append("  (no sample: the watchdog could not run: the GIL was held)")
                continue
            # Time between consecutive samples goes to the earlier one's entry point: robust
            # to a watchdog that could not wake on time (a busy machine).
            spans: Counter[str] = Counter()
            for s0, s1 in zip(inside, [*inside[1:], None], strict=True):
                t1 = b if s1 is None else s1.t
                spans[_entry(s0.gui)] += min(t1 - s0.t, 0.05)
            events: Counter[str] = Counter()
            for s0, s1 in zip(inside, [*inside[1:], None], strict=True):
                if _entry(s0.gui).startswith("(Qt"):
                    events[s0.event] += min((b if s1 is None else s1.t) - s0.t, 0.05)
            for where, took in spans.most_common(5):
                lines.append(f"  ~{1000 * took:4.0f} ms in  {where}")
                if where.startswith("(Qt"):
                    for ev, t_ev in events.most_common(3):
                        lines.append(f"           ~{1000 * t_ev:4.0f} ms after Qt event {ev}")
            by_ours = Counter(_ours(s.gui) for s in inside)
            dt = self.interval
            for where, n in by_ours.most_common(6):
                lines.append(f"  {n:4d} samples (~{1000 * n * dt:.0f} ms+)  {where}")
                ex = next(s for s in inside if _ours(s.gui) == where)
                for f in ex.gui[:8]:
                    lines.append(f"         {f}")
                if ex.event:
                    lines.append(f"         last Qt event: {ex.event}")
                busy = {n: s[0] for n, s in ex.others.items() if s and "wait" not in s[0]}
                if busy:
                    lines.append(f"         other threads: {busy}")
        gcs = [g for g in self.gcs if since <= g[0] <= until]
        total = sum(g[1] for g in gcs)
        lines.append(
            f"\ngc: {len(gcs)} collections recorded (>3 ms or gen2), {1000 * total:.0f} ms "
            + ", ".join(f"gen{g}/{w}:{1000 * t:.0f}ms" for _t, t, g, w, _c in gcs[:20])
        )
        return "\n".join(lines)


def _event_filter(tracer: StallTracer) -> Any:
    from PySide6.QtCore import QObject

    class LastEvent(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:
            if threading.get_ident() == tracer._gui:
                name = obj.objectName() if hasattr(obj, "objectName") else ""
                tracer.event = f"{event.type().name} -> {type(obj).__name__} {name}"
            return False

    return LastEvent()
