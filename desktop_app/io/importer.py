"""The import pipeline: read -> locate table -> detect profile -> normalise -> ImportPreview."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.domain.progress import NullProgress, Progress, check
from desktop_app.io import dates
from desktop_app.io import normalize as nz
from desktop_app.io.derive import aggregate_invoices, derive
from desktop_app.io.locate import FactorColumn, HeaderSpec, find_header, finish_table, header_key
from desktop_app.io.model import (
    KINDS,
    ImportFileError,
    ImportPreview,
    ImportTable,
    Problem,
    SavedProfile,
    file_sha256,
    take,
)
from desktop_app.io.profiles import (
    FIELD_TYPES,
    KNOWN_KEYS,
    map_columns,
    match_profile,
    match_saved,
    missing_required,
    near_miss,
    profile_by_name,
)
from desktop_app.io.read_ahead import SheetAhead
from desktop_app.io.readers import Source, open_source
from desktop_app.io.wide import MONTH_PREFIX, melt_wide_columns, month_columns


def _open(
    path: str | Path, sheet: str | None, ahead: SheetAhead | None = None
) -> tuple[Source, HeaderSpec]:
    src = open_source(path, sheet, ahead)
    try:
        header = find_header(src.head, KNOWN_KEYS, src.merged)
    except ValueError:
        where = f"{src.file}, sheet '{src.sheet}'" if src.sheet else src.file
        raise ImportFileError(f"{where}: no table with column headers was found") from None
    return src, header


def build_preview(
    path: str | Path,
    *,
    sheet: str | None = None,
    profile: str | None = None,
    saved_profiles: Sequence[SavedProfile] = (),
    progress: Progress | None = None,
    sha256: str = "",
    ahead: SheetAhead | None = None,
) -> ImportPreview:
    """Read ``path`` and return what it would import; raise ``ImportFileError`` if unreadable.

    ``sha256`` is the file's hash when the caller has it already (the file is hashed once
    per import: the repeat check and the batch share it). ``ahead``: the sheet
    ``io.read_ahead.read_ahead`` started parsing, when the caller started it.

    The profile is detected from the headers (saved user profiles first) unless ``profile``
    names one. Unrecognised headers give kind "unknown" with an error Problem. ``progress``
    gets fractions while the body is read (every chunk) and normalised (every column);
    when it says ``cancelled()`` reading stops with ``Cancelled``.
    """
    progress = progress or NullProgress()
    check(progress, 0.0, f"Opening {Path(path).name}…")
    src, header = _open(path, sheet, ahead)
    src.sha256 = sha256 or file_sha256(path)
    columns = header.names
    match = match_saved(columns, saved_profiles)
    if match is None and profile != "usage_wide":
        match = match_profile(columns, profile)
    if match is None and profile in (None, "usage_wide"):
        months = month_columns(header.raw)
        found = map_columns(profile_by_name("usage_long"), columns) if len(months) >= 2 else {}
        id_cols = {c: f for c, f in found.items() if f in ("lms_id", "account_name")}
        if len(months) >= 2 and not id_cols:
            id_cols = _wide_ids(columns, months)
        if len(months) >= 2 and id_cols:
            plan = _Plan("usage", "usage_wide", id_cols, 0.9, months)
            return _build(src, header, plan, str(path), progress)
    if match is None:
        return _unknown(src, header, str(path))
    plan = _Plan(match.kind, match.profile, match.mapping, match.confidence, {})
    return _build(src, header, plan, str(path), progress)


def apply_mapping(
    path: str | Path,
    sheet: str | None,
    kind: str,
    mapping: dict[str, str],
    *,
    progress: Progress | None = None,
) -> ImportPreview:
    """Build the preview from a user-confirmed mapping (source column -> canonical field)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    src, header = _open(path, sheet)
    src.sha256 = file_sha256(path)
    mapping = {c: f for c, f in mapping.items() if c in set(header.names) and f}
    plan = _Plan(kind, "custom", mapping, 1.0, {})
    return _build(src, header, plan, str(path), progress or NullProgress())


#: Normalisation order by field type: 0 shrinks (text -> number/date), 2 grows (15 -> 18 ids).
_GROWTH = {"money": 0, "int": 0, "percent": 0, "date": 0, "instant": 0, "month": 0, "bool": 0,
           "sfid": 2}  # fmt: skip


@dataclass(frozen=True)
class _Plan:
    """What to build: the kind and profile, its column mapping and any month columns."""

    kind: str
    profile: str
    mapping: dict[str, str]
    confidence: float
    months: dict[int, date]


def _wide_ids(columns: list[str], months: dict[int, date]) -> dict[str, str]:
    first = next((c for i, c in enumerate(columns) if i not in months), None)
    return {first: "account_name"} if first else {}


