"""Hand the memory a book load has freed back to the system.

Loading a 100k-account book builds a few hundred MB of short-lived rows on the worker
threads; once freed, glibc keeps those pages in its per-thread arenas for reuse, so the
window's resident size stayed at its loading peak (~60 MB more at 100k). ``malloc_trim``
returns the free pages. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys


def release_freed_memory() -> bool:
    """Return free heap pages to the system; True if the C library could be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:  # musl and others: nothing to ask
        return False
    trim(0)
    return True
