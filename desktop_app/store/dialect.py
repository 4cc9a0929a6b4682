"""What differs between SQLite and PostgreSQL, in one place.

Services never test ``conn.dialect.name`` themselves: they call these helpers, which pick
the fast form a backend has (SQLite's bare columns beside ``max()``, PostgreSQL's
``DISTINCT ON`` and ``ON CONFLICT``) and fall back to portable SQL elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, func, select, text
from sqlalchemy.engine import Row
from sqlalchemy.sql.expression import TableClause

#: Set on every new SQLite connection (engine.py listens with ``sqlite_on_connect``).
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
)


def sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    """SQLAlchemy ``connect`` listener: the pragmas every SQLite connection needs."""
    cur = dbapi_conn.cursor()
    for pragma in SQLITE_PRAGMAS:
        cur.execute(pragma)
    cur.close()


def name_of(bind: Connection | Engine) -> str:
    """The backend's name: ``sqlite``, ``postgresql``, …"""
    return bind.dialect.name


def is_sqlite(bind: Connection | Engine) -> bool:
    return bind.dialect.name == "sqlite"


def is_postgres(bind: Connection | Engine) -> bool:
    return bind.dialect.name == "postgresql"


def param_mark(bind: Connection | Engine) -> str:
    """The DB-API placeholder for positional raw SQL (``?`` or ``%s``).

    Raises ``ValueError`` for a driver with named placeholders only.
    """
    style = bind.dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise ValueError(f"no positional placeholder for paramstyle {style!r}")


def latest_per_key(
    conn: Connection,
    table: TableClause,
    key: str,
    newest: str,
    columns: Sequence[str],
    keys: Sequence[int],
) -> Sequence[Row[Any]]:
    """``(key, *columns)`` of the row with the largest ``newest``, for each key in ``keys``.

    SQLite takes bare columns from the row holding ``max()`` (one index walk per key);
    PostgreSQL uses ``DISTINCT ON``; others join against the grouped maximum.
    """
    if not keys:
        return []
    k, n = table.c[key], table.c[newest]
    cols = [table.c[c] for c in columns]
    if is_sqlite(conn):
        mark = param_mark(conn)
        names = ", ".join([k.name, *(c.name for c in cols)])
        marks = ",".join([mark] * len(keys))
        sql = (
            f"SELECT {names}, max({n.name}) FROM {table.name} "
            f"WHERE {k.name} IN ({marks}) GROUP BY {k.name}"
        )
        return [r[:-1] for r in conn.exec_driver_sql(sql, tuple(keys)).fetchall()]  # type: ignore[misc]
    if is_postgres(conn):
        from sqlalchemy.dialects.postgresql import distinct_on

        stmt = select(k, *cols).where(k.in_(list(keys))).ext(distinct_on(k)).order_by(k, n.desc())
        return conn.execute(stmt).all()
    last = select(k.label("k"), func.max(n).label("m")).where(k.in_(list(keys))).group_by(k)
    sub = last.subquery()
    return conn.execute(select(k, *cols).join(sub, (sub.c.k == k) & (sub.c.m == n))).all()


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert ``rows``; where one collides on the unique ``keys``, update its ``update`` columns.

    ``update`` defaults to every column of the rows but the keys. Raises ``ValueError``
    for a backend without ``ON CONFLICT``.
    """
    if not rows:
        return
    cols = list(update) if update is not None else [c for c in rows[0] if c not in keys]
    if is_sqlite(conn):
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(table)
        done = lite.on_conflict_do_nothing(index_elements=list(keys))
        if cols:
            done = lite.on_conflict_do_update(
                index_elements=list(keys), set_={c: lite.excluded[c] for c in cols}
            )
        conn.execute(done, list(rows))
        return
    if not is_postgres(conn):
        raise ValueError(f"upsert is not available on {name_of(conn)}")
    from sqlalchemy.dialects import postgresql

    pg = postgresql.insert(table)
    stmt = pg.on_conflict_do_nothing(index_elements=list(keys))
    if cols:
        stmt = pg.on_conflict_do_update(
            index_elements=list(keys), set_={c: pg.excluded[c] for c in cols}
        )
    conn.execute(stmt, list(rows))


def _serial_id(table: Table) -> Column[Any] | None:
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and pk[0].name == "id" and pk[0].autoincrement in (True, "auto"):
        return pk[0]
    return None


def advance_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """After rows were written with explicit ids, move each table's id sequence past them.

    PostgreSQL's serial columns do not notice explicit ids (the next default insert then
    fails with a duplicate key); SQLite's rowid needs nothing.
    """
    if not is_postgres(conn):
        return
    for table in tables:
        col = _serial_id(table)
        if col is None:
            continue
        name = conn.dialect.identifier_preparer.format_table(table)
        sql = (
            "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
            f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
        )
        conn.execute(text(sql), {"t": table.name})


def day_number_sql(bind: Connection | Engine, column: str) -> str:
    """SQL for a date column as whole days since 1970-01-01 (SQLite stores ISO text)."""
    if is_sqlite(bind):
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def joined_columns(
    conn: Connection, table: str, exprs: Sequence[str]
) -> tuple[int, list[str]] | None:
    """``(row count, [each expression's values joined by commas])`` in one aggregate query.

    Every aggregate of one query walks the rows in the same order, so the n-th value of each
    text belongs to the same row. Building millions of Python row tuples costs seconds;
    numpy parses these texts in C. None for a backend without such an aggregate.
    """
    if is_sqlite(conn):
        parts = [f"group_concat({e})" for e in exprs]
    elif is_postgres(conn):
        parts = [f"string_agg(CAST({e} AS text), ',')" for e in exprs]
    else:
        return None
    row = conn.exec_driver_sql(f"SELECT count(*), {', '.join(parts)} FROM {table}").one()
    return int(row[0]), [str(v or "") for v in row[1:]]


#: Advisory-lock namespaces (the first key of PostgreSQL's two-key advisory locks).
LOCKS = {"import": 41_001, "score": 41_002, "override": 41_003, "book": 41_004}


def lock_key(conn: Connection, namespace: str, key: int = 0) -> None:
    """Hold a transaction-scoped lock on ``(namespace, key)`` until commit; wait for it.

    PostgreSQL: ``pg_advisory_xact_lock`` (no table privilege needed). SQLite serialises
    writers itself: no-op.
    """
    if is_postgres(conn):
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:n, :k)"), {"n": LOCKS[namespace], "k": key}
        )


def try_lock_key(conn: Connection, namespace: str, key: int = 0) -> bool:
    """Like ``lock_key`` but without waiting: False if another session holds it."""
    if not is_postgres(conn):
        return True
    got = conn.execute(
        text("SELECT pg_try_advisory_xact_lock(:n, :k)"), {"n": LOCKS[namespace], "k": key}
    ).scalar_one()
    return bool(got)


def is_permission_denied(exc: BaseException) -> bool:
    """True for PostgreSQL's "permission denied" and row-level security refusals (42501)."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) == "42501"


def checkpoint(conn: Connection) -> None:
    """Fold SQLite's write-ahead log into the main file (before copying it); no-op elsewhere."""
    if is_sqlite(conn):
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
