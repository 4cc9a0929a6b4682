"""Review commands: ``review [--json]``, ``review accept ID --account X``, ``review dismiss ID``.

Rows an import could not link with certainty (fuzzy name matches, unknown keys) wait in
the review list. ``accept`` stores the row linked to an account, in the row's own import
batch (rolling that batch back takes it back too); ``dismiss`` drops it from the list.
"""

from __future__ import annotations

import argparse
from typing import Any

#: Keys of ``review --json`` (one object per open item): a public interface.
REVIEW_JSON_KEYS = (
    "id", "batch_id", "file", "imported_at", "kind", "row", "key", "record_kind",
    "candidate_account_id", "candidate_name",
)  # fmt: skip


def register(sub: Any) -> None:
    p = sub.add_parser("review", help="list and resolve imported rows that need a review")
    p.add_argument("--json", action="store_true", help="print the open items as JSON")
    p.set_defaults(handler=cmd_review)
    actions = p.add_subparsers(dest="review_command", metavar="ACTION")

    a = actions.add_parser("accept", help="store a row linked to an account")
    a.add_argument("review_id", type=int, metavar="ID", help="review item (see `review`)")
    a.add_argument("--account", required=True, metavar="SF_ID_OR_NAME",
                   help="Salesforce id or exact name of the account")  # fmt: skip
    a.set_defaults(handler=cmd_accept)

    d = actions.add_parser("dismiss", help="drop a row from the review list")
    d.add_argument("review_id", type=int, metavar="ID", help="review item (see `review`)")
    d.set_defaults(handler=cmd_dismiss)


def cmd_review(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import opened_store, print_json
    from desktop_app.services.importing import list_review

    with opened_store(args.db) as store:
        rows = list_review(store)
    if args.json:
        print_json([
            {"id": r.id, "batch_id": r.batch_id, "file": r.file_name,
             "imported_at": r.imported_at, "kind": r.kind, "row": r.row_number,
             "key": r.key_value, "record_kind": r.record_kind,
             "candidate_account_id": r.candidate_account_id, "candidate_name": r.candidate_name,
             "rows": r.rows}
            for r in rows
        ])  # fmt: skip
        return 0
    if not rows:
        print("Nothing to review: every imported row was linked.")
        return 0
    for r in rows:
        match = (
            f"→ {r.candidate_name} (account {r.candidate_account_id})" if r.kind == "fuzzy" else ""
        )
        count = f" ({r.rows} rows)" if r.rows > 1 else ""
        print(f"{r.id:>5}  {r.kind:9}  {r.file_name[:30]:30}  row {r.row_number or '':<6} "
              f"{r.record_kind:13}  {r.key_value[:40]}{count}  {match}".rstrip())  # fmt: skip
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import opened_store
    from desktop_app.services.importing import accept_match, find_account

    with opened_store(args.db) as store:
        account_id = find_account(store, args.account)
        accept_match(store, args.review_id, account_id)
    print(f"Review item {args.review_id} linked to account {account_id}.")
    return 0


def cmd_dismiss(args: argparse.Namespace) -> int:
    from desktop_app.commands.common import opened_store
    from desktop_app.services.importing import dismiss

    with opened_store(args.db) as store:
        dismiss(store, args.review_id)
    print(f"Review item {args.review_id} dismissed.")
    return 0
