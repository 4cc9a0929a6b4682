"""Write a zip's entries on a worker thread while the caller builds the next chunk.

zlib's deflate and CRC and the file write release the GIL, so on a second core the
compression of one chunk of sheet XML overlaps the Python that builds the next (a quarter
of an .xlsx export's time was spent in ``zlib``). On one core it costs a thread switch per
chunk. Only the worker touches the ``ZipFile`` once the pump is started.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import zipfile
from types import TracebackType
from typing import IO


class ZipPump:
    """``write(entry, data)`` appends ``data`` to the zip entry ``entry`` (entries are
    written one after the other: a new name closes the previous entry).

    Use as a context manager: leaving it finishes the last entry and joins the worker; an
    error on the worker is raised in the caller (at the next ``write`` or on leaving).
    """

    def __init__(self, zf: zipfile.ZipFile, depth: int = 4) -> None:
        self._zf = zf
        self._queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="zip-pump", daemon=True)

    def __enter__(self) -> ZipPump:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc is None:
            raise self._error

    def write(self, entry: str, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((entry, data))

    def _run(self) -> None:
        name: str | None = None
        fh: IO[bytes] | None = None
        try:
            while (item := self._queue.get()) is not None:
                entry, data = item
                if fh is None or entry != name:
                    if fh is not None:
                        fh.close()
                    fh, name = self._zf.open(entry, "w"), entry
                fh.write(data)
            if fh is not None:
                fh.close()
        except BaseException as exc:  # handed to the caller's thread
            self._error = exc
            if fh is not None:
                with contextlib.suppress(Exception):
                    fh.close()
            while self._queue.get() is not None:  # let the caller finish without blocking
                pass
