"""The import pipeline: read -> locate table -> detect profile -> normalise -> ImportPreview."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.io import dates
from desktop_app.io import normalize as nz
from desktop_app.io.derive import aggregate_invoices, derive, derive_account_columns
from desktop_app.io.locate import FactorColumn, HeaderSpec, find_header, finish_table, header_key
from desktop_app.io.model import (
    KINDS,
    ImportFileError,
    ImportPreview,
    Problem,
    Records,
    SavedProfile,
)
from desktop_app.io.profiles import (
    FIELD_TYPES,
    KNOWN_KEYS,
    map_columns,
    match_profile,
    match_saved,
    missing_required,
    profile_by_name,
)
from desktop_app.io.readers import Source, open_source
from desktop_app.io.wide import MONTH_PREFIX, melt_wide, month_columns

_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("sf_account_id",),
    "contacts": ("sf_contact_id",),
    "opportunities": ("sf_opportunity_id",),
    "tickets": ("key",),
    "subscriptions": ("external_id",),
    "nps": ("response_id",),
    "usage": ("lms_id", "account_name", "month"),
}


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _open(path: str | Path, sheet: str | None) -> tuple[Source, HeaderSpec]:
    src = open_source(path, sheet)
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
) -> ImportPreview:
    """Read ``path`` and return what it would import; raise ``ImportFileError`` if unreadable.

    The profile is detected from the headers (saved user profiles first) unless ``profile``
    names one. Unrecognised headers give kind "unknown" with an error Problem.
    """
    src, header = _open(path, sheet)
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
            return _build(src, header, "usage", "usage_wide", id_cols, 0.9, months, str(path))
    if match is None:
        return _unknown(src, header, str(path))
    return _build(src, header, match.kind, match.profile, match.mapping, match.confidence, {},
                  str(path))  # fmt: skip


def apply_mapping(
    path: str | Path, sheet: str | None, kind: str, mapping: dict[str, str]
) -> ImportPreview:
    """Build the preview from a user-confirmed mapping (source column -> canonical field)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    src, header = _open(path, sheet)
    mapping = {c: f for c, f in mapping.items() if c in set(header.names) and f}
    return _build(src, header, kind, "custom", mapping, 1.0, {}, str(path))


def _wide_ids(columns: list[str], months: dict[int, date]) -> dict[str, str]:
    first = next((c for i, c in enumerate(columns) if i not in months), None)
    return {first: "account_name"} if first else {}


def _unknown(src: Source, header: HeaderSpec, path: str) -> ImportPreview:
    problem = Problem(
        src.file, src.sheet, header.row_index + 1, None,
        "no recognisable key columns (such as Account ID, Issue key or account_code); "
        "map the columns by hand",
    )  # fmt: skip
    return ImportPreview(path, src.sheet, "unknown", "", 0.0, [], [], [problem],
                         sheets=src.sheets, sha256=file_sha256(path),
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
    src: Source, header: HeaderSpec, kind: str, profile: str, mapping: dict[str, str],
    confidence: float, months: dict[int, date], path: str,
) -> ImportPreview:  # fmt: skip
    names = header.names
    index = {n: i for i, n in enumerate(names)}
    used = sorted({index[c] for c in mapping} | set(months) | {0, 1, 2})
    used = [u for u in used if u < len(names)]
    body = src.read_body(header.data_start, len(names), used)
    table = finish_table(header, body, header.data_start)
    preview = ImportPreview(path, src.sheet, kind, profile, confidence, [], [], mapping=mapping,
                            sheets=src.sheets, sha256=file_sha256(path),
                            rows_skipped=table.skipped, notes=list(src.notes),
                            columns=list(names))  # fmt: skip
    missing = missing_required(
        kind, set(mapping.values()) | ({"month", "mau"} if months else set())
    )
    if missing:
        message = "no column for required field(s): " + ", ".join(missing)
        preview.problems.append(Problem(src.file, src.sheet, header.row_index + 1, None, message))
        return preview
    rows = table.row_numbers
    bad = np.zeros(len(rows), dtype=bool)
    fields: dict[str, list[Any]] = {}
    plan = [(c, f, f) for c, f in mapping.items()]
    plan += [(names[ci], "mau", f"{MONTH_PREFIX}{ci}") for ci in months]
    for column, field, slot in plan:
        col = table.columns[index[column]]
        values, errors, note = normalize_column(col, field, column, src.decimal_comma)
        if note:
            preview.notes.append(note)
        if errors:
            hit = np.flatnonzero(np.isin(col.codes, list(errors)))
            bad[hit] = True
            for i in hit.tolist():
                preview.problems.append(Problem(src.file, src.sheet, int(rows[i]), column,
                                                errors[int(col.codes[i])]))  # fmt: skip
        fields[slot] = values
    keep = _drop_preview_rows(table, index, header, ~bad)
    del table  # the factorised source columns are no longer needed
    data, numbers = _columns(fields, keep, rows)
    del fields
    preview.mapping = {**mapping, **{names[ci]: "mau" for ci in months}}
    if kind == "accounts" and not months:  # columnar all the way to the database
        derive_account_columns(data, len(numbers))
        preview.records, preview.row_numbers = _dedupe_columns(kind, data, numbers, preview)
        return preview
    records = list(Records(data, len(numbers)))
    del data
    if months:
        records, numbers = melt_wide(records, numbers, months)
    derive(kind, records, profile)
    if profile == "recurly_ar":
        as_of = date.fromtimestamp(Path(path).stat().st_mtime)
        records, numbers = aggregate_invoices(records, numbers, as_of)
        preview.notes.append(f"invoices summed per account as of {as_of.isoformat()}")
    records, numbers = _dedupe(kind, records, numbers, preview)
    preview.records, preview.row_numbers = records, numbers
    return preview


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
        fields = {n: _take(v, idx) for n, v in fields.items()}
    numbers: list[int] = rows[idx].tolist()
    return fields, numbers


