"""``account-desk server init|grant|whoami``: team mode on a PostgreSQL server."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("server", help="team mode on PostgreSQL: roles and logins")
    ssub = p.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    init = ssub.add_parser("init", help="create the schema, group roles and row-level policies")
    init.set_defaults(handler=run_init)
    grant = ssub.add_parser("grant", help="map a CSM, team lead or role to a login role")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--csm", metavar="NAME", help="a CSM of the book (sees own accounts)")
    who.add_argument("--tl", metavar="NAME", help="a team lead (sees the team's accounts)")
    who.add_argument("--role", choices=("admin", "ops", "manager"), help="a whole-book role")
    grant.add_argument("--login", required=True, metavar="LOGIN", help="PostgreSQL login role")
    grant.set_defaults(handler=run_grant)
    whoami = ssub.add_parser("whoami", help="print the server, database and role connected")
    whoami.add_argument("--json", action="store_true", help="print JSON")
    whoami.set_defaults(handler=run_whoami)


def run_init(args: argparse.Namespace) -> int:
    from desktop_app.services.team import init_server

    with opened_store(args.db) as store:
        groups = init_server(store)
    print(f"Team roles ready: {', '.join(groups)} (row-level security on)")
    return 0


def run_grant(args: argparse.Namespace) -> int:
    from desktop_app.services.team import grant_login

    with opened_store(args.db) as store:
        g = grant_login(store, args.login, csm=args.csm, tl=args.tl, role=args.role)
    made = "created" if g.created else "updated"
    who = f" as {g.csm}" if g.csm else ""
    print(f"Login {g.login} {made}: {g.group}{who}. Set its password in psql (\\password).")
    return 0


def run_whoami(args: argparse.Namespace) -> int:
    from desktop_app.services.team import connection_info

    with opened_store(args.db) as store:
        info = connection_info(store)
    if args.json:
        print_json(
            {
                "dialect": info.dialect,
                "server": info.server,
                "database": info.database,
                "role": info.role,
                "groups": list(info.groups),
            }
        )
    else:
        print(info.label())
    return 0
