"""Progress and cooperative cancellation: the one protocol of ``domain.progress``, re-exported.

Services, the UI's workers and the CLI import it from here, io from ``domain.progress``:
both are the same classes, so a reader's ``Cancelled`` is the service's ``Cancelled``.
"""

from __future__ import annotations

from desktop_app.domain.progress import (
    PACE,
    Cancelled,
    NullProgress,
    Progress,
    check,
    paced,
    pause_point,
)

__all__ = ["PACE", "Cancelled", "NullProgress", "Progress", "ScaledProgress", "check", "paced",
           "pause_point"]  # fmt: skip


class ScaledProgress:
    """A ``Progress`` mapping 0..1 onto ``start``..``start + span`` of another one."""

    def __init__(self, inner: Progress, start: float, span: float, label: str = "") -> None:
        self._inner, self._start, self._span = inner, start, span
        self._label = f"{label}: " if label else ""

    def report(self, fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        self._inner.report(self._start + self._span * fraction, self._label + message)

    def cancelled(self) -> bool:
        return self._inner.cancelled()
