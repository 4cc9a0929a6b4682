"""Generate the hostile-input corpus (issue 12): files a new or unlucky user might import.

Nothing binary is committed: ``generate(folder)`` writes every file and returns its
entries; ``python -m tests.corpus.generate FOLDER`` does the same from a shell. Families:

* ``xlsx``: a cell at XFD1048576 (with and without a truthful dimension), a huge declared
  dimension alone, 16,000 columns, truncated packages, a zip bomb, XXE, billion laughs;
* ``ole2``: a bare OLE2 header and a password-protected (EncryptedPackage) workbook;
* ``text``: UTF-16 without a BOM, NUL bytes, mixed encodings, bare CR line endings, a field
  over 131,072 characters, a 10 MB cell, a 1M-column header, 16,000 columns;
* ``values``: NaN/inf money, year 0 and year 99999, integers beyond 64 bits in seats, MAU
  and quantity;
* ``shape``: empty, header only, random bytes, Jira without an account column, a wide usage
  file matching no account;
* ``path``: a folder, a FIFO, a symlink loop, a dangling symlink (not regular files);
* ``db``: files given as ``--db``: another application's SQLite file, a damaged
  ``alembic_version``, a text file, a folder.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

A = "001A000001AbCdE"
ACCOUNT_HEAD = "Account ID,Account Name,Account Owner,LMS ID,MRR,Renewal Date,Seats\n"

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
    'workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData>'
    "</worksheet>"
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Entry:
    """One corpus file: where it is, its family and what it tries."""

    path: Path
    family: str
    what: str
    use: str = "import"  # "import": imported; "db": given as --db


def _cell(ref: str, value: str | int) -> str:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _header_rows(extra: str = "") -> str:
    row1 = "".join(
        _cell(f"{c}1", v)
        for c, v in zip("ABC", ("Account ID", "Account Name", "Account Owner"), strict=True)
    )
    row2 = "".join(_cell(f"{c}2", v) for c, v in zip("ABC", (A, "Lakeside", "Holly Grant"),
                                                     strict=True))  # fmt: skip
    return f'<row r="1">{row1}</row><row r="2">{row2}</row>{extra}'


def _xlsx(path: Path, sheet: str, extra: dict[str, str | bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _sheet(rows: str, dimension: str = "", doctype: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return _SHEET.format(doctype=doctype, dimension=dim, rows=rows)


_FAR = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _xlsx_family(d: Path) -> list[Entry]:
    out = [
        Entry(_xlsx(d / "far-cell.xlsx", _sheet(_header_rows(_FAR), "A1:XFD1048576")), "xlsx",
              "a cell at XFD1048576, dimension says so"),
        Entry(_xlsx(d / "far-cell-lying-dimension.xlsx", _sheet(_header_rows(_FAR), "A1:C2")),
              "xlsx", "a cell at XFD1048576, dimension A1:C2"),
        Entry(_xlsx(d / "far-cell-no-dimension.xlsx", _sheet(_header_rows(_FAR))), "xlsx",
              "a cell at XFD1048576, no dimension"),
        Entry(_xlsx(d / "huge-dimension-only.xlsx", _sheet(_header_rows(), "A1:XFD1048576")),
              "xlsx", "declared A1:XFD1048576, two real rows"),
        Entry(_xlsx(d / "far-row.xlsx", _sheet(_header_rows(
            '<row r="1048576"><c r="C1048576"><v>1</v></c></row>'))), "xlsx",
            "a cell at C1048576"),
    ]  # fmt: skip
    wide = "".join(_cell(_col(i) + "1", f"c{i}") for i in range(16_000))
    out.append(Entry(_xlsx(d / "16000-columns.xlsx", _sheet(f'<row r="1">{wide}</row>')),
                     "xlsx", "16,000 columns"))  # fmt: skip
    rless = "".join(f"<c><v>{i}</v></c>" for i in range(5_000))
    out.append(
        Entry(
            _xlsx(d / "cells-without-refs.xlsx", _sheet(_header_rows(f'<row r="3">{rless}</row>'))),
            "xlsx",
            "5,000 cells without r=",
        )
    )
    good = _xlsx(d / "_good.xlsx", _sheet(_header_rows()))
    data = good.read_bytes()
    good.unlink()
    for frac in (0.3, 0.7, 0.95):
        p = d / f"truncated-{int(frac * 100)}.xlsx"
        p.write_bytes(data[: int(len(data) * frac)])
        out.append(Entry(p, "xlsx", f"cut at {int(frac * 100)}% of its bytes"))
    out.append(Entry(_bomb(d / "zip-bomb.xlsx"), "xlsx", "sheet XML of 300 MB in ~0.3 MB"))
    xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    out.append(Entry(_xlsx(d / "xxe.xlsx", _sheet(_header_rows(
        '<row r="3"><c r="A3" t="inlineStr"><is><t>&e;</t></is></c></row>'), doctype=xxe)),
        "xlsx", "an external entity naming /etc/passwd"))  # fmt: skip
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    laughs = f'<!DOCTYPE x [<!ENTITY l0 "lol">{lol}]>'
    out.append(Entry(_xlsx(d / "billion-laughs.xlsx", _sheet(_header_rows(
        '<row r="3"><c r="A3" t="inlineStr"><is><t>&l9;</t></is></c></row>'), doctype=laughs)),
        "xlsx", "nested entities (10^9 lols)"))  # fmt: skip
    shared = ('<?xml version="1.0"?>' + laughs + '<sst xmlns="http://schemas.openxmlformats.org'
              '/spreadsheetml/2006/main"><si><t>&l9;</t></si></sst>')  # fmt: skip
    out.append(Entry(_xlsx(d / "billion-laughs-shared.xlsx", _sheet(_header_rows(
        '<row r="3"><c r="A3" t="s"><v>0</v></c></row>')), {"xl/sharedStrings.xml": shared}),
        "xlsx", "nested entities in shared strings"))  # fmt: skip
    out.append(Entry(_xlsx(d / "not-xml.xlsx", "this is not XML <<<"), "xlsx",
                     "a sheet part that is not XML"))  # fmt: skip
    return out


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET.split("{rows}")[0].format(doctype="", dimension="").encode())
            block = b" " * (1 << 20)
            for _ in range(300):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def _ole2_family(d: Path) -> list[Entry]:
    bare = d / "ole2-header.xls"
    bare.write_bytes(_OLE2 + bytes(504) + b"\x00" * 4096)
    locked = d / "password-protected.xlsx"
    locked.write_bytes(_OLE2 + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(2048))
    garbage = d / "ole2-garbage.xls"
    garbage.write_bytes(_OLE2 + random.Random(1).randbytes(20_000))
    return [Entry(bare, "ole2", "an OLE2 header and nothing else"),
            Entry(locked, "ole2", "an encrypted (password-protected) package"),
            Entry(garbage, "ole2", "OLE2 magic, random body")]  # fmt: skip


def _text(d: Path, name: str, data: bytes | str, what: str, family: str = "text") -> Entry:
    path = d / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Entry(path, family, what)


def _text_family(d: Path) -> list[Entry]:
    rows = ACCOUNT_HEAD + f"{A},Lakeside,Holly Grant,LMS-1,100,2026-01-01,5\n"
    return [
        _text(d, "utf16-no-bom.csv", rows.encode("utf-16-le"), "UTF-16 LE without a BOM"),
        _text(d, "utf16be-no-bom.csv", rows.encode("utf-16-be"), "UTF-16 BE without a BOM"),
        _text(d, "nul-bytes.csv", rows.replace("Lakeside", "Lake\x00side"), "a NUL in a cell"),
        _text(d, "many-nuls.csv", b"\x00" * 5000 + rows.encode(), "5,000 NULs first"),
        _text(
            d,
            "mixed-encodings.csv",
            rows.encode()
            + "001A000001XyZwV,Café Crème,Holly,LMS-2,1,,1\n".encode("cp1252")
            + "001A000001QrStU,Zoë,Holly,LMS-3,1,,1\n".encode(),
            "UTF-8 and cp1252 rows in one file",
        ),
        _text(d, "bare-cr.csv", rows.replace("\n", "\r"), "Excel's CSV (Macintosh): bare CR"),
        _text(
            d,
            "huge-field.csv",
            ACCOUNT_HEAD + f"{A},{'x' * 140_000},Holly,,,,\n",
            "an unquoted field of 140,000 characters",
        ),
        _text(
            d,
            "10mb-cell.csv",
            ACCOUNT_HEAD + f'{A},"{"y" * (10 << 20)}",Holly,,,,\n',
            "a quoted 10 MB cell",
        ),
        _text(
            d,
            "1m-column-header.csv",
            ",".join("h" for _ in range(1_000_000)) + "\n1\n",
            "a header of 1,000,000 columns",
        ),
        _text(
            d,
            "16000-columns.csv",
            ",".join(f"c{i}" for i in range(16_000))
            + "\n"
            + ",".join("1" for _ in range(16_000))
            + "\n",
            "16,000 columns",
        ),
        _text(
            d,
            "unbalanced-quotes.csv",
            ACCOUNT_HEAD + f'{A},"Lakeside,Holly\n' * 3,
            "a quote never closed",
        ),
    ]


def _values_family(d: Path) -> list[Entry]:
    big = "9" * 30
    return [
        _text(
            d,
            "nan-inf-money.csv",
            ACCOUNT_HEAD
            + "".join(
                f"001A00000100{i:03d},Acct {i},Holly,LMS-{i},{v},2026-01-01,1\n"
                for i, v in enumerate(("NaN", "inf", "-Infinity", "1e309", "$nan"))
            ),
            "NaN and infinite MRR",
            "values",
        ),
        _text(
            d,
            "year-0-and-99999.csv",
            ACCOUNT_HEAD
            + f"{A},Lakeside,Holly,LMS-1,1,0000-01-01,1\n"
            + "001A000001XyZwV,Summit,Holly,LMS-2,1,99999-12-31,1\n"
            + "001A000001QrStU,Cedar,Holly,LMS-3,1,12/31/99999,1\n",
            "renewal dates in year 0 and year 99999",
            "values",
        ),
        _text(
            d,
            "int-beyond-64-bits-seats.csv",
            ACCOUNT_HEAD + f"{A},Lakeside,Holly,LMS-1,1,2026-01-01,{big}\n",
            "seats of 10^30",
            "values",
        ),
        _text(
            d,
            "int-beyond-64-bits-mau.csv",
            f"LMS ID,Month,MAU\nLMS-1,2026-01,{big}\nLMS-1,2026-02,-" + big + "\n",
            "MAU of ±10^30",
            "values",
        ),
        _text(
            d,
            "int-beyond-64-bits-quantity.csv",
            f"uuid,account_code,plan_code,state,quantity\nu1,acme,basic,active,{big}\n",
            "subscription quantity of 10^30",
            "values",
        ),
    ]


def _shape_family(d: Path) -> list[Entry]:
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    wide = "LMS ID,Account Name," + ",".join(months) + "\n" + "".join(
        f"LMS-Q{i},Nobody {i}," + ",".join("3" * 12) + "\n" for i in range(2000))  # fmt: skip
    return [
        _text(d, "empty.csv", b"", "zero bytes", "shape"),
        _text(d, "header-only.csv", ACCOUNT_HEAD, "a header and no rows", "shape"),
        _text(d, "random-bytes.xlsx", random.Random(2).randbytes(50_000), "noise", "shape"),
        _text(d, "pdf.csv", b"%PDF-1.7\n" + random.Random(3).randbytes(5000), "a PDF", "shape"),
        _text(
            d,
            "html-as-xls.xls",
            "<html><body><table><tr><td>Account ID</td></tr></table></body></html>",
            "an HTML page saved as .xls",
            "shape",
        ),
        _text(
            d,
            "jira-no-account.csv",
            "Issue key,Summary,Status,Created\nSUP-1,x,Open,2026-01-02\n",
            "Jira issues without an account column",
            "shape",
        ),
        _text(d, "wide-usage-unmatched.csv", wide, "2,000 ids x 12 months, none known", "shape"),
    ]


def _path_family(d: Path) -> list[Entry]:
    folder = d / "folder.csv"
    folder.mkdir()
    fifo = d / "fifo.csv"
    os.mkfifo(fifo)
    loop = d / "loop.csv"
    os.symlink(loop, loop)
    dangling = d / "dangling.csv"
    os.symlink(d / "gone.csv", dangling)
    return [Entry(folder, "path", "a folder"), Entry(fifo, "path", "a FIFO"),
            Entry(loop, "path", "a symlink to itself"),
            Entry(dangling, "path", "a symlink to a missing file")]  # fmt: skip


def _db_family(d: Path) -> list[Entry]:
    foreign = d / "other-app.db"
    conn = sqlite3.connect(foreign)
    conn.execute("create table photos (id integer primary key, path text)")
    conn.execute("insert into photos (path) values ('/tmp/cat.jpg')")
    conn.commit()
    conn.close()
    damaged = d / "damaged-version.db"
    conn = sqlite3.connect(damaged)
    conn.execute("create table alembic_version (version_num varchar(32) not null)")
    conn.execute("create table accounts (id integer primary key)")
    conn.commit()
    conn.close()
    text = d / "notes.db"
    text.write_text("not a database\n")
    folder = d / "folder.db"
    folder.mkdir()
    return [Entry(foreign, "db", "another application's SQLite file", "db"),
            Entry(damaged, "db", "an empty alembic_version beside our tables", "db"),
            Entry(text, "db", "a text file", "db"),
            Entry(folder, "db", "a folder", "db")]  # fmt: skip


FAMILIES: dict[str, Callable[[Path], list[Entry]]] = {
    "xlsx": _xlsx_family, "ole2": _ole2_family, "text": _text_family,
    "values": _values_family, "shape": _shape_family, "path": _path_family, "db": _db_family,
}  # fmt: skip


def generate(folder: Path) -> list[Entry]:
    """Write the whole corpus into ``folder`` (one sub-folder per family)."""
    entries: list[Entry] = []
    for family, make in FAMILIES.items():
        sub = folder / family
        sub.mkdir(parents=True, exist_ok=True)
        entries += make(sub)
    return entries


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for e in generate(target):
        print(f"{e.family:7} {e.path.name:34} {e.what}")
