"""GUI-thread work split into steps, one step per pass of the event loop.

Building the views of a newly opened book is several steps of 20-90 ms (the chart, its
legend, the pane, the docks' places, the first points). Posted with ``singleShot(0)`` they
ran two or three in a row before Qt served its timers, paints and input again: one stall of
their sum. Here the next step starts on a 1 ms timer after the previous one has returned,
so whatever became due meanwhile (a paint, a key press, any timer) runs in between, and
steps from different owners (the docks, the chart) never run back to back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from shiboken6 import Shiboken


class _StepQueue:
    def __init__(self) -> None:
        self._steps: deque[tuple[QObject, Callable[[], object]]] = deque()
        self._timer: QTimer | None = None

    def add(self, owner: QObject, step: Callable[[], object]) -> None:
        self._steps.append((owner, step))
        self._arm()

    def pending(self) -> int:
        return len(self._steps)

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = QTimer()
            self._timer.setSingleShot(True)
            self._timer.setInterval(1)
            self._timer.timeout.connect(self._run_one)
        if self._steps and not self._timer.isActive():
            self._timer.start()

    def _run_one(self) -> None:
        while self._steps:
            owner, step = self._steps.popleft()
            if Shiboken.isValid(owner):  # an owner deleted meanwhile drops its steps
                try:
                    step()
                finally:
                    self._arm()
                return


_QUEUE = _StepQueue()


def later(owner: QObject, step: Callable[[], object]) -> None:
    """Run ``step()`` on the GUI thread in a later pass of the event loop, after the steps
    queued before it, each in a pass of its own; dropped if ``owner`` is deleted first."""
    _QUEUE.add(owner, step)


def pending() -> int:
    """Steps still queued."""
    return _QUEUE.pending()
