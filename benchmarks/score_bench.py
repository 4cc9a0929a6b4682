"""Rescoring end to end: load, score, 24 monthly snapshots and write, at 10k and 100k.

A synthetic book (accounts, 24 months of usage, tickets, NPS, contacts, billing) is written
once into a SQLite file (cached in the temp dir). Each run is a fresh process calling
``rescore()``; its time and peak RSS are measured inside it. Budgets at 100k: <= 10 s and
<= 800 MB. Also: one account rescored after an edit (``rescore_accounts``, budget 50 ms),
and the numpy-only scoring of the current month, for reference.

    .venv/bin/python benchmarks/score_bench.py [--sizes 10000 100000] [--runs 5] [--json OUT]
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import bench
import numpy as np

from desktop_app.domain.churn import day_number
from desktop_app.domain.health import score_book
from desktop_app.domain.health_inputs import HistoryInputs, measures_at
from desktop_app.services.health_versions import default_scorecard

TODAY = date(2026, 11, 24)
MONTHS = 24


def synthetic(n: int, seed: int = 3) -> HistoryInputs:
    """A book of ``n`` accounts with 24 months of usage, tickets, NPS, contacts, billing."""
    r = np.random.default_rng(seed)
    today = float(day_number(TODAY))
    month_day = np.array(
        [day_number(date(2024 + (10 + m) // 12, (10 + m) % 12 + 1, 1)) for m in range(MONTHS)],
        dtype=float,
    )
    seats = np.repeat(r.integers(10, 3000, n)[:, None], MONTHS, axis=1).astype(float)
    mau = np.round(seats * r.uniform(0.1, 0.95, (n, 1)) * r.normal(1, 0.08, (n, MONTHS)))
    churn = np.where(r.random(n) < 0.1, today - r.uniform(0, 540, n), np.nan)
    mau[month_day[None, :] >= churn[:, None]] = np.nan
    nt = n * 5
    t_open = today - r.uniform(0, 720, nt)
    is_open = r.random(nt) < 0.1
    nn, nc = n * 2, int(n * 3.5)
    return HistoryInputs(
        account_id=np.arange(1, n + 1, dtype=np.int64),
        month_day=month_day,
        mau=mau,
        seats=seats,
        contracted_seats=seats[:, -1].copy(),
        renewal_day=today + r.integers(1, 365, n).astype(float),
        churn_day=churn,
        start_day=np.full(n, np.nan),
        t_acc=r.integers(0, n, nt),
        t_open=t_open,
        t_close=np.where(is_open, np.inf, t_open + r.uniform(1, 25, nt)),
        t_esc=r.random(nt) < 0.05,
        t_waiting=r.integers(0, 3, nt).astype(np.int8),
        t_updated=today - r.uniform(0, 10, nt),
        n_acc=r.integers(0, n, nn),
        n_day=today - r.uniform(0, 720, nn),
        n_score=r.integers(0, 11, nn).astype(float),
        c_acc=r.integers(0, n, nc),
        c_reply=today - r.uniform(0, 400, nc),
        c_main=r.random(nc) < 0.3,
        c_status=np.where(r.random(nc) < 0.05, "on leave", "active"),
        b_acc=np.arange(n, dtype=np.int64),
        b_day=np.full(n, today),
        b_dpd=np.where(r.random(n) < 0.05, r.integers(1, 90, n), 0).astype(float),
        observed_day=today,
    )


def _d(day: float) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()


def write_db(h: HistoryInputs, path: Path) -> None:
    """Bulk-write ``h`` into a migrated SQLite file (raw executemany, outside the timing)."""
    from desktop_app.services.database import open_database

    store = open_database(path)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        now = datetime.now().isoformat(" ")
        cur.execute(
            "INSERT INTO import_batches (id, file_name, source_profile, rows_total, rows_new,"
            " rows_updated, rows_unchanged, rows_unmatched, rows_skipped, imported_at, as_of)"
            " VALUES (1, 'bench', 'bench', 0, 0, 0, 0, 0, 0, ?, ?)",
            (now, TODAY.isoformat()),
        )
        ids = h.account_id.tolist()
        cur.executemany(
            "INSERT INTO accounts (id, name, contracted_seats, renewal_date, churn_date,"
            " lifecycle) VALUES (?, ?, ?, ?, ?, 'active')",
            [
                (a, f"Account {a}", int(s), _d(rd), None if np.isnan(c) else _d(c))
                for a, s, rd, c in zip(
                    ids, h.contracted_seats, h.renewal_day, h.churn_day, strict=True
                )
            ],
        )
        rows, cols = np.nonzero(~np.isnan(h.mau))
        months = [_d(d) for d in h.month_day]
        cur.executemany(
            "INSERT INTO usage_monthly (account_id, month, mau, licensed_seats) VALUES (?,?,?,?)",
            list(
                zip(
                    (rows + 1).tolist(),
                    [months[c] for c in cols],
                    h.mau[rows, cols].astype(int).tolist(),
                    h.seats[rows, cols].astype(int).tolist(),
                    strict=True,
                )
            ),
        )
        waiting = {0: None, 1: "us", 2: "customer"}
        cur.executemany(
            "INSERT INTO tickets (source, key, account_id, is_open, is_escalation, waiting_on,"
            " opened_at, updated_at, resolved_at) VALUES ('jira', ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"K-{i}",
                    a + 1,
                    bool(np.isinf(c)),
                    bool(e),
                    waiting[int(w)],
                    _d(o),
                    _d(u),
                    None if np.isinf(c) else _d(c),
                )
                for i, (a, o, c, e, w, u) in enumerate(
                    zip(
                        h.t_acc.tolist(),
                        h.t_open,
                        h.t_close,
                        h.t_esc,
                        h.t_waiting,
                        h.t_updated,
                        strict=True,
                    )
                )
            ],
        )
        cur.executemany(
            "INSERT INTO nps_responses (account_id, score, responded_at) VALUES (?, ?, ?)",
            [
                (a + 1, int(s), _d(d))
                for a, s, d in zip(h.n_acc.tolist(), h.n_score, h.n_day, strict=True)
            ],
        )
        cur.executemany(
            "INSERT INTO contacts (account_id, is_main_poc, last_replied, status)"
            " VALUES (?, ?, ?, ?)",
            [
                (a + 1, bool(m), _d(d), s)
                for a, m, d, s in zip(
                    h.c_acc.tolist(), h.c_main, h.c_reply, h.c_status, strict=True
                )
            ],
        )
        cur.executemany(
            "INSERT INTO billing_states (account_id, as_of, state, days_past_due)"
            " VALUES (?, ?, ?, ?)",
            [
                (a + 1, _d(d), "past_due" if p else "current", int(p))
                for a, d, p in zip(h.b_acc.tolist(), h.b_day, h.b_dpd, strict=True)
            ],
        )
        raw.commit()
    finally:
        raw.close()
        store.dispose()


CACHE = Path(tempfile.gettempdir()) / "account_desk_bench"

RESCORE_CHILD = """
import resource, sys, time, json
from datetime import date
from desktop_app.services.database import open_database
from desktop_app.services.scoring import rescore, rescore_accounts
store = open_database(sys.argv[1])
as_of = date.fromisoformat(sys.argv[2])
if sys.argv[3] == "book":
    t0 = time.perf_counter()
    rescore(store, as_of=as_of)
