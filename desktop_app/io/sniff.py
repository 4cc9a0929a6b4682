"""What a file is, from its first bytes, and how many sheets it has: cheap checks that load
neither calamine nor numpy (a refused re-import of an unchanged file needs nothing more)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from desktop_app.io.model import ImportFileError, check_input_file

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
HEAD_BYTES = 256 * 1024
_HEAD_BYTES = HEAD_BYTES


def sniff(path: str | Path) -> str:
    """Return "workbook", "xls" or "text" from the file's first bytes; raise ImportFileError."""
    name = Path(path).name
    check_input_file(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot be opened ({exc.strerror})") from None
    if not head:
        raise ImportFileError(f"{name}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        return "workbook"
    if head.startswith(_OLE2):
        with open(path, "rb") as fh:
            if _ENCRYPTED in fh.read():
                raise ImportFileError(
                    f"{name}: the workbook is password-protected; open it in Excel, "
                    "remove the password (or save an unprotected copy) and import that copy"
                )
        return "xls"
    return "text"


def sheet_count(path: str | Path) -> int:
    """How many sheets a file has, as cheaply as it can be known: 1 for a text file; for
    an xlsx the ``<sheet>`` entries of ``xl/workbook.xml`` (chart sheets included, so
    never fewer than ``list_sheets`` finds), without opening any sheet or the guard's full
    scan. Raises ``ImportFileError`` when it cannot tell."""
    kind = sniff(path)
    if kind == "text":
        return 1
    if kind == "workbook":
        try:
            with zipfile.ZipFile(path) as zf, zf.open("xl/workbook.xml") as fh:
                head = fh.read(_WORKBOOK_XML_LIMIT + 1)
        except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
            head = b""
        if head and len(head) <= _WORKBOOK_XML_LIMIT:
            return len(re.findall(rb"<(?:\w+:)?sheet[\s/>]", head))
    from desktop_app.io.readers import list_sheets  # a legacy .xls: calamine lists them

    return len(list_sheets(path, count_rows=False))


#: workbook.xml lists sheets and defined names: a few kB; more is not worth a fast path.
_WORKBOOK_XML_LIMIT = 4 << 20
