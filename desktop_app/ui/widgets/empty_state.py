"""What the window shows when the book has no accounts yet."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

SOURCES_TEXT = (
    "Import the exports you already have: a Salesforce account report, Recurly "
    "subscriptions, a monthly usage sheet, a Jira or case export, NPS responses. "
    "Use .xlsx, .xls, .ods or .csv files exactly as the tools export them."
)
DROP_TEXT = "Or drop the files anywhere on this window."


class EmptyState(QWidget):
    """The first-run page: what to import, the drop hint, and the two ways to start.

    The texts sit in a column of bounded width laid out without alignment flags, so Qt gives
    each wrapped label the height its width needs (an aligned label keeps its one-line
    height hint and is clipped mid-sentence).
    """

    importRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<h2>Your book is empty</h2>", self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = self._wrapped(SOURCES_TEXT)
        self.drop_hint = self._wrapped(f"<b>{DROP_TEXT}</b>")
        self.demo_hint = self._wrapped("New here? Explore a realistic demo book first.")
        self.import_button = QPushButton("Import files…", self)
        self.import_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo book", self)
        self.import_button.clicked.connect(self.importRequested)
        self.demo_button.clicked.connect(self.demoRequested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        self.column = QWidget(self)
        self.column.setMaximumWidth(620)
        self.column.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        inner = QVBoxLayout(self.column)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        inner.addSpacing(6)
        inner.addLayout(buttons)
        inner.addSpacing(6)
        inner.addWidget(self.drop_hint)
        inner.addWidget(self.demo_hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.column, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)

    def _wrapped(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        label.setMinimumWidth(240)
        return label

    def labels(self) -> tuple[QLabel, ...]:
        """The wrapped texts (tests check that none is clipped)."""
        return (self.text, self.drop_hint, self.demo_hint)
