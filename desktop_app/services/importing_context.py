"""State shared by the per-kind storers of one import: counts, review list, problems."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.services.importing_link import AccountIndex, Linker, LinkMatch
from desktop_app.services.progress import Cancelled, NullProgress, Progress
from desktop_app.store.import_writer import (
    BatchWriter,
    UpsertResult,
    encode_row,
    insert_review_items,
)

MAX_EXAMPLES = 10
#: At most this many review items (distinct unmatched keys) per import. Rows of further
#: keys are counted and reported, not kept: a file matching thousands of unknown ids is
#: most likely for another book, or its accounts are not imported yet.
MAX_REVIEW_KEYS = 200

#: (kind, key, candidate account) of a review item.
ReviewKey = tuple[str, str, int | None]


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    review: int = 0
    skipped: int = 0

    def add(self, res: UpsertResult) -> None:
        self.new += res.new
        self.updated += res.updated
        self.unchanged += res.unchanged


@dataclass
class StoreContext:
    """Everything a storer needs: the writer, the account index and the tallies."""

    writer: BatchWriter
    index: AccountIndex
    today: date
    file_label: str
    counts: Counts = field(default_factory=Counts)
    unmatched_examples: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: (row, reason) of every row skipped while storing; ``counts.skipped`` counts them.
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    touched_accounts: set[int] = field(default_factory=set)
    progress: Progress = field(default_factory=NullProgress)
    linker: Linker = field(init=False)
    _review: dict[ReviewKey, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    _not_kept: dict[ReviewKey, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.linker = Linker(self.index)

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` when the user asked to stop (polled every few thousand rows)."""
        if self.progress.cancelled():
            raise Cancelled("cancelled")

    def skip(self, row: int, reason: str, *, problem: bool = True) -> None:
        """Leave ``row`` out: count it, list it with its reason (and report it as a problem)."""
        self.counts.skipped += 1
        self.skipped_rows.append((row, reason))
        if problem:
            self.problem(row, reason)

    def problem(self, row: int | None, message: str) -> None:
        where = f"{self.file_label}, row {row}" if row is not None else self.file_label
        self.problems.append(f"{where}: {message}")

    def review(self, match: LinkMatch, row: int, record: dict[str, Any]) -> None:
        """Keep a row that could not be linked with certainty for the review list.

        Rows with the same key (and candidate) make one review item: a wide usage file
        repeats its unmatched id once per month.
        """
        fuzzy = match.outcome == "fuzzy"
        if fuzzy:
            self.counts.review += 1
        else:
            self.counts.unmatched += 1
        key: ReviewKey = ("fuzzy" if fuzzy else "unmatched", (match.key or "")[:300],
                          match.account_id if fuzzy else None)  # fmt: skip
        group = self._review.get(key)
        if group is None:
            if len(self._review) >= MAX_REVIEW_KEYS:
                self._not_kept[key] = self._not_kept.get(key, 0) + 1
                return
            group = self._review[key] = []
        group.append((row, record))

    def flush_review(self) -> None:
        """Write the review items (one per key), the examples and the overflow problem."""
        items = []
        for (kind, key, candidate), group in self._review.items():
            if kind == "unmatched" and len(self.unmatched_examples) < MAX_EXAMPLES:
                more = f" ({len(group)} rows)" if len(group) > 1 else ""
                self.unmatched_examples.append(f"row {group[0][0]}: {key or '(no key)'}{more}")
            items.append({"batch_id": self.writer.batch_id, "kind": kind,
                          "row_number": group[0][0], "key_value": key or None,
                          "candidate_account_id": candidate,
                          "payload_json": encode_group(group), "resolved": False})  # fmt: skip
        insert_review_items(self.writer, items)
        if self._not_kept:
            rows = sum(self._not_kept.values())
            self.problem(
                None,
                f"{len(self._not_kept):,} more unlinked keys ({rows:,} rows) were not kept "
                f"for review (at most {MAX_REVIEW_KEYS} per import); import the accounts "
                "they belong to first, then this file again",
            )
        self._review.clear()
        self._not_kept.clear()

    def link_all(
        self,
        records: Sequence[dict[str, Any]],
        rows: Sequence[int],
        resolve: Callable[[dict[str, Any]], LinkMatch],
    ) -> list[tuple[dict[str, Any], int, int]]:
        """(record, row number, account id) of the exactly linked rows; the rest to review."""
        out = []
        for rec, row in zip(records, rows, strict=True):
            m = resolve(rec)
            if m.outcome == "exact" and m.account_id is not None:
                out.append((rec, row, m.account_id))
            else:
                self.review(m, row, rec)
        return out

    def dedupe_indexed(
        self,
        keys: Sequence[Hashable],
        index: Sequence[int],
        row_of: Callable[[int], Any],
        rows: Sequence[int],
        what: str,
    ) -> dict[Hashable, int]:
        """``dedupe`` for columnar rows: ``keys[k]`` is the key of row ``index[k]``.

        Returns {key: row index} of the rows to store (parallel lists, not a million
        (key, index) tuples, keep big imports small).
        """
        return _dedupe_indexed(self, keys, index, row_of, rows, what)

    def dedupe(
        self, items: Sequence[tuple[Hashable, dict[str, Any], int]], what: str
    ) -> list[tuple[Hashable, dict[str, Any]]]:
        """Drop exact repeats of a key; skip and report keys whose rows disagree."""
        # One dict lookup per row; lists only for the (rare) repeated keys.
        first_of: dict[Hashable, tuple[dict[str, Any], int]] = {}
        repeats: dict[Hashable, list[tuple[dict[str, Any], int]]] = {}
        for k, row, num in items:
            hit = first_of.get(k)
            if hit is None:
                first_of[k] = (row, num)
            else:
                repeats.setdefault(k, [hit]).append((row, num))
        for k, group in repeats.items():
            first = group[0][0]
            if any(r != first for r, _n in group[1:]):
                nums = ", ".join(str(n) for _r, n in group)
                self.problem(
                    group[0][1],
                    f"{what} {_key_text(k)} appears in rows {nums} with different "
                    "values; none of them was imported",
                )
                for _r, n in group:
                    self.skip(n, f"{what} {_key_text(k)} conflicts with rows {nums}", problem=False)
                del first_of[k]
            else:
                for _r, n in group[1:]:
                    self.skip(n, f"exact repeat of row {group[0][1]}", problem=False)
        return [(k, row) for k, (row, _n) in first_of.items()]


