"""Importing export files into the book: preview, store (one transaction = one batch), undo.

Policies (shared by the CLI and the import wizard):

* One file = one batch = one transaction. A failed or cancelled import rolls back and
  leaves the database exactly as it was.
* Re-importing a file whose exact bytes (sha256) were already imported — and not rolled
  back — is refused politely: nothing is written, no batch is recorded, and the summary's
  ``message`` says "already imported on <date>, nothing changed". A different file with
  the same data (e.g. a fresh export) is compared row by row and shows 0 new / 0 updated.
* ``import_files`` reads and validates every file first; if any cannot be read, nothing
  is written. The files are then stored one batch each (accounts first, so that the
  other kinds can link to them) in ONE transaction: if any file fails to store, or the
  import is cancelled (Ctrl-C, SIGTERM, Cancel), no file is written. Each batch can still
  be rolled back on its own afterwards.
* Rows with problems are skipped and reported; rows matching no account, and rows whose
  account name only matches approximately, are kept in ``review_items`` and counted.

``files`` holds the summary, the validation and ``import_files`` with its repeat check
(light: a refused re-import loads nothing of this module).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from desktop_app.io.model import KINDS, ImportFileError, ImportPreview, SavedProfile, file_sha256
from desktop_app.services.errors import UserError
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.importing.context import StoreContext
from desktop_app.services.importing.files import (
    ImportSummary,
    import_files,
    refusal,
    validate,
    where,
)
from desktop_app.services.importing.history import BatchInfo, list_batches, rollback_batch
from desktop_app.services.importing.link import AccountIndex
from desktop_app.services.progress import NullProgress, Progress, ScaledProgress, check
from desktop_app.services.team import announce_batches, hold_book_lock
from desktop_app.store.batch_lookup import find_batch
from desktop_app.store.dialect import is_permission_denied
from desktop_app.store.engine import Store, one_line
from desktop_app.store.import_writer import (
    BatchWriter,
    close_batch,
    open_batch,
    put_mapping,
    saved_mappings,
)

if TYPE_CHECKING:
    from desktop_app.io.read_ahead import SheetAhead

__all__ = [
    "BatchInfo",
    "ImportPreview",
    "ImportSummary",
    "import_all",
    "import_files",
    "import_preview",
    "list_batches",
    "preview_file",
    "profile_label",
    "rollback_batch",
    "save_profile",
]

#: Storage order when several files are imported together: accounts before what links to them.
KIND_ORDER = ("accounts", "contacts", "subscriptions", "billing", "opportunities", "usage",
              "tickets", "nps")  # fmt: skip


def profile_label(profile: str) -> str:
    """The human name of a source profile ("Salesforce accounts report", ...)."""
    from desktop_app.io.profiles import profile_label as label

    return label(profile)


def __getattr__(name: str) -> Any:
    """``KIND_LABELS`` (human names of the kinds), loaded with the readers on first use:
    a refused re-import never pays for the readers' numpy."""
    if name == "KIND_LABELS":
        from desktop_app.io.profiles import KIND_LABELS

        return KIND_LABELS
    raise AttributeError(name)


def saved_profiles(store: Store) -> list[SavedProfile]:
    """The column mappings the user confirmed, for the readers to re-apply."""
    with store.engine.connect() as conn:
        rows = saved_mappings(conn)
    return [SavedProfile(n, k, sig, json.loads(m)) for n, k, sig, m in rows]


