"""The only module that knows QRunnable/QThreadPool.

A worker runs a plain function from services with itself as the ``Progress``; it emits
``progress(float, str)``, ``finished(object)``, ``failed(str)`` or ``cancelled()`` and never
touches a widget. Database writes go through ``writer_pool()`` (one thread).

The task policy: every service call from the UI goes through :func:`run_task`; reads run on
the reader pool, writes (undo and redo included) on the single writer.

Background reads (``background=True``: what only helps later, such as a big book's search
and sort indexes) give the window the interpreter: at each of their pause points
(``domain.progress.pause_point``) they wait while the GUI thread is busy: while a heartbeat
timer on it (running only while they do) is late, for ``BACKGROUND_WAIT`` s at most. (The
event dispatcher's ``awake``/``aboutToBlock`` do not bracket the busy time with glib.)
Scrolling the 100k book's table while they ran took 105-200 ms a paint (each of the model's
Python calls waited for the interpreter), against ~20 ms once they were done; giving way,
35-58 ms.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
)

from desktop_app.ui.memory import limit_malloc_arenas


class WorkerSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Worker(QRunnable):
    """Run ``fn(*args, progress=self, **kwargs)`` on a pool thread."""

    def __init__(
        self, fn: Callable[..., Any], *args: Any, pass_progress: bool = True, **kwargs: Any
    ) -> None:
        super().__init__()
        self._pass_progress = pass_progress
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._cancel = False
        self.write = False
        self.background = False  # waits at its pause points while the window is busy

    # Progress protocol -------------------------------------------------------------
    def report(self, fraction: float, message: str = "") -> None:
        self._emit(self.signals.progress, float(fraction), message)

    def cancelled(self) -> bool:
        if self.background and not self._cancel:
            _give_way()
        return self._cancel

    def cancel(self) -> None:
        self._cancel = True

    # QRunnable -----------------------------------------------------------------------
    def run(self) -> None:
        from desktop_app.services.database import StoreError
        from desktop_app.services.errors import UserError
        from desktop_app.services.progress import Cancelled

        args, kwargs = self._args, self._kwargs
        # A worker runs once; its inputs (a whole book, at times) are dropped now. Its signal
        # connections (lambdas holding the worker, kept by Qt) can keep a finished worker
        # alive where Python's collector does not see it: at 100k, a whole extra book.
        self._args, self._kwargs = (), {}
        try:
            if self._pass_progress:
                result = self._fn(*args, progress=self, **kwargs)
            else:
                result = self._fn(*args, **kwargs)
            del args, kwargs
        except Cancelled:
            self._emit(self.signals.cancelled)
        except (UserError, StoreError, ValueError, OSError) as exc:  # worded for the user
            self._emit(self.signals.failed, str(exc))
        except Exception as exc:  # surfaced to the user, never a silent thread death
            from desktop_app.services.team import is_refusal, refusal_for_call

            if is_refusal(exc):  # a team database refused this role: one line, who can
                line = refusal_for_call(getattr(self._fn, "__name__", ""))
                self._emit(self.signals.failed, line[:1].upper() + line[1:] + ".")
                return
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self._emit(self.signals.failed, f"Unexpected error: {detail}")
        else:
            self._emit(self.signals.finished, result)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        # The owner (a closed dialog, a quitting application) may be gone: nobody to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


_WRITER: QThreadPool | None = None


def writer_pool() -> QThreadPool:
    """One-thread pool: database writes are serialised."""
    global _WRITER
    if _WRITER is None:
        _WRITER = QThreadPool()
        _WRITER.setMaxThreadCount(1)
    return _WRITER


def reader_pool() -> QThreadPool:
    return QThreadPool.globalInstance()


#: The GUI thread's heartbeat while background workers run: set at every beat.
_beat = threading.Event()
_last_beat = [0.0]
#: The heartbeat's period, and how late it must be for the GUI thread to count as busy.
BEAT_MS, LATE = 8, 0.012
#: A background worker waits at most this long at one pause point (the window may stay busy).
BACKGROUND_WAIT = 0.05


def _give_way() -> None:
    """At a background worker's pause point: while the GUI thread's heartbeat is late (it is
    busy, or waiting for the interpreter), wait for its next beat (``BACKGROUND_WAIT`` at
    most), not holding the interpreter."""
    if time.monotonic() - _last_beat[0] > LATE:
        _beat.clear()
        _beat.wait(BACKGROUND_WAIT)


class _Heartbeat(QObject):
    """A timer on the GUI thread, running while any background worker does."""

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self._timer = QTimer(self)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self.beat)

    def beat(self) -> None:
        _last_beat[0] = time.monotonic()
        _beat.set()

    def add(self, worker: Worker) -> None:
        self.running += 1
        if not self._timer.isActive():
            self.beat()
            self._timer.start()
        for signal in (worker.signals.finished, worker.signals.failed):
            signal.connect(self._drop)
        worker.signals.cancelled.connect(self._drop)

    def _drop(self, *_args: object) -> None:
        self.running = max(0, self.running - 1)
        if not self.running:
            self._timer.stop()
            _last_beat[0] = float("inf")  # no beat to wait for: never late
            _beat.set()


_heartbeat: list[_Heartbeat] = []


def _watch_gui(worker: Worker) -> None:
    """Beat on the GUI thread while ``worker`` runs (there, when a QApplication exists;
    else the worker never waits)."""
    app = QCoreApplication.instance()
    if app is None or app.thread() != QThread.currentThread():
        worker.background = False
        return
    if not _heartbeat:
        _heartbeat.append(_Heartbeat())
    _heartbeat[0].add(worker)


def start(worker: Worker, *, write: bool = False, urgent: bool = False) -> Worker:
    """Queue ``worker``; ``urgent`` ones run before the reads already waiting (what the user
    is waiting to see, e.g. the chart's arrays, before background indexes)."""
    if worker.background:
        _watch_gui(worker)
    limit_malloc_arenas()  # before any worker thread allocates (ui/memory.py)
    (writer_pool() if write else reader_pool()).start(worker, 1 if urgent else 0)
    return worker


def wait_all(timeout_ms: int = 10000) -> bool:
    """Block until every worker is done (closing the window, tests). The GUI thread is
    waiting for them, not busy: background workers need not give way meanwhile."""
    _last_beat[0] = float("inf")
    _beat.set()
    ok = reader_pool().waitForDone(timeout_ms)
    if _WRITER is not None:
        ok = _WRITER.waitForDone(timeout_ms) and ok
    return ok


_RUNNING: set[Worker] = set()


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    write: bool = False,
    done: Callable[[Any], Any] | None = None,
    failed: Callable[[str], Any] | None = None,
    cancelled: Callable[[], Any] | None = None,
    progress: bool = False,
    urgent: bool = False,
    background: bool = False,
    **kwargs: Any,
) -> Worker:
    """Run ``fn(*args, **kwargs)`` on a worker: the one way the UI calls a service.

    ``write=True`` puts it on the one-thread writer pool (in order after earlier writes);
    ``progress=True`` passes the worker as ``progress=``; ``urgent=True`` queues it ahead;
    ``background=True`` (with ``progress=True``) makes it wait at its pause points while
    the window is busy (see the module's docstring).
    ``done(result)``, ``failed(message)`` and ``cancelled()`` run on the GUI thread. The
    worker is kept alive until it ends.
    """
    worker = Worker(fn, *args, pass_progress=progress, **kwargs)
    worker.write = write
    worker.background = background
    if done is not None:
        worker.signals.finished.connect(done)
    if failed is not None:
        worker.signals.failed.connect(failed)
    if cancelled is not None:
        worker.signals.cancelled.connect(cancelled)
    _RUNNING.add(worker)
    for signal in (worker.signals.finished, worker.signals.failed):
        signal.connect(lambda *_a, w=worker: _RUNNING.discard(w))
    worker.signals.cancelled.connect(lambda w=worker: _RUNNING.discard(w))
    return start(worker, write=write, urgent=urgent)