def encode_group(group: Sequence[tuple[int, dict[str, Any]]]) -> str:
    """A review item's payload: the record itself, or ``{"_rows": [[row, record], ...]}``."""
    if len(group) == 1:
        return encode_row(group[0][1])
    return '{"_rows": [' + ", ".join(f"[{r}, {encode_row(rec)}]" for r, rec in group) + "]}"


def _dedupe_indexed(
    ctx: StoreContext,
    keys: Sequence[Hashable],
    index: Sequence[int],
    row_of: Callable[[int], Any],
    rows: Sequence[int],
    what: str,
) -> dict[Hashable, int]:
    """``StoreContext.dedupe`` for columnar rows."""
    first_of: dict[Hashable, int] = {}
    repeats: dict[Hashable, list[int]] = {}
    for k, i in zip(keys, index, strict=True):
        hit = first_of.setdefault(k, i)
        if hit != i:
            repeats.setdefault(k, [hit]).append(i)
    for k, group in repeats.items():
        first = row_of(group[0])
        if any(row_of(i) != first for i in group[1:]):
            nums = ", ".join(str(rows[i]) for i in group)
            ctx.problem(
                rows[group[0]],
                f"{what} {_key_text(k)} appears in rows {nums} with different "
                "values; none of them was imported",
            )
            for i in group:
                ctx.skip(
                    rows[i], f"{what} {_key_text(k)} conflicts with rows {nums}", problem=False
                )
            del first_of[k]
        else:
            for i in group[1:]:
                ctx.skip(rows[i], f"exact repeat of row {rows[group[0]]}", problem=False)
    return first_of


#: Tags that start internal keys ("sf", "person", ...): not shown to the user.
_KEY_TAGS = frozenset({"sf", "person", "name", "email", "code"})


def _key_text(key: Hashable) -> str:
    """A key as the user knows it: no internal tags or database ids."""
    if isinstance(key, tuple):
        parts = list(key)
        if parts and parts[0] in _KEY_TAGS:
            parts = parts[1:]
        shown = [str(k) for k in parts if k is not None and not isinstance(k, int | bool)]
        return " / ".join(shown)
    return str(key)
