"""The numpy array types used across the layers (one definition each)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]
ObjArray = npt.NDArray[np.object_]
DateArray = npt.NDArray[np.datetime64]


def unique_ids(values: object) -> IntArray:
    """The distinct values of ``values`` as sorted int64 (``np.unique`` of ids, without its
    first call's import of ``numpy.ma``, ~30 ms, which numpy 2.4 does for a plain unique:
    the window's first selection made it on the GUI thread while a book opened)."""
    a = np.sort(np.asarray(values, dtype=np.int64), axis=None)
    if a.size < 2:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]
