"""Loading the book through the store's book reader: the status line's last import."""

from __future__ import annotations

from datetime import datetime

from desktop_app.services.book.portfolio import last_import
from desktop_app.services.database import Store
from desktop_app.store.schema import ImportBatch


def _batch(name: str, at: datetime, rolled_back: datetime | None = None) -> ImportBatch:
    return ImportBatch(
        file_name=name, source_profile="salesforce_accounts", imported_at=at,
        rolled_back_at=rolled_back,
    )  # fmt: skip


def test_last_import_is_the_newest_batch_not_rolled_back(store: Store) -> None:
    assert last_import(store) is None
    with store.sessions() as s, s.begin():
        s.add(_batch("accounts.xlsx", datetime(2026, 11, 2, 9, 5)))
        s.add(_batch("usage.csv", datetime(2026, 11, 20, 17, 45)))
        s.add(_batch("newest.csv", datetime(2026, 11, 21, 8, 0), datetime(2026, 11, 21, 9, 0)))
    assert last_import(store) == "usage.csv on 2026-11-20 17:45"
