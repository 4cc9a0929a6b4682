"""Date parsing pinned value by value: two-digit years, AM/PM, zones, epochs, Excel serials."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from desktop_app.io import dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Two-digit years: 00-69 are 20xx, 70-99 are 19xx.
        ("12/Mar/69", datetime(2069, 3, 12)),
        ("12/Mar/70", datetime(1970, 3, 12)),
        ("12/Mar/99", datetime(1999, 3, 12)),
        ("12/Mar/00", datetime(2000, 3, 12)),
        ("3/4/05", datetime(2005, 3, 4)),
        # AM/PM: 12 AM is midnight, 12 PM is noon, 1 PM is 13:00.
        ("12/Mar/24 12:05 AM", datetime(2024, 3, 12, 0, 5)),
        ("12/Mar/24 12:05 PM", datetime(2024, 3, 12, 12, 5)),
        ("12/Mar/24 1:05 pm", datetime(2024, 3, 12, 13, 5)),
        ("12/Mar/24 11:59 AM", datetime(2024, 3, 12, 11, 59)),
        # Seconds and fractions.
        ("2024-03-12 10:00:07", datetime(2024, 3, 12, 10, 0, 7)),
        ("2024-03-12T10:00:07.25", datetime(2024, 3, 12, 10, 0, 7, 250000)),
        ("2024-03-12T10:00:07,5Z", datetime(2024, 3, 12, 10, 0, 7, 500000)),
        # Offsets: +hh:mm is ahead of UTC (subtract), -hhmm behind (add); named zones too.
        ("2024-03-12T10:00:00+05:30", datetime(2024, 3, 12, 4, 30)),
        ("2024-03-12T10:00:00-0400", datetime(2024, 3, 12, 14, 0)),
        ("2024-03-12 10:00:00 CEST", datetime(2024, 3, 12, 8, 0)),
        ("2024-03-12 10:00:00 EST", datetime(2024, 3, 12, 15, 0)),
        ("2024-03-12 10:00:00 IST", datetime(2024, 3, 12, 4, 30)),
        # Named months, in either place, in English or German.
        ("12-Mär-24", datetime(2024, 3, 12)),
        ("3 Sept 2024", datetime(2024, 9, 3)),
        ("Sept 3, 2024", datetime(2024, 9, 3)),
        ("Dec. 31 2024", datetime(2024, 12, 31)),
        ("Okt 2024", datetime(2024, 10, 1)),
        ("Mar '24", datetime(2024, 3, 1)),
        ("2024-07", datetime(2024, 7, 1)),
        ("2024/7", datetime(2024, 7, 1)),
        ("20240312", datetime(2024, 3, 12)),
        # Numbers: Unix seconds, Unix milliseconds, Excel serials (also as text).
        (1_000_000_000, datetime(2001, 9, 9, 1, 46, 40)),
        (1_700_000_000_000, datetime(2023, 11, 14, 22, 13, 20)),
        (1.0, datetime(1899, 12, 31)),
        (45658.5, datetime(2025, 1, 1, 12)),
        ("45658", datetime(2025, 1, 1)),
        (2958465, datetime(9999, 12, 31)),
        # Aware datetimes become naive UTC.
        (datetime(2024, 3, 12, 10, tzinfo=timezone(timedelta(hours=2))), datetime(2024, 3, 12, 8)),
        (datetime(2024, 3, 12, 10, tzinfo=UTC), datetime(2024, 3, 12, 10)),
    ],
)
def test_instants_by_hand(raw: object, expected: datetime) -> None:
    assert dates.parse_instant(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12/Mar/24 13:05 PM",  # no 13 o'clock on a 12-hour clock
        "12/Mar/24 0:05 AM",
        "2024-03-12 10:00:00 XYZ",  # unknown zone
        "12/Foo/24",
        0,  # before the Excel origin
        -5.0,
        2958466,  # past year 9999
        999_999_999.0,  # between Excel serials and epoch seconds
        float("inf"),
        "31/31/2024",
    ],
)
def test_not_dates(raw: object) -> None:
    with pytest.raises(ValueError, match="not a valid date"):
        dates.parse_instant(raw)


def test_day_first_order_and_its_decision() -> None:
    assert dates.parse_date("03/04/2024", "dmy") == date(2024, 4, 3)
    assert dates.parse_date("03/04/2024", "mdy") == date(2024, 3, 4)
    assert dates.parse_date("03.04.24", "dmy") == date(2024, 4, 3)
    # A 13th or later decides; a tie between the two kinds of evidence stays month-first.
    assert dates.decide_order(["13/01/2024"]) == ("dmy", True)
    assert dates.decide_order(["01/13/2024"]) == ("mdy", True)
    assert dates.decide_order(["12/12/2024", "12/01/2024"]) == ("mdy", False)
    assert dates.decide_order(["13/01/2024", "01/13/2024"]) == ("mdy", True)
    assert dates.decide_order(["13/01/2024", "14/01/2024", "01/13/2024"]) == ("dmy", True)
    assert dates.decide_order([None, 5, "2024-01-13"]) == ("mdy", False)
    assert dates.numeric_parts(" 25/12/2024 ") == (25, 12)
    assert dates.numeric_parts(20241225) is None


def test_months_and_blanks() -> None:
    assert dates.parse_month("2024-03-12T23:59:00") == date(2024, 3, 1)
    assert dates.parse_month("") is None
    assert dates.parse_date(None) is None
    assert dates.parse_instant(float("nan")) is None  # an empty numeric cell
    assert dates.parse_date(date(2024, 2, 29)) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("zone", "utc_hour"),
    [
        ("UTC", 10), ("GMT", 10), ("Z", 10),
        ("PST", 18), ("PDT", 17), ("MST", 17), ("MDT", 16), ("CST", 16), ("CDT", 15),
        ("EST", 15), ("EDT", 14), ("BST", 9), ("CET", 9), ("CEST", 8),
    ],
)  # fmt: skip
def test_every_named_zone(zone: str, utc_hour: int) -> None:
    assert dates.parse_instant(f"2024-03-12 10:00:00 {zone}") == datetime(2024, 3, 12, utc_hour)


def test_four_digit_years_are_taken_as_written() -> None:
    assert dates.parse_instant("12/Mar/0100") == datetime(100, 3, 12)
    assert dates.parse_instant("3/4/1999") == datetime(1999, 3, 4)
