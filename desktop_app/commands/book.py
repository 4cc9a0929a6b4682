"""Book commands: ``demo``, ``accounts``, ``db upgrade``, ``db copy``."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from typing import Any

from desktop_app.commands.common import opened_store, print_json

#: The keys of ``accounts --json``: a public interface (extend, never rename).
ACCOUNT_JSON_KEYS = (
    "sf_account_id",
    "name",
    "owner",
    "team_lead",
    "lms_id",
    "recurly_id",
    "segment",
    "mrr",
    "arr",
    "renewal_date",
    "lifecycle",
    "churn_type",
    "mau",
    "open_tickets",
    "health_score",
    "health_band",
    "health_override",
    "health_measures",
)


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="write a realistic demo book into the database")
    p.add_argument(
        "--accounts",
        type=_positive_int,
        default=300,
        metavar="N",
        help="number of accounts (default 300)",
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("accounts", help="list the accounts of the book")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--owner", metavar="NAME", help="only accounts owned by this CSM")
    p.set_defaults(handler=cmd_accounts)

    p = sub.add_parser("db", help="database maintenance")
    dbsub = p.add_subparsers(
        dest="db_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    up = dbsub.add_parser("upgrade", help="upgrade the database schema to this version")
    up.set_defaults(handler=cmd_db_upgrade)
    cp = dbsub.add_parser(
        "copy",
        help="copy the whole book of another database (e.g. a SQLite file) into this empty one",
    )
    cp.add_argument("source", metavar="FROM", help="the database to copy (a file or a URL)")
    cp.set_defaults(handler=cmd_db_copy)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.errors import UserError
    from desktop_app.services.health import rescore

    with opened_store(args.db) as store:
        try:
            summary = generate_demo(store, args.accounts, seed=args.seed)
            rescore(store)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
    print(
        f"Demo book: {summary.accounts} accounts ({summary.churned} churned), "
        f"{summary.csms} CSMs, {summary.usage_rows} usage rows, {summary.tickets} tickets "
        f"-> {summary.location}"
    )
    return 0


def records_json(columns: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    """The JSON objects ``accounts --json`` prints, from a record's fields column by
    column: the public keys first (None where a record lacks one), then the other fields
    but ``id``, dates in ISO format."""
    n = len(next(iter(columns.values()), []))
    keys = [*ACCOUNT_JSON_KEYS, *(k for k in columns if k not in ACCOUNT_JSON_KEYS and k != "id")]
    values = [_iso(columns[k]) if k in columns else [None] * n for k in keys]
    for row in zip(*values, strict=True):
        yield dict(zip(keys, row, strict=True))


def _iso(column: list[Any]) -> list[Any]:
    """A column with its dates in ISO format (columns are of one type, None aside)."""
    first = next((v for v in column if v is not None), None)
    if not isinstance(first, date):
        return column
    return [None if v is None else v.isoformat() for v in column]


def cmd_accounts(args: argparse.Namespace) -> int:
    from desktop_app.services.book import account_columns, account_records

    if args.json:
        with opened_store(args.db) as store:
            columns = account_columns(store, owner=args.owner)
        print_json(list(records_json(columns)))
        return 0
    with opened_store(args.db) as store:
        records = account_records(store, owner=args.owner)
    if not records:
        print("No accounts. Import an account report or run `account-desk demo`.")
        return 0
    for r in records:
        band = r.health_band or "-"
        mrr = f"{r.mrr:,.0f}" if r.mrr is not None else "-"
        print(
            f"{(r.sf_account_id or '-'):18}  {r.name[:40]:40}  {(r.owner or '-')[:18]:18}  "
            f"{mrr:>10}  {band}"
        )
    print(f"{len(records)} accounts")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from desktop_app.services.database import schema_revision

    with opened_store(args.db) as store:
        print(f"Database {store.location} is at schema {schema_revision(store)}.")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    from desktop_app.services.book import copy_book

    with opened_store(args.source) as source, opened_store(args.db) as target:
        summary = copy_book(source, target)
        where = target.location
    print(
        f"Copied {summary.accounts} accounts ({summary.rows} rows in {summary.tables} tables) "
        f"-> {where}"
    )
    return 0
