"""Override an account's health band: band, reason code, note, optional expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
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

from desktop_app.domain.accounts import BAND_ORDER
from desktop_app.services.health_overrides import OVERRIDE_REASONS
from desktop_app.services.scoring import explain
from desktop_app.store.engine import Store


@dataclass(frozen=True, slots=True)
class OverrideValues:
    band: str
    reason_code: str
    note: str
    expires_on: date | None


class OverrideDialog(QDialog):
    """Shows the computed band and score beside the band the user sets."""

    def __init__(self, store: Store, account_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Override health band")
        self.account_id = account_id
        self.explanation = explain(store, account_id)
        ex = self.explanation
        computed = "not scored yet"
        if ex is not None:
            score = "-" if ex.score is None else f"{ex.score:.0f}"
            computed = f"{ex.band.value} (score {score})"
        self.computed_label = QLabel(computed, self)
        self.band_combo = QComboBox(self)
        self.band_combo.addItems([b.value for b in BAND_ORDER])
        if ex is not None:
            self.band_combo.setCurrentText(ex.override_band or ex.band.value)
        self.reason_combo = QComboBox(self)
        self.reason_combo.addItems(list(OVERRIDE_REASONS))
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText("Why does the computed band not fit?")
        self.expiry_check = QCheckBox("Review by", self)
        self.expiry_edit = QDateEdit(self)
        self.expiry_edit.setCalendarPopup(True)
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
        form.addRow("Set band:", self.band_combo)
        form.addRow("Reason:", self.reason_combo)
        form.addRow("Note:", self.note_edit)
        form.addRow(self.expiry_check, self.expiry_edit)
        form.addRow(self.buttons)

    def result_values(self) -> OverrideValues:
        expires = None
        if self.expiry_check.isChecked():
            expires = self.expiry_edit.date().toPython()
        return OverrideValues(
            band=self.band_combo.currentText(),
            reason_code=self.reason_combo.currentText(),
            note=self.note_edit.toPlainText().strip(),
            expires_on=expires,  # type: ignore[arg-type]
        )
