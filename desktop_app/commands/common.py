"""Helpers shared by the CLI command modules: date arguments, JSON output, the store.

Services are imported lazily inside the functions (CLI start-up speed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.services.database import Store


def iso_date(text: str) -> date:
    """An argparse ``type``: a YYYY-MM-DD date, or a user-facing argument error."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


#: Items of a JSON list encoded and written together.
_JSON_CHUNK = 2000


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout; dates (and datetimes) in ISO format.

    A list prints one item per line, each through the C encoder: the indenting encoder is
    pure Python (5 s for 10k accounts; this takes a tenth of that).
    """
    encode = json.JSONEncoder(default=_json_default).encode
    if isinstance(data, list) and data:
        write = sys.stdout.write
        head = "[\n "
        for start in range(0, len(data), _JSON_CHUNK):  # never the whole text at once
            write(head + ",\n ".join([encode(item) for item in data[start : start + _JSON_CHUNK]]))
            head = ",\n "
        write("\n]\n")
        return
    json.dump(data, sys.stdout, indent=1, default=_json_default)
    sys.stdout.write("\n")


@contextmanager
def opened_store(location: str | None) -> Iterator[Store]:
    """Open (creating and migrating) the database at ``location``; dispose of it on exit."""
    from desktop_app.services.database import open_database

    store = open_database(location)
    try:
        yield store
    finally:
        store.dispose()


class WaitNotices:
    """A Progress for the CLI: silent, except that it says (once, on stderr) when it waits.

    Another client's import or rescoring holds the team database; the user should know why
    nothing happens.
    """

    def __init__(self) -> None:
        self._said: set[str] = set()

    def report(self, fraction: float, message: str = "") -> None:
        if message.startswith("Waiting") and message not in self._said:
            self._said.add(message)
            print(f"account-desk: {message}", file=sys.stderr, flush=True)

    def cancelled(self) -> bool:
        return False