def _unknown(src: Source, header: HeaderSpec, path: str) -> ImportPreview:
    near = near_miss(header.names)
    message = (
        f"{near}; add it or map the columns by hand" if near else
        "no recognisable key columns (such as Account ID, Issue key or account_code); "
        "map the columns by hand"
    )  # fmt: skip
    problem = Problem(src.file, src.sheet, header.row_index + 1, None, message)
    return ImportPreview(path, src.sheet, "unknown", "", 0.0, [], [], [problem],
                         sheets=src.sheets, sha256=src.sha256,
                         notes=list(src.notes), columns=list(header.names))  # fmt: skip


def _parser(ftype: str, column: str, decimal_comma: bool) -> Callable[[Any], Any]:
    cents = "cents" in column.lower()
    table: dict[str, Callable[[Any], Any]] = {
        "sfid": nz.parse_sf_id,
        "email": nz.parse_email,
        "int": partial(nz.parse_int, decimal_comma=decimal_comma),
        "money": partial(nz.parse_money, decimal_comma=decimal_comma, cents=cents),
        "bool": nz.parse_bool,
        "lower": nz.parse_lower,
    }
    return table.get(ftype, nz.clean_text)


def _parse_uniques(
    uniques: list[Any], ftype: str, column: str, decimal_comma: bool
) -> tuple[list[Any], dict[int, str]]:
    """Whole-column fast paths for the shapes whose values are mostly distinct."""
    parse = _parser(ftype, column, decimal_comma)
    if parse is nz.clean_text:
        return nz.clean_texts(uniques), {}
    if ftype == "sfid":
        return nz.sf_ids_18(uniques)
    if ftype in ("money", "int"):
        cents = ftype == "money" and "cents" in column.lower()
        return nz.numbers_fast(uniques, parse, cents=cents, whole=ftype == "int",
                               decimal_comma=decimal_comma)  # fmt: skip
    return nz.normalize_uniques(uniques, parse)


def normalize_column(
    col: FactorColumn, field: str, column: str, decimal_comma: bool
) -> tuple[list[Any], dict[int, str], str | None]:
    """Normalise one factorised column: (per-row values, {unique index: error}, note)."""
    ftype = FIELD_TYPES.get(field, "text")
    note = None
    if ftype in ("date", "instant", "month"):
        order, decided = dates.decide_order(col.uniques)
        func = {"date": dates.parse_date, "instant": dates.parse_instant}.get(
            ftype, dates.parse_month
        )
        parsed, errors = nz.normalize_uniques(col.uniques, partial(func, order=order))
        ambiguous = any(dates.numeric_parts(u) for u in col.uniques)
        if ambiguous and decided:
            label = "day-first" if order == "dmy" else "month-first"
            note = f"{column} read as {label} (values such as " + _example(col, order) + ")"
        elif ambiguous:
            note = f"{column}: day and month could not be told apart; read as month-first"
    elif ftype == "percent":
        items = nz.normalize_percents(col.uniques, decimal_comma=decimal_comma)
        parsed = [None if isinstance(v, ValueError) else v for v in items]
        errors = {i: str(v) for i, v in enumerate(items) if isinstance(v, ValueError)}
    else:
        parsed, errors = _parse_uniques(col.uniques, ftype, column, decimal_comma)
    if field == "score":
        for i, v in enumerate(parsed):
            if v is not None and not 0 <= v <= 10:
                errors[i], parsed[i] = f"not a score from 0 to 10: {v}", None
    table = np.empty(len(parsed) + 1, dtype=object)
    table[:-1] = parsed
    values: list[Any] = table[col.codes].tolist()
    return values, errors, note


def _example(col: FactorColumn, order: str) -> str:
    for u in col.uniques:
        parts = dates.numeric_parts(u)
        if parts and (parts[0] > 12 if order == "dmy" else parts[1] > 12):
            return f"{str(u).strip()!r} fit only that order"
    return "all values"


