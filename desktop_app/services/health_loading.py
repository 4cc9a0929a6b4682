"""Load the scoring inputs: the store's history reader (``store.history_reader``), named here
for the services that read them."""

from __future__ import annotations

from desktop_app.store.history_reader import (
    MAX_ONLY,
    days,
    floats,
    load_history,
    load_revenue,
    observed_day,
)

__all__ = ["MAX_ONLY", "days", "floats", "load_history", "load_revenue", "observed_day"]
