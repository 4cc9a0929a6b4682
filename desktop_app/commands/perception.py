"""``survey import`` and ``perception``: customer perception per CSM against the team."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("survey", help="relationship surveys (Qualtrics, SurveyMonkey, CSV)")
    ssub = p.add_subparsers(
        dest="survey_command", metavar="ACTION", required=True, parser_class=type(p)
    )
    imp = ssub.add_parser("import", help="import a survey export with rated questions")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=CATEGORY",
        help='e.g. "Q7=service" or "Q8=service importance"; "Q9=" leaves a column out',
    )
    imp.set_defaults(handler=cmd_survey_import)
    per = sub.add_parser("perception", help="customer perception per CSM against the team")
    per.add_argument("--owner", metavar="NAME", help="one CSM (case-insensitive)")
    per.add_argument("--json", action="store_true", help="print JSON")
    per.set_defaults(handler=cmd_perception)


def cmd_survey_import(args: argparse.Namespace) -> int:
    from desktop_app.services.errors import UserError
    from desktop_app.services.managers import import_survey

    mapping = {}
    for item in args.map:
        if "=" not in item:
            raise UserError(f"--map needs COLUMN=CATEGORY, not {item!r}")
        col, cat = item.split("=", 1)
        mapping[col.strip()] = cat.strip().lower()
    with opened_store(args.db) as store:
        r = import_survey(store, args.file, args.sheet, mapping)
    print(
        f"Imported {r.responses} responses ({r.ratings} ratings) from {r.file}; "
        f"{r.unmatched} responses name no account of the book"
    )
    for col, cat in r.questions.items():
        print(f"  {col} -> {cat}")
    return 0


def _cat(c: Any) -> dict[str, Any]:
    p = c.performance
    return {
        "category": c.category.value,
        "performance": p.mean,
        "n": p.n,
        "ci_low": p.low,
        "ci_high": p.high,
        "team_mean": p.team_mean,
        "mark": p.mark,
        "importance": c.importance,
        "importance_n": c.importance_n,
        "gap": c.gap,
    }


def cmd_perception(args: argparse.Namespace) -> int:
    from desktop_app.domain.perception import CATEGORY_LABEL
    from desktop_app.services.errors import UserError
    from desktop_app.services.managers import perception_report

    with opened_store(args.db) as store:
        rep = perception_report(store)
    csms = rep.csms
    if args.owner:
        one = rep.for_csm(args.owner)
        if one is None:
            raise UserError(f"no survey responses for accounts of {args.owner!r}")
        csms = [one]
    if args.json:
        print_json(
            {
                "team": {c.value: {"mean": m, "n": n} for c, (m, n) in rep.team.items()},
                "csms": [
                    {
                        "csm": c.csm,
                        "responses": c.responses,
                        "categories": [_cat(v) for v in c.categories],
                    }
                    for c in csms
                ],
            }
        )
        return 0
    for c in csms:
        print(f"{c.csm} ({c.responses} responses)")
        for v in c.categories:
            p = v.performance
            if p.mean is None:
                print(f"  {CATEGORY_LABEL[v.category]:26} no ratings")
                continue
            ci = "" if p.low is None else f" [{p.low:.1f}-{p.high:.1f}]"
            imp = "" if v.importance is None else f", importance {v.importance:.1f}"
            print(
                f"  {CATEGORY_LABEL[v.category]:26} {p.mean:4.1f}{ci} n={p.n} vs team "
                f"{p.team_mean:.1f}: {p.label}{imp}"
            )
    return 0
