"""Write a table of plain values to .xlsx or .csv (the account table's "Export…")."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.io.exporters.rows import is_formula_like


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
    give the cells their number format. Returns the number of rows.
    """
    target = Path(path)
    if target.suffix.lower() == ".csv":
        with target.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_safe_csv(v) for v in row])
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
    xw.write_xlsx(target, [sheet])
    return len(rows)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in characters from the header and the first rows (capped at 50)."""
    out = [len(str(h)) + 4 for h in headers]  # room for the filter button
    for row in rows[:200]:
        for c, v in enumerate(row[: len(out)]):
            text = v.isoformat() if isinstance(v, date) else str(v if v is not None else "")
            out[c] = max(out[c], min(len(text) + 2, 50))
    return [float(w) for w in out]
