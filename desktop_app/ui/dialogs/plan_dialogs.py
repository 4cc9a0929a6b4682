"""Small dialogs of the plan view: a forecast call with a note, and a CSM's target."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desktop_app.domain.forecast import CALL_LABEL, Call
from desktop_app.services.managers import CallRecord


class CallDialog(QDialog):
    """Pick a forecast call; the app's suggestion and why are shown beside it."""

    def __init__(
        self,
        account: str,
        current: Call | None,
        suggested: Call,
        why: str,
        parent: QWidget | None = None,
        history: Sequence[CallRecord] | None = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Forecast call: {account}")
        self.setMinimumWidth(480)
        self.combo = QComboBox(self)
        for c in Call:
            self.combo.addItem(CALL_LABEL[c], c.value)
        self.combo.setCurrentIndex(list(Call).index(current or suggested))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Why (optional): what you heard, what is planned")
        hint = QLabel(f"The app suggests <b>{CALL_LABEL[suggested]}</b>: {why}.", self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Call", self.combo)
        form.addRow("", hint)
        form.addRow("Note", self.note)
        self.history = QLabel("Reading earlier calls…", self)
        self.history.setWordWrap(True)
        form.addRow("Earlier calls", self.history)
        form.addRow(buttons)
        if history is not None:
            self.set_history(history)

    def set_history(self, history: Sequence[CallRecord]) -> None:
        """Show the account's earlier calls (newest first; ``None`` passed: still reading)."""
        past = [
            f"{r.created_at:%Y-%m-%d} {CALL_LABEL[r.call]}"
            + (f" by {r.author}" if r.author else "")
            + (f": {r.note}" if r.note else "")
            for r in history[:6]
        ]
        self.history.setText("<br>".join(escape(p) for p in past) or "No call yet.")

    def call(self) -> Call:
        return Call(self.combo.currentData())


class TargetDialog(QDialog):
    """A renewal target for one CSM and quarter: ARR in dollars or gross retention %."""

    def __init__(
        self,
        csm: str,
        quarter: str,
        kind: str = "grr",
        value: float | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Renewal target: {csm}, {quarter}")
        self.setMinimumWidth(400)
        self.kind = QComboBox(self)
        self.kind.addItem("Gross retention (% of ARR due)", "grr")
        self.kind.addItem("Retained ARR ($)", "arr")
        self.kind.setCurrentIndex(0 if kind == "grr" else 1)
        self.value = QDoubleSpinBox(self)
        self.value.setDecimals(0)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        if value is not None:
            self.value.setValue(100 * value if kind == "grr" else value)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Target", self.kind)
        form.addRow("Value", self.value)
        form.addRow(buttons)

    def _kind_changed(self) -> None:
        grr = self.kind.currentData() == "grr"
        self.value.setRange(0, 150 if grr else 1e10)
        self.value.setSuffix(" %" if grr else "")
        self.value.setPrefix("" if grr else "$ ")
        self.value.setSingleStep(1 if grr else 10000)
        if grr and self.value.value() == 0:
            self.value.setValue(90)

    def target(self) -> tuple[str, float]:
        kind = str(self.kind.currentData())
        v = float(self.value.value())
        return kind, v / 100.0 if kind == "grr" else v
