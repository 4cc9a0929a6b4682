"""Check a workbook's package before calamine reads it: sizes, declared and real extents.

calamine builds a dense grid from the lowest to the highest cell of a sheet; one cell at
XFD1048576 asks for ~17 billion cells and the process aborts (a Rust allocation failure
cannot be caught). ``check_workbook`` reads the zip's directory and streams each worksheet's
XML once (zlib speed, no XML parser) to find the extents calamine would allocate, and
raises ``ImportFileError`` for a sheet that is too wide or too large, and for a package that
unpacks to an implausible size (a zip bomb).

Each chunk is first checked for the shape of an ordinary sheet (every ``r=`` a one-letter
column and a row number no longer than the last row's, in double quotes; every ``<c`` cell
tag led by its reference): with numpy over its bytes (``_plain_refs``), else with three
regex passes; only a chunk that is not ordinary is read reference by reference (``_scan``):
100k rows (80 MB of XML) 0.64 -> 0.49 s (regexes) -> ~0.35 s (numpy first). References
are read as XML spells them (either quote, blanks around "=", prefixed tags), as calamine
reads them.
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop_app.io.model import ImportFileError

#: At most this many columns are read: wider sheets are refused (16,000 columns took 40 s).
MAX_COLUMNS = 1_000
#: At most this many cells (the grid from the first to the last cell): ~1.5 GB read in.
MAX_CELLS = 20_000_000
#: A package that unpacks to more than this is refused.
MAX_UNPACKED = 2 << 30
#: ...and so is one whose parts compress better than this (plain XML reaches ~20-50).
MAX_RATIO = 200
_CHUNK = 1 << 22

# XML allows either quote and blanks around "=", and calamine accepts them: so do these.
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([A-Z]{1,3})(\d{1,8})(?::([A-Z]{1,3})(\d{1,8}))?[\"']"
)
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d{1,8})[\"']")
# A literal "r" prefix keeps these at regex-engine speed (a lazy "<c ...r=" is 15x slower);
# the look-behind after it wants the blank an attribute follows (not text like 'Founder=').
_CELL_WIDE = re.compile(rb"r(?<=\sr)\s*=\s*[\"']([A-Z]{2,3})\d")
_CELL_LONG_ROW = r"r(?<=\sr)\s*=\s*[\"'][A-Z]{{0,3}}\d{{{digits},}}[\"']"
_CELL = re.compile(rb"r(?<=\sr)\s*=\s*[\"']([A-Z]{0,3})(\d{1,8})[\"']")
# Ordinary chunks: every r= is a one-letter column (rows: none) and a row of at most
# {digits} digits in double quotes, no blank precedes an "=" after an r, and every cell
# tag is led by its reference.
_ODD_REF = r"r=(?!\"[A-Z]?\d{{1,{digits}}}\")"
_SPACED_EQ = re.compile(rb"r\s+=")
_UNREFERENCED = re.compile(rb"<c(?:>| (?!r=\"))")


def column_number(letters: bytes | str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class _Extent:
    rows: int = 0
    cols: int = 0
    cells_in_a_row: int = 0

    def widen(self, rows: int = 0, cols: int = 0) -> None:
        self.rows, self.cols = max(self.rows, rows), max(self.cols, cols)


def check_workbook(path: str | Path) -> None:
    """Raise ``ImportFileError`` when an xlsx/xlsm package is a bomb or a sheet is too big.

    Not a zip, or not a spreadsheet package: nothing to check here (calamine says so).
    """
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_sizes(name, infos)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_sheet(name, z, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        return
    except (OSError, ValueError) as exc:  # a truncated or corrupt member
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(
            f"{name}: the file is damaged or is not a complete spreadsheet ({exc})"
        ) from None


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNPACKED or (total > 64 << 20 and total > MAX_RATIO * max(packed, 1)):
        raise ImportFileError(
            f"{name}: the workbook unpacks to {total / (1 << 20):,.0f} MB from "
            f"{packed / (1 << 20):,.1f} MB, which is implausible for a spreadsheet (a zip bomb?)"
        )


def _check_sheet(name: str, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    where = f"{name}, {Path(info.filename).stem}"
    ext = _Extent()
    tail = b""
    first = True
    with z.open(info) as fh:
        # A bad CRC is not the guard's to report (calamine does, as a damaged file), so it is
        # not computed: ~40 ms of a 100k-row sheet. (CPython's ZipExtFile skips the running
        # CRC when it has no expected value; the declared size still bounds the reading.)
        if hasattr(fh, "_expected_crc"):
            fh._expected_crc = None
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk and not tail:
                break
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"<")
                data, tail = data[:cut], data[cut:]
            else:
                tail = b""
            if first:
                _check_dimension(where, data)
                first = False
            if not _ordinary(data, ext):
                _scan(data, ext)
            _check_extent(where, ext)
            if not chunk:
                break


def _check_dimension(where: str, data: bytes) -> None:
    m = _DIMENSION.search(data, 0, 4096)
    if m is None or m.group(3) is None:
        return
    rows = int(m.group(4)) - int(m.group(2)) + 1
    cols = column_number(m.group(3)) - column_number(m.group(1)) + 1
    if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
        ref = (
            f"{m.group(1).decode()}{m.group(2).decode()}:{m.group(3).decode()}{m.group(4).decode()}"
        )
        raise ImportFileError(
            f"{where}: sheet dimension {ref} is implausible "
            f"({rows:,} rows x {cols:,} columns); save only the table and import that"
        )


@functools.lru_cache(maxsize=16)
def _odd_ref(digits: int) -> re.Pattern[bytes]:
    return re.compile(_ODD_REF.format(digits=digits).encode())


def _ordinary(data: bytes, ext: _Extent) -> bool:
    """Widen ``ext`` by an ordinary chunk and say so; False (``ext`` untouched) when the
    chunk must be read reference by reference (``_scan``).

    Ordinary: every ``r=`` in the chunk is a one-letter column and a row number of no
    more digits than the chunk's last row (row tags: a number alone), in double quotes,
    and every cell tag starts with its reference. Then no cell lies right of Z or more
    than ten times below the last row, which is what ``_scan`` would find too.
    """
    last = _ROW.search(data, max(data.rfind(b"<row"), 0))
    rows = max(ext.rows, int(last.group(1))) if last else ext.rows
    digits = len(str(rows))
    if not _plain_refs(data, digits) and (
        _odd_ref(digits).search(data) or _UNREFERENCED.search(data) or _SPACED_EQ.search(data)
    ):
        return False
    ext.widen(rows=rows, cols=26 if b'<c r="' in data else 0)
    return True


_EQ, _QUOTE, _LT, _A, _Z, _ZERO = (ord(ch) for ch in '="<AZ0')
_CELL_TAG = np.frombuffer(b"<c r", dtype=np.uint8)
_ROW_TAG = np.frombuffer(b"<row r", dtype=np.uint8)


def _plain_refs(data: bytes, digits: int) -> bool:
    """The ordinary shape proved with numpy over the chunk's bytes (about half the time of
    the three regex passes, which remain for the chunks this does not prove: the first,
    with its namespace declarations, and anything unusual).

    True only when no "=" follows a blank or a quote, every ``r=`` directly follows
    ``<c `` or ``<row `` and holds at most one letter and 1 to ``digits`` digits in double
    quotes, and the chunk has exactly as many ``<c`` as such cell references (so no cell
    tag lacks one). Stricter than the regexes: False sends the chunk to them.
    """
    # Padded with zeros on both sides: every read around a reference stays in the array.
    a = np.frombuffer(bytes(8) + data + bytes(16), dtype=np.uint8)
    eq = np.flatnonzero(a == _EQ)
    before = a[eq - 1]
    if np.any((before <= 32) | (before == _QUOTE)):  # "r =" (or any blank before an "=")
        return False
    r = eq[before == ord("r")]
    cell = np.ones(r.size, dtype=bool)
    for k, ch in enumerate(_CELL_TAG[::-1], start=1):  # "<c r" ends just before the "="
        cell &= a[r - k] == ch
    row = np.ones(r.size, dtype=bool)
    for k, ch in enumerate(_ROW_TAG[::-1], start=1):
        row &= a[r - k] == ch
    tags = int(np.count_nonzero((a[:-1] == _LT) & (a[1:] == ord("c"))))
    if not np.all(cell | row) or int(np.count_nonzero(cell)) != tags:
        return False
    if not np.all(a[r + 1] == _QUOTE):
        return False
    at = r + 2 + ((a[r + 2] >= _A) & (a[r + 2] <= _Z))  # after the optional column letter
    run = np.ones(r.size, dtype=bool)
    length = np.zeros(r.size, dtype=np.intp)
    for k in range(digits + 1):
        run &= (a[at + k] - _ZERO) < 10  # uint8: a byte below "0" wraps above 9
        length += run
    return bool(np.all((length >= 1) & (length <= digits) & (a[at + length] == _QUOTE)))


def _scan(data: bytes, ext: _Extent) -> None:
    """Widen ``ext`` by this chunk's rows and cells, reading every odd reference."""
    last = _ROW.search(data, max(data.rfind(b"<row"), 0))
    if last:
        ext.widen(rows=int(last.group(1)))
    # Rows come in order; any row or cell number with more digits than the last row's
    # means a crafted sheet: then every reference is read.
    digits = len(str(ext.rows)) + 1
    long_rows = re.search(_CELL_LONG_ROW.format(digits=digits).encode(), data) is not None
    wide = set(_CELL_WIDE.findall(data))
    cells = data.count(b"<c ") + data.count(b"<c>")
    if wide:
        ext.widen(cols=max(column_number(c) for c in wide))
    elif cells:
        ext.widen(cols=26)
    if long_rows:  # a cell below every row tag: a crafted sheet, read every reference
        for col, row in set(_CELL.findall(data)):
            ext.widen(rows=int(row), cols=column_number(col))
    if cells != data.count(b'<c r="'):
        # Cells without a leading reference are placed one after another: count per row.
        per_row = max((seg.count(b"<c ") + seg.count(b"<c>") for seg in data.split(b"<row")),
                      default=0)  # fmt: skip
        ext.cells_in_a_row = max(ext.cells_in_a_row, per_row)


def _check_extent(where: str, ext: _Extent) -> None:
    cols = max(ext.cols, ext.cells_in_a_row)
    if cols > MAX_COLUMNS:
        raise ImportFileError(
            f"{where}: {cols:,} columns is implausible (at most {MAX_COLUMNS:,} are read); "
            "save only the table's columns and import that"
        )
    if ext.rows * cols > MAX_CELLS:
        raise ImportFileError(
            f"{where}: a sheet of {ext.rows:,} rows x {cols:,} columns is implausible "
            f"(at most {MAX_CELLS:,} cells are read); save only the table and import that"
        )