def _build(
    src: Source, header: HeaderSpec, plan: _Plan, path: str, progress: Progress
) -> ImportPreview:
    names, kind, mapping, months = header.names, plan.kind, plan.mapping, plan.months
    index = {n: i for i, n in enumerate(names)}
    used = sorted({index[c] for c in mapping} | set(months) | {0, 1, 2})
    used = [u for u in used if u < len(names)]
    table = finish_table(
        header, src.read_body(header.data_start, len(names), used, progress), header.data_start
    )
    check(progress, 0.7, "Checking rows…")
    preview = ImportPreview(path, src.sheet, kind, plan.profile, plan.confidence, [], [],
                            mapping=mapping, sheets=src.sheets, sha256=src.sha256,
                            rows_skipped=table.skipped, skipped_rows=list(table.skipped_rows),
                            notes=list(src.notes),
                            columns=list(names))  # fmt: skip
    missing = missing_required(
        kind, set(mapping.values()) | ({"month", "mau"} if months else set())
    )
    if missing:
        message = "no column for required field(s): " + ", ".join(missing)
        preview.problems.append(Problem(src.file, src.sheet, header.row_index + 1, None, message))
        return preview
    rows = table.row_numbers
    keep = _drop_preview_rows(table, index, header, np.ones(len(rows), dtype=bool))
    steps = [(c, f, f) for c, f in mapping.items()]
    steps += [(names[ci], "mau", f"{MONTH_PREFIX}{ci}") for ci in months]
    raw: dict[int, FactorColumn] = dict(enumerate(table.columns))
    del table  # each source column is dropped as soon as it is normalised (peak memory)
    # Columns that shrink when parsed (amounts, dates) go first, ids (which grow) last: the
    # memory the raw text frees is reused. Problems and notes keep the mapping's order.
    order = sorted(
        range(len(steps)), key=lambda k: _GROWTH.get(FIELD_TYPES.get(steps[k][1], "text"), 1)
    )
    last_use = {index[steps[k][0]]: n for n, k in enumerate(order)}
    found: dict[int, tuple[list[Any], list[Problem], str | None]] = {}
    for n, k in enumerate(order):
        column, field, _slot = steps[k]
        check(progress, 0.7 + 0.25 * n / len(steps), f"Reading {column}…")
        col = raw[index[column]]
        if last_use[index[column]] == n:
            del raw[index[column]]
        found[k] = _normalized(col, field, column, src, rows, keep)
    fields: dict[str, list[Any]] = {}
    for k, (_column, _field, slot) in enumerate(steps):
        fields[slot], problems, note = found.pop(k)
        preview.problems.extend(problems)
        if note:
            preview.notes.append(note)
    del raw
    data, numbers = _columns(fields, keep, rows)
    del fields
    check(progress, 0.95, "Deriving fields…")
    preview.mapping = {**mapping, **{names[ci]: "mau" for ci in months}}
    _finish(preview, plan, data, numbers, path)
    progress.report(1.0, f"{len(preview.records):,} rows read")
    return preview


def _normalized(
    col: FactorColumn, field: str, column: str, src: Source, rows: Any, keep: Any
) -> tuple[list[Any], list[Problem], str | None]:
    """One column's per-row values, its problems and note; bad rows leave ``keep``."""
    values, errors, note = normalize_column(col, field, column, src.decimal_comma)
    problems = []
    if errors:
        hit = np.flatnonzero(np.isin(col.codes, list(errors)))
        keep[hit] = False
        for i in hit.tolist():
            problems.append(Problem(src.file, src.sheet, int(rows[i]), column,
                                    errors[int(col.codes[i])]))  # fmt: skip
    return values, problems, note


def _finish(
    preview: ImportPreview, plan: _Plan, data: dict[str, list[Any]], numbers: list[int],
    path: str,
) -> None:  # fmt: skip
    """The import table: wide months melted, derived fields filled, invoices summed.

    Duplicate keys are left in: the storers apply the one duplicate rule (``io.dedupe``)
    on the key each row is stored under."""
    if plan.months:  # a wide usage file melts to millions of rows
        data, numbers = melt_wide_columns(data, numbers, plan.months)
    table = ImportTable(data, numbers)
    derive(plan.kind, table, plan.profile)
    if plan.profile == "recurly_ar":
        as_of = date.fromtimestamp(Path(path).stat().st_mtime)
        table = aggregate_invoices(table, as_of)
        preview.notes.append(f"invoices summed per account as of {as_of.isoformat()}")
    preview.set_table(table)


def _drop_preview_rows(table: Any, index: dict[str, int], header: HeaderSpec, keep: Any) -> Any:
    """Qualtrics "Survey Preview" responses are tests, not data."""
    status = index.get("Status")
    if status is not None and "responseid" in {header_key(n) for n in header.names}:
        col = table.columns[status]
        hits = [i for i, u in enumerate(col.uniques) if str(u).strip().lower() == "survey preview"]
        if hits:
            keep = keep & ~np.isin(col.codes, hits)
    return keep


def _columns(
    fields: dict[str, list[Any]], keep: Any, rows: Any
) -> tuple[dict[str, list[Any]], list[int]]:
    """The kept rows of each field (lists) and their source row numbers."""
    idx = np.flatnonzero(keep)
    if len(idx) != len(rows):
        fields = {n: take(v, idx) for n, v in fields.items()}
    numbers: list[int] = rows[idx].tolist()
    return fields, numbers
