"""Progress and cooperative cancellation for long operations (Orange's TaskState, no QObject).

The one protocol of every layer: io's readers, store writes and services all take a
``Progress`` and raise ``Cancelled``; ``ui/workers.py`` implements it for a worker.
It lives at the bottom so that io and services need not translate one into the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")


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


def pause_point(progress: Progress | None) -> None:
    """A point between two short steps of a long read where it may wait or stop: raises
    ``Cancelled`` if ``progress`` says so (no report). A background worker also waits here
    while the window is busy (``ui/workers.py``), so its steps should be short (~5 ms)."""
    if progress is not None and progress.cancelled():
        raise Cancelled("cancelled")


#: Items a paced loop handles between two pause points (a few ms of Python at most).
PACE = 2048


def paced(items: Sequence[T], progress: Progress | None, step: int = PACE) -> Iterable[T]:
    """``items`` with a ``pause_point`` of ``progress`` every ``step`` of them (``items``
    itself when there is no ``progress``: no generator in the way)."""
    if progress is None:
        return items
    return _paced(items, progress, step)


def _paced(items: Sequence[T], progress: Progress, step: int) -> Iterator[T]:
    chunks = (items[lo : lo + step] for lo in range(0, len(items), step))
    for chunk in each_paused(chunks, progress):
        yield from chunk


def each_paused(chunks: Iterable[T], progress: Progress | None) -> Iterator[T]:
    """``chunks`` (of rows, of items), a ``pause_point`` of ``progress`` before each."""
    for chunk in chunks:
        pause_point(progress)
        yield chunk
