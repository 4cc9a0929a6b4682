"""Writing and reading back scores: the store's score repository (``store.health_repo``),
named here for the services that use it."""

from __future__ import annotations

from desktop_app.store.health_repo import (
    measure_arrays,
    rows_bytes,
    stored_measures_json,
    write_measure_set,
    write_scores,
)

__all__ = [
    "measure_arrays",
    "rows_bytes",
    "stored_measures_json",
    "write_measure_set",
    "write_scores",
]
