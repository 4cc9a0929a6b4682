"""Monthly health history: the store's history repository (``store.health_history_repo``),
named here for the services that use it."""

from __future__ import annotations

from desktop_app.store.health_history_repo import (
    ABSENT,
    KEEP_MEASURE_MONTHS,
    AccountHistory,
    BookHistory,
    book_history,
    book_months,
    patch_last_month,
    put_history,
    read_history,
    write_history,
)

__all__ = [
    "ABSENT",
    "KEEP_MEASURE_MONTHS",
    "AccountHistory",
    "BookHistory",
    "book_history",
    "book_months",
    "patch_last_month",
    "put_history",
    "read_history",
    "write_history",
]
