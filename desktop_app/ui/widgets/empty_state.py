"""What the window shows when the book has no accounts yet."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    importRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>Your book is empty</h2>", self)
        text = QLabel(
            "Import the exports you already have — a Salesforce account report, Recurly "
            "subscriptions, a monthly usage sheet, a Jira or case export, NPS responses — "
            "as .xlsx, .xls, .ods or .csv, exactly as the tools export them.<br>"
            "You can also drop files onto this window, or explore a realistic demo book first.",
            self,
        )
        text.setWordWrap(True)
        text.setMaximumWidth(560)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_button = QPushButton("Import files…", self)
        self.import_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo book", self)
        self.import_button.clicked.connect(self.importRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for w in (title, text, self.import_button, self.demo_button):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
