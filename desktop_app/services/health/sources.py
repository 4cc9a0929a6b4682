"""Which sources and fields the book has: what the health score may rest on.

A source counts as imported when the book holds at least one of its rows (one non-blank value
for a field such as contacts' reply dates). Deriving it from the data, rather than from a log
of imports, keeps it right after a rollback and for books written by the demo or older
versions. Everything downstream treats an absent source as *missing*, never as zero. The
query itself is the book reader's (``store.book_reader.read_sources``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.domain.sources import SOURCE_LABELS
from desktop_app.store.book_reader import read_sources

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.engine import Store

__all__ = ["SOURCE_LABELS", "book_sources", "load_sources"]


def book_sources(session: Session) -> frozenset[str]:
    """The keys of ``SOURCE_LABELS`` the book has data for (one query)."""
    return read_sources(session.connection())


def load_sources(store: Store) -> frozenset[str]:
    """``book_sources`` in its own session."""
    with store.sessions() as session:
        return book_sources(session)
