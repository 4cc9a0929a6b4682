"""Helpers for the import wizard: several previews in one go, the mapping editor, problems."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from desktop_app.io.model import KINDS, ImportFileError, ImportPreview
from desktop_app.services.errors import UserError
from desktop_app.services.importing.batch import ImportSummary, import_all
from desktop_app.services.progress import Progress
from desktop_app.store.engine import Store

PROBLEM_HEADERS = ("File", "Sheet", "Row", "Column", "Severity", "Problem")


def import_previews(
    store: Store,
    previews: Sequence[ImportPreview],
    *,
    progress: Progress | None = None,
    done: list[ImportSummary] | None = None,
    today: date | None = None,
) -> list[ImportSummary]:
    """Store several previews in one transaction, one batch each, accounts first.

    All or nothing (``importing.import_all``): when a file fails or the run is cancelled,
    no file is written. ``done`` (if given) receives the summaries once they are committed.
    """
    out = import_all(store, previews, progress=progress, today=today)
    if done is not None:
        done.extend(out)
    return out


def kinds() -> tuple[str, ...]:
    """The kinds of data an import can hold."""
    return KINDS


def fields_for(kind: str) -> tuple[str, ...]:
    """Canonical fields of a kind (for the mapping editor)."""
    from desktop_app.io.profiles import fields_for as io_fields_for

    return io_fields_for(kind)


def mapped_preview(
    path: str | Path,
    sheet: str | None,
    kind: str,
    mapping: dict[str, str],
    *,
    progress: Progress | None = None,
) -> ImportPreview:
    """A preview built from a mapping the user chose in the editor; raises ``UserError``.

    The file is read again (as ``preview_file`` does), so ``progress`` gets fractions and
    ``Cancelled`` is raised when it asks to stop.
    """
    from desktop_app.io.importer import apply_mapping

    try:
        return apply_mapping(str(path), sheet, kind, mapping, progress=progress)
    except (ImportFileError, ValueError) as exc:
        raise UserError(str(exc)) from exc


def export_problems(previews: Sequence[ImportPreview], path: str | Path) -> int:
    """Write every problem of the previews to a formula-safe CSV; returns how many rows."""
    from desktop_app.io.view_export import write_table

    rows = [
        (p.file, p.sheet or "", p.row or "", p.column or "", p.severity, p.message)
        for preview in previews
        for p in preview.problems
    ]
    return write_table(path, PROBLEM_HEADERS, rows)
