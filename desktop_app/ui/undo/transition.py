"""Undoable transition commands: checklist ticks/answers, scenario changes, execute.

Each command stores ids and before/after values and calls a service in ``redo``/``undo``;
``on_change()`` runs afterwards so the wizard can refresh (it is skipped once the widget is
gone). A service refusal (``UserError``) during undo/redo is passed to ``on_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QUndoCommand

from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.services.transitions import (
    execute_transition,
    set_checklist_item,
    set_scenario,
    undo_execute,
)

Callback = Callable[[], None] | None
ErrorCallback = Callable[[str], None] | None


class _TransitionCommand(QUndoCommand):
    def __init__(self, text: str, on_change: Callback, on_error: ErrorCallback) -> None:
        super().__init__(text)
        self._on_change = on_change
        self._on_error = on_error

    def _notify(self) -> None:
        if self._on_change is not None:
            try:
                self._on_change()
            except RuntimeError:  # the wizard was closed; nothing to refresh
                self._on_change = None

    def _fail(self, exc: UserError) -> None:
        if self._on_error is not None:
            try:
                self._on_error(str(exc))
            except RuntimeError:
                self._on_error = None


class SetChecklistItemCommand(_TransitionCommand):
    """Tick/untick or answer one checklist item of one account.

    With ``expected_version`` (the item's version the user saw), an answer someone else
    saved since is not overwritten: the command drops itself from the stack (obsolete during
    push) and hands the ``StaleEdit`` to ``on_stale(command, exc)``, which may push the
    answer again with the new version.
    """

    def __init__(
        self,
        store: Store,
        item_id: int,
        key: str,
        done: bool,
        answer: str | None,
        on_change: Callback = None,
        on_error: ErrorCallback = None,
        *,
        expected_version: int | None = None,
        on_stale: Callable[[SetChecklistItemCommand, StaleEdit], None] | None = None,
    ) -> None:
        super().__init__(f"Checklist: {key}", on_change, on_error)
        self._store = store
        self.item_id, self.key = item_id, key
        self.done, self.answer = bool(done), answer
        self._after = (bool(done), answer)
        self._before: tuple[bool, str | None] | None = None
        self._expected = expected_version
        self._on_stale = on_stale
        self.mine = answer or ("done" if done else "not done")

    def redo(self) -> None:
        try:
            prev = set_checklist_item(
                self._store, self.item_id, self.key, *self._after,
                expected_version=self._expected if self._before is None else None,
            )  # fmt: skip
        except StaleEdit as exc:
            self.setObsolete(True)
            if self._on_stale is not None:
                self._on_stale(self, exc)
            else:
                self._fail(exc)
            return
        if self._before is None:
            self._before = (prev.done, prev.answer)
        self._notify()

    def undo(self) -> None:
        if self._before is not None:
            set_checklist_item(self._store, self.item_id, self.key, *self._before)
        self._notify()


class SetScenarioCommand(_TransitionCommand):
    """Change one account's scenario with a reason."""

    def __init__(
        self,
        store: Store,
        item_id: int,
        scenario: str,
        reason: str,
        on_change: Callback = None,
        on_error: ErrorCallback = None,
    ) -> None:
        super().__init__(f"Scenario: {scenario}", on_change, on_error)
        self._store = store
        self.item_id = item_id
        self._after = (scenario, reason)
        self._before: tuple[str | None, str | None] | None = None

    def redo(self) -> None:
        try:
            prev = set_scenario(self._store, self.item_id, *self._after)
        except UserError as exc:
            self.setObsolete(True)
            self._fail(exc)
            return
        if self._before is None:
            self._before = prev
        self._notify()

    def undo(self) -> None:
        if self._before is None:
            return
        scenario, reason = self._before
        try:
            set_scenario(
                self._store, self.item_id, scenario or "Undefined", reason, require_reason=False
            )
        except UserError as exc:
            self._fail(exc)
        self._notify()


class ExecuteTransitionCommand(_TransitionCommand):
    """Mark a transition done (owners change); undo gives the accounts back."""

    def __init__(
        self,
        store: Store,
        transition_id: int,
        today: date | None = None,
        on_change: Callback = None,
        on_error: ErrorCallback = None,
    ) -> None:
        super().__init__("Execute transition", on_change, on_error)
        self._store = store
        self.transition_id = transition_id
        self._today = today

    def redo(self) -> None:
        try:
            execute_transition(self._store, self.transition_id, self._today)
        except UserError as exc:
            self.setObsolete(True)
            self._fail(exc)
            return
        self._notify()

    def undo(self) -> None:
        try:
            undo_execute(self._store, self.transition_id)
        except UserError as exc:
            self._fail(exc)
        self._notify()
