"""TeamView: per-CSM rows with the team median, sorting, agenda, accountRequested."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from desktop_app.services.team.summary import csm_alerts, team_summary
from desktop_app.ui.dialogs.team_view import (
    MEDIAN_LABEL,
    AccountIdRole,
    IsMedianRole,
    RawRole,
    TeamView,
)


def _col(view, header: str) -> int:
    m = view.model
    for c in range(m.columnCount()):
        if m.headerData(c, Qt.Orientation.Horizontal) == header:
            return c
    raise AssertionError(header)


def test_rows_and_median(qtbot, qtmodeltester, demo_store, today):
    view = TeamView(demo_store, today=today)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)  # counted on a worker
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)
    qtmodeltester.check(view.alert_model)
    expected = team_summary(demo_store, today)
    m = view.model
    assert m.rowCount() == len(expected) + 1 == 9
    acc = _col(view, "Accounts")
    values = [m.data(m.index(r, acc), RawRole) for r in range(len(expected))]
    assert values == [r.accounts for r in expected]
    last = m.rowCount() - 1
    assert m.data(m.index(last, 0)) == MEDIAN_LABEL
    assert m.data(m.index(last, 0), IsMedianRole) is True
    assert m.data(m.index(last, acc), RawRole) == float(np.median(values))
    rate = _col(view, "Renewal\nrate")
    assert m.data(m.index(0, rate)).endswith("%")
    assert "Team median" in m.data(m.index(0, rate), Qt.ItemDataRole.ToolTipRole)
    band = _col(view, "Healthy/\nStable")
    assert m.data(m.index(0, band), RawRole) == expected[0].band_mix["Healthy/Stable"]
    # Neutral styling: only the median row gets a background, and no CSM row is tinted.
    assert all(m.data(m.index(r, acc), Qt.ItemDataRole.BackgroundRole) is None for r in range(8))


def test_sorting_keeps_the_median_last(qtbot, demo_store, today):
    view = TeamView(demo_store, today=today)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)  # counted on a worker
    qtbot.addWidget(view)
    acc = _col(view, "Accounts")
    p = view.proxy
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        view.table.sortByColumn(acc, order)
        values = [p.data(p.index(r, acc), RawRole) for r in range(p.rowCount() - 1)]
        assert values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)
        assert p.data(p.index(p.rowCount() - 1, 0), IsMedianRole) is True


def test_selecting_a_csm_lists_their_agenda_and_double_click_requests_the_account(
    qtbot, demo_store, today
):
    view = TeamView(demo_store, today=today)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)  # counted on a worker
    qtbot.addWidget(view)
    first = view.model.rows[0].csm
    assert view.selected_csm() == first
    assert view.alert_model.alerts == csm_alerts(demo_store, first, today)
    assert first in view.agenda_title.text()
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    view.table.selectRow(0)  # the proxy row: the last CSM by name
    csm = view.selected_csm()
    assert csm == view.model.rows[-1].csm
    # Read on a worker: the previous CSM's agenda is not left showing meanwhile.
    assert view.agenda_title.text() == f"Reading the agenda for {csm}…"
    assert view.alert_model.rowCount() == 0
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    alerts = view.alert_model.alerts
    assert alerts == csm_alerts(demo_store, csm, today)
    assert alerts
    index = view.alert_model.index(0, 1)
    with qtbot.waitSignal(view.accountRequested, timeout=2000) as blocker:
        view.alert_table.doubleClicked.emit(index)
    assert blocker.args == [alerts[0].account_id]
    assert view.alert_model.data(index, AccountIdRole) == alerts[0].account_id
    view.table.selectRow(view.proxy.rowCount() - 1)  # the median row: no agenda
    assert view.selected_csm() is None
    assert view.alert_model.rowCount() == 0
    view.table.selectRow(0)  # read before: shown from the cache at once
    assert view.alert_model.alerts == alerts
    assert not view.loading()


def test_a_quick_second_click_shows_the_agenda_of_the_csm_clicked_last(qtbot, demo_store, today):
    view = TeamView(demo_store, today=today)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    view.table.selectRow(1)
    view.table.selectRow(2)  # before the first agenda arrived
    last = view.selected_csm()
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)
    assert view.alert_model.alerts == csm_alerts(demo_store, last, today)
    assert view.agenda_title.text().startswith(f"Agenda for {last}:")


def test_empty_store(qtbot, store, today):
    view = TeamView(store, today=today)
    qtbot.waitUntil(lambda: not view.loading(), timeout=10000)  # counted on a worker
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    assert "No accounts" in view.agenda_title.text()
