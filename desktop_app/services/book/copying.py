"""Move a book to another database: a laptop's SQLite file onto the team's PostgreSQL server.

Every table is copied row for row (ids kept, so history, change logs and overrides still
point at the right rows), in foreign-key order, in one transaction on the target. The target
must be empty; its id sequences are moved past the copied ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.services.errors import UserError
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.bulk import copy_table
from desktop_app.store.dialect import advance_sequences
from desktop_app.store.engine import Store, current_revision
from desktop_app.store.schema import Account, Base


@dataclass(frozen=True)
class CopySummary:
    tables: int
    rows: int
    accounts: int


def copy_book(source: Store, target: Store, progress: Progress | None = None) -> CopySummary:
    """Copy the whole book of ``source`` into the empty ``target``; returns what was copied.

    Raises ``UserError`` when the target already holds accounts or the two schemas differ.
    """
    progress = progress or NullProgress()
    if current_revision(source.engine) != current_revision(target.engine):
        raise UserError(
            "the two databases are at different schema versions: run `account-desk db "
            "upgrade` on both first"
        )
    tables = list(Base.metadata.sorted_tables)
    rows = 0
    with source.engine.connect() as src, target.engine.begin() as dst:
        if dst.execute(Account.__table__.select().limit(1)).first() is not None:
            raise UserError(f"{target.location} already holds accounts; copy into an empty one")
        for i, table in enumerate(tables):
            check(progress, i / len(tables), f"Copying {table.name}…")
            rows += copy_table(src, dst, table)
        advance_sequences(dst, tables)
        accounts = len(dst.execute(Account.__table__.select()).all())
    progress.report(1.0, "Book copied")
    return CopySummary(tables=len(tables), rows=rows, accounts=accounts)
