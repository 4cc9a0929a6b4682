"""The detail pane's health: the explained breakdown, the override badge, unscored accounts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.services.health.scoring import explain, history, set_override
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, HealthScore
from desktop_app.ui.formatting import measure_name
from desktop_app.ui.views.detail_pane import AccountDetailPane
from desktop_app.ui.widgets.health_breakdown import HealthBreakdownWidget, MeasureIdRole


def _lowest_scored(store: Store) -> int:
    with store.sessions() as s:
        return int(s.execute(select(HealthScore.account_id).order_by(HealthScore.score)).first()[0])


def _churned_unscored(store: Store) -> int:
    with store.sessions() as s:
        return int(
            s.scalars(
                select(Account.id)
                .where(Account.lifecycle == "churned")
                .where(Account.id.not_in(select(HealthScore.account_id)))
                .limit(1)
            ).one()
        )


def test_breakdown_explains_the_score(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    aid = _lowest_scored(demo_store)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    ex = explain(demo_store, aid)
    assert ex is not None
    widget = pane.breakdown
    assert isinstance(widget, HealthBreakdownWidget)
    assert widget.table.isVisible()
    m = widget.model
    assert m.rowCount() == len(ex.lines)
    for r, line in enumerate(ex.lines):
        # Short names in the cell, the scorecard's full label in the tooltip.
        assert m.index(r, 0).data() == measure_name(line.measure, line.label)
        assert line.label in m.index(r, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert m.index(r, 4).data() == f"{line.contribution:.1f}"
    highlighted = [
        m.index(r, 0).data(MeasureIdRole)
        for r in range(m.rowCount())
        if m.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    ]
    assert highlighted == [ex.dragging]
    assert f"({ex.confidence} measures)" in pane.breakdown_box.title()
    # every row is shown: the table is as tall as its rows, no inner scrolling
    assert widget.table.verticalScrollBar().maximum() == 0
    changes = history(demo_store, aid).changes
    if changes:
        assert widget.changes.isVisible()
        assert widget.changes.text().startswith("What changed since last month")
        labels = {ln.measure: ln.label for ln in ex.lines}
        assert labels[changes[0][0]] in widget.changes.text()
    else:
        assert not widget.changes.isVisible()


def test_changes_text_names_measures() -> None:
    assert HealthBreakdownWidget.changes_text([], None) == ""
    text = HealthBreakdownWidget.changes_text([("nps", -3.25), ("tickets", 1.0)], None)
    assert text == "What changed since last month (points): nps -3.2 · tickets +1.0"


def test_churned_account_shows_the_empty_state(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(_lowest_scored(demo_store))
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(_churned_unscored(demo_store))
    widget = pane.breakdown
    assert pane.explanation is None
    assert widget.model.rowCount() == 0
    assert not widget.table.isVisible()
    assert widget.summary.text() == "Not scored: churned accounts are not scored."
    assert not widget.changes.isVisible()
    assert pane.breakdown_box.title() == "Health breakdown"


def test_override_badge_beside_the_computed_band(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    aid = _lowest_scored(demo_store)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    header = pane.header
    assert not header.override_label.isVisible()
    computed = explain(demo_store, aid)
    assert computed is not None
    set_override(demo_store, aid, "Healthy/Stable", "Other", "They renewed early", "Tom")
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.refresh()
    assert header.override_label.isVisible()
    text = header.override_label.text()
    assert "OVERRIDE" in text
    assert "computed <span style='background:" in text
    assert computed.band.value in text
    assert "by Tom" in text
    assert header.override_label.toolTip() == "They renewed early"
    assert "Healthy/Stable" in header.band_label.text()


def test_pane_never_scrolls_sideways(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    aid = _lowest_scored(demo_store)
    set_override(demo_store, aid, "Healthy/Stable", "Relationship known to CSM", None, "Tom")
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    scroll = pane.findChild(QScrollArea)
    assert scroll is not None
    # the body's narrowest layout fits the dock's width, so no sideways scroll bar
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    qtbot.wait(20)
    assert scroll.horizontalScrollBar().maximum() == 0
