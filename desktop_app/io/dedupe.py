"""The one rule for rows that share a key, applied once per file where the key is known.

Rows of one import that share a key (an account's Salesforce id, or the account it links
to; a ticket's source and key; an account and month of usage...):

* an *exact repeat* of an earlier row (same values) is skipped and listed as
  "exact repeat of row N";
* rows that *disagree* are none of them imported: one problem names all their rows, and
  each is listed as skipped. Which export is right is for the user to say, not for the
  order of the rows.

The rule is applied by the import's storers (``services/importing_*``) on the key each row
is stored under, after linking, so rows whose different source ids link to one account
are caught as well as rows with the same id. The preview does not drop duplicates; the
import (and its dry run) reports them. A key of ``None`` never repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field


@dataclass
class Duplicates:
    """Positions to store, exact repeats and conflicting groups of one set of keys."""

    #: key -> position of the row to store (first of its key; conflicting keys left out)
    keep: dict[Hashable, int] = field(default_factory=dict)
    #: (position, position of the first row with that key) of each exact repeat
    repeats: list[tuple[int, int]] = field(default_factory=list)
    #: (key, positions of every row with that key) of each key whose rows disagree
    conflicts: list[tuple[Hashable, list[int]]] = field(default_factory=list)


def dedupe(
    keys: Sequence[Hashable], same: Callable[[int, int], bool], positions: Sequence[int] = ()
) -> Duplicates:
    """Apply the rule to ``keys`` (``keys[k]`` is the key of the row at ``positions[k]``,
    or of row ``k`` when no positions are given); ``same(i, j)`` says whether the rows at
    positions i and j hold the same values. One dict lookup per row; lists only for the
    (rare) repeated keys."""
    pos = positions or range(len(keys))
    distinct = set(keys)
    if len(distinct) == len(keys) and None not in distinct:  # no repeat: one C-speed pass
        return Duplicates(keep=dict(zip(keys, pos, strict=True)))
    del distinct
    out = Duplicates()
    groups: dict[Hashable, list[int]] = {}
    none_key = 0
    for k, i in zip(keys, pos, strict=True):
        if k is None:  # never a repeat
            out.keep[("__none__", none_key)] = i
            none_key += 1
            continue
        hit = out.keep.setdefault(k, i)
        if hit != i:
            groups.setdefault(k, [hit]).append(i)
    for k, group in groups.items():
        first = group[0]
        if all(same(first, i) for i in group[1:]):
            out.repeats += [(i, first) for i in group[1:]]
        else:
            del out.keep[k]
            out.conflicts.append((k, group))
    return out
