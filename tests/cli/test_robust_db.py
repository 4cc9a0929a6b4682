"""The database promises: modes left alone, read-only files, foreign files, damage, one line."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store.engine import StoreError, open_store
from tests.subprocess_cli import dump

Capsys = pytest.CaptureFixture[str]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _accounts_csv(path: Path) -> Path:
    path.write_text(
        "Account ID,Account Name,Account Owner\n001A000001AbCdE,Lakeside Clinic,Holly Grant\n",
        encoding="utf-8",
    )
    return path


def test_a_new_file_is_0600_and_an_existing_files_mode_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_store(path).dispose()
    assert _mode(path) == 0o600
    path.chmod(0o640)  # the user shares it with their group on purpose
    open_store(path).dispose()
    assert _mode(path) == 0o640


def test_a_read_only_file_opens_read_only_and_refuses_writes_in_one_line(
    tmp_path: Path, capsys: Capsys
) -> None:
    path = tmp_path / "book.db"
    assert main(["--db", str(path), "import", str(_accounts_csv(tmp_path / "a.csv"))]) == 0
    path.chmod(0o444)
    before = dump(path)
    capsys.readouterr()
    assert main(["--db", str(path), "accounts", "--json"]) == 0
    assert "Lakeside Clinic" in capsys.readouterr().out
    other = tmp_path / "b.csv"
    other.write_text("Account ID,Account Name,Account Owner\n001A000001XyZwV,Summit,Holly\n")
    assert main(["--db", str(path), "import", str(other)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "read-only" in err or "readonly" in err
    assert _mode(path) == 0o444
    assert dump(path) == before
    store = open_store(path)
    try:
        assert store.read_only
    finally:
        store.dispose()


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table photos (id integer primary key, body text)")
    conn.execute("insert into photos (body) values ('keep me')")
    conn.commit()
    conn.close()


def test_another_applications_sqlite_file_is_refused_unless_adopted(
    tmp_path: Path, capsys: Capsys
) -> None:
    path = tmp_path / "other.db"
    _foreign(path)
    before = dump(path)
    assert main(["--db", str(path), "accounts"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "another application" in err
    assert "--adopt-database" in err
    assert dump(path) == before
    with pytest.raises(StoreError, match="another application"):
        open_store(path)
    assert main(["--db", str(path), "--adopt-database", "accounts", "--json"]) == 0
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("select body from photos").fetchall() == [("keep me",)]
        assert conn.execute("select count(*) from alembic_version").fetchone() == (1,)
    finally:
        conn.close()


def test_a_damaged_schema_version_is_one_line_in_the_users_words(
    tmp_path: Path, capsys: Capsys
) -> None:
    path = tmp_path / "book.db"
    open_store(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("delete from alembic_version")
    conn.commit()
    conn.close()
    assert main(["--db", str(path), "accounts"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "this database is damaged or not an Account Desk database" in err
    assert "CREATE TABLE" not in err
    assert "Background on this error" not in err


def test_a_folder_given_as_the_database_is_one_line(tmp_path: Path, capsys: Capsys) -> None:
    assert main(["--db", str(tmp_path), "accounts"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not a database file" in err


def test_database_errors_never_carry_sqlalchemys_background_line(
    tmp_path: Path, capsys: Capsys
) -> None:
    path = tmp_path / "book.db"
    open_store(path).dispose()
    conn = sqlite3.connect(path)
    conn.execute("drop table accounts")  # a damaged book: the schema says it is current
    conn.commit()
    conn.close()
    code = main(["--db", str(path), "accounts"])
    err = capsys.readouterr().err
    assert code in (1, 2)
    assert err.count("\n") == 1, err
    assert "Background on this error" not in err
    assert "[SQL:" not in err
