"""RetentionView: per-period table and NRR/GRR chart, scope and range, per-CSM table."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QDate, Qt

from desktop_app.services.health.validation import retention, retention_series
from desktop_app.ui.dialogs.retention_view import WHOLE_BOOK, RawRole, RetentionView, period_label


def _ready(qtbot, view):
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)


def _column(model, col, role=RawRole):
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def test_default_is_the_last_twelve_months_for_the_book(qtbot, qtmodeltester, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    _ready(qtbot, view)
    qtmodeltester.check(view.period_model)
    qtmodeltester.check(view.csm_model)
    assert view.date_range() == (date(2025, 11, 1), today)
    expected = retention_series(demo_store, date(2025, 11, 1), today, kind="month")
    m = view.period_model
    assert m.rowCount() == len(expected) == 13
    assert _column(m, 0, Qt.ItemDataRole.DisplayRole)[:2] == ["Nov 2025", "Dec 2025"]
    assert _column(m, 0, Qt.ItemDataRole.DisplayRole)[-1] == "Nov 2026*"
    assert _column(m, 1) == [r.logo_churn_rate for r in expected]
    assert _column(m, 5) == [r.n_start for r in expected]
    assert sum(_column(m, 6)) == sum(r.n_churned for r in expected) > 0
    _x, y = view.nrr_curve.getData()
    assert np.allclose(y, [100 * r.net_mrr_retention for r in expected])
    _x, g = view.grr_curve.getData()
    assert np.all(g <= y + 1e-9)  # gross never exceeds net
    assert np.all(g <= 100 + 1e-9)
    assert "Logo churn" in m.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "capped" in view.footnote.text()


def test_per_csm_table_adds_up_to_the_book(qtbot, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    _ready(qtbot, view)
    m = view.csm_model
    labels = _column(m, 0)
    assert labels[0] == WHOLE_BOOK
    assert len(labels) == 9  # the book plus eight CSMs
    n_start = _column(m, 5)
    churned = _column(m, 6)
    assert sum(n_start[1:]) == n_start[0] == retention(demo_store, date(2025, 11, 1), today).n_start
    assert sum(churned[1:]) == churned[0]


def test_quarter_and_scope(qtbot, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    _ready(qtbot, view)
    view.kind_combo.setCurrentIndex(1)
    view.scope_combo.setCurrentText("Daniel Reyes")
    # Changes are coalesced on a short timer.
    qtbot.waitUntil(lambda: "Daniel Reyes" in view.status.text(), timeout=3000)
    expected = retention_series(
        demo_store, date(2025, 11, 1), today, kind="quarter", owner="Daniel Reyes"
    )
    m = view.period_model
    assert _column(m, 0, Qt.ItemDataRole.DisplayRole) == [
        "Q4 2025*",
        "Q1 2026",
        "Q2 2026",
        "Q3 2026",
        "Q4 2026*",
    ]
    assert _column(m, 2) == [r.net_mrr_retention for r in expected]
    selected = view.csm_table.selectionModel().selectedRows()
    assert [view.csm_model.rows[i.row()][0] for i in selected] == ["Daniel Reyes"]


def test_a_backwards_range_shows_a_message_not_a_crash(qtbot, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    view.end_edit.setDate(QDate(2025, 6, 1))
    view.refresh()
    _ready(qtbot, view)
    assert "must end after it starts" in view.status.text()
    assert view.period_model.rowCount() == 0
    assert view.nrr_curve.getData()[1] is None or len(view.nrr_curve.getData()[1]) == 0


@pytest.mark.parametrize(
    ("start", "end", "kind", "label"),
    [
        (date(2026, 1, 1), date(2026, 2, 1), "month", "Jan 2026"),
        (date(2026, 1, 5), date(2026, 2, 1), "month", "Jan 2026*"),
        (date(2026, 4, 1), date(2026, 7, 1), "quarter", "Q2 2026"),
        (date(2026, 4, 1), date(2026, 6, 30), "quarter", "Q2 2026*"),
    ],
)
def test_period_label(start, end, kind, label):
    from desktop_app.domain.churn import RetentionFigures

    fig = RetentionFigures(start, end, 1, 0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0)
    assert period_label(fig, kind) == label


def test_empty_store(qtbot, store, today):
    view = RetentionView(store, today=today)
    qtbot.addWidget(view)
    _ready(qtbot, view)
    assert view.scope_combo.count() == 1
    assert all(n == 0 for n in _column(view.period_model, 5))
    assert _column(view.csm_model, 0) == [WHOLE_BOOK]
    # No subscription history is no data, said so: not a book that kept every account.
    assert "import a Recurly subscriptions export" in view.status.text()
    assert view.status.wordWrap()  # the note wraps rather than widening the view


def test_a_book_with_subscriptions_has_no_missing_data_note(qtbot, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    _ready(qtbot, view)
    assert "subscriptions export" not in view.status.text()


def test_the_view_opens_at_once_and_the_figures_follow(qtbot, demo_store, today):
    view = RetentionView(demo_store, today=today)
    qtbot.addWidget(view)
    view.show()
    # Shown before any figure is read: a loading line, empty tables, the controls usable.
    assert view.loading()
    assert view.status.text() == "Computing retention…"
    assert view.period_model.rowCount() == 0
    assert view.kind_combo.isEnabled()
    view.kind_combo.setCurrentIndex(1)  # input while reading is not lost: it wins
    _ready(qtbot, view)
    assert view.status.text().startswith("5 quarters")
    assert view.period_model.rowCount() == 5
    assert view.scope_combo.count() == 9  # the CSMs arrived with the first read
