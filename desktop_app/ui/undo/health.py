"""Undoable health overrides: QUndoCommands that call the override services on the writer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from desktop_app.services.database import Store
from desktop_app.services.errors import StaleEdit
from desktop_app.services.health import (
    active_overrides,
    clear_override,
    restore_override,
    set_override,
)
from desktop_app.ui.undo import WriterCommand


def _active_id(store: Store, account_id: int) -> int | None:
    return next((o.id for o in active_overrides(store) if o.account_id == account_id), None)


class SetOverrideCommand(WriterCommand):
    """Set an account's band; undo restores the override that was active before (if any)."""

    def __init__(
        self,
        store: Store,
        account_id: int,
        band: str,
        reason_code: str,
        note: str | None,
        author: str | None,
        expires_on: date | None,
        on_change: Callable[[int], Any],
        on_error: Callable[[str], Any] | None = None,
        *,
        expected_active: int | Literal["any"] | None = "any",
    ) -> None:
        super().__init__(f"Override health to {band}", account_id, on_change, on_error)
        self.store = store
        self._values = (band, reason_code, note, author, expires_on)
        #: What this command writes, in words (the stale-edit dialog shows it).
        self.mine = f"{band} ({reason_code})" + (f": {note}" if note else "")
        #: The active override the user saw (None: none): a newer one makes the write stale.
        self.expected_active = expected_active
        self.override_id: int | None = None
        self._previous: int | None = None

    # On the writer thread ------------------------------------------------------------
    def reapply(self, stale: StaleEdit) -> None:
        if isinstance(stale.current, int) or stale.current is None:
            self.expected_active = stale.current
        self._write(self._redo)

    def _redo(self) -> None:
        if self.refused:
            return
        if self.override_id is None:
            self._previous = _active_id(self.store, self.account_id)
            band, reason, note, author, expires = self._values
            self.override_id = set_override(
                self.store, self.account_id, band, reason, note, author, expires,
                expected_active=self.expected_active,
            )  # fmt: skip
        else:
            restore_override(self.store, self.override_id)

    def _undo(self) -> None:
        if self.refused:
            return
        if self.override_id is not None:
            clear_override(self.store, self.override_id, self._values[3])
        if self._previous is not None:
            restore_override(self.store, self._previous)


class ClearOverrideCommand(WriterCommand):
    """Clear an override (the computed band applies again); undo re-activates it."""

    def __init__(
        self,
        store: Store,
        override_id: int,
        account_id: int,
        by: str | None,
        on_change: Callable[[int], Any],
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__("Clear health override", account_id, on_change, on_error)
        self.store = store
        self.override_id = override_id
        self.by = by

    def redo(self) -> None:
        self._write(lambda: clear_override(self.store, self.override_id, self.by))

    def undo(self) -> None:
        self._write(lambda: restore_override(self.store, self.override_id))
