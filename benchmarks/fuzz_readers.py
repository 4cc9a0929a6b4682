"""Hypothesis fuzz of the readers and the table locator (issue 12); not part of the suite.

Four targets, hypothesis tests sharing ``--total`` cases (default 100,000: 30% bytes, 15%
cells, 15% xlsx, 40% locator; a file case costs 2-5 times a locator case):

* ``bytes``: arbitrary bytes (with CSV-ish and spreadsheet magic prefixes) as a file;
* ``cells``: grids of generated cells (text, numbers, dates, blanks, control characters,
  header words the profiles know) written as CSV in several encodings and delimiters;
* ``xlsx``: the same grids written as .xlsx by our own writer, some cut short or with a
  far cell added;
* ``locator``: grids straight into ``find_header`` / ``finish_table`` (no file).

Every case must end in a preview or in ``ImportFileError`` (the one-line refusal); the
locator may also say ``ValueError`` (no header). Anything else is counted as a failure
with its first message, and the run exits 1. Run it niced::

    nice -n 10 python benchmarks/fuzz_readers.py --total 100000

Run of 2026-12-06 (branch ``robust``, niced on a shared 2-core machine, 48 min):
100,000 cases, 0 failures. bytes 30,000: refused 21,779, preview with rows 3,871, without
4,350; cells 15,000: refused 5,460, rows 1,073, none 8,467; xlsx 15,000: refused 9,028,
rows 183, none 5,789; locator 40,000: header found 23,160, header below row 3 12,926,
no header 3,914.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
import traceback
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.io.exporters.xlsx_writer import SheetSpec, write_xlsx
from desktop_app.io.importer import build_preview
from desktop_app.io.locate import find_header
from desktop_app.io.model import ImportFileError
from desktop_app.io.profiles import KNOWN_KEYS

OUTCOMES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
FAILURES: dict[str, list[str]] = collections.defaultdict(list)
WORDS = [
    "Account ID", "Account Name", "Account Owner", "LMS ID", "MRR", "Issue key", "Month", "MAU",
    "uuid", "account_code", "Status", "Created", "Renewal Date", "Seats", "Email", "2025-01",
    "Jan 2025", "Grand Totals (3 records)", "", " ", "NaN", "inf", "-0", "0000-01-01",
    "99999-12-31", "=1+1", "'", '"', "\r", "\x00", "001A000001AbCdE",
]  # fmt: skip

cell = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1)),
    st.none(),
)
grid = st.lists(st.lists(cell, min_size=0, max_size=12), min_size=0, max_size=25)
prefix = st.sampled_from([
    b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe",
    b"Account ID,Account Name\n", b"LMS ID,Month,MAU\n",
])  # fmt: skip


def _record(target: str, outcome: str, detail: str = "") -> None:
    OUTCOMES[target][outcome] += 1
    if outcome == "failure" and len(FAILURES[target]) < 20:
        FAILURES[target].append(detail)


def _preview(target: str, path: Path) -> None:
    try:
        preview = build_preview(path)
    except ImportFileError as exc:
        text = str(exc)
        ok = "\n" not in text and path.name in text
        _record(target, "refused" if ok else "failure", f"bad message: {text!r}")
    except Exception as exc:
        _record(target, "failure", "".join(traceback.format_exception_only(exc)).strip()[:300])
    else:
        _record(target, "preview:" + ("rows" if preview.records else "no rows"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


SHARE = {"bytes": 0.30, "cells": 0.15, "xlsx": 0.15, "locator": 0.40}


def run(total: int, folder: Path) -> None:
    def common(target: str) -> Any:
        return settings(max_examples=max(1, round(total * SHARE[target])), deadline=None,
                        database=None, suppress_health_check=list(HealthCheck))  # fmt: skip

    @common("bytes")
    @given(prefix, st.binary(max_size=4000))
    def fuzz_bytes(head: bytes, body: bytes) -> None:
        path = folder / "case.csv"
        path.write_bytes(head + body)
        _preview("bytes", path)

    @common("cells")
    @given(
        grid,
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
        st.sampled_from([",", ";", "\t", "|"]),
        st.sampled_from(["\n", "\r\n", "\r"]),
    )
    def fuzz_cells(rows: list[list[Any]], encoding: str, delim: str, newline: str) -> None:
        text = newline.join(delim.join(_text(c) for c in r) for r in rows) + newline
        path = folder / "case.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        _preview("cells", path)

    @common("xlsx")
    @given(grid, st.sampled_from(["whole", "cut", "far"]), st.integers(1, 99))
    def fuzz_xlsx(rows: list[list[Any]], shape: str, cut: int) -> None:
        path = folder / "case.xlsx"
        values = [[_xlsx_value(c) for c in r] for r in rows]
        write_xlsx(path, [SheetSpec("Sheet1", rows=values, header=False)])
        if shape == "cut":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) * cut // 100])
        elif shape == "far":
            _far_cell(path)
        _preview("xlsx", path)

    @common("locator")
    @given(grid)
    def fuzz_locator(rows: list[list[Any]]) -> None:
        try:
            spec = find_header(rows, KNOWN_KEYS)
        except ValueError:
            _record("locator", "no header")
        except Exception as exc:
            _record("locator", "failure", repr(exc)[:300])
        else:
            _record("locator", "header found" if spec.row_index < 3 else "header below row 3")

    for name, test in (("bytes", fuzz_bytes), ("cells", fuzz_cells), ("xlsx", fuzz_xlsx),
                       ("locator", fuzz_locator)):  # fmt: skip
        start = time.perf_counter()
        test()
        total = sum(OUTCOMES[name].values())
        print(
            f"{name:8} {total:>7,} cases in {time.perf_counter() - start:6.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(OUTCOMES[name].items())),
            flush=True,
        )


def _xlsx_value(value: Any) -> str | float | int | None:
    """What our writer takes: dates as Excel serial numbers (as an unstyled sheet has them)."""
    if isinstance(value, date):
        return float((value - date(1899, 12, 30)).days)
    if isinstance(value, float) and value != value:
        return None
    return value  # type: ignore[no-any-return]


def _far_cell(path: Path) -> None:
    """Rewrite the sheet with one more cell at XFD1048576 (calamine would abort on it)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[name] = parts[name].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=100_000, help="cases in all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.total, Path(tmp))
    total = sum(sum(c.values()) for c in OUTCOMES.values())
    failures = sum(c["failure"] for c in OUTCOMES.values())
    print(f"total {total:,} cases, {failures:,} failures")
    for target, messages in FAILURES.items():
        for m in dict.fromkeys(messages):
            print(f"  {target}: {m}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
