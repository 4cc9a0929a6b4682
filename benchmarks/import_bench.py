"""Time importing a 100k-row Salesforce-style account report (xlsx and csv).

All figures come from one run. The floor is measured in the same run: a bare parse of the
file (python-calamine for xlsx, pandas ``read_csv`` for csv) plus a bare SQLAlchemy Core
``sqlite insert(...).on_conflict_do_update`` executemany of the same rows into an empty
SQLite table of the same 15 columns. Budgets: first import <= 1.5x floor, re-import of the
same file <= 0.5x floor, peak memory of a 1M-row csv import < 1 GB (measured in a
subprocess with ``resource.getrusage``).

    .venv/bin/python benchmarks/import_bench.py            # 100k rows, 1M-row memory run
    .venv/bin/python benchmarks/import_bench.py --quick    # 10k rows, 100k-row memory run

Generated files are cached in the system temp dir (``account_desk_import_bench``).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HEADER = [
    "Account ID", "Account Name", "Account Owner", "Team Lead", "LMS ID", "Recurly ID",
    "Segment", "Type", "Industry", "Contracted Seats", "MRR", "ARR", "Renewal Date",
    "Account Status", "Churn Reason",
]  # fmt: skip
CACHE = Path(tempfile.gettempdir()) / "account_desk_import_bench"


def _rows(n: int, seed: int = 7, first: int = 0) -> list[list[Any]]:
    from desktop_app.domain.ids import to_18

    rng = random.Random(seed)
    owners = [f"CSM {i:02d}" for i in range(40)]
    segs = ["SMB", "MM", "ENT"]
    inds = ["Clinic", "Hospital", "Dental", "Home Health", "Health Plan"]
    out = []
    for i in range(first, first + n):
        sf = to_18(f"001A{i:011d}")[:15]
        seats = rng.randint(5, 2000)
        mrr = round(seats * rng.uniform(8, 30), 2)
        churned = rng.random() < 0.1
        out.append([
            sf, f"Account {i} Medical Group", owners[i % 40], f"TL {i % 5}", f"LMS-{i}",
            f"acct-{i}", segs[i % 3], "Customer", inds[i % 5], seats, mrr, round(mrr * 12, 2),
            (date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat(),
            "Churned" if churned else "Active", "Competitor" if churned else "",
        ])  # fmt: skip
    return out


def make_files(n: int) -> tuple[Path, Path]:
    """The account report as xlsx and csv (cached by row count)."""
    CACHE.mkdir(exist_ok=True)
    xlsx, csv_path = CACHE / f"accounts_{n}.xlsx", CACHE / f"accounts_{n}.csv"
    if xlsx.exists() and csv_path.exists():
        return xlsx, csv_path
    rows = _rows(n)
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Report")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(xlsx)
    return xlsx, csv_path


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bare_upsert(rows: list[dict[str, Any]], db: Path) -> float:
    """Core ``on_conflict_do_update`` executemany into an empty table of the same columns."""
    from sqlalchemy import Column, MetaData, String, Table, create_engine
    from sqlalchemy.dialects.sqlite import insert

    engine = create_engine(f"sqlite:///{db}")
    md = MetaData()
    cols = [Column(f"c{i}", String, primary_key=(i == 0)) for i in range(len(HEADER))]
    table = Table("t", md, *cols)
    md.create_all(engine)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["c0"], set_={c.name: stmt.excluded[c.name] for c in cols[1:]}
    )
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(stmt, rows)
    engine.dispose()
    return time.perf_counter() - t0


def floor_xlsx(path: Path, db: Path) -> float:
    from python_calamine import CalamineWorkbook

    t_parse, data = _timed(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
                           .to_python())  # fmt: skip
    rows = [{f"c{i}": v for i, v in enumerate(r)} for r in data[1:]]
    return t_parse + bare_upsert(rows, db)


def floor_csv(path: Path, db: Path) -> float:
    import pandas as pd

    def parse() -> list[dict[str, Any]]:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df.columns = [f"c{i}" for i in range(len(HEADER))]
        return df.to_dict("records")

    t_parse, rows = _timed(parse)
    return t_parse + bare_upsert(rows, db)


def import_once(path: Path, db: Path) -> tuple[float, Any]:
    from desktop_app.services.database import open_database
    from desktop_app.services.importing import import_files

    store = open_database(db)
    try:
        return _timed(lambda: import_files(store, [path]))
    finally:
        store.dispose()


def measure(label: str, path: Path, floor: Callable[[Path, Path], float], work: Path) -> None:
    f = floor(path, work / f"floor_{label}.db")
    db = work / f"book_{label}.db"
    first, s1 = import_once(path, db)
    again, s2 = import_once(path, db)
    copy = work / f"fresh_export_{label}{path.suffix}"
    shutil.copyfile(path, copy)
    with copy.open("ab") as fh:  # same rows, different bytes: the row-by-row comparison
        fh.write(b"\n" if path.suffix == ".csv" else b"")
    compare, s3 = import_once(copy, db) if path.suffix == ".csv" else (float("nan"), None)
    print(f"\n[{label}] {path.name}")
    print(f"  floor (parse + Core upsert)      {f:7.2f} s")
    print(f"  first import into empty DB       {first:7.2f} s  = {first / f:4.2f}x floor "
          f"(budget 1.5x)  new={s1[0].new}")  # fmt: skip
    print(f"  re-import same file              {again:7.2f} s  = {again / f:4.2f}x floor "
          f"(budget 0.5x)  {s2[0].message}")  # fmt: skip
    if s3 is not None:
        print(
            f"  same data, new file (compare)    {compare:7.2f} s  = {compare / f:4.2f}x floor"
            f"  new={s3[0].new} updated={s3[0].updated} unchanged={s3[0].unchanged}"
        )


MEMORY_CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from desktop_app.services.database import open_database
from desktop_app.services.importing import import_preview, preview_file
store = open_database(Path({db!r}))
t0 = time.perf_counter()
preview = preview_file(store, {path!r})
read_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
s = import_preview(store, preview)
dt = time.perf_counter() - t0
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, dt, s.new, read_kb)
"""


