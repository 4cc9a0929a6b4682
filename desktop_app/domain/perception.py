"""Customer perception per CSM: performance and importance by category, gap, peer mark.

Ratings are put on one 0-10 scale first. A CSM's category score is the mean of their
customers' ratings with a 95% confidence interval (Student's t); the mark says "above" or
"below" the team average only when that interval excludes it, because samples are small and
the app must not invent rankings. Fewer than ``MIN_RESPONSES`` ratings give no interval and
no mark.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    COMMUNICATION = "communication"
    CONSULTATION = "consultation"
    SERVICE = "service"
    PRODUCT = "product"
    RECOMMEND = "likelihood to recommend"


CATEGORY_LABEL: dict[Category, str] = {
    Category.COMMUNICATION: "Communication",
    Category.CONSULTATION: "Consultation",
    Category.SERVICE: "Service",
    Category.PRODUCT: "Product",
    Category.RECOMMEND: "Likelihood to recommend",
}
MIN_RESPONSES = 3
#: Words in a question that say which category it rates (first hit wins, in this order).
_KEYWORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.RECOMMEND, ("recommend",)),
    (Category.CONSULTATION, ("consult", "advice", "advis", "strateg", "understand", "insight")),
    (Category.COMMUNICATION, ("communicat", "inform", "responsive", "follow up", "follow-up")),
    (Category.SERVICE, ("service", "support", "resolv", "issue", "ticket")),
    (Category.PRODUCT, ("product", "software", "platform", "feature", "tool")),
)
_IMPORTANCE = re.compile(r"\bimportan(t|ce)\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")

# Two-sided 97.5% quantiles of Student's t for df 1..30 (beyond: the normal 1.96).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def classify_question(text: str) -> tuple[Category, str] | None:
    """``(category, "performance" | "importance")`` from a question's text, None if unknown."""
    low = text.lower()
    kind = "importance" if _IMPORTANCE.search(low) else "performance"
    for cat, words in _KEYWORDS:
        if any(w in low for w in words):
            return cat, kind
    return None


def rating_value(cell: object) -> float | None:
    """A rating from a cell: 7, "7", "5 - Excellent"; None for blank or not a number."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    m = _LEADING_NUMBER.match(str(cell))
    return float(m.group(1)) if m else None


def scale_of(values: Sequence[float]) -> tuple[float, float]:
    """The rating scale ``(low, high)`` a question uses: 1-5, 1-7 or 0-10 (by its maximum)."""
    top = max(values, default=10.0)
    if top <= 5:
        return 1.0, 5.0
    if top <= 7:
        return 1.0, 7.0
    return 0.0, 10.0


def to_ten(value: float, scale: tuple[float, float]) -> float:
    """``value`` on ``scale`` as 0-10."""
    low, high = scale
    return 10.0 * (value - low) / (high - low)


def t975(df: int) -> float:
    return _T975[df - 1] if 1 <= df <= len(_T975) else 1.96


@dataclass(frozen=True, slots=True)
class Score:
    """A mean rating with its interval (None below ``MIN_RESPONSES``) and peer mark."""

    mean: float | None
    n: int
    low: float | None
    high: float | None
    team_mean: float | None
    mark: str | None  # "above" | "average" | "below"; None without an interval

    @property
    def label(self) -> str:
        return {"above": "Above team", "below": "Below team"}.get(self.mark or "", "In line")


def mean_ci(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and 95% t interval; the interval is None below ``MIN_RESPONSES`` values."""
    n = len(values)
    if n == 0:
        return None, None, None
    mean = sum(values) / n
    if n < MIN_RESPONSES:
        return mean, None, None
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    half = t975(n - 1) * math.sqrt(var / n)
    return mean, mean - half, mean + half


def peer_mark(low: float | None, high: float | None, team_mean: float | None) -> str | None:
    """ "above"/"below" only when ``[low, high]`` excludes the team mean; else "average"."""
    if low is None or high is None or team_mean is None:
        return None
    if low > team_mean:
        return "above"
    if high < team_mean:
        return "below"
    return "average"


def score(values: Sequence[float], team_mean: float | None) -> Score:
    mean, low, high = mean_ci(values)
    return Score(mean, len(values), low, high, team_mean, peer_mark(low, high, team_mean))


def gap(importance: float | None, performance: float | None) -> float | None:
    """Importance minus performance (0-10): large when it matters and is not delivered."""
    return None if importance is None or performance is None else importance - performance
