"""Importing a Salesforce-style account report (xlsx and csv) as whole processes.

``account-desk import FILE`` is timed as a process (subprocess + perf_counter) into a
migrated, empty book, interleaved with its floor in the same run: a process that parses the
file with the leanest reader (``csv.reader``; ``python_calamine``) and upserts the rows with
a bare SQLAlchemy Core ``on_conflict_do_update`` executemany into a one-table SQLite file.
Budget: <= 1.2x the floor at 100k rows (issue 11: "for xlsx and csv at 100k rows"; smaller
files are reported without a verdict). ``import`` rescores the book after a write (as the
GUI does), so it is timed twice:

* with ``--no-rescore``, the import alone, against that floor (issue 11's item 4: its floor
  parses and upserts, and scores nothing);
* as users run it, with the rescore of the accounts it brought, against that floor plus a
  bare scoring write (``SCORE_FLOOR``: the same process then reads the imported rows' ids
  with ``sqlite3`` and writes one 200-byte score row per account with ``executemany``,
  committed; our stored score rows are ~220 bytes), in the same run. Comparing an import
  *and* a rescore of 100k accounts with a floor that does not score (1.3-1.4x) would
  compare unlike work; the difference of the two figures of ours is reported as
  ``rescore_share``, and the ratio to the import floor alone as ``vs_import_floor_alone``.

Re-importing the unchanged file must cost at most CLI start-up plus hashing the file: its
floor is an ``account-desk imports`` process (start-up, open the book, one query) plus the
sha256 of the file; budget 1.1x. ``--memory-rows N`` adds a
peak-RSS run of an N-row csv import (budget < 1 GB). Every process runs with its bytecode
cached (``bench.CACHED_ENV``; our package compiled once first), as an installed application.

    .venv/bin/python benchmarks/import_bench.py [--sizes 10000 100000] [--runs 5]
        [--runs-large 7] [--json OUT]

Generated files are cached in the system temp dir (``account_desk_import_bench``).
"""

from __future__ import annotations

import csv
import hashlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import bench

HEADER = [
    "Account ID", "Account Name", "Account Owner", "Team Lead", "LMS ID", "Recurly ID",
    "Segment", "Type", "Industry", "Contracted Seats", "MRR", "ARR", "Renewal Date",
    "Account Status", "Churn Reason",
]  # fmt: skip
CACHE = Path(tempfile.gettempdir()) / "account_desk_import_bench"
#: The first-import budget (<= 1.2x the floor) is the issue's "at 100k rows".
BUDGET_ROWS = 100_000


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


FLOOR = """
import csv, sys
from sqlalchemy import Column, MetaData, String, Table, create_engine
from sqlalchemy.dialects.sqlite import insert
path, db = sys.argv[1], sys.argv[2]
if path.endswith(".csv"):
    with open(path, newline="", encoding="utf-8") as fh:
        data = list(csv.reader(fh))
else:
    from python_calamine import CalamineWorkbook
    data = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
header, body = data[0], data[1:]
engine = create_engine(f"sqlite:///{db}")
md = MetaData()
cols = [Column(f"c{i}", String, primary_key=(i == 0)) for i in range(len(header))]
table = Table("t", md, *cols)
md.create_all(engine)
stmt = insert(table)
stmt = stmt.on_conflict_do_update(
    index_elements=["c0"], set_={c.name: stmt.excluded[c.name] for c in cols[1:]}
)
with engine.begin() as conn:
    conn.execute(stmt, [{f"c{i}": v for i, v in enumerate(r)} for r in body])
"""


#: ``FLOOR`` followed, in the same process, by the leanest scoring write of the accounts it
#: brought: their ids read back, one row each (a score and a 200-byte breakdown) written
#: with executemany, committed.
SCORE_FLOOR = (
    FLOOR
    + """
import sqlite3
con = sqlite3.connect(db)
ids = [r[0] for r in con.execute("SELECT rowid FROM t")]
con.execute("CREATE TABLE s (id INTEGER PRIMARY KEY, score REAL, breakdown BLOB)")
blob = bytes(200)
con.executemany("INSERT INTO s VALUES (?, ?, ?)", [(i, 0.5, blob) for i in ids])
con.commit()
"""
)


