"""The sources and fields a book's health measures can rest on (constants only).

Apart from ``health_inputs`` (which scores with them) so that the book's columns
(``domain.book``) can name them without loading the scoring modules at start-up.
"""

from __future__ import annotations

#: Every source or field a measure can rest on, and how the user knows it.
SOURCE_LABELS: dict[str, str] = {
    "usage": "usage",
    "subscriptions": "subscriptions",
    "tickets": "tickets",
    "nps": "NPS responses",
    "billing": "billing states",
    "contacts": "contacts",
    "replies": "POC reply dates",
    "renewals": "renewal dates",
}
ALL_SOURCES = frozenset(SOURCE_LABELS)
