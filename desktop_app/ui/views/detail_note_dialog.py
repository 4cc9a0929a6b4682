"""A small dialog to write a note (kind + text)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.book import NOTE_KINDS
from desktop_app.ui.geometry import fit_to_screen


class NoteDialog(QDialog):
    def __init__(self, account_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add note — {account_name}")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Kind:", self))
        self.kind = QComboBox(self)
        self.kind.addItems(list(NOTE_KINDS))
        lay.addWidget(self.kind)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("What happened, what's next…")
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        fit_to_screen(self, 460, 260)

    def values(self) -> tuple[str, str]:
        return self.text.toPlainText(), self.kind.currentText()
