"""The review dialog on real imports: accept, dismiss, undo, filters, export, empty state."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from desktop_app.services.book.records import account_records
from desktop_app.services.importing.batch import import_files
from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.review_dialog import EMPTY_TEXT, ReviewDialog
from tests.services.test_review import write_accounts, write_jira


@pytest.fixture
def imported(store: Store, tmp_path: Path) -> Store:
    import_files(store, [write_accounts(tmp_path / "accounts.xlsx")])
    import_files(store, [write_jira(tmp_path / "jira.csv")])
    return store


def make(qtbot: QtBot, store: Store, stack: QUndoStack | None = None) -> ReviewDialog:
    dialog = ReviewDialog(store, undo_stack=stack)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    return dialog


def settle(qtbot: QtBot, dialog: ReviewDialog) -> None:
    """Wait for the reads and writes the dialog runs on workers."""
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)


def open_tickets(store: Store) -> dict[str, int]:
    return {r.name: r.open_tickets for r in account_records(store)}


def test_lists_rows_and_prefills_the_candidate(qtbot: QtBot, imported: Store) -> None:
    d = make(qtbot, imported)
    assert [(r.kind, r.key_value) for r in d.visible_rows()] == [
        ("fuzzy", "ACME corp inc."), ("unmatched", "Unknown Org")
    ]  # fmt: skip
    assert d.count.text() == "2 rows to review (1 fuzzy, 1 unmatched)"
    assert d.current() == d.visible_rows()[0]
    assert d.account.text() == "Acme Corp"
    d.kind_filter.setCurrentIndex(d.kind_filter.findData("unmatched"))
    assert [r.kind for r in d.visible_rows()] == ["unmatched"]
    assert d.count.text().endswith("; showing 1")
    assert d.account.text() == ""
    assert d.model.data(d.model.index(0, 4)) == "Unknown Org"


def test_accept_fuzzy_emits_changed_and_links_the_row(qtbot: QtBot, imported: Store) -> None:
    d = make(qtbot, imported)
    with qtbot.waitSignal(d.changed, timeout=5000):
        d.accept_button.click()
        assert d.status.text() == "Linking row 3 of jira.csv…"  # on the writer
        assert not d.accept_button.isEnabled()  # no second click meanwhile
    settle(qtbot, d)
    assert open_tickets(imported)["Acme Corp"] == 2
    assert [r.kind for r in d.visible_rows()] == ["unmatched"]
    assert "linked to Acme Corp" in d.status.text()


def test_accept_unmatched_needs_an_account(qtbot: QtBot, imported: Store) -> None:
    d = make(qtbot, imported)
    d.table.selectRow(1)
    assert d.current() is not None
    assert d.current().kind == "unmatched"  # type: ignore[union-attr]
    with qtbot.assertNotEmitted(d.changed):
        d.accept_button.click()
    assert "Pick an account" in d.status.text()
    d.account.setText("summit health PARTNERS")
    with qtbot.waitSignal(d.changed, timeout=5000):
        d.accept_button.click()
    settle(qtbot, d)
    assert open_tickets(imported)["Summit Health Partners"] == 1


def test_dismiss_is_undoable_and_the_list_ends_empty(qtbot: QtBot, imported: Store) -> None:
    stack = QUndoStack()
    d = make(qtbot, imported, stack)
    d.dismiss_button.click()
    settle(qtbot, d)
    assert [r.kind for r in d.visible_rows()] == ["unmatched"]
    assert stack.undoText().startswith("Dismiss review row 3 of jira.csv")
    stack.undo()
    settle(qtbot, d)
    assert [r.kind for r in d.visible_rows()] == ["fuzzy", "unmatched"]
    stack.redo()
    settle(qtbot, d)
    d.dismiss_button.click()
    settle(qtbot, d)
    assert d.visible_rows() == []
    assert d.stack.currentWidget() is d.empty
    assert d.empty.text() == EMPTY_TEXT
    assert not d.accept_button.isEnabled()
    assert open_tickets(imported)["Acme Corp"] == 1  # dismissing stores nothing


def test_empty_book_shows_the_empty_state(qtbot: QtBot, store: Store) -> None:
    d = make(qtbot, store)
    assert d.stack.currentWidget() is d.empty
    assert d.count.text() == "0 rows to review (0 fuzzy, 0 unmatched)"


def test_export_writes_the_rows_shown(qtbot: QtBot, imported: Store, tmp_path: Path) -> None:
    d = make(qtbot, imported)
    d.kind_filter.setCurrentIndex(d.kind_filter.findData("fuzzy"))
    out = tmp_path / "review.csv"
    d.export_to(str(out))
    assert d.status.text() == "Exporting 1 rows…"  # written on a worker
    settle(qtbot, d)
    assert d.status.text() == f"1 rows exported to {out}."
    with out.open(newline="", encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh))
    assert [r[6] for r in got[1:]] == ["ACME corp inc."]


def test_the_dialog_shows_at_once_and_the_rows_follow(qtbot: QtBot, imported: Store) -> None:
    d = ReviewDialog(imported)
    qtbot.addWidget(d)
    d.show()
    assert d.loading()
    assert d.count.text() == "Reading the rows to review…"
    assert d.visible_rows() == []
    assert d.kind_filter.count() == 3
    settle(qtbot, d)
    assert [r.kind for r in d.visible_rows()] == ["fuzzy", "unmatched"]
    assert d.account.text() == "Acme Corp"
    assert d.account.completer().model().rowCount() == len(account_records(imported))


def test_the_window_book_feeds_the_names_without_a_read(qtbot: QtBot, imported: Store) -> None:
    from desktop_app.services.book.portfolio import load_accounts
    from desktop_app.ui.book_state import BookState

    state = BookState()
    state.replace_book(load_accounts(imported))
    d = ReviewDialog(imported, state=state)
    qtbot.addWidget(d)
    assert not d._reading_accounts  # from the window's book: nothing to read
    assert d.account_id_for("acme corp") is not None
    settle(qtbot, d)
    assert d.account.text() == "Acme Corp"


def test_a_dismiss_of_a_row_gone_meanwhile_says_why(qtbot: QtBot, imported: Store) -> None:
    from desktop_app.services.importing.review import dismiss

    d = make(qtbot, imported)
    dismiss(imported, d.current().id)  # type: ignore[union-attr]  # behind the dialog's back
    d.dismiss_button.click()
    settle(qtbot, d)
    assert "not open" in d.status.text() or "resolved" in d.status.text(), d.status.text()
    assert [r.kind for r in d.visible_rows()] == ["unmatched"]  # read again


def test_render_png(qtbot: QtBot, imported: Store, tmp_path: Path) -> None:
    d = make(qtbot, imported)
    d.resize(1000, 420)
    qtbot.waitExposed(d)
    target = Path(os.environ.get("REVIEW_SHOT_DIR", str(tmp_path))) / "review_dialog.png"
    assert d.grab().save(str(target))
    assert target.stat().st_size > 0
