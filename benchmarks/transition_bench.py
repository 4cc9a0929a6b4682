"""Time the "List of Accounts to Transition" export of a 2,000-account transition.

Builds a demo book of 2,000 accounts once (in a temp dir), saves a transition of every
account to one receiver, then times ``export_transition`` (xlsx and csv, best of 3) against
a baseline measured in the same run: openpyxl writing the same cells without styling.

    .venv/bin/python benchmarks/transition_bench.py [--accounts 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from timing import best_of


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()

    from openpyxl import Workbook

    from desktop_app.services.database import open_database
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.portfolio import load_book
    from desktop_app.services.transitions import create_transition
    from desktop_app.services.transitions_plan import export_rows, export_transition

    today = date(2026, 11, 24)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        store = open_database(d / "bench.db")
        t0 = time.perf_counter()
        generate_demo(store, args.accounts, seed=7, today=today)
        print(f"demo book of {args.accounts} accounts: {time.perf_counter() - t0:.1f} s")
        ids = [int(a) for a in load_book(store, today).account_id]
        tid = create_transition(store, ids, "Alicia Chen", "Grace Lee", "bench", today=today)
        n = [0]

        def export(fmt: str) -> None:
            n[0] += 1
            export_transition(store, tid, d / f"out{n[0]}.{fmt}", fmt=fmt)

        xlsx = best_of(lambda: export("xlsx"))
        csv = best_of(lambda: export("csv"))
        rows, _s, _c = export_rows(store, tid)

        def baseline() -> None:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("x")
            for r in rows:
                ws.append(list(r.values()))
            n[0] += 1
            wb.save(d / f"base{n[0]}.xlsx")

        base = best_of(baseline)
        store.dispose()
    print(f"export {len(ids)} accounts  xlsx (3 sheets): {xlsx:.3f} s   csv: {csv:.3f} s")
    print(
        f"baseline (plain openpyxl, list sheet only): {base:.3f} s  ratio xlsx/base "
        f"{xlsx / base:.1f}x   target < 1 s: {'OK' if xlsx < 1.0 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
