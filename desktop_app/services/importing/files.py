"""Importing files by path: the summary of an import, and the refusal of a file imported before.

``import_files`` checks, hashes and looks up every file before it reads any: a file whose
exact bytes were imported before (and not rolled back) is refused here, so re-importing an
unchanged file costs the hash and one query. The readers, the ORM schema and the writers
(``batch``) load only when a file has to be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.io.model import (
    KINDS,
    ImportFileError,
    ImportPreview,
    check_input_file,
    file_sha256,
)
from desktop_app.services.errors import UserError
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.progress import NullProgress, Progress, ScaledProgress, check
from desktop_app.store.batch_lookup import find_batch

if TYPE_CHECKING:
    from desktop_app.store.engine import Store


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    file: str
    profile: str
    kind: str
    batch_id: int | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    skipped: int = 0
    problems: int = 0
    unmatched_examples: list[str] = field(default_factory=list)
    review: int = 0
    sheet: str | None = None
    dry_run: bool = False
    message: str = ""
    problem_messages: list[str] = field(default_factory=list)
    #: "row N: reason" for every row ``skipped`` counts (blank, total, footer, repeated
    #: header, duplicate, row with an error), in row order.
    skipped_rows: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        """True when the import changed the database."""
        return self.batch_id is not None and not self.dry_run

    def as_json(self) -> dict[str, Any]:
        """The public JSON form (CLI ``import --json``)."""
        keys = ("file", "profile", "kind", "batch_id", "new", "updated", "unchanged",
                "unmatched", "skipped", "problems", "unmatched_examples", "review", "sheet",
                "dry_run", "message", "skipped_rows")  # fmt: skip
        return {k: getattr(self, k) for k in keys}


def refusal(preview_like: dict[str, Any], hit: Any) -> ImportSummary:
    """The summary of a file not stored again: ``hit`` is its earlier batch (``find_batch``)."""
    when = hit[0].strftime("%Y-%m-%d %H:%M")
    return ImportSummary(
        batch_id=None,
        unchanged=int(hit[1] or 0),
        message=f"already imported on {when}, nothing changed",
        **preview_like,
    )


def where(preview: ImportPreview) -> str:
    """The file (and sheet) as messages name it."""
    name = Path(preview.file).name
    return f"{name}, sheet '{preview.sheet}'" if preview.sheet else name


def validate(preview: ImportPreview) -> None:
    """Raise ``UserError`` unless the preview has a known kind and rows to store."""
    if preview.kind not in KINDS:
        first = preview.errors[0].message if preview.errors else "unknown kind of data"
        raise UserError(f"{where(preview)}: cannot import: {first}")
    if not preview.records:
        detail = f" ({len(preview.errors)} rows with problems)" if preview.errors else ""
        raise UserError(f"{where(preview)}: no rows to import{detail}")


def import_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    sheet: str | None = None,
    profile: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ImportSummary]:
    """Read and validate every file, then store them in one transaction, one batch each
    (accounts first).

    Files already imported byte for byte are not read again (their summary says so).
    Raises ``UserError`` naming the first file that cannot be read or stored, or
    ``Cancelled``; then nothing at all has been written.

    The cyclic garbage collector waits until the end (``gc_pause``): the readers' and
    writers' row lists and tuples set off some 500 collections that freed nothing (0.4 s
    of a 100k-row workbook's import).
    """
    with gc_paused():
        return _import_files(store, paths, sheet, profile, dry_run, progress, today)


def _import_files(
    store: Store,
    paths: Sequence[str | Path],
    sheet: str | None,
    profile: str | None,
    dry_run: bool,
    progress: Progress | None,
    today: date | None,
) -> list[ImportSummary]:
    progress = progress or NullProgress()
    done: list[ImportSummary] = []
    previews: list[ImportPreview] = []
    for i, path in enumerate(paths):
        check(progress, 0.3 * i / max(len(paths), 1), f"Reading {Path(path).name}…")
        try:
            check_input_file(path)
        except ImportFileError as exc:
            raise UserError(str(exc)) from None
        sha = file_sha256(path)
        hit = _repeat_of(store, path, sha, sheet)
        if hit is not None:
            base = {"file": str(path), "profile": "", "kind": "", "sheet": sheet,
                    "dry_run": dry_run}  # fmt: skip
            done.append(refusal(base, hit))
            continue
        from desktop_app.io.read_ahead import read_ahead

        # A workbook's sheet is parsed on a thread (after the guard) while the readers and
        # writers load: ~0.3 s of a 100k-row workbook's import.
        ahead = read_ahead(path, sheet)
        from desktop_app.services.importing.batch import preview_file  # the readers: a new file

        preview = preview_file(store, path, sheet=sheet, profile=profile, sha256=sha, ahead=ahead)
        validate(preview)
        previews.append(preview)
    if previews:
        from desktop_app.services.importing.batch import import_all

        scaled = ScaledProgress(progress, 0.3, 0.7)
        done += import_all(store, previews, dry_run=dry_run, progress=scaled, today=today)
    return done


def _repeat_of(store: Store, path: str | Path, sha: str, sheet: str | None) -> Any:
    """The earlier batch of exactly this file (hash ``sha``, and sheet), if still in force."""
    with store.engine.connect() as conn:
        if sheet is not None:
            return find_batch(conn, sha, sheet, False)
        hit = find_batch(conn, sha, None, True)
    if hit is None:
        return None
    from desktop_app.io.sniff import sheet_count  # neither calamine nor numpy

    try:
        sheets = sheet_count(str(path))
    except ImportFileError:
        return None
    return hit if sheets <= 1 else None
