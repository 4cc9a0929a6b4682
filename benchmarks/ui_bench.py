"""Portfolio scatter timings at 10k and 100k synthetic accounts, next to a bare pyqtgraph floor.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py [--sizes 10000 100000]``.
Figures are from one run each (plus the median of a few repeats for the cheap interactions).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

BUDGET_100K = {"build": 300.0, "filter": 300.0, "hover": 16.0}
BUDGET_10K = 50.0


def synthetic_book(n: int, seed: int = 1) -> Any:
    """BookColumns of ``n`` random accounts built straight from numpy (no database)."""
    from desktop_app.services.portfolio import BookColumns

    rng = np.random.default_rng(seed)
    today = date(2026, 11, 24)
    ids = np.arange(1, n + 1, dtype=np.int64)

    def obj(values: Any) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = list(values)
        return out

    mau = np.round(10 ** rng.uniform(0, 4.3, n))
    mau[rng.random(n) < 0.05] = 0
    mau[rng.random(n) < 0.03] = np.nan
    score = np.round(rng.uniform(0, 100, n), 1)
    score[rng.random(n) < 0.05] = np.nan
    churned = rng.random(n) < 0.1
    bands = np.array(
        ["Healthy/Stable", "Undefined", "Risky/Unstable", "Escalation", None], dtype=object
    )
    mrr = np.round(10 ** rng.uniform(2, 4.5, n), 2)
    return BookColumns(
        account_id=ids,
        sf_account_id=obj(f"001{i:015d}" for i in ids),
        name=obj(f"Account {i}" for i in ids),
        owner=obj(f"CSM {i % 40}" for i in ids),
        team_lead=obj(f"TL {i % 5}" for i in ids),
        segment=obj(("SMB", "Mid", "Enterprise")[i % 3] for i in ids),
        industry=obj("Healthcare" for _ in ids),
        lms_id=obj(f"lms-{i}" for i in ids),
        recurly_id=obj(f"rec-{i}" for i in ids),
        mrr=mrr,
        arr=mrr * 12,
        renewal_date=np.datetime64(today, "D") + rng.integers(-30, 400, n).astype("timedelta64[D]"),
        lifecycle=obj(np.where(churned, "churned", "active")),
        churn_type=obj(np.where(churned, rng.choice(["organic", "voluntary"], n), None)),
        mau=mau,
        seats=np.round(np.nan_to_num(mau) * rng.uniform(0.8, 3, n)),
        open_tickets=rng.integers(0, 5, n).astype(np.int64),
        health_score=score,
        computed_band=bands[rng.integers(0, 5, n)],
        override_band=np.full(n, None, dtype=object),
        as_of=today,
    )


def ms(fn: Callable[[], Any], repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench(n: int, app: Any) -> dict[str, float]:
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF

    from desktop_app.services.portfolio import BookFilter, filter_mask
    from desktop_app.ui.views.scatter import PortfolioScatter
    from desktop_app.ui.views.scatter_items import band_brushes

    book = synthetic_book(n)
    out: dict[str, float] = {}

    # Floor: a bare ScatterPlotItem with brushes grouped by band, same arrays, painted once.
    brushes = np.array(band_brushes(), dtype=object)[book.band_code.astype(np.int64)]
    x = np.log10(np.where(book.mau > 0, book.mau, 0.5))
    y = np.nan_to_num(book.health_score, nan=-10.0)
    floor_w = pg.PlotWidget()
    floor_w.resize(1000, 700)
    floor_w.show()

    def floor_build() -> None:
        item = pg.ScatterPlotItem(x=x, y=y, brush=brushes, size=10)
        floor_w.addItem(item)
        app.processEvents()
        floor_w.grab()

    out["floor build+paint"] = ms(floor_build)

    w = PortfolioScatter()
    w.resize(1000, 700)
    w.show()
    app.processEvents()

    def build() -> None:
        w.set_book(book)
        app.processEvents()
        w.grab()

    out["build+paint"] = ms(build)
    again = synthetic_book(n, seed=2)  # an import landed: same widget, new book

    def refresh() -> None:
        w.set_book(again)
        app.processEvents()

    out["refresh (new book, no grab)"] = ms(refresh)
    mask = filter_mask(book, BookFilter(segments=("Enterprise", "Mid")))
    out["filter (set_mask)"] = ms(lambda: w.set_mask(mask))
    model_ms = _table_model_ms(book, mask)
    if model_ms is not None:
        out["filter: table model"] = model_ms
    xs, ys = w.plotted_xy()
    probe = [(float(xs[i]), float(ys[i])) for i in range(0, xs.size, max(xs.size // 20, 1))]
    out["hover lookup"] = ms(lambda: [w.hover_at(px, py) for px, py in probe]) / len(probe)
    ids = book.account_id[mask][:200]
    out["selection in (set_selection)"] = ms(lambda: w.set_selection(ids), repeat=5)
    px, py = probe[3]
    out["selection out (click→emit)"] = ms(lambda: w.click_at(QPointF(px, py)), repeat=5)
    out["mask back to all"] = ms(lambda: w.set_mask(np.ones(n, dtype=bool)))
    w.close()
    floor_w.close()
    return out


def _table_model_ms(book: Any, mask: np.ndarray) -> float | None:
    """The lead's table model taking the same mask (``set_mask``, or ``set_rows(order)``)."""
    try:
        from desktop_app.ui.models.account_table import AccountTableModel
    except ImportError:
        return None
    model = AccountTableModel()
    model.set_book(book)
    if hasattr(model, "set_mask"):
        return ms(lambda: model.set_mask(mask))
    from desktop_app.services.portfolio import row_order

    order = row_order(book, mask, None)
    return ms(lambda: model.set_rows(order))


def shot(n: int, app: Any, out_dir: str) -> str:
    """Render the scatter of ``n`` synthetic accounts with 25 selected to a PNG (visual review)."""
    from desktop_app.ui.views.scatter import PortfolioScatter

    book = synthetic_book(n)
    w = PortfolioScatter()
    w.resize(1200, 800)
    w.show()
    w.set_book(book)
    arr = np.nan_to_num(book.arr)
    w.set_selection(book.account_id[np.argsort(-arr)[:25]])
    app.processEvents()
    path = os.path.join(out_dir, f"scatter_{n}.png")
    w.grab().save(path)
    w.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--shots", metavar="DIR", help="also write scatter_N.png per size")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    for n in args.sizes:
        if args.shots:
            os.makedirs(args.shots, exist_ok=True)
            print("wrote", shot(n, app, args.shots))
        res = bench(n, app)
        print(f"\n{n:,} accounts")
        for k, v in res.items():
            budget = BUDGET_10K if n <= 10_000 else _budget(k)
            flag = "" if budget is None else ("  ok" if v <= budget else f"  OVER {budget:.0f}")
            print(f"  {k:32s} {v:9.2f} ms{flag}")


def _budget(key: str) -> float | None:
    for k, v in BUDGET_100K.items():
        if key.startswith(k):
            return v
    return None


if __name__ == "__main__":
    main()
