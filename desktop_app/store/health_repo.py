"""The score repository: ``health_scores`` rows written as tuples (only those that changed),
breakdowns as arrays, and the log of scoring runs (``health_runs``).

Every account's breakdown has the same shape (raw value, points, weight and contribution of
each measure of the card), so it is stored as one float64 array a row (``measures``) next to
the ids and labels of the scorecard version's measures, stored once (``HealthMeasureSet``):
~0.6 KB a row where the JSON took ~2 KB, built in numpy rather than 100k ``json.dumps``;
compact (``store.measure_blob``) when measures have no data: ~70 bytes.
``stored_measures_json`` gives the readers the same JSON as before, for new and old rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, select

from desktop_app.domain.health import ScoreResult
from desktop_app.store.book_reader import decode_measures, read_measure_set
from desktop_app.store.bulk import (
    IN_CHUNK,
    WriteCount,
    delete_ids,
    insert_tuples,
    sync_rows,
    table_of,
)
from desktop_app.store.driver_form import driver_values
from desktop_app.store.measure_blob import encode_parts
from desktop_app.store.schema import (
    Account,
    BillingState,
    ChangeLog,
    Contact,
    HealthMeasureSet,
    HealthRun,
    HealthScore,
    ImportBatch,
    NpsResponse,
    Subscription,
    Ticket,
    UsageMonth,
)

_SCORE_COLUMNS = ("account_id", "score", "band", "band_reason", "confidence", "measures",
                  "organic", "scorecard_version_id", "as_of", "computed_at")  # fmt: skip
#: Tables an import writes whose rows belong to an account (and feed its score).
_ACCOUNT_ROWS = {
    m.__tablename__: table_of(m)
    for m in (Account, Contact, Subscription, UsageMonth, Ticket, NpsResponse, BillingState)
}
#: The four rows of a stored breakdown, with the decimals the JSON breakdown kept.
_PARTS = (("raw", 4), ("points", 2), ("weight", 3), ("contribution", 3))


def write_measure_set(
    conn: Connection, version_id: int, ids: Sequence[str], labels: Sequence[str]
) -> None:
    """Record the measures ``version_id`` scores with (once; replaced if they differ)."""
    table = table_of(HealthMeasureSet)
    values = (json.dumps(list(ids)), json.dumps(list(labels)))
    have = conn.execute(
        select(table.c.measure_ids_json, table.c.labels_json).where(
            table.c.scorecard_version_id == version_id
        )
    ).first()
    if have is not None and tuple(have) == values:
        return
    delete_ids(conn, table, "scorecard_version_id", [version_id])
    names = ("scorecard_version_id", "measure_ids_json", "labels_json")
    insert_tuples(conn, table, names, [(version_id, *values)])


def measure_arrays(r: ScoreResult) -> list[bytes]:
    """Each account's breakdown as stored: a float64 (4, measures) array, compact
    (``store.measure_blob``: the columns of measures without data left out)."""
    parts = [getattr(r, name) for name, _digits in _PARTS]
    return encode_parts(parts, [digits for _name, digits in _PARTS])


def _score_view(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stored score row as ``write_scores`` builds it: in the driver's own form, but a
    breakdown as bytes (a driver may give a memoryview)."""
    if row[5] is None or isinstance(row[5], bytes):
        return row
    return (*row[:5], bytes(row[5]), *row[6:])


def write_scores(
    conn: Connection,
    r: ScoreResult,
    reasons: Sequence[str | None],
    version_id: int,
    as_of: date,
    only: Sequence[int] | None = None,
    count: WriteCount | None = None,
) -> int:
    """Make ``health_scores`` hold ``r`` (every row when ``only`` is None, else only those
    ids' rows): rows equal to the stored ones (all but ``computed_at``) are left alone, and
    accounts no longer scored lose their row. Returns the number of rows written; ``count``
    (if given) adds what was compared, kept, written and deleted.

    The rows are built in the driver's form (``driver_form.driver_values``: dates as ISO text and
    booleans as 0/1 on SQLite), compared with the stored rows as the driver gives them and
    written without a bind processor per value (~0.2 s of a 100k rescore), the run's
    version, as-of and time as literals (``bulk.insert_tuples``'s ``same_tail``)."""
    write_measure_set(conn, version_id, r.measure_ids, r.measure_labels)
    n = len(r)
    table = table_of(HealthScore)
    (as_of_value,) = driver_values(conn, table, "as_of", [as_of])
    (now,) = driver_values(conn, table, "computed_at", [datetime.now()])
    rows = zip(
        r.account_id.tolist(),
        [None if s != s else s for s in r.score.tolist()],
        r.band.tolist(),
        list(reasons),
        r.confidence.tolist(),
        measure_arrays(r),
        driver_values(conn, table, "organic", r.organic.tolist()),
        [version_id] * n,
        [as_of_value] * n,
        [now] * n,
        strict=True,
    )
    done = sync_rows(
        conn,
        table,
        _SCORE_COLUMNS,
        rows,
        compare=len(_SCORE_COLUMNS) - 1,
        stored_view=_score_view,
        only=only,
        ready=True,
        same_tail=3,  # version, as-of and time of the run
    )
    if count is not None:
        count.add(done)
    return done.written


def _num(v: float) -> float | None:
    return None if v != v else v


