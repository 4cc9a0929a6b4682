"""Retention per month or quarter: logo churn, NRR and GRR, for the book or one CSM."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.churn import RetentionFigures
from desktop_app.services.database import Store
from desktop_app.services.health import (
    retention,
    retention_by_owner,
    retention_series,
)
from desktop_app.services.team import owner_names
from desktop_app.ui import theme
from desktop_app.ui.formatting import money
from desktop_app.ui.geometry import fit_to_screen
from desktop_app.ui.models.rows_model import RIGHT, Column, Getter, RowsTableModel
from desktop_app.ui.widgets.tables import read_only_table
from desktop_app.ui.workers import ReportLoader

#: The raw value of a cell (a float ratio or an int count; None when undefined).
RawRole = Qt.ItemDataRole.UserRole + 1

WHOLE_BOOK = "Whole book"
NRR_COLOUR = "#0072B2"  # Okabe-Ito blue
GRR_COLOUR = "#D55E00"  # Okabe-Ito vermillion
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

DEFINITIONS = {
    "logo_churn_rate": "Logo churn: accounts active at the period start that are not active at "
    "its end, divided by the accounts active at the start.",
    "net_mrr_retention": "Net MRR retention (NRR): MRR at the period end from the accounts active "
    "at its start, divided by their MRR at the start (expansion counts).",
    "gross_mrr_retention": "Gross MRR retention (GRR): the same, with each account capped at its "
    "start MRR (expansion does not count; at most 100%).",
    "mrr_churn": "MRR churn: 1 - net MRR retention.",
    "n_start": "Accounts active at the period start.",
    "n_churned": "Of those, accounts not active at the period end.",
}


def _pct(v: float | None) -> str:
    # Adding 0.0 turns a rounded -0.0 into 0.0.
    return "-" if v is None else f"{round(100 * v, 1) + 0.0:.1f}%"


_COLUMNS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("logo_churn_rate", "Logo churn", _pct),
    ("net_mrr_retention", "NRR", _pct),
    ("gross_mrr_retention", "GRR", _pct),
    ("mrr_churn", "MRR churn", _pct),
    ("n_start", "Accounts at start", str),
    ("n_churned", "Churned", str),
)


def period_label(r: RetentionFigures, kind: str) -> str:
    """'Nov 2025' or 'Q4 2025'; a '*' marks a period clipped by the range."""
    s, e = r.start, r.end
    step = 3 if kind == "quarter" else 1
    first = date(s.year, s.month - (s.month - 1) % step, 1)
    ny, nm = divmod(first.month - 1 + step, 12)
    full = s == first and e == date(first.year + ny, nm + 1, 1)
    if kind == "quarter":
        text = f"Q{(first.month - 1) // 3 + 1} {first.year}"
    else:
        text = f"{_MONTHS[first.month - 1]} {first.year}"
    return text if full else text + "*"


def _figure_column(key: str, header: str, fmt: Callable[[Any], str], bold: Getter) -> Column:
    def tip(row: tuple[str, RetentionFigures]) -> str:
        fig = row[1]
        return f"{fig.start} to {fig.end}: MRR {money(fig.mrr_start)} → {money(fig.mrr_end)}"

    return Column(
        header,
        lambda r: fmt(getattr(r[1], key)),
        RIGHT,
        tooltip=tip,
        font=bold,
        roles={RawRole: lambda r: getattr(r[1], key)},
        header_tooltip=DEFINITIONS[key],
    )


class RetentionTableModel(RowsTableModel):
    """Rows of (label, RetentionFigures): one per period, or one per CSM."""

    def __init__(self, label_header: str, parent: QWidget | None = None) -> None:
        bold_font = QFont()
        bold_font.setBold(True)

        def bold(row: tuple[str, RetentionFigures]) -> QFont | None:
            return bold_font if row[0] == WHOLE_BOOK else None

        label = Column(label_header, itemgetter(0), font=bold, roles={RawRole: itemgetter(0)})
        figures = [_figure_column(key, header, fmt, bold) for key, header, fmt in _COLUMNS]
        super().__init__([label, *figures], parent)


@dataclass(frozen=True)
class RetentionRead:
    """What one refresh reads: the series, the per-CSM table, the book's figures, the CSMs."""

    series: list[RetentionFigures]
    by_owner: dict[str, RetentionFigures]
    book: RetentionFigures
    owners: list[str]


