"""Import commands: ``import FILE…``, ``imports`` (the history) and ``rollback BATCH_ID``.

``import`` reads and validates every file before writing anything: if one cannot be read
it exits 2 naming that file, and nothing is written. The files are then stored in one
transaction, each as its own batch (accounts first): if one cannot be stored, none is
(exit 2 naming it). A file imported before, byte for byte, is reported as
"already imported on <date>, nothing changed" and not stored again.

After any write (``import`` that stored a batch, ``rollback``) the book is rescored, as the
GUI does, so health bands and exported scenarios never describe the book before the write.
``import --no-rescore`` leaves that to a later ``score`` (several imports in a script pay
for one rescore); the scores are then stale, and ``transition export`` refuses them.
"""

from __future__ import annotations

import argparse
from typing import Any

#: Keys of ``import --json`` (one object per file): a public interface.
SUMMARY_JSON_KEYS = (
    "file", "profile", "kind", "batch_id", "new", "updated", "unchanged", "unmatched",
    "skipped", "problems", "unmatched_examples",
)  # fmt: skip
MAX_PROBLEMS_SHOWN = 20


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import export files (Salesforce, Recurly, usage, Jira…)")
    p.add_argument("files", nargs="+", action="extend", metavar="FILE", help="files to import")
    p.add_argument("--source", metavar="PROFILE", help="source profile (default: detected)")
    p.add_argument("--sheet", metavar="NAME", help="sheet of a workbook (default: detected)")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the summaries as JSON")
    p.add_argument(
        "--no-rescore",
        action="store_true",
        help="leave the scores as they are (run `score` once after several imports)",
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("imports", help="list import batches (the import history)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_imports)

    p = sub.add_parser("rollback", help="undo one import batch")
    p.add_argument("batch_id", type=int, metavar="BATCH_ID", help="batch number (see `imports`)")
    p.set_defaults(handler=cmd_rollback)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import WaitNotices, opened_store, print_json
    from desktop_app.services.importing import import_files

    with opened_store(args.db) as store:
        summaries = import_files(
            store,
            args.files,
            sheet=args.sheet,
            profile=args.source,
            dry_run=args.dry_run,
            progress=WaitNotices(),
        )
        wrote = any(s.wrote for s in summaries)
        scored = rescore_after_import_line(store) if wrote and not args.no_rescore else None
    if args.json:
        out = []
        for s in summaries:
            data = s.as_json()
            out.append({k: data[k] for k in SUMMARY_JSON_KEYS} | data)
        print_json(out)
        return 0
    for s in summaries:
        print(_summary_line(s))
        for msg in s.problem_messages[:MAX_PROBLEMS_SHOWN]:
            print(f"  problem: {msg}")
        if len(s.problem_messages) > MAX_PROBLEMS_SHOWN:
            print(f"  … and {len(s.problem_messages) - MAX_PROBLEMS_SHOWN} more problems")
        for row in s.skipped_rows[:MAX_PROBLEMS_SHOWN]:
            print(f"  skipped: {row}")
        if len(s.skipped_rows) > MAX_PROBLEMS_SHOWN:
            print(f"  … and {len(s.skipped_rows) - MAX_PROBLEMS_SHOWN} more skipped rows")
        for example in s.unmatched_examples:
            print(f"  unmatched: {example}")
    if scored is not None:
        print(scored)
    return 0


def rescore_after_import_line(store: Any) -> str:
    """Rescore what an import changed (the touched accounts, else the book); the line."""
    from desktop_app.services.health import rescore_after_import

    summary = rescore_after_import(store)
    if summary.scope == "accounts":
        return (
            f"Rescored {summary.accounts_scored} accounts (those the import touched) "
            f"as of {summary.as_of.isoformat()}."
        )
    return f"Rescored {summary.accounts_scored} accounts as of {summary.as_of.isoformat()}."


def rescore_after_write(store: Any) -> str:
    """Rescore the book after a CLI write, as the GUI does; the line to print."""
    from desktop_app.services.health import rescore

    summary = rescore(store)
    return f"Rescored {summary.accounts_scored} accounts as of {summary.as_of.isoformat()}."


def _summary_line(s: Any) -> str:
    head = f"{s.file}"
    if s.kind:
        head += f" ({s.profile} → {s.kind})"
    if s.message:
        return f"{head}: {s.message}"
    counts = (
        f"{s.new} new, {s.updated} updated, {s.unchanged} unchanged, {s.unmatched} unmatched, "
        f"{s.review} to review, {s.skipped} skipped, {s.problems} problems"
    )
    tail = " (dry run, nothing written)" if s.dry_run else f"; batch {s.batch_id}"
    return f"{head}: {counts}{tail}"


def cmd_imports(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import opened_store, print_json
    from desktop_app.services.importing import list_batches

    with opened_store(args.db) as store:
        batches = list_batches(store)
    if args.json:
        print_json([
            {"batch_id": b.id, "file": b.file_name, "profile": b.profile, "sheet": b.sheet,
             "imported_at": b.imported_at, "rows": b.rows_total, "new": b.new,
             "updated": b.updated, "unchanged": b.unchanged, "unmatched": b.unmatched,
             "skipped": b.skipped, "rolled_back_at": b.rolled_back_at}
            for b in batches
        ])  # fmt: skip
        return 0
    if not batches:
        print("No imports yet.")
        return 0
    for b in batches:
        state = f"rolled back {b.rolled_back_at:%Y-%m-%d %H:%M}" if b.rolled_back_at else ""
        print(f"{b.id:>5}  {b.imported_at:%Y-%m-%d %H:%M}  {b.file_name[:40]:40}  "
              f"{b.profile[:24]:24}  {b.new:>6} new {b.updated:>6} upd  {state}")  # fmt: skip
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import WaitNotices, opened_store
    from desktop_app.services.importing import rollback_batch

    with opened_store(args.db) as store:
        rollback_batch(store, args.batch_id, progress=WaitNotices())
        scored = rescore_after_write(store)
    print(f"Import batch {args.batch_id} rolled back.")
    print(scored)
    return 0
