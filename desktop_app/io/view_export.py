"""Write a table of plain values to .xlsx or .csv (the account table's "Export…")."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.io.exporters.rows import is_formula_like
from desktop_app.io.output import output_target, write_atomically


def _safe_csv(value: Any) -> Any:
    # OWASP CSV injection: text that a spreadsheet would run as a formula gets a quote.
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


#: Column formats ``write_table`` knows: the one spelling of money, counts, dates, percent.
FORMATS = ("money", "integer", "date", "percent")


def write_table(
    path: str | Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None] = (),
) -> int:
    """Write ``rows`` under ``headers``; the format follows the suffix (.csv, else .xlsx).

    Text is always written as text (never as a formula). In .xlsx the header is frozen and
    filterable, and ``formats`` (per column: "money", "integer", "date", "percent" or None)
    give the cells their number format. Returns the number of rows. Only a regular file is
    replaced (``io.output``); raises ``OutputError`` otherwise.
    """
    target = output_target(path, overwrite=True)  # the save dialog asked about replacing
    if target.suffix.lower() == ".csv":

        def write_csv(tmp: str) -> None:
            with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh)
                writer.writerow(headers)
                for row in rows:
                    writer.writerow([_safe_csv(v) for v in row])

        write_atomically(target, ".csv", write_csv)
        return len(rows)
    from desktop_app.io.exporters import xlsx_writer as xw

    styles = {"money": xw.MONEY, "integer": xw.INTEGER, "date": xw.DATE, "percent": xw.PERCENT}
    column_styles = {c: styles[f] for c, f in enumerate(formats) if f in styles}
    sheet = xw.SheetSpec(
        "Accounts",
        widths=_widths(headers, rows),
        rows=[list(headers), *rows],
        column_styles=column_styles,
        autofilter=True,
    )
    write_atomically(target, ".xlsx", lambda tmp: xw.write_xlsx(tmp, [sheet]))
    return len(rows)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in characters from the header and the first rows (capped at 50)."""
    out = [len(str(h)) + 4 for h in headers]  # room for the filter button
    for row in rows[:200]:
        for c, v in enumerate(row[: len(out)]):
            text = v.isoformat() if isinstance(v, date) else str(v if v is not None else "")
            out[c] = max(out[c], min(len(text) + 2, 50))
    return [float(w) for w in out]
