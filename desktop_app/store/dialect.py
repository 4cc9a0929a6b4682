"""What differs between SQLite and PostgreSQL, in one place.

Services never test ``conn.dialect.name`` themselves: they call these helpers, which pick
the fast form a backend has (SQLite's bare columns beside ``max()``, PostgreSQL's
``DISTINCT ON`` and ``ON CONFLICT``) and fall back to portable SQL elsewhere.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    Table,
    Text,
    cast,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Row
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

if TYPE_CHECKING:  # numpy loads on the first numeric read: opening a book does not need it
    import numpy as np
    import numpy.typing as npt

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


#: How ``joined_numbers`` sends a NULL: a whole number no stored value is (parsed in C).
NULL_NUMBER = -(2**62)
_UNIX_JULIAN_DAY = 2440587.5


def day_number_of(bind: Connection | Engine, col: Any) -> ColumnElement[Any] | None:
    """Days since 1970-01-01 of a date or datetime column, computed by the backend (the day
    a datetime falls on); None on a backend without such a form (the caller parses)."""
    if is_sqlite(bind):
        shifted = func.julianday(col) - _UNIX_JULIAN_DAY + 1_000_000  # truncation = floor
        return cast(shifted, Integer) - 1_000_000
    if is_postgres(bind):
        return cast(col, Date) - literal_column("DATE '1970-01-01'")
    return None


def joined_numbers(
    conn: Connection,
    columns: Sequence[Any],
    order_by: Any,
    *,
    group_by: Any = None,
    group_label: Any = None,
) -> list[tuple[Any, list[npt.NDArray[np.float64]]]] | None:
    """Numeric columns as float arrays, without a Python object per value: the backend joins
    each column into one comma-separated text (SQLite ``group_concat``, PostgreSQL
    ``string_agg``) and numpy parses it. Every column walks the rows in the same order
    (``order_by``; on SQLite, the one scan's order). NULL comes back as NaN.

    With ``group_by`` (a column: its index gives the groups in order, no sort), one
    ``(group_label, arrays)`` per group, ``group_label`` an expression of that column
    (default the column); else one ``(None, arrays)``.
    None: a backend without such an aggregate, or a value that is not a number (the caller
    then reads rows).
    """
    if is_sqlite(conn):
        aggs = [func.group_concat(func.coalesce(c, NULL_NUMBER)) for c in columns]
    elif is_postgres(conn):
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        sep: Any = aggregate_order_by(literal_column("','"), order_by)
        aggs = [func.string_agg(cast(func.coalesce(c, NULL_NUMBER), Text), sep) for c in columns]
    else:
        return None
    count = func.count()
    if group_by is None:
        stmt = select(literal_column("NULL"), count, *aggs)
    else:
        label = group_by if group_label is None else group_label
        stmt = select(label, count, *aggs).group_by(group_by)
    rows = conn.execute(stmt).all()
    import numpy as np

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a text that is not a number stops numpy early
        for row in rows:
            try:
                arrays = [_parse_numbers(t or "") for t in row[2:]]
            except (DeprecationWarning, ValueError):
                return None
            if any(len(a) != int(row[1]) for a in arrays):
                return None
            for a in arrays:
                a[a == NULL_NUMBER] = np.nan
            out.append((row[0], arrays))
    return out


def _parse_numbers(joined: str) -> npt.NDArray[np.float64]:
    """Comma-joined numbers as floats; whole numbers parse ~3x faster as integers."""
    import numpy as np

    try:
        return np.fromstring(joined, dtype=np.int64, sep=",").astype(np.float64)
    except (DeprecationWarning, ValueError):  # a decimal stops the integer parse
        return np.fromstring(joined, dtype=np.float64, sep=",")