def memory(n: int, work: Path) -> None:
    path = CACHE / f"accounts_{n}.csv"
    if not path.exists():
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for start in range(0, n, 100_000):
                w.writerows(_rows(min(100_000, n - start), seed=start, first=start))
    code = MEMORY_CHILD.format(root=str(Path(__file__).resolve().parents[1]),
                               db=str(work / "mem.db"), path=str(path))  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"\n[memory] {n:,}-row csv import failed: {out.stderr.strip().splitlines()[-1:]}")
        return
    kb, dt, new, read_kb = out.stdout.split()
    print(f"\n[memory] {n:,}-row csv import: peak RSS {int(kb) / 1024:,.0f} MB "
          f"(budget < 1024 MB; {int(read_kb) / 1024:,.0f} MB after reading the preview), "
          f"{float(dt):.1f} s, new={new}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k rows; 100k-row memory run")
    parser.add_argument("--rows", type=int, help="rows of the timed files (default 100k)")
    parser.add_argument("--memory-rows", type=int, help="rows of the memory run (default 1M)")
    args = parser.parse_args()
    n = args.rows or (10_000 if args.quick else 100_000)
    mem_n = args.memory_rows or (100_000 if args.quick else 1_000_000)
    xlsx, csv_path = make_files(n)
    # Warm up: the running app has these modules loaded before any import starts.
    import desktop_app.io.importer
    import desktop_app.services.importing  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"Import benchmark: {n:,} rows x {len(HEADER)} columns")
        measure("xlsx", xlsx, floor_xlsx, work)
        measure("csv", csv_path, floor_csv, work)
        if mem_n:
            memory(mem_n, work)


if __name__ == "__main__":
    main()
