"""Actions of the main window that change data: overrides (undoable), transitions, rescore."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.override_dialog import OverrideValues
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.account_table import COLUMN_KEYS
from desktop_app.ui.settings import Settings

TODAY = date(2026, 11, 24)


@pytest.fixture
def window(qtbot, demo_store: Store, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=TODAY)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    qtbot.waitUntil(lambda: w.docks.created, timeout=10000)
    yield w
    w.close()


def _band_cell(w: MainWindow, account_id: int) -> str:
    row = int(w.model.rows_for_accounts(np.array([account_id]))[0])
    return str(w.model.index(row, COLUMN_KEYS.index("band")).data())


def test_override_is_shown_and_undoable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    active = np.flatnonzero(window.book.computed_band == "Healthy/Stable")
    aid = int(window.book.account_id[active[0]])
    window.select_accounts(np.array([aid]))
    values = OverrideValues("Risky/Unstable", "Relationship known to CSM", "Admin leaving", None)
    replaced: list[int] = []
    window.state.bookReplaced.connect(lambda: replaced.append(1))
    with qtbot.waitSignal(window.state.accountsChanged, timeout=10000) as changed:
        window.acts.push_override(aid, values)
    assert changed.args[0].tolist() == [aid]  # only the edited account was reloaded
    assert replaced == []
    assert _band_cell(window, aid) == "Risky/Unstable ✎"
    i = window.book.index_of(aid)
    assert window.book.computed_band[i] == "Healthy/Stable"  # computed value kept beside it
    assert window.selected_ids.tolist() == [aid]  # selection survives the refresh
    with qtbot.waitSignal(window.state.accountsChanged, timeout=10000):
        window.undo_stack.undo()
    assert _band_cell(window, aid) == "Healthy/Stable"
    with qtbot.waitSignal(window.state.accountsChanged, timeout=10000):
        window.undo_stack.redo()
    assert _band_cell(window, aid) == "Risky/Unstable ✎"


def test_transition_wizard_opens_on_the_selection(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ids = window.book.account_id[:3]
    window.select_accounts(ids)
    window.acts.transition.trigger()
    wizards = [
        w
        for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "TransitionWizard" and w.isVisible()
    ]
    assert len(wizards) == 1
    assert sorted(wizards[0].accounts_page.account_ids) == sorted(ids.tolist())
    wizards[0].reject()


def test_rescore_refreshes_the_book(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.bookLoaded, timeout=30000):
        window.acts.rescore.trigger()
    assert np.isfinite(window.book.health_score).sum() > 200


def test_overrides_list_dialog_clears_with_undo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.ui.dialogs.overrides_list import OverridesListDialog

    active = np.flatnonzero(window.book.computed_band == "Healthy/Stable")
    aid = int(window.book.account_id[active[0]])
    values = OverrideValues("Escalation", "Open escalation elsewhere", "", None)
    with qtbot.waitSignal(window.state.accountsChanged, timeout=10000):
        window.acts.push_override(aid, values)
    window.acts.overrides.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, OverridesListDialog))
    assert dialog.summary.text() == "Reading the active overrides…"  # shown, list on a worker
    assert not dialog.clear_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)
    assert dialog.model.rowCount() == 1
    assert dialog.model.rows[0].account_id == aid
    assert dialog.clear_button.isEnabled()
    dialog.table.selectRow(0)
    with qtbot.waitSignal(window.state.accountsChanged, timeout=5000):
        dialog.clear_selected()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)
    assert dialog.model.rowCount() == 0
    assert _band_cell(window, aid) == "Healthy/Stable"
    with qtbot.waitSignal(window.state.accountsChanged, timeout=5000):
        window.undo_stack.undo()
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)
    assert dialog.model.rowCount() == 1
    assert _band_cell(window, aid) == "Escalation ✎"
    dialog.close()


def test_team_and_retention_views_open_from_the_menu(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.acts.team.trigger()
    window.acts.retention.trigger()
    names = {type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()}
    assert {"TeamView", "RetentionView"} <= names
    team = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "TeamView")
    qtbot.waitUntil(lambda: not team.loading(), timeout=10000)
    aid = int(window.book.account_id[42])
    team.accountRequested.emit(aid)
    assert window.selected_ids.tolist() == [aid]
    for w in QApplication.topLevelWidgets():
        if type(w).__name__ in {"TeamView", "RetentionView"}:
            w.close()


def test_rescore_shows_progress_and_can_be_cancelled(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    def scores() -> list[tuple[int, float]]:
        with window.store.engine.connect() as conn:
            return list(conn.execute(text("select account_id, score from health_scores")))

    before = scores()
    window.acts.rescore.trigger()
    progress = window.task_progress
    worker = progress.worker
    assert worker is not None
    assert progress.isVisible()
    with qtbot.waitSignal(worker.signals.cancelled, timeout=30000):
        progress.cancel()
    assert not progress.isVisible()
    assert scores() == before


def test_worklist_opens_and_selects_the_account(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.acts.worklist.trigger()
    view = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "WorklistView")
    assert view.isVisible()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)  # read on a worker
    rows = view.rows()
    assert rows
    view.accountRequested.emit(rows[0].account_id)
    assert window.selected_ids.tolist() == [rows[0].account_id]
    view.close()


def test_review_dialog_opens_from_the_file_menu(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.acts.review.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "ReviewDialog")
    assert dialog.isVisible()
    # The names for "Link to" come from the window's book, not from a second read of it.
    assert not dialog._reading_accounts
    assert dialog.account.completer().model().rowCount() == len(set(window.book.name))
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)
    dialog.close()


def test_resume_reads_the_saved_transitions_on_a_worker(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    from desktop_app.services.transitions.workflow import create_transition
    from tests.transition_helpers import RECEIVER, movable_accounts, settle

    tid = create_transition(window.store, movable_accounts(window.store, 2), RECEIVER, "Lee")
    asked: list[list[str]] = []

    def pick(_parent, _title, _label, labels, *_a):  # type: ignore[no-untyped-def]
        asked.append(list(labels))
        return labels[0], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.acts.resume_transition.trigger()
    assert asked == []  # the list is read on a worker first: nothing asked yet
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert asked[0][0].startswith(f"#{tid} ")
    wizard = next(
        w for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "TransitionWizard" and w.isVisible()
    )  # fmt: skip
    settle(qtbot, wizard)
    assert wizard.transition_id == tid
    assert wizard.items_page.items_model.rowCount() == 2
    wizard.reject()


def test_a_database_is_opened_on_a_worker(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "fresh.db"  # created and migrated by the worker
    with qtbot.waitSignal(window.bookLoaded, timeout=20000):
        assert window.acts.open_path(str(target))
        assert window.statusBar().currentMessage() == f"Opening {target}…"
        assert window.store.location != str(target)  # not switched until it is open
    assert window.store.location == str(target)
    assert len(window.state.book) == 0
    assert window.settings.get("last_database") == str(target)
