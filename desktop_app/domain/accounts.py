"""Account-level vocabulary shared by every layer: lifecycle, churn types, health bands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Lifecycle(StrEnum):
    ACTIVE = "active"
    CHURNED = "churned"


class ChurnType(StrEnum):
    """Why an account left. Organic: the customer's own population shrank (not our doing)."""

    ORGANIC = "organic"
    VOLUNTARY = "voluntary"
    INVOLUNTARY = "involuntary"


class HealthBand(StrEnum):
    """The SOP's account-health categories, spelled exactly as the SOP spells them."""

    HEALTHY = "Healthy/Stable"
    UNDEFINED = "Undefined"
    RISKY = "Risky/Unstable"
    ESCALATION = "Escalation"


#: Display order (best first) and stable integer codes for numpy columns.
BAND_ORDER: tuple[HealthBand, ...] = (
    HealthBand.HEALTHY,
    HealthBand.UNDEFINED,
    HealthBand.RISKY,
    HealthBand.ESCALATION,
)
BAND_CODE: dict[HealthBand, int] = {band: i for i, band in enumerate(BAND_ORDER)}
NO_BAND = -1

#: Okabe-Ito colour-blind-safe palette, one colour per band (hex RGB).
BAND_COLOURS: dict[HealthBand, str] = {
    HealthBand.HEALTHY: "#009E73",
    HealthBand.UNDEFINED: "#E69F00",
    HealthBand.RISKY: "#D55E00",
    HealthBand.ESCALATION: "#CC79A7",
}

CHURN_REASONS: dict[ChurnType, tuple[str, ...]] = {
    ChurnType.ORGANIC: (
        "Population decline",
        "Acquisition / merger",
        "Budget cut outside our control",
        "Business closed",
    ),
    ChurnType.VOLUNTARY: (
        "Dissatisfaction",
        "Competitor",
        "Product gap",
        "Pricing",
        "Support issues",
    ),
    ChurnType.INVOLUNTARY: ("Payment failure", "Past due"),
}


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One account as the CLI and detail views see it (plain values, no ORM)."""

    id: int
    sf_account_id: str | None
    name: str
    owner: str | None
    team_lead: str | None
    lms_id: str | None
    recurly_id: str | None
    segment: str | None
    industry: str | None
    seats: int | None
    mrr: float | None
    arr: float | None
    renewal_date: date | None
    lifecycle: str
    churn_type: str | None
    churn_reason: str | None
    mau: int | None
    open_tickets: int | None  # None: no ticket export in the book
    health_score: float | None
    health_band: str | None
    health_override: str | None
    health_measures: dict[str, float] | None = None  # measure id -> contribution
    health_band_reason: str | None = None  # why the computed band, with its evidence
