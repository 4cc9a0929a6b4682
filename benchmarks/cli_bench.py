"""CLI figures as whole processes (subprocess + perf_counter), interleaved with their floors.

* ``account-desk --help``: budget 0.3 s.
* ``accounts --json`` on the 300-account demo: budget 0.8 s.

  Both budgets are absolute. Beside each, the same run measures two floors, interleaved:
  a bare process (``python -c "import sqlite3, json"``: interpreter start-up, the least any
  command costs) and a process importing SQLAlchemy and numpy (what reading a book needs).
  A busy machine inflates every process alike, so the figure is also given over the bare
  floor (``over_floor``, seconds of our own) and as a ratio to it.
* ``accounts --json`` on scored synthetic books of each ``--sizes`` (default 10k and 100k): growth
  (10x the accounts should cost about 10x, never 100x); floor: a process that reads every
  account row with ``sqlite3`` and prints it with the C JSON encoder.

The processes run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed, one warm-up
run first), as an installed application does: compiling our modules from source on every
start is not what a user pays. Caches live under ``$TMPDIR/account_desk_bench``.

    .venv/bin/python benchmarks/cli_bench.py [--sizes 10000 100000] [--runs 5] [--json OUT]
"""

from __future__ import annotations

import statistics
from pathlib import Path

import bench
from score_bench import CACHE, DAYS, book

BARE = "import sqlite3, json"
FLOOR_IMPORTS = "import sqlalchemy, numpy"
FLOOR_LIST = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cur = con.execute("select * from accounts")
names = [d[0] for d in cur.description]
sys.stdout.write(json.dumps([dict(zip(names, r)) for r in cur]))
"""
#: The user's environment: bytecode is cached (an installed app has its .pyc files).
ENV = bench.CACHED_ENV


def run(*cmd: str) -> float:
    return bench.process(cmd, env=ENV)


def demo_db() -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "demo_300.db"
    if not path.exists():
        run(*bench.cli("--db", str(path), "demo"))
    return path


def scored_db(n: int) -> Path:
    """A private copy of the demo book of ``n`` accounts (score_bench.book), scored."""
    path = book(n)
    run(*bench.cli("--db", str(path), "score", "--as-of", DAYS[1]))
    return path


def _absolute(
    name: str, size: int | None, t: dict[str, list[float]], budget: float
) -> bench.Figure:
    """A figure with an absolute budget, the bare and import floors beside it."""
    bare = statistics.median(t["bare"])
    ours = statistics.median(t["ours"])
    extra = {
        "bare_floor": round(bare, 4),
        "bare_floor_min": round(min(t["bare"]), 4),
        "bare_floor_max": round(max(t["bare"]), 4),
        "over_floor": round(ours - bare, 4),
        "ratio_to_bare": round(ours / bare, 3),
        "load": bench.load(),
    }
    if "imports" in t:
        extra["imports_floor"] = round(statistics.median(t["imports"]), 4)
    note = f"bare process ({BARE}): median {bare:.3f} s; {ours - bare:.3f} s over it"
    return bench.Figure(name, size, t["ours"], budget=budget, note=note, extra=extra)


def main() -> None:
    p = bench.parser(__doc__)
    p.set_defaults(sizes=[10_000, 100_000])
    args = p.parse_args()
    demo = demo_db()
    for warm in (bench.cli("--help"), bench.cli("--db", str(demo), "accounts", "--json")):
        run(*warm)  # writes the .pyc files, as installing would
    figures = []
    t = bench.interleaved({
        "bare": lambda: run(bench.PYTHON, "-c", BARE),
        "ours": lambda: run(*bench.cli("--help")),
    }, args.runs)  # fmt: skip
    figures.append(_absolute("account-desk --help (process)", None, t, 0.3))
    t = bench.interleaved({
        "bare": lambda: run(bench.PYTHON, "-c", BARE),
        "imports": lambda: run(bench.PYTHON, "-c", FLOOR_IMPORTS),
        "ours": lambda: run(*bench.cli("--db", str(demo), "accounts", "--json")),
    }, args.runs)  # fmt: skip
    figures.append(_absolute("accounts --json, 300-account demo (process)", 300, t, 0.8))
    for n in args.sizes:
        db = scored_db(n)
        t = bench.interleaved({
            "floor": lambda db=db: run(bench.PYTHON, "-c", FLOOR_LIST, str(db)),
            "ours": lambda db=db: run(*bench.cli("--db", str(db), "accounts", "--json")),
        }, args.runs)  # fmt: skip
        figures.append(bench.Figure("accounts --json (process)", n, t["ours"], t["floor"],
                                    note="floor: sqlite3 select * + json.dumps",
                                    extra={"load": bench.load()}))  # fmt: skip
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
