"""The account detail pane (a dock's content): the whole story of one account.

Data comes from ``services.book.detail.load_detail``; the pane only formats. Notes are
added through ``AddNoteCommand`` on the given undo stack so Ctrl+Z removes them again.
Over 450 lines: the body's construction in event-loop steps sits beside the sections it
builds and fills (splitting it off would split one widget's lifecycle across modules).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.health import HealthExplanation
from desktop_app.services.database import Store
from desktop_app.services.errors import UserError
from desktop_app.ui import gui_queue, theme
from desktop_app.ui.book_state import BookState
from desktop_app.ui.formatting import money
from desktop_app.ui.models.rows_model import Column, RowsTableModel
from desktop_app.ui.undo.notes import AddNoteCommand
from desktop_app.ui.views import detail_columns as dc
from desktop_app.ui.views.detail_header import DetailHeaderWidget
from desktop_app.ui.widgets.health_breakdown import HealthBreakdownWidget
from desktop_app.ui.workers import run_task

MAX_VISIBLE_ROWS = 8
MAX_COLUMN_PX = 190
SECTIONS: tuple[tuple[str, str, tuple[Column, ...], str], ...] = (
    ("contacts", "Contacts", dc.CONTACT_COLS, "No contacts on file."),
    ("tickets", "Open support tickets", dc.TICKET_COLS, "No open tickets."),
    ("opportunities", "Opportunities", dc.OPP_COLS, "No opportunities."),
    ("nps", "NPS responses", dc.NPS_COLS, "No NPS responses."),
    ("notes", "Notes", dc.NOTE_COLS, "No notes yet."),
    ("owner_history", "Owner history", dc.OWNER_COLS, "No owner changes recorded."),
    ("provenance", "Where this came from", dc.PROVENANCE_COLS, "No import recorded."),
)


class _Section:
    """A titled group with a table and an empty-state label."""

    def __init__(self, title: str, cols: tuple[Column, ...], empty: str, parent: QWidget) -> None:
        self.title = title
        self.box = QGroupBox(title, parent)
        lay = QVBoxLayout(self.box)
        lay.setContentsMargins(6, 4, 6, 6)
        self.header_row = QHBoxLayout()
        lay.addLayout(self.header_row)
        self.model = RowsTableModel(cols, self.box)
        self.view = QTableView(self.box)
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # Long cells elide (full text in the tooltip); no sideways scrolling in a dock.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.empty = QLabel(empty, self.box)
        self.empty.setStyleSheet(theme.muted_css() + " font-style: italic;")
        lay.addWidget(self.view)
        lay.addWidget(self.empty)

    def set_rows(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self.box.setTitle(f"{self.title} ({len(rows)})" if rows else self.title)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.view.resizeColumnsToContents()
            header = self.view.horizontalHeader()
            for c in range(self.model.columnCount() - 1):
                header.resizeSection(c, min(header.sectionSize(c), MAX_COLUMN_PX))
            n = min(len(rows), MAX_VISIBLE_ROWS)
            body = sum(self.view.rowHeight(r) for r in range(n))
            self.view.setFixedHeight(header.sizeHint().height() + body + 2 * self.view.frameWidth())


class AccountDetailPane(QWidget):
    """Header, usage, health, contacts, tickets, opportunities, NPS, billing, notes, sources."""

    noteAdded = Signal(int)  # account id
    overrideRequested = Signal(int)
    #: The pane shows this account (its data read and filled), or None (the empty state).
    shown = Signal(object)

    def __init__(
        self,
        store: Store,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        state: BookState | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._undo = undo_stack if undo_stack is not None else QUndoStack(self)
        self._today = today
        self._account: int | None = None
        self._generation = 0  # which request the pane waits for (older results are dropped)
        self._notes_pending: list[int] = []
        self._detail: AccountDetail | None = None
        self.explanation: HealthExplanation | None = None
        self.author: str | None = _default_author()
        self._usage_plot: pg.PlotWidget | None = None  # built with the first account shown
        self._build_ui()
        self.show_account(None if state is None else state.focus)
        if state is not None:
            # The pane shows the focused account of the window's state and follows it.
            self._state = state
            state.focusChanged.connect(self.show_account)
            state.accountsChanged.connect(self._accounts_changed)
            state.bookReplaced.connect(self.refresh)

    def _accounts_changed(self, ids: np.ndarray) -> None:
        if self._account is not None and self._account in np.asarray(ids).tolist():
            self.refresh()

    # ---------------------------------------------------------------- construction
    def _build_ui(self) -> None:
        """The stack and its empty state now; the body (header, usage, breakdown, seven
        sections, billing) in steps of its own, one per pass of the event loop
        (``gui_queue``): built at once it was one GUI-thread event of 60-80 ms while the
        window opens a book. Whatever needs the body first builds the rest at once
        (``_ensure_body``)."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._stack = QStackedWidget(self)
        outer.addWidget(self._stack)
        self._empty = QLabel("Select an account in the table or the chart…", self)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet(theme.muted_css() + " font-size: 13px;")
        self._stack.addWidget(self._empty)
        self.sections: dict[str, _Section] = {}
        self._body_steps: list[Callable[[], None]] = [self._build_frame, self._build_top]
        self._body_steps += [partial(self._build_section, *spec) for spec in SECTIONS]
        self._body_steps.append(self._build_end)
        gui_queue.later(self, self._next_body_step)

    def _next_body_step(self) -> None:
        if self._body_steps:
            self._body_steps.pop(0)()
        if self._body_steps:
            gui_queue.later(self, self._next_body_step)

    def _ensure_body(self) -> None:
        """Build what is left of the body now."""
        while self._body_steps:
            self._body_steps.pop(0)()

    @property
    def body_built(self) -> bool:
        return not self._body_steps

    def _build_frame(self) -> None:
        self._scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self._body = body = QWidget(scroll)
        self._body_layout = lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(8)
        self.header = DetailHeaderWidget(body)
        self.header.overrideClicked.connect(self._request_override)
        lay.addWidget(self.header)

    def _build_top(self) -> None:
        self._body_layout.addWidget(self._build_usage(self._body))
        self._body_layout.addWidget(self._build_breakdown(self._body))

    def _build_section(self, key: str, title: str, cols: tuple[Column, ...], empty: str) -> None:
        sec = _Section(title, cols, empty, self._body)
        self.sections[key] = sec
        self._body_layout.addWidget(sec.box)

    def _build_end(self) -> None:
        body, lay = self._body, self._body_layout
        self.billing_label = QLabel(body)
        self.billing_label.setTextFormat(Qt.TextFormat.RichText)
        lay.insertWidget(lay.indexOf(self.sections["notes"].box), self._boxed("Billing", body))
        self.add_note_button = QPushButton("Add note…", body)
        self.add_note_button.clicked.connect(self.open_note_dialog)
        notes = self.sections["notes"].header_row
        notes.addStretch(1)
        notes.addWidget(self.add_note_button)
        lay.addStretch(1)
        self._scroll.setWidget(body)
        self._stack.addWidget(self._scroll)

    def _build_breakdown(self, parent: QWidget) -> QGroupBox:
        self.breakdown_box = QGroupBox("Health breakdown", parent)
        lay = QVBoxLayout(self.breakdown_box)
        lay.setContentsMargins(6, 4, 6, 6)
        self.breakdown = HealthBreakdownWidget(self.breakdown_box)
        lay.addWidget(self.breakdown)
        return self.breakdown_box

    def _boxed(self, title: str, parent: QWidget) -> QGroupBox:
        box = QGroupBox(title, parent)
        QVBoxLayout(box).addWidget(self.billing_label)
        return box

    def _build_usage(self, parent: QWidget) -> QGroupBox:
        self._usage_box = box = QGroupBox("Monthly active users, last 24 months", parent)
        self._usage_layout = lay = QVBoxLayout(box)
        # The key sits above the chart, never over its lines (a pyqtgraph legend inside
        # the plot covered the first months).
        self.usage_key = QLabel(box)
        self.usage_key.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.usage_key)
        # The chart itself is built with the first account shown (``usage_plot``): a
        # pyqtgraph plot costs a long GUI-thread event while the book opens.
        self.usage_empty = QLabel("No usage data.", box)
        self.usage_empty.setStyleSheet(theme.muted_css() + " font-style: italic;")
        lay.addWidget(self.usage_empty)
        return box

    @property
    def has_usage_plot(self) -> bool:
        """True once the usage chart is built (with the first account shown)."""
        return self._usage_plot is not None

    @property
    def usage_plot(self) -> pg.PlotWidget:
        """The usage chart, built on first use."""
        if self._usage_plot is None:
            self._usage_plot = self._make_usage_plot()
        return self._usage_plot

    def _make_usage_plot(self) -> pg.PlotWidget:
        box = self._usage_box
        # No pyqtgraph view menu: the chart takes no mouse input.
        plot = pg.PlotWidget(parent=box, enableMenu=False)
        theme.style_plot(plot)
        plot.setFixedHeight(170)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.2)
        blue = theme.accent("#0072B2", "#56B4E9")
        self._mau_curve = plot.plot(
            [], [], pen=pg.mkPen(blue, width=2), symbol="o", symbolSize=5,
            symbolBrush=blue, name="MAU", connect="finite",
        )  # fmt: skip
        self._seat_curve = plot.plot(
            [], [], pen=pg.mkPen(theme.accent("#777777", "#A0A0A0"), width=1.5,
                                 style=Qt.PenStyle.DashLine),
            name="Licensed seats", connect="finite",
        )  # fmt: skip
        self._usage_layout.insertWidget(1, plot)
        return plot

    # ---------------------------------------------------------------- public API
    def show_account(self, account_id: int | None) -> None:
        """Show an account (None: the empty state)."""
        self._account = None if account_id is None else int(account_id)
        self.refresh()

    def current_account(self) -> int | None:
        return self._account

    def detail(self) -> AccountDetail | None:
        """What the pane currently shows (for tests and the lead)."""
        return self._detail

    def undo_stack(self) -> QUndoStack:
        return self._undo

    def refresh(self) -> None:
        """Reload the current account (after imports, overrides, notes) on a reader; the
        pane keeps showing what it has until the new data arrives, then emits ``shown``."""
        self._generation += 1
        if self._account is None:
            self._detail = None
            self._stack.setCurrentIndex(0)
            self.shown.emit(None)
            return
        generation = self._generation
        run_task(
            _read_account,
            self._store,
            self._account,
            self._today,
            done=lambda data: self._loaded(generation, data),
            failed=lambda _message: self._loaded(generation, None),
        )

    def _loaded(self, generation: int, data: _PaneData | None) -> None:
        if generation != self._generation:
            return  # the user has moved on to another account
        if data is None:  # deleted by an import rollback, for instance
            self._account, self._detail = None, None
            self._stack.setCurrentIndex(0)
        else:
            self._detail = data[0]
            self._fill(*data)
            self._stack.setCurrentIndex(1)
        self.shown.emit(self._account)
        pending, self._notes_pending = self._notes_pending, []
        for account_id in pending:
            self.noteAdded.emit(account_id)

    def add_note(self, body: str, kind: str = "note") -> AddNoteCommand | None:
        """Add a note to the current account as an undoable command (written on the writer;
        ``noteAdded`` follows once it is stored); returns the command."""
        if self._account is None:
            return None
        cmd = AddNoteCommand(
            self._store, self._account, body, self.author, kind, on_change=self._note_changed
        )
        self._undo.push(cmd)
        return cmd

    # ---------------------------------------------------------------- filling
    def _fill(self, d: AccountDetail, ex: HealthExplanation | None, changes: list[Any]) -> None:
        self._ensure_body()
        self.header.set_header(d.header, d.snapshots)
        self._fill_usage(d)
        self._fill_breakdown(d, ex, changes)
        s = self.sections
        s["contacts"].set_rows(d.contacts)
        s["tickets"].set_rows(d.tickets)
        s["opportunities"].set_rows(d.opportunities)
        s["nps"].set_rows(d.nps)
        s["notes"].set_rows(d.notes)
        s["owner_history"].set_rows(d.owner_history)
        s["provenance"].set_rows(d.provenance)
        self.billing_label.setText(_billing_text(d))

    def _fill_breakdown(
        self, d: AccountDetail, ex: HealthExplanation | None, changes: list[Any]
    ) -> None:
        self.explanation = ex
        empty = (
            "Not scored: churned accounts are not scored."
            if d.header.lifecycle == "churned"
            else "Not scored yet: rescore the book after importing its data."
        )
        self.breakdown.show_explanation(ex, empty)
        self.breakdown.show_changes(changes, ex)
        if ex is not None:
            self.breakdown.fit_all_rows()
        title = "Health breakdown"
        self.breakdown_box.setTitle(f"{title} ({ex.confidence} measures)" if ex else title)

    def _fill_usage(self, d: AccountDetail) -> None:
        u = d.usage
        x = np.arange(len(u.months), dtype=float)
        seats, seats_label = _seat_line(u.seats, d.header.seats)
        has = bool(np.isfinite(u.mau).any() or np.isfinite(seats).any())
        self.usage_plot.setVisible(has)
        self.usage_empty.setVisible(not has)
        self.usage_key.setVisible(has)
        self._mau_curve.setData(x, u.mau)
        self._seat_curve.setData(x, seats)
        key = ["<span style='color:#0072B2'>●━</span> MAU"]
        if seats_label:
            key.append(f"<span style='color:#777'>╌╌</span> {seats_label}")
        self.usage_key.setText("&nbsp;&nbsp;&nbsp;".join(key))
        # Every 3rd month when there is room for "Mar 25" labels, else every 6th.
        # (The box's width: a chart built for this account is not laid out yet.)
        margins = self._usage_layout.contentsMargins()
        room = self._usage_box.contentsRect().width() - margins.left() - margins.right()
        step = 3 if room >= 420 else 6
        ticks = [
            (float(i), m.strftime("%b %y"))
            for i, m in enumerate(u.months)
            if (len(u.months) - 1 - i) % step == 0
        ]
        self.usage_plot.getAxis("bottom").setTicks([ticks])
        top = np.nanmax(np.concatenate([u.mau, seats])) if has else 1.0
        self.usage_plot.setXRange(-0.5, len(u.months) - 0.5, padding=0)
        self.usage_plot.setYRange(0, float(top) * 1.1 + 1, padding=0)

    # ---------------------------------------------------------------- actions
    def _note_changed(self, account_id: int) -> None:
        if account_id == self._account:
            self._notes_pending.append(account_id)  # told once the pane shows the note
            self.refresh()
        else:
            self.noteAdded.emit(account_id)

    def _request_override(self) -> None:
        if self._account is not None:
            self.overrideRequested.emit(self._account)

    def open_note_dialog(self) -> None:
        from desktop_app.ui.views.detail_note_dialog import NoteDialog

        if self._account is None or self._detail is None:
            return
        dlg = NoteDialog(self._detail.header.name, self)
        if dlg.exec():
            body, kind = dlg.values()
            if body.strip():
                self.add_note(body, kind)


