"""The handoff brief PDF (QPdfWriter + QTextDocument) and the undo commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from desktop_app.services.transitions import create_transition, load_transition, owner_history
from desktop_app.services.transitions_brief import brief_data
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm
from desktop_app.ui.brief_pdf import brief_html, write_brief_pdf
from desktop_app.ui.undo.transition import (
    ExecuteTransitionCommand,
    SetChecklistItemCommand,
    SetScenarioCommand,
)


def _ids(store: Store, n: int) -> list[int]:
    with store.sessions() as s:
        rid = s.scalar(select(Csm.id).where(Csm.full_name == "Alicia Chen"))
        return list(
            s.scalars(
                select(Account.id).where(Account.owner_id != rid).order_by(Account.id).limit(n)
            )
        )


def test_brief_pdf_has_pages(qapp, demo_store: Store, tmp_path: Path, today: date) -> None:
    ids = _ids(demo_store, 3)
    create_transition(demo_store, ids, "Alicia Chen")
    briefs = [brief_data(demo_store, a, today=today) for a in ids]
    html = brief_html(briefs[0])
    assert briefs[0].account_name in html
    assert "Account analysis checklist" in html
    path = tmp_path / "brief.pdf"
    pages = write_brief_pdf(briefs, path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert pages >= 3
    assert len(data) > 5_000


def test_commands_undo_redo(qapp, demo_store: Store, today: date) -> None:
    ids = _ids(demo_store, 2)
    tid = create_transition(demo_store, ids, "Alicia Chen", "Grace Lee")
    item = load_transition(demo_store, tid).items[0]
    changes: list[int] = []
    stack = QUndoStack()
    stack.push(
        SetChecklistItemCommand(
            demo_store, item.item_id, "other_pocs", True, "two", on_change=lambda: changes.append(1)
        )
    )
    got = {c.key: c for c in load_transition(demo_store, tid).items[0].checklist}["other_pocs"]
    assert got.done
    assert got.answer == "two"
    stack.undo()
    got = {c.key: c for c in load_transition(demo_store, tid).items[0].checklist}["other_pocs"]
    assert not got.done
    assert got.answer == item.checklist[1].answer
    stack.redo()
    assert load_transition(demo_store, tid).items[0].progress > 0
    assert len(changes) == 3

    errors: list[str] = []
    stack.push(
        SetScenarioCommand(demo_store, item.item_id, "Fresh Start", "", on_error=errors.append)
    )
    assert errors
    assert "reason" in errors[0]
    stack.push(SetScenarioCommand(demo_store, item.item_id, "Fresh Start", "Admin asked"))
    assert load_transition(demo_store, tid).items[0].scenario == "Fresh Start"
    stack.undo()
    assert load_transition(demo_store, tid).items[0].scenario == item.scenario

    stack.push(ExecuteTransitionCommand(demo_store, tid, today))
    assert owner_history(demo_store, ids[0])[0].new_owner == "Alicia Chen"
    stack.undo()
    assert owner_history(demo_store, ids[0]) == []
    assert load_transition(demo_store, tid).status == "draft"
    stack.redo()
    assert load_transition(demo_store, tid).status == "done"
