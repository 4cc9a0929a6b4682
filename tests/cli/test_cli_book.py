"""The public CLI: demo, accounts, db upgrade, exit codes."""

import json
from pathlib import Path

import pytest

from desktop_app.cli import main

REQUIRED_KEYS = {
    "sf_account_id",
    "name",
    "owner",
    "lms_id",
    "recurly_id",
    "mrr",
    "arr",
    "renewal_date",
    "mau",
    "open_tickets",
    "health_score",
    "health_band",
}


def test_demo_then_accounts_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.db")
    assert main(["--db", db, "demo", "--accounts", "40"]) == 0
    assert "40 accounts" in capsys.readouterr().out
    assert main(["--db", db, "accounts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 40
    for obj in data:
        assert obj.keys() >= REQUIRED_KEYS
        assert len(obj["sf_account_id"]) == 18
        if obj["renewal_date"] is not None:
            assert len(obj["renewal_date"]) == 10
    owner = data[0]["owner"]
    assert main(["--db", db, "accounts", "--json", "--owner", owner]) == 0
    mine = json.loads(capsys.readouterr().out)
    assert mine
    assert {o["owner"] for o in mine} == {owner}
    assert main(["--db", db, "accounts"]) == 0
    assert "40 accounts" in capsys.readouterr().out


def test_demo_twice_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.db")
    assert main(["--db", db, "demo", "--accounts", "5"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "demo", "--accounts", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("account-desk: error:")
    assert "already holds accounts" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "x.db"), "demo", "--accounts", "zero"]) == 2
    assert "not a whole number" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2
    assert main(["--db", str(tmp_path / "x.db"), "accounts", "--bogus"]) == 2


def test_bad_database_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00\x01garbage" * 10)
    assert main(["--db", str(bad), "accounts"]) == 2
    err = capsys.readouterr().err
    assert "not an Account Desk database" in err
    assert "Traceback" not in err


def test_db_upgrade_and_empty_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "new.db")
    assert main(["--db", db, "db", "upgrade"]) == 0
    assert "schema" in capsys.readouterr().out
    assert main(["--db", db, "accounts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", db, "accounts"]) == 0
    assert "No accounts" in capsys.readouterr().out


def test_default_database_lives_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACCOUNT_DESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["accounts", "--json"]) == 0
    assert (tmp_path / "data" / "account-desk.db").exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "account-desk" in capsys.readouterr().out


def test_services_do_not_import_qt(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, importlib, pkgutil, desktop_app, desktop_app.cli\n"
        "for pkg in ('domain', 'store', 'io', 'services'):\n"
        "    p = importlib.import_module('desktop_app.' + pkg)\n"
        "    for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.'):\n"
        "        if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_db_copy_moves_the_whole_book(
    demo_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A laptop's SQLite book onto an empty database (PostgreSQL: through COPY), row for row;
    the target then works on its own (a new note gets a fresh id), and a second copy is
    refused."""
    from desktop_app.services.book.notes import add_note
    from desktop_app.services.database import open_database
    from tests.dbdump import dump

    assert main(["--db", db_url, "db", "copy", str(demo_path)]) == 0
    assert "Copied 300 accounts" in capsys.readouterr().out
    assert dump(db_url, skip=("alembic_version",)) == dump(demo_path, skip=("alembic_version",))
    store = open_database(db_url)
    try:
        assert add_note(store, 1, "after the move", "Holly Grant") > 0  # sequences moved on
    finally:
        store.dispose()
    assert main(["--db", db_url, "db", "copy", str(demo_path)]) == 2
    assert "already holds accounts" in capsys.readouterr().err


def test_accounts_json_is_every_record_public_keys_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The column-wise JSON path prints exactly the records, the public keys first."""
    from dataclasses import asdict

    from desktop_app.commands.book import ACCOUNT_JSON_KEYS
    from desktop_app.services.book import account_records
    from desktop_app.services.database import open_database

    db = tmp_path / "d.db"
    assert main(["--db", str(db), "demo", "--accounts", "60"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "accounts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    store = open_database(db)
    try:
        records = account_records(store)
    finally:
        store.dispose()
    assert len(data) == len(records) == 60
    for obj, record in zip(data, records, strict=True):
        fields = asdict(record)
        rest = [k for k in fields if k not in ACCOUNT_JSON_KEYS and k != "id"]
        assert list(obj) == [*ACCOUNT_JSON_KEYS, *rest]
        for key, value in fields.items():
            if key == "id":
                continue
            want = value.isoformat() if hasattr(value, "isoformat") else value
            assert obj[key] == want, key
    assert any(obj["health_measures"] for obj in data)
    assert any(obj["renewal_date"] for obj in data)


def test_print_json_writes_a_long_list_one_item_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date

    from desktop_app.commands.common import print_json

    items = [{"n": i, "day": date(2026, 1, 1 + i % 28), "s": "é\n"} for i in range(5_001)]
    print_json(items)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 5_001 + 2
    assert (lines[0], lines[-1]) == ("[", "]")
    back = json.loads(out)
    assert back == [{**d, "day": d["day"].isoformat()} for d in items]
