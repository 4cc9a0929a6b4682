"""The renewal plan sheet: one row per CSM and quarter with a target (ARR or GRR %).

Read with the importers' readers (CSV in any encoding, xlsx/xls, title rows above the
header); every bad cell becomes a ``Problem`` naming file, sheet, row and column. A target
written as a percentage ("92%", or a number up to 1.5 with a "GRR" column or type) is a
gross-retention target; anything else is ARR in dollars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.io import normalize as nz
from desktop_app.io.locate import find_header, header_key
from desktop_app.io.model import ImportFileError, Problem, file_sha256
from desktop_app.io.readers import open_source

PROFILE = "renewal_plan"
#: Column aliases (compared with ``header_key``).
ALIASES: dict[str, tuple[str, ...]] = {
    "csm": ("CSM", "Owner", "Account Owner", "SAM", "Account Manager", "CSM Name", "Name"),
    "quarter": ("Quarter", "Period", "Fiscal Quarter", "Qtr"),
    "target": ("Target", "Renewal Target", "Plan", "Target ARR", "GRR Target", "Goal"),
    "kind": ("Type", "Target Type", "Kind", "Metric", "Unit"),
}
_KEYS = {f: tuple(header_key(a) for a in names) for f, names in ALIASES.items()}
REQUIRED = ("csm", "quarter", "target")


@dataclass(frozen=True)
class PlanRow:
    row: int  # sheet row number as the user sees it
    csm: str
    quarter: str  # as written; parsed by the service
    kind: str  # arr | grr
    target: float  # dollars, or a fraction for grr


@dataclass
class PlanSheet:
    file: str
    sheet: str | None
    sha256: str
    columns: dict[str, str]  # field -> source column
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _is_pct(text: str) -> bool:
    return text.strip().endswith("%")


def parse_target(value: Any, kind_hint: str | None) -> tuple[str, float]:
    """``(kind, target)`` from a cell and an optional type cell; raises ``ValueError``."""
    hint = (kind_hint or "").strip().lower()
    if isinstance(value, str) and _is_pct(value):
        number = nz.parse_number(value.strip().rstrip("%").strip())
        if number is None:
            raise ValueError("empty target")
        kind, target = "grr", number / 100.0
    else:
        amount = nz.parse_money(value)
        if amount is None:
            raise ValueError("empty target")
        grr = "grr" in hint or "retention" in hint or "%" in hint or "percent" in hint
        if grr:
            kind, target = "grr", amount / 100.0 if amount > 1.5 else amount
        else:
            kind, target = "arr", amount
    if target < 0:
        raise ValueError(f"a target cannot be negative: {value!r}")
    if kind == "grr" and target > 1.5:
        raise ValueError(f"a retention target over 150% is not plausible: {value!r}")
    return kind, float(target)


def _columns(names: list[str]) -> dict[str, int]:
    keys = [header_key(n) for n in names]
    out: dict[str, int] = {}
    for fld, aliases in _KEYS.items():
        for alias in aliases:
            hit = next(
                (i for i, k in enumerate(keys) if k == alias and i not in out.values()), None
            )
            if hit is not None:
                out[fld] = hit
                break
    return out


def read_plan_sheet(path: str | Path, sheet: str | None = None) -> PlanSheet:
    """Read a plan sheet; raises ``ImportFileError`` when the file or its header is unusable.

    Cell problems are returned in ``problems`` (the caller refuses the whole file on any).
    """
    src = open_source(path, sheet)
    known = {k for keys in _KEYS.values() for k in keys}
    where = f"{src.file}, sheet '{src.sheet}'" if src.sheet else src.file
    try:
        header = find_header(src.head, known, src.merged)
    except ValueError:
        raise ImportFileError(f"{where}: no table with column headers was found") from None
    cols = _columns(header.names)
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        need = ", ".join(ALIASES[f][0] for f in missing)
        raise ImportFileError(f"{where}: the plan sheet needs a column for {need}")
    width = len(header.names)
    body = src.read_body(header.data_start, width, list(cols.values()), _Quiet())
    values = {f: body[i].values() for f, i in cols.items()}
    out = PlanSheet(
        src.file, src.sheet, file_sha256(path), {f: header.names[i] for f, i in cols.items()}
    )
    first_row = header.data_start + 1  # 1-based sheet row of the first body row
    for k in range(len(values["csm"])):
        row = first_row + k
        cells = {f: values[f][k] for f in values}
        if all(nz.is_blank(v) for v in cells.values()):
            continue
        out.rows.extend(_row(out, row, cells))
    if not out.rows and not out.problems:
        out.problems.append(Problem(src.file, src.sheet, None, None, "the plan sheet has no rows"))
    return out


def _row(out: PlanSheet, row: int, cells: dict[str, Any]) -> list[PlanRow]:
    def problem(fld: str, message: str) -> list[PlanRow]:
        out.problems.append(Problem(out.file, out.sheet, row, out.columns[fld], message))
        return []

    csm = nz.clean_text(cells["csm"])
    if not csm:
        return problem("csm", "no CSM named")
    quarter = nz.clean_text(cells["quarter"])
    if not quarter:
        return problem("quarter", "no quarter (use e.g. 2026Q4)")
    kind_cell = nz.clean_text(cells.get("kind"))
    try:
        kind, target = parse_target(cells["target"], kind_cell)
    except ValueError as exc:
        return problem("target", str(exc))
    return [PlanRow(row, csm, quarter, kind, target)]


class _Quiet:
    def report(self, fraction: float, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False
