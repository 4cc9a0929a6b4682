"""Notes: add, delete, restore with the same id; bad input is a user error."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop_app.services.book.notes import add_note, delete_note, get_note, restore_note
from desktop_app.services.errors import UserError
from desktop_app.store.engine import Store
from desktop_app.store.schema import Note


def _count(store: Store, account_id: int) -> int:
    with store.sessions() as s:
        return int(s.scalar(select(func.count()).where(Note.account_id == account_id)) or 0)


def test_add_delete_restore_round_trip(demo_store: Store) -> None:
    before = _count(demo_store, 5)
    when = datetime(2026, 11, 24, 9, 30)
    nid = add_note(demo_store, 5, "  Called the POC  ", "Kim", "call", created_at=when)
    assert _count(demo_store, 5) == before + 1
    note = get_note(demo_store, nid)
    assert note is not None
    assert (note.body, note.author, note.kind, note.created_at) == (
        "Called the POC",
        "Kim",
        "call",
        when,
    )
    gone = delete_note(demo_store, nid)
    assert gone == note
    assert get_note(demo_store, nid) is None
    assert _count(demo_store, 5) == before
    assert delete_note(demo_store, nid) is None
    assert restore_note(demo_store, gone) == nid
    assert get_note(demo_store, nid) == note


@pytest.mark.parametrize(
    ("account_id", "body", "kind", "match"),
    [(5, "   ", "note", "text"), (5, "x", "fax", "kind"), (987654, "x", "note", "account")],
)
def test_bad_notes_are_user_errors(
    demo_store: Store, account_id: int, body: str, kind: str, match: str
) -> None:
    with pytest.raises(UserError, match=match):
        add_note(demo_store, account_id, body, "Kim", kind)
