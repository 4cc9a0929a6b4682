"""Worklist command: ``worklist`` (renewals in a window, ranked by the transparent priority)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json

WORKLIST_JSON_KEYS: tuple[str, ...] = (
    "rank",
    "account_id",
    "account",
    "owner",
    "renewal_date",
    "days_to_renewal",
    "arr",
    "band",
    "health",
    "nps",
    "escalations",
    "upsell",
    "days_since_reply",
    "priority",
    "factors",
    "next_step",
)


def register(sub: Any) -> None:
    p = sub.add_parser("worklist", help="renewals in a window, ranked by priority, with next steps")
    p.add_argument(
        "--within", type=int, default=90, metavar="DAYS", help="renewing within DAYS (default 90)"
    )
    p.add_argument("--owner", metavar="NAME", help="only this CSM's accounts (case-insensitive)")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="count as of this date")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_worklist)


def row_dict(row: Any) -> dict[str, Any]:
    """One worklist row as the JSON object (keys in ``WORKLIST_JSON_KEYS``)."""
    return {
        "rank": row.rank,
        "account_id": row.account_id,
        "account": row.name,
        "owner": row.owner,
        "renewal_date": row.renewal_date,
        "days_to_renewal": row.days_to_renewal,
        "arr": row.arr,
        "band": row.band,
        "health": row.health,
        "nps": row.nps,
        "escalations": row.escalations,
        "upsell": row.upsell,
        "days_since_reply": row.days_since_reply,
        "priority": row.priority,
        "factors": [
            {"factor": r.factor, "points": round(r.points, 1), "text": r.text} for r in row.reasons
        ],
        "next_step": row.next_step,
    }


def cmd_worklist(args: argparse.Namespace) -> int:
    from datetime import date

    from desktop_app.services.book import worklist

    as_of = args.as_of or date.today()
    with opened_store(args.db) as store:
        rows = worklist(store, within_days=args.within, owner=args.owner, today=as_of)
    if args.json:
        print_json([row_dict(r) for r in rows])
        return 0
    print(
        f"Renewal worklist as of {as_of.isoformat()}: {len(rows)} accounts within {args.within} d"
    )
    print(f"{'#':>3} {'account':28} {'owner':18} {'days':>5} {'ARR':>11} {'prio':>5}  next step")
    for r in rows:
        print(
            f"{r.rank:3} {r.name[:28]:28} {r.owner[:18]:18} {r.days_to_renewal:5} "
            f"{r.arr:11,.0f} {r.priority:5.1f}  {r.next_step}"
        )
    return 0
