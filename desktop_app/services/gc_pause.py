"""Keep the cyclic garbage collector from stopping every thread while a book is built.

Reading a 2,000-account transition builds some 60k rows, dataclasses and ORM states; reading
a 100k-account book, 100k-row lists per table. None of them form cycles that need
collecting, yet each 700 allocations trigger a young-generation pass and every few of those
a full pass over all live objects: a third of the CPU time of the SOP export went to
collections that freed nothing. A full pass holds the GIL throughout, so one set off by a
worker stops the GUI thread too (opening the 100k book: a dozen of 50-260 ms each).
Reference counting still frees everything as usual; only cycle detection waits.

The same holds while the application's modules load at start-up (``pause_while_modules_load``
until ``modules_loaded``): SQLAlchemy, numpy and pyqtgraph make some 140k objects, and the
collections they set off (one full pass among them) freed nothing.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks open, across threads (the collector is one for the process)
_was_on = False


def _pause() -> None:
    global _depth, _was_on
    with _lock:
        if _depth == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _depth += 1


def _resume() -> None:
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0 and _was_on:
            gc.enable()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enabled (if it was on) when the
    last block open in any thread ends, so that workers pausing at once do not turn it
    back on under each other."""
    _pause()
    try:
        yield
    finally:
        _resume()


_loading_modules = False  # the pause of ``pause_while_modules_load`` is on


def pause_while_modules_load() -> None:
    """Pause the collector while the application's modules load (SQLAlchemy, numpy, ours),
    until ``modules_loaded()``: the collections they set off find nothing to free, yet each
    walks every object imported so far (a 10k book's start-up: ~45 ms of the GUI thread's
    time before the window, one full pass of ~20-35 ms among them). Called once, at the
    import of ``services.database``, the first module of ours that either start-up loads;
    a second call does nothing."""
    global _loading_modules
    if _loading_modules or _modules_loaded:
        return
    _loading_modules = True
    _pause()


_modules_loaded = False


def modules_loaded() -> None:
    """End the pause of ``pause_while_modules_load`` (once; later calls do nothing): the
    objects alive now, the imported modules, move out of the collector's sight for good
    (``freeze_long_lived``) and it runs again. Opening a database calls it, as the next
    step of every start-up, so a process never runs on with the collector paused."""
    global _loading_modules, _modules_loaded
    _modules_loaded = True
    if not _loading_modules:
        return
    _loading_modules = False
    # Frozen before the collector is back: else its first pass would walk every object
    # the imports made (they were never collected, so all are in the young generation).
    gc.freeze()
    _resume()


def freeze_long_lived() -> None:
    """Move every object alive now (the imported modules, classes and functions: some
    600k at start-up with pyqtgraph and pandas) out of the collector's sight for good.

    With the imports in view, each full collection the book's loading set off took
    130-260 ms on this machine (at 100k, 1.8 s of the GUI thread's time, freeing nothing).
    Frozen objects are still freed by reference counting; only a cycle among them is never
    collected, and the imports' few such cycles live for the whole process anyway.
    """
    gc.freeze()
