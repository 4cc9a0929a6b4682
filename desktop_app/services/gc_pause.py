"""Keep the cyclic garbage collector from stopping every thread while a book is built.

Reading a 2,000-account transition builds some 60k rows, dataclasses and ORM states; reading
a 100k-account book, 100k-row lists per table. None of them form cycles that need
collecting, yet each 700 allocations trigger a young-generation pass and every few of those
a full pass over all live objects: a third of the CPU time of the SOP export went to
collections that freed nothing. A full pass holds the GIL throughout, so one set off by a
worker stops the GUI thread too (opening the 100k book: a dozen of 50-260 ms each).
Reference counting still frees everything as usual; only cycle detection waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks open, across threads (the collector is one for the process)
_was_on = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enabled (if it was on) when the
    last block open in any thread ends, so that workers pausing at once do not turn it
    back on under each other."""
    global _depth, _was_on
    with _lock:
        if _depth == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_on:
                gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now (the imported modules, classes and functions: some
    600k at start-up with pyqtgraph and pandas) out of the collector's sight for good.

    With the imports in view, each full collection the book's loading set off took
    130-260 ms on this machine (at 100k, 1.8 s of the GUI thread's time, freeing nothing).
    Frozen objects are still freed by reference counting; only a cycle among them is never
    collected, and the imports' few such cycles live for the whole process anyway.
    """
    gc.freeze()
