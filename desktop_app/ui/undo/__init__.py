"""Undoable user edits: QUndoCommands that store ids and before/after values and call a
service in ``redo``/``undo`` (glue's ``glue/core/command.py``).

Health and note commands write on the single writer thread (``WriterCommand``): ``redo``
and ``undo`` queue their write and return at once; the writer runs writes in the order they
were queued, so an undo always follows the redo it reverts. ``on_change(account_id)`` runs
on the GUI thread when the write is done.

A write refused as stale (someone saved the row since the user read it: ``StaleEdit``)
goes to ``on_stale(command, exc)`` on the GUI thread, which shows the current value and
lets the user ``reapply`` theirs on top of it or ``keep_theirs``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from desktop_app.services.errors import StaleEdit
from desktop_app.ui.workers import run_task

StaleHandler = Callable[["WriterCommand", StaleEdit], Any]


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
        self.on_stale: StaleHandler | None = None
        self.mine = text  # what this command writes, in words (subclasses say more)
        #: True once the user kept the other client's value: undo/redo then do nothing.
        self.refused = False

    def redo(self) -> None:
        self._write(self._redo)

    def undo(self) -> None:
        self._write(self._undo)

    # On the writer thread: what a command writes and reverts (subclasses) ----------
    def _redo(self) -> Any:
        raise NotImplementedError

    def _undo(self) -> Any:
        raise NotImplementedError

    def _write(self, step: Callable[[], Any]) -> None:
        def guarded() -> Any:
            try:
                return step()
            except StaleEdit as exc:  # a result, not a failure: the user decides
                return exc

        run_task(guarded, write=True, done=self._written, failed=self._failed)

    def _written(self, result: Any) -> None:
        if isinstance(result, StaleEdit):
            if self.on_stale is not None:
                try:
                    self.on_stale(self, result)
                    return
                except RuntimeError:  # the view that asked is gone
                    self.on_stale = None
            self._failed(str(result))
            return
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

    def reapply(self, stale: StaleEdit) -> None:
        """Write the user's value again, on top of the current one ``stale`` showed."""
        raise NotImplementedError

    def keep_theirs(self) -> None:
        """Leave the other client's value: this command does nothing any more."""
        self.refused = True
        self.setObsolete(True)
        self._written(None)  # views show the current value
