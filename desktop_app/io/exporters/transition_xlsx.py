"""Write the "List of Accounts to Transition" workbook.

The first sheet is the SOP list (exact columns, one row per account); then the scenario and
template per account, the checklist answers and, if any, the missing required values. Text
is always stored as text: a value that starts with ``=``, ``+``, ``-`` or ``@`` is an inline
string with Excel's quote prefix, never a formula. MRR is numeric with a currency format.
Missing required values are filled in a highlight colour.

Two engines write the same sheets: ``"fast"`` (``xlsx_writer``, the default: ~10x faster
than openpyxl without lxml) and ``"openpyxl"`` (write-only mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from pathlib import Path

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
from desktop_app.io.exporters.xlsx_writer import (
    CURRENCY,
    CURRENCY_FORMAT,
    MISSING,
    MISSING_CURRENCY,
    MISSING_RGB,
    SheetSpec,
    write_xlsx,
)
from desktop_app.io.output import write_atomically

__all__ = ["CURRENCY_FORMAT", "MISSING_RGB", "build_sheets", "write_transition_xlsx"]

_MRR_COL = TRANSITION_COLUMNS.index("MRR")


def _list_sheet(rows: Sequence[TransitionRow], missing: Sequence[MissingValue]) -> SheetSpec:
    sheet = SheetSpec(SHEET_LIST, (20, 36, 14, 28, 12, 18, 18, 34, 20, 24))
    sheet.column_styles[_MRR_COL] = CURRENCY
    sheet.rows.append(TRANSITION_COLUMNS)
    sheet.rows.extend(r.values() for r in rows)
    for m in missing:
        col = TRANSITION_COLUMNS.index(m.field)
        sheet.styles[(m.row + 1, col)] = MISSING_CURRENCY if col == _MRR_COL else MISSING
    return sheet


def _checklist_sheet(checklist: Sequence[ChecklistRow], questions: Sequence[str]) -> SheetSpec:
    """One row per account: progress, then each question's answer and a done column."""
    sheet = SheetSpec(SHEET_CHECKLIST, (20, 36, 10, *((40, 6) * len(questions))))
    head: list[str] = ["SF Account ID", "Account Name", "Done"]
    for q in questions:
        head.extend((q, "Done?"))
    sheet.rows.append(head)
    for c in checklist:
        row: list[str | None] = [c.sf_account_id, c.account_name, f"{sum(c.done)} of {len(c.done)}"]
        ticks = ["Yes" if d else None for d in c.done]
        row += chain.from_iterable(zip(c.answers, ticks, strict=True))
        sheet.rows.append(row)
    return sheet


def build_sheets(
    rows: Sequence[TransitionRow],
    scenarios: Sequence[ScenarioRow] = (),
    checklist: Sequence[ChecklistRow] = (),
    missing: Sequence[MissingValue] = (),
    questions: Sequence[str] = (),
) -> list[SheetSpec]:
    """The workbook's sheets as plain values and style ids."""
    scen = SheetSpec(SHEET_SCENARIOS, (20, 36, 24, 10, 70, 10, 30, 80))
    scen.rows.append(
        (
            "SF Account ID",
            "Account Name",
            "Scenario",
            "Mode",
            "Template(s)",
            "Automated",
            "Scenario reason",
            "Reminders",
        )
    )
    scen.rows.extend(
        (
            s.sf_account_id,
            s.account_name,
            s.scenario,
            s.mode,
            s.templates,
            "Yes" if s.automated else "No",
            s.reason,
            s.reminders,
        )
        for s in scenarios
    )
    check = _checklist_sheet(checklist, questions)
    sheets = [_list_sheet(rows, missing), scen, check]
    if missing:
        miss = SheetSpec("Missing values", (8, 36, 24))
        miss.rows.append(("Row", "Account", "Field"))
        miss.rows.extend((m.row + 2, m.account, m.field) for m in missing)
        sheets.append(miss)
    return sheets


def write_transition_xlsx(
    path: str | Path,
    rows: Sequence[TransitionRow],
    scenarios: Sequence[ScenarioRow] = (),
    checklist: Sequence[ChecklistRow] = (),
    missing: Sequence[MissingValue] = (),
    questions: Sequence[str] = (),
    *,
    engine: str = "fast",
) -> None:
    """Write the workbook to ``path`` atomically (temp file, then rename).

    The caller decides whether an existing ``path`` may be replaced.
    """
    sheets = build_sheets(rows, scenarios, checklist, missing, questions)

    def write(tmp: str) -> None:
        if engine == "openpyxl":
            _write_openpyxl(tmp, sheets)
        else:
            write_xlsx(tmp, sheets)

    write_atomically(Path(path), ".xlsx", write)


def _write_openpyxl(path: str, sheets: Sequence[SheetSpec]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill(fill_type="solid", start_color=MISSING_RGB, end_color=MISSING_RGB)
    bold = Font(bold=True)
    wb = Workbook(write_only=True)
    for spec in sheets:
        ws = wb.create_sheet(spec.title)
        for r, row in enumerate(spec.rows):
            cells = []
            for c, value in enumerate(row):
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would make "=..." a formula
                    cell.quotePrefix = is_formula_like(value)
                data_row = r > 0 or not spec.header
                style = spec.styles.get((r, c), spec.column_styles.get(c) if data_row else None)
                if r == 0 and spec.header:
                    cell.font = bold
                if style in (MISSING, MISSING_CURRENCY):
                    cell.fill = fill
                if style in (CURRENCY, MISSING_CURRENCY):
                    cell.number_format = CURRENCY_FORMAT
                cells.append(cell)
            ws.append(cells)
    wb.save(path)
