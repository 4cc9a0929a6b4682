"""Data model shared by the import readers (io) and the import service (services)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from desktop_app.domain.progress import Cancelled, NullProgress, Progress, check

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


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes (what identifies "the same file" for re-imports)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_input_file(path: str | Path) -> None:
    """Raise ``ImportFileError`` (naming the file) unless ``path`` is a readable regular file.

    A folder, a FIFO, a device or a symlink loop each get their own message, never "file
    not found"; nothing is opened (opening a FIFO would wait for a writer forever).
    """
    name = Path(path).name or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ImportFileError(f"{name}: a symbolic link to a missing file") from None
        raise ImportFileError(f"{name}: file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImportFileError(f"{name}: a loop of symbolic links, not a file") from None
        raise ImportFileError(f"{name}: cannot be opened ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFileError(f"{name}: a folder, not a file (give the files inside it)")
    if not stat.S_ISREG(st.st_mode):
        what = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise ImportFileError(f"{name}: {what}, not a regular file")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot be opened ({exc.strerror})") from None


# The readers' progress is the one protocol of every layer (``domain.progress``); the io
# names stay as aliases of the same objects, so ``except Cancelled`` catches a reader's stop.
ReadProgress = Progress
ReadCancelled = Cancelled
NoReadProgress = NullProgress
check_read = check


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


class Records(Sequence[dict[str, Any]]):
    """Rows of a columnar preview, each built as a dict only when asked for.

    ``data`` maps a canonical field to its values (one per row); a million-row file stays a
    handful of lists instead of a million dicts. Compares equal to a list of the same dicts.
    """

    def __init__(self, data: dict[str, list[Any]], length: int) -> None:
        self.data = data
        self._length = length

    def __len__(self) -> int:
        return self._length

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a fresh dict."""
        return {name: values[i] for name, values in self.data.items()}

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self.row(k) for k in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        return self.row(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = list(self.data)
        for values in zip(*self.data.values(), strict=True):
            yield dict(zip(names, values, strict=True))
        if not names:
            yield from ({} for _ in range(self._length))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._length and all(
                a == b for a, b in zip(self, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Records({self._length} rows: {', '.join(self.data)})"


def columns_of(records: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The records as columns (field -> values); missing fields are None."""
    if isinstance(records, Records):
        return records.data
    names = list(dict.fromkeys(k for r in records for k in r))
    return {n: [r.get(n) for r in records] for n in names}


@dataclass
class ImportPreview:
    """What a file would import: normalised records plus problems, before anything is stored."""

    file: str  # path as given
    sheet: str | None
    kind: str  # one of KINDS (or "unknown")
    profile: str  # e.g. "salesforce_accounts", "jira_issues", "usage_wide", "custom:<name>"
    confidence: float  # 0..1
    # canonical field -> normalised value; rows with errors excluded (``Records`` when columnar)
    records: Sequence[dict[str, Any]]
    row_numbers: Sequence[int]  # source row number (1-based, as the user sees it) of each record
    problems: list[Problem] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # source column -> canonical field
    notes: list[str] = field(default_factory=list)
    sheets: list[SheetInfo] = field(default_factory=list)
    sha256: str = ""
    rows_skipped: int = 0  # blank/subtotal/footer/repeated-header rows skipped
    #: (row, reason) of each skipped row: the rows ``rows_skipped`` counts, listed.
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # source column headers, as found

    @property
    def errors(self) -> list[Problem]:
        """The problems with severity "error"."""
        return [p for p in self.problems if p.severity == "error"]
