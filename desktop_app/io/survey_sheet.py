"""Relationship-survey exports with several rated questions: Qualtrics, SurveyMonkey, CSV.

Read with the importers' readers and header finder (Qualtrics' three header rows and
SurveyMonkey's two are recognised there). Each column whose question text names a category
(communication, consultation, service, product, likelihood to recommend) is a rating;
"how important is ..." questions are importance ratings. ``mapping`` overrides the guess
per column. Bad ratings become ``Problem``s naming file, sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop_app.domain.perception import (
    Category,
    classify_question,
    rating_value,
    scale_of,
    to_ten,
)
from desktop_app.io import normalize as nz
from desktop_app.io.dates import parse_date
from desktop_app.io.locate import find_header, header_key
from desktop_app.io.model import ImportFileError, Problem, file_sha256
from desktop_app.io.readers import open_source

_ID_ALIASES: dict[str, tuple[str, ...]] = {
    "response_id": ("ResponseId", "Response ID", "Respondent ID", "Id"),
    "account_sf_id": ("Salesforce Account ID", "SF Account ID", "Account ID"),
    "account_name": ("Account", "Account Name", "Company", "Organization", "Customer"),
    "email": ("RecipientEmail", "Recipient Email", "Email", "Email Address"),
    "responded_at": (
        "RecordedDate",
        "Recorded Date",
        "End Date",
        "EndDate",
        "Date",
        "Submitted At",
    ),
}
_ID_KEYS = {f: tuple(header_key(a) for a in names) for f, names in _ID_ALIASES.items()}


@dataclass(frozen=True)
class Rating:
    row: int
    response_key: str
    account_sf_id: str | None
    account_name: str | None
    responded_at: date | None
    question: str
    category: Category
    kind: str  # performance | importance
    value: float  # 0-10


@dataclass
class SurveySheet:
    file: str
    sheet: str | None
    sha256: str
    questions: dict[str, tuple[Category, str]]  # column -> (category, kind)
    ratings: list[Rating] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        return None


def _id_columns(names: list[str]) -> dict[str, int]:
    keys = [header_key(n) for n in names]
    out: dict[str, int] = {}
    for fld, aliases in _ID_KEYS.items():
        hit = next((i for a in aliases for i, k in enumerate(keys) if k == a), None)
        if hit is not None and hit not in out.values():
            out[fld] = hit
    return out


def read_survey(
    path: str | Path, sheet: str | None = None, mapping: dict[str, str] | None = None
) -> SurveySheet:
    """Read a survey export; ``ImportFileError`` if the file or its questions are unusable.

    ``mapping`` maps a column (or question text) to a category name, with " importance"
    appended for an importance question, or to "" to leave it out.
    """
    src = open_source(path, sheet)
    where = f"{src.file}, sheet '{src.sheet}'" if src.sheet else src.file
    known = {k for keys in _ID_KEYS.values() for k in keys}
    try:
        header = find_header(src.head, known, src.merged)
    except ValueError:
        raise ImportFileError(f"{where}: no table with column headers was found") from None
    ids = _id_columns(header.names)
    if "account_sf_id" not in ids and "account_name" not in ids:
        raise ImportFileError(f"{where}: the survey needs an Account (or Account ID) column")
    questions = _questions(header.names, header.labels, set(ids.values()), mapping or {})
    if not questions:
        raise ImportFileError(f"{where}: no rated question names a category we know")
    cols = sorted(set(ids.values()) | {header.names.index(c) for c in questions})
    body = src.read_body(header.data_start, len(header.names), cols, _Quiet())
    out = SurveySheet(src.file, src.sheet, file_sha256(path), questions)
    _ratings(out, header.names, body, ids, header.data_start + 1)
    return out


def _questions(
    names: list[str], labels: list[str], skip: set[int], mapping: dict[str, str]
) -> dict[str, tuple[Category, str]]:
    out: dict[str, tuple[Category, str]] = {}
    for i, name in enumerate(names):
        if i in skip:
            continue
        text = f"{name} {labels[i] if i < len(labels) else ''}".strip()
        given = mapping.get(name, mapping.get(labels[i] if i < len(labels) else ""))
        if given is not None:
            if not given:
                continue
            kind = "importance" if given.endswith(" importance") else "performance"
            out[name] = (Category(given.removesuffix(" importance")), kind)
            continue
        found = classify_question(text)
        if found is not None:
            out[name] = found
    return out


def _ratings(
    out: SurveySheet, names: list[str], body: list[Any], ids: dict[str, int], first_row: int
) -> None:
    def col(i: int) -> list[Any]:
        return list(body[i].values())

    idv = {f: col(i) for f, i in ids.items()}
    n = len(col(names.index(next(iter(out.questions)))))
    for name, (cat, kind) in out.questions.items():
        values = col(names.index(name))
        parsed: list[tuple[int, float]] = []
        for k, cell in enumerate(values):
            if nz.is_blank(cell):
                continue
            v = rating_value(cell)
            if v is None or v < 0 or v > 10:
                out.problems.append(
                    Problem(out.file, out.sheet, first_row + k, name, f"not a rating: {cell!r}")
                )
                continue
            parsed.append((k, v))
        scale = scale_of([v for _k, v in parsed])
        for k, v in parsed:
            row = first_row + k
            out.ratings.append(
                Rating(
                    row=row,
                    response_key=str(idv["response_id"][k])
                    if "response_id" in idv
                    else f"row {row}",
                    account_sf_id=nz.clean_text(idv["account_sf_id"][k])
                    if "account_sf_id" in idv
                    else None,
                    account_name=nz.clean_text(idv["account_name"][k])
                    if "account_name" in idv
                    else None,
                    responded_at=_date(idv["responded_at"][k]) if "responded_at" in idv else None,
                    question=name,
                    category=cat,
                    kind=kind,
                    value=round(to_ten(v, scale), 4),
                )
            )
    if n == 0:
        out.problems.append(Problem(out.file, out.sheet, None, None, "the survey has no responses"))


class _Quiet:
    def report(self, fraction: float, message: str = "") -> None:
        pass

    def cancelled(self) -> bool:
        return False
