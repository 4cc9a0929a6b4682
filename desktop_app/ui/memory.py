"""Hand the memory a book load has freed back to the system.

Loading a 100k-account book builds a few hundred MB of short-lived rows on the worker
threads; once freed, glibc keeps those pages in its per-thread arenas for reuse, so the
window's resident size stayed at its loading peak (~60 MB more at 100k). ``malloc_trim``
returns the free pages. Elsewhere than glibc this does nothing.

glibc also gives each thread that allocates its own arena (up to 8 per core): the loading
workers' freed pages then sit in arenas of their own. ``limit_malloc_arenas`` caps them
before the first worker runs (the GIL serialises the Python threads' allocations anyway).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: ``mallopt`` parameter of glibc's <malloc.h>.
_M_ARENA_MAX = -8
#: The main thread's arena and one shared by the workers: measured at 100k, 10-20 MB less
#: resident than one arena per worker thread, with no slower load (the GIL serialises them).
ARENAS = 2
_limited: list[bool] = []


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (once per process); True if the C library took the cap."""
    if _limited:
        return _limited[0]
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None) if libc is not None else None
    done = bool(mallopt(_M_ARENA_MAX, arenas)) if mallopt is not None else False
    _limited.append(done)
    return done


def release_freed_memory() -> bool:
    """Return free heap pages to the system; True if the C library could be asked."""
    libc = _libc()
    if libc is None:
        return False
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:  # musl and others: nothing to ask
        return False
    trim(0)
    return True
