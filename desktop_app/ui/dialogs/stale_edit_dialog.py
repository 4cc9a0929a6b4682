"""Someone else saved first: show their value (what, who, when) beside yours, and let the
user re-apply theirs or keep the other's, in one dialog.

Shown when a write is refused as stale (``services.errors.StaleEdit``): on a team database
two people edited the same override, note, checklist answer or snooze.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.services.errors import StaleEdit
from desktop_app.ui import theme


class StaleEditDialog(QDialog):
    """``Apply mine`` (accepted) writes the user's value on top; ``Keep theirs`` (rejected)
    leaves the other person's value."""

    def __init__(self, stale: StaleEdit, mine: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else changed this")
        self.stale = stale
        who = stale.who or "someone else"
        when = f" on {stale.when:%Y-%m-%d at %H:%M}" if stale.when is not None else ""
        self.heading = QLabel(
            f"<b>{escape(who)}</b> saved a change{escape(when)} after you opened this.", self
        )
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.theirs_label = QLabel(f"<b>Now:</b> {escape(stale.what or str(stale))}", self)
        self.mine_label = QLabel(f"<b>Yours:</b> {escape(mine)}", self)
        for label in (self.theirs_label, self.mine_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel("Apply yours to replace it, or keep theirs (yours is dropped).", self)
        hint.setStyleSheet(theme.muted_css())
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            "Apply mine", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.keep_button = self.buttons.addButton(
            "Keep theirs", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.keep_button.setDefault(True)  # the safe choice: nothing of theirs is lost
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (self.heading, self.theirs_label, self.mine_label, hint):
            lay.addWidget(w)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(460)
