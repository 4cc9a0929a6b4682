"""The same book on PostgreSQL and on SQLite: `accounts --json`, `score`, opening the GUI.

For each size, one scored demo book in a SQLite file and the same rows in a PostgreSQL
database. With ``--book N=FILE`` the SQLite book is a copy of a pre-built one and PostgreSQL
gets it through ``account-desk db copy`` (binary COPY); otherwise both are written by
``demo --accounts N`` and scored. Then whole ``account-desk`` processes are timed,
interleaved (SQLite, PostgreSQL, SQLite, …) so that machine load hits both alike: the SQLite
figure is the floor, PostgreSQL's median over it the ratio. Budget: 1.5x.

    eval "$(.ci/pg-cluster start)"      # or any server: ACCOUNT_DESK_TEST_PG=<superuser URL>
    python benchmarks/postgres_bench.py --sizes 10000 100000 --runs 5 \\
        --book 10000=/work/books/demo10k.sqlite --book 100000=/work/books/demo100k.sqlite \\
        --json OUT
    .ci/pg-cluster stop "$AD_PG_DIR"

The server is local (loopback), as the SQLite file is: this compares the engines, not a
network. ``score`` rewrites the scores each run, so every run does the same work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import Figure, emit, interleaved, load, parser, process

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BUDGET = 1.5


def _cli(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "desktop_app", "--db", db, *args]


def _gui_ready(db: str, env: dict[str, str]) -> float:
    start = time.time()
    cmd = [sys.executable, "-m", "desktop_app", "--db", db, "gui", "--self-test"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    for line in out.stdout.splitlines():
        if line.startswith("ready "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no ready line: {out.stdout}\n{out.stderr[-2000:]}")


def _setup(size: int, book: Path | None, lite: str, pg_url: str, env: dict[str, str]) -> None:
    t0 = time.perf_counter()
    if book is not None:
        shutil.copyfile(book, lite)
        os.chmod(lite, 0o600)
        subprocess.run(_cli(pg_url, "db", "copy", lite), check=True, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"  {size:,}: copied {book.name} into PostgreSQL in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
        return
    for db in (lite, pg_url):
        subprocess.run(_cli(db, "demo", "--accounts", str(size)), check=True, env=env,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    print(f"  {size:,}: wrote and scored both books in {time.perf_counter() - t0:.1f} s")


def main() -> int:
    ap = parser(__doc__, runs=5)
    ap.add_argument(
        "--book",
        action="append",
        default=[],
        metavar="N=FILE",
        help="a pre-built SQLite demo book of N accounts (copied, never written)",
    )
    args = ap.parse_args()
    server = os.environ.get("ACCOUNT_DESK_TEST_PG")
    if not server:
        print('set ACCOUNT_DESK_TEST_PG (eval "$(.ci/pg-cluster start)")', file=sys.stderr)
        return 2
    import psycopg
    from sqlalchemy.engine import make_url

    books = {int(k): Path(v) for k, v in (b.split("=", 1) for b in args.book)}
    admin = make_url(server)
    libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp(prefix="ad-pg-bench-"))
    env = dict(os.environ, ACCOUNT_DESK_CONFIG_DIR=str(tmp / "config"))
    figures: list[Figure] = []
    created: list[str] = []
    print(f"load average before: {load()}", flush=True)
    try:
        for size in args.sizes:
            name = f"ad_bench_{size}_{os.getpid()}"
            with psycopg.connect(libpq, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            created.append(name)
            pg_url = admin.set(database=name).render_as_string(hide_password=False)
            lite = str(tmp / f"book{size}.sqlite")
            _setup(size, books.get(size), lite, pg_url, env)
            with psycopg.connect(
                admin.set(drivername="postgresql", database=name).render_as_string(
                    hide_password=False
                ),
                autocommit=True,
            ) as conn:
                conn.execute("VACUUM ANALYZE")
            measures = {
                "accounts --json": lambda db: process(_cli(db, "accounts", "--json"), env=env),
                "score": lambda db: process(_cli(db, "score"), env=env),
                "GUI open (book loaded, table painted)": lambda db: _gui_ready(db, env),
            }
            for label, measure in measures.items():
                times = interleaved(
                    {
                        "sqlite": lambda m=measure, db=lite: m(db),
                        "pg": lambda m=measure, db=pg_url: m(db),
                    },
                    args.runs,
                )
                figures.append(
                    Figure(
                        f"PostgreSQL {label}",
                        size,
                        times["pg"],
                        floor_times=times["sqlite"],
                        budget=BUDGET,
                        note="floor: the same command on the same book in SQLite",
                        extra={"load_after": load()},
                    )
                )
                print(f"  {size:,} {label}: done (load {load()})", flush=True)
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            for name in created:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    rows = emit(figures, args.json)
    print(f"load average after: {load()}")
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
