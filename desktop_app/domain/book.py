"""The book as column arrays: every account, one numpy array per column, all one length.

What the account table, the scatter, the CLI list and the exports read. Derived columns (the
band in force, days to renewal, …) are computed once per book and cached, so a per-row loop
may read ``book.band[i]`` (``tests/services/test_scaling.py`` counts the work).
``store.book_reader`` builds it; ``services.book.filter`` filters and sorts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from desktop_app.domain.accounts import BAND_CODE, NO_BAND
from desktop_app.domain.arrays import BoolArray, DateArray, FloatArray, IntArray, ObjArray
from desktop_app.domain.sources import ALL_SOURCES


@dataclass(frozen=True, eq=False)
class BookColumns:
    """Every account of the book, one numpy array per column, all the same length."""

    account_id: IntArray
    sf_account_id: ObjArray
    name: ObjArray
    owner: ObjArray
    team_lead: ObjArray
    segment: ObjArray
    industry: ObjArray
    lms_id: ObjArray
    recurly_id: ObjArray
    mrr: FloatArray
    arr: FloatArray
    renewal_date: DateArray
    lifecycle: ObjArray
    churn_type: ObjArray
    mau: FloatArray
    seats: FloatArray
    open_tickets: IntArray
    health_score: FloatArray
    computed_band: ObjArray
    override_band: ObjArray
    #: Why the computed band (the rule and its evidence); None where not scored.
    band_reason: ObjArray = field(default_factory=lambda: np.empty(0, dtype=object))
    #: The day the book describes (days to renewal count from it); the caller's clock.
    as_of: date = field(kw_only=True)
    #: Sources the book has (``services.health.sources``); facts of the others are unknown.
    sources: frozenset[str] = ALL_SOURCES
    #: Derived arrays computed once per book (sort keys), never compared or printed.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.band_reason.shape[0] != self.account_id.shape[0]:  # built without reasons
            object.__setattr__(self, "band_reason", np.full(len(self), None, dtype=object))

    def __len__(self) -> int:
        return int(self.account_id.shape[0])

    def _derived(self, key: str, sources: tuple[Any, ...], make: Any) -> Any:
        """``make()``, computed once per book and reused while ``sources`` are the same arrays.

        A per-row loop may read ``book.band[i]``: recomputing a whole-book array on every
        access made such loops quadratic (``accounts --json`` at 40k never finished).
        """
        hit = self.cache.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
            return hit[1]
        value = make()
        value.flags.writeable = False  # shared by every reader: nobody may edit it in place
        self.cache[key] = (sources, value)
        return value

    @property
    def band(self) -> ObjArray:
        """The band in force: the override where there is one, else the computed band."""
        out: ObjArray = self._derived(
            "derived:band",
            (self.override_band, self.computed_band),
            lambda: np.where(self.override_band != None, self.override_band, self.computed_band),  # noqa: E711
        )
        return out

    @property
    def band_code(self) -> npt.NDArray[np.int8]:
        def make() -> npt.NDArray[np.int8]:
            codes = np.full(len(self), NO_BAND, dtype=np.int8)
            band = self.band
            for b, code in BAND_CODE.items():
                codes[band == b.value] = code
            return codes

        out: npt.NDArray[np.int8] = self._derived(
            "derived:band_code", (self.override_band, self.computed_band), make
        )
        return out

    @property
    def churned(self) -> BoolArray:
        out: BoolArray = self._derived(
            "derived:churned", (self.lifecycle,), lambda: self.lifecycle == "churned"
        )
        return out

    @property
    def utilisation(self) -> FloatArray:
        def make() -> FloatArray:
            with np.errstate(divide="ignore", invalid="ignore"):
                out: FloatArray = np.where(self.seats > 0, self.mau / self.seats, np.nan)
            return out

        out: FloatArray = self._derived("derived:utilisation", (self.mau, self.seats), make)
        return out

    @property
    def days_to_renewal(self) -> FloatArray:
        def make() -> FloatArray:
            today = np.datetime64(self.as_of, "D")
            days = (self.renewal_date - today).astype("timedelta64[D]").astype(np.float64)
            days[np.isnat(self.renewal_date)] = np.nan
            return days

        out: FloatArray = self._derived("derived:days", (self.renewal_date,), make)
        return out

    #: The derived columns the table and the chart read (each a cached property above).
    DERIVED = ("band", "band_code", "churned", "utilisation", "days_to_renewal")

    def derive_all(self) -> BookColumns:
        """Compute every ``DERIVED`` column now (on the worker that read the book), so that
        the GUI thread's first reads are cache lookups; returns the book itself."""
        for name in self.DERIVED:
            getattr(self, name)
        return self

    def index_of(self, account_id: int) -> int | None:
        """Row of ``account_id`` (None if absent): a binary search, since ids are sorted."""
        ids = self.account_id
        order: IntArray = self._derived(
            "derived:id_order", (ids,), lambda: np.argsort(ids, kind="stable")
        )
        ranked: IntArray = self._derived("derived:id_sorted", (ids, order), lambda: ids[order])
        k = int(np.searchsorted(ranked, account_id))
        if k < ranked.size and ranked[k] == account_id:
            return int(order[k])
        return None

    @classmethod
    def empty(cls, as_of: date) -> BookColumns:
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("as_of", "cache", "sources"):
                continue
            kwargs[f.name] = _empty_for(f.name)
        return cls(as_of=as_of, **kwargs)


_FLOAT_COLS = {"mrr", "arr", "mau", "seats", "health_score"}
_INT_COLS = {"account_id", "open_tickets"}


def _empty_for(name: str) -> npt.NDArray[Any]:
    if name in _FLOAT_COLS:
        return np.empty(0, dtype=np.float64)
    if name in _INT_COLS:
        return np.empty(0, dtype=np.int64)
    if name == "renewal_date":
        return np.empty(0, dtype="datetime64[D]")
    return np.empty(0, dtype=object)
