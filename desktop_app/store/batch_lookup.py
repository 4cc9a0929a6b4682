"""Has this file been imported before? The one query a re-import of an unchanged file runs.

On the light Core table (``store.tables``), not the ORM schema: refusing an unchanged file
costs the CLI's start-up, the file's hash and this lookup, and ``sqlalchemy.orm`` with the
schema would add about a fifth of a second to that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from desktop_app.store.tables import import_batches


def find_batch(conn: Connection, sha: str, sheet: str | None, any_sheet: bool) -> Any:
    """(imported_at, rows_total) of the latest batch of this file (and sheet) still in force,
    or None. ``any_sheet``: whatever sheet that batch read."""
    b = import_batches
    q = select(b.c.imported_at, b.c.rows_total).where(
        b.c.sha256 == sha, b.c.rolled_back_at.is_(None)
    )
    if not any_sheet:
        q = q.where(b.c.sheet.is_(None) if sheet is None else b.c.sheet == sheet)
    return conn.execute(q.order_by(b.c.id.desc()).limit(1)).first()
