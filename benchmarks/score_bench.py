"""Rescoring end to end, as the user runs it: ``account-desk --db F score`` as a process.

Books: the demo book at each size (``account-desk demo --accounts N``, 24 months of usage,
tickets, NPS, contacts, billing). The pre-built ones in /work/books are copied when present,
else built once into the temp dir. Each figure is a whole process (start-up, load, score,
24 monthly snapshots, write, commit), with its peak RSS from ``wait4``:

* **everything changed**: the as-of date alternates between two days, so almost every
  score and history row is rewritten (tenure and days to term end move every day);
* **nothing changed**: the same as-of date again (every row compared, none written);
* **floor** (same run, interleaved): a bare script that reads the usage table into numpy
  with ``sqlite3`` and writes one 0.5 KB row per account with ``executemany``, committed;
* one account rescored after an edit (``rescore_accounts``, warm, in a process): < 50 ms;
* the rescore after an import that touched N accounts (``rescore_after_import``, in a
  process, after importing a report that changes the contracted seats of N accounts, dated
  like the book's newest import): N = 50, 500 and 5,000 (``MAX_ONLY``, above which the book
  is rescored whole). Issue 11: "an import that touches N accounts: cost proportional to N";
  reported for its growth with N and with the book (no budget).

Budgets at 100k: <= 10 s and <= 800 MB (absolute; the floor ratio is reported beside).

    .venv/bin/python benchmarks/score_bench.py [--sizes 10000 100000] [--runs 5]
        [--runs-large 5] [--json OUT]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import bench

CACHE = Path(tempfile.gettempdir()) / "account_desk_bench"
PREBUILT = Path("/work/books")
DAYS = ("2026-12-05", "2026-12-06")
LARGE = 100_000

FLOOR = """
import sqlite3, sys
import numpy as np
con = sqlite3.connect(sys.argv[1])
cur = con.cursor()
usage = np.array(
    cur.execute("SELECT account_id, mau, licensed_seats FROM usage_monthly").fetchall(),
    dtype=np.float64,
)
ids = np.unique(usage[:, 0]).astype(np.int64).tolist()
cur.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, v REAL, b BLOB)")
cur.execute("DELETE FROM bench_floor")
blob = bytes(480)
cur.executemany("INSERT INTO bench_floor VALUES (?, ?, ?)", [(i, 0.5, blob) for i in ids])
con.commit()
"""

ONE_ACCOUNT = """
import json, sys, time
from datetime import date
from desktop_app.services.database import open_database
from desktop_app.services.health.scoring import rescore_accounts
store = open_database(sys.argv[1])
as_of, aid = date.fromisoformat(sys.argv[2]), int(sys.argv[3])
rescore_accounts(store, [aid + 1], as_of=as_of, history="current")  # warm, as in the app
t0 = time.perf_counter()
rescore_accounts(store, [aid], as_of=as_of, history="current")
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


TOUCHED = (50, 500, 5_000)

#: Import a report changing the contracted seats of N accounts (spread over the book; each
#: run a new value, so no file repeats an earlier one byte for byte), dated like the book's
#: newest import (the observed day stays), then time the rescore that follows it.
AFTER_IMPORT = """
import csv, json, sqlite3, sys, tempfile, time
from datetime import date
from pathlib import Path
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
day = con.execute(
    "SELECT max(as_of) FROM import_batches WHERE rolled_back_at IS NULL").fetchone()[0]
ran = con.execute("SELECT as_of FROM health_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
rows = con.execute("SELECT sf_account_id, name, coalesce(contracted_seats, 10) FROM accounts "
                   "WHERE sf_account_id IS NOT NULL ORDER BY id").fetchall()
con.close()
rows = rows[:: max(len(rows) // n, 1)][:n]
path = Path(tempfile.mkdtemp()) / f"seats_{n}.csv"
with path.open("w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(["Account ID", "Account Name", "Contracted Seats"])
    w.writerows([sf, name, int(seats) + 1] for sf, name, seats in rows)
from desktop_app.services.database import open_database
from desktop_app.services.health import rescore_after_import
from desktop_app.services.importing import import_files
store = open_database(db)
(done,) = import_files(store, [path], today=date.fromisoformat(day) if day else None)
t0 = time.perf_counter()
r = rescore_after_import(store, as_of=date.fromisoformat(ran))
dt = time.perf_counter() - t0
print(json.dumps({"seconds": dt, "scope": r.scope, "scored": r.accounts_scored,
                  "updated": done.updated}))
"""


def book(n: int) -> Path:
    """A private copy of the demo book of ``n`` accounts (pre-built or built once)."""
    CACHE.mkdir(exist_ok=True)
    source = PREBUILT / f"demo{n // 1000}k.sqlite"
    built = CACHE / f"demo_{n}.sqlite"
    if not source.exists():
        if not built.exists():
            tmp = built.with_suffix(".tmp")
            tmp.unlink(missing_ok=True)
            bench.process(bench.cli("--db", str(tmp), "demo", "--accounts", str(n)))
            tmp.rename(built)
        source = built
    target = CACHE / f"score_run_{n}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target