def writes_pending() -> bool:
    """A write (an undo command's included) was queued and its result is not delivered yet."""
    return any(w.write for w in _RUNNING)


def _to_view(fn: Callable[..., Any], *args: Any) -> None:
    """Hand a result to a view, unless the view was closed (and deleted) meanwhile."""
    try:
        fn(*args)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise


class ReportLoader:
    """One read at a time for a report view, through ``run_task``.

    ``load`` shows its message, reads on a worker and hands the result to ``done`` on the GUI
    thread; a failure's message goes to ``show`` instead. A load started while another runs
    supersedes it: reads run in parallel on the reader pool and may finish out of order, so
    only the latest one's result is shown. ``busy()`` is what tests wait on.
    """

    def __init__(self, show: Callable[[str], Any], done: Callable[[Any], Any]) -> None:
        self._show, self._on_done = show, done
        self._latest = 0
        self._busy = False

    def load(self, message: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._show(message)
        self._busy = True
        self._latest += 1
        n = self._latest
        run_task(
            fn,
            *args,
            done=lambda result: self._done(n, result),
            failed=lambda message: self._failed(n, message),
            **kwargs,
        )

    def busy(self) -> bool:
        return self._busy

    def _done(self, n: int, result: Any) -> None:
        if n != self._latest:  # superseded by a later load
            return
        self._busy = False
        _to_view(self._on_done, result)

    def _failed(self, n: int, message: str) -> None:
        if n != self._latest:
            return
        self._busy = False
        _to_view(self._show, message)


def active_threads() -> int:
    """Threads busy in either pool (tests assert none are left)."""
    n = reader_pool().activeThreadCount()
    if _WRITER is not None:
        n += _WRITER.activeThreadCount()
    return n
