"""Keys of what an account's past months were scored from, so a rescore can skip them.

A month of an account's health history is a pure function of the account's own input rows
(``HistoryInputs``: its usage row, tickets, NPS answers, contacts, billing states,
subscriptions and account fields), of the scorecard, of the book's usage months, of the
sources the book has, and of the month's scoring day ``t`` with whether ``t`` falls within
the current-state window of the observed day (``health_inputs.CURRENT_WINDOW_DAYS``). No
account's score reads another account's rows.

``past_keys`` hashes all of that for the months before the current one into one 64-bit key
per account. A rescore that finds an account's stored history made with the same key (and
the same months) copies its past months instead of scoring them again; anything else (a
new usage row for a past month, an edited ticket, another scorecard, a new observed day
that moves a month into or out of the current window, a month added to the book, a new
as-of month) gives another key, and the months are scored again.

``FORMULA`` is part of every key: bump it when the measures' or the bands' computation
changes, so that histories stored by older code are scored again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_app.domain.arrays import IntArray
from desktop_app.domain.health_inputs import CURRENT_WINDOW_DAYS, HistoryInputs
from desktop_app.domain.scorecard import Scorecard, scorecard_to_dict

#: Version of the scoring formulas the keys vouch for (bump on any change to them).
FORMULA = 1

U64 = npt.NDArray[np.uint64]

#: Arrays with one value per account.
PER_ACCOUNT = ("contracted_seats", "renewal_day", "churn_day", "start_day", "mrr_now")
#: Arrays with one row per account and one column per usage month.
PER_MONTH = ("mau", "seats")
#: Row tables: the account row index column, then the columns the scoring reads.
TABLES: dict[str, tuple[str, ...]] = {
    "t_acc": ("t_open", "t_close", "t_esc", "t_waiting", "t_updated"),
    "n_acc": ("n_day", "n_score"),
    "c_acc": ("c_reply", "c_main", "c_status"),
    "b_acc": ("b_day", "b_dpd"),
    "s_acc": ("s_start", "s_end", "s_mrr", "s_period_end"),
}
#: Book-wide fields (hashed once into every key) and fields only band reasons read (never
#: the monthly history): not part of the per-account digest.
BOOK_WIDE = ("account_id", "month_day", "observed_day", "sources")
EVIDENCE_ONLY = ("t_key", "c_name")

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: U64) -> U64:
    """splitmix64's finaliser, element-wise (uint64 arithmetic wraps, as intended)."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    out: U64 = x ^ (x >> _S31)
    return out


def _bits(values: npt.NDArray[Any]) -> list[U64]:
    """A column's values as uint64 words (NaN made canonical; strings one word per char)."""
    if values.dtype.kind == "U":
        width = values.dtype.itemsize // 4
        chars = np.ascontiguousarray(values).view(np.uint32).reshape(-1, width)
        return [chars[:, k].astype(np.uint64) for k in range(width)] or [
            np.zeros(len(values), dtype=np.uint64)
        ]
    if values.dtype.kind == "f":
        f = np.where(np.isnan(values), np.nan, values.astype(np.float64)) + 0.0
        return [f.view(np.uint64)]
    return [values.astype(np.int64).view(np.uint64)]


def _fold(acc: U64, values: npt.NDArray[Any], salt: int) -> U64:
    for k, word in enumerate(_bits(values)):
        acc = _mix(acc ^ _mix(word + np.uint64((salt * 131 + k) & 0xFFFFFFFFFFFF)))
    return acc