def measured(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=bench.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    _out, err = proc.communicate()
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode()[-800:]}")
    return dt, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    p = bench.parser(__doc__)
    p.add_argument("--runs-large", type=int, default=5, help="runs at 100k (default 5)")
    args = p.parse_args()
    figures = []
    for n in args.sizes:
        runs = args.runs_large if n >= LARGE else args.runs
        db = book(n)
        # a first run migrates the copy and scores it as of DAYS[1] (outside the timing)
        bench.process(bench.cli("--db", str(db), "score", "--as-of", DAYS[1]))
        floor = [bench.PYTHON, "-c", FLOOR, str(db)]
        changed, same, floors, peaks_changed, peaks_same, floor_peaks = [], [], [], [], [], []
        cpu: dict[str, list[float]] = {"changed": [], "same": [], "floor": []}
        for k in range(runs):
            dt, mb, sec = measured(floor)
            floors.append(dt)
            floor_peaks.append(mb)
            cpu["floor"].append(sec)
            day = DAYS[k % 2]
            dt, mb, sec = measured(bench.cli("--db", str(db), "score", "--as-of", day))
            changed.append(dt)
            peaks_changed.append(mb)
            cpu["changed"].append(sec)
            dt, mb, sec = measured(bench.cli("--db", str(db), "score", "--as-of", day))
            same.append(dt)
            peaks_same.append(mb)
            cpu["same"].append(sec)
        large = n >= LARGE
        # CPU seconds say what the wall time would be on a quiet machine (wall is 2-4x under
        # the load of a shared one)
        cpu_median = {k: round(statistics.median(v), 3) for k, v in cpu.items()}

        def load(what: str, cpu_median: dict[str, float] = cpu_median) -> dict[str, object]:
            return {"load": bench.load(), "cpu_seconds": cpu_median[what],
                    "floor_cpu_seconds": cpu_median["floor"]}  # fmt: skip

        figures += [
            bench.Figure("rescore process: everything changed", n, changed, floors,
                         budget=10.0 if large else None, extra=load("changed"),
                         note="account-desk score, as-of alternating; floor: sqlite3 read "
                              "of usage into numpy + one row per account written"),
            bench.Figure("rescore process: nothing changed", n, same, floors,
                         budget=10.0 if large else None, extra=load("same"),
                         note="account-desk score, same as-of again (rows compared)"),
            bench.Figure("rescore process: peak RSS (changed)", n, peaks_changed, floor_peaks,
                         unit="MB", budget=800.0 if large else None, extra=load("changed")),
            bench.Figure("rescore process: peak RSS (unchanged)", n, peaks_same, floor_peaks,
                         unit="MB", budget=800.0 if large else None, extra=load("same")),
        ]  # fmt: skip
        for fig in figures[-4:]:
            if fig.budget is not None and fig.floor_times:
                # An absolute budget (bench.py divides by the floor when one is set): the
                # floor and the ratio to it are reported beside it.
                floor_median = statistics.median(fig.floor_times)
                fig.extra["floor_median"] = round(floor_median, 4)
                fig.extra["floor_ratio"] = round(statistics.median(fig.times) / floor_median, 2)
                fig.floor_times = None
        one = []
        for _ in range(runs):
            out = subprocess.run(
                [bench.PYTHON, "-c", ONE_ACCOUNT, str(db), DAYS[1], str(n // 2)],
                capture_output=True, text=True, check=True, cwd=bench.ROOT,
            )  # fmt: skip
            one.append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
        figures.append(bench.Figure("rescore_accounts: one account (an edit, warm)", n, one,
                                    budget=0.05, extra={"load": bench.load()}))  # fmt: skip
        figures += after_import(db, n, runs)
    bench.emit(figures, args.json)


def after_import(db: Path, n: int, runs: int) -> list[bench.Figure]:
    """The rescore after an import that touched N accounts, for each N of ``TOUCHED``."""
    out = []
    for touched in TOUCHED:
        times, scored = [], []
        for _ in range(runs):
            got = subprocess.run(
                [bench.PYTHON, "-c", AFTER_IMPORT, str(db), str(touched)],
                capture_output=True, text=True, check=True, cwd=bench.ROOT,
            )  # fmt: skip
            res = json.loads(got.stdout.strip().splitlines()[-1])
            if res["scope"] != "accounts" or res["updated"] != touched:
                raise RuntimeError(f"the import touching {touched} accounts gave {res}")
            times.append(res["seconds"])
            scored.append(res["scored"])
        note = (f"rescore_after_import after an import updating {touched:,} accounts' seats "
                "(scope: those accounts; churned ones are not scored)")  # fmt: skip
        out.append(bench.Figure(f"rescore after an import touching {touched:,} accounts", n,
                                times, note=note,
                                extra={"load": bench.load(), "scored": max(scored)}))  # fmt: skip
    return out


if __name__ == "__main__":
    main()
