"""GUI-thread work split into steps, one step per pass of the event loop.

Building the views of a newly opened book is several steps of 20-90 ms (the chart, its
legend, the pane, the docks' places, the first points). Posted with ``singleShot(0)`` they
ran two or three in a row before Qt served its timers, paints and input again: one stall of
their sum. Here the next step starts on a zero timer once the previous one has returned
and the events it posted (its paint) have been delivered, so whatever became due meanwhile
(a paint, a key press, any timer) runs in between, and steps from different owners (the
docks, the chart) never run back to back. (Started when the step returned, the timer was
often due before the step's paint had ended: the next step then ran ahead of the timers
that had become due during that paint, and a short step, its paint and the next step made
one stall.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from shiboken6 import Shiboken

_AFTER_STEP = QEvent.Type(QEvent.registerEventType())


class _StepQueue:
    def __init__(self) -> None:
        self._steps: deque[tuple[QObject, Callable[[], object]]] = deque()
        self._timer: QTimer | None = None
        self._poster: _AfterStep | None = None
        self._after_step = False  # a step runs, or the events it posted are pending

    def add(self, owner: QObject, step: Callable[[], object]) -> None:
        self._steps.append((owner, step))
        self._arm()

    def pending(self) -> int:
        return len(self._steps)

    def _arm(self) -> None:
        if self._timer is None:  # on the GUI thread (where steps are added), as is the poster
            self._timer = QTimer()
            self._timer.setSingleShot(True)
            # A zero timer: started once the step's posted events are delivered, it still
            # comes after every timer that became due before it (they are served in order).
            self._timer.setInterval(0)
            self._timer.timeout.connect(self._run_one)
            self._poster = _AfterStep(self)
        if self._steps and not self._timer.isActive() and not self._after_step:
            self._timer.start()

    def _run_one(self) -> None:
        while self._steps:
            owner, step = self._steps.popleft()
            if Shiboken.isValid(owner):  # an owner deleted meanwhile drops its steps
                # The timer starts once the events the step posts (at normal priority: its
                # layout and paint requests) have been delivered, not when it queues a step.
                self._after_step = True
                try:
                    step()
                finally:
                    assert self._poster is not None  # made with the timer that ran this
                    QCoreApplication.postEvent(
                        self._poster, QEvent(_AFTER_STEP), Qt.EventPriority.LowEventPriority.value
                    )
                return

    def stepped(self) -> None:
        self._after_step = False
        self._arm()


class _AfterStep(QObject):
    """Receives the low-priority event posted after each step (``_StepQueue._run_one``)."""

    def __init__(self, queue: _StepQueue) -> None:
        super().__init__()
        self._queue = queue

    # ---------------------------------------------------------------- Qt overrides
    def event(self, event: QEvent) -> bool:
        if event.type() == _AFTER_STEP:
            self._queue.stepped()
            return True
        return super().event(event)


_QUEUE = _StepQueue()


def later(owner: QObject, step: Callable[[], object]) -> None:
    """Run ``step()`` on the GUI thread in a later pass of the event loop, after the steps
    queued before it, each in a pass of its own; dropped if ``owner`` is deleted first."""
    _QUEUE.add(owner, step)


def pending() -> int:
    """Steps still queued."""
    return _QUEUE.pending()
