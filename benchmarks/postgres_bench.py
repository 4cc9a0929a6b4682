"""The same book on PostgreSQL and on SQLite: `accounts --json`, `score`, opening the GUI.

Writes one demo book (same seed, same rows) into a SQLite file and into a PostgreSQL
database, scores both, then times whole processes, interleaved so that machine load hits
both alike: median (min–max) of ``--runs`` runs each. Budget: PostgreSQL within 1.5x of
SQLite for every measure.

    eval "$(.ci/pg-cluster start)"      # or any server: ACCOUNT_DESK_TEST_PG=<superuser URL>
    python benchmarks/postgres_bench.py [--accounts 100000] [--runs 5]
    .ci/pg-cluster stop "$AD_PG_DIR"

The server is local (loopback), as the SQLite file is: this compares the engines, not a
network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BUDGET = 1.5


def _cli(db: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "--db", db, *args]


def _run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, timeout=1800)
    return time.perf_counter() - start


def _gui_ready(db: str, env: dict[str, str]) -> float:
    start = time.time()
    cmd = [sys.executable, "-m", "desktop_app", "--db", db, "gui", "--self-test"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("ready "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no ready line: {out.stdout}\n{out.stderr[-2000:]}")


def _prepare(db: str, accounts: int, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(_cli(db, "demo", "--accounts", str(accounts)), check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(_cli(db, "score"), check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _fmt(xs: list[float]) -> str:
    return f"{statistics.median(xs):6.2f} s ({min(xs):.2f}–{max(xs):.2f})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    server = os.environ.get("ACCOUNT_DESK_TEST_PG")
    if not server:
        print('set ACCOUNT_DESK_TEST_PG (eval "$(.ci/pg-cluster start)")', file=sys.stderr)
        return 2
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(server)
    name = f"ad_bench_{args.accounts}_{os.getpid()}"
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    pg_url = admin.set(database=name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="ad-pg-bench-"))
    lite = str(tmp / "book.db")
    env = dict(os.environ, ACCOUNT_DESK_CONFIG_DIR=str(tmp / "config"))
    try:
        print(f"{args.accounts:,} accounts; writing the demo book and scoring it…", flush=True)
        print(f"  setup  SQLite {_prepare(lite, args.accounts, env):7.1f} s", flush=True)
        print(f"  setup  PostgreSQL {_prepare(pg_url, args.accounts, env):7.1f} s", flush=True)
        with psycopg.connect(libpq.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        measures = {
            "accounts --json": lambda db: _run(_cli(db, "accounts", "--json"), env),
            "score": lambda db: _run(_cli(db, "score"), env),
            "GUI open (table filled)": lambda db: _gui_ready(db, env),
        }
        worst = 0.0
        for label, measure in measures.items():
            lite_t: list[float] = []
            pg_t: list[float] = []
            for _ in range(args.runs):
                lite_t.append(measure(lite))
                pg_t.append(measure(pg_url))
            ratio = statistics.median(pg_t) / statistics.median(lite_t)
            worst = max(worst, ratio)
            print(f"{label:24} SQLite {_fmt(lite_t)}  PostgreSQL {_fmt(pg_t)}  "
                  f"ratio {ratio:.2f}x (budget {BUDGET}x)", flush=True)  # fmt: skip
        print(f"worst ratio {worst:.2f}x: {'within' if worst <= BUDGET else 'OVER'} budget")
        return 0 if worst <= BUDGET else 1
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    raise SystemExit(main())
