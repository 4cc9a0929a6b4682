"""Undoable user edits: QUndoCommands that store ids and before/after values and call a
service in ``redo``/``undo`` (glue's ``glue/core/command.py``).

Health and note commands write on the single writer thread (``WriterCommand``): ``redo``
and ``undo`` queue their write and return at once; the writer runs writes in the order they
were queued, so an undo always follows the redo it reverts. ``on_change(account_id)`` runs
on the GUI thread when the write is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from desktop_app.ui.workers import run_task


class WriterCommand(QUndoCommand):
    """A QUndoCommand whose service calls run on the writer, never on the GUI thread."""

    def __init__(
        self,
        text: str,
        account_id: int,
        on_change: Callable[[int], Any] | None,
        on_error: Callable[[str], Any] | None,
    ) -> None:
        super().__init__(text)
        self.account_id = account_id
        self._on_change = on_change
        self._on_error = on_error

    def _write(self, step: Callable[[], Any]) -> None:
        run_task(step, write=True, done=self._written, failed=self._failed)

    def _written(self, _result: Any) -> None:
        if self._on_change is not None:
            try:
                self._on_change(self.account_id)
            except RuntimeError:  # the view that asked is gone
                self._on_change = None

    def _failed(self, message: str) -> None:
        if self._on_error is not None:
            try:
                self._on_error(message)
            except RuntimeError:  # the view that asked is gone
                self._on_error = None