else:  # an edit in the running app: warm (one edit before), then the timed one
    aid = int(sys.argv[3])
    rescore_accounts(store, [aid + 1], as_of=as_of, history="current")
    t0 = time.perf_counter()
    rescore_accounts(store, [aid], as_of=as_of, history="current")
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": peak}))
"""


def book_db(n: int) -> Path:
    """A migrated SQLite book of ``n`` synthetic accounts with 24 months of history (cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"score_{n}.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        write_db(synthetic(n), tmp)
        tmp.rename(path)
    return path


def _child(db: Path, what: str) -> dict[str, float]:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", RESCORE_CHILD, str(db), TODAY.isoformat(), what],
        capture_output=True, text=True, check=True, cwd=bench.ROOT,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    p = bench.parser(__doc__)
    args = p.parse_args()
    figures = []
    card = default_scorecard()
    t = float(day_number(TODAY))
    for n in args.sizes:
        h = synthetic(n)
        compute = [bench.timed(lambda h=h: score_book(card, measures_at(card, h, t)))
                   for _ in range(args.runs)]  # fmt: skip
        note = "numpy only; reference for the end-to-end figure"
        figures.append(bench.Figure("score: compute current scores (no I/O)", n, compute,
                                    note=note))  # fmt: skip
        db = book_db(n)
        runs = [_child(db, "book") for _ in range(args.runs)]
        budget = 10.0 if n >= 100_000 else None
        figures.append(bench.Figure(
            "rescore: load+score+24 months+write", n, [r["seconds"] for r in runs], budget=budget,
            note="rescore() in a fresh process, as-of " + TODAY.isoformat()))  # fmt: skip
        figures.append(bench.Figure(
            "rescore: peak RSS of the process", n, [r["peak_mb"] for r in runs], unit="MB",
            budget=800.0 if n >= 100_000 else None))  # fmt: skip
        one = [_child(db, str(n // 2)) for _ in range(args.runs)]
        figures.append(bench.Figure("rescore_accounts: one account (an edit, warm)", n,
                                    [r["seconds"] for r in one], budget=0.05))  # fmt: skip
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
