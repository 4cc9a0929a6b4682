"""Undoable note commands (glue-style: the command stores ids and calls the service)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop_app.services.database import Store
from desktop_app.ui.undo import WriterCommand

if TYPE_CHECKING:
    from desktop_app.services.book import NoteRecord


class AddNoteCommand(WriterCommand):
    """Add a note to an account; undo deletes it, redo puts the same note (same id) back.

    ``on_change(account_id)`` runs after every redo/undo (once written) so views can refresh.
    """

    def __init__(
        self,
        store: Store,
        account_id: int,
        body: str,
        author: str | None = None,
        kind: str = "note",
        on_change: Callable[[int], Any] | None = None,
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(f"Add {kind}", account_id, on_change, on_error)
        self._store = store
        self._body, self._author, self._kind = body, author, kind
        self.note_id: int | None = None
        self._deleted: NoteRecord | None = None

    # On the writer thread (the notes service, and the ORM under it, load there, on the
    # first note: the detail pane that makes these commands opens with the window) -------
    def _redo(self) -> None:
        from desktop_app.services.book import add_note, restore_note

        if self._deleted is not None:
            self.note_id = restore_note(self._store, self._deleted)
            self._deleted = None
        elif self.note_id is None:
            self.note_id = add_note(
                self._store, self.account_id, self._body, self._author, self._kind
            )

    def _undo(self) -> None:
        from desktop_app.services.book import delete_note

        if self.note_id is not None:
            self._deleted = delete_note(self._store, self.note_id)
