"""ui.gui_queue: the views' build steps run one per pass of the event loop, in order, and an
owner deleted meanwhile drops its steps."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from shiboken6 import Shiboken

from desktop_app.ui import gui_queue


def test_steps_run_in_order_with_the_event_loop_served_between(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    seen: list[str] = []

    def first() -> None:
        seen.append("first")
        # What became due during a step (here a timer it starts) runs before the next step:
        # two steps never make one long event.
        QTimer.singleShot(0, lambda: seen.append("timer"))

    gui_queue.later(owner, first)
    gui_queue.later(owner, lambda: seen.append("second"))
    assert seen == []  # nothing runs inside the call that queues
    qtbot.waitUntil(lambda: "second" in seen, timeout=2000)
    assert seen == ["first", "timer", "second"]
    assert gui_queue.pending() == 0


def test_a_deleted_owner_drops_its_steps(qtbot) -> None:  # type: ignore[no-untyped-def]
    gone, kept = QObject(), QObject()
    seen: list[str] = []
    gui_queue.later(gone, lambda: seen.append("gone"))
    gui_queue.later(kept, lambda: seen.append("kept"))
    Shiboken.delete(gone)  # its C++ object, now (as a closed window's child would be)
    qtbot.waitUntil(lambda: seen == ["kept"], timeout=2000)
    assert gui_queue.pending() == 0


def test_a_timer_due_during_a_step_s_paint_runs_before_the_next_step(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The next step waits for the events a step posted (its layout and paint) and then for
    the timers that became due meanwhile: a short step, its long paint and the next step
    never make one stall."""
    from PySide6.QtCore import QCoreApplication, QEvent

    seen: list[str] = []

    class Painter(QObject):  # stands for the paint a step's changes post
        def event(self, event: QEvent) -> bool:
            if event.type() == QEvent.Type.User:
                seen.append("paint")
                deadline = time.perf_counter() + 0.03
                while time.perf_counter() < deadline:  # a 30 ms paint
                    pass
                return True
            return super().event(event)

    painter = Painter()
    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(lambda: seen.append("tick"))

    def first() -> None:
        seen.clear()
        ticker.start()  # due 10 ms from now: during the paint
        seen.append("first")
        QCoreApplication.postEvent(painter, QEvent(QEvent.Type.User))

    gui_queue.later(painter, first)
    gui_queue.later(painter, lambda: seen.append("second"))
    qtbot.waitUntil(lambda: "second" in seen, timeout=2000)
    ticker.stop()
    assert seen[:4] == ["first", "paint", "tick", "second"]


def test_a_step_queued_by_a_step_waits_for_the_timers_due_meanwhile(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A step that queues the next one (the chart's build does) does not start the next
    one's timer from inside itself: a timer that became due while it ran comes first."""
    seen: list[str] = []
    owner = QObject()
    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(lambda: seen.append("tick"))

    def first() -> None:
        seen.clear()
        ticker.start()  # due 10 ms from now: while this step still runs
        seen.append("first")
        gui_queue.later(owner, lambda: seen.append("second"))
        deadline = time.perf_counter() + 0.03
        while time.perf_counter() < deadline:  # a 30 ms step
            pass

    gui_queue.later(owner, first)
    qtbot.waitUntil(lambda: "second" in seen, timeout=2000)
    ticker.stop()
    assert seen[:3] == ["first", "tick", "second"]
