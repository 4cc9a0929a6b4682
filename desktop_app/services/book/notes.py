"""Account notes: add, delete and restore (the pieces an undoable "Add note" needs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.services.team import announce
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Note

NOTE_KINDS: tuple[str, ...] = ("note", "call", "email", "meeting")


@dataclass(frozen=True)
class NoteRecord:
    """One note as stored (enough to put it back exactly after a delete)."""

    id: int
    account_id: int
    created_at: datetime
    author: str | None
    kind: str
    body: str
    batch_id: int | None = None


def add_note(
    store: Store,
    account_id: int,
    body: str,
    author: str | None = None,
    kind: str = "note",
    *,
    created_at: datetime | None = None,
) -> int:
    """Store a note on an account and return its id.

    Raises ``UserError`` for an empty body, an unknown kind or an unknown account.
    """
    text = body.strip()
    if not text:
        raise UserError("A note needs some text.")
    if kind not in NOTE_KINDS:
        raise UserError(f"Unknown note kind {kind!r} (use one of: {', '.join(NOTE_KINDS)}).")
    with store.sessions() as session, session.begin():
        if session.get(Account, account_id) is None:
            raise UserError(f"No account with id {account_id}.")
        note = Note(
            account_id=account_id,
            created_at=created_at or datetime.now().replace(microsecond=0),
            author=author,
            kind=kind,
            body=text,
        )
        session.add(note)
        session.flush()
        announce(session.connection(), [account_id])
        return int(note.id)


def get_note(store: Store, note_id: int) -> NoteRecord | None:
    """The note with ``note_id``, or None if it does not exist."""
    with store.sessions() as session:
        row = session.get(Note, note_id)
        return None if row is None else _record(row)


def delete_note(
    store: Store, note_id: int, *, expected_version: int | None = None
) -> NoteRecord | None:
    """Delete a note; returns what was deleted (for undo), None if it was already gone.

    With ``expected_version`` (the note's ``version`` when the user read it), a note someone
    changed since is not deleted: ``StaleEdit`` carries it as it is now.
    """
    with store.sessions() as session, session.begin():
        row = session.get(Note, note_id)
        if row is None:
            return None
        if expected_version is not None and row.version != expected_version:
            raise StaleEdit(
                f"Someone else changed this note since you read it; it now reads: {row.body}",
                _record(row),
                row.version,
                what=row.body,
                who=row.author,
                when=row.created_at,
            )
        rec = _record(row)
        session.delete(row)
        announce(session.connection(), [rec.account_id])
        return rec


def restore_note(store: Store, note: NoteRecord) -> int:
    """Put a deleted note back with its original id and values; returns the id.

    Raises ``UserError`` if its account no longer exists.
    """
    with store.sessions() as session, session.begin():
        if session.get(Account, note.account_id) is None:
            raise UserError(f"Account {note.account_id} no longer exists; the note cannot return.")
        existing = session.get(Note, note.id)
        if existing is not None:
            return int(existing.id)
        session.add(
            Note(
                id=note.id,
                account_id=note.account_id,
                created_at=note.created_at,
                author=note.author,
                kind=note.kind,
                body=note.body,
                batch_id=note.batch_id,
            )
        )
        return note.id


def _record(row: Note) -> NoteRecord:
    return NoteRecord(
        id=int(row.id),
        account_id=int(row.account_id),
        created_at=row.created_at,
        author=row.author,
        kind=row.kind,
        body=row.body,
        batch_id=row.batch_id,
    )
