"""Rows written in the driver's form, a run's constants as SQL literals (store.bulk).

``driver_values`` gives values as the driver takes and returns them; ``insert_tuples``,
``upsert_tuples`` and ``sync_rows`` with ``ready=True`` write such rows without bind
processors, and ``same_tail`` writes the values every row shares as literals. Run on SQLite
and PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    select,
)

from desktop_app.store.bulk import insert_tuples, sync_rows, upsert_tuples
from desktop_app.store.driver_form import driver_values
from desktop_app.store.engine import Store

NAMES = ("id", "flag", "label", "day", "at", "note")
AT = datetime(2026, 11, 24, 9, 30, 15, 123456)


@pytest.fixture
def table(store: Store) -> Table:
    md = MetaData()
    t = Table(
        "ready_rows",
        md,
        Column("id", Integer, primary_key=True),
        Column("flag", Boolean),
        Column("label", String(40)),
        Column("day", Date),
        Column("at", DateTime),
        Column("note", String(40)),
    )
    md.create_all(store.engine)
    return t


def _rows(conn, table: Table, ids: range, note: str | None, day: date) -> list[tuple]:
    n = len(ids)
    flags = driver_values(conn, table, "flag", [i % 2 == 0 for i in ids])
    (d,) = driver_values(conn, table, "day", [day])
    (at,) = driver_values(conn, table, "at", [AT])
    return list(zip(ids, flags, [f"row {i}" for i in ids], [d] * n, [at] * n, [note] * n,
                    strict=True))  # fmt: skip


def _stored(store: Store, table: Table) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


@pytest.mark.parametrize("note", ["it's 100% done", None, "plain"])
def test_same_tail_rows_read_back_as_typed_values(store: Store, table: Table, note) -> None:
    with store.engine.begin() as conn:
        rows = _rows(conn, table, range(1, 6), note, date(2026, 11, 1))
        assert insert_tuples(conn, table, NAMES, rows, copy=False, ready=True, same_tail=3) == 5
    got = _stored(store, table)
    assert got == [(i, i % 2 == 0, f"row {i}", date(2026, 11, 1), AT, note) for i in range(1, 6)]


def test_upsert_with_a_same_tail_updates_in_place(store: Store, table: Table) -> None:
    with store.engine.begin() as conn:
        insert_tuples(conn, table, NAMES, _rows(conn, table, range(1, 4), "old", date(2026, 1, 1)),
                      copy=False, ready=True, same_tail=3)  # fmt: skip
        rows = _rows(conn, table, range(2, 5), "new", date(2026, 2, 1))
        assert upsert_tuples(conn, table, NAMES, rows, ready=True, same_tail=3) == 3
    got = {r[0]: (r[3], r[5]) for r in _stored(store, table)}
    assert got == {1: (date(2026, 1, 1), "old"), 2: (date(2026, 2, 1), "new"),
                   3: (date(2026, 2, 1), "new"), 4: (date(2026, 2, 1), "new")}  # fmt: skip


def test_sync_of_ready_rows_compares_the_tail_and_writes_only_changes(
    store: Store, table: Table
) -> None:
    def sync(note: str, day: date):
        with store.engine.begin() as conn:
            rows = _rows(conn, table, range(1, 5), note, day)
            return sync_rows(conn, table, NAMES, rows, compare=len(NAMES), ready=True,
                             same_tail=3)  # fmt: skip

    first = sync("a", date(2026, 3, 1))
    assert (first.written, first.unchanged) == (4, 0)
    again = sync("a", date(2026, 3, 1))
    assert (again.written, again.unchanged) == (0, 4)  # the driver's form compares equal
    moved = sync("a", date(2026, 4, 1))  # only a tail value changed: every row is rewritten
    assert (moved.written, moved.unchanged) == (4, 0)
    assert {r[3] for r in _stored(store, table)} == {date(2026, 4, 1)}


def test_same_tail_is_refused_where_it_cannot_apply(store: Store, table: Table) -> None:
    with store.engine.begin() as conn:
        rows = _rows(conn, table, range(1, 3), "x", date(2026, 1, 1))
        with pytest.raises(ValueError, match="same_tail"):
            insert_tuples(conn, table, NAMES, rows, copy=False, same_tail=3)  # not ready
        with pytest.raises(ValueError, match="same_tail"):
            upsert_tuples(conn, table, NAMES, rows, same_tail=3)
        bad = [(*r[:5], float("nan")) for r in rows]
        with pytest.raises(ValueError, match="non-finite"):
            insert_tuples(conn, table, NAMES, bad, copy=False, ready=True, same_tail=1)
        with pytest.raises(TypeError, match="no literal"):
            insert_tuples(conn, table, NAMES, [(*r[:5], b"x") for r in rows], copy=False,
                          ready=True, same_tail=1)  # fmt: skip
    assert _stored(store, table) == []
