"""A workbook's sheet parsed on a thread while the caller does other work.

calamine releases the interpreter while it parses (1.7 s of a 100k-row sheet), so the CLI's
import loads its readers and writers meanwhile (``services.importing.files``); ``open_source``
takes the parsed sheet when it is for the same file and sheet. The guard (``check_workbook``)
runs before the thread starts: calamine never sees a file the guard refuses.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import python_calamine as pc

from desktop_app.io.model import ImportFileError, SheetInfo
from desktop_app.io.readers import open_book, pick_sheet, sheet_infos
from desktop_app.io.sniff import sniff

__all__ = ["SheetAhead", "read_ahead"]


class SheetAhead:
    """A workbook's sheet being parsed on a thread (started by ``read_ahead``)."""

    def __init__(
        self,
        path: str | Path,
        book: pc.CalamineWorkbook,
        infos: list[SheetInfo],
        sheet: str,
        requested: str | None,
    ) -> None:
        self.path, self.book, self.infos, self.sheet = str(path), book, infos, sheet
        self._requested = requested
        self._data: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._parse, name="read-ahead", daemon=True)
        self._thread.start()

    def _parse(self) -> None:
        try:
            self._data = self.book.get_sheet_by_name(self.sheet)
        except BaseException as exc:  # re-raised by ``result`` on the caller's thread
            self._error = exc

    def serves(self, path: str | Path, sheet: str | None) -> bool:
        return str(path) == self.path and sheet == self._requested

    def result(self) -> Any:
        """The parsed sheet (waits for the thread); raises what calamine raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._data


def read_ahead(path: str | Path, sheet: str | None = None) -> SheetAhead | None:
    """Start parsing a workbook's sheet on a thread (after the guard); None for a text
    file, or when the workbook cannot be opened (``open_source`` then says why)."""
    try:
        if sniff(path) != "workbook":
            return None
        book = open_book(path)
        infos = sheet_infos(book, count_rows=False)
        name = pick_sheet(Path(path).name, infos, sheet)
    except ImportFileError:
        return None
    return SheetAhead(path, book, infos, name, sheet)
