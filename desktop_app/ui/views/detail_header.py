"""The header block of the detail pane: identity, money, renewal, band with score and trend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.ui import theme
from desktop_app.ui.formatting import day, money

if TYPE_CHECKING:
    from desktop_app.services.book import DetailHeader, SnapshotRow

_GREY = "#9A9A9A"


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DetailHeaderWidget(QWidget):
    overrideClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.name_label = QLabel(self)
        self.name_label.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setWordWrap(True)
        self.ids_label = QLabel(self)
        self.ids_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ids_label.setStyleSheet(theme.muted_css())
        self.ids_label.setWordWrap(True)
        self.owner_label = QLabel(self)
        self.money_label = QLabel(self)
        self.renewal_label = QLabel(self)
        # Labels wrap so a long override note never makes the dock scroll sideways.
        for label in (self.owner_label, self.money_label, self.renewal_label):
            label.setWordWrap(True)
        self.band_label = QLabel(self)
        self.band_label.setTextFormat(Qt.TextFormat.RichText)
        self.override_label = QLabel(self)
        self.override_label.setTextFormat(Qt.TextFormat.RichText)
        self.override_label.setWordWrap(True)
        self.history_label = QLabel(self)
        self.history_label.setStyleSheet(theme.muted_css())
        self.history_label.setWordWrap(True)
        self.override_button = QPushButton("Override band…", self)
        self.override_button.clicked.connect(self.overrideClicked)
        band_row = QHBoxLayout()
        band_row.addWidget(self.band_label)
        band_row.addStretch(1)
        band_row.addWidget(self.override_button)
        grid.addWidget(self.name_label, 0, 0, 1, 2)
        grid.addWidget(self.ids_label, 1, 0, 1, 2)
        # One fact per line: side by side they wrapped mid-name in a narrow dock.
        for row, widget in enumerate(
            (self.owner_label, self.money_label, self.renewal_label), start=2
        ):
            grid.addWidget(widget, row, 0, 1, 2)
        grid.addLayout(band_row, 5, 0, 1, 2)
        grid.addWidget(self.override_label, 6, 0, 1, 2)
        grid.addWidget(self.history_label, 7, 0, 1, 2)

    def set_header(self, h: DetailHeader, snapshots: list[SnapshotRow]) -> None:
        self.name_label.setText(h.name)
        ids = [
            f"SF {h.sf_account_id or '—'}",
            f"LMS {h.lms_id or '—'}",
            f"Recurly {h.recurly_id or '—'}",
            f"#{h.account_id}",
        ]
        self.ids_label.setText("  ·  ".join(ids))
        seg = f" · {h.segment}" if h.segment else ""
        self.owner_label.setText(
            f"Owner: <b>{_esc(h.owner or '—')}</b> · TL {_esc(h.team_lead or '—')}{seg}"
        )
        seats = f" · {h.seats:,} seats" if h.seats else ""
        self.money_label.setText(f"ARR <b>{money(h.arr)}</b> · MRR {money(h.mrr)}{seats}")
        self.renewal_label.setText(_renewal_text(h))
        self.band_label.setText(_band_html(h))
        self.override_label.setText(override_html(h))
        self.override_label.setVisible(h.override is not None)
        self.override_label.setToolTip((h.override.note or "") if h.override else "")
        self.history_label.setText(_history_text(snapshots))


def _renewal_text(h: DetailHeader) -> str:
    if h.lifecycle == "churned":
        kind = h.churn_type or "unknown"
        reason = f" — {_esc(h.churn_reason)}" if h.churn_reason else ""
        text = f"<b>Churned</b> {day(h.churn_date)} ({kind}){reason}"
        return f"<span style='color:{theme.warn_colour().name()}'>{text}</span>"
    if h.renewal_date is None or h.days_to_renewal is None:
        return "Renewal: —"
    d = h.days_to_renewal
    left = f"{d} days left" if d >= 0 else f"{-d} days overdue"
    warn, caution = theme.warn_colour().name(), theme.caution_colour().name()
    style = (
        f"color:{warn}; font-weight:600;" if d < 30 else (f"color:{caution};" if d <= 90 else "")
    )
    return f"Renewal {day(h.renewal_date)} · <span style='{style}'>{left}</span>"


def band_badge(band: str | None) -> str:
    """A band name on its colour (colour-blind-safe palette), as rich text."""
    colour = BAND_COLOURS.get(HealthBand(band), _GREY) if band in set(HealthBand) else _GREY
    return (
        f"<span style='background:{colour}; color:{theme.text_on(colour)};'>"
        f"&nbsp;{_esc(band or 'No band')}"
        "&nbsp;</span>"
    )


def _band_html(h: DetailHeader) -> str:
    score = "not scored" if h.score is None else f"score {h.score:.0f}"
    trend = f" {h.trend}" if h.trend and h.score is not None else ""
    return f"{band_badge(h.band)} &nbsp;{score}{trend}"


def override_html(h: DetailHeader) -> str:
    """The override badge beside the computed band, with who set it, why and when."""
    o = h.override
    if o is None:
        return ""
    warn, muted = theme.warn_colour().name(), theme.muted_colour().name()
    review = f" · <b style='color:{warn}'>needs review</b>" if o.needs_review else ""
    return (
        f"<span style='border:1px solid {muted}; color:{muted};'>&nbsp;OVERRIDE&nbsp;</span>"
        f" &nbsp;computed {band_badge(h.computed_band)}"
        f" <span style='color:{muted}'>· {_esc(o.reason_code)} by {_esc(o.author or '?')}"
        f" on {day(o.created_at)}{review}</span>"
    )


def _history_text(snapshots: list[SnapshotRow]) -> str:
    scored = [s for s in snapshots if s.score is not None][-6:]
    if not scored:
        return ""
    parts = [f"{s.month.strftime('%b')} {s.score:.0f}" for s in scored]
    return "Health history: " + " → ".join(parts)
