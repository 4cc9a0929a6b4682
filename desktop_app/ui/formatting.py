"""Cell and label text shared by several screens: the one spelling in ``domain.formatting``."""

from __future__ import annotations

from desktop_app.domain.formatting import (
    DASH,
    day,
    days,
    measure_name,
    measure_value,
    money,
    money_short,
    number,
    percent,
    raw_value,
    score,
)

__all__ = [
    "DASH",
    "day",
    "days",
    "measure_name",
    "measure_value",
    "money",
    "money_short",
    "number",
    "percent",
    "raw_value",
    "score",
]
