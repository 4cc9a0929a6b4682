"""The stored health breakdown of an account (``health_scores.measures``), dense or compact.

A breakdown is a float64 (parts, measures) array: the raw value, points, weight and
contribution of every measure of the scorecard version (``MEASURE_PARTS``). A measure the
account has no data for holds the *absent* column: raw and points NaN, weight and
contribution 0. Most accounts of a young book have data for two or three measures of 17, so
a row is stored in one of two forms, told apart by length alone:

* **dense** (``32 * m`` bytes, the form before ``0012_import3``): the whole array;
* **compact** (when a measure has no data): a bit mask of the columns kept
  (``ceil(m / 8)`` bytes, bit ``j`` of byte ``j // 8``, least significant first), then
  the kept columns' four parts, part by part.
  An absent column is left out only when its bits are exactly those of the absent column
  (NaN as numpy writes it, +0.0), so decoding gives back the same bits: the values, and
  what every reader computes from them, are unchanged. ~70 bytes where dense took 544.

A compact row's length (``ceil(m / 8) + 32 k``) differs from the dense one's unless
``ceil(m / 8)`` is a multiple of 32 (m > 248 measures): such cards are stored dense.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

#: The parts of a breakdown, in row order.
MEASURE_PARTS = ("raw", "points", "weight", "contribution")
_P = len(MEASURE_PARTS)
_NAN_BITS = int(np.array(np.nan, dtype="<f8").view("<u8"))
#: The absent column, part by part (bit-exact: numpy's NaN, +0.0).
_ABSENT = np.array([np.nan, np.nan, 0.0, 0.0], dtype="<f8")


def rows_bytes(values: npt.NDArray[Any]) -> list[bytes]:
    """Each row of a 2-D array as its own bytes (one C loop, no per-row numpy call)."""
    arr = np.ascontiguousarray(values)
    width = arr.shape[1] * arr.dtype.itemsize
    if width == 0:
        return [b""] * arr.shape[0]
    out: list[bytes] = arr.view(np.dtype((np.void, width))).ravel().tolist()  # type: ignore[assignment]
    return out


def _mask_len(m: int) -> int:
    return (m + 7) // 8


def compact_ok(m: int) -> bool:
    """Whether breakdowns of ``m`` measures may be stored compact (lengths never collide)."""
    return _mask_len(m) % 32 != 0


def encode_breakdowns(values: npt.NDArray[np.float64]) -> list[bytes]:
    """Each account's (parts, measures) breakdown of ``values`` (n, 4, m) as stored bytes:
    compact, with the absent columns left out (dense when ``compact_ok`` says no)."""
    n, _, m = values.shape
    if n == 0:
        return []
    arr = np.ascontiguousarray(values, dtype="<f8")
    if not compact_ok(m):
        return rows_bytes(arr.reshape(n, -1))
    bits = arr.view("<u8")
    absent = (bits[:, 0, :] == _NAN_BITS) & (bits[:, 1, :] == _NAN_BITS)
    absent &= (bits[:, 2, :] == 0) & (bits[:, 3, :] == 0)
    kept = ~absent
    masks = np.packbits(kept, axis=1, bitorder="little")  # (n, ceil(m / 8))
    heads = rows_bytes(masks)
    firsts: dict[bytes, int] = {}
    group = np.fromiter((firsts.setdefault(h, len(firsts)) for h in heads), np.int64, count=n)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(firsts) + 1))
    out: list[bytes] = heads  # each head is replaced by head + body below
    for g in range(len(firsts)):
        members = order[bounds[g] : bounds[g + 1]]
        cols = np.flatnonzero(kept[members[0]])
        # every measure present: the dense form, shorter by the mask (and as stored before)
        head = b"" if len(cols) == m else heads[int(members[0])]
        body = arr[members][:, :, cols].reshape(len(members), -1)
        for i, b in zip(members.tolist(), rows_bytes(body), strict=True):
            out[i] = head + b
    return out


def decode_breakdown(blob: bytes, m: int) -> npt.NDArray[np.float64]:
    """A stored breakdown (dense or compact) as its (parts, measures) array."""
    if len(blob) == _P * 8 * m:
        return np.frombuffer(blob, dtype="<f8").reshape(_P, m)
    out = np.empty((_P, m), dtype="<f8")
    out[:] = _ABSENT[:, None]
    cols = _kept_columns(blob, m)
    out[:, cols] = np.frombuffer(blob, dtype="<f8", offset=_mask_len(m)).reshape(_P, len(cols))
    return out


def decode_breakdowns(blobs: Sequence[bytes], m: int) -> npt.NDArray[np.float64]:
    """Stored breakdowns (dense or compact, mixed) as one (n, parts, measures) array; rows
    of one form and mask are decoded together."""
    n = len(blobs)
    dense = _P * 8 * m
    if all(len(b) == dense for b in blobs):
        return np.frombuffer(b"".join(blobs), dtype="<f8").reshape(n, _P, m)
    out = np.empty((n, _P, m), dtype="<f8")
    groups: dict[bytes | None, list[int]] = {}
    mb = _mask_len(m)
    for i, b in enumerate(blobs):
        groups.setdefault(None if len(b) == dense else b[:mb], []).append(i)
    for head, members in groups.items():
        if head is None:
            out[members] = np.frombuffer(
                b"".join([blobs[i] for i in members]), dtype="<f8"
            ).reshape(len(members), _P, m)
            continue
        cols = _kept_columns(head, m)
        values = np.frombuffer(b"".join([blobs[i][mb:] for i in members]), dtype="<f8")
        part = np.empty((len(members), _P, m), dtype="<f8")
        part[:] = _ABSENT[None, :, None]
        part[:, :, cols] = values.reshape(len(members), _P, len(cols))
        out[members] = part
    return out


def _kept_columns(blob: bytes, m: int) -> npt.NDArray[np.intp]:
    mask = np.frombuffer(blob, dtype=np.uint8, count=_mask_len(m))
    return np.flatnonzero(np.unpackbits(mask, bitorder="little")[:m])
