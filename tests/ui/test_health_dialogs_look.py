"""How the health dialogs present: light charts, readable dates, the reason behind a band."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from sqlalchemy import select

from desktop_app.services.health.scoring import explain, set_override
from desktop_app.services.health.validation import validate
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, HealthScore
from desktop_app.ui.dialogs.override_dialog import OverrideDialog, top_reason
from desktop_app.ui.dialogs.validation_view import ValidationView


def _lowest_scored(store: Store) -> int:
    with store.sessions() as s:
        return int(s.execute(select(HealthScore.account_id).order_by(HealthScore.score)).first()[0])


def _churned(store: Store) -> int:
    with store.sessions() as s:
        scored = select(HealthScore.account_id)
        return int(
            s.scalars(
                select(Account.id)
                .where(Account.lifecycle == "churned", Account.id.not_in(scored))
                .limit(1)
            ).one()
        )


def test_validation_charts_are_light_and_titles_fit(qtbot, demo_store: Store, today: date) -> None:
    view = ValidationView(demo_store, report=validate(demo_store, as_of=today))
    qtbot.addWidget(view)
    view.resize(900, 650)
    view.show()
    qtbot.waitExposed(view)
    for plot in (view.band_plot, view.decile_plot):
        assert plot.backgroundBrush().color().name() == "#ffffff"
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            assert axis.pen().color().lightness() < 100
            assert axis.textPen().color().lightness() < 100
        title = plot.getPlotItem().titleLabel
        drawn = title.item.mapRectToScene(title.item.boundingRect())
        assert drawn.left() >= 0  # the whole title is inside the chart, nothing clipped
        assert drawn.right() <= plot.viewport().width()
    assert "(1 = lowest)" in view.decile_plot.getPlotItem().titleLabel.text
    ticks = view.decile_plot.getAxis("bottom")._tickLevels[0]
    assert [t[1] for t in ticks] == [str(d) for d, _n, _r in view.report.churn_by_decile]


def test_override_dialog_titles_dates_and_reason(qtbot, demo_store: Store) -> None:
    aid = _lowest_scored(demo_store)
    with demo_store.sessions() as s:
        name = s.scalar(select(Account.name).where(Account.id == aid))
    set_override(demo_store, aid, "Healthy/Stable", "Other", None, "Tom")
    dlg = OverrideDialog(demo_store, aid)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: not dlg.loading(), timeout=10000)
    assert dlg.windowTitle() == f"Override health band — {name}"
    dlg.expiry_edit.setDate(QDate(2027, 2, 22))
    assert dlg.expiry_edit.displayFormat() == "yyyy-MM-dd"
    assert dlg.expiry_edit.text() == "2027-02-22"
    ex = explain(demo_store, aid)
    assert ex is not None
    line = ex.dragging_line
    assert line is not None
    assert line.label in dlg.reason_label.text()
    assert f"{line.lost:.1f}" in dlg.reason_label.text()
    assert "Currently overridden to <b>Healthy/Stable</b>" in dlg.computed_label.text()
    # the measure named is the one costing most points
    assert line.lost == max(ln.lost for ln in ex.lines)


def test_override_dialog_for_an_unscored_account(qtbot, demo_store: Store) -> None:
    dlg = OverrideDialog(demo_store, _churned(demo_store))
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: not dlg.loading(), timeout=10000)
    assert dlg.explanation is None
    assert "not scored" in dlg.computed_label.text()
    assert dlg.reason_label.text().startswith("Not scored")
    assert top_reason(None) == dlg.reason_label.text()


def test_scorecard_preview_empty_state(qtbot, demo_store: Store) -> None:
    from PySide6.QtCore import Qt

    from desktop_app.ui.dialogs.scorecard_editor import NO_CHANGE_TEXT, ScorecardEditor

    dlg = ScorecardEditor(demo_store)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.previewer is not None, timeout=10000)  # read on a worker
    dlg.show()
    model = dlg.model

    def set_weight(group: str, value: int) -> bool:
        return model.setData(model.index(model.row_of("group", group), 1), value)

    assert dlg.preview_model.rowCount() == 0
    assert dlg.preview_stack.currentWidget() is dlg.preview_empty
    assert dlg.preview_empty.text() == NO_CHANGE_TEXT
    assert dlg.preview_empty.isVisible()
    assert not dlg.preview_table.isVisible()
    assert set_weight("usage", 20)  # weights no longer sum to 100
    assert dlg.preview_stack.currentWidget() is dlg.preview_empty
    assert dlg.preview_empty.text().startswith("Fix the scorecard")
    assert set_weight("nps", 30)  # 100 again (usage 40 -> 20, NPS 10 -> 30): bands change
    assert dlg.preview_model.rowCount() > 0
    assert dlg.preview_stack.currentWidget() is dlg.preview_table
    assert dlg.preview_table.isVisible()
    assert dlg.preview_empty.alignment() & Qt.AlignmentFlag.AlignCenter
