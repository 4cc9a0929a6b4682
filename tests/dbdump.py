"""Dialect-neutral looks at a database for tests: every row of every table, plain values."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any

from sqlalchemy import MetaData, create_engine, select

from desktop_app.store.engine import Store, to_url


def plain(value: Any) -> Any:
    """A date as SQLite's raw SQL returns it (ISO text), so one expectation fits both."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def dump(target: Store | str | os.PathLike[str], *, skip: tuple[str, ...] = ()) -> list[str]:
    """One line per row of every table (sorted by table, then by every column)."""
    engine = target.engine if isinstance(target, Store) else create_engine(to_url(target))
    meta = MetaData()
    lines: list[str] = []
    try:
        with engine.connect() as conn:
            meta.reflect(conn)
            for name in sorted(meta.tables):
                if name in skip:
                    continue
                table = meta.tables[name]
                stmt = select(table).order_by(*table.c)
                lines.extend(f"{name}: {tuple(map(plain, r))!r}" for r in conn.execute(stmt))
    finally:
        if not isinstance(target, Store):
            engine.dispose()
    return lines
