"""Undoable review dismissals, written on the single writer like the other commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_app.services.database import Store
from desktop_app.services.importing import ReviewRow, dismiss, reopen
from desktop_app.ui.undo import WriterCommand


class DismissReviewCommand(WriterCommand):
    """Dismiss a review item; undo puts it back on the list.

    ``on_change()`` runs on the GUI thread once written; a refusal (the item is no longer
    open) goes to ``on_error(message)``.
    """

    def __init__(
        self,
        store: Store,
        row: ReviewRow,
        on_change: Callable[[], None],
        on_error: Callable[[str], Any] | None = None,
    ) -> None:
        text = f"Dismiss review row {row.row_number} of {row.file_name}"
        super().__init__(text, 0, lambda _id: on_change(), on_error)
        self.store = store
        self.review_id = row.id

    def redo(self) -> None:
        self._write(lambda: dismiss(self.store, self.review_id))

    def undo(self) -> None:
        self._write(lambda: reopen(self.store, self.review_id))
