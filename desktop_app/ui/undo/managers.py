"""Undoable managers' edits: forecast calls, renewal targets, alert acknowledgements.

Like the health and note commands, each writes on the single writer thread: ``redo`` and
``undo`` queue their write and return at once, and ``on_change()`` runs on the GUI thread
once the write is done (the view re-reads its report then).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from desktop_app.domain.forecast import CALL_LABEL, Call, Quarter
from desktop_app.services.database import Store
from desktop_app.services.managers import (
    ActionRecord,
    CallRecord,
    Target,
    acknowledge,
    delete_action,
    delete_call,
    restore_action,
    restore_call,
    set_call,
    set_target,
    snooze,
)
from desktop_app.ui.undo import WriterCommand

Notify = Callable[[], None]


class _ManagersCommand(WriterCommand):
    """A writer command whose ``on_change`` takes no account id (the views re-read a report)."""

    def __init__(
        self,
        text: str,
        account_id: int,
        on_change: Notify | None,
        on_error: Callable[[str], Any] | None,
    ) -> None:
        notify = (lambda _id: on_change()) if on_change is not None else None
        super().__init__(text, account_id, notify, on_error)


class SetCallCommand(_ManagersCommand):
    """Set a forecast call; undo deletes that call (the earlier one is in force again)."""

    def __init__(
        self,
        store: Store,
        account_id: int,
        call: Call,
        note: str | None = None,
        on_change: Notify | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(f"Forecast call {CALL_LABEL[call]}", account_id, on_change, on_error)
        self._store, self._call, self._note = store, call, note
        self.record: CallRecord | None = None
        self._deleted: CallRecord | None = None

    # On the writer thread ------------------------------------------------------------
    def _redo(self) -> None:
        if self._deleted is not None:
            restore_call(self._store, self._deleted)
            self.record, self._deleted = self._deleted, None
        elif self.record is None:
            self.record = set_call(self._store, self.account_id, self._call, note=self._note)

    def _undo(self) -> None:
        if self.record is not None:
            self._deleted = delete_call(self._store, self.record.id)


class SetTargetCommand(_ManagersCommand):
    """Set or clear a CSM's target for a quarter; undo puts the previous target back."""

    def __init__(
        self,
        store: Store,
        csm: str,
        quarter: Quarter,
        kind: str,
        target: float | None,
        on_change: Notify | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(f"Target for {csm} in {quarter}", 0, on_change, on_error)
        self._store, self._csm, self._quarter = store, csm, quarter
        self._kind, self._target = kind, target
        self._before: Target | None = None

    # On the writer thread ------------------------------------------------------------
    def _redo(self) -> None:
        self._before = set_target(self._store, self._csm, self._quarter, self._kind, self._target)

    def _undo(self) -> None:
        b = self._before
        kind, target = (b.kind, b.target) if b else ("arr", None)
        set_target(self._store, self._csm, self._quarter, kind, target)


class AlertActionCommand(_ManagersCommand):
    """Acknowledge or snooze an alert (``until`` set); undo deletes that action."""

    def __init__(
        self,
        store: Store,
        alert_id: str,
        reason: str | None,
        until: date | None = None,
        on_change: Notify | None = None,
        on_error: Callable[[str], Any] | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(
            f"{'Snooze' if until else 'Acknowledge'} {alert_id}", 0, on_change, on_error
        )
        self._store, self.alert_id, self._reason, self._until = store, alert_id, reason, until
        self._today = today
        self.record: ActionRecord | None = None
        self._deleted: ActionRecord | None = None

    # On the writer thread ------------------------------------------------------------
    def _redo(self) -> None:
        if self._deleted is not None:
            restore_action(self._store, self._deleted)
            self.record, self._deleted = self._deleted, None
        elif self.record is None:
            self.record = self._act()

    def _act(self) -> ActionRecord:
        if self._until is None:
            return acknowledge(self._store, self.alert_id, self._reason, today=self._today)
        reason = self._reason or ""
        return snooze(self._store, self.alert_id, self._until, reason, today=self._today)

    def _undo(self) -> None:
        if self.record is not None:
            self._deleted = delete_action(self._store, self.record.id)


class ReopenAlertCommand(_ManagersCommand):
    """Take back the acknowledgement or snooze in force; undo puts it back."""

    def __init__(
        self,
        store: Store,
        action: ActionRecord,
        on_change: Notify | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(f"Reopen {action.alert_id}", 0, on_change, on_error)
        self._store, self._action = store, action

    def redo(self) -> None:
        self._write(lambda: delete_action(self._store, self._action.id))

    def undo(self) -> None:
        self._write(lambda: restore_action(self._store, self._action))
