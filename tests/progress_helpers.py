"""A ``Progress`` for tests: keeps what it was told and cancels on cue."""

from __future__ import annotations


class RecordingProgress:
    """A Progress that keeps what it was told; cancels after ``cancel_after`` reports."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.reports: list[tuple[float, str]] = []
        self._cancel_after = cancel_after

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append((fraction, message))

    def cancelled(self) -> bool:
        return self._cancel_after is not None and len(self.reports) >= self._cancel_after
