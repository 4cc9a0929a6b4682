"""Progress and cooperative cancellation: the one protocol of ``domain.progress``, re-exported.

Services, the UI's workers and the CLI import it from here, io from ``domain.progress``:
both are the same classes, so a reader's ``Cancelled`` is the service's ``Cancelled``.
"""

from __future__ import annotations

from desktop_app.domain.progress import Cancelled, NullProgress, Progress, check

__all__ = ["Cancelled", "NullProgress", "Progress", "Scaled", "check"]


class Scaled:
    """A part of a longer task: maps its 0..1 onto ``start``..``end`` of ``outer``."""

    def __init__(self, outer: Progress, start: float, end: float) -> None:
        self._outer, self._start, self._end = outer, start, end

    def report(self, fraction: float, message: str = "") -> None:
        self._outer.report(self._start + (self._end - self._start) * fraction, message)

    def cancelled(self) -> bool:
        return self._outer.cancelled()
