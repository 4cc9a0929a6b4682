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