def read_retention(
    store: Store, start: date, end: date, kind: str, owner: str | None
) -> RetentionRead:
    """On a worker: every figure the view shows (raises ``UserError`` on a bad range)."""
    return RetentionRead(
        retention_series(store, start, end, kind=kind, owner=owner),
        retention_by_owner(store, start, end),
        retention(store, start, end),
        owner_names(store),
    )


def _first_of_month(d: date, back: int = 0) -> date:
    y, m = divmod(d.month - 1 - back, 12)
    return date(d.year + y, m + 1, 1)


class RetentionView(QDialog):
    """Retention per period for the book or one CSM: table, NRR/GRR chart, per-CSM table."""

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Retention")
        fit_to_screen(self, 1100, 760)
        self.store = store
        self.today = today or date.today()
        self._build_controls()
        self.period_model = RetentionTableModel("Period", self)
        self.csm_model = RetentionTableModel("CSM", self)
        self.period_table = read_only_table(self.period_model, self)
        self.csm_table = read_only_table(self.csm_model, self)
        self._build_chart()
        self.status = QLabel(self)
        self.status.setWordWrap(True)  # a missing-data note must not widen the view
        self._loader = ReportLoader(self._refused, self._loaded)
        self.footnote = QLabel(self._footnote_text(), self)
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet(theme.muted_css() + " font-size: 11px;")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        self._layout()
        for sig in (
            self.kind_combo.currentIndexChanged,
            self.scope_combo.currentIndexChanged,
            self.start_edit.dateChanged,
            self.end_edit.dateChanged,
        ):
            sig.connect(self._schedule)
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build_controls(self) -> None:
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem("Month", "month")
        self.kind_combo.addItem("Quarter", "quarter")
        self.start_edit = self._date_edit(_first_of_month(self.today, 12))
        self.end_edit = self._date_edit(self.today)
        self.scope_combo = QComboBox(self)
        self.scope_combo.addItem(WHOLE_BOOK, None)  # the CSMs come with the first read

    def _date_edit(self, value: date) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day), self)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        return edit

    def _build_chart(self) -> None:
        self.plot = pg.PlotWidget(self)
        theme.style_plot(self.plot)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(y=True, alpha=0.25)
        fg = theme.chart_foreground()
        for name in ("left", "bottom"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(fg))
            ax.setTextPen(pg.mkPen(fg))
        self.plot.setLabel("left", "% of start MRR", color=fg.name())
        legend_fill = theme.chart_background()
        legend_fill.setAlpha(220)
        self.plot.addLegend(offset=(-10, -10), labelTextColor=fg, brush=pg.mkBrush(legend_fill))
        self.plot.addItem(
            pg.InfiniteLine(
                pos=100, angle=0, pen=pg.mkPen(theme.muted_colour(), style=Qt.PenStyle.DotLine)
            )
        )
        self.nrr_curve = self.plot.plot(
            [],
            [],
            name="Net MRR retention",
            pen=pg.mkPen(NRR_COLOUR, width=2),
            symbol="o",
            symbolBrush=NRR_COLOUR,
            symbolPen=None,
            connect="finite",
        )
        self.grr_curve = self.plot.plot(
            [],
            [],
            name="Gross MRR retention",
            pen=pg.mkPen(GRR_COLOUR, width=2, style=Qt.PenStyle.DashLine),
            symbol="s",
            symbolBrush=GRR_COLOUR,
            symbolPen=None,
            connect="finite",
        )

    def _layout(self) -> None:
        controls = QHBoxLayout()
        for label, widget in (
            ("Period", self.kind_combo),
            ("From", self.start_edit),
            ("To", self.end_edit),
            ("Scope", self.scope_combo),
        ):
            controls.addWidget(QLabel(label, self))
            controls.addWidget(widget)
        controls.addStretch(1)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.period_table)
        top.addWidget(self.plot)
        top.setSizes([600, 500])
        self.csm_title = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(top, 3)
        layout.addWidget(self.csm_title)
        layout.addWidget(self.csm_table, 2)
        layout.addWidget(self.footnote)

    @staticmethod
    def _footnote_text() -> str:
        keys = ("logo_churn_rate", "net_mrr_retention", "gross_mrr_retention", "mrr_churn")
        return (
            " ".join(DEFINITIONS[k] for k in keys)
            + " Per CSM: the accounts they own today. * a period cut short by the range."
        )

    # ------------------------------------------------------------------ state
    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    @property
    def owner(self) -> str | None:
        data = self.scope_combo.currentData()
        return None if data is None else str(data)

    def date_range(self) -> tuple[date, date]:
        s, e = self.start_edit.date(), self.end_edit.date()
        return date(s.year(), s.month(), s.day()), date(e.year(), e.month(), e.day())

    def _schedule(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Recompute every figure for the current period, range and scope on a worker."""
        self._timer.stop()
        start, end = self.date_range()
        self._asked = (start, end, self.kind, self.owner)
        self._loader.load(
            "Computing retention…", read_retention, self.store, start, end, self.kind, self.owner
        )

    def loading(self) -> bool:
        return self._loader.busy() or self._timer.isActive()

    def _refused(self, message: str) -> None:
        self.status.setText(message)
        if message != "Computing retention…":  # a bad range: nothing to show
            self.period_model.set_rows([])
            self.csm_model.set_rows([])
            self._plot([])

    def _fill_scope(self, owners: list[str]) -> None:
        current = [self.scope_combo.itemData(i) for i in range(1, self.scope_combo.count())]
        if current == owners:
            return
        self.scope_combo.blockSignals(True)  # the figures shown are for the same choice
        for name in owners:
            if name not in current:
                self.scope_combo.addItem(name, name)
        self.scope_combo.blockSignals(False)

    def _loaded(self, read: RetentionRead) -> None:
        self._fill_scope(read.owners)
        start, end, kind, owner = self._asked
        series, by_owner, book = read.series, read.by_owner, read.book
        scope = owner or "the whole book"
        text = f"{len(series)} {kind}s, {start} to {end}, for {scope}."
        if book.n_start == 0 and all(r.n_start == 0 for r in series):
            # Missing stays missing: no live subscription at any period start is no data,
            # not a book that kept every account.
            text += (
                " No account had a live subscription in this range: retention is worked out"
                " from subscription history (import a Recurly subscriptions export)."
            )
        self.status.setText(text)
        rows = [(period_label(r, kind), r) for r in series]
        self.period_model.set_rows(rows)
        self.csm_model.set_rows([(WHOLE_BOOK, book), *by_owner.items()])
        self._select_scope_row()
        self.csm_title.setText(f"Per CSM over {start} to {end} (whole range)")
        self._plot(rows)

    def _select_scope_row(self) -> None:
        wanted = self.owner or WHOLE_BOOK
        for row, (label, _fig) in enumerate(self.csm_model.rows):
            if label == wanted:
                self.csm_table.selectRow(row)
                return

    def _plot(self, rows: list[tuple[str, RetentionFigures]]) -> None:
        x = np.arange(len(rows), dtype=float)

        def pct(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else 100 * v for v in values], dtype=float)

        nrr = pct([r.net_mrr_retention for _l, r in rows])
        grr = pct([r.gross_mrr_retention for _l, r in rows])
        for curve, y in ((self.nrr_curve, nrr), (self.grr_curve, grr)):
            # pyqtgraph warns on an all-NaN line (an empty book): show nothing instead.
            if np.isfinite(y).any():
                curve.setData(x, y)
            else:
                curve.setData([], [])
        # Pad x so the edge labels fit; keep at least 95-101% in view so that a 0.3-point
        # wobble does not look like a cliff.
        pad = max(0.5, len(rows) / 10)
        self.plot.setXRange(-pad, max(len(rows), 1) - 1 + pad, padding=0)
        both = np.concatenate([nrr, grr])
        finite = both[np.isfinite(both)]
        lo = min(95.0, float(finite.min()) - 1) if finite.size else 95.0
        hi = max(101.0, float(finite.max()) + 1) if finite.size else 101.0
        self.plot.setYRange(lo, hi, padding=0)
        step = max(1, -(-len(rows) // 6))  # at most six labels fit under the chart
        self.plot.getAxis("bottom").setTicks(
            [[(i, label) for i, (label, _r) in enumerate(rows) if i % step == 0]]
        )