def _fresh(template: Path, target: Path) -> Path:
    target.unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def measure(path: Path, n: int, runs: int, work: Path) -> list[bench.Figure]:
    """First import and re-import of ``path`` as whole processes, with their floors."""
    label = path.suffix.lstrip(".")
    template = work / "empty.db"
    if not template.exists():  # a migrated, empty book: the import, not the schema, is timed
        bench.process(bench.cli("--db", str(template), "db", "upgrade"))
    floor_db, db = work / f"floor_{label}.db", work / f"book_{label}.db"

    def floor() -> None:
        floor_db.unlink(missing_ok=True)
        bench.process([bench.PYTHON, "-c", FLOOR, str(path), str(floor_db)])

    def score_floor() -> None:
        floor_db.unlink(missing_ok=True)
        bench.process([bench.PYTHON, "-c", SCORE_FLOOR, str(path), str(floor_db)])

    def first() -> None:
        _fresh(template, db)
        bench.process(bench.cli("--db", str(db), "import", str(path)))

    def first_unscored() -> None:
        _fresh(template, db)
        bench.process(bench.cli("--db", str(db), "import", "--no-rescore", str(path)))

    times = bench.interleaved(
        {"floor": floor, "score_floor": score_floor, "ours": first, "unscored": first_unscored},
        runs,
    )
    reader = "python_calamine" if label == "xlsx" else "csv.reader"
    note = f"floor: {reader} parse + Core on_conflict_do_update executemany, as a process"
    # Issue 11 sets the budget "for xlsx and csv at 100k rows"; smaller files are reported
    # (ratio and growth) without a verdict: their process is mostly start-up.
    budget = 1.2 if n >= BUDGET_ROWS else None
    if budget is None:
        note += f"; no budget below {BUDGET_ROWS:,} rows (issue 11)"
    share = statistics.median(times["ours"]) - statistics.median(times["unscored"])
    extra = {
        "rescore_share": round(share, 4),
        "vs_import_floor_alone": round(
            statistics.median(times["ours"]) / statistics.median(times["floor"]), 3
        ),
        "scoring_floor_share": round(
            statistics.median(times["score_floor"]) - statistics.median(times["floor"]), 4
        ),
    }
    out = [bench.Figure(f"import {label} (first, process)", n, times["ours"], times["score_floor"],
                        budget=budget, extra=extra,
                        note=note + ", then a bare sqlite3 scoring write (one 200-byte row per "
                        "account) in the same process; ours includes the rescore of the book"),
           bench.Figure(f"import {label} --no-rescore (first, process)", n, times["unscored"],
                        times["floor"], budget=budget, note=note)]  # fmt: skip
    _fresh(template, db)
    bench.process(bench.cli("--db", str(db), "import", str(path)))  # the book re-imports use

    def start() -> None:  # CLI start-up that opens the book and runs one query
        bench.process(bench.cli("--db", str(db), "imports"))

    def hash_only() -> None:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)

    def again() -> None:
        bench.process(bench.cli("--db", str(db), "import", str(path)))

    def help_only() -> None:  # bare CLI start-up: no book opened
        bench.process(bench.cli("--help"))

    again_t = bench.interleaved(
        {"start": start, "help": help_only, "hash": hash_only, "again": again}, runs
    )
    floor_t = [a + b for a, b in zip(again_t["start"], again_t["hash"], strict=True)]
    note = "floor: an `account-desk imports` process + the sha256 of the file"
    out.append(bench.Figure(f"re-import unchanged {label} (process)", n, again_t["again"],
                            floor_t, budget=1.1, note=note))  # fmt: skip
    bare = [a + b for a, b in zip(again_t["help"], again_t["hash"], strict=True)]
    note = ("floor: an `account-desk --help` process + the sha256 of the file (no book "
            "opened; informational)")  # fmt: skip
    out.append(bench.Figure(f"re-import unchanged {label} vs --help (process)", n,
                            again_t["again"], bare, note=note))  # fmt: skip
    return out


MEMORY_CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from desktop_app.services.database import open_database
from desktop_app.services.importing.batch import import_preview, preview_file
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
    p = bench.parser(__doc__)
    p.add_argument("--memory-rows", type=int, default=0, help="also a peak-RSS run (rows)")
    p.add_argument(
        "--runs-large",
        type=int,
        default=7,
        help=f"runs at {BUDGET_ROWS:,} rows and more, where the budget is judged: these "
        "processes vary by 15%% from run to run here (default 7)",
    )
    args = p.parse_args()
    bench.compile_package()  # processes run with their bytecode cached (bench.CACHED_ENV)
    figures: list[bench.Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in args.sizes:
            xlsx, csv_path = make_files(n)
            for path in (xlsx, csv_path):
                runs = args.runs_large if n >= BUDGET_ROWS else args.runs
                figures.extend(measure(path, n, max(runs, args.runs), work))
        if args.memory_rows:
            memory(args.memory_rows, work)
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
