"""Write the "List of Accounts to Transition" workbook with openpyxl (write-only mode).

Text is always stored as text: a value that starts with ``=``, ``+``, ``-`` or ``@`` is written
as an inline string with Excel's quote prefix, never as a formula. MRR is numeric with a
currency format. Missing required values are filled in a highlight colour.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.io.exporters.rows import (
    SHEET_CHECKLIST,
    SHEET_LIST,
    SHEET_SCENARIOS,
    TRANSITION_COLUMNS,
    ChecklistRow,
    MissingValue,
    ScenarioRow,
    TransitionRow,
    is_formula_like,
)

MISSING_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
HEADER_FONT = Font(bold=True)
CURRENCY_FORMAT = '"$"#,##0.00'
_WIDTHS = (20, 36, 14, 28, 12, 18, 18, 34, 20, 24)


def _cell(ws: WriteOnlyWorksheet, value: Any, *, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # openpyxl turns any string starting with "=" into a formula; force text.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    if fill is not None:
        cell.fill = fill
    return cell


def _header(ws: WriteOnlyWorksheet, names: Sequence[str]) -> list[WriteOnlyCell]:
    out = []
    for name in names:
        c = _cell(ws, name)
        c.font = HEADER_FONT
        out.append(c)
    return out


def _write_list(
    wb: Workbook, rows: Sequence[TransitionRow], missing: Sequence[MissingValue]
) -> None:
    ws = wb.create_sheet(SHEET_LIST)
    for i, width in enumerate(_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    holes = {(m.row, m.field) for m in missing}
    ws.append(_header(ws, TRANSITION_COLUMNS))
    for r, row in enumerate(rows):
        cells = []
        for header, value in zip(TRANSITION_COLUMNS, row.values(), strict=True):
            fill = MISSING_FILL if (r, header) in holes else None
            c = _cell(ws, value, fill=fill)
            if header == "MRR" and value is not None:
                c.number_format = CURRENCY_FORMAT
            cells.append(c)
        ws.append(cells)


def _write_scenarios(wb: Workbook, rows: Sequence[ScenarioRow]) -> None:
    ws = wb.create_sheet(SHEET_SCENARIOS)
    ws.append(
        _header(
            ws,
            (
                "SF Account ID",
                "Account Name",
                "Scenario",
                "Mode",
                "Template(s)",
                "Automated",
                "Scenario reason",
                "Reminders",
            ),
        )
    )
    for s in rows:
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    s.sf_account_id,
                    s.account_name,
                    s.scenario,
                    s.mode,
                    s.templates,
                    "Yes" if s.automated else "No",
                    s.reason,
                    s.reminders,
                )
            ]
        )


def _write_checklist(wb: Workbook, rows: Sequence[ChecklistRow]) -> None:
    ws = wb.create_sheet(SHEET_CHECKLIST)
    ws.append(
        _header(ws, ("SF Account ID", "Account Name", "Section", "Question", "Answer", "Done"))
    )
    for c in rows:
        ws.append(
            [
                _cell(ws, v)
                for v in (
                    c.sf_account_id,
                    c.account_name,
                    c.section,
                    c.question,
                    c.answer,
                    "Yes" if c.done else "No",
                )
            ]
        )


def _write_missing(wb: Workbook, missing: Sequence[MissingValue]) -> None:
    ws = wb.create_sheet("Missing values")
    ws.append(_header(ws, ("Row", "Account", "Field")))
    for m in missing:
        ws.append([m.row + 2, _cell(ws, m.account), _cell(ws, m.field)])


def write_transition_xlsx(
    path: str | Path,
    rows: Sequence[TransitionRow],
    scenarios: Sequence[ScenarioRow] = (),
    checklist: Sequence[ChecklistRow] = (),
    missing: Sequence[MissingValue] = (),
) -> None:
    """Write the workbook to ``path`` atomically (temp file, then rename).

    The first sheet is the SOP list; then scenarios, checklist and (if any) missing values.
    The caller decides whether an existing ``path`` may be replaced.
    """
    wb = Workbook(write_only=True)
    _write_list(wb, rows, missing)
    _write_scenarios(wb, scenarios)
    _write_checklist(wb, checklist)
    if missing:
        _write_missing(wb, missing)
    _save_atomic(Path(path), wb.save)


def _save_atomic(target: Path, save: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
