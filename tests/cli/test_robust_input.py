"""Bad input, odd paths and odd outputs: exit 2 with one line naming the file, never a
traceback, and the database unchanged (issue 12)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from tests.subprocess_cli import dump, run_cli, shared_dir

Capsys = pytest.CaptureFixture[str]
A, B = "001A000001AbCdE", "001A000001XyZwV"


def _write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def _accounts(folder: Path) -> Path:
    head = "Account ID,Account Name,Account Owner,LMS ID\n"
    body = f"{A},Lakeside Clinic,Holly Grant,LMS-1\n{B},Summit,Holly Grant,LMS-2\n"
    return _write(folder / "accounts.csv", head + body)


def _usage(folder: Path) -> Path:
    return _write(folder / "usage.csv", "LMS ID,Month,MAU\nLMS-1,2026-09,10\nLMS-2,2026-09,12\n")


def _refused(capsys: Capsys, code: int, name: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert name in lines[0]
    assert "Traceback" not in err
    return lines[0]


def test_a_multi_file_import_is_one_transaction(tmp_path: Path, capsys: Capsys) -> None:
    db = tmp_path / "book.db"
    assert main(["--db", str(db), "accounts"]) == 0
    conn = sqlite3.connect(db)  # a store-time failure on the second file (no mocks)
    conn.execute("create trigger boom before insert on usage_monthly "
                 "begin select raise(abort, 'disk on fire'); end")  # fmt: skip
    conn.commit()
    conn.close()
    before = dump(db)
    code = main(["--db", str(db), "import", str(_accounts(tmp_path)), str(_usage(tmp_path))])
    line = _refused(capsys, code, "usage.csv")
    assert "nothing was written" in line
    assert dump(db) == before  # the accounts file, stored first, was rolled back too


def test_a_multi_file_import_commits_every_file_together(tmp_path: Path, capsys: Capsys) -> None:
    db = tmp_path / "book.db"
    code = main(["--db", str(db), "import", "--json", str(_usage(tmp_path)),
                 str(_accounts(tmp_path))])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("select count(*) from import_batches").fetchone() == (2,)
        assert conn.execute("select count(*) from usage_monthly").fetchone() == (2,)
    finally:
        conn.close()


@pytest.mark.parametrize("kind", ["folder", "fifo", "loop", "dangling"])
def test_odd_paths_are_named_for_what_they_are(tmp_path: Path, capsys: Capsys, kind: str) -> None:
    path = tmp_path / f"odd-{kind}"
    expect = {"folder": "a folder", "fifo": "named pipe", "loop": "loop of symbolic links",
              "dangling": "symbolic link to a missing file"}[kind]  # fmt: skip
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        os.symlink(path, path)
    else:
        os.symlink(tmp_path / "gone.csv", path)
    db = tmp_path / "book.db"
    line = _refused(capsys, main(["--db", str(db), "import", str(path)]), path.name)
    assert expect in line
    assert "not found" not in line


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("huge-field.csv", "Account ID,Account Name,Account Owner\n"
         f"{A},{'x' * 140_000},Holly\n", "cannot be read as CSV"),
        ("big-int.csv", "Account ID,Account Name,Account Owner,Seats\n"
         f"{A},Lakeside,Holly,{'9' * 30}\n", "no rows to import"),
    ],
)  # fmt: skip
def test_former_tracebacks_are_one_line(
    tmp_path: Path, capsys: Capsys, name: str, content: str, expect: str
) -> None:
    db = tmp_path / "book.db"
    assert main(["--db", str(db), "accounts"]) == 0
    before = dump(db)
    path = _write(tmp_path / name, content)
    assert expect in _refused(capsys, main(["--db", str(db), "import", str(path)]), name)
    assert dump(db) == before


def test_bare_cr_line_endings_import(tmp_path: Path, capsys: Capsys) -> None:
    path = _write(tmp_path / "mac.csv", f"Account ID,Account Name,Account Owner\n{A},Lakeside,"
                  f"Holly\n{B},Summit,Holly\n", newline="\r")  # fmt: skip
    assert main(["--db", str(tmp_path / "book.db"), "import", str(path)]) == 0
    assert "2 new" in capsys.readouterr().out


def test_jira_without_an_account_column_names_the_missing_column(
    tmp_path: Path, capsys: Capsys
) -> None:
    path = _write(
        tmp_path / "jira.csv", "Issue key,Summary,Status,Created\nSUP-1,x,Open,2026-01-02\n"
    )
    line = _refused(capsys, main(["--db", str(tmp_path / "b.db"), "import", str(path)]),
                    "jira.csv")  # fmt: skip
    assert "no account column" in line
    assert "'Customer Account'" in line
    assert "lacks" not in line


def test_wide_usage_unmatched_ids_are_one_review_item_each(tmp_path: Path, capsys: Capsys) -> None:
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    rows = "".join(f"LMS-Z{i},Nobody {i}," + ",".join("5" * 12) + "\n" for i in range(3))
    path = _write(tmp_path / "wide.csv", "LMS ID,Account Name," + ",".join(months) + "\n" + rows)
    db = tmp_path / "book.db"
    assert main(["--db", str(db), "import", str(path)]) == 0
    out = capsys.readouterr().out
    examples = [ln for ln in out.splitlines() if "unmatched:" in ln]
    assert examples == [f"  unmatched: row {i + 2}: LMS-Z{i} (12 rows)" for i in range(3)]
    assert main(["--db", str(db), "review", "--json"]) == 0
    import json

    items = json.loads(capsys.readouterr().out)
    assert [(i["key"], i["rows"]) for i in items] == [(f"LMS-Z{i}", 12) for i in range(3)]


def test_sixteen_thousand_columns_are_refused_quickly(tmp_path: Path, capsys: Capsys) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Wide")
    ws.append(["Account ID", "Account Name"] + [f"c{i}" for i in range(16_000)])
    ws.append([A, "Lakeside"] + [1] * 16_000)
    wb.save(tmp_path / "wide.xlsx")
    csv_path = _write(tmp_path / "wide.csv", ",".join(f"c{i}" for i in range(16_000)) + "\n")
    for path in (tmp_path / "wide.xlsx", csv_path):
        start = time.perf_counter()
        code = main(["--db", str(tmp_path / "b.db"), "import", "--dry-run", str(path)])
        line = _refused(capsys, code, path.name)
        assert "columns is implausible" in line
        assert time.perf_counter() - start < 5


@pytest.fixture
def demo_db(demo_path: Path) -> Path:
    return demo_path


def _export(db: Path, out: Path | str, *extra: str) -> int:
    return main(["--db", str(db), "transition", "export", "--from-owner", "Tom Whitaker",
                 "--to", "Dana Cole", "--out", str(out), *extra])  # fmt: skip


def test_exports_write_only_regular_files(demo_db: Path, tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "out.xlsx"
    folder.mkdir()
    assert "is a folder" in _refused(capsys, _export(demo_db, folder, "--force"), "out.xlsx")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in _refused(capsys, _export(demo_db, fifo, "--force"), "pipe.csv")
    line = _refused(capsys, _export(demo_db, "/dev/null", "--force", "--format", "csv"), "null")
    assert "not a regular file" in line


def test_a_dangling_symlink_is_written_through_only_with_force(
    demo_db: Path, tmp_path: Path, capsys: Capsys
) -> None:
    link, target = tmp_path / "list.xlsx", tmp_path / "real" / "list.xlsx"
    target.parent.mkdir()
    os.symlink(target, link)
    assert "missing file" in _refused(capsys, _export(demo_db, link), "list.xlsx")
    assert link.is_symlink()
    assert not target.exists()
    assert _export(demo_db, link, "--force") == 0
    assert link.is_symlink()
    assert target.is_file()
    assert "file exists" in _refused(capsys, _export(demo_db, link), "list.xlsx")


def test_unreadable_files_and_folders_and_read_only_output_folders(demo_path: Path) -> None:
    """As an unprivileged user (root reads everything): PermissionError is one line."""
    with shared_dir() as shared:
        _check_permissions(shared, demo_path)


def _check_permissions(shared: Path, demo_path: Path) -> None:
    db = shared / "book.db"
    db.write_bytes(demo_path.read_bytes())
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)
    secret = _accounts(shared)
    secret.chmod(0o000)
    closed = shared / "closed"
    closed.mkdir()
    _usage(closed)
    closed.chmod(0o000)
    locked = shared / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    before = dump(db)
    for path, name in ((secret, "accounts.csv"), (closed / "usage.csv", "usage.csv")):
        proc = run_cli(["--db", db, "import", path], unprivileged=True)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1
        assert name in proc.stderr
        assert "Permission denied" in proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli(["--db", db, "transition", "export", "--from-owner", "Tom Whitaker", "--to",
                    "Dana Cole", "--out", locked / "list.xlsx"], unprivileged=True)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1
    assert "locked" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(locked.iterdir()) == []
    assert dump(db) == before
