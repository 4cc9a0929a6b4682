"""Re-importing a file: an unchanged one is refused after its hash and one query, loading no
reader and no ORM; anything else (new bytes, a rolled-back batch, another sheet of a
workbook, a bad file beside it) takes the full path with all its messages and guarantees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from tests.cli.test_import_cli import write_csv, write_xlsx
from tests.dbdump import dump

A, B = "001A000001AbCdE", "001A000001XyZwV"
HEADER = ["Account ID", "Account Name", "Account Owner", "MRR"]
#: What refusing an unchanged file must not load (the readers, arrays, the ORM, the writers).
NOT_LOADED = ("sqlalchemy.orm", "desktop_app.store.schema", "desktop_app.store.import_writer",
              "desktop_app.services.importing.batch", "desktop_app.io.importer",
              "desktop_app.io.readers", "numpy", "pandas", "python_calamine", "openpyxl",
              "alembic")  # fmt: skip

PROBE = """
import contextlib, io, json, sys
from desktop_app.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "modules": sorted(sys.modules)}))
"""


def _probe(*args: str) -> dict[str, object]:
    res = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(res.stdout.strip().splitlines()[-1])
    return data


def _loaded(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return sorted({n for n in NOT_LOADED for m in modules if m == n or m.startswith(n + ".")})


def _accounts(mrr: float = 100.0) -> list[list[object]]:
    return [HEADER, [A, "Lakeside Clinic", "Holly Grant", mrr], [B, "Summit", "Dan Reyes", 50.0]]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "csv": write_csv(tmp_path / "accounts.csv", _accounts()),
        "xlsx": write_xlsx(tmp_path / "accounts.xlsx", _accounts()),
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_unchanged_file_is_refused_without_readers_arrays_or_the_orm(
    files: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "import", "--no-rescore", str(files[kind])]) == 0
    before = dump(db)
    data = _probe("--db", db, "import", str(files[kind]))
    assert data["code"] == 0, data["err"]
    assert "already imported on" in str(data["out"])
    assert _loaded(data["modules"]) == []
    assert dump(db) == before


def test_the_refusal_in_json_keeps_every_key(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "import", "--no-rescore", str(files["csv"])]) == 0
    capsys.readouterr()
    assert main(["--db", db, "import", "--json", str(files["csv"])]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["batch_id"] is None
    assert summary["unchanged"] == 2
    assert summary["message"].startswith("already imported on")
    assert summary["file"] == str(files["csv"])


def test_new_bytes_under_the_same_name_are_read_and_stored(
    files: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = files["csv"]
    assert main(["--db", db_url, "import", "--no-rescore", str(path)]) == 0
    write_csv(path, _accounts(mrr=250.0))
    capsys.readouterr()
    assert main(["--db", db_url, "import", "--no-rescore", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 new, 1 updated, 1 unchanged" in out
    assert "batch 2" in out


def test_a_rolled_back_file_is_imported_again(
    files: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(files["xlsx"])
    assert main(["--db", db_url, "import", "--no-rescore", path]) == 0
    assert main(["--db", db_url, "rollback", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "import", "--no-rescore", path]) == 0
    out = capsys.readouterr().out
    assert "2 new" in out
    assert "already imported" not in out


def test_a_workbook_of_two_sheets_is_refused_only_for_the_sheet_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--sheet`` the hash alone cannot tell which sheet was meant: the file is read,
    and the sheet it detects is refused if it was the one imported."""
    import openpyxl

    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Accounts"
    for row in _accounts():
        ws.append(row)
    wb.create_sheet("Notes").append(["just a note"])
    wb.save(path)
    db = str(tmp_path / "book.db")
    assert main(["--db", db, "import", "--no-rescore", "--sheet", "Accounts", str(path)]) == 0
    before = dump(db)
    capsys.readouterr()
    for extra in (["--sheet", "Accounts"], []):
        assert main(["--db", db, "import", "--no-rescore", *extra, str(path)]) == 0
        assert "already imported on" in capsys.readouterr().out
    assert dump(db) == before
    data = _probe("--db", db, "import", "--sheet", "Accounts", str(path))
    assert "already imported on" in str(data["out"])
    assert _loaded(data["modules"]) == []


@pytest.mark.parametrize("bad_first", [True, False])
def test_a_bad_file_beside_an_unchanged_one_exits_2_and_writes_nothing(
    files: dict[str, Path], tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str],
    bad_first: bool,
) -> None:  # fmt: skip
    good = str(files["csv"])
    assert main(["--db", db_url, "import", "--no-rescore", good]) == 0
    before = dump(db_url)
    folder = tmp_path / "exports"
    folder.mkdir()
    capsys.readouterr()
    pair = [str(folder), good] if bad_first else [good, str(folder)]
    assert main(["--db", db_url, "import", *pair]) == 2
    out, err = capsys.readouterr()
    assert err.strip().splitlines() == [
        "account-desk: error: exports: a folder, not a file (give the files inside it)"
    ]
    assert out == ""
    assert dump(db_url) == before


def test_an_unchanged_file_beside_a_new_one_stores_only_the_new_one(
    files: dict[str, Path], tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "import", "--no-rescore", str(files["csv"])]) == 0
    capsys.readouterr()
    newer = write_csv(tmp_path / "newer.csv", _accounts(mrr=300.0))
    assert main(["--db", db_url, "import", "--no-rescore", str(files["csv"]), str(newer)]) == 0
    first, second = capsys.readouterr().out.strip().splitlines()
    assert first.startswith(f"{files['csv']}: already imported on ")
    assert first.endswith(", nothing changed")
    assert "0 new, 1 updated, 1 unchanged" in second


def test_a_truncated_copy_of_an_imported_workbook_is_a_bad_file(
    files: dict[str, Path], tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Other bytes, so not refused as a repeat: read, and refused as unreadable (exit 2)."""
    assert main(["--db", db_url, "import", "--no-rescore", str(files["xlsx"])]) == 0
    before = dump(db_url)
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(files["xlsx"].read_bytes()[:300])
    capsys.readouterr()
    assert main(["--db", db_url, "import", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "cut.xlsx" in err
    assert "Traceback" not in err
    assert dump(db_url) == before
