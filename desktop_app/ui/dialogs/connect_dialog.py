"""File > Connect to team database…: a PostgreSQL URL, the login role, recent connections.

Passwords are never written anywhere: the URL remembered in the settings has none, and the
server's password comes from libpq (``~/.pgpass``, ``PGSERVICE``) or from the prompt that
``prompt_password`` shows when the server asks for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.team import team_url

if TYPE_CHECKING:
    from desktop_app.services.database import Store
    from desktop_app.ui.main_window import MainWindow

PLACEHOLDER = "postgresql+psycopg://db.example.com:5432/accounts"


class ConnectDialog(QDialog):
    """Asks for a team database URL and a login role; ``url()`` is the URL to open."""

    def __init__(self, recent: list[str], current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to team database")
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.login_edit = QLineEdit(self)
        self.login_edit.setPlaceholderText("your login, e.g. holly (default: from the URL)")
        self.recent_list = QListWidget(self)
        self.recent_list.addItems(recent)
        self.recent_list.currentTextChanged.connect(self._use_recent)
        self.recent_list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: palette(highlight)")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Server URL:", self.url_edit)
        form.addRow("Login role:", self.login_edit)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                "Connect to your team's PostgreSQL database. Passwords are not saved: keep "
                "yours in ~/.pgpass, or type it when the server asks.",
                self,
            )
        )
        lay.addLayout(form)
        lay.addWidget(QLabel("Recent connections:", self))
        lay.addWidget(self.recent_list)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        if current:
            self.url_edit.setText(current)
        elif recent:
            self.recent_list.setCurrentRow(0)
        self.resize(560, 380)

    def _use_recent(self, text: str) -> None:
        if text:
            self.url_edit.setText(text)
            self.login_edit.clear()

    def url(self) -> str:
        """The URL to open, with the login role applied (never a password)."""
        return team_url(self.url_edit.text(), self.login_edit.text())

    def _check_and_accept(self) -> None:
        try:
            self.url()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


def prompt_password(parent: QWidget | None, url: str, *, again: bool = False) -> str | None:
    """Ask for the password of ``url`` (kept in memory for this connection only)."""
    from desktop_app.services.team import url_label

    where = url_label(url)
    head = "That password was refused. " if again else ""
    text, ok = QInputDialog.getText(
        parent,
        "Team database password",
        f"{head}Password for {where} (not saved; keep it in ~/.pgpass to skip this):",
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


def connect_to_team(window: MainWindow) -> bool:
    """File > Connect to team database…: ask, connect, remember (without password), switch."""
    location = window.store.location
    current = location if "://" in location else ""
    dialog = ConnectDialog(window.settings.get("recent_team_databases"), current, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return open_team(window, dialog.url())


def open_with_password(parent: QWidget | None, url: str) -> Store | None:
    """Open ``url``, asking for a password only when the server wants one.

    libpq looks first (``PGPASSWORD``, ``~/.pgpass``, ``PGSERVICE``); the prompt comes only
    when none of them had it. The password lives in memory for this connection: the store's
    ``location`` (remembered in the settings) has none. None when the user cancels; raises
    ``StoreError`` (password masked) for any other failure.
    """
    from desktop_app.services.database import StoreError, open_database
    from desktop_app.services.team import needs_password, with_password

    password: str | None = None
    while True:
        target = url if password is None else with_password(url, password)
        try:
            return open_database(target)
        except StoreError as exc:
            message = str(exc).replace(password, "***") if password else str(exc)
            if not needs_password(message):
                raise StoreError(message) from None
            password = prompt_password(parent, url, again=password is not None)
            if password is None:
                return None


def open_team(window: MainWindow, url: str) -> bool:
    """Open a team database in ``window``; ask for a password only if the server wants one."""
    from desktop_app.services.database import StoreError

    try:
        store = open_with_password(window, url)
    except StoreError as exc:
        window.show_error(str(exc))
        return False
    if store is None:
        return False
    recent = [u for u in window.settings.get("recent_team_databases") if u != url]
    window.settings.set("recent_team_databases", [url, *recent][:8])
    window.settings.set("last_database", store.location)
    window.switch_store(store)
    return True
