"""Data model shared by the import readers (io) and the import service (services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

KINDS = (
    "accounts",
    "contacts",
    "opportunities",
    "tickets",
    "subscriptions",
    "billing",
    "usage",
    "nps",
)


class ImportFileError(Exception):
    """The whole file cannot be read (empty, corrupt, password-protected, random bytes...).

    str() is the user message and names the file (and sheet).
    """


@dataclass(frozen=True)
class Problem:
    """One problem found while reading a file, located as the user sees it."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """E.g. "accounts.xlsx, sheet 'Report', row 14, column 'MRR': not a money amount: 'abc'"."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return f"{', '.join(parts)}: {self.message}"


@dataclass(frozen=True)
class SheetInfo:
    """A sheet of a workbook (a CSV file has a single sheet)."""

    name: str
    hidden: bool
    rows: int


@dataclass(frozen=True)
class SavedProfile:
    """A user-confirmed column mapping, matched again by header signature."""

    name: str
    kind: str
    header_signature: str
    mapping: dict[str, str]


@dataclass
class ImportPreview:
    """What a file would import: normalised records plus problems, before anything is stored."""

    file: str  # path as given
    sheet: str | None
    kind: str  # one of KINDS (or "unknown")
    profile: str  # e.g. "salesforce_accounts", "jira_issues", "usage_wide", "custom:<name>"
    confidence: float  # 0..1
    records: list[dict[str, Any]]  # canonical field -> normalised value; rows with errors excluded
    row_numbers: list[int]  # source row number (1-based, as the user sees it) of each record
    problems: list[Problem] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # source column -> canonical field
    notes: list[str] = field(default_factory=list)
    sheets: list[SheetInfo] = field(default_factory=list)
    sha256: str = ""
    rows_skipped: int = 0  # blank/subtotal/footer/repeated-header rows skipped

    @property
    def errors(self) -> list[Problem]:
        """The problems with severity "error"."""
        return [p for p in self.problems if p.severity == "error"]
