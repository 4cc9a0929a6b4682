"""Two people override the same account: the second save is refused as stale, and one dialog
shows who changed it, when and to what, beside the user's own value; the user re-applies
theirs or keeps the other's.

The other client is a second connection to the same database (its own ``Store``), writing
while this window's override dialog is open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.services.database import open_database
from desktop_app.services.health.overrides import active_overrides, set_override
from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.override_dialog import OverrideDialog
from desktop_app.ui.dialogs.stale_edit_dialog import StaleEditDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings

MINE, THEIRS = "Healthy/Stable", "Escalation"


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    settings = Settings(tmp_path / "settings.ini")
    settings.set("user_name", "Holly Grant")
    w = MainWindow(open_database(demo_path), settings)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    yield w
    w.close()


@pytest.fixture
def other_client(demo_path: Path) -> Iterator[Store]:
    store = open_database(demo_path)
    yield store
    store.dispose()


def _top(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _stale_dialog_after_a_race(
    qtbot: QtBot, window: MainWindow, other: Store
) -> tuple[int, int, StaleEditDialog]:
    aid = int(window.book.account_id[7])
    window.acts.override_band(aid)
    (dialog,) = _top(OverrideDialog)
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=10000)  # read on a worker
    dialog.band_combo.setCurrentText(MINE)
    dialog.note_edit.setPlainText("renewal signed on Friday")
    # Meanwhile the other client saves first.
    theirs = set_override(other, aid, THEIRS, "Other", "CEO escalated", "Tom Whitaker")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: len(_top(StaleEditDialog)) == 1, timeout=10000)
    (stale,) = _top(StaleEditDialog)
    return aid, theirs, stale


def test_a_stale_override_shows_theirs_and_mine_and_reapplies_mine(
    qtbot: QtBot, window: MainWindow, other_client: Store
) -> None:
    aid, theirs, stale = _stale_dialog_after_a_race(qtbot, window, other_client)
    assert "Tom Whitaker" in stale.heading.text()  # who
    assert stale.stale.when is not None
    assert f"{stale.stale.when:%Y-%m-%d}" in stale.heading.text()  # when
    assert THEIRS in stale.theirs_label.text()  # what is there now
    assert "CEO escalated" in stale.theirs_label.text()
    assert MINE in stale.mine_label.text()
    assert "renewal signed on Friday" in stale.mine_label.text()
    # Nothing of the user's was written yet: theirs is the active override.
    assert [(o.id, o.band) for o in active_overrides(other_client)] == [(theirs, THEIRS)]
    stale.apply_button.click()
    qtbot.waitUntil(
        lambda: [o.band for o in active_overrides(other_client)] == [MINE], timeout=10000
    )
    (mine,) = active_overrides(other_client)
    assert (mine.author, mine.note) == ("Holly Grant", "renewal signed on Friday")
    row = int(window.state.rows_of([aid])[0])
    qtbot.waitUntil(lambda: window.book.override_band[row] == MINE, timeout=10000)
    # Undo brings back what was there before the user's write: the other client's.
    window.undo_stack.undo()
    qtbot.waitUntil(
        lambda: [(o.id, o.band) for o in active_overrides(other_client)] == [(theirs, THEIRS)],
        timeout=10000,
    )


def test_keeping_theirs_writes_nothing_and_shows_theirs(
    qtbot: QtBot, window: MainWindow, other_client: Store
) -> None:
    aid, theirs, stale = _stale_dialog_after_a_race(qtbot, window, other_client)
    stale.keep_button.click()
    row = int(window.state.rows_of([aid])[0])
    qtbot.waitUntil(lambda: window.book.override_band[row] == THEIRS, timeout=10000)
    assert [(o.id, o.band) for o in active_overrides(other_client)] == [(theirs, THEIRS)]
    window.undo_stack.undo()  # the dropped edit: undoing it touches nothing
    window.undo_stack.redo()
    qtbot.wait(200)
    from desktop_app.ui import workers

    assert workers.wait_all(5000)
    assert [(o.id, o.band) for o in active_overrides(other_client)] == [(theirs, THEIRS)]


def test_two_wizards_answer_the_same_checklist_item(
    qtbot: QtBot, demo_path: Path, other_client: Store
) -> None:
    """Two clients resume one hand-off; the second answer of the same question is refused
    with the first shown, and "Apply mine" writes it on top."""
    from desktop_app.services.transitions.workflow import create_transition, load_transition
    from desktop_app.ui.dialogs.transition_wizard import TransitionWizard
    from tests.transition_helpers import RECEIVER, movable_accounts, settle

    ids = movable_accounts(other_client, 2)
    tid = create_transition(other_client, ids, RECEIVER, None, "Leave cover")
    mine_store = open_database(demo_path)
    wizards = []
    for store in (mine_store, other_client):
        w = TransitionWizard.resume(store, tid)
        qtbot.addWidget(w)
        w.show()
        settle(qtbot, w)  # the wizard reads the transition on a worker
        w.items_page.select_row(0)
        wizards.append(w)
    mine, theirs = wizards
    key = load_transition(other_client, tid).items[0].checklist[0].key
    theirs.edit_checklist(key, True, "Champion is the CFO")  # saved first
    mine.edit_checklist(key, False, "No champion yet")  # read before their save: stale
    (stale,) = _top(StaleEditDialog)
    assert "Champion is the CFO" in stale.theirs_label.text()
    assert "No champion yet" in stale.mine_label.text()
    assert load_transition(other_client, tid).items[0].checklist[0].answer == (
        "Champion is the CFO"
    )
    assert mine.undo_stack.count() == 0  # the refused edit left nothing to undo
    stale.apply_button.click()
    assert load_transition(other_client, tid).items[0].checklist[0].answer == "No champion yet"
    assert mine.undo_stack.count() == 1
    for w in wizards:
        settle(qtbot, w)
        w.close()
    mine_store.dispose()
