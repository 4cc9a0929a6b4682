"""Bulk paths under the ORM: rows as plain tuples through the driver's ``executemany``.

SQLAlchemy's ORM bulk insert builds a parameter dict and runs the type processors for every
value of every row (30 s for 2.4M rows). Here each column's bind processor runs once per
distinct value, and the driver receives tuples in chunks. On PostgreSQL the rows go through
a binary ``COPY … FROM STDIN`` instead (psycopg's ``Copy.write_row``): one stream instead
of a round trip per 20k-row batch of INSERTs, and no text escaping of the score blobs.

Values in the driver's form (bind processors once per distinct value, ready rows, a run's
constants as literals) are ``store.driver_form``.

Over 450 lines: the plain insert, the write-only-what-changed sync (``sync_rows``, its
upsert and its empty-window insert) and the PostgreSQL COPY share the chunking, the ready
rows and the same-tail literals of each statement they build; split apart they would have
to export them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, select, true

from desktop_app.store.driver_form import processed, processors, values_clause

CHUNK = 20_000  # rows per executemany
COPY_MIN = 1_000  # fewer rows (a list): plain INSERTs, no COPY set-up
IN_CHUNK = 900  # ids per IN list (SQLite's historic limit on bound parameters is 999)


def table_of(model: Any) -> Table:
    """The Core ``Table`` behind an ORM class."""
    tbl: Table = model.__table__
    return tbl


def _sql(conn: Connection, table: Table, names: Sequence[str], tail: Sequence[Any] = ()) -> str:
    """``INSERT`` of ``names``: a parameter for each, but the last ``len(tail)`` columns,
    which take the values of ``tail`` as literals (``driver_form.values_clause``)."""
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(n) for n in names)
    values = values_clause(conn, len(names), tail)
    return f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES ({values})"


def can_copy(conn: Connection) -> bool:
    """True when ``conn`` takes ``COPY FROM STDIN`` (PostgreSQL through psycopg 3)."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


#: PostgreSQL types (as SQLAlchemy compiles them) and their binary COPY names.
_BINARY = {
    "integer": "int4",
    "bigint": "int8",
    "smallint": "int2",
    "float": "float8",
    "double precision": "float8",
    "real": "float4",
    "boolean": "bool",
    "varchar": "text",
    "text": "text",
    "bytea": "bytea",
    "date": "date",
    "timestamp without time zone": "timestamp",
    "timestamp": "timestamp",
}


def _binary_types(conn: Connection, table: Table, names: Sequence[str]) -> list[str] | None:
    """The columns' types for a binary ``COPY`` (half the time of text: no escaping of
    the score blobs), or None when one has a type not listed (text ``COPY`` then)."""
    out = []
    for name in names:
        compiled = table.c[name].type.compile(dialect=conn.dialect).lower().split("(")[0]
        kind = _BINARY.get(compiled.strip())
        if kind is None:
            return None
        out.append(kind)
    return out


def _row_security_active(conn: Connection, table: Table) -> bool:
    """PostgreSQL refuses ``COPY FROM`` where row-level security applies (a team role)."""
    from sqlalchemy import text

    active = conn.execute(text("SELECT row_security_active(:t)"), {"t": table.name}).scalar()
    return bool(active)


def copy_tuples(
    conn: Connection, table: Table, names: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """``COPY`` ``rows`` (tuples in ``names`` order) into ``table``; returns the row count.

    PostgreSQL with psycopg only (see ``can_copy``). Values go through the columns' bind
    processors like ``insert_tuples`` (psycopg's own adapters do the rest).
    """
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(n) for n in names)
    types = _binary_types(conn, table, names)
    binary = " (FORMAT BINARY)" if types is not None else ""
    sql = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN{binary}"
    procs = processors(conn, table, names)
    cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    total = 0
    with cursor.copy(sql) as copy:
        if types is not None:
            copy.set_types(types)
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                for r in processed(chunk, procs):
                    copy.write_row(r)
                total += len(chunk)
                chunk = []
        for r in processed(chunk, procs) if chunk else ():
            copy.write_row(r)
        total += len(chunk)
    cursor.close()
    return total


