"""Progress and cooperative cancellation for long operations (Orange's TaskState, no QObject)."""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """Raised inside a long operation when the user cancelled it; callers roll back."""


class Progress(Protocol):
    def report(self, fraction: float, message: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class NullProgress:
    """A Progress that ignores reports and is never cancelled."""

    def report(self, fraction: float, message: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return False


class RecordingProgress:
    """A Progress that keeps what it was told; cancels after ``cancel_after`` reports."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.reports: list[tuple[float, str]] = []
        self._cancel_after = cancel_after

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append((fraction, message))

    def cancelled(self) -> bool:
        return self._cancel_after is not None and len(self.reports) >= self._cancel_after


def check(progress: Progress, fraction: float, message: str = "") -> None:
    """Report and raise ``Cancelled`` when the user asked to stop."""
    progress.report(fraction, message)
    if progress.cancelled():
        raise Cancelled(message or "cancelled")


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
