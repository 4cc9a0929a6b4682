"""What the CLI's quick commands import: only what they need (start-up is their cost).

``--help`` needs neither SQLAlchemy nor numpy; ``accounts --json`` reads the book through the
light Core tables, so neither needs the ORM, Alembic, pandas, openpyxl or Qt. Counted in a
fresh interpreter (modules, not seconds; the timings are ``benchmarks/cli_bench.py``).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("sqlalchemy.orm", "desktop_app.store.schema", "alembic", "pandas", "openpyxl",
         "PySide6", "pyqtgraph", "sklearn")  # fmt: skip

PROBE = """
import contextlib, io, json, sys
from desktop_app.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _run(*args: str) -> dict[str, object]:
    res = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(res.stdout.strip().splitlines()[-1])
    return data


def _loaded(modules: object, names: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return sorted({n for n in names for m in modules if m == n or m.startswith(n + ".")})


def test_help_imports_no_database_or_arrays() -> None:
    data = _run("--help")
    assert data["code"] == 0
    assert "accounts" in str(data["out"])
    assert _loaded(data["modules"], ("sqlalchemy", "numpy", *HEAVY)) == []


def test_accounts_json_imports_no_orm_pandas_or_qt(demo_path: Path) -> None:
    data = _run("--db", str(demo_path), "accounts", "--json")
    assert data["code"] == 0
    assert len(json.loads(str(data["out"]))) == 300
    assert _loaded(data["modules"], HEAVY) == []
    assert _loaded(data["modules"], ("sqlalchemy", "numpy")) == ["numpy", "sqlalchemy"]


def test_importing_a_workbook_does_not_load_pandas(tmp_path: Path) -> None:
    """Workbooks are parsed by calamine and factorised with dicts: their import does not pay
    pandas' start-up. (A CSV is parsed by pandas' C reader, faster than ``csv.reader``.)"""
    from openpyxl import Workbook

    header = ["Account ID", "Account Name", "Account Owner", "MRR"]
    rows = [[f"001A{i:011d}", f"Clinic {i}", f"CSM {i % 3}", f"{i}.5"] for i in range(50)]
    csv_path = tmp_path / "accounts.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in [header, *[[*r[:3], float(r[3])] for r in rows]]:
        ws.append(row)
    xlsx_path = tmp_path / "accounts.xlsx"
    wb.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        db = tmp_path / f"{path.suffix[1:]}.db"
        data = _run("--db", str(db), "import", str(path))
        assert data["code"] == 0
        assert "50 new" in str(data["out"])
        assert _loaded(data["modules"], ("pandas",)) == ([] if path == xlsx_path else ["pandas"])


def test_importing_accounts_configures_no_orm_mapper(tmp_path: Path) -> None:
    """The import writes through Core tables: a select of ORM attributes would configure
    every mapper first (~0.08 s of each import, for nothing it uses)."""
    header = ["Account ID", "Account Name", "Account Owner", "MRR"]
    rows = [[f"001A{i:011d}", f"Clinic {i}", f"CSM {i % 3}", f"{i}.5"] for i in range(20)]
    path = tmp_path / "accounts.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    probe = PROBE.replace(
        'print(json.dumps({"code": code',
        "from desktop_app.store.schema import Account\n"
        'print(json.dumps({"configured": Account.__mapper__.configured, "code": code',
    )
    res = subprocess.run(
        [sys.executable, "-c", probe, "--db", str(tmp_path / "book.db"), "import",
         "--no-rescore", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["code"] == 0
    assert "20 new" in data["out"]
    assert data["configured"] is False
