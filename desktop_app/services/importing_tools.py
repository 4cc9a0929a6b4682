"""Helpers for the import wizard: several previews in one go, the mapping editor, problems."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from desktop_app.io.model import KINDS, ImportFileError, ImportPreview
from desktop_app.services.errors import UserError
from desktop_app.services.importing import KIND_ORDER, ImportSummary, import_preview
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.engine import Store

PROBLEM_HEADERS = ("File", "Sheet", "Row", "Column", "Severity", "Problem")


class _Scaled:
    """A Progress that maps 0..1 of one file onto its share of the whole run."""

    def __init__(self, inner: Progress, start: float, width: float, label: str) -> None:
        self._inner, self._start, self._width, self._label = inner, start, width, label

    def report(self, fraction: float, message: str = "") -> None:
        self._inner.report(self._start + self._width * fraction, f"{self._label}: {message}")

    def cancelled(self) -> bool:
        return self._inner.cancelled()


def import_previews(
    store: Store,
    previews: Sequence[ImportPreview],
    *,
    progress: Progress | None = None,
    done: list[ImportSummary] | None = None,
    today: date | None = None,
) -> list[ImportSummary]:
    """Store several previews, one batch each, accounts first; returns their summaries.

    ``done`` (if given) receives each summary as soon as its file is committed, so a caller
    still knows what was written when a later file is cancelled (``Cancelled`` propagates).
    """
    progress = progress or NullProgress()
    out = done if done is not None else []
    ordered = sorted(
        previews, key=lambda p: KIND_ORDER.index(p.kind) if p.kind in KIND_ORDER else 99
    )
    n = max(len(ordered), 1)
    for i, preview in enumerate(ordered):
        check(progress, i / n, f"Importing {Path(preview.file).name}…")
        scaled = _Scaled(progress, i / n, 1 / n, Path(preview.file).name)
        out.append(import_preview(store, preview, progress=scaled, today=today))
    progress.report(1.0, "Done")
    return list(out)


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
