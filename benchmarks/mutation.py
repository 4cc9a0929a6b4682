"""Mutation run: how many one-token mutants of domain/ and the import normalisers do tests kill?

A mutant changes one token of one module: a flipped comparison (``<`` <-> ``<=``, ``>`` <-> ``>=``,
``==`` <-> ``!=``), ``+`` <-> ``-``, ``and`` <-> ``or``, ``True`` <-> ``False``, or a numeric
constant +1 / -1 (decorator arguments, indexes and slices are left alone). The sample is fixed:
a site is in it when the hash of its line text, token and replacement falls in bucket
``--bucket`` of ``--every``, so a mutant stays in the sample when its line moves to another
line or module, and before/after figures compare the same mutants. Each mutant is applied alone
to a copy of the project in a temporary folder, and the relevant tests run with ``-x``: the test
files (``tests/domain``, ``tests/io``) that import the mutated module, then its layer's folder.
A failing run or a run over the time limit kills the mutant; a green run lets it survive.

It is a benchmarks/ job, not part of the per-commit suite: a full sample takes minutes.

Usage::

    nice -n 10 .venv/bin/python benchmarks/mutation.py [--every 8] [--bucket 0] [--list]
        [--only desktop_app/domain/churn.py:91]

Prints one line per mutant (``killed``/``survived``), the survivors again at the end, and the
kill rate = killed / sample size.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = [
    *sorted(p for p in (ROOT / "desktop_app" / "domain").glob("*.py") if p.name != "__init__.py"),
    ROOT / "desktop_app" / "io" / "normalize.py",
    ROOT / "desktop_app" / "io" / "dates.py",
]
TEST_DIRS = ["tests/domain", "tests/io"]

SWAPS = {
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "+": "-",
    "-": "+",
    "and": "or",
    "or": "and",
    "True": "False",
    "False": "True",
}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to ROOT
    line: int
    col: int
    old: str
    new: str
    key: str  # stripped line text, column in it, old and new token: stable when lines move

    def label(self) -> str:
        return f"{self.path}:{self.line}:{self.col} {self.old!r} -> {self.new!r}"


def _number_mutants(tok: str) -> list[str]:
    try:
        value = int(tok, 0)
    except ValueError:
        try:
            fvalue = float(tok)
        except ValueError:
            return []
        return [repr(fvalue + 1.0), repr(fvalue - 1.0)]
    return [str(value + 1), str(value - 1)]


def sites(path: Path) -> list[Mutant]:
    """Every one-token mutant of ``path`` (docstrings and strings are never touched)."""
    rel = str(path.relative_to(ROOT))
    text = path.read_text(encoding="utf-8")
    out: list[Mutant] = []
    lines = text.splitlines()
    prev = ""

    def mk(line: int, col: int, old: str, new: str) -> Mutant:
        src = lines[line - 1]
        indent = len(src) - len(src.lstrip())
        return Mutant(rel, line, col, old, new, f"{src.strip()}|{col - indent}|{old}|{new}")

    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        s, (line, col) = tok.string, tok.start
        if line > len(lines) or lines[line - 1].lstrip().startswith("@"):
            pass  # decorator arguments (frozen=True, slots=True) are not behaviour under test
        elif tok.type in {tokenize.OP, tokenize.NAME} and s in SWAPS:
            out.append(mk(line, col, s, SWAPS[s]))
        elif tok.type == tokenize.NUMBER and prev not in {"[", ":"}:
            # Index and slice constants are mostly off-by-one crashes; keep the sample on values.
            out.extend(mk(line, col, s, new) for new in _number_mutants(s))
        if tok.type not in {tokenize.NL, tokenize.COMMENT}:
            prev = s
    return out


def _bucket(key: str, every: int) -> int:
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:4], "big") % every


def apply(text: str, m: Mutant) -> str:
    lines = text.splitlines(keepends=True)
    ln = lines[m.line - 1]
    assert ln[m.col : m.col + len(m.old)] == m.old, m.label()
    lines[m.line - 1] = ln[: m.col] + m.new + ln[m.col + len(m.old) :]
    return "".join(lines)


def tests_for(work: Path, rel: str) -> list[str]:
    """Test files that import the module, then the tests of its layer (pytest drops repeats)."""
    mod = rel.removesuffix(".py").replace("/", ".")
    pkg, name = mod.rsplit(".", 1)
    direct = []
    for d in TEST_DIRS:
        for f in sorted((work / d).glob("test_*.py")):
            t = f.read_text(encoding="utf-8")
            if mod in t or f"from {pkg} import {name}" in t:
                direct.append(str(f.relative_to(work)))
    return [*direct, "tests/domain" if "/domain/" in rel else "tests/io"]


def run_tests(work: Path, args: list[str], timeout: float) -> tuple[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *args]
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=work, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t0
    return ("green" if r.returncode == 0 else "red"), time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--every", type=int, default=8, help="sample one site in EVERY (by hash)")
    ap.add_argument("--bucket", type=int, default=0, help="which hash bucket is the sample")
    ap.add_argument("--list", action="store_true", help="print the sample and stop")
    ap.add_argument("--only", action="append", default=[], help="path:line to run (repeatable)")
    ap.add_argument("--module", action="append", default=[], help="only mutants of this file")
    a = ap.parse_args()

    pool = [m for p in TARGETS for m in sites(p)]
    sample = [m for m in pool if _bucket(m.key, a.every) == a.bucket]
    sample.sort(key=lambda m: (m.path, m.line, m.col, m.new))
    if a.module:
        sample = [m for m in sample if m.path in set(a.module)]
    if a.only:
        sample = [m for m in sample if f"{m.path}:{m.line}" in set(a.only)]
    print(f"{len(pool)} mutation sites in {len(TARGETS)} modules; sample of {len(sample)}")
    if a.list:
        for m in sample:
            print(" ", m.label())
        return 0

    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        work = Path(tmp)
        for part in ("desktop_app", "tests", "resources"):
            shutil.copytree(ROOT / part, work / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
        status, base = run_tests(work, TEST_DIRS, timeout=600)
        if status != "green":
            print("the unmutated tests are not green; fix them first")
            return 1
        limit = 3 * base + 10
        print(f"unmutated run: {base:.1f} s; a mutant running over {limit:.0f} s counts as killed")
        survivors: list[Mutant] = []
        for i, m in enumerate(sample, 1):
            target = work / m.path
            original = target.read_text(encoding="utf-8")
            target.write_text(apply(original, m), encoding="utf-8")
            try:
                status, secs = run_tests(work, tests_for(work, m.path), limit)
            finally:
                target.write_text(original, encoding="utf-8")
            verdict = "survived" if status == "green" else "killed"
            if status == "green":
                survivors.append(m)
            print(f"[{i:3d}/{len(sample)}] {verdict:8s} {secs:5.1f} s  {m.label()}", flush=True)

    killed = len(sample) - len(survivors)
    print("\nsurvivors:")
    for m in survivors:
        print(" ", m.label())
    rate = killed / len(sample) if sample else 0.0
    print(
        f"\nsample {len(sample)}, killed {killed}, survived {len(survivors)}, kill rate {rate:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
