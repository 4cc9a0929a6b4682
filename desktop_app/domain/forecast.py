"""Renewal plan and forecast rules: quarters, forecast calls, the suggested call, roll-ups.

Pure functions over plain values. The call weights are the team's convention for a
"likely-weighted" forecast (a committed renewal counts in full, a likely one mostly, one at
risk a little), stated here once so every screen and the pack agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Call(StrEnum):
    """A forecast call on one renewal, set by the CSM."""

    COMMIT = "commit"
    LIKELY = "likely"
    AT_RISK = "at_risk"
    LOST = "lost"


CALL_LABEL: dict[Call, str] = {
    Call.COMMIT: "Commit",
    Call.LIKELY: "Likely",
    Call.AT_RISK: "At risk",
    Call.LOST: "Lost",
}
#: Share of a renewal's ARR the likely-weighted forecast counts, by call.
CALL_WEIGHT: dict[Call, float] = {
    Call.COMMIT: 1.0,
    Call.LIKELY: 0.75,
    Call.AT_RISK: 0.25,
    Call.LOST: 0.0,
}
#: The suggestion says "at risk" from this churn rate of the band up, "likely" from the lower.
AT_RISK_RATE = 0.20
LIKELY_RATE = 0.05


def parse_call(text: str) -> Call:
    """A call from "commit", "Likely", "at risk", "at-risk"...; raises ``ValueError``."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    try:
        return Call(key)
    except ValueError:
        names = ", ".join(c.value.replace("_", " ") for c in Call)
        raise ValueError(f"not a forecast call: {text!r} (use {names})") from None


# --------------------------------------------------------------------------- quarters

_Q_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*q(?P<q>[1-4])$"),
    re.compile(r"^q(?P<q>[1-4])\s*[-/ ]?\s*(?P<y>\d{4})$"),
    re.compile(r"^fy(?P<yy>\d{2})\s*[-/ ]?\s*q(?P<q>[1-4])$"),
)


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A calendar quarter, written "2026Q4"."""

    year: int
    q: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        nxt = Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)
        return nxt.start - timedelta(days=1)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    @classmethod
    def of(cls, d: date) -> Quarter:
        return cls(d.year, (d.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """From "2026Q4", "2026-Q4", "Q4 2026" or "FY26 Q4"; raises ``ValueError``."""
        key = str(text).strip().lower()
        for pat in _Q_PATTERNS:
            m = pat.match(key)
            if m:
                year = int(m.group("y")) if "y" in m.groupdict() else 2000 + int(m.group("yy"))
                return cls(year, int(m.group("q")))
        raise ValueError(f"not a quarter: {text!r} (use e.g. 2026Q4)")


# --------------------------------------------------------------------------- suggestion


@dataclass(frozen=True, slots=True)
class Suggestion:
    call: Call
    why: str


def suggest_call(
    band: str | None,
    churn_rate: float | None,
    observations: int = 0,
    *,
    churned: bool = False,
) -> Suggestion:
    """The app's call for a renewal, from the band in force and that band's churn rate.

    ``churn_rate`` is the share of accounts in that band that churned within six months in
    the book's own history (``observations`` account-months behind it); None when unknown.
    """
    if churned:
        return Suggestion(Call.LOST, "the account has churned")
    if band is None:
        return Suggestion(Call.LIKELY, "no health band yet")
    if churn_rate is None:
        at_risk = band in ("Risky/Unstable", "Escalation")
        call = Call.AT_RISK if at_risk else Call.LIKELY
        return Suggestion(call, f"band {band}; no churn history to weigh it")
    pct = f"{100 * churn_rate:.0f}%"
    why = f"band {band}: {pct} of such accounts churned within 6 months (n={observations})"
    if churn_rate >= AT_RISK_RATE:
        return Suggestion(Call.AT_RISK, why)
    if churn_rate >= LIKELY_RATE:
        return Suggestion(Call.LIKELY, why)
    return Suggestion(Call.COMMIT, why)


# --------------------------------------------------------------------------- roll-ups


@dataclass(frozen=True, slots=True)
class RenewalLine:
    """One renewal of a quarter: already won or lost, or still open with a call."""

    arr: float
    outcome: str  # won | lost | open
    call: Call | None  # the CSM's call (open renewals), None when not set
    suggested: Call | None = None


@dataclass(frozen=True, slots=True)
class Rollup:
    """A quarter's renewals of one CSM (or a TL's, or the team's) against the plan."""

    renewals: int
    arr_due: float  # all renewal ARR of the quarter (won + lost + open)
    retained: float  # won so far
    lost: float  # lost so far, plus open renewals called lost
    committed: float  # won + open called commit
    likely: float  # open ARR called likely
    at_risk: float  # open ARR called at risk
    uncalled: float  # open ARR with no call (weighted by the suggestion)
    weighted: float  # the likely-weighted projection of retained ARR
    target: float | None  # in dollars; None without a plan
    #: Won and projected ARR of the renewals that have a target (what "% to plan" divides):
    #: in a team where some CSMs have no target, their renewals do not count toward it.
    planned_retained: float = 0.0
    planned_weighted: float = 0.0

    @property
    def pct_to_plan(self) -> float | None:
        """Retained so far / target."""
        return None if not self.target else self.planned_retained / self.target

    @property
    def projected_pct(self) -> float | None:
        """Likely-weighted projection / target."""
        return None if not self.target else self.planned_weighted / self.target


def target_dollars(kind: str, target: float, arr_due: float) -> float:
    """A target in dollars: ARR as given, or a gross-retention share of the ARR due."""
    return target if kind == "arr" else target * arr_due


def rollup(lines: Iterable[RenewalLine], target: float | None) -> Rollup:
    """Sum renewals into the plan figures (see ``Rollup``); ``target`` already in dollars."""
    n = 0
    due = won = lost = commit = likely = risky = uncalled = weighted = 0.0
    for ln in lines:
        n += 1
        due += ln.arr
        if ln.outcome == "won":
            won += ln.arr
            weighted += ln.arr
            continue
        if ln.outcome == "lost":
            lost += ln.arr
            continue
        call = ln.call
        if call is None:
            uncalled += ln.arr
            call = ln.suggested or Call.LIKELY
        elif call is Call.COMMIT:
            commit += ln.arr
        elif call is Call.LIKELY:
            likely += ln.arr
        elif call is Call.AT_RISK:
            risky += ln.arr
        else:
            lost += ln.arr
        weighted += CALL_WEIGHT[call] * ln.arr
    planned = target is not None
    return Rollup(
        n,
        due,
        won,
        lost,
        won + commit,
        likely,
        risky,
        uncalled,
        weighted,
        target,
        won if planned else 0.0,
        weighted if planned else 0.0,
    )


def add_rollups(parts: Iterable[Rollup]) -> Rollup:
    """The sum of several roll-ups (a TL's or the team's); targets add where set."""
    items = list(parts)
    targets = [p.target for p in items if p.target is not None]
    return Rollup(
        renewals=sum(p.renewals for p in items),
        arr_due=sum(p.arr_due for p in items),
        retained=sum(p.retained for p in items),
        lost=sum(p.lost for p in items),
        committed=sum(p.committed for p in items),
        likely=sum(p.likely for p in items),
        at_risk=sum(p.at_risk for p in items),
        uncalled=sum(p.uncalled for p in items),
        weighted=sum(p.weighted for p in items),
        target=sum(targets) if targets else None,
        planned_retained=sum(p.planned_retained for p in items),
        planned_weighted=sum(p.planned_weighted for p in items),
    )
