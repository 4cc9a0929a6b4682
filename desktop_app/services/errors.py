"""Errors whose message is written for the user (the CLI prints it, the UI shows it)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be carried out; ``str(exc)`` is the message."""


class StaleEdit(UserError):
    """Someone saved this row after you read it; ``current`` is what it holds now.

    The message shows the current value; the caller may re-apply its edit on top of it
    (read again, then write with the new version).
    """

    def __init__(self, message: str, current: object, version: int) -> None:
        super().__init__(message)
        self.current = current
        self.version = version
