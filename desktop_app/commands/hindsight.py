"""``hindsight``: what the app showed 180, 90 and 30 days before each churn in a period."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "hindsight", help="did we see it coming? what the app showed before each churn"
    )
    p.add_argument(
        "--from", dest="start", type=iso_date, metavar="DATE", help="default: a year ago"
    )
    p.add_argument("--to", dest="end", type=iso_date, metavar="DATE", help="default: today")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_hindsight)


def _g(g: Any) -> dict[str, Any]:
    return {
        "days_before": g.days_before,
        "on": g.on,
        "band": g.band,
        "score": None if g.score is None else round(g.score, 1),
        "override_band": g.override_band,
        "forecast_call": g.call.value if g.call else None,
        "alerts": [a.value for a in g.alerts],
        "flagged": g.flagged,
    }


def cmd_hindsight(args: argparse.Namespace) -> int:
    from desktop_app.services.managers import did_we_see_it_coming

    end = args.end or date.today()
    start = args.start or end - timedelta(days=365)
    with opened_store(args.db) as store:
        h = did_we_see_it_coming(store, start, end)
    if args.json:
        print_json(
            {
                "from": start,
                "to": end,
                "churned": len(h.cases),
                "seen_90_days_before": h.seen,
                "by_owner": {k: {"seen": s, "churned": n} for k, (s, n) in h.by_owner.items()},
                "by_churn_type": {
                    k: {"seen": s, "churned": n} for k, (s, n) in h.by_churn_type().items()
                },
                "accounts": [
                    {
                        "account_id": c.account_id,
                        "account": c.account,
                        "owner": c.owner,
                        "churn_date": c.churn_date,
                        "churn_type": c.churn_type,
                        "seen": c.seen,
                        "before": [_g(g) for g in c.glimpses],
                    }
                    for c in h.cases
                ],
            }
        )
        return 0
    print(f"Churned {start.isoformat()} to {end.isoformat()}: {h.headline}.")
    for kind, (seen, n) in h.by_churn_type().items():
        print(f"  {kind}: {seen} of {n}")
    print("By CSM (for learning: which signals were there, and which were not):")
    for owner, (seen, n) in h.by_owner.items():
        print(f"  {owner:24} {seen} of {n} seen 90 days before")
    for c in h.cases:
        cells = []
        for g in c.glimpses:
            score = "-" if g.score is None else f"{g.score:.0f}"
            extra = f", call {g.call.value}" if g.call else ""
            cells.append(f"{g.days_before}d {g.band or 'no score'} {score}{extra}")
        print(
            f"{c.churn_date}  {c.account[:32]:32} {'seen ' if c.seen else 'unseen'}  "
            + " | ".join(cells)
        )
    return 0
