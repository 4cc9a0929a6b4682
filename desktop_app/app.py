"""Composition root of the GUI: QApplication, settings, store, main window."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import APP_ID, APP_NAME, ORG, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.database import Store
    from desktop_app.ui.main_window import MainWindow


def run(db: str | None = None, demo: bool = False, self_test: bool = False) -> int:
    """Open the main window; returns the process exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app.pyside_scan import skip_source_scan

    skip_source_scan()  # before the imports below: PySide6 would read all their sources
    from desktop_app.services.database import StoreError
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings import Settings, default_settings_path

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG)
    app.setApplicationVersion(__version__)
    QApplication.setDesktopFileName(APP_ID)
    from desktop_app.ui.theme import follow_color_scheme

    follow_color_scheme(app)
    sigterm = _SigtermClose(app)
    settings = Settings(default_settings_path())
    demo_dir: Path | None = None
    try:
        if demo:
            from desktop_app.services.demo import create_demo_store

            demo_dir = Path(tempfile.mkdtemp(prefix="account-desk-demo-"))
            store = create_demo_store(demo_dir)
        else:
            opened = open_start_database(db or settings.get("last_database") or None)
            if opened is None:
                sigterm.uninstall()
                print("account-desk: no password given for the team database", file=sys.stderr)
                return 2
            store = opened
            settings.add_recent_database(store.location)
    except StoreError as exc:
        sigterm.uninstall()
        QMessageBox.critical(None, APP_NAME, str(exc))
        print(f"account-desk: error: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(store, settings, demo=demo)
    window.show()
    sigterm.window = window
    if self_test:
        # Used by the packaging smoke test and benchmarks/startup.py: report when the
        # table is filled and painted, then close.
        def ready() -> None:
            window.table.viewport().repaint()
            print(f"ready {time.time():.6f} rows={window.model.rowCount()}", flush=True)
            QTimer.singleShot(50, window.close)

        window.bookLoaded.connect(ready)
    code = app.exec()
    sigterm.uninstall()
    window.store.dispose()
    for directory in [demo_dir, *window.temp_dirs]:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
    if sigterm.requested:
        print("account-desk: terminated", file=sys.stderr)
        return 143
    return int(code)


def open_start_database(location: str | None) -> Store | None:
    """The database to start on: a file, or a saved team URL (password asked for only when
    libpq has none for it; never saved). None when the user cancels the password prompt.

    Raises ``StoreError`` when it cannot be opened.
    """
    from desktop_app.services.database import open_database

    if location is None or "://" not in location or location.startswith("sqlite"):
        return open_database(location)
    from desktop_app.ui.dialogs.connect_dialog import open_with_password

    return open_with_password(None, location)


class _SigtermClose:
    """SIGTERM (logout, ``kill``) closes the window like the user would: its state is saved
    and workers are cancelled (exports write a temporary file and rename it, so none is
    left half-written). Installed as soon as the QApplication exists; a SIGTERM before the
    window is up closes it as soon as the event loop runs."""

    def __init__(self, app: QApplication) -> None:
        import signal

        from PySide6.QtCore import QTimer

        self.app = app
        self.window: MainWindow | None = None
        self.requested = False
        self._previous = signal.signal(signal.SIGTERM, self._on_signal)
        # Python runs signal handlers only when it holds the interpreter: wake it up.
        self._tick = QTimer(app)
        self._tick.timeout.connect(lambda: None)
        self._tick.start(200)

    def _on_signal(self, _signum: int, _frame: object) -> None:
        from PySide6.QtCore import QTimer

        self.requested = True
        QTimer.singleShot(0, self._close)

    def _close(self) -> None:
        if self.window is not None:
            self.window.close()
        self.app.quit()

    def uninstall(self) -> None:
        import signal

        self._tick.stop()
        signal.signal(signal.SIGTERM, self._previous)


def main() -> int:
    """Entry point of the ``account-desk-gui`` script."""
    return run(demo="--demo" in sys.argv[1:], self_test="--self-test" in sys.argv[1:])