def preview_file(
    store: Store,
    path: str | Path,
    *,
    sheet: str | None = None,
    profile: str | None = None,
    progress: Progress | None = None,
    sha256: str = "",
    ahead: SheetAhead | None = None,
) -> ImportPreview:
    """Read and normalise a file (nothing is written). Raises ``UserError`` naming the file.

    ``sha256``: the file's hash when the caller computed it (so it is hashed once).
    ``ahead``: the sheet ``io.read_ahead.read_ahead`` started parsing (``import_files``).

    ``progress`` gets fractions while the file is read (every chunk of rows, every column);
    raises ``Cancelled`` when it asks to stop.
    """
    from desktop_app.io.importer import build_preview  # pandas/calamine load on first use

    try:
        with gc_paused():  # its row lists set off collections that free nothing (gc_pause)
            preview: ImportPreview = build_preview(
                str(path), sheet=sheet, profile=profile, saved_profiles=saved_profiles(store),
                progress=progress, sha256=sha256, ahead=ahead,
            )  # fmt: skip
    except ImportFileError as exc:
        raise UserError(str(exc)) from exc
    except FileNotFoundError as exc:
        raise UserError(f"{path}: file not found") from exc
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        # A reader bug or an input it did not foresee: still a message, never a traceback.
        raise UserError(f"{Path(path).name}: cannot read this file ({exc})") from exc
    return preview


def save_profile(
    store: Store, name: str, kind: str, columns: Sequence[str], mapping: dict[str, str]
) -> None:
    """Save (or replace) a named column mapping for files with these header columns."""
    from desktop_app.io.profiles import header_signature

    name = name.strip()
    if not name:
        raise UserError("A profile needs a name.")
    if kind not in KINDS:
        raise UserError(f"Unknown kind of data: {kind!r}.")
    values = {
        "source_kind": kind,
        "header_signature": str(header_signature(list(columns))),
        "mapping_json": json.dumps(mapping, sort_keys=True),
        "created_at": datetime.now().replace(microsecond=0),
    }
    with store.engine.begin() as conn:
        put_mapping(conn, name, values)


def _error_rows(preview: ImportPreview) -> int:
    return len({p.row for p in preview.errors if p.row is not None})


def skipped_row_texts(preview: ImportPreview, stored: Sequence[tuple[int, str]] = ()) -> list[str]:
    """Every skipped row as "row N: reason", in row order: the rows the reader left out,
    the rows with an error (their first error), and ``stored``, the rows skipped while
    storing. Their number is the summary's ``skipped``."""
    out: list[tuple[int, str]] = list(preview.skipped_rows)
    first_error: dict[int, str] = {}
    for p in preview.errors:
        if p.row is not None:
            first_error.setdefault(p.row, p.message)
    out += [(row, f"not imported: {message}") for row, message in first_error.items()]
    out += list(stored)
    return [f"row {row}: {reason}" for row, reason in sorted(out, key=lambda t: t[0])]


