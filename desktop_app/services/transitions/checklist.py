"""Checklist answers of a transition's accounts, with a row version against lost updates."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop_app.domain.transition import (
    CHECKLIST_KEYS,
    CHECKLIST_QUESTIONS,
    ChecklistItem,
    merge_checklist,
)
from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.services.team import announce
from desktop_app.store.engine import Store
from desktop_app.store.schema import TransitionItem

_BASE_CHECKLIST = tuple(ChecklistItem(k, s, q) for k, s, q in CHECKLIST_QUESTIONS)


def saved_items(text: str | None) -> list[dict[str, Any]]:
    """The answer rows (``ChecklistItem.to_dict``) stored in a ``checklist_json`` text."""
    data = json.loads(text) if text else {}
    return list(data.get("items", []))


def checklist_from_json(text: str | None) -> tuple[ChecklistItem, ...]:
    """The full checklist (every question) with the answers stored in ``text``."""
    return merge_checklist(_BASE_CHECKLIST, saved_items(text))


def _row(session: Session, item_id: int) -> TransitionItem:
    item = session.get(TransitionItem, item_id)
    if item is None:
        raise UserError(f"unknown transition item: {item_id}")
    return item


def set_checklist_item(
    store: Store,
    item_id: int,
    item_key: str,
    done: bool,
    answer: str | None,
    *,
    expected_version: int | None = None,
) -> ChecklistItem:
    """Set one checklist answer and tick exactly; returns the item as it was before.

    With ``expected_version`` (the item's ``version`` when the user read it), a write on top
    of someone else's newer save raises ``StaleEdit`` carrying the current answer.
    """
    if item_key not in CHECKLIST_KEYS:
        raise UserError(f"unknown checklist item: {item_key}")
    try:
        with store.sessions() as session, session.begin():
            item = _row(session, item_id)
            current = checklist_from_json(item.checklist_json)
            before = next(c for c in current if c.key == item_key)
            if expected_version is not None and item.version != expected_version:
                raise _stale_item(before, item.version)
            data: dict[str, Any] = json.loads(item.checklist_json) if item.checklist_json else {}
            rows = {str(d["key"]): d for d in data.get("items", [])}
            rows[item_key] = {"key": item_key, "answer": answer, "done": bool(done)}
            data["items"] = [rows[k] for k in CHECKLIST_KEYS if k in rows]
            item.checklist_json = json.dumps(data)
            session.flush()
            announce(session.connection(), [item.account_id])
            return before
    except StaleDataError:
        # Another client committed between our read and our write (the version check in
        # the UPDATE matched no row): report what it saved.
        with store.sessions() as session:
            item = _row(session, item_id)
            now = next(c for c in checklist_from_json(item.checklist_json) if c.key == item_key)
            raise _stale_item(now, item.version) from None


def _stale_item(now: ChecklistItem, version: int) -> StaleEdit:
    shown = now.answer or ("done" if now.done else "no answer")
    return StaleEdit(
        f"Someone else changed “{now.question}” since you opened it; it now reads: {shown}. "
        "Apply your answer again to replace it.",
        now,
        version,
        what=f"{now.question} {shown}",
    )
