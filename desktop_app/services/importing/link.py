"""Linking imported rows to accounts of the book: ids first, then names.

Exact matches (ids, or names equal after trimming, collapsing spaces and ignoring case)
link automatically. A name that only matches after dropping punctuation and company
suffixes ("Inc.", "LLC"), or is very close (difflib ratio >= 0.9), is a *fuzzy* match: it
goes to the review list instead of being accepted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, select

from desktop_app.store.bulk import table_of
from desktop_app.store.schema import Account, Contact, Subscription

FUZZY_RATIO = 0.9
#: difflib over every name is quadratic; above this many comparisons only the
#: punctuation/suffix-insensitive key is used for fuzzy candidates.
MAX_FUZZY_WORK = 3_000_000

_SUFFIXES = {
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
    "plc", "llp", "lp", "pc", "pllc", "the", "gmbh", "sa", "ag",
}  # fmt: skip
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def norm_name(name: str | None) -> str:
    """The exact-match form of a name: trimmed, single spaces, case-folded."""
    if not name:
        return ""
    return _SPACE.sub(" ", str(name)).strip().casefold()


def loose_name(name: str | None) -> str:
    """The fuzzy form: no punctuation, no company suffixes, no leading "the"."""
    words = _PUNCT.sub(" ", norm_name(name).replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _SUFFIXES)


def norm_code(code: str | None) -> str:
    """Ids and billing codes compare trimmed and case-insensitively."""
    return str(code).strip().casefold() if code else ""


Outcome = Literal["exact", "fuzzy", "none"]


@dataclass
class LinkMatch:
    outcome: Outcome
    account_id: int | None = None
    key: str = ""


@dataclass
class AccountIndex:
    """Every account's ids and names, for linking rows of any kind."""

    by_sf: dict[str, int] = field(default_factory=dict)
    by_lms: dict[str, int] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    by_loose: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    with_sf: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, conn: Connection, *, contacts: bool = False, codes: bool = False) -> AccountIndex:
        """Build the index from the database (contacts' e-mails and billing codes on demand)."""
        idx = cls()
        # The Core tables, not the ORM attributes: a select of ORM attributes configures
        # every mapper first (~0.08 s of an import, for nothing an import uses).
        acc, sub, con = table_of(Account), table_of(Subscription), table_of(Contact)
        rows = conn.execute(
            select(acc.c.id, acc.c.sf_account_id, acc.c.lms_id, acc.c.recurly_code,
                   acc.c.name).order_by(acc.c.id)
        )  # fmt: skip
        for aid, sf, lms, code, name in rows:
            idx.add(aid, sf, lms, code, name)
        if codes:
            subs = select(sub.c.billing_account_code, sub.c.account_id).where(
                sub.c.account_id.is_not(None)
            )
            for code, sub_aid in conn.execute(subs):
                if sub_aid is not None:
                    idx.by_code.setdefault(norm_code(code), sub_aid)
        if contacts:
            for email, contact_aid in conn.execute(select(con.c.email, con.c.account_id)):
                if email:
                    idx.by_email.setdefault(norm_code(email), contact_aid)
        return idx

    def add(
        self, aid: int, sf: str | None, lms: str | None, code: str | None, name: str | None
    ) -> None:
        """Add (or refresh) one account."""
        if sf:
            self.by_sf[sf] = aid
            self.with_sf.add(aid)
        if lms:
            self.by_lms[norm_code(lms)] = aid
        if code:
            self.by_code[norm_code(code)] = aid
        if name:
            self.by_name.setdefault(norm_name(name), aid)
            self.by_loose.setdefault(loose_name(name), aid)
            self.names[aid] = name

    def is_empty(self) -> bool:
        """True when the book has no account (nothing can link)."""
        return not (self.by_sf or self.by_lms or self.by_code or self.by_name or self.by_loose
                    or self.by_email)  # fmt: skip

    def by_id(self, table: dict[str, int], value: str | None) -> int | None:
        """Exact lookup in one of the id tables (``by_sf`` keys are exact 18-char ids)."""
        if not value:
            return None
        return table.get(value if table is self.by_sf else norm_code(value))

    def by_account_name(self, name: str | None, *, fuzzy_budget: int = 0) -> LinkMatch:
        """Match a name: exact, fuzzy (for review) or none."""
        exact = norm_name(name)
        if not exact:
            return LinkMatch("none")
        hit = self.by_name.get(exact)
        if hit is not None:
            return LinkMatch("exact", hit, str(name))
        loose = loose_name(name)
        hit = self.by_loose.get(loose) if loose else None
        if hit is None and self.by_name and fuzzy_budget >= len(self.by_name):
            close = difflib.get_close_matches(exact, self.by_name.keys(), n=1, cutoff=FUZZY_RATIO)
            hit = self.by_name[close[0]] if close else None
        if hit is not None:
            return LinkMatch("fuzzy", hit, str(name))
        return LinkMatch("none", None, str(name))


@dataclass
class Linker:
    """Resolves rows to accounts in the order a kind allows; spends a fuzzy budget."""

    index: AccountIndex
    budget: int = MAX_FUZZY_WORK
    #: Name -> match, so a name repeated on many rows (a wide usage file melted to one row
    #: per month) is matched once.
    _names: dict[str, LinkMatch] = field(default_factory=dict, repr=False)

    def link(
        self,
        *,
        ids: Iterable[tuple[dict[str, int], str | None]] = (),
        name: str | None = None,
    ) -> LinkMatch:
        """Try each (table, value) id lookup, then the name."""
        key = ""
        for table, value in ids:
            if value:
                key = key or str(value)
                hit = self.index.by_id(table, value)
                if hit is not None:
                    return LinkMatch("exact", hit, str(value))
        if name:
            m = self._names.get(name) or self._by_name(name)
            if m.outcome != "none":
                return m
            key = key or str(name)
        return LinkMatch("none", None, key)

    def _by_name(self, name: str) -> LinkMatch:
        m = self.index.by_account_name(name, fuzzy_budget=self.budget)
        if m.outcome == "none" and self.budget >= len(self.index.by_name):
            self.budget -= len(self.index.by_name)
        self._names[name] = m
        return m
