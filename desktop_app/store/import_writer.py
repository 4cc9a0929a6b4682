"""The import writer: a repository that writes one import batch (SQLAlchemy Core only).

Services (``services/importing*``) decide *what* to write; this module is the only place
that writes an import's rows. Every row an import inserts or updates is logged in
``change_log`` once per batch, with the full row as it was before (JSON), so that
``rollback`` restores the earlier state exactly. Inserted rows are logged with one
``INSERT … SELECT`` (no per-row Python). Long writes poll the one ``Progress`` protocol
(``domain.progress``) and raise its ``Cancelled``; the caller owns the transaction and
rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    String,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.engine.processors import to_float

from desktop_app.domain.progress import Cancelled, NullProgress, Progress
from desktop_app.store.bulk import table_of
from desktop_app.store.dialect import param_mark
from desktop_app.store.driver_form import processors
from desktop_app.store.schema import (
    ChangeLog,
    Csm,
    FieldHistory,
    ImportBatch,
    ImportProfile,
    ReviewItem,
    Subscription,
)

TUPLE_CHUNK = 5_000  # rows per executemany of insert_tuples (a cancel check between chunks)
BUILD_AFTER = 5_000  # rows into an empty table from which its indexes are built afterwards
_FLOATS = {float, type(None)}
CHUNK = 900  # SQLite's default limit on bound parameters is far above this; IN lists stay short


_KINDS: dict[tuple[str, str], str] = {}


def _column_kind(table: Table, name: str) -> str:
    key = (table.name, name)
    kind = _KINDS.get(key)
    if kind is None:
        ctype = table.c[name].type
        kind = (
            "datetime" if isinstance(ctype, DateTime)
            else "date" if isinstance(ctype, Date)
            else "text" if isinstance(ctype, String)
            else "other"
        )  # fmt: skip
        _KINDS[key] = kind
    return kind


def coerce(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Values converted to what the columns store (datetime -> date, numbers -> text ids)."""
    for name, value in row.items():
        if value is None or type(value) is str:
            continue
        kind = _column_kind(table, name)
        if kind == "date" and isinstance(value, datetime):
            row[name] = value.date()
        elif kind == "datetime" and type(value) is date:
            row[name] = datetime(value.year, value.month, value.day)
        elif kind == "text":
            row[name] = str(value)
    return row


def coerce_column(table: Table, name: str, values: list[Any]) -> list[Any]:
    """``coerce`` applied to a whole column (the list itself when nothing needs converting)."""
    kind = _column_kind(table, name)
    if kind == "other":
        return values
    # The list itself when nothing needs converting (a million-row column is not copied);
    # the types present are found at C speed, not with a generator per value.
    types = set(map(type, values))
    if kind == "date" and any(issubclass(t, datetime) for t in types):
        return [v.date() if isinstance(v, datetime) else v for v in values]
    if kind == "datetime" and date in types:
        return [datetime(v.year, v.month, v.day) if type(v) is date else v for v in values]
    if kind == "text" and not types <= {str, type(None)}:
        return [v if v is None or type(v) is str else str(v) for v in values]
    return values


def _process_column(values: list[Any], proc: Any) -> list[Any]:
    """A bind processor over a column, once per distinct value; a column of floats (and
    None) as it is for ``Float``'s processor, which changes none of them (amounts: 100k
    distinct values, ~30 ms a column)."""
    if proc is to_float and set(map(type, values)) <= _FLOATS:
        return values
    try:
        done: dict[Any, Any] = {v: proc(v) for v in set(values)}
    except TypeError:  # unhashable values (JSON): convert each
        return [proc(v) for v in values]
    return [done[v] for v in values]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode_row(row: dict[str, Any]) -> str:
    """A row as JSON (dates as ISO text) for the change log."""
    return json.dumps({k: _encode(v) for k, v in row.items()}, sort_keys=True)


def decode_row(table: Table, text: str) -> dict[str, Any]:
    """The inverse of ``encode_row``, typed by the table's column types."""
    raw: dict[str, Any] = json.loads(text)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        col = table.c[name]
        if value is not None and isinstance(col.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Date):
            value = date.fromisoformat(value)
        out[name] = value
    return out


@contextmanager
def indexes_built_after(conn: Connection, table: Table, rows: int) -> Iterator[None]:
    """Around an insert of ``rows`` rows: into an empty SQLite table, at least
    ``BUILD_AFTER`` of them, the table's non-unique indexes are dropped and built again
    afterwards (one sorted build each instead of a B-tree insert per row and index: a
    quarter of a first import's insert). The indexes are rebuilt from their own stored
    SQL, in the caller's transaction, even when the insert fails (then it rolls back)."""
    if rows < BUILD_AFTER or conn.dialect.name != "sqlite" or _has_rows(conn, table):
        yield
        return
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table.name,),
    ).all()
    indexes = [(str(n), str(q)) for n, q in found if not str(q).upper().startswith("CREATE UNIQUE")]
    quote = conn.dialect.identifier_preparer
    for name, _sql in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote.quote(name)}")
    try:
        yield
    finally:
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)


