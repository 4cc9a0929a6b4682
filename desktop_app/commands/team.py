"""Team commands: ``team`` (per-CSM summary beside the team median) and ``alerts``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("team", help="per-CSM book summary beside the team median")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="count as of this date")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_team)

    p = sub.add_parser("alerts", help="one-on-one agenda for one CSM's accounts")
    p.add_argument("--owner", metavar="NAME", help="the CSM (case-insensitive)")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="count as of this date")
    p.add_argument("--json", action="store_true", help="print JSON")
    from desktop_app.commands.alerts import extend_alerts

    extend_alerts(p, cmd_alerts)  # list, ack, snooze, reopen; the agenda form is unchanged


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def cmd_team(args: argparse.Namespace) -> int:
    from desktop_app.services.team import summary_dict, team_median, team_summary

    as_of = args.as_of or date.today()
    with opened_store(args.db) as store:
        rows = team_summary(store, as_of)
    med = team_median(rows)
    if args.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "csms": [summary_dict(r) for r in rows],
                "team_median": med,
            }
        )
        return 0
    print(f"Team as of {as_of.isoformat()} ({len(rows)} CSMs)")
    print(
        f"{'CSM':24} {'accts':>5} {'ARR':>12} {'ren30':>5} {'ren90':>5} {'esc':>4} "
        f"{'autocl':>6} {'POC>90d':>7} {'ovr':>4} {'hygiene':>7} {'renewal%':>8}"
    )
    for r in rows:
        hygiene = r.missing_renewal_date + r.no_usage_data + r.no_main_poc
        print(
            f"{r.csm[:24]:24} {r.accounts:5} {r.arr:12,.0f} {r.renewals_30:5} "
            f"{r.renewals_90:5} {r.escalated_accounts:4} {r.auto_closing_tickets:6} "
            f"{r.unresponsive_pocs:7} {r.active_overrides:4} {hygiene:7} "
            f"{_pct(r.renewal_rate):>8}"
        )
    print(f"Team median renewal rate (last four quarters): {_pct(med['renewal_rate'])}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from desktop_app.domain.team import SEVERITY_LABEL
    from desktop_app.services.team import csm_alerts

    as_of = args.as_of or date.today()
    with opened_store(args.db) as store:
        alerts = csm_alerts(store, args.owner, as_of)
    if args.json:
        print_json(
            [
                {
                    "account_id": a.account_id,
                    "account": a.account,
                    "kind": a.kind,
                    "message": a.message,
                    "severity": a.severity.value,
                }
                for a in alerts
            ]
        )
        return 0
    if not alerts:
        print(f"Nothing on the agenda for {args.owner} as of {as_of.isoformat()}.")
        return 0
    for a in alerts:
        print(f"{SEVERITY_LABEL[a.severity]:13} {a.account[:36]:36} {a.message}")
    return 0
