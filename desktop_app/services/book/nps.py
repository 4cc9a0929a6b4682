"""The latest NPS score of each account, for the chart's NPS axis and the worklist.

Read through the store's light Core tables: the window asks for it while it opens a book,
and the ORM (``sqlalchemy.orm`` and the mapped schema, ~9 MB and a fifth of a second of
imports) is not needed for one two-column query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import select

from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.progress import Progress, paced
from desktop_app.store import tables as t
from desktop_app.store.book_reader import fetch_rows, release

if TYPE_CHECKING:
    from desktop_app.store.engine import Store


def latest_nps(store: Store, progress: Progress | None = None) -> dict[int, int]:
    """Account id -> score of its most recent NPS response (``pause_point`` of ``progress``
    every batch of rows: a background read, see ``domain.progress``)."""
    nps = t.nps_responses.c
    # Read beside the GUI thread (the chart's NPS axis): rows fetched in batches and the
    # collector paused, since one ``.all()`` of every response held the GIL, and its rows
    # set off a full collection (100k book: ~100 ms stalls of the window).
    with gc_paused(), store.engine.connect() as conn:
        rows = fetch_rows(
            conn.execute(
                select(nps.account_id, nps.score)
                .where(nps.account_id.is_not(None))
                .order_by(nps.account_id, nps.responded_at, nps.id)
            ),
            progress,
        )
        # Later rows (newer) overwrite older ones.
        latest = {int(a): int(s) for a, s in paced(rows, progress) if a is not None}
        release(rows)
    return latest


def latest_nps_array(
    store: Store, account_ids: npt.NDArray[np.int64], progress: Progress | None = None
) -> npt.NDArray[np.float64]:
    """Latest NPS score aligned with ``account_ids`` (NaN where an account has none)."""
    latest = latest_nps(store, progress)
    out = np.full(account_ids.shape[0], np.nan)
    if not latest or account_ids.size == 0:
        return out
    keys = np.fromiter(latest.keys(), dtype=np.int64, count=len(latest))
    scores = np.fromiter(latest.values(), dtype=np.float64, count=len(latest))
    order = np.argsort(keys)
    keys, scores = keys[order], scores[order]
    pos = np.minimum(np.searchsorted(keys, account_ids), keys.size - 1)
    hit = keys[pos] == account_ids
    out[hit] = scores[pos[hit]]
    return out