def account_digests(h: HistoryInputs) -> U64:
    """Per account (``h.account_id`` order), a 64-bit digest of every input row of its own
    that the monthly history reads; rows in the order the scoring sees them."""
    n = len(h)
    digest = np.zeros(n, dtype=np.uint64)
    salt = 1
    for name in PER_ACCOUNT:
        values = getattr(h, name)
        if values is not None:
            digest = _fold(digest, values, salt)
        salt += 1
    for name in PER_MONTH:
        matrix = getattr(h, name)
        for c in range(matrix.shape[1]):
            digest = _fold(digest, matrix[:, c], salt)
            salt += 1
    for acc_name, columns in TABLES.items():
        acc = getattr(h, acc_name).astype(np.int64)
        order = np.argsort(acc, kind="stable")
        sorted_acc = acc[order]
        # the row's rank among its account's rows: the digest sees the rows' order too
        first = np.searchsorted(sorted_acc, sorted_acc, side="left")
        rank = np.empty(len(acc), dtype=np.int64)
        rank[order] = np.arange(len(acc), dtype=np.int64) - first
        row = _mix(rank.view(np.uint64) + np.uint64(salt))
        for k, col in enumerate(columns):
            row = _fold(row, getattr(h, col), salt * 37 + k)
        total = np.zeros(n, dtype=np.uint64)
        if len(acc):
            starts = np.flatnonzero(np.r_[True, sorted_acc[1:] != sorted_acc[:-1]])
            sums = np.add.reduceat(row[order], starts).astype(np.uint64)
            total[sorted_acc[starts]] = sums
        digest = _fold(digest, total, salt)
        salt += 1
    return digest


def book_seed(
    card: Scorecard,
    version_id: int,
    h: HistoryInputs,
    past_days: Sequence[float],
) -> int:
    """The book-wide part of every key: formula, scorecard, sources, the usage months up to
    the last past month, and each past month's scoring day with its current-window flag."""
    last = max(past_days) if past_days else -np.inf
    columns = np.asarray(h.month_day, dtype="<f8")
    window = h.observed_day - CURRENT_WINDOW_DAYS
    months = [(float(t), bool(t >= window)) for t in past_days]
    text = json.dumps(
        {
            "formula": FORMULA,
            "version": version_id,
            "card": scorecard_to_dict(card),
            "sources": sorted(h.sources),
            "columns": columns[columns <= last].tolist(),
            "months": months,
        },
        sort_keys=True,
    )
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def past_keys(
    card: Scorecard, version_id: int, h: HistoryInputs, past_days: Sequence[float]
) -> IntArray:
    """Per account (``h.account_id`` order), the key of its months scored at ``past_days``
    (as signed 64-bit integers, as a database stores them)."""
    seed = np.uint64(book_seed(card, version_id, h, past_days))
    keys = _mix(account_digests(h) ^ seed)
    out: IntArray = keys.view(np.int64)
    return out


def subset(h: HistoryInputs, rows: IntArray) -> HistoryInputs:
    """The inputs of the accounts at ``rows`` (ascending positions) alone: the same months
    and book-wide fields, their own rows of every table, re-indexed."""
    n = len(h)
    keep = np.zeros(n, dtype=bool)
    keep[rows] = True
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[rows] = np.arange(len(rows), dtype=np.int64)
    changes: dict[str, Any] = {"account_id": h.account_id[rows]}
    for name in (*PER_ACCOUNT, *PER_MONTH):
        values = getattr(h, name)
        changes[name] = None if values is None else values[rows]
    for acc_name, columns in TABLES.items():
        acc = getattr(h, acc_name)
        mask = keep[acc]
        changes[acc_name] = new_index[acc[mask]]
        for col in (*columns, *(e for e in EVIDENCE_ONLY if e[0] == acc_name[0])):
            values = getattr(h, col)
            changes[col] = None if values is None else values[mask]
    return replace(h, **changes)


def classified() -> set[str]:
    """Every ``HistoryInputs`` field the keys account for (a test keeps it complete)."""
    named = {*PER_ACCOUNT, *PER_MONTH, *BOOK_WIDE, *EVIDENCE_ONLY, *TABLES}
    named.update(c for cols in TABLES.values() for c in cols)
    return named & {f.name for f in fields(HistoryInputs)}
