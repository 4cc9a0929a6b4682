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


def write_table(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Write ``rows`` under ``headers``; the format follows the suffix (.csv, else .xlsx).

    Text is always written as text (never as a formula). Returns the number of rows.
    Only a regular file is replaced (``io.output``); raises ``OutputError`` otherwise.
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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Accounts")
    ws.append(list(headers))
    for row in rows:
        cells = []
        for v in row:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            elif isinstance(v, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
    write_atomically(target, ".xlsx", wb.save)
    return len(rows)
