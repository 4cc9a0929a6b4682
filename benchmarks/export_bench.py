"""The SOP export ("List of Accounts to Transition", all sheets) of a 2,000-account transition.

Builds a demo book of 2,000 accounts once (cached in the temp dir), saves a transition of
every account to one receiver, then times ``export_transition`` (xlsx with every sheet; csv)
interleaved with its floor in the same run: plain openpyxl (write-only) writing the list
sheet alone from the same rows. Budget: the whole export <= 1.0x that floor.

    .venv/bin/python benchmarks/export_bench.py [--accounts 2000] [--runs 5] [--json OUT]
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import bench
from score_bench import CACHE


def main() -> None:
    parser = bench.parser(__doc__)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()

    from openpyxl import Workbook

    from desktop_app.services.database import open_database
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.portfolio import load_book
    from desktop_app.services.transitions import create_transition
    from desktop_app.services.transitions_export import export_rows, export_transition

    today = date(2026, 11, 24)
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"export_{args.accounts}.db"
    if not path.exists():
        store = open_database(path.with_suffix(".tmp"))
        generate_demo(store, args.accounts, seed=7, today=today)
        store.dispose()
        path.with_suffix(".tmp").rename(path)
    store = open_database(path)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        ids = [int(a) for a in load_book(store, today).account_id]
        tid = create_transition(store, ids, "Alicia Chen", "Grace Lee", "bench", today=today)
        n = [0]

        def export(fmt: str) -> None:
            n[0] += 1
            export_transition(store, tid, d / f"out{n[0]}.{fmt}", fmt=fmt, today=today)

        rows, _s, _c = export_rows(store, tid, None, today)

        def floor() -> None:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("x")
            for r in rows:
                ws.append(list(r.values()))
            n[0] += 1
            wb.save(d / f"base{n[0]}.xlsx")

        t = bench.interleaved(
            {"floor": floor, "xlsx": lambda: export("xlsx"), "csv": lambda: export("csv")},
            args.runs,
        )
    store.dispose()
    note = "floor: plain openpyxl writing the list sheet only, same rows"
    figures = [
        bench.Figure("SOP export xlsx, all sheets", len(ids), t["xlsx"], t["floor"],
                     budget=1.0, note=note),
        bench.Figure("SOP export csv", len(ids), t["csv"], t["floor"], note=note),
    ]  # fmt: skip
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
