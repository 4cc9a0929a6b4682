"""The SOP export ("List of Accounts to Transition", all sheets) of a whole-book transition.

For each ``--sizes`` (default 2,000 and 10,000 accounts) a demo book is built once (cached
under ``$TMPDIR/account_desk_bench``) and a transition of every account to one receiver is
saved; then ``export_transition`` (xlsx with every sheet; csv) is timed, interleaved with
its floor in the same run: plain openpyxl (write-only, no styles) writing the list sheet
alone from the same rows, already in memory. Budget at 2,000 accounts: the whole export
(reading the transition, planning each account, writing every sheet) <= 1.0x that floor;
other sizes are reported for growth.

    .venv/bin/python benchmarks/export_bench.py [--sizes 2000 10000] [--runs 5] [--json OUT]
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import bench
from score_bench import CACHE

TODAY = date(2026, 11, 24)
BUDGET_SIZE = 2000


def demo_book(n: int) -> Path:
    from desktop_app.services.database import open_database
    from desktop_app.services.demo.book import generate_demo

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"export_{n}.db"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        store = open_database(tmp)
        generate_demo(store, n, seed=7, today=TODAY)
        store.dispose()
        tmp.rename(path)
    return path


def measure(n: int, runs: int, folder: Path) -> list[bench.Figure]:
    from openpyxl import Workbook

    from desktop_app.services.book.portfolio import load_book
    from desktop_app.services.database import open_database
    from desktop_app.services.transitions.export import export_rows, export_transition
    from desktop_app.services.transitions.workflow import create_transition

    store = open_database(demo_book(n))
    ids = [int(a) for a in load_book(store, TODAY).account_id]
    tid = create_transition(store, ids, "Alicia Chen", "Grace Lee", "bench", today=TODAY)
    k = [0]

    def out(suffix: str) -> Path:
        k[0] += 1
        return folder / f"out{n}_{k[0]}.{suffix}"

    def export(fmt: str) -> None:
        export_transition(store, tid, out(fmt), fmt=fmt, today=TODAY)

    rows, _s, _c = export_rows(store, tid, None, TODAY)

    def floor() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("x")
        for r in rows:
            ws.append(list(r.values()))
        wb.save(out("xlsx"))

    t = bench.interleaved(
        {"floor": floor, "xlsx": lambda: export("xlsx"), "csv": lambda: export("csv")}, runs
    )
    store.dispose()
    note = "floor: plain openpyxl writing the list sheet only, same rows"
    extra: dict[str, Any] = {"load": bench.load()}
    budget = 1.0 if n == BUDGET_SIZE else None
    return [
        bench.Figure("SOP export xlsx, all sheets", len(ids), t["xlsx"], t["floor"],
                     budget=budget, note=note, extra=extra),
        bench.Figure("SOP export csv", len(ids), t["csv"], t["floor"], note=note, extra=extra),
    ]  # fmt: skip


def main() -> None:
    parser = bench.parser(__doc__)
    parser.set_defaults(sizes=[BUDGET_SIZE, 10_000])
    args = parser.parse_args()
    figures: list[bench.Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            figures.extend(measure(n, args.runs, Path(tmp)))
    bench.emit(figures, args.json)


if __name__ == "__main__":
    main()
