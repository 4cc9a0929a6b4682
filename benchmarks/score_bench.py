"""Rescoring benchmark: 100k accounts with 24 months of history.

Generates the scoring inputs as numpy arrays in-process (no demo DB), then prints:

* the pure compute time of the current scores (budget: < 1 s), and of all monthly snapshots;
* the time to load the same inputs from a SQLite database (written once with bulk inserts),
  i.e. what ``services.scoring.rescore`` pays before it computes anything.

Usage: ``.venv/bin/python benchmarks/score_bench.py [--accounts N] [--db-accounts N]``
(``--db-accounts 0`` skips the database part).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from timing import best_of

from desktop_app.domain.churn import day_number
from desktop_app.domain.health import score_book
from desktop_app.domain.health_inputs import HistoryInputs, last_valid_index, measures_at
from desktop_app.services.health_loading import load_history
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--db-accounts", type=int, default=100_000)
    args = ap.parse_args()
    card = default_scorecard()
    t = float(day_number(TODAY))
    h = synthetic(args.accounts)
    print(
        f"{args.accounts:,} accounts, {MONTHS} months, {len(h.t_acc):,} tickets, "
        f"{len(h.n_acc):,} NPS responses, {len(h.c_acc):,} contacts"
    )
    last = last_valid_index(h.mau)
    current = best_of(lambda: score_book(card, measures_at(card, h, t)))
    print(f"compute current scores:        {current:7.3f} s  (budget < 1 s)")
    snaps = best_of(
        lambda: [score_book(card, measures_at(card, h, float(d) + 27, last)) for d in h.month_day],
        repeat=1,
    )
    print(f"compute 24 monthly snapshots:  {snaps:7.3f} s")
    if args.db_accounts:
        hdb = h if args.db_accounts == args.accounts else synthetic(args.db_accounts)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            t0 = time.perf_counter()
            write_db(hdb, path)
            print(
                f"(writing the {args.db_accounts:,}-account DB took "
                f"{time.perf_counter() - t0:.1f} s; not part of rescoring)"
            )
            from desktop_app.services.database import open_database

            store = open_database(path)
            try:

                def load() -> None:
                    with store.sessions() as session:
                        load_history(session, TODAY)

                loaded = best_of(load, repeat=1)
            finally:
                store.dispose()
        scale = args.accounts / args.db_accounts
        print(f"load inputs from SQLite:       {loaded:7.3f} s  ({args.db_accounts:,} accounts)")
        print(f"compute / load ratio:          {current / (loaded * scale):7.3f}")


if __name__ == "__main__":
    main()