if TYPE_CHECKING:
    from desktop_app.services.book import AccountDetail

    _PaneData = tuple[AccountDetail, HealthExplanation | None, list[Any]]


def _read_account(store: Store, account_id: int, today: date | None) -> _PaneData | None:
    """On a reader: the account's detail, its health breakdown and the measures that moved
    it (None when the account no longer exists). Their modules load here, on the reader,
    with the first account shown: opening the window needs neither the ORM nor scoring."""
    from desktop_app.services.book import load_detail
    from desktop_app.services.health import explain, history

    try:
        detail = load_detail(store, account_id, today)
    except UserError:
        return None
    ex = explain(store, account_id)
    changes = list(history(store, account_id).changes) if ex is not None else []
    return detail, ex, changes


def _seat_line(monthly: np.ndarray, contracted: int | None) -> tuple[np.ndarray, str]:
    """The seats line and its key: licensed seats per month when the usage export has them,
    else the contract's seats as a flat line (imported books often have only those)."""
    finite = np.isfinite(monthly)
    if finite.sum() >= 2:
        return monthly, "Licensed seats"
    if contracted:
        return np.full(monthly.shape, float(contracted)), "Contracted seats"
    if finite.any():  # one month: a line needs two points, so draw it flat
        return np.full(monthly.shape, float(monthly[finite][0])), "Licensed seats"
    return monthly, ""


def _billing_text(d: AccountDetail) -> str:
    b = d.billing
    if b is None:
        return "<i>No billing state on file.</i>"
    if b.state == "past_due":
        bal = "" if b.balance_due is None else f", balance {money(b.balance_due)}"
        return (
            f"<span style='color:{theme.warn_colour().name()}'><b>Past due</b> "
            f"{b.days_past_due} days{bal}</span>"
            f" (as of {b.as_of.isoformat()})"
        )
    return f"<b>{b.state.replace('_', ' ').capitalize()}</b> (as of {b.as_of.isoformat()})"


def _default_author() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None
