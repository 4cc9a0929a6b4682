"""The Team menu's managers' entries open their views on the main window's store."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from desktop_app.ui.dialogs.alerts_view import AlertsView
from desktop_app.ui.dialogs.hindsight_view import HindsightView
from desktop_app.ui.dialogs.pack_export import PackExportDialog
from desktop_app.ui.dialogs.perception_view import PerceptionView
from desktop_app.ui.dialogs.plan_view import PlanView
from tests.ui.test_main_window import _open


@pytest.mark.parametrize(
    ("attr", "cls"),
    [
        ("plan", PlanView),
        ("alerts", AlertsView),
        ("hindsight", HindsightView),
        ("perception", PerceptionView),
        ("pack", PackExportDialog),
    ],
)
def test_team_menu_opens(qtbot, demo_store, tmp_path, attr, cls):
    w = _open(qtbot, demo_store, tmp_path / "settings.ini")
    action = getattr(w.acts.managers, attr)
    assert action in w.menuBar().actions()[-2].menu().actions()  # Team, before Help
    action.trigger()
    views = [d for d in w.findChildren(QDialog) if isinstance(d, cls)]
    assert len(views) == 1
    view = views[0]
    assert view.isVisible()
    assert view.store is demo_store
    if hasattr(view, "loading"):
        qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    view.close()
    w.close()
