"""The scorecard definition: measures, groups, weights, thresholds and band rules.

Each measure maps a raw value linearly to 0-100 points (Natero-style): 0 points at or below
``low``, 100 at or above ``high``, a straight line between. ``invert`` is for lower-is-better
measures: 100 points at or below ``low``, 0 at or above ``high``. ``scale="log"`` draws the
same straight line on ``log10(1 + value)`` (thresholds stay in the measure's own units), for
measures such as MAU or MRR whose meaning is relative: 5 -> 50 users matters as much as
50 -> 500. Group weights sum to 100;
measure weights are relative inside their group. The definition round-trips through a plain
dict (the JSON stored in ``scorecard_versions`` and shipped in ``resources/``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

#: Every raw signal the scoring knows how to compute (see ``domain.health_inputs``).
KNOWN_MEASURES: tuple[str, ...] = (
    "utilisation",
    "mau_trend_3m",
    "mau_trend_6m",
    "open_tickets",
    "open_escalations",
    "old_tickets",
    "waiting_on_us",
    "auto_closing",
    "nps_latest",
    "past_due",
    "days_past_due",
    "poc_days_since_reply",
    "engaged_contacts",
    "days_to_renewal",
    "mau_latest",
    "mrr",
    "tenure_months",
    "days_to_term_end",
)

SCALES = ("linear", "log")


class ScorecardError(ValueError):
    """A scorecard definition that cannot be used; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    label: str
    group: str
    weight: float
    low: float
    high: float
    invert: bool = False
    scale: str = "linear"  # "linear" | "log" (see the module docstring)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class BandRules:
    """Thresholds of the SOP band rules (documented in ``domain.health``)."""

    healthy_min_score: float = 70.0
    unresponsive_days: float = 90.0
    past_due_min_days: float = 1.0
    unavailable_poc_statuses: tuple[str, ...] = ("terminated", "on leave", "unknown")


@dataclass(frozen=True, slots=True)
class ScoreParams:
    old_ticket_days: float = 30.0
    auto_close_days: float = 5.0
    engaged_window_days: float = 90.0
    nps_max_age_days: float = 540.0


@dataclass(frozen=True, slots=True)
class Scorecard:
    name: str
    groups: tuple[Group, ...]
    measures: tuple[Measure, ...]
    params: ScoreParams = field(default_factory=ScoreParams)
    bands: BandRules = field(default_factory=BandRules)

    @property
    def measure_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.measures)

    def group_weight_total(self) -> float:
        return float(sum(g.weight for g in self.groups))

    def with_group_weight(self, group_id: str, weight: float) -> Scorecard:
        groups = tuple(replace(g, weight=weight) if g.id == group_id else g for g in self.groups)
        return replace(self, groups=groups)

    def with_measure(self, measure_id: str, **changes: Any) -> Scorecard:
        measures = tuple(replace(m, **changes) if m.id == measure_id else m for m in self.measures)
        return replace(self, measures=measures)


def validate_scorecard(card: Scorecard) -> list[str]:
    """Problems that stop ``card`` from being saved (empty list when it is valid)."""
    problems = []
    total = card.group_weight_total()
    if abs(total - 100.0) > 1e-6:
        problems.append(f"Group weights must sum to 100 (they sum to {total:g}).")
    group_ids = {g.id for g in card.groups}
    for g in card.groups:
        if g.weight < 0:
            problems.append(f"Group {g.label!r} has a negative weight.")
    for m in card.measures:
        if m.group not in group_ids:
            problems.append(f"Measure {m.label!r} belongs to unknown group {m.group!r}.")
        if m.id not in KNOWN_MEASURES:
            problems.append(f"Unknown measure {m.id!r}.")
        if m.weight < 0:
            problems.append(f"Measure {m.label!r} has a negative weight.")
        if not m.high > m.low:
            problems.append(f"Measure {m.label!r}: 'high' must be greater than 'low'.")
        if m.scale not in SCALES:
            problems.append(f"Measure {m.label!r}: scale must be 'linear' or 'log'.")
        elif m.scale == "log" and m.low < 0:
            problems.append(f"Measure {m.label!r}: a log-scale measure needs 'low' >= 0.")
    b = card.bands
    if not 0 <= b.healthy_min_score <= 100:
        problems.append("The healthy minimum score must be between 0 and 100.")
    if b.unresponsive_days <= 0:
        problems.append("Unresponsive days must be more than 0.")
    if b.past_due_min_days <= 0:
        problems.append("Past-due days must be more than 0.")
    for g in card.groups:
        if g.weight > 0 and not any(m.group == g.id and m.weight > 0 for m in card.measures):
            problems.append(f"Group {g.label!r} has weight but no weighted measure.")
    return problems


def scorecard_from_dict(data: dict[str, Any]) -> Scorecard:
    """Build a scorecard from its JSON form; raises ``ScorecardError`` on a malformed one."""
    try:
        groups = tuple(
            Group(str(g["id"]), str(g.get("label", g["id"])), float(g["weight"]))
            for g in data["groups"]
        )
        measures = tuple(
            Measure(
                id=str(m["id"]),
                label=str(m.get("label", m["id"])),
                group=str(m["group"]),
                weight=float(m.get("weight", 1.0)),
                low=float(m["low"]),
                high=float(m["high"]),
                invert=bool(m.get("invert", False)),
                scale=str(m.get("scale", "linear")),
            )
            for m in data["measures"]
        )
        p = data.get("params", {})
        params = ScoreParams(**{k: float(v) for k, v in p.items() if k in _PARAM_KEYS})
        b = data.get("bands", {})
        bands = BandRules(
            healthy_min_score=float(b.get("healthy_min_score", 70.0)),
            unresponsive_days=float(b.get("unresponsive_days", 90.0)),
            past_due_min_days=float(b.get("past_due_min_days", 1.0)),
            unavailable_poc_statuses=tuple(
                str(s).lower()
                for s in b.get("unavailable_poc_statuses", BandRules().unavailable_poc_statuses)
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ScorecardError(f"malformed scorecard definition: {exc}") from exc
    return Scorecard(str(data.get("name", "Scorecard")), groups, measures, params, bands)


_PARAM_KEYS = frozenset(ScoreParams.__slots__)


def scorecard_to_dict(card: Scorecard) -> dict[str, Any]:
    """The JSON form of ``card`` (inverse of ``scorecard_from_dict``)."""
    return {
        "name": card.name,
        "groups": [{"id": g.id, "label": g.label, "weight": g.weight} for g in card.groups],
        "measures": [
            {
                "id": m.id,
                "label": m.label,
                "group": m.group,
                "weight": m.weight,
                "low": m.low,
                "high": m.high,
                "invert": m.invert,
                "scale": m.scale,
            }
            for m in card.measures
        ],
        "params": {k: getattr(card.params, k) for k in ScoreParams.__slots__},
        "bands": {
            "healthy_min_score": card.bands.healthy_min_score,
            "unresponsive_days": card.bands.unresponsive_days,
            "past_due_min_days": card.bands.past_due_min_days,
            "unavailable_poc_statuses": list(card.bands.unavailable_poc_statuses),
        },
    }