def import_preview(
    store: Store,
    preview: ImportPreview,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportSummary:
    """Store a previewed file as one batch (or, with ``dry_run``, count and roll back).

    Returns the summary. Raises ``UserError`` when the file's kind is unknown or it holds
    no importable rows, ``Cancelled`` when ``progress`` asks to stop; in both cases, and
    for any other error, nothing is written.
    """
    return import_all(store, [preview], dry_run=dry_run, progress=progress, today=today)[0]


def import_all(
    store: Store,
    previews: Sequence[ImportPreview],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ImportSummary]:
    """Store previews in one transaction, one batch each, accounts first.

    All or nothing: raises ``UserError`` naming the file that could not be stored, or
    ``Cancelled``; then no file is written. A dry run rolls everything back at the end.
    """
    progress = progress or NullProgress()
    for preview in previews:
        validate(preview)
    ordered = sorted(previews, key=_kind_rank)
    n = max(len(ordered), 1)
    out: list[ImportSummary] = []
    with gc_paused(), store.engine.connect() as conn:  # as preview_file
        trans = conn.begin()
        try:
            if not dry_run:
                hold_book_lock(conn, progress)
            for i, preview in enumerate(ordered):
                scaled = ScaledProgress(progress, i / n, 1 / n, Path(preview.file).name)
                out.append(_import_in(conn, preview, scaled, today or date.today(), dry_run))
            check(progress, 0.99, "Committing…")
        except BaseException:
            trans.rollback()
            raise
        if dry_run:
            trans.rollback()
            for s in out:
                s.batch_id = None
        else:
            announce_batches(conn, [s.batch_id for s in out if s.batch_id])
            trans.commit()
    progress.report(1.0, "Done")
    return out


def _import_in(
    conn: Connection, preview: ImportPreview, progress: Progress, today: date, dry_run: bool
) -> ImportSummary:
    """Store one preview as one batch inside the caller's transaction (under a savepoint
    only in the sense that any error propagates and the caller rolls everything back)."""
    name = Path(preview.file).name
    check(progress, 0.0, f"Importing {name}…")
    sha = preview.sha256 or _safe_sha(preview.file)
    base = {"file": preview.file, "profile": preview.profile, "kind": preview.kind,
            "sheet": preview.sheet, "dry_run": dry_run}  # fmt: skip
    hit = find_batch(conn, sha, preview.sheet, False) if sha else None
    if hit is not None:
        return refusal(base, hit)
    try:
        return _store(conn, preview, sha, progress, today, base)
    except DBAPIError as exc:
        if is_permission_denied(exc):
            raise UserError("your role cannot import; ask CS operations") from None
        raise UserError(f"{where(preview)}: could not be stored ({one_line(exc)}); "
                        "nothing was written") from exc  # fmt: skip
    except (OverflowError, ValueError) as exc:
        raise UserError(f"{where(preview)}: could not be stored ({exc}); "
                        "nothing was written") from exc  # fmt: skip


def _safe_sha(path: str) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def _store(
    conn: Connection,
    preview: ImportPreview,
    sha: str,
    progress: Progress,
    today: date,
    base: dict[str, Any],
) -> ImportSummary:
    now = datetime.now().replace(microsecond=0)
    batch_id = open_batch(conn, file_name=Path(preview.file).name, sha256=sha or None,
                          source_profile=preview.profile[:80], sheet=preview.sheet,
                          imported_at=now, as_of=today)  # fmt: skip
    kind = preview.kind
    index = AccountIndex.load(conn, contacts=kind == "nps",
                              codes=kind in ("subscriptions", "billing"))  # fmt: skip
    ctx = StoreContext(BatchWriter(conn, batch_id, now), index, today, where(preview),
                       progress=progress)  # fmt: skip
    check(progress, 0.1, f"Linking and writing {len(preview.records):,} {kind} rows…")
    from desktop_app.services.importing.billing import (
        recompute_from_subscriptions,
        recompute_renewal,
    )
    from desktop_app.services.importing.storers import STORERS

    touched = STORERS[kind](ctx, preview.table)
    check(progress, 0.8, "Updating derived account fields…")
    if kind == "subscriptions":
        recompute_from_subscriptions(ctx, touched)
    elif kind == "opportunities":
        recompute_renewal(ctx, touched)
    ctx.flush_review()
    c = ctx.counts
    skipped = c.skipped + preview.rows_skipped + _error_rows(preview)
    total = len(preview.records) + preview.rows_skipped + _error_rows(preview)
    close_batch(conn, batch_id, rows_total=total, rows_new=c.new, rows_updated=c.updated,
                rows_unchanged=c.unchanged, rows_unmatched=c.unmatched + c.review,
                rows_skipped=skipped)  # fmt: skip
    messages = [str(p) for p in preview.problems] + ctx.problems
    return ImportSummary(
        batch_id=batch_id, new=c.new, updated=c.updated, unchanged=c.unchanged,
        unmatched=c.unmatched, skipped=skipped, problems=len(messages),
        unmatched_examples=ctx.unmatched_examples, review=c.review,
        problem_messages=messages, skipped_rows=skipped_row_texts(preview, ctx.skipped_rows),
        **base,
    )  # fmt: skip


def _kind_rank(preview: ImportPreview) -> int:
    return KIND_ORDER.index(preview.kind) if preview.kind in KIND_ORDER else len(KIND_ORDER)