def _has_rows(conn: Connection, table: Table) -> bool:
    return conn.execute(select(literal(1)).select_from(table).limit(1)).first() is not None


@dataclass
class BatchWriter:
    """Writes rows for one batch on one connection and keeps the change log exact."""

    conn: Connection
    batch_id: int
    now: datetime
    logged: set[tuple[str, int]] = field(default_factory=set)

    # ------------------------------------------------------------------ before-images
    def log_updates(self, table: Table, ids: Iterable[int]) -> None:
        """Write the before-image of each row about to be updated (once per batch)."""
        todo = [i for i in ids if (table.name, i) not in self.logged]
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            rows = self.conn.execute(select(table).where(table.c.id.in_(chunk))).mappings()
            entries = [
                {
                    "batch_id": self.batch_id,
                    "table_name": table.name,
                    "row_id": r["id"],
                    "op": "update",
                    "before_json": encode_row(dict(r)),
                }
                for r in rows
            ]
            if entries:
                self.conn.execute(insert(table_of(ChangeLog)), entries)
        self.logged.update((table.name, i) for i in todo)

    def insert_rows(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert new rows (all carrying this batch id) and log them as inserts."""
        if not rows:
            return
        before = self.conn.execute(select(func.max(table.c.id))).scalar() or 0
        # executemany compiles one statement from the first row's keys: group by key set.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in rows:
            groups.setdefault(tuple(sorted(r)), []).append(r)
        for group in groups.values():
            for start in range(0, len(group), 20_000):
                self.conn.execute(insert(table), group[start : start + 20_000])
        self._log_inserts(table, before)

    def insert_columns(
        self,
        table: Table,
        columns: dict[str, list[Any] | Any],
        progress: Progress | None = None,
    ) -> int:
        """Insert rows given as columns (name -> values, or one value for every row); log
        them as inserts. Returns the number of rows.

        Each column's bind processor runs once per distinct value of the whole column, and
        the driver's executemany takes plain tuples zipped from the columns (no per-row
        dicts or lists). ``progress`` is polled between chunks; a cancel raises
        ``Cancelled`` (the caller rolls back).
        """
        progress = progress or NullProgress()
        names = list(columns)
        n = max((len(v) for v in columns.values() if isinstance(v, list)), default=0)
        if n == 0:
            return 0
        lists = [v if isinstance(v, list) else [v] * n for v in columns.values()]
        try:
            mark = param_mark(self.conn)
        except ValueError:
            rows = [dict(zip(names, r, strict=True)) for r in zip(*lists, strict=True)]
            self.insert_rows(table, rows)
            return n
        before = self.conn.execute(select(func.max(table.c.id))).scalar() or 0
        quote = self.conn.dialect.identifier_preparer
        sql = (f"INSERT INTO {quote.format_table(table)} "
               f"({', '.join(quote.quote(c) for c in names)}) "
               f"VALUES ({', '.join([mark] * len(names))})")  # fmt: skip
        for k, proc in processors(self.conn, table, names):
            lists[k] = _process_column(lists[k], proc)
        with indexes_built_after(self.conn, table, n):
            for start in range(0, n, TUPLE_CHUNK):
                if progress.cancelled():
                    raise Cancelled("cancelled")
                end = start + TUPLE_CHUNK
                chunk = list(zip(*(v[start:end] for v in lists), strict=True))
                self.conn.exec_driver_sql(sql, chunk)
        self._log_inserts(table, before)
        return n

    def _log_inserts(self, table: Table, before: int) -> None:
        cl = table_of(ChangeLog)
        src = select(
            literal(self.batch_id),
            literal(table.name),
            table.c.id,
            literal("insert"),
        ).where(table.c.id > before, table.c.batch_id == self.batch_id)
        self.conn.execute(insert(cl).from_select(["batch_id", "table_name", "row_id", "op"], src))

    def update_rows(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Update rows by ``id`` (each dict has ``id`` plus the same columns)."""
        if not rows:
            return
        self.log_updates(table, [int(r["id"]) for r in rows])
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in rows:
            groups.setdefault(tuple(sorted(k for k in r if k != "id")), []).append(r)
        for cols, group in groups.items():
            stmt = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({c: bindparam("_v_" + c) for c in cols})
            )
            params = [{"_id": r["id"], **{"_v_" + c: r[c] for c in cols}} for r in group]
            self.conn.execute(stmt, params)

    def history(self, entity: str, entity_id: int, name: str, old: Any, new: Any) -> None:
        """Record a change of a tracked field (ticket status, stage, billing state)."""
        self.conn.execute(
            insert(table_of(FieldHistory)).values(
                entity=entity,
                entity_id=entity_id,
                field=name,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
                changed_at=self.now,
                batch_id=self.batch_id,
            )
        )


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    #: (row id, column, old value, new value) of updated tracked fields
    changes: list[tuple[int, str, Any, Any]] = field(default_factory=list)
    #: ids of every row the file touched (new, updated or unchanged)
    ids: list[int] = field(default_factory=list)


