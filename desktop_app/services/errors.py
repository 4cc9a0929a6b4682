"""Errors whose message is written for the user (the CLI prints it, the UI shows it)."""

from __future__ import annotations

from datetime import datetime


class UserError(Exception):
    """Bad input or a request that cannot be carried out; ``str(exc)`` is the message."""


class StaleEdit(UserError):
    """Someone saved this row after you read it; ``current`` is what it holds now.

    The message shows the current value; the caller may re-apply its edit on top of it
    (read again, then write with the new version).
    """

    def __init__(
        self,
        message: str,
        current: object,
        version: int,
        *,
        what: str = "",
        who: str | None = None,
        when: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.version = version
        #: The value there now, who saved it and when (for the "re-apply or keep" dialog).
        self.what = what
        self.who = who
        self.when = when