def _take(values: list[Any], idx: Any) -> list[Any]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    out: list[Any] = array[idx].tolist()
    return out


def _repeats(data: dict[str, list[Any]], keys: list[str], n: int) -> list[tuple[int, int]]:
    """(row, first row with the same key) for each repeated key; all-blank keys never repeat.

    pandas' hash table instead of a dict of a million tuples keeps big files small.
    """
    values = np.empty(n, dtype=object)
    if len(keys) == 1:
        values[:] = data[keys[0]]
    else:  # element by element: numpy would broadcast a list of tuples into 2-D
        for i, key in enumerate(zip(*(data[k] for k in keys), strict=True)):
            values[i] = None if all(v is None for v in key) else key
    codes, _uniques = pd.factorize(values)
    valid = codes >= 0
    _seen, first_index = np.unique(codes[valid], return_index=True)
    firsts = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(valid)
    firsts[rows] = rows[first_index[np.searchsorted(_seen, codes[valid])]]
    hit = np.flatnonzero(valid & (firsts != np.arange(n)))
    return list(zip(hit.tolist(), firsts[hit].tolist(), strict=True))


def _dedupe_columns(
    kind: str, data: dict[str, list[Any]], numbers: list[int], preview: ImportPreview
) -> tuple[Records, list[int]]:
    """``_dedupe`` on columns: the same rows are kept and the same problems reported."""
    records = Records(data, len(numbers))
    keys = [k for k in _KEYS.get(kind, ()) if numbers and k in data]
    if not keys:
        return records, numbers
    drop: list[int] = []
    for i, first in _repeats(data, keys, len(numbers)):
        key = tuple(data[k][i] for k in keys)
        drop.append(i)
        if records.row(first) != records.row(i):
            preview.problems.append(Problem(
                preview.file and Path(preview.file).name, preview.sheet, numbers[i], None,
                f"duplicate {'/'.join(keys)} {_show(key)} with different values "
                f"(first seen on row {numbers[first]})",
            ))  # fmt: skip
    if not drop:
        return records, numbers
    kept = np.setdiff1d(np.arange(len(numbers)), np.array(drop))
    data = {n: _take(v, kept) for n, v in data.items()}
    return Records(data, len(kept)), [numbers[i] for i in kept.tolist()]


def _dedupe(
    kind: str, records: list[dict[str, Any]], numbers: list[int], preview: ImportPreview
) -> tuple[list[dict[str, Any]], list[int]]:
    """Drop exact duplicate keys; a conflicting duplicate is a Problem on the later row."""
    keys = [k for k in _KEYS.get(kind, ()) if records and k in records[0]]
    if not keys or (kind == "usage" and "month" not in keys):
        return records, numbers
    seen: dict[tuple[Any, ...], int] = {}
    out, out_rows = [], []
    for rec, row in zip(records, numbers, strict=True):
        key = tuple(rec.get(k) for k in keys)
        if all(v is None for v in key):
            out.append(rec)
            out_rows.append(row)
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = len(out)
            out.append(rec)
            out_rows.append(row)
        elif out[first] != rec:
            preview.problems.append(Problem(
                preview.file and Path(preview.file).name, preview.sheet, row, None,
                f"duplicate {'/'.join(keys)} {_show(key)} with different values "
                f"(first seen on row {out_rows[first]})",
            ))  # fmt: skip
    return out, out_rows


def _show(key: tuple[Any, ...]) -> str:
    return "/".join(v.isoformat() if isinstance(v, date | datetime) else str(v) for v in key)
