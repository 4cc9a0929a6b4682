"""What every benchmark script shares: runs, medians, floors, and the JSON convention.

Convention (``run_all.py`` relies on it): a benchmark script accepts ``--json OUT`` and
writes to OUT a JSON list of figures, each a dict with at least

    name, size, median, min, max, runs, floor, ratio, budget, pass

``median``/``min``/``max`` are seconds (or the figure's ``unit``) over ``runs`` runs;
``floor`` is the median of the floor measured in the same run (null when the figure has an
absolute budget only); ``ratio`` is median / floor; ``budget`` is a ratio when ``floor`` is
set, else an absolute value in ``unit``; ``pass`` is null when there is no budget (a figure
reported for growth only). Floors and figures are measured interleaved (floor, figure,
floor, figure, …) so that the load of a busy machine falls on both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
#: The user's environment for timed processes: bytecode is cached, as an installed
#: application has its ``.pyc`` files (under ``PYTHONDONTWRITEBYTECODE=1`` an edited checkout
#: compiles every changed module from source on every start, which no user pays).
CACHED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    """Write the ``.pyc`` files of our package once, before the first timed process."""
    import compileall

    compileall.compile_dir(ROOT / "desktop_app", quiet=1)


@dataclass
class Figure:
    """One measured figure: its runs, the floor's runs (same run, interleaved), a budget."""

    name: str
    size: int | None
    times: list[float]
    floor_times: list[float] | None = None
    budget: float | None = None
    unit: str = "s"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        median = statistics.median(self.times)
        floor = statistics.median(self.floor_times) if self.floor_times else None
        ratio = median / floor if floor else None
        if self.budget is None:
            ok = None
        elif floor is not None and ratio is not None:
            ok = ratio <= self.budget
        else:
            ok = median <= self.budget
        out = {
            "name": self.name,
            "size": self.size,
            "median": round(median, 4),
            "min": round(min(self.times), 4),
            "max": round(max(self.times), 4),
            "runs": len(self.times),
            "unit": self.unit,
            "floor": None if floor is None else round(floor, 4),
            "floor_min": round(min(self.floor_times), 4) if self.floor_times else None,
            "floor_max": round(max(self.floor_times), 4) if self.floor_times else None,
            "ratio": None if ratio is None else round(ratio, 3),
            "budget": self.budget,
            "pass": ok,
            "note": self.note,
        }
        out.update(self.extra)
        return out


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Run each function ``runs`` times, alternating between them; the times of each."""
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for key, fn in fns.items():
            out[key].append(timed(fn))
    return out


def process(cmd: Sequence[str], *, env: dict[str, str] | None = None, stdin: Any = None) -> float:
    """Wall time of a whole process (``subprocess.run`` between two ``perf_counter``s), by
    default in ``CACHED_ENV``.

    Raises ``RuntimeError`` with its stderr if the process fails.
    """
    t0 = time.perf_counter()
    res = subprocess.run(
        list(cmd),
        capture_output=True,
        env=CACHED_ENV if env is None else env,
        stdin=stdin,
        check=False,
        cwd=ROOT,
    )
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {res.stderr.decode()[-800:]}")
    return dt


def cli(*args: str) -> list[str]:
    """The ``account-desk`` command line, run by this interpreter."""
    return [PYTHON, "-m", "desktop_app", *args]


def peak_rss_mb(code: str) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter; its peak RSS in MB and its stdout."""
    wrapped = (
        f"{code}\nimport resource as _r, sys as _s\n"
        "print('PEAK_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss, file=_s.stderr)\n"
    )
    res = subprocess.run([PYTHON, "-c", wrapped], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-800:])
    kb = next(line.split()[1] for line in res.stderr.splitlines() if line.startswith("PEAK_KB"))
    return int(kb) / 1024, res.stdout


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages (how busy the machine was)."""
    return [round(x, 2) for x in os.getloadavg()]


def parser(doc: str | None, runs: int = 5) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    p.add_argument("--json", metavar="OUT", type=Path, help="write the figures as JSON here")
    p.add_argument("--runs", type=int, default=runs, help=f"runs per figure (default {runs})")
    p.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="book sizes (accounts)"
    )
    return p


def emit(figures: Sequence[Figure], out: Path | None) -> list[dict[str, Any]]:
    """Print the figures as a table and write them as JSON to ``out`` (if given)."""
    rows = [f.as_dict() for f in figures]
    print(f"{'figure':44} {'size':>7} {'median':>8} {'min':>8} {'max':>8} "
          f"{'floor':>8} {'ratio':>6} {'budget':>7}  pass")  # fmt: skip
    for r in rows:
        floor = "" if r["floor"] is None else f"{r['floor']:8.3f}"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:6.2f}"
        budget = "" if r["budget"] is None else f"{r['budget']:7.2f}"
        verdict = {True: "ok", False: "MISSED", None: "-"}[r["pass"]]
        print(f"{r['name'][:44]:44} {r['size'] or '':>7} {r['median']:8.3f} {r['min']:8.3f} "
              f"{r['max']:8.3f} {floor:>8} {ratio:>6} {budget:>7}  {verdict}")  # fmt: skip
    if out is not None:
        out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return rows
