"""File > Connect to team database…: the dialog, passwords never kept, the status bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import make_url

from desktop_app.cli import main
from desktop_app.store.engine import Store
from desktop_app.ui.dialogs.connect_dialog import ConnectDialog, open_team
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from tests import pg

RECENT = ["postgresql+psycopg://db.example.com:5432/accounts"]


def test_dialog_applies_the_login_and_drops_any_password(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ConnectDialog(RECENT, "", None)
    qtbot.addWidget(dialog)
    assert dialog.url_edit.text() == RECENT[0]  # the most recent connection is offered
    dialog.url_edit.setText("postgresql://holly:secret@db.example.com/accounts")
    dialog.login_edit.setText("holly")
    url = dialog.url()
    assert "secret" not in url
    assert make_url(url).username == "holly"
    assert make_url(url).drivername == "postgresql+psycopg"
    dialog.url_edit.setText("sqlite:///x.db")
    dialog.buttons.accepted.emit()
    assert "PostgreSQL URL" in dialog.error_label.text()
    assert dialog.result() == 0


@pytest.fixture
def window(qtbot, demo_store: Store, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(demo_store, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=10000):
        w.show()
    yield w
    w.close()


@pytest.mark.parametrize("dialect", [pg.param()], indirect=True)
def test_connecting_as_a_csm_shows_her_book_and_role(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, demo_url: str, tmp_path: Path
) -> None:
    assert main(["--db", demo_url, "server", "init"]) == 0
    assert main(["--db", demo_url, "server", "grant", "--csm", "Holly Grant",
                 "--login", "holly"]) == 0  # fmt: skip
    url = pg.url_for(str(make_url(demo_url).database), user="holly")
    with qtbot.waitSignal(window.bookLoaded, timeout=20000):
        assert open_team(window, url)
    owners = {window.book.owner[i] for i in range(len(window.book))}
    assert owners == {"Holly Grant"}
    status = window.status_db.text()
    assert status.startswith("Team database 127.0.0.1")
    assert "as holly (csm)" in status
    assert window.settings.get("recent_team_databases")[0] == url
    window.settings.sync()
    assert "password" not in (tmp_path / "settings.ini").read_text().lower()


@pytest.mark.parametrize("dialect", [pg.param()], indirect=True)
def test_another_clients_edit_reloads_only_that_account(  # type: ignore[no-untyped-def]
    qtbot, demo_url: str, tmp_path: Path
) -> None:
    """Two real clients: this window, and another process that overrides one account's band
    then rescores the book. The window reloads that account's row only (no new book for the
    views), then the whole book after the rescoring."""
    import subprocess
    import sys

    from desktop_app.services.database import open_database

    store = open_database(demo_url)
    w = MainWindow(store, Settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.bookLoaded, timeout=20000):
        w.show()
    assert w._team_watch is not None
    assert w._team_watch.active
    row = 3
    aid = int(w.book.account_id[row])
    assert w.book.override_band[row] is None
    replaced: list[bool] = []
    w.state.bookReplaced.connect(lambda: replaced.append(True))
    code = (
        "import sys; from desktop_app.store.engine import open_store;"
        "from desktop_app.services.health.overrides import set_override;"
        "s = open_store(sys.argv[1]);"
        "set_override(s, int(sys.argv[2]), 'Escalation', 'Other', 'exec call', 'Tom');"
        "s.dispose()"
    )
    with qtbot.waitSignal(w.state.accountsChanged, timeout=20000) as changed:
        subprocess.run([sys.executable, "-c", code, demo_url, str(aid)], check=True)
    assert changed.args[0].tolist() == [aid]
    assert w.book.override_band[row] == "Escalation"  # the other client's edit, on screen
    assert replaced == []  # only that row was read and merged: no whole-book reload
    index = w.model.index(int(w.model.rows_for_accounts(np.array([aid]))[0]), 0)
    assert index.isValid()
    with qtbot.waitSignal(w.state.bookReplaced, timeout=120000):
        subprocess.run([sys.executable, "-m", "desktop_app", "--db", demo_url, "score"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    w.close()


@pytest.mark.parametrize("dialect", [pg.param()], indirect=True)
def test_a_refused_rescore_is_one_line_in_the_gui(qtbot, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.database import open_database
    from desktop_app.services.health.scoring import rescore
    from desktop_app.ui.workers import Worker

    assert main(["--db", demo_url, "server", "init"]) == 0
    assert main(["--db", demo_url, "server", "grant", "--csm", "Holly Grant",
                 "--login", "holly"]) == 0  # fmt: skip
    store = open_database(pg.url_for(str(make_url(demo_url).database), user="holly"))
    try:
        worker = Worker(rescore, store)
        messages: list[str] = []
        worker.signals.failed.connect(messages.append)
        worker.run()  # on this thread: the same code path as on the pool
        assert messages == ["Your role cannot rescore the book; ask CS operations."]
    finally:
        store.dispose()
