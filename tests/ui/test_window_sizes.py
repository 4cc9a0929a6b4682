"""Every window opens within the available screen and reopens at the user's size."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

from desktop_app.store.engine import Store
from desktop_app.ui.geometry import fitted_size, remember_size
from desktop_app.ui.settings import Settings
from desktop_app.ui.workers import wait_all


def _dialogs(store: Store, today: date) -> dict[str, object]:
    from desktop_app.ui.dialogs.import_history import ImportHistoryDialog
    from desktop_app.ui.dialogs.import_wizard import ImportWizard
    from desktop_app.ui.dialogs.overrides_list import OverridesListDialog
    from desktop_app.ui.dialogs.retention_view import RetentionView
    from desktop_app.ui.dialogs.review_dialog import ReviewDialog
    from desktop_app.ui.dialogs.scorecard_editor import ScorecardEditor
    from desktop_app.ui.dialogs.team_view import TeamView
    from desktop_app.ui.dialogs.transition_wizard import TransitionWizard
    from desktop_app.ui.dialogs.validation_view import ValidationView
    from desktop_app.ui.dialogs.worklist_view import WorklistView

    return {
        "team": TeamView(store, today=today),
        "worklist": WorklistView(store, today=today),
        "retention": RetentionView(store, today=today),
        "validation": ValidationView(store),
        "scorecard": ScorecardEditor(store),
        "review": ReviewDialog(store),
        "overrides": OverridesListDialog(store),
        "import_history": ImportHistoryDialog(store),
        "import_wizard": ImportWizard(store, None),
        "transition": TransitionWizard(store, [], today=today),
    }


def test_fitted_size_on_a_1280_laptop() -> None:
    laptop = QRect(0, 0, 1280, 760)  # 1280x800 minus a task bar
    assert fitted_size(QSize(1400, 780), laptop) == QSize(1203, 684)
    assert fitted_size(QSize(1440, 700), laptop) == QSize(1203, 684)
    assert fitted_size(QSize(900, 420), laptop) == QSize(900, 420)  # never grown


def test_every_dialog_fits_the_screen(qtbot, demo_store: Store, today: date) -> None:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    wanted_wider_than_screen = 0
    dialogs = _dialogs(demo_store, today)
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        size = dialog.size()
        assert size.width() <= screen.width(), name
        assert size.height() <= screen.height(), name
        wanted_wider_than_screen += size.width() >= int(screen.width() * 0.94)
    assert wanted_wider_than_screen >= 2  # the offscreen screen is narrower than they wanted
    for dialog in dialogs.values():  # each reads on workers as it opens: let them finish
        if hasattr(dialog, "loading"):
            qtbot.waitUntil(lambda d=dialog: not d.loading(), timeout=30000)
    assert wait_all(30000)


def test_a_dialog_reopens_at_the_users_size(
    qtbot, demo_store: Store, today: date, tmp_path: Path
) -> None:
    from desktop_app.ui.dialogs.team_view import TeamView

    settings = Settings(tmp_path / "settings.ini")
    first = TeamView(demo_store, today=today)
    qtbot.addWidget(first)
    remember_size(first, settings, "team")
    first.show()
    first.resize(610, 455)
    qtbot.waitUntil(lambda: not first.loading(), timeout=10000)  # summaries, then an agenda
    first.close()
    second = TeamView(demo_store, today=today)
    qtbot.addWidget(second)
    assert second.size() != QSize(610, 455)
    remember_size(second, settings, "team")
    assert second.size() == QSize(610, 455)
    qtbot.waitUntil(lambda: not second.loading(), timeout=10000)


@pytest.mark.parametrize("name", ["worklist", "team"])
def test_main_window_opens_dialogs_within_the_screen(
    qtbot, name: str, demo_store: Store, tmp_path: Path, today: date
) -> None:
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(demo_store, Settings(tmp_path / "s.ini"), today=today)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bookLoaded, timeout=10000):
        window.show()
    qtbot.waitUntil(lambda: window.docks.created, timeout=10000)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    # The offscreen screen is 800 px wide; the window's own minimum must fit a 1280 laptop.
    assert window.minimumSizeHint().width() <= 1280 * 0.94
    assert window.width() <= max(screen.width(), window.minimumSizeHint().width())
    assert window.height() <= screen.height()
    action = {"worklist": window.acts.worklist, "team": window.acts.team}[name]
    before = set(window.findChildren(object))
    action.trigger()
    opened = [w for w in window.findChildren(object) if w not in before and hasattr(w, "isModal")]
    assert opened
    dialog = opened[0]
    assert dialog.width() <= screen.width()
    assert dialog.height() <= screen.height()
    dialog.close()
    window.close()
