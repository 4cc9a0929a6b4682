"""CLI figures as whole processes (subprocess + perf_counter), interleaved with their floors.

* ``account-desk --help``: budget 0.3 s; floor, for the ratio: a bare ``python -c pass``.
* ``accounts --json`` on the 300-account demo: budget 0.8 s; floor: a process that imports
  SQLAlchemy and numpy (what any command reading the book needs) and does nothing else.
* ``accounts --json`` on synthetic scored books of each ``--sizes`` (10k, 100k): growth
  (10x the accounts should cost about 10x, never 100x); floor: a process that reads every
  account row with ``sqlite3`` and prints it with the C JSON encoder.

    .venv/bin/python benchmarks/cli_bench.py [--sizes 10000 100000] [--runs 5] [--json OUT]
"""

from __future__ import annotations

from pathlib import Path

import bench
from score_bench import CACHE, TODAY, book_db

FLOOR_IMPORTS = "import sqlalchemy, sqlalchemy.orm, numpy"
FLOOR_LIST = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cur = con.execute("select * from accounts")
names = [d[0] for d in cur.description]
sys.stdout.write(json.dumps([dict(zip(names, r)) for r in cur]))
"""


def demo_db() -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "demo_300.db"
    if not path.exists():
        bench.process(bench.cli("--db", str(path), "demo"))
    return path


def scored_db(n: int) -> Path:
    """The synthetic book of ``n`` accounts, scored once (cached)."""
    path = book_db(n)
    marker = path.with_suffix(".scored")
    if not marker.exists():
        bench.process(bench.cli("--db", str(path), "score", "--as-of", TODAY.isoformat()))
        marker.touch()
    return path


def main() -> None:
    args = bench.parser(__doc__).parse_args()
    figures = []
    t = bench.interleaved({
        "floor": lambda: bench.process([bench.PYTHON, "-c", "pass"]),
        "help": lambda: bench.process(bench.cli("--help")),
    }, args.runs)  # fmt: skip
    note = f"python -c pass: median {sorted(t['floor'])[len(t['floor']) // 2]:.3f} s"
    figures.append(bench.Figure("account-desk --help (process)", None, t["help"],
                                budget=0.3, note=note))  # fmt: skip
    demo = demo_db()
    t = bench.interleaved({
        "floor": lambda: bench.process([bench.PYTHON, "-c", FLOOR_IMPORTS]),
        "ours": lambda: bench.process(bench.cli("--db", str(demo), "accounts", "--json")),
    }, args.runs)  # fmt: skip
    floor = sorted(t["floor"])[len(t["floor"]) // 2]
    note = f"a process importing sqlalchemy+numpy only: median {floor:.3f} s"
    figures.append(bench.Figure("accounts --json, 300-account demo (process)", 300, t["ours"],
                                budget=0.8, note=note))  # fmt: skip
    for n in args.sizes:
        db = scored_db(n)
        t = bench.interleaved({
            "floor": lambda db=db: bench.process([bench.PYTHON, "-c", FLOOR_LIST, str(db)]),
            "ours": lambda db=db: bench.process(bench.cli("--db", str(db), "accounts", "--json")),
        }, args.runs)  # fmt: skip
        figures.append(bench.Figure("accounts --json (process)", n, t["ours"], t["floor"],
                                    note="floor: sqlite3 select * + json.dumps"))  # fmt: skip
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
