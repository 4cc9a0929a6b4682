"""Cell and label text shared by several screens (one spelling of each format)."""

from __future__ import annotations

from datetime import date, datetime


def money(v: float | None) -> str:
    """Whole dollars with thousands separators; an em dash when unknown."""
    return "—" if v is None else f"${v:,.0f}"


def day(v: date | datetime | None) -> str:
    """ISO date (a datetime loses its time); an em dash when unknown."""
    if v is None:
        return "—"
    return (v.date() if isinstance(v, datetime) else v).isoformat()


def raw_value(v: float | None) -> str:
    """A measure's raw input: whole numbers plain, small fractions with two decimals."""
    if v is None:
        return "missing"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:.2f}"
