""" "Did we see it coming?": what the app showed before each churn of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.domain.alert_rules import ALERT_LABEL
from desktop_app.domain.forecast import CALL_LABEL
from desktop_app.services.database import Store
from desktop_app.services.managers import (
    Glimpse,
    Hindsight,
    did_we_see_it_coming,
)
from desktop_app.ui.models.rows_model import RIGHT, Column, RowsTableModel
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader

_INTRO = (
    "For learning, not blame: what the app showed before each account churned, from what was "
    "stored at the time (month-end health snapshots, overrides and forecast calls in force, "
    "alerts the history can replay). Organic churn (a customer's own population shrinking) is "
    "often invisible in our data; an unseen churn is a question for the scorecard as much as "
    "for the CSM."
)


@dataclass(frozen=True)
class _OwnerRow:
    owner: str
    seen: int
    churned: int


def _glimpse(g: Glimpse | None) -> str:
    if g is None or g.band is None:
        return "not scored"
    score = "" if g.score is None else f" {g.score:.0f}"
    hand = " (set by hand)" if g.override_band else ""
    call = f", call {CALL_LABEL[g.call]}" if g.call else ""
    return f"{g.band}{score}{hand}{call}"


def _band_colour(g: Glimpse | None) -> object:
    from PySide6.QtGui import QColor

    if g is None or g.band is None:
        return None
    try:
        c = QColor(BAND_COLOURS[HealthBand(g.band)])
    except ValueError:
        return None
    c.setAlpha(70)
    return c


def _col(days: int) -> Column:
    return Column(
        f"{days} days before",
        lambda c: _glimpse(c.at(days)),
        background=lambda c: _band_colour(c.at(days)),
        tooltip=lambda c: (
            ", ".join(ALERT_LABEL[a] for a in c.at(days).alerts) or "no alerts"
            if c.at(days)
            else None
        ),
    )


_CASE_COLUMNS = (
    Column("Account", lambda c: c.account),
    Column("CSM", lambda c: c.owner),
    Column("Churned", lambda c: c.churn_date.isoformat()),
    Column("Type", lambda c: c.churn_type or "—", tooltip=lambda c: c.churn_reason),
    _col(180),
    _col(90),
    _col(30),
    Column(
        "Alerts 90 days before",
        lambda c: ", ".join(ALERT_LABEL[a] for a in c.at(90).alerts) if c.at(90) else "",
    ),
    Column("Seen at 90 days", lambda c: "yes" if c.seen else "no"),
)
_OWNER_COLUMNS = (
    Column("CSM", lambda r: r.owner),
    Column("Churned", lambda r: str(r.churned), RIGHT),
    Column("Seen 90 days before", lambda r: f"{r.seen} of {r.churned}", RIGHT),
)


class HindsightView(QDialog):
    """The headline, the per-CSM counts and each churned account's before-picture."""

    accountRequested = Signal(int)

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Did we see it coming?")
        self.resize(1240, 760)
        self.store = store
        self.today = today or date.today()
        self.hindsight: Hindsight | None = None
        self._loader = ReportLoader(lambda text: self.headline.setText(text), self._loaded)
        self.start_edit = self._date(self.today - timedelta(days=365))
        self.end_edit = self._date(self.today)
        self.headline = QLabel(self)
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.types = QLabel(self)
        self.owners = RowsTableModel(_OWNER_COLUMNS, self)
        self.owner_table = read_only_table(self.owners, self)
        self.cases = RowsTableModel(_CASE_COLUMNS, self)
        self.case_table = read_only_table(self.cases, self, single_selection=True)
        self.case_table.horizontalHeader().setStretchLastSection(True)
        self._layout()
        self.start_edit.dateChanged.connect(lambda _d: self.reload())
        self.end_edit.dateChanged.connect(lambda _d: self.reload())
        self.case_table.doubleClicked.connect(
            lambda i: self.accountRequested.emit(self.cases.row(i.row()).account_id)
        )
        self.reload()

    def _date(self, d: date) -> QDateEdit:
        edit = QDateEdit(QDate(d.year, d.month, d.day), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Churned from", self))
        bar.addWidget(self.start_edit)
        bar.addWidget(QLabel("to", self))
        bar.addWidget(self.end_edit)
        bar.addStretch(1)
        intro = QLabel(_INTRO, self)
        intro.setWordWrap(True)
        top = QWidget(self)
        left = QVBoxLayout(top)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.headline)
        left.addWidget(self.types)
        row = QHBoxLayout()
        row.addWidget(self.owner_table)
        row.addStretch(1)
        left.addLayout(row, 1)
        self.owner_table.setMinimumWidth(340)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.case_table)
        split.setSizes([330, 390])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(intro)
        layout.addWidget(split, 1)

    @staticmethod
    def _py(edit: QDateEdit) -> date:
        d = edit.date()
        return date(d.year(), d.month(), d.day())

    def reload(self) -> None:
        start, end = self._py(self.start_edit), self._py(self.end_edit)
        self._loader.load("Reading the history…", did_we_see_it_coming, self.store, start, end)

    def loading(self) -> bool:
        return self._loader.busy()

    def _loaded(self, h: Hindsight) -> None:
        self.hindsight = h
        self.headline.setText(f"{h.headline}." if h.cases else "No churn in this period.")
        self.types.setText(
            "By churn type: "
            + "; ".join(f"{k} {s} of {n}" for k, (s, n) in h.by_churn_type().items())
        )
        self.owners.set_rows([_OwnerRow(o, s, n) for o, (s, n) in h.by_owner.items()])
        self.cases.set_rows(h.cases)
