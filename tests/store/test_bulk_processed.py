"""Bind processors applied column by column before ``executemany`` (``bulk.processed``),
on a real SQLite file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import Column, Date, Float, Integer, MetaData, Table, create_engine, select

from desktop_app.store.bulk import insert_tuples
from desktop_app.store.driver_form import processed, processors


def test_float_columns_of_floats_pass_through_and_others_are_converted(tmp_path: Path) -> None:
    md = MetaData()
    t = Table("t", md, Column("id", Integer, primary_key=True), Column("x", Float),
              Column("d", Date))  # fmt: skip
    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    md.create_all(engine)
    floats = [(1, 0.1, date(2026, 1, 2)), (2, None, None), (3, 2.5, date(2026, 1, 2))]
    mixed = [(4, 3, None), (5, Decimal("1.25"), None), (6, np.float64(7.5), None)]
    with engine.begin() as conn:
        procs = processors(conn, t, ["id", "x", "d"])
        out = processed(floats, procs)
        assert out == [(1, 0.1, "2026-01-02"), (2, None, None), (3, 2.5, "2026-01-02")]
        assert [type(r[1]) for r in out] == [float, type(None), float]
        assert [type(r[1]) for r in processed(mixed, procs)] == [float, float, float]
        insert_tuples(conn, t, ["id", "x", "d"], floats + mixed)
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.x, t.c.d).order_by(t.c.id)).all()
    assert [tuple(r) for r in rows] == [
        (1, 0.1, date(2026, 1, 2)), (2, None, None), (3, 2.5, date(2026, 1, 2)),
        (4, 3.0, None), (5, 1.25, None), (6, 7.5, None),
    ]  # fmt: skip
    with engine.connect() as conn:  # stored as REAL, ints included
        kinds = conn.exec_driver_sql("SELECT typeof(x) FROM t ORDER BY id").scalars().all()
    assert kinds == ["real", "null", "real", "real", "real", "real"]
