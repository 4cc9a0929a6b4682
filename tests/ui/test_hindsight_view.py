"""Hindsight view: the headline and tables agree with the service; the period drives it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from desktop_app.services.managers.hindsight import did_we_see_it_coming
from desktop_app.ui.dialogs.hindsight_view import HindsightView


def test_hindsight_view_matches_the_service(qtbot, demo_store, today):
    v = HindsightView(demo_store, today=today)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    h = did_we_see_it_coming(demo_store, date(2025, 11, 24), today)
    assert v.headline.text() == f"{h.headline}."
    assert v.cases.rowCount() == len(h.cases) > 0
    assert sum(r.churned for r in v.owners.rows) == len(h.cases)
    assert sum(r.seen for r in v.owners.rows) == h.seen
    seen_col = v.cases.columnCount() - 1
    shown = [v.cases.data(v.cases.index(i, seen_col)) for i in range(v.cases.rowCount())]
    assert shown.count("yes") == h.seen
    v.start_edit.setDate(QDate(2026, 10, 1))
    qtbot.waitUntil(lambda: not v.loading(), timeout=10000)
    assert all(c.churn_date >= date(2026, 10, 1) for c in v.cases.rows)
    assert v.cases.rowCount() < len(h.cases)
