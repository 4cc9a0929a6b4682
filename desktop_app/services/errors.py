"""Errors whose message is written for the user (the CLI prints it, the UI shows it)."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request that cannot be carried out; ``str(exc)`` is the message."""
