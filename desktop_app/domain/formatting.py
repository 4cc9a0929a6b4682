"""One spelling of money, numbers, percentages, dates and measure values (no Qt).

Every screen (through ``ui.formatting``), the handoff brief and the exports use these, so
ARR reads ``$48,897`` everywhere and a utilisation of 0.7 reads ``70%`` everywhere.
"""

from __future__ import annotations

import math
from datetime import date, datetime

DASH = "—"

#: Spreadsheet number formats matching the text formats below (exports).
XLSX_MONEY = '"$"#,##0'
XLSX_MONEY_CENTS = '"$"#,##0.00'
XLSX_NUMBER = "#,##0"
XLSX_SCORE = "0"
XLSX_PERCENT = "0%"
XLSX_DATE = "yyyy-mm-dd"

#: Short, unambiguous names of the scorecard's measures (elided labels must stay distinct).
SHORT_MEASURE_NAMES: dict[str, str] = {
    "utilisation": "Seat utilisation",
    "mau_trend_3m": "MAU trend (3 mo)",
    "mau_trend_6m": "MAU trend (6 mo)",
    "open_tickets": "Open tickets",
    "open_escalations": "Open escalations",
    "old_tickets": "Tickets > 30 days",
    "waiting_on_us": "Waiting on us",
    "auto_closing": "Auto-closing tickets",
    "nps_latest": "Latest NPS",
    "past_due": "Past due",
    "days_past_due": "Days past due",
    "poc_days_since_reply": "Days since POC reply",
    "engaged_contacts": "Engaged contacts",
    "days_to_renewal": "Days to renewal",
    "mau_latest": "MAU, latest month",
    "mrr": "MRR",
    "tenure_months": "Tenure (months)",
    "days_to_term_end": "Days to term end",
}

_PERCENT_MEASURES = frozenset({"utilisation"})
_SIGNED_PERCENT_MEASURES = frozenset({"mau_trend_3m", "mau_trend_6m"})
_DAY_MEASURES = frozenset(
    {"days_past_due", "poc_days_since_reply", "days_to_renewal", "days_to_term_end"}
)
_MONEY_MEASURES = frozenset({"mrr"})
_YES_NO_MEASURES = frozenset({"past_due"})


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def money(v: float | None) -> str:
    """Whole dollars with thousands separators (``$14,084``); an em dash when unknown."""
    if _missing(v):
        return DASH
    assert v is not None
    whole = round(v)
    return f"-${-whole:,}" if whole < 0 else f"${whole:,}"


def money_short(v: float | None) -> str:
    """Money for axes and tight labels: ``$950``, ``$48.9k``, ``$1.93M``."""
    if _missing(v):
        return DASH
    assert v is not None
    a = abs(v)
    sign = "-" if v < 0 else ""
    steps = ((1e9, 1e9, 2, "B"), (1e6, 1e6, 2, "M"), (1e4, 1e3, 0, "k"), (1e3, 1e3, 1, "k"))
    for floor, div, decimals, suffix in steps:
        if a >= floor:
            text = f"{a / div:,.{decimals}f}"
            if decimals:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}${text}{suffix}"
    return f"{sign}${a:,.0f}"


def number(v: float | None, decimals: int = 0) -> str:
    """A count or amount with thousands separators; an em dash when unknown."""
    if _missing(v):
        return DASH
    return f"{v:,.{decimals}f}"


def percent(fraction: float | None, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a percentage (0.7 -> ``70%``; signed: ``+5%``, ``−12%``)."""
    if _missing(fraction):
        return DASH
    assert fraction is not None
    text = f"{abs(fraction) * 100:,.{decimals}f}%"
    if not text.strip("0.%"):  # rounds to zero: no sign
        return text
    if fraction < 0:
        return ("−" if signed else "-") + text
    return ("+" if signed else "") + text


def score(v: float | None) -> str:
    """A 0-100 health score rounded to a whole number."""
    return DASH if _missing(v) else f"{v:.0f}"


def day(v: date | datetime | None) -> str:
    """ISO date (a datetime loses its time); an em dash when unknown."""
    if v is None:
        return DASH
    return (v.date() if isinstance(v, datetime) else v).isoformat()


def days(v: float | None) -> str:
    """A number of days (``1 day``, ``42 days``)."""
    if _missing(v):
        return DASH
    assert v is not None
    n = round(v)
    return f"{n:,} day" if abs(n) == 1 else f"{n:,} days"


def raw_value(v: float | None) -> str:
    """A raw input with no known unit: whole numbers plain, small fractions two decimals."""
    if _missing(v):
        return "missing"
    assert v is not None
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:.2f}"


def measure_value(measure_id: str, v: float | None) -> str:
    """A scorecard measure's raw value in its unit (``58%``, ``+5%``, ``42 days``, ``yes``)."""
    if _missing(v):
        return "missing"
    if measure_id in _PERCENT_MEASURES:
        return percent(v)
    if measure_id in _SIGNED_PERCENT_MEASURES:
        return percent(v, signed=True)
    if measure_id in _DAY_MEASURES:
        return days(v)
    if measure_id in _MONEY_MEASURES:
        return money(v)
    if measure_id in _YES_NO_MEASURES:
        return "yes" if v else "no"
    return raw_value(v)


def measure_name(measure_id: str, label: str) -> str:
    """The short name of a measure (its label when the scorecard defines a new one)."""
    return SHORT_MEASURE_NAMES.get(measure_id, label)
