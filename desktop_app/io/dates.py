"""Date and timestamp parsing for imported columns.

Accepts calamine's date/datetime cells, Excel serial numbers, Unix epochs, ISO strings, US
and day-first numeric dates, Jira ``12/Mar/24 3:05 PM`` and Recurly ``2024-03-12 10:00:00 UTC``
/ ``... PDT``. Timestamps with a zone are converted to naive UTC. Whether ``03/04/2024`` is
March or April is decided per column from all its values (see ``decide_order``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from desktop_app.io.normalize import is_blank

Order = Literal["mdy", "dmy"]

_EXCEL_ORIGIN = datetime(1899, 12, 30)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_MONTHS.update({"sept": 9, "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12})
_ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "pst": -8, "pdt": -7, "mst": -7, "mdt": -6, "cst": -6,
    "cdt": -5, "est": -5, "edt": -4, "bst": 1, "cet": 1, "cest": 2, "ist": 5.5,
}  # fmt: skip
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*([AaPp][Mm])?)?"
_ZONE = r"\s*(Z|[+-]\d{2}:?\d{2}|[A-Za-z]{1,4})?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + _ZONE + "$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME + _ZONE + "$")
_NAMED = re.compile(r"^(\d{1,2})[/ -]([A-Za-zä]{3,9})\.?[/ -](\d{2}|\d{4})" + _TIME + _ZONE + "$")
_MONTH_FIRST = re.compile(r"^([A-Za-zä]{3,9})\.? (\d{1,2}),? (\d{4})" + _TIME + _ZONE + "$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^([A-Za-zä]{3,9})\.?[ -]'?(\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 70 else year + 1900 if year < 100 else year


def _month(name: str) -> int:
    key = name.lower()
    month = _MONTHS.get(key[:4]) or _MONTHS.get(key[:3])
    if month is None:
        raise ValueError(name)
    return month


def _build(y: int, mo: int, d: int, groups: Sequence[str | None]) -> datetime:
    hh, mm, ss, frac, ampm, zone = groups
    hour = int(hh) if hh else 0
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    micro = int((frac or "0").ljust(6, "0")) if frac else 0
    moment = datetime(y, mo, d, hour, int(mm or 0), int(ss or 0), micro)
    if zone:
        moment -= _offset(zone)
    return moment


def _offset(zone: str) -> timedelta:
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return delta if zone[0] == "+" else -delta
    hours = _ZONES.get(zone.lower())
    if hours is None:
        raise ValueError(zone)
    return timedelta(hours=hours)


def numeric_parts(value: Any) -> tuple[int, int] | None:
    """The first two numbers of an ``a/b/yyyy`` date string, used to decide the order."""
    if not isinstance(value, str):
        return None
    match = _NUMERIC.match(value.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def decide_order(values: Sequence[Any]) -> tuple[Order, bool]:
    """Decide month-first or day-first for a column; return (order, decided_by_the_data)."""
    mdy_only = dmy_only = 0
    for value in values:
        parts = numeric_parts(value)
        if parts is None:
            continue
        a, b = parts
        if a > 12 >= b:
            dmy_only += 1
        elif b > 12 >= a:
            mdy_only += 1
    if dmy_only > mdy_only:
        return "dmy", True
    return "mdy", mdy_only > 0


def _from_number(number: float) -> datetime:
    if not math.isfinite(number):
        raise ValueError("not finite")
    if 1e9 <= number < 1e10:  # Unix epoch seconds (Delighted)
        return datetime(1970, 1, 1) + timedelta(seconds=number)
    if 1e12 <= number < 1e13:  # epoch milliseconds
        return datetime(1970, 1, 1) + timedelta(milliseconds=number)
    if 0 < number < 2958466:  # Excel serial, 1900 system
        return _EXCEL_ORIGIN + timedelta(days=number)
    raise ValueError("out of range")


def _from_text(text: str, order: Order) -> datetime | date:
    if match := _ISO.match(text):
        y, mo, d = (int(g) for g in match.groups()[:3])
        return _build(y, mo, d, match.groups()[3:])
    if match := _NUMERIC.match(text):
        a, b = int(match.group(1)), int(match.group(2))
        mo, d = (a, b) if order == "mdy" else (b, a)
        return _build(_year(match.group(3)), mo, d, match.groups()[3:])
    if match := _NAMED.match(text):
        d, mo = int(match.group(1)), _month(match.group(2))
        return _build(_year(match.group(3)), mo, d, match.groups()[3:])
    if match := _MONTH_FIRST.match(text):
        mo, d = _month(match.group(1)), int(match.group(2))
        return _build(int(match.group(3)), mo, d, match.groups()[3:])
    if match := _YEAR_MONTH.match(text):
        return date(int(match.group(1)), int(match.group(2)), 1)
    if match := _MONTH_YEAR.match(text):
        return date(_year(match.group(2)), _month(match.group(1)), 1)
    if match := _COMPACT.match(text):
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _from_number(float(text))
    raise ValueError(text)


def parse_instant(value: Any, order: Order = "mdy") -> datetime | None:
    """A timestamp as naive UTC ``datetime``; a date-only value gives midnight."""
    if is_blank(value):
        return None
    try:
        if isinstance(value, datetime):
            return value.replace(tzinfo=None) - (value.utcoffset() or timedelta())
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _from_number(float(value))
        found = _from_text(str(value).strip(), order)
    except (ValueError, OverflowError, TypeError):
        raise ValueError(f"not a valid date: {value!r}") from None
    return found if isinstance(found, datetime) else datetime(found.year, found.month, found.day)


def parse_date(value: Any, order: Order = "mdy") -> date | None:
    """A calendar date (the time of day, if any, is dropped)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment = parse_instant(value, order)
    return None if moment is None else moment.date()


def parse_month(value: Any, order: Order = "mdy") -> date | None:
    """The first day of the month a value falls in (usage months)."""
    day = parse_date(value, order)
    return None if day is None else day.replace(day=1)
