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


class ImportTable(Sequence[dict[str, Any]]):
    """The one table of an import, from the reader to the writer: columns, not rows.

    ``columns`` maps a canonical field ("sf_account_id", "mrr", "month"...) to its values,
    one per row, as a plain Python ``list`` (values are mixed: None, str, float, int, date,
    bool; the database driver takes Python objects, so numpy object arrays would only be
    converted back). numpy is used *on* the lists for selections (``take``), never stored.
    ``rows`` holds each row's source row number (1-based, as the user sees it), which every
    problem and skipped row names. A field absent from the file is absent from ``columns``
    (a blank cell is ``None``), so storers can tell "not in the export" from "blank".

    Readers normalise column by column, ``derive`` and ``dedupe`` work on columns, and the
    writers read the columns. Row dicts exist only where a row is shown (the wizard's
    preview grid, a review item's payload): ``row(i)``, indexing and iteration build them
    on demand. Compares equal to a list of the same dicts.
    """

    def __init__(self, columns: dict[str, list[Any]], rows: Sequence[int]) -> None:
        self.columns = columns
        self.rows: list[int] = list(rows)
        for name, values in columns.items():
            if len(values) != len(self.rows):
                raise ValueError(f"column {name!r} has {len(values)} values, not {len(rows)}")

    @classmethod
    def from_rows(cls, records: Sequence[dict[str, Any]], rows: Sequence[int]) -> ImportTable:
        """A table from row dicts (fields missing from a row are None)."""
        if isinstance(records, ImportTable):
            return records
        names = list(dict.fromkeys(k for r in records for k in r))
        return cls({n: [r.get(n) for r in records] for n in names}, rows)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        """The values of ``name`` (all None when the file has no such column)."""
        values = self.columns.get(name)
        return values if values is not None else [None] * len(self.rows)

    def take(self, idx: Any) -> ImportTable:
        """The rows at positions ``idx`` (an integer array or list), in that order."""
        import numpy as np  # late: a re-import that is refused never needs numpy

        idx = np.asarray(idx, dtype=np.int64)
        rows: list[int] = np.asarray(self.rows, dtype=np.int64)[idx].tolist()
        return ImportTable({n: take(v, idx) for n, v in self.columns.items()}, rows)

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a fresh dict."""
        return {name: values[i] for name, values in self.columns.items()}

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        n = len(self.rows)
        if isinstance(i, slice):
            return [self.row(k) for k in range(*i.indices(n))]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.row(i)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = list(self.columns)
        if not names:
            yield from ({} for _ in self.rows)
            return
        for values in zip(*self.columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ImportTable({len(self)} rows: {', '.join(self.columns)})"


def take(values: list[Any], idx: Any) -> list[Any]:
    """``values`` at positions ``idx`` (numpy fancy indexing on an object array)."""
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    out: list[Any] = array[idx].tolist()
    return out


@dataclass
class ImportPreview:
    """What a file would import: normalised records plus problems, before anything is stored."""

    file: str  # path as given
    sheet: str | None
    kind: str  # one of KINDS (or "unknown")
    profile: str  # e.g. "salesforce_accounts", "jira_issues", "usage_wide", "custom:<name>"
    confidence: float  # 0..1
    #: The import table (rows with errors excluded). Given as row dicts (tests, hand-made
    #: previews) it becomes an ``ImportTable``; ``row_numbers`` is always ``records.rows``.
    records: ImportTable | Sequence[dict[str, Any]]
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

    def __post_init__(self) -> None:
        self.set_table(ImportTable.from_rows(self.records, self.row_numbers))

    @property
    def table(self) -> ImportTable:
        """The import table (``records`` typed)."""
        assert isinstance(self.records, ImportTable)
        return self.records

    def set_table(self, table: ImportTable) -> None:
        """Replace the table (and with it ``row_numbers``)."""
        self.records = table
        self.row_numbers = table.rows

    @property
    def errors(self) -> list[Problem]:
        """The problems with severity "error"."""
        return [p for p in self.problems if p.severity == "error"]
