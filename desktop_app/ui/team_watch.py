"""Hear other clients' changes on a team database (LISTEN/NOTIFY) and tell the window."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.services.database import Store
from desktop_app.services.team import PARTIAL_MAX, listen

POLL_MS = 2000


class TeamChangeWatcher(QObject):
    """Polls the store's change listener (a non-blocking read) every ``POLL_MS``.

    ``accountsChanged(ids)`` after other clients' edits, or imports and rescorings of a few
    accounts (the window reloads those rows only); ``bookChanged()`` after a whole-book
    rescoring, or changes to more than ``PARTIAL_MAX`` accounts. Inactive on SQLite.
    """

    accountsChanged = Signal(list)
    bookChanged = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener = listen(store)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        if self._listener.active:
            self._timer.start()

    @property
    def active(self) -> bool:
        return self._listener.active

    def poll(self) -> None:
        try:
            changes = self._listener.poll(0)
        except Exception:  # a dropped connection: stop listening, the app keeps working
            self.stop()
            return
        if changes.whole_book or len(changes.account_ids) > PARTIAL_MAX:
            self.bookChanged.emit()
        elif changes.account_ids:
            self.accountsChanged.emit(sorted(changes.account_ids))

    def stop(self) -> None:
        self._timer.stop()
        self._listener.close()
