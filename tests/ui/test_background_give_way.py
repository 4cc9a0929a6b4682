"""Background reads give the window the interpreter while it is busy (``ui/workers.py``).

A background worker waits at its pause points while the GUI thread's heartbeat is late:
scrolling the 100k book's table while its indexes were built took 105-200 ms a paint (each
of the table model's Python calls waited for the interpreter), ~35-58 ms once they gave way.
"""

from __future__ import annotations

import threading
import time

from desktop_app.domain.progress import Progress, pause_point
from desktop_app.ui import workers


def _stepper(steps: list[float], started: threading.Event):  # type: ignore[no-untyped-def]
    def job(progress: Progress) -> int:
        started.set()
        for _ in range(300):
            pause_point(progress)
            steps.append(time.monotonic())
            time.sleep(0.001)
        return len(steps)

    return job


def _busy_gui(seconds: float) -> tuple[float, float]:
    """Keep the GUI thread busy (no event processed) for ``seconds``; (start, end)."""
    start = time.monotonic()
    time.sleep(seconds)
    return start, time.monotonic()


def test_a_background_worker_waits_while_the_window_is_busy(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workers, "BACKGROUND_WAIT", 5.0)  # wait for the next beat, however long
    steps: list[float] = []
    started = threading.Event()
    done: list[int] = []
    workers.run_task(_stepper(steps, started), progress=True, background=True, done=done.append)
    qtbot.waitUntil(started.is_set, timeout=5000)
    qtbot.wait(30)  # the window idle: the worker runs
    assert steps, "the worker did not run while the window was idle"
    start, end = _busy_gui(0.3)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    assert done == [300]
    # Once the heartbeat is late (LATE) and the worker reaches its next pause point, it
    # waits for the window: no step while the GUI thread stays busy.
    during = [t for t in steps if start + workers.LATE + 0.02 < t < end]
    assert len(during) <= 1, len(during)


def test_a_read_that_is_not_background_does_not_wait(qtbot) -> None:  # type: ignore[no-untyped-def]
    steps: list[float] = []
    started = threading.Event()
    done: list[int] = []
    workers.run_task(_stepper(steps, started), progress=True, done=done.append)
    qtbot.waitUntil(started.is_set, timeout=5000)
    start, end = _busy_gui(0.3)
    qtbot.waitUntil(lambda: bool(done), timeout=20000)
    during = [t for t in steps if start + workers.LATE + 0.02 < t < end]
    assert len(during) > 20, len(during)


def test_waiting_for_every_worker_does_not_make_background_ones_wait(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``wait_all`` blocks the GUI thread on purpose: the workers must not wait for it."""
    monkeypatch.setattr(workers, "BACKGROUND_WAIT", 5.0)
    steps: list[float] = []
    started = threading.Event()
    workers.run_task(_stepper(steps, started), progress=True, background=True)
    qtbot.waitUntil(started.is_set, timeout=5000)
    begun = time.monotonic()
    assert workers.wait_all(20000)
    assert len(steps) == 300
    assert time.monotonic() - begun < 4.0  # not one BACKGROUND_WAIT spent waiting
