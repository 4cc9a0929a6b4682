"""Progress and cooperative cancellation for long operations (Orange's TaskState, no QObject).

The one protocol of every layer: io's readers, store writes and services all take a
``Progress`` and raise ``Cancelled``; ``ui/workers.py`` implements it for a worker.
It lives at the bottom so that io and services need not translate one into the other.
"""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """Raised inside a long operation when the user cancelled it; callers roll back."""


class Progress(Protocol):
    """What a long operation needs of its caller: a place to report, a way to ask to stop."""

    def report(self, fraction: float, message: str = "") -> None: ...

    def cancelled(self) -> bool: ...


class NullProgress:
    """A Progress that ignores reports and is never cancelled."""

    def report(self, fraction: float, message: str = "") -> None:
        return None

    def cancelled(self) -> bool:
        return False


def check(progress: Progress, fraction: float, message: str = "") -> None:
    """Report and raise ``Cancelled`` when the user asked to stop."""
    progress.report(fraction, message)
    if progress.cancelled():
        raise Cancelled(message or "cancelled")
