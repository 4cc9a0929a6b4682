"""Override an account's health band: band, reason code, note, optional expiry."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Literal

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.domain.accounts import BAND_COLOURS, BAND_ORDER
from desktop_app.domain.health import HealthExplanation
from desktop_app.services.book import account_name
from desktop_app.services.database import Store
from desktop_app.services.health import OVERRIDE_REASONS, explain
from desktop_app.ui import theme
from desktop_app.ui.formatting import measure_value
from desktop_app.ui.workers import run_task

DATE_FORMAT = "yyyy-MM-dd"


def top_reason(ex: HealthExplanation | None) -> str:
    """Why the computed band is what it is: the measure that costs the score most points."""
    if ex is None:
        return "Not scored: churned and not-yet-scored accounts have no computed band."
    why = f"Why: <b>{html.escape(ex.band_reason)}</b><br>" if ex.band_reason else ""
    line = ex.dragging_line
    if line is None:
        return why + "Nothing drags the score down: every measure scores full points."
    text = why + (
        f"Dragging it down most: <b>{line.label}</b> "
        f"({measure_value(line.measure, line.raw)}), "
        f"costing {line.lost:.1f} of 100 points"
    )
    if ex.organic_contraction:
        text += "<br>Usage decline tracks the customer's own seats: organic contraction."
    return text


@dataclass(frozen=True, slots=True)
class OverrideValues:
    band: str
    reason_code: str
    note: str
    expires_on: date | None
    #: The active override when the dialog opened (None: none; "any": not known): if
    #: another client changes it meanwhile, the save is refused as stale.
    expected_active: int | Literal["any"] | None = "any"


def read_account(store: Store, account_id: int) -> tuple[str | None, HealthExplanation | None]:
    """On a worker: the account's name and its health explanation."""
    return account_name(store, account_id), explain(store, account_id)


class OverrideDialog(QDialog):
    """Shows the computed band and score beside the band the user sets.

    Opens at once; the account's name and computed band are read on a worker and fill in
    (a band the user already picked is kept).
    """

    def __init__(self, store: Store, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_id = account_id
        self.account_name = f"#{account_id}"
        self.setWindowTitle(f"Override health band — {self.account_name}")
        self.explanation: HealthExplanation | None = None
        self._reading = True
        self._band_picked = False
        self.computed_label = QLabel("<i>reading the computed band…</i>", self)
        self.computed_label.setTextFormat(Qt.TextFormat.RichText)
        self.reason_label = QLabel(self)
        self.reason_label.setTextFormat(Qt.TextFormat.RichText)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(theme.muted_css())
        self.band_combo = QComboBox(self)
        self.band_combo.addItems([b.value for b in BAND_ORDER])
        self.band_combo.activated.connect(self._picked)
        self.reason_combo = QComboBox(self)
        self.reason_combo.addItems(list(OVERRIDE_REASONS))
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText("Why does the computed band not fit?")
        self.expiry_check = QCheckBox("Review by", self)
        self.expiry_edit = QDateEdit(self)
        self.expiry_edit.setCalendarPopup(True)
        self.expiry_edit.setDisplayFormat(DATE_FORMAT)
        self.expiry_edit.setDate(QDate.currentDate().addDays(90))
        self.expiry_edit.setEnabled(False)
        self.expiry_check.toggled.connect(self.expiry_edit.setEnabled)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Computed band:", self.computed_label)
        form.addRow("", self.reason_label)
        form.addRow("Set band:", self.band_combo)
        form.addRow("Reason:", self.reason_combo)
        form.addRow("Note:", self.note_edit)
        form.addRow(self.expiry_check, self.expiry_edit)
        form.addRow(self.buttons)
        self.setMinimumWidth(500)
        run_task(read_account, store, account_id, done=self._read, failed=self._not_read)

    def loading(self) -> bool:
        return self._reading

    def _picked(self, _index: int) -> None:
        self._band_picked = True

    def _read(self, result: tuple[str | None, HealthExplanation | None]) -> None:
        self._reading = False
        name, ex = result
        self.account_name = name or f"#{self.account_id}"
        self.setWindowTitle(f"Override health band — {self.account_name}")
        self.explanation = ex
        self.computed_label.setText(_computed_html(ex))
        self.reason_label.setText(top_reason(ex))
        if ex is not None and not self._band_picked:
            self.band_combo.setCurrentText(ex.override_band or ex.band.value)

    def _not_read(self, message: str) -> None:
        self._reading = False
        self.computed_label.setText(html.escape(f"Not read: {message}"))

    def result_values(self) -> OverrideValues:
        expires = None
        if self.expiry_check.isChecked():
            expires = self.expiry_edit.date().toPython()
        return OverrideValues(
            band=self.band_combo.currentText(),
            reason_code=self.reason_combo.currentText(),
            note=self.note_edit.toPlainText().strip(),
            expires_on=expires,  # type: ignore[arg-type]
            expected_active="any" if self.explanation is None else self.explanation.override_id,
        )


def _computed_html(ex: HealthExplanation | None) -> str:
    if ex is None:
        return "<i>not scored</i>"
    score = "-" if ex.score is None else f"{ex.score:.0f}"
    colour = BAND_COLOURS[ex.band]
    badge = f"<span style='background:{colour}; color:white;'>&nbsp;{ex.band.value}&nbsp;</span>"
    text = f"{badge} &nbsp;score {score} (rests on {ex.confidence} measures)"
    if ex.override_band:
        text += f"<br>Currently overridden to <b>{ex.override_band}</b>"
    return text
