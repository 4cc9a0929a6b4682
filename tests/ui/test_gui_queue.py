"""ui.gui_queue: the views' build steps run one per pass of the event loop, in order, and an
owner deleted meanwhile drops its steps."""

from __future__ import annotations

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