def stored_measures_json(conn: Connection, account_id: int) -> str | None:
    """The account's stored breakdown as JSON: ``{"measures": {id: {label, raw, points,
    weight, contribution}}, "organic": bool}``; None when it has not been scored."""
    hs = table_of(HealthScore)
    row = conn.execute(
        select(hs.c.measures_json, hs.c.measures, hs.c.organic, hs.c.scorecard_version_id)
        .where(hs.c.account_id == account_id)
    ).first()  # fmt: skip
    if row is None:
        return None
    if row[0] is not None or row[1] is None:
        return row[0]  # type: ignore[no-any-return]
    meta = read_measure_set(conn, row[3])
    if meta is None:
        return None
    ids, labels = meta
    values = decode_measures(row[1], len(ids)).tolist()
    measures = {
        mid: {
            "label": labels[j],
            "raw": _num(values[0][j]),
            "points": _num(values[1][j]),
            "weight": values[2][j],
            "contribution": values[3][j],
        }
        for j, mid in enumerate(ids)
    }
    return json.dumps({"measures": measures, "organic": bool(row[2])})


@dataclass(frozen=True, slots=True)
class RunInputs:
    """What a scoring run read besides the accounts' own rows: if any of it changes, every
    account's score may change, and only a rescore of the whole book is right."""

    as_of: date
    scorecard_version_id: int
    observed_day: date | None
    sources: frozenset[str]
    months: tuple[int, ...]  # day numbers of the history's months


def record_run(
    conn: Connection,
    scope: str,
    inputs: RunInputs,
    accounts_scored: int,
    rows_written: int,
) -> None:
    """Log a scoring run (``scope``: "book" or "accounts")."""
    names = ("scope", "as_of", "scorecard_version_id", "computed_at", "observed_day",
             "sources", "months", "accounts_scored", "rows_written")  # fmt: skip
    months = np.array(inputs.months, dtype="<i4").tobytes()
    row = (scope, inputs.as_of, inputs.scorecard_version_id, datetime.now(),
           inputs.observed_day, ",".join(sorted(inputs.sources)), months, accounts_scored,
           rows_written)  # fmt: skip
    insert_tuples(conn, table_of(HealthRun), names, [row])


def last_run(conn: Connection) -> tuple[datetime, RunInputs] | None:
    """When the newest scoring run ran and the book-wide inputs it used (None: never)."""
    t = table_of(HealthRun)
    row = conn.execute(
        select(t.c.computed_at, t.c.as_of, t.c.scorecard_version_id, t.c.observed_day,
               t.c.sources, t.c.months)
        .order_by(t.c.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    if row is None:
        return None
    sources = frozenset(s for s in (row[4] or "").split(",") if s)
    months = tuple(np.frombuffer(row[5] or b"", dtype="<i4").tolist())
    return row[0], RunInputs(row[1], row[2], row[3], sources, months)


def touched_accounts(conn: Connection, batch_ids: Sequence[int], limit: int) -> list[int] | None:
    """The accounts whose rows the import batches ``batch_ids`` inserted or updated (from
    ``change_log``, including the account a re-linked row belonged to before); None when
    there are more than ``limit`` (the caller rescores the whole book)."""
    log = table_of(ChangeLog)
    found: set[int] = set()
    ids = list(batch_ids)
    if not ids:
        return []
    for name, table in _ACCOUNT_ROWS.items():
        col = table.c.id if name == "accounts" else table.c.account_id
        rows = conn.execute(
            select(col)
            .join(log, (log.c.row_id == table.c.id) & (log.c.table_name == name))
            .where(log.c.batch_id.in_(ids), col.is_not(None))
            .distinct()
        ).scalars()
        found.update(int(a) for a in rows)
        if len(found) > limit:
            return None
    before = conn.execute(
        select(log.c.before_json).where(
            log.c.batch_id.in_(ids), log.c.op == "update", log.c.table_name != "accounts"
        )
    ).scalars()
    for text in before:
        aid = json.loads(text).get("account_id") if text else None
        if aid is not None:
            found.add(int(aid))
            if len(found) > limit:
                return None
    return sorted(found)


def batches_since(conn: Connection, at: datetime) -> list[int]:
    """Live import batches imported at or after ``at`` (to the second: imports stamp whole
    seconds, so a batch stamped in the second of ``at`` counts)."""
    at = at.replace(microsecond=0)
    b = table_of(ImportBatch)
    rows = conn.execute(
        select(b.c.id).where(b.c.imported_at >= at, b.c.rolled_back_at.is_(None))
    ).scalars()
    return [int(r) for r in rows]


def rolled_back_since(conn: Connection, at: datetime) -> bool:
    """Whether an import batch was rolled back at or after ``at`` (to the second)."""
    at = at.replace(microsecond=0)
    b = table_of(ImportBatch)
    n = conn.execute(select(func.count()).where(b.c.rolled_back_at >= at)).scalar_one()
    return bool(n)


def usage_months_of(conn: Connection, ids: Sequence[int]) -> set[date]:
    """The distinct usage months of the accounts ``ids``."""
    u = table_of(UsageMonth)
    out: set[date] = set()
    for start in range(0, len(ids), IN_CHUNK):
        part = list(ids[start : start + IN_CHUNK])
        rows = conn.execute(select(u.c.month).where(u.c.account_id.in_(part)).distinct())
        out.update(m for m in rows.scalars() if m is not None)
    return out
