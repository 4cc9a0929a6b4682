"""Undoable managers' edits: forecast calls, renewal targets, alert acknowledgements."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QUndoCommand

from desktop_app.domain.forecast import CALL_LABEL, Call, Quarter
from desktop_app.services.database import Store
from desktop_app.services.managers.alerts import (
    ActionRecord,
    acknowledge,
    delete_action,
    restore_action,
    snooze,
)
from desktop_app.services.managers.forecast import CallRecord, delete_call, restore_call, set_call
from desktop_app.services.managers.plan import Target, set_target

Notify = Callable[[], None]


class SetCallCommand(QUndoCommand):
    """Set a forecast call; undo deletes that call (the earlier one is in force again)."""

    def __init__(
        self,
        store: Store,
        account_id: int,
        call: Call,
        note: str | None = None,
        on_change: Notify | None = None,
    ) -> None:
        super().__init__(f"Forecast call {CALL_LABEL[call]}")
        self._store, self.account_id, self._call, self._note = store, account_id, call, note
        self._on_change = on_change
        self.record: CallRecord | None = None
        self._deleted: CallRecord | None = None

    def redo(self) -> None:
        if self._deleted is not None:
            restore_call(self._store, self._deleted)
            self.record, self._deleted = self._deleted, None
        elif self.record is None:
            self.record = set_call(self._store, self.account_id, self._call, note=self._note)
        if self._on_change:
            self._on_change()

    def undo(self) -> None:
        if self.record is not None:
            self._deleted = delete_call(self._store, self.record.id)
        if self._on_change:
            self._on_change()


class SetTargetCommand(QUndoCommand):
    """Set or clear a CSM's target for a quarter; undo puts the previous target back."""

    def __init__(
        self,
        store: Store,
        csm: str,
        quarter: Quarter,
        kind: str,
        target: float | None,
        on_change: Notify | None = None,
    ) -> None:
        super().__init__(f"Target for {csm} in {quarter}")
        self._store, self._csm, self._quarter = store, csm, quarter
        self._kind, self._target = kind, target
        self._before: Target | None = None
        self._on_change = on_change

    def redo(self) -> None:
        self._before = set_target(self._store, self._csm, self._quarter, self._kind, self._target)
        if self._on_change:
            self._on_change()

    def undo(self) -> None:
        b = self._before
        set_target(
            self._store,
            self._csm,
            self._quarter,
            b.kind if b else "arr",
            b.target if b else None,
        )
        if self._on_change:
            self._on_change()


class AlertActionCommand(QUndoCommand):
    """Acknowledge or snooze an alert (``until`` set); undo deletes that action."""

    def __init__(
        self,
        store: Store,
        alert_id: str,
        reason: str | None,
        until: date | None = None,
        on_change: Notify | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(f"{'Snooze' if until else 'Acknowledge'} {alert_id}")
        self._store, self.alert_id, self._reason, self._until = store, alert_id, reason, until
        self._today = today
        self._on_change = on_change
        self.record: ActionRecord | None = None
        self._deleted: ActionRecord | None = None

    def redo(self) -> None:
        if self._deleted is not None:
            restore_action(self._store, self._deleted)
            self.record, self._deleted = self._deleted, None
        elif self.record is None:
            if self._until is None:
                self.record = acknowledge(
                    self._store, self.alert_id, self._reason, today=self._today
                )
            else:
                self.record = snooze(
                    self._store, self.alert_id, self._until, self._reason or "", today=self._today
                )
        if self._on_change:
            self._on_change()

    def undo(self) -> None:
        if self.record is not None:
            self._deleted = delete_action(self._store, self.record.id)
        if self._on_change:
            self._on_change()


class ReopenAlertCommand(QUndoCommand):
    """Take back the acknowledgement or snooze in force; undo puts it back."""

    def __init__(self, store: Store, action: ActionRecord, on_change: Notify | None = None):
        super().__init__(f"Reopen {action.alert_id}")
        self._store, self._action, self._on_change = store, action, on_change

    def redo(self) -> None:
        delete_action(self._store, self._action.id)
        if self._on_change:
            self._on_change()

    def undo(self) -> None:
        restore_action(self._store, self._action)
        if self._on_change:
            self._on_change()
