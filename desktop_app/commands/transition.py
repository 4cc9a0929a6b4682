"""Transition commands: ``transition export`` and ``transition list``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import opened_store


def register(sub: Any) -> None:
    p = sub.add_parser("transition", help="account transitions (SOP hand-offs)")
    tsub = p.add_subparsers(
        dest="transition_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    ex = tsub.add_parser(
        "export", help='write the "List of Accounts to Transition" (.xlsx or .csv)'
    )
    who = ex.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--account",
        nargs="+",
        action="extend",
        metavar="SF_ID",
        help="Salesforce account id(s); repeat or list several",
    )
    who.add_argument("--from-owner", metavar="NAME", help="every active account of this CSM")
    who.add_argument("--transition", type=int, metavar="ID", help="a saved transition")
    ex.add_argument("--to", metavar="NEW_CSM", help="full name of the receiving CSM")
    ex.add_argument("--out", required=True, metavar="FILE", help="output .xlsx or .csv file")
    ex.add_argument("--format", choices=("xlsx", "csv"), help="default: from the file suffix")
    ex.add_argument("--force", action="store_true", help="replace an existing file")
    ex.set_defaults(handler=cmd_export)

    ls = tsub.add_parser("list", help="list saved transitions")
    ls.set_defaults(handler=cmd_list)


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.services.errors import UserError
    from desktop_app.services.health import stale_scores
    from desktop_app.services.transitions import accounts_to_transition, export_transition

    with opened_store(args.db) as store:
        stale = stale_scores(store)
        if stale:
            raise UserError(f"{stale}: run `account-desk score` before exporting a transition")
        if args.transition is not None:
            target: Any = args.transition
        else:
            if not args.to:
                raise UserError("--to NEW_CSM is required with --account or --from-owner")
            target = accounts_to_transition(
                store, from_owner=args.from_owner, sf_ids=args.account or ()
            )
        result = export_transition(
            store, target, args.out, to_csm=args.to, overwrite=args.force, fmt=args.format
        )
    print(f"Wrote {result.rows} accounts to {result.path}")
    for m in result.missing:
        print(f"missing: {m.account}: {m.field}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from desktop_app.services.transitions import list_transitions

    with opened_store(args.db) as store:
        rows = list_transitions(store)
    if not rows:
        print("No transitions.")
    for t in rows:
        print(
            f"{t.id:>4}  {t.status:9}  {t.accounts:>5} accounts  {t.name}  ({t.team_lead or '-'})"
        )
    return 0
