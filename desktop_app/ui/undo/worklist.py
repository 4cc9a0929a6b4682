"""Undoable worklist snoozes, written on the single writer like the other commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from desktop_app.services.book import snooze, unsnooze
from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit
from desktop_app.ui.undo import WriterCommand


class SnoozeCommand(WriterCommand):
    """Snooze an account until a date; undo removes that snooze, redo snoozes again.

    ``on_change()`` runs on the GUI thread once the write is done; a refusal (an unknown
    account) goes to ``on_error(message)``. With ``expected_snooze`` (the snooze in force
    the user saw; None: none), a snooze another client made since is not overwritten: the
    ``StaleEdit`` goes to ``on_stale`` (``WriterCommand``), which may ``reapply`` this one
    on top of theirs or ``keep_theirs``.
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
        expected_snooze: int | Literal["any"] | None = "any",
    ) -> None:
        notify = (lambda _id: on_change()) if on_change is not None else None
        super().__init__(f"Snooze until {until.isoformat()}", account_id, notify, on_error)
        self._store = store
        self.until, self.reason, self._today = until, reason, today
        self.note_id: int | None = None
        #: The snooze in force the user saw (None: none); another one since makes it stale.
        self.expected_snooze = expected_snooze
        self.mine = f"snoozed until {until.isoformat()}: {reason}"

    def reapply(self, stale: StaleEdit) -> None:
        if isinstance(stale.current, int) or stale.current is None:
            self.expected_snooze = stale.current
        self._write(self._redo)

    # On the writer thread ------------------------------------------------------------
    def _redo(self) -> None:
        if self.refused:
            return
        self.note_id = snooze(
            self._store, self.account_id, self.until, self.reason, today=self._today,
            expected_snooze=self.expected_snooze,
        )  # fmt: skip
        self.expected_snooze = "any"  # a redo after an undo puts back this user's own snooze

    def _undo(self) -> None:
        if self.refused:
            return
        if self.note_id is not None:
            unsnooze(self._store, self.account_id, note_id=self.note_id)
            self.note_id = None
