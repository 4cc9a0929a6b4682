"""Readers chosen by content: workbooks (xlsx/xlsm/ods/xls via python-calamine) and text files.

``open_source`` sniffs the magic bytes (never trusting the extension) and returns a
``Source``: the first rows for header detection plus a way to read the body as factorised
columns. CSV bodies are read in chunks by pandas so a million-row file stays small (its C
parser and hash tables beat ``csv.reader`` and dicts by ~0.4 s a 100k-row file; workbooks
need no pandas).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import python_calamine as pc

from desktop_app.domain.progress import Progress, check
from desktop_app.io.locate import HEAD_ROWS, FactorColumn, drop_blanks, factorize
from desktop_app.io.model import ImportFileError, SheetInfo
from desktop_app.io.sniff import sniff
from desktop_app.io.xlsx_guard import MAX_COLUMNS, check_workbook

if TYPE_CHECKING:
    from desktop_app.io.read_ahead import SheetAhead

_HEAD_BYTES = 256 * 1024
_CHUNK_ROWS = 50_000
_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d+$|^-?\d+,\d{1,2}$")
_DECIMAL_POINT = re.compile(r"^-?\d{1,3}(?:,\d{3})*\.\d+$|^-?\d+\.\d+$")

Merged = list[tuple[tuple[int, int], tuple[int, int]]]
#: read_body(first row, width, columns to read, progress) -> factorised columns
BodyReader = Callable[[int, int, Sequence[int], Progress], list[FactorColumn]]


@dataclass
class Source:
    """An opened sheet: the head rows for header detection and a body reader."""

    file: str
    sheet: str | None
    sheets: list[SheetInfo]
    head: list[list[Any]]
    read_body: BodyReader
    merged: Merged = field(default_factory=list)
    decimal_comma: bool = False
    notes: list[str] = field(default_factory=list)
    sha256: str = ""  # the file's hash, set once by the pipeline that opened it


def _name(path: str | Path) -> str:
    return Path(path).name


def list_sheets(path: str | Path, *, count_rows: bool = True) -> list[SheetInfo]:
    """Every sheet of a workbook (hidden ones marked); a text file has one sheet.

    ``count_rows=False`` leaves ``rows`` at -1 (counting parses every sheet).
    """
    if sniff(path) == "text":
        return [SheetInfo(_name(path), False, -1)]
    book = open_book(path)
    try:
        return sheet_infos(book, count_rows)
    finally:
        book.close()


def open_book(path: str | Path) -> pc.CalamineWorkbook:
    """The workbook, opened by calamine once the guard passed it; raises
    ``ImportFileError`` naming the file."""
    name = _name(path)
    check_workbook(path)  # before calamine: a crafted sheet would abort the process
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ImportFileError(f"{name}: the workbook is password-protected") from None
    except Exception:
        raise ImportFileError(
            f"{name}: the file is damaged or is not a complete spreadsheet "
            "(it may have been cut short while downloading); export it again"
        ) from None


def sheet_infos(book: pc.CalamineWorkbook, count_rows: bool = True) -> list[SheetInfo]:
    """The worksheets of ``book``, hidden ones marked (``count_rows``: parse each to count)."""
    infos = []
    for meta in book.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        hidden = meta.visible != pc.SheetVisibleEnum.Visible
        rows = -1
        if count_rows:  # total_height parses the whole sheet
            try:
                rows = book.get_sheet_by_name(meta.name).total_height
            except Exception:
                rows = -1
        infos.append(SheetInfo(meta.name, hidden, rows))
    return infos


def open_source(
    path: str | Path, sheet: str | None = None, ahead: SheetAhead | None = None
) -> Source:
    """Open a file by content; raise ``ImportFileError`` naming the file if it is unreadable.

    ``ahead``: the sheet ``read_ahead`` started parsing (used when it is this file's)."""
    kind = sniff(path)
    if kind == "text":
        return _open_text(path)
    if ahead is not None and ahead.serves(path, sheet):
        return _workbook_source(path, ahead.book, ahead.infos, ahead.sheet, ahead.result)
    return _open_workbook(path, sheet)


def pick_sheet(name: str, infos: list[SheetInfo], sheet: str | None) -> str:
    """``sheet``, or the first visible sheet; raises when there is no such sheet."""
    if sheet is None:
        visible = [s for s in infos if not s.hidden] or infos
        if not visible:
            raise ImportFileError(f"{name}: the workbook has no sheets")
        return visible[0].name
    if sheet not in {s.name for s in infos}:
        raise ImportFileError(f"{name}: there is no sheet named '{sheet}'")
    return sheet


def _open_workbook(path: str | Path, sheet: str | None) -> Source:
    book = open_book(path)
    try:
        infos = sheet_infos(book, count_rows=False)
        sheet = pick_sheet(_name(path), infos, sheet)
    except BaseException:
        book.close()
        raise
    return _workbook_source(path, book, infos, sheet, partial(book.get_sheet_by_name, sheet))


def _workbook_source(
    path: str | Path,
    book: pc.CalamineWorkbook,
    infos: list[SheetInfo],
    sheet: str,
    parse: Callable[[], Any],
) -> Source:
    """The source of ``book``'s ``sheet``, parsed by ``parse`` (closes the book)."""
    name = _name(path)
    try:
        try:
            data = parse()
            rows: list[list[Any]] = data.to_python(skip_empty_area=False)
            merged: Merged = list(data.merged_cell_ranges or [])
        except Exception:
            raise ImportFileError(f"{name}, sheet '{sheet}': the sheet is damaged") from None
    finally:
        book.close()
    infos = [SheetInfo(i.name, i.hidden, len(rows) if i.name == sheet else -1) for i in infos]
    if not any(any(c != "" for c in r) for r in rows[:HEAD_ROWS]):
        raise ImportFileError(f"{name}, sheet '{sheet}': the sheet is empty")

    def read_body(
        start: int, width: int, usecols: Sequence[int], progress: Progress
    ) -> list[FactorColumn]:
        body = rows[start:]
        cols = _columns_of(body)
        out = []
        for c in range(width):
            check(progress, 0.7 * c / max(width, 1), f"Reading column {c + 1} of {width}…")
            if c in usecols and c < len(cols):
                out.append(factorize(cols[c]()))
            else:
                out.append(FactorColumn(np.full(len(body), -1, dtype=np.int32), []))
        return out

    return Source(name, sheet, infos, rows[:HEAD_ROWS], read_body, merged)


def _columns_of(body: list[list[Any]]) -> list[Callable[[], Sequence[Any]]]:
    """The columns of a sheet's rows, each built when called: calamine's grid is
    rectangular, so the rows go into one object array (~30% faster than ``zip(*body)``) and
    each column is a slice of it; ragged rows (a short last row) are zipped as before."""
    if not body:
        return []
    if len(set(map(len, body))) == 1:
        grid = np.empty((len(body), len(body[0])), dtype=object)
        grid[:] = body
        return [partial(grid[:, c].tolist) for c in range(grid.shape[1])]
    return [partial(tuple, col) for col in zip(*body, strict=False)]


def detect_encoding(path: str | Path, head: bytes) -> str:
    """Encoding of a text file: BOMs first, then strict UTF-8 over the whole file, cp1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head[:4096]:
        even, odd = head[0:4096:2].count(0), head[1:4096:2].count(0)
        if odd > len(head[:4096]) // 4:
            return "utf-16-le"
        if even > len(head[:4096]) // 4:
            return "utf-16-be"
        raise ImportFileError(f"{_name(path)}: this is not a spreadsheet or a CSV text file")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1"
        return "cp1252"
    return "utf-8"


def _detect_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:  # e.g. a whole line as one field over the field limit
            continue
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _decode_head(path: str | Path, encoding: str) -> str:
    with open(path, "rb") as fh:
        raw = fh.read(_HEAD_BYTES)
        more = bool(fh.read(1))
    text = raw.decode(encoding, errors="replace")
    if more and "\n" in text:
        text = text[: text.rindex("\n")]
    return text


def _check_text(name: str, text: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    bad = sample.count("\ufffd")
    if controls + bad > max(2, len(sample) // 100):
        raise ImportFileError(f"{name}: this is not a spreadsheet or a CSV text file")


def _open_text(path: str | Path) -> Source:
    name = _name(path)
    with open(path, "rb") as fh:
        head_bytes = fh.read(_HEAD_BYTES)
    encoding = detect_encoding(path, head_bytes)
    text = _decode_head(path, encoding).lstrip("\ufeff")
    _check_text(name, text)
    lines = text.splitlines()
    try:
        delim = _detect_delimiter(lines[:200])
        # newline=None: Excel's "CSV (Macintosh)" ends lines with a bare CR.
        head = [list(r) for r in csv.reader(io.StringIO(text, newline=None), delimiter=delim)]
    except csv.Error as exc:
        raise ImportFileError(f"{name}: the rows cannot be read as CSV ({exc})") from None
    head = head[:HEAD_ROWS]
    if not any(any(c.strip() for c in r) for r in head):
        raise ImportFileError(f"{name}: the file is empty")
    cells = [c.strip() for r in head[1:] for c in r]
    commas = sum(1 for c in cells if _DECIMAL_COMMA.match(c))
    points = sum(1 for c in cells if _DECIMAL_POINT.match(c))
    decimal_comma = delim != "," and commas > points
    width = max(len(r) for r in head)
    if width > MAX_COLUMNS:
        raise ImportFileError(
            f"{name}: {width:,} columns is implausible (at most {MAX_COLUMNS:,} are read); "
            "save only the table's columns and import that"
        )
    pd_encoding = "utf-16" if encoding.startswith("utf-16") and encoding != "utf-16" else encoding
    if encoding in ("utf-16-le", "utf-16-be"):
        pd_encoding = encoding
    # Rows expected, for progress only: the file's size at the head's bytes per line.
    rows_guess = Path(path).stat().st_size * max(head_bytes.count(b"\n"), 1) / len(head_bytes)

    def read_body(
        start: int, width_: int, usecols: Sequence[int], progress: Progress
    ) -> list[FactorColumn]:
        shape = _CsvShape(pd_encoding, delim, max(width, width_), max(rows_guess, 1.0))
        return _read_csv_body(path, shape, start, usecols, progress)

    notes = [f"read as {encoding} text, delimiter {delim!r}"]
    src = Source(name, None, [SheetInfo(name, False, -1)], head, read_body)
    src.decimal_comma, src.notes = decimal_comma, notes
    return src


@dataclass(frozen=True)
class _CsvShape:
    encoding: str
    delim: str
    width: int
    rows_guess: float


def _read_csv_body(
    path: str | Path, shape: _CsvShape, start: int, usecols: Sequence[int], progress: Progress
) -> list[FactorColumn]:
    """Read rows ``start``.. of a CSV as factorised columns, chunk by chunk.

    Only ``usecols`` are parsed; each chunk is factorised at once and dropped, so a
    million-row file never exists as a million-row frame. ``progress`` is checked per chunk.
    """
    cols, width = sorted(set(usecols)), shape.width
    kwargs: dict[str, Any] = {
        "sep": shape.delim,
        "encoding": shape.encoding,
        "header": None,
        "names": list(range(width)),
        "usecols": cols,
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "skip_blank_lines": False,
        "chunksize": _CHUNK_ROWS,
        "quotechar": '"',
    }
    collect = partial(_collect, cols=cols, width=width, start=start,
                      tick=partial(_tick, progress, shape.rows_guess))  # fmt: skip
    import pandas as pd  # here, not at module level: listing sheets needs no pandas

    try:
        try:
            return collect(pd.read_csv(path, engine="c", **kwargs))
        except pd.errors.ParserError:
            kwargs["on_bad_lines"] = lambda bad: bad[:width]
            return collect(pd.read_csv(path, engine="python", **kwargs))
    except UnicodeDecodeError:
        raise ImportFileError(f"{_name(path)}: the text encoding could not be read") from None
    except (csv.Error, pd.errors.ParserError) as exc:
        detail = (str(exc).strip().splitlines() or ["unreadable rows"])[0]
        raise ImportFileError(f"{_name(path)}: the rows cannot be read as CSV ({detail})") from None


def _tick(progress: Progress, rows_guess: float, seen: int) -> None:
    check(progress, 0.7 * min(seen / rows_guess, 0.99), f"Read {seen:,} rows…")


def _collect(
    reader: Any, cols: list[int], width: int, start: int, tick: Callable[[int], None]
) -> list[FactorColumn]:
    """Factorise each chunk, then merge the chunks' distinct values in one pass per column.

    (A Python dict of every distinct value, kept while reading, cost ~70 MB per
    million-value column; pandas' hash table is far smaller and lives only for the merge.)
    """
    parts: dict[int, list[FactorColumn]] = {c: [] for c in cols}
    seen = 0
    with reader:
        for chunk in reader:
            tick(seen)
            skip = max(0, start - seen)
            seen += len(chunk)
            if skip >= len(chunk):
                continue
            chunk = chunk.iloc[skip:]
            for c in cols:
                parts[c].append(_pd_factorize(chunk[c].to_numpy(dtype=object)))
            del chunk
    n = max(0, seen - start)
    out = []
    for c in range(width):
        if c in parts:
            out.append(_merge(parts.pop(c)))
        else:
            out.append(FactorColumn(np.full(n, -1, dtype=np.int32), []))
    return out


def _merge(parts: list[FactorColumn]) -> FactorColumn:
    """One factorised column from per-chunk ones (codes in order of first appearance)."""
    if len(parts) <= 1:
        return parts[0] if parts else FactorColumn(np.empty(0, dtype=np.int32), [])
    values = np.empty(sum(len(p.uniques) for p in parts), dtype=object)
    values[:] = [u for p in parts for u in p.uniques]
    import pandas as pd

    codes, uniques = pd.factorize(values)
    joined = []
    offset = 0
    for p in parts:
        remap = np.append(codes[offset : offset + len(p.uniques)].astype(np.int32), -1)
        joined.append(remap[p.codes])
        offset += len(p.uniques)
    return FactorColumn(np.concatenate(joined), list(uniques))


def _pd_factorize(values: Any) -> FactorColumn:
    """``locate.factorize`` through pandas' hash table (pandas is loaded for CSV anyway)."""
    import pandas as pd

    raw_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return drop_blanks(raw_codes.astype(np.int32), list(uniques))
