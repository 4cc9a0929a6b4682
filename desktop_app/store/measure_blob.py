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

from collections.abc import Iterator, Sequence
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
    compact, with the absent columns left out (dense when every measure is present, or
    when ``compact_ok`` says no)."""
    return encode_parts([values[:, k, :] for k in range(_P)], [None] * _P)


def encode_parts(
    parts: Sequence[npt.NDArray[np.float64]], digits: Sequence[int | None]
) -> list[bytes]:
    """``encode_breakdowns`` of the four parts (each (n, m)), each rounded to its
    ``digits`` (None: as it is) as ``np.round`` would round the whole array: only the
    columns kept are rounded and copied (a young book's 100k x 17 breakdowns are mostly
    absent columns; rounding every cell into one interleaved array took ~0.3 s)."""
    arrays = [np.ascontiguousarray(p, dtype="<f8") for p in parts]
    n, m = arrays[0].shape
    if n == 0:
        return []

    def rounded(k: int, rows: Any = slice(None), cols: Any = slice(None)) -> Any:
        part = arrays[k][rows, cols] if isinstance(rows, slice) else arrays[k][np.ix_(rows, cols)]
        d = digits[k]
        return part if d is None else np.round(part, d)

    if not compact_ok(m):
        whole = np.stack([rounded(k) for k in range(_P)], axis=1)
        return rows_bytes(whole.reshape(n, -1))
    # Rounding keeps NaN bits and the sign of zero: the absent test may look at the raw and
    # points before rounding, and at the rounded weight and contribution.
    weight, contribution = rounded(2), rounded(3)
    absent = (arrays[0].view("<u8") == _NAN_BITS) & (arrays[1].view("<u8") == _NAN_BITS)
    absent &= (weight.view("<u8") == 0) & (contribution.view("<u8") == 0)
    kept = ~absent
    masks = np.packbits(kept, axis=1, bitorder="little")  # (n, ceil(m / 8))
    out = np.empty(n, dtype=object)
    for cols, members in pattern_groups(kept):
        body = np.stack(
            [rounded(0, members, cols), rounded(1, members, cols),
             weight[np.ix_(members, cols)], contribution[np.ix_(members, cols)]],
            axis=1,
        ).reshape(len(members), -1)  # fmt: skip
        if len(cols) < m:  # else every measure is present: dense, as stored before
            body = np.concatenate([masks[members], body.view(np.uint8)], axis=1)
        out[members] = rows_bytes(body)
    blobs: list[bytes] = out.tolist()
    return blobs


def pattern_groups(
    flags: npt.NDArray[np.bool_],
) -> Iterator[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    """The rows of ``flags`` (n, m) grouped by their pattern: (the columns set, the rows
    that have exactly those), rows in ascending order within a group. One sort, whatever
    the number of patterns (``np.unique`` over rows sorts them as void records: 0.5 s for
    100k; up to 62 columns, each row's pattern is one integer)."""
    n, m = flags.shape
    if n == 0:
        return
    if m <= 62:
        code = flags.astype(np.int64) @ (np.int64(1) << np.arange(m, dtype=np.int64))
        which = np.unique(code, return_inverse=True)[1].ravel()
    else:
        which = np.unique(flags, axis=0, return_inverse=True)[1].ravel()
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(int(which.max()) + 2))
    for g in range(len(bounds) - 1):
        members = order[bounds[g] : bounds[g + 1]]
        yield np.flatnonzero(flags[members[0]]), members


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