def insert_dicts(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows given as dicts (grouped by their key sets); returns the row count.

    The demo book's writer: on PostgreSQL each group is one ``COPY``. Columns missing from
    a row get their scalar Python-side ``default`` (as Core's ``insert()`` would give them).
    """
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for r in rows:
        groups.setdefault(tuple(r), []).append(tuple(r.values()))
    total = 0
    for names, group in groups.items():
        extra = [
            (c.name, c.default.arg)  # type: ignore[attr-defined]
            for c in table.c
            if c.name not in names and c.default is not None and c.default.is_scalar
        ]
        if extra:
            tail = tuple(v for _, v in extra)
            group = [(*r, *tail) for r in group]
        total += insert_tuples(conn, table, (*names, *(n for n, _ in extra)), group)
    return total


def insert_tuples(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    copy: bool = True,
    ready: bool = False,
    same_tail: int = 0,
) -> int:
    """Insert ``rows`` (tuples in ``names`` order) into ``table``; returns the row count.

    PostgreSQL (psycopg): one ``COPY``; elsewhere chunked ``executemany``. ``ready``: the
    values are already as the driver takes them (``driver_values``), with ``copy=False``.
    ``same_tail`` (ready rows, a list): the last values of every row are the same (a run's
    constants); they are written as literals (``_values``), not bound for each row.
    """
    if ready and copy:
        raise ValueError("insert_tuples: ready rows are for executemany (copy=False)")
    if same_tail:
        if not ready or not isinstance(rows, list):
            raise ValueError("insert_tuples: same_tail is for a list of ready rows")
        if not rows:
            return 0
        tail = rows[0][-same_tail:]
        sql = _sql(conn, table, names, tail)
        for start in range(0, len(rows), CHUNK):
            conn.exec_driver_sql(sql, [r[:-same_tail] for r in rows[start : start + CHUNK]])
        return len(rows)
    few = isinstance(rows, Sized) and len(rows) < COPY_MIN
    if copy and not few and can_copy(conn) and not _row_security_active(conn, table):
        return copy_tuples(conn, table, names, rows)
    if conn.dialect.paramstyle not in ("qmark", "format", "pyformat"):
        from sqlalchemy import insert

        if ready:
            raise ValueError(f"insert_tuples: no ready rows for {conn.dialect.paramstyle}")
        dicts = [dict(zip(names, r, strict=True)) for r in rows]
        if dicts:
            conn.execute(insert(table), dicts)
        return len(dicts)
    sql = _sql(conn, table, names)
    procs = [] if ready else processors(conn, table, names)
    if isinstance(rows, list):  # sliced, not appended row by row
        for start in range(0, len(rows), CHUNK):
            conn.exec_driver_sql(sql, processed(rows[start : start + CHUNK], procs))
        return len(rows)
    total = 0
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.exec_driver_sql(sql, processed(chunk, procs))
            total += len(chunk)
            chunk = []
    if chunk:
        conn.exec_driver_sql(sql, processed(chunk, procs))
        total += len(chunk)
    return total


def delete_keys(conn: Connection, table: Table, column: str, keys: Sequence[int]) -> None:
    """Delete the rows whose ``column`` is one of ``keys``: one statement run by the driver
    for every key (no SQL compiled per chunk of an IN list)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer
    sql = f"DELETE FROM {quote.format_table(table)} WHERE {quote.quote(column)} = {mark}"
    if conn.dialect.paramstyle not in ("qmark", "format", "pyformat"):
        delete_ids(conn, table, column, keys)
        return
    for start in range(0, len(keys), CHUNK):
        conn.exec_driver_sql(sql, [(k,) for k in keys[start : start + CHUNK]])


def delete_ids(conn: Connection, table: Table, column: str, ids: Sequence[int] | None) -> None:
    """Delete the rows whose ``column`` is in ``ids`` (every row when ``ids`` is None)."""
    if ids is None:
        conn.execute(delete(table))
        return
    col = table.c[column]
    for start in range(0, len(ids), IN_CHUNK):
        conn.execute(delete(table).where(col.in_(list(ids[start : start + IN_CHUNK]))))


def copy_table(src: Connection, dst: Connection, table: Table, chunk: int = CHUNK) -> int:
    """Copy every row of ``table`` from ``src`` into ``dst`` (same schema); returns the count.

    Rows stream through in chunks (result processors on the way out, ``insert_tuples`` on
    the way in: one ``COPY`` per chunk on PostgreSQL).
    """
    names = [c.name for c in table.c]
    result = src.execution_options(yield_per=chunk).execute(table.select())
    total = 0
    for part in result.partitions(chunk):
        total += insert_tuples(dst, table, names, [tuple(r) for r in part])
    return total


@dataclass
class WriteCount:
    """What a ``sync_rows`` call (or several) did: rows compared, left alone, written, deleted."""

    compared: int = 0
    unchanged: int = 0
    written: int = 0
    deleted: int = 0
    #: Unchanged rows whose ``refresh`` columns alone were updated (counted as unchanged).
    refreshed: int = 0

    def add(self, other: WriteCount) -> None:
        self.compared += other.compared
        self.unchanged += other.unchanged
        self.written += other.written
        self.deleted += other.deleted
        self.refreshed += other.refreshed


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def raw_rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` as the driver returns them (no per-value type processing: ISO
    text for dates on SQLite, 0/1 for booleans), on ``conn``'s transaction."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    keys = compiled.positiontup
    args: Any = tuple(compiled.params[k] for k in keys) if keys is not None else compiled.params
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _stored(
    conn: Connection, table: Table, names: Sequence[str], where: Any
) -> dict[Any, tuple[Any, ...]]:
    """Stored rows (``names``, the key first) matching ``where``, by key, as the driver
    returns them (no per-value type processing)."""
    stmt = select(*(table.c[n] for n in names)).where(where)
    return {r[0]: r for r in raw_rows(conn, stmt)}


def sync_rows(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    compare: int,
    stored_view: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None,
    only: Sequence[int] | None = None,
    refresh: int = 0,
    stored: dict[Any, tuple[Any, ...]] | None = None,
    ready: bool = False,
    same_tail: int = 0,
) -> WriteCount:
    """Make ``table`` hold ``rows`` (tuples in ``names`` order, the integer key first, in
    ascending key order) for every key, or for the keys in ``only``: a row equal to the
    stored one is left alone, a changed or new one is replaced, a stored key absent from
    ``rows`` is deleted. Returns what was done.

    Rows are compared on their first ``compare`` values, the stored ones seen through
    ``stored_view`` (they come as the driver returns them: ISO text for dates on SQLite,
    0/1 for booleans; None: compared as they come). The book is walked in windows of
    ``CHUNK`` keys, so neither side is held whole.

    ``refresh``: the values after the first ``compare`` that are not compared but kept up to
    date: an unchanged row whose ``refresh`` values differ (and are not None) gets them by
    an ``UPDATE`` of those columns alone (counted as ``refreshed``).

    ``stored``: every stored row by key (``names[: compare + refresh]``, as the driver gives
    them), already read by the caller; compared with instead of reading the table again,
    and consumed. Only with ``only`` None.

    ``ready``: ``rows`` hold the values as the driver takes them and gives them back
    (``driver_values``): written as they are, without bind processors. ``same_tail``: as
    ``insert_tuples`` (the last values of every row are the same; still compared).
    """
    key = table.c[names[0]]
    count = WriteCount()
    cols = names[: compare + refresh]
    how = (compare, stored_view, refresh, ready, same_tail)
    if only is not None:
        if stored is not None:
            raise ValueError("sync_rows: stored rows are for the whole table (only=None)")
        scope = sorted({int(k) for k in only})
        stored = {}
        for start in range(0, len(scope), IN_CHUNK):
            stored |= _stored(conn, table, cols, key.in_(scope[start : start + IN_CHUNK]))
        _apply(conn, table, names, how, list(rows), stored, count)
        return count
    if stored is not None:
        _apply(conn, table, names, how, list(rows), stored, count)
        return count
    low: Any = None
    for chunk in _chunks(rows, CHUNK):
        high = chunk[-1][0]
        window = key <= high if low is None else and_(key > low, key <= high)
        _apply(conn, table, names, how, chunk, _stored(conn, table, cols, window), count, window)
        low = high
    rest = _stored(conn, table, cols, true() if low is None else key > low)
    _apply(conn, table, names, how, [], rest, count)
    return count


def _apply(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    how: tuple[int, Callable[[tuple[Any, ...]], tuple[Any, ...]] | None, int, bool, int],
    new: list[tuple[Any, ...]],
    stored: dict[Any, tuple[Any, ...]],
    count: WriteCount,
    window: Any = None,
) -> None:
    """Replace the rows of ``new`` that differ from ``stored``; delete the stored rest.

    ``window``: the condition ``stored`` was read with; when every stored row goes, one
    range delete replaces a delete per key."""
    compare, view, refresh, ready, same_tail = how
    if not stored:  # nothing stored in this window (a first scoring): every row is written
        count.compared += len(new)
        count.written += insert_tuples(
            conn, table, names, new, copy=False, ready=ready, same_tail=same_tail
        )
        return
    n_stored = len(stored)
    changed = []
    replaced = []
    refreshes = []
    for row in new:
        old = stored.pop(row[0], None)
        if old is not None and (old if view is None else view(old))[:compare] == row[:compare]:
            count.unchanged += 1
            if refresh:
                fresh = row[compare : compare + refresh]
                if fresh != old[compare:] and None not in fresh:
                    refreshes.append((*fresh, row[0]))
            continue
        changed.append(row)
        if old is not None:
            replaced.append(row[0])
    if refreshes:
        _update_columns(conn, table, names[compare : compare + refresh], names[0], refreshes)
        count.refreshed += len(refreshes)
    count.compared += len(new)
    count.deleted += len(stored)
    if conn.dialect.name in _UPSERTS:
        # Replaced and new rows in one upsert (an update in place: ~2x cheaper on SQLite
        # than deleting and inserting them again); stored rows no longer wanted deleted.
        gone = sorted(stored)
        if gone and window is not None and len(gone) == n_stored:
            conn.execute(delete(table).where(window))
        elif gone:
            delete_keys(conn, table, names[0], gone)
        count.written += upsert_tuples(
            conn, table, names, changed, ready=ready, same_tail=same_tail
        )
        return
    drop = sorted([*stored, *replaced])
    if drop and window is not None and len(drop) == n_stored:
        conn.execute(delete(table).where(window))
    elif drop:
        delete_keys(conn, table, names[0], drop)
    # The changed rows only (usually few): plain INSERTs, which the tests can count.
    count.written += insert_tuples(
        conn, table, names, changed, copy=False, ready=ready, same_tail=same_tail
    )


#: Dialects whose ``INSERT … ON CONFLICT (key) DO UPDATE`` ``upsert_tuples`` writes.
_UPSERTS = ("sqlite", "postgresql")


def upsert_tuples(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
    *,
    ready: bool = False,
    same_tail: int = 0,
) -> int:
    """Insert ``rows`` (tuples in ``names`` order, the primary key first), or update the
    stored row of the same key in place; returns the row count. SQLite and PostgreSQL.
    ``ready``, ``same_tail``: as ``insert_tuples``."""
    if not rows:
        return 0
    if same_tail and not ready:
        raise ValueError("upsert_tuples: same_tail is for ready rows")
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(n) for n in names)
    marks = values_clause(conn, len(names), rows[0][-same_tail:] if same_tail else ())
    sets = ", ".join(f"{quote.quote(n)} = excluded.{quote.quote(n)}" for n in names[1:])
    sql = (
        f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({quote.quote(names[0])}) DO UPDATE SET {sets}"
    )
    procs = [] if ready else processors(conn, table, names)
    for start in range(0, len(rows), CHUNK):
        part = rows[start : start + CHUNK]
        if same_tail:
            part = [r[:-same_tail] for r in part]
        conn.exec_driver_sql(sql, processed(part, procs))
    return len(rows)


def _update_columns(
    conn: Connection, table: Table, columns: Sequence[str], key: str, rows: list[tuple[Any, ...]]
) -> None:
    """``UPDATE`` ``columns`` of the rows keyed by each tuple's last value (one statement
    run by the driver for every row)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer
    sets = ", ".join(f"{quote.quote(c)} = {mark}" for c in columns)
    sql = f"UPDATE {quote.format_table(table)} SET {sets} WHERE {quote.quote(key)} = {mark}"
    if conn.dialect.paramstyle not in ("qmark", "format", "pyformat"):
        from sqlalchemy import bindparam, update

        stmt = update(table).where(table.c[key] == bindparam("_key"))
        stmt = stmt.values({c: bindparam(f"_{c}") for c in columns})
        names = [f"_{c}" for c in columns]
        conn.execute(stmt, [dict(zip([*names, "_key"], r, strict=True)) for r in rows])
        return
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK])
