"""The ``account-desk`` program exits at once after a command (``cli.run``): as a real
process, its output arrives whole, its exit code is kept, and what it wrote is stored."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.subprocess_cli import child_env

ACCOUNTS = "Account ID,Account Name,Account Owner\n001A000001AbCdE,Lakeside Clinic,Holly Grant\n"


def _cli(*args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = child_env()
    env.pop("PYTHONUNBUFFERED", None)  # buffered output, as a user's shell has it
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
    )


def test_output_larger_than_a_pipe_arrives_whole(demo_path: Path) -> None:
    out = _cli("--db", str(demo_path), "accounts", "--json")
    assert out.returncode == 0, out.stderr.decode()
    assert len(out.stdout) > 1 << 16  # more than a pipe holds: written while read
    data = json.loads(out.stdout)
    assert len(data) == 300
    assert out.stderr == b""


def test_output_to_a_file_is_flushed(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "accounts.json"
    with target.open("wb") as fh:
        out = _cli("--db", str(demo_path), "accounts", "--json", stdout=fh.fileno())
    assert out.returncode == 0
    assert len(json.loads(target.read_bytes())) == 300


def test_exit_codes_and_error_lines_are_kept(tmp_path: Path) -> None:
    missing = _cli("--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert missing.stderr.decode().startswith("account-desk: error:")
    assert _cli("--help").returncode == 0


def test_an_import_is_stored_and_the_book_closed(tmp_path: Path) -> None:
    db, report = tmp_path / "book.db", tmp_path / "accounts.csv"
    report.write_text(ACCOUNTS, encoding="utf-8")
    out = _cli("--db", str(db), "import", str(report))
    assert out.returncode == 0, out.stderr.decode()
    assert b"1 new" in out.stdout
    assert not Path(f"{db}-wal").exists()  # checkpointed and closed before the exit
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM accounts").fetchall() == [("Lakeside Clinic",)]
        assert conn.execute("SELECT count(*) FROM health_scores").fetchone() == (1,)
