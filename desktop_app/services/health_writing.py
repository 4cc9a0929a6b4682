"""Writing and reading back scores: ``health_scores`` rows as tuples, breakdowns as arrays.

Every account's breakdown has the same shape (raw value, points, weight and contribution of
each measure of the card), so it is stored as one float64 array a row (``measures``) next to
the ids and labels of the scorecard version's measures, stored once (``HealthMeasureSet``):
~0.6 KB a row where the JSON took ~2 KB, built in numpy rather than 100k ``json.dumps``.
``stored_measures_json`` gives the readers the same JSON as before, for new and old rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, select

from desktop_app.domain.health import ScoreResult
from desktop_app.store.book_reader import decode_measures, read_measure_set
from desktop_app.store.bulk import delete_ids, insert_tuples, replace_rows, table_of
from desktop_app.store.schema import HealthMeasureSet, HealthScore

_SCORE_COLUMNS = ("account_id", "score", "band", "band_reason", "confidence", "measures",
                  "organic", "scorecard_version_id", "as_of", "computed_at")  # fmt: skip
#: The four rows of a stored breakdown, with the decimals the JSON breakdown kept.
_PARTS = (("raw", 4), ("points", 2), ("weight", 3), ("contribution", 3))


def rows_bytes(values: npt.NDArray[Any]) -> list[bytes]:
    """Each row of a 2-D array as its own bytes (one C loop, no per-row numpy call)."""
    arr = np.ascontiguousarray(values)
    width = arr.shape[1] * arr.dtype.itemsize
    out: list[bytes] = arr.view(np.dtype((np.void, width))).ravel().tolist()  # type: ignore[assignment]
    return out


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
    """Each account's breakdown as the bytes of a float64 (4, measures) array."""
    out = np.empty((len(r), len(_PARTS), len(r.measure_ids)), dtype="<f8")
    for k, (name, digits) in enumerate(_PARTS):
        np.round(getattr(r, name), digits, out=out[:, k, :])
    return rows_bytes(out.reshape(len(r), -1))


def write_scores(
    conn: Connection,
    r: ScoreResult,
    reasons: Sequence[str | None],
    version_id: int,
    as_of: date,
    only: Sequence[int] | None = None,
) -> int:
    """Replace the ``health_scores`` rows of ``r``'s accounts (all rows when ``only`` is
    None, else only those ids' rows); returns the number of rows written."""
    write_measure_set(conn, version_id, r.measure_ids, r.measure_labels)
    n = len(r)
    if n == 0:
        delete_ids(conn, table_of(HealthScore), "account_id", only)
        return 0
    now = datetime.now()
    rows = zip(
        r.account_id.tolist(),
        [None if s != s else s for s in r.score.tolist()],
        r.band.tolist(),
        list(reasons),
        r.confidence.tolist(),
        measure_arrays(r),
        r.organic.tolist(),
        [version_id] * n,
        [as_of] * n,
        [now] * n,
        strict=True,
    )
    return replace_rows(conn, table_of(HealthScore), "account_id", _SCORE_COLUMNS, rows, only)


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