def upsert(
    writer: BatchWriter,
    table: Table,
    items: Sequence[tuple[Hashable, dict[str, Any]]],
    existing: dict[Hashable, dict[str, Any]],
    *,
    tracked: Sequence[str] = (),
    keep_if_none: Sequence[str] = (),
) -> UpsertResult:
    """Insert rows whose key is not in ``existing``; update those whose values differ.

    ``items`` are (key, row) pairs with unique keys; ``existing`` maps a key to the current
    row (``id`` and at least the columns of the rows). Columns in ``keep_if_none`` are not
    overwritten with a blank. Returns the counts and the changes of ``tracked`` columns.
    """
    res = UpsertResult()
    new_rows: list[dict[str, Any]] = []
    upd_rows: list[dict[str, Any]] = []
    for k, row in items:
        cur = existing.get(k)
        if cur is None:
            row["batch_id"] = writer.batch_id  # rows are the caller's fresh dicts: no copy
            new_rows.append(row)
            continue
        res.ids.append(int(cur["id"]))
        diff = {
            c: v
            for c, v in row.items()
            if cur.get(c) != v and not (v is None and c in keep_if_none)
        }
        if not diff:
            res.unchanged += 1
            continue
        res.changes.extend((int(cur["id"]), c, cur.get(c), diff[c]) for c in tracked if c in diff)
        diff["id"] = cur["id"]
        diff["batch_id"] = writer.batch_id
        upd_rows.append(diff)
    writer.update_rows(table, upd_rows)
    writer.insert_rows(table, new_rows)
    res.new, res.updated = len(new_rows), len(upd_rows)
    return res


def fetch_rows(
    conn: Connection, table: Table, columns: Sequence[str], *where: Any
) -> list[dict[str, Any]]:
    """Rows of ``table`` as dicts (``id`` plus ``columns``), optionally filtered."""
    cols = [table.c.id, *(table.c[c] for c in columns if c != "id")]
    stmt = select(*cols)
    if where:
        stmt = stmt.where(and_(*where))
    return [dict(r) for r in conn.execute(stmt).mappings()]


# ------------------------------------------------------------------------ the batch itself
def open_batch(conn: Connection, **values: Any) -> int:
    """Insert an ``import_batches`` row (file_name, sha256, source_profile, sheet,
    imported_at, as_of); returns its id."""
    b = table_of(ImportBatch)
    return int(conn.execute(insert(b).values(**values).returning(b.c.id)).scalar_one())


def close_batch(conn: Connection, batch_id: int, **counts: int) -> None:
    """Record a batch's row counts (rows_total, rows_new, rows_updated, ...)."""
    b = table_of(ImportBatch)
    conn.execute(update(b).where(b.c.id == batch_id).values(**counts))


def insert_review_items(writer: BatchWriter, items: Sequence[dict[str, Any]]) -> None:
    """Write review items (rows kept for the user to link by hand) for the batch."""
    if items:
        writer.conn.execute(insert(table_of(ReviewItem)), list(items))


def csm_ids(conn: Connection) -> list[tuple[int, str]]:
    """(id, full name) of every CSM (owners are matched by normalised name)."""
    csm = table_of(Csm)
    return [(int(i), str(n)) for i, n in conn.execute(select(csm.c.id, csm.c.full_name))]


def saved_mappings(conn: Connection) -> list[tuple[str, str, str, str]]:
    """(name, kind, header signature, mapping JSON) of each saved column mapping."""
    prof = table_of(ImportProfile)
    q = select(prof.c.name, prof.c.source_kind, prof.c.header_signature, prof.c.mapping_json)
    return [(str(n), str(k), str(h), str(m)) for n, k, h, m in conn.execute(q)]


def put_mapping(conn: Connection, name: str, values: dict[str, Any]) -> None:
    """Insert or replace the saved column mapping called ``name``."""
    prof = table_of(ImportProfile)
    hit = conn.execute(select(prof.c.id).where(prof.c.name == name)).scalar()
    if hit is None:
        conn.execute(insert(prof).values(name=name, **values))
    else:
        conn.execute(update(prof).where(prof.c.id == hit).values(**values))


def accounts_with_subscriptions(conn: Connection) -> set[int]:
    """Ids of the accounts any subscription is linked to (their MRR is the subscriptions')."""
    sub = table_of(Subscription)
    q = select(sub.c.account_id).where(sub.c.account_id.is_not(None)).distinct()
    return {int(a) for (a,) in conn.execute(q)}
