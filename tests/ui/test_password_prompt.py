"""Starting on a saved team URL whose server asks for a password: a prompt, never a save.

The private test server trusts loopback logins; one login here (``ad_pw_carol``) is made to
need a password (a ``scram-sha-256`` line for it alone, first in ``pg_hba.conf``, removed
afterwards). libpq is given nowhere to find one (no ``PGPASSWORD``, an empty passfile), so
the app must ask; with a passfile entry it must not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop_app.app import open_start_database
from desktop_app.cli import main
from desktop_app.services.team.server import connection_info
from desktop_app.ui.settings import Settings
from tests import pg

pytestmark = pytest.mark.parametrize("dialect", [pg.param()], indirect=True)

LOGIN, SECRET = "ad_pw_carol", "s3cret-Horse-battery"


def _admin_scalar(sql: str) -> str:
    return str(pg._admin().execute(sql).fetchone()[0])


@pytest.fixture
def password_login(demo_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The demo book's URL for a login that must give a password (and libpq knows none)."""
    hba = Path(_admin_scalar("SHOW hba_file"))
    original = hba.read_text()
    line = f"host all {LOGIN} 127.0.0.1/32 scram-sha-256\n"
    pg.admin_execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LOGIN}') "
        f"THEN CREATE ROLE {LOGIN} LOGIN; END IF; END $$"
    )
    pg.admin_execute(f"ALTER ROLE {LOGIN} PASSWORD '{SECRET}'")
    database = str(make_url(demo_url).database)
    assert main(["--db", demo_url, "server", "init"]) == 0
    assert main(["--db", demo_url, "server", "grant", "--csm", "Holly Grant",
                 "--login", LOGIN]) == 0  # fmt: skip
    hba.write_text(line + original)
    pg.admin_execute("SELECT pg_reload_conf()")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGSERVICE", raising=False)
    empty = tmp_path / "pgpass"
    empty.write_text("")
    empty.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(empty))
    try:
        yield pg.url_for(database, user=LOGIN)
    finally:
        hba.write_text(original)
        pg.admin_execute("SELECT pg_reload_conf()")


def _answer_prompt(qtbot: QtBot, text: str | None, seen: list[str]) -> None:
    """Type ``text`` into the password prompt once it shows (None: press Cancel)."""

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)]
        visible = [d for d in dialogs if d.isVisible()]
        if not visible:
            QTimer.singleShot(50, answer)
            return
        dialog = visible[0]
        seen.append(dialog.labelText())
        assert dialog.textEchoMode() == dialog.textEchoMode().Password
        if text is None:
            dialog.reject()
        else:
            dialog.setTextValue(text)
            dialog.accept()

    QTimer.singleShot(50, answer)


def test_a_saved_team_url_asks_for_the_password_and_never_saves_it(
    qtbot: QtBot, password_login: str, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "settings.ini")
    settings.set("last_database", password_login)
    settings.sync()
    prompts: list[str] = []
    _answer_prompt(qtbot, SECRET, prompts)
    store = open_start_database(settings.get("last_database"))
    assert store is not None
    try:
        assert len(prompts) == 1
        assert f"{LOGIN}@127.0.0.1" in prompts[0]
        assert connection_info(store).role == LOGIN
        assert SECRET not in store.location
        settings.add_recent_database(store.location)
        settings.set("last_database", store.location)
        settings.sync()
    finally:
        store.dispose()
    saved = (tmp_path / "settings.ini").read_text()
    assert password_login in saved  # the URL is remembered...
    assert SECRET not in saved  # ...its password is not
    assert "password" not in saved.lower()


def test_a_wrong_password_asks_again_and_cancel_starts_nothing(
    qtbot: QtBot, password_login: str
) -> None:
    prompts: list[str] = []
    _answer_prompt(qtbot, "wrong", prompts)
    # After the refusal, the second prompt is cancelled.
    QTimer.singleShot(0, lambda: _answer_prompt(qtbot, None, prompts))
    assert open_start_database(password_login) is None
    assert len(prompts) == 2
    assert "refused" in prompts[1]


def test_a_pgpass_entry_means_no_prompt(password_login: str, tmp_path: Path) -> None:
    url = make_url(password_login)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"{url.host}:{url.port}:{url.database}:{LOGIN}:{SECRET}\n")
    passfile.chmod(0o600)
    store = open_start_database(password_login)  # a prompt here would block the test
    assert store is not None
    try:
        assert connection_info(store).role == LOGIN
    finally:
        store.dispose()
