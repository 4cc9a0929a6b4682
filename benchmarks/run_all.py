"""Run every benchmark and write one JSON summary: figure, floor, ratio, budget, pass/fail.

Every ``benchmarks/*.py`` script except the helpers is run as its own process with
``--json OUT`` (the convention in ``bench.py``); their figures are collected into one file
together with the machine's load before and after (figures from a busy machine are worse).
A script that fails, or writes no JSON, is listed under ``failed`` with its last error line.

    .venv/bin/python benchmarks/run_all.py [--out benchmarks/results.json] [--only NAME…]
        [-- ARGS passed to every script, e.g. -- --runs 3 --sizes 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: Helpers and tools in benchmarks/ that are not timing benchmarks (mutation.py: test strength).
#: fuzz_readers.py is a long correctness fuzz (run it on its own, niced); render_screens.py
#: writes pictures, not figures.
NOT_BENCHMARKS = {
    "bench.py", "run_all.py", "timing.py", "screenshots.py", "mutation.py",
    "fuzz_readers.py", "render_screens.py",
}  # fmt: skip


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS)
    if only:
        found = [p for p in found if p.stem in only or p.name in only]
    return found


def run_one(script: Path, extra: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """The figures one script wrote, and an error text ("" when it worked)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, str(script), "--json", str(out), *extra]
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return [], f"timed out after {timeout:.0f} s"
        sys.stdout.write(res.stdout)
        if res.returncode != 0 or not out.exists():
            tail = (res.stderr.strip().splitlines() or ["no JSON written"])[-1]
            return [], f"exit {res.returncode}: {tail}"
        data: Any = json.loads(out.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    for f in items:
        if isinstance(f, dict):
            f.setdefault("script", script.name)
    return items, ""


def growth(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each figure measured at several sizes: how its median grew from the smallest size to
    the largest, beside how much the size grew (linear code grows about as much; never the
    square of it)."""
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in figures:
        if isinstance(f.get("size"), int) and f["size"] > 0 and f.get("median"):
            by_name.setdefault((str(f.get("script")), str(f["name"])), []).append(f)
    out = []
    for (script, name), found in by_name.items():
        found.sort(key=lambda f: f["size"])
        small, large = found[0], found[-1]
        if large["size"] == small["size"]:
            continue
        out.append({
            "script": script, "name": name, "from": small["size"], "to": large["size"],
            "size_growth": round(large["size"] / small["size"], 2),
            "growth": round(large["median"] / small["median"], 2),
        })  # fmt: skip
    return out


def main() -> int:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE / "results.json")
    p.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per script")
    args = p.parse_args(argv)
    started = datetime.now(UTC)
    load_before = [round(x, 2) for x in os.getloadavg()]
    figures: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    reports: dict[str, list[Any]] = {}
    for script in scripts(args.only):
        print(f"\n=== {script.name} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        got, error = run_one(script, extra, args.timeout)
        print(f"=== {script.name}: {len(got)} figures in {time.perf_counter() - t0:.0f} s"
              + (f"; FAILED ({error})" if error else ""), flush=True)  # fmt: skip
        # Figures follow bench.py's convention; anything else (e.g. a quality report) is kept
        # under "reports".
        for item in got:
            is_figure = isinstance(item, dict) and "median" in item and "name" in item
            (figures if is_figure else reports.setdefault(script.name, [])).append(item)
        if error:
            failed.append({"script": script.name, "error": error})
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": load_before,
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "figures": figures,
        "growth": growth(figures),
        "reports": reports,
        "failed": failed,
        "passed": sum(1 for f in figures if f.get("pass") is True),
        "missed": sum(1 for f in figures if f.get("pass") is False),
    }
    args.out.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    for g in summary["growth"]:
        print(f"growth {g['name'][:44]:44} {g['from']:>7} -> {g['to']:>7}: "
              f"x{g['growth']:<6} (size x{g['size_growth']})")  # fmt: skip
    print(f"\n{summary['passed']} within budget, {summary['missed']} missed, "
          f"{len(failed)} scripts failed; load {load_before} -> "
          f"{summary['machine']['load_after']}; summary: {args.out}")  # fmt: skip
    return 1 if failed or summary["missed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
