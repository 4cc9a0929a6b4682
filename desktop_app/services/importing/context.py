"""State shared by the per-kind storers of one import: counts, review list, problems."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.io.dedupe import dedupe
from desktop_app.io.model import ImportTable
from desktop_app.services.importing.link import AccountIndex, Linker, LinkMatch
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
        self, table: ImportTable, resolve: Callable[[dict[str, Any]], LinkMatch]
    ) -> list[tuple[dict[str, Any], int, int]]:
        """(row dict, row number, account id) of the exactly linked rows; the rest to review.

        The fact kinds are stored as row dicts (each becomes one parameter set of the
        upsert), so this is where a table's rows are built, once."""
        out = []
        for rec, row in zip(table, table.rows, strict=True):
            m = resolve(rec)
            if m.outcome == "exact" and m.account_id is not None:
                out.append((rec, row, m.account_id))
            else:
                self.review(m, row, rec)
        return out

    def dedupe(
        self,
        keys: Sequence[Hashable],
        same: Callable[[int, int], bool],
        rows: Sequence[int],
        what: str,
        positions: Sequence[int] = (),
    ) -> dict[Hashable, int]:
        """The one duplicate rule (``io.dedupe``) on the keys rows are stored under: exact
        repeats are skipped and listed, rows that disagree are none of them imported (one
        problem names them). ``rows[i]`` is the source row number of position ``i``.
        Returns {key: position} of the rows to store."""
        found = dedupe(keys, same, positions)
        for i, first in found.repeats:
            self._skip_repeat(rows[i], rows[first])
        for k, group in found.conflicts:
            nums = ", ".join(str(rows[i]) for i in group)
            self.problem(
                rows[group[0]],
                f"{what} {_key_text(k)} appears in rows {nums} with different "
                "values; none of them was imported",
            )
            for i in group:
                self.skip(rows[i], f"{what} {_key_text(k)} conflicts with rows {nums}",
                          problem=False)  # fmt: skip
        return found.keep

    def _skip_repeat(self, row: int, first: int) -> None:
        """An exact repeat is skipped and listed once per source row (a wide usage row
        melts into one stored row per month, each of which repeats)."""
        last = self.skipped_rows[-1][0] if self.skipped_rows else None
        if row not in (first, last):
            self.skip(row, f"exact repeat of row {first}", problem=False)


def encode_group(group: Sequence[tuple[int, dict[str, Any]]]) -> str:
    """A review item's payload: the record itself, or ``{"_rows": [[row, record], ...]}``."""
    if len(group) == 1:
        return encode_row(group[0][1])
    return '{"_rows": [' + ", ".join(f"[{r}, {encode_row(rec)}]" for r, rec in group) + "]}"


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
