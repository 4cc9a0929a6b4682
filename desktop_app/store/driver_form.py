"""Values in the driver's form: what ``executemany`` takes, without SQLAlchemy per value.

* ``processors``/``processed``: each column's bind processor, run once per distinct value
  (SQLAlchemy's ORM bulk insert ran it for every value of every row);
* ``driver_values``: a column already in that form, for rows written with ``ready=True``
  (``store.bulk``), which the driver also gives back as it took them (compared as they come);
* ``values_clause``: the ``VALUES`` list of an ``INSERT``, a run's constants as literals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table
from sqlalchemy.engine.processors import to_float


def values_clause(conn: Connection, n: int, tail: Sequence[Any]) -> str:
    """The ``VALUES`` list of ``n`` columns, the last ones the literals of ``tail``.

    A value the same in every row (a scoring run's version, as-of day and time) bound for
    each row cost as much as the rest of the row: 100k score rows went from ~0.65 to
    ~0.4 s on SQLite with the three as literals."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * (n - len(tail)) + [_literal(conn, v) for v in tail])


def _literal(conn: Connection, value: Any) -> str:
    """SQL text of a driver-form value (``driver_values``): a number, text, a date or time
    (quoted ISO text, which both backends take for their date columns), or NULL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int | float | str | date):
        raise TypeError(f"no literal for {type(value).__name__} values")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("no literal for a non-finite number")
        return repr(value)
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = value
    quoted = "'" + text.replace("'", "''") + "'"
    return quoted if conn.dialect.paramstyle == "qmark" else quoted.replace("%", "%%")


def processors(conn: Connection, table: Table, names: Sequence[str]) -> list[tuple[int, Any]]:
    dialect = conn.dialect
    out = []
    for k, name in enumerate(names):
        ctype = table.c[name].type
        if dialect.name == "sqlite" and isinstance(ctype, LargeBinary):
            continue  # sqlite3 takes bytes as they are (the processor wraps each in a memoryview)
        proc = ctype.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            out.append((k, proc))
    return out


_FLOATS = {float, type(None)}


def driver_values(conn: Connection, table: Table, name: str, values: list[Any]) -> list[Any]:
    """``values`` of column ``name`` as the driver takes them and gives them back: its bind
    processor applied once per distinct value (a date as ISO text on SQLite, a boolean as
    0/1). For rows written with ``ready=True`` (``insert_tuples``, ``sync_rows``)."""
    procs = processors(conn, table, [name])
    if not procs:
        return values
    proc = procs[0][1]
    done = {v: proc(v) for v in set(values)}
    return [done[v] for v in values]


def processed(chunk: list[tuple[Any, ...]], procs: Sequence[tuple[int, Any]]) -> list[Any]:
    """Apply the bind processors column by column, once per distinct value.

    ``Float``'s processor (``float(v)``) changes no float or None, so a column of those
    is left as it is (a score column: 100k distinct values, ~30 ms less a 100k rows)."""
    if not procs:
        return chunk
    cols: list[Sequence[Any]] = list(zip(*chunk, strict=True))
    for k, proc in procs:
        if proc is to_float and set(map(type, cols[k])) <= _FLOATS:
            continue
        try:
            done: dict[Any, Any] = {v: proc(v) for v in set(cols[k])}
            cols[k] = [done[v] for v in cols[k]]
        except TypeError:  # unhashable values: convert each
            cols[k] = [proc(v) for v in cols[k]]
    return list(zip(*cols, strict=True))
