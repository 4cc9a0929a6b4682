"""The handoff brief PDF (QPdfWriter + QTextDocument) and the undo commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from desktop_app.services.transitions.brief import brief_data
from desktop_app.services.transitions.workflow import (
    create_transition,
    load_transition,
    owner_history,
)
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


def _pdf_pages(path: Path) -> list[str]:
    """Each page's text, whitespace collapsed and ligatures ("ﬁ") unfolded (NFKC)."""
    import unicodedata

    from pypdf import PdfReader

    return [
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in PdfReader(path).pages
    ]


def test_brief_pdf_reads_like_a_document(
    qapp, demo_store: Store, tmp_path: Path, today: date
) -> None:
    from desktop_app.services.health.overrides import set_override
    from desktop_app.ui.formatting import money

    ids = _ids(demo_store, 4)
    set_override(demo_store, ids[1], "Risky/Unstable", "Admin leaving", "Told us on a call", "Pat")
    briefs = [brief_data(demo_store, a, today=today) for a in ids]
    assert all(b.band_reason for b in briefs)
    assert briefs[1].override is not None
    path = tmp_path / "brief.pdf"
    pages = write_brief_pdf(briefs, path)
    text = _pdf_pages(path)
    assert pages == len(text) == len(briefs)  # one account per page when it fits
    for brief, page in zip(briefs, text, strict=True):
        assert "{'" not in page
        assert "'raw'" not in page
        assert brief.account_name in page
        assert " ".join(brief.band_reason.split()) in page
        assert f"MRR {money(brief.mrr)}" in page
        assert "Seat utilisation" in page or "No measures yet" in page
    assert "(overridden)" in text[1]
    assert "Overridden to Risky/Unstable by Pat" in text[1]
    assert "(overridden)" not in text[0]
    assert all("." not in money(b.mrr) for b in briefs)  # whole dollars, "$14,084"
