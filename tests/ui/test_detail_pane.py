"""AccountDetailPane on the demo book: shows the selected account; notes are undoable."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Note, Ticket
from desktop_app.ui.models.rows_model import RowsTableModel
from desktop_app.ui.views.detail_pane import AccountDetailPane

_H = Qt.Orientation.Horizontal


def _busy_account(store: Store) -> int:
    """An account with open tickets, one of them waiting for the customer."""
    with store.sessions() as s:
        return int(
            s.execute(
                select(Ticket.account_id)
                .where(Ticket.is_open.is_(True), Ticket.waiting_on == "customer")
                .limit(1)
            ).scalar_one()
        )


def test_empty_state_then_account(pane: AccountDetailPane, demo_store: Store, qtbot: QtBot) -> None:
    assert pane.current_account() is None
    assert pane._stack.currentIndex() == 0
    aid = _busy_account(demo_store)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    with demo_store.sessions() as s:
        acc = s.get(Account, aid)
        assert acc is not None
        name, sf = acc.name, acc.sf_account_id
        n_open = s.scalar(
            select(func.count()).where(Ticket.account_id == aid, Ticket.is_open.is_(True))
        )
    assert pane.current_account() == aid
    assert pane._stack.currentIndex() == 1
    assert pane.header.name_label.text() == name
    assert sf in pane.header.ids_label.text()
    tickets = pane.sections["tickets"]
    assert tickets.model.rowCount() == n_open
    auto_col = [tickets.model.headerData(c, _H) for c in range(tickets.model.columnCount())].index(
        "Auto-close"
    )
    texts = [tickets.model.index(r, auto_col).data() for r in range(n_open)]
    assert any(t.startswith("⚠ auto-closes") for t in texts)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(None)
    assert pane._stack.currentIndex() == 0


def test_add_note_and_undo_removes_it_from_the_db(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    aid = _busy_account(demo_store)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)

    def count() -> int:
        with demo_store.sessions() as s:
            return int(s.scalar(select(func.count()).where(Note.account_id == aid)) or 0)

    before = count()
    rows_before = pane.sections["notes"].model.rowCount()
    with qtbot.waitSignal(pane.noteAdded) as blocker:
        command = pane.add_note("Renewal call booked for Tuesday", "call")
    assert blocker.args == [aid]
    assert command is not None
    nid = command.note_id
    assert nid is not None
    assert count() == before + 1
    notes = pane.sections["notes"].model
    assert notes.rowCount() == rows_before + 1
    assert notes.row(0).body == "Renewal call booked for Tuesday"
    with qtbot.waitSignal(pane.noteAdded):  # written on the writer, then the pane refreshes
        pane.undo_stack().undo()
    assert count() == before
    assert pane.sections["notes"].model.rowCount() == rows_before
    with demo_store.sessions() as s:
        assert s.get(Note, nid) is None
    with qtbot.waitSignal(pane.noteAdded):
        pane.undo_stack().redo()
    with demo_store.sessions() as s:
        again = s.get(Note, nid)
        assert again is not None
        assert again.body == "Renewal call booked for Tuesday"


def test_models_pass_the_model_tester(
    pane: AccountDetailPane, demo_store: Store, qtmodeltester, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(_busy_account(demo_store))
    for sec in pane.sections.values():
        assert isinstance(sec.model, RowsTableModel)
        qtmodeltester.check(sec.model)


def test_override_button_emits(pane: AccountDetailPane, demo_store: Store, qtbot: QtBot) -> None:
    aid = _busy_account(demo_store)
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    with qtbot.waitSignal(pane.overrideRequested) as blocker:
        pane.header.override_button.click()
    assert blocker.args == [aid]


def test_unknown_account_shows_empty_state(pane: AccountDetailPane, qtbot: QtBot) -> None:
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(123_456)
    assert pane.current_account() is None
    assert pane._stack.currentIndex() == 0


def test_usage_key_is_outside_the_chart_and_seats_fall_back_to_the_contract(
    pane,  # type: ignore[no-untyped-def]
    demo_store: Store,
    qtbot: QtBot,
) -> None:
    from desktop_app.services.book.portfolio import load_accounts

    book = load_accounts(demo_store)
    i = int(np.flatnonzero(~np.isnan(book.seats))[0])
    aid = int(book.account_id[i])
    with demo_store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE usage_monthly SET licensed_seats = NULL WHERE account_id = ?", (aid,)
        )
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(aid)
    assert pane.usage_plot.getPlotItem().legend is None  # no key drawn over the lines
    assert "Contracted seats" in pane.usage_key.text()
    _x, seats = pane._seat_curve.getData()
    assert np.isfinite(seats).sum() == len(seats) >= 2
    assert pane.detail().header.seats == int(seats[0])


def test_usage_chart_is_built_with_the_first_account_shown(
    pane: AccountDetailPane, demo_store: Store, qtbot: QtBot
) -> None:
    assert not pane.has_usage_plot  # opening the book builds no pyqtgraph plot here
    with qtbot.waitSignal(pane.shown, timeout=5000):  # read on a worker
        pane.show_account(_busy_account(demo_store))
    assert pane.has_usage_plot
    plot = pane.usage_plot
    assert plot.parentWidget() is pane._usage_box
    assert plot.getViewBox().menu is None  # no pyqtgraph view menu built
    _x, mau = pane._mau_curve.getData()
    assert mau is not None
    assert np.isfinite(mau).any()
    with qtbot.waitSignal(pane.shown, timeout=5000):
        pane.show_account(_busy_account(demo_store))
    assert pane.usage_plot is plot  # built once


def test_pane_body_is_built_in_steps_of_the_event_loop(demo_store: Store, qtbot: QtBot) -> None:
    pane = AccountDetailPane(demo_store)
    qtbot.addWidget(pane)
    assert not pane.body_built
    assert pane.sections == {}  # construction builds only the empty state
    # The sections built so far, seen after every pass of the event loop (a zero timer runs
    # once per pass): sampled every 10 ms (``waitUntil``), a quick machine built them all
    # between two looks.
    seen: list[int] = []
    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(lambda: seen.append(len(pane.sections)))
    probe.start()
    qtbot.waitUntil(lambda: pane.body_built, timeout=5000)
    probe.stop()
    steps = [n for i, n in enumerate(seen) if n and (i == 0 or n > seen[i - 1])]
    assert len(steps) >= 2
    assert steps[0] < 7
    assert list(pane.sections) == ["contacts", "tickets", "opportunities", "nps", "notes",
                                   "owner_history", "provenance"]  # fmt: skip


def test_showing_an_account_builds_the_rest_of_the_body_at_once(
    demo_store: Store, qtbot: QtBot
) -> None:
    pane = AccountDetailPane(demo_store)
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.shown, timeout=5000):
        pane.show_account(_busy_account(demo_store))
    assert pane.body_built
    assert pane.sections["tickets"].model.rowCount() > 0
