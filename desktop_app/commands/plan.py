"""Plan and forecast commands: ``plan import``, ``plan show``, ``forecast set|history``."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("plan", help="renewal targets per CSM and quarter, and %% to plan")
    psub = p.add_subparsers(
        dest="plan_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    imp = psub.add_parser("import", help="import a plan sheet (CSM, quarter, target)")
    imp.add_argument("file", metavar="FILE", help=".xlsx, .xls or .csv")
    imp.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: the first)")
    imp.set_defaults(handler=cmd_plan_import)
    show = psub.add_parser("show", help="%% to plan and forecast roll-ups for a quarter")
    show.add_argument("--quarter", metavar="Q", help="e.g. 2026Q4 (default: this quarter)")
    show.add_argument("--as-of", type=iso_date, metavar="DATE", help="count as of this date")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=cmd_plan_show)
    st = psub.add_parser("set", help="set one CSM's target for a quarter")
    st.add_argument("csm", metavar="CSM")
    st.add_argument("--quarter", metavar="Q", required=True)
    st.add_argument("--target", metavar="AMOUNT", required=True, help='ARR, or "92%%" for GRR')
    st.set_defaults(handler=cmd_plan_set)

    f = sub.add_parser("forecast", help="forecast calls on renewals")
    fsub = f.add_subparsers(
        dest="forecast_command", metavar="ACTION", required=True, parser_class=type(f)
    )
    fs = fsub.add_parser("set", help="set the forecast call on an account's renewal")
    fs.add_argument("account", metavar="ACCOUNT", help="Salesforce id or exact name")
    fs.add_argument("--call", required=True, help="commit, likely, at_risk or lost")
    fs.add_argument("--note", help="why")
    fs.add_argument("--author", help="who (default: unnamed)")
    fs.add_argument("--as-of", type=iso_date, metavar="DATE", help="suggest as of this date")
    fs.set_defaults(handler=cmd_forecast_set)
    fh = fsub.add_parser("history", help="the calls on an account, newest first")
    fh.add_argument("account", metavar="ACCOUNT", help="Salesforce id or exact name")
    fh.add_argument("--json", action="store_true", help="print JSON")
    fh.set_defaults(handler=cmd_forecast_history)


def cmd_plan_import(args: argparse.Namespace) -> int:
    from desktop_app.services.managers import import_plan

    with opened_store(args.db) as store:
        result = import_plan(store, args.file, args.sheet)
    print(f"Imported {result.rows} targets for {', '.join(result.quarters)} from {result.file}")
    return 0


def cmd_plan_set(args: argparse.Namespace) -> int:
    from desktop_app.services.managers import parse_quarter, parse_target_text, set_target

    quarter = parse_quarter(args.quarter)
    kind, target = parse_target_text(args.target)
    with opened_store(args.db) as store:
        set_target(store, args.csm, quarter, kind, target)
    print(f"Target for {args.csm} in {quarter}: {args.target}")
    return 0


def _m(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


def _p(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def rollup_dict(r: Any) -> dict[str, Any]:
    keys = ("renewals", "arr_due", "retained", "lost", "committed", "likely", "at_risk")
    out = {k: getattr(r, k) for k in (*keys, "uncalled", "weighted", "target")}
    out["pct_to_plan"] = r.pct_to_plan
    out["projected_pct_to_plan"] = r.projected_pct
    return out


def cmd_plan_show(args: argparse.Namespace) -> int:
    from desktop_app.domain.forecast import Quarter
    from desktop_app.services.managers import parse_quarter, plan_report

    as_of = args.as_of or date.today()
    quarter = parse_quarter(args.quarter) if args.quarter else Quarter.of(as_of)
    with opened_store(args.db) as store:
        rep = plan_report(store, quarter, as_of)
    if args.json:
        print_json(
            {
                "quarter": str(quarter),
                "as_of": as_of,
                "csms": [
                    {
                        "csm": p.csm,
                        "team_lead": p.team_lead,
                        "target_kind": p.target.kind if p.target else None,
                        "target_input": p.target.target if p.target else None,
                        **rollup_dict(p.figures),
                    }
                    for p in rep.csms
                ],
                "team_leads": {k: rollup_dict(v) for k, v in rep.leads.items()},
                "team": rollup_dict(rep.team),
            }
        )
        return 0
    print(f"Renewal plan {quarter} as of {as_of.isoformat()}")
    head = ("CSM", "target", "due", "retained", "committed", "likely", "at risk", "so far", "proj.")
    print(f"{head[0]:22} " + " ".join(f"{h:>11}" for h in head[1:]))
    named = [(p.csm, p.figures) for p in rep.csms]
    named += [(f"TL {k}", v) for k, v in rep.leads.items()] + [("Team", rep.team)]
    for name, r in named:
        cells = (r.target, r.arr_due, r.retained, r.committed, r.likely, r.at_risk)
        print(
            f"{name[:22]:22} "
            + " ".join(f"{_m(c):>11}" for c in cells)
            + f" {_p(r.pct_to_plan):>11} {_p(r.projected_pct):>11}"
        )
    return 0


def cmd_forecast_set(args: argparse.Namespace) -> int:
    from desktop_app.domain.forecast import CALL_LABEL, parse_call
    from desktop_app.services.errors import UserError
    from desktop_app.services.importing import find_account
    from desktop_app.services.managers import set_call

    try:
        call = parse_call(args.call)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with opened_store(args.db) as store:
        aid = find_account(store, args.account)
        rec = set_call(store, aid, call, note=args.note, author=args.author, today=args.as_of)
    hint = CALL_LABEL[rec.suggested] if rec.suggested else "-"
    print(f"Forecast call on {args.account}: {CALL_LABEL[rec.call]} (the app suggests {hint})")
    return 0


def cmd_forecast_history(args: argparse.Namespace) -> int:
    from desktop_app.domain.forecast import CALL_LABEL
    from desktop_app.services.importing import find_account
    from desktop_app.services.managers import call_history

    with opened_store(args.db) as store:
        rows = call_history(store, find_account(store, args.account))
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "call": r.call.value,
                    "suggested": r.suggested.value if r.suggested else None,
                    "note": r.note,
                    "author": r.author,
                    "created_at": r.created_at.isoformat(),
                    "renewal_date": r.renewal_date,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print("No forecast calls yet.")
    for r in rows:
        who = r.author or "-"
        print(f"{r.created_at:%Y-%m-%d %H:%M}  {CALL_LABEL[r.call]:8} {who:16} {r.note or ''}")
    return 0
