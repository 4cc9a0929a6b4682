"""Undoable worklist snoozes, written on the single writer like the other commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from desktop_app.services.database import Store
from desktop_app.services.worklist import snooze, unsnooze
from desktop_app.ui.undo import WriterCommand


class SnoozeCommand(WriterCommand):
    """Snooze an account until a date; undo removes that snooze, redo snoozes again.

    ``on_change()`` runs on the GUI thread once the write is done; a refusal (an unknown
    account) goes to ``on_error(message)``.
    """

    def __init__(
        self,
        store: Store,
        account_id: int,
        until: date,
        reason: str,
        *,
        today: date,
        on_change: Callable[[], None] | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        notify = (lambda _id: on_change()) if on_change is not None else None
        super().__init__(f"Snooze until {until.isoformat()}", account_id, notify, on_error)
        self._store = store
        self._until, self._reason, self._today = until, reason, today
        self.note_id: int | None = None

    def redo(self) -> None:
        self._write(self._redo)

    def undo(self) -> None:
        self._write(self._undo)

    # On the writer thread ------------------------------------------------------------
    def _redo(self) -> None:
        self.note_id = snooze(
            self._store, self.account_id, self._until, self._reason, today=self._today
        )

    def _undo(self) -> None:
        if self.note_id is not None:
            unsnooze(self._store, self.account_id, note_id=self.note_id)
            self.note_id = None
