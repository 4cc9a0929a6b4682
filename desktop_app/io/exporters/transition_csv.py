"""Write the "List of Accounts to Transition" as CSV (UTF-8 with BOM so Excel reads it).

Formula injection (OWASP "CSV Injection"): a text value starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return is prefixed with a single quote so that Excel and LibreOffice
show it as text instead of evaluating it. This changes such values in the file (a phone
number ``+1 555…`` is written ``'+1 555…``); the .xlsx export has no such change because it
can mark cells as text. Every text field is quoted; MRR stays a bare number.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from desktop_app.io.exporters.rows import TRANSITION_COLUMNS, TransitionRow, is_formula_like
from desktop_app.io.output import write_atomically


def csv_safe(value: str | float | None) -> str | float:
    """The CSV field for ``value``: numbers unchanged, formula-like text quote-prefixed."""
    if value is None:
        return ""
    if isinstance(value, float):
        return value
    return "'" + value if is_formula_like(value) else value


def write_transition_csv(path: str | Path, rows: Sequence[TransitionRow]) -> None:
    """Write the list to ``path`` atomically; the caller decides about overwriting."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
            writer.writerow(TRANSITION_COLUMNS)
            for row in rows:
                writer.writerow([csv_safe(v) for v in row.values()])

    write_atomically(Path(path), ".csv", write)
