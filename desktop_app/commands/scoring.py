"""Health commands: ``score``, ``validate``, ``retention``, ``overrides``."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import WaitNotices, iso_date, opened_store, print_json


def asdict(obj: Any) -> dict[str, Any]:
    """``dataclasses.asdict``, imported on use (``--help`` needs no dataclasses)."""
    from dataclasses import asdict as as_dict

    return as_dict(obj)


def register(sub: Any) -> None:
    p = sub.add_parser("score", help="recompute account health and print the band counts")
    p.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="score as of this date, using only what was known then",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("validate", help="does the health score predict churn? (AUC)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--as-of", type=iso_date, metavar="DATE", help="end of the history used")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("retention", help="logo churn and MRR retention over a period")
    p.add_argument("--from", dest="start", type=iso_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="end", type=iso_date, required=True, metavar="DATE")
    p.add_argument("--owner", metavar="NAME", help="only this CSM's accounts")
    p.add_argument(
        "--by",
        choices=("month", "quarter"),
        help="one line (JSON object) per calendar month or quarter of the period",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_retention)

    p = sub.add_parser("overrides", help="list active health overrides")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_overrides)


def cmd_score(args: argparse.Namespace) -> int:
    from desktop_app.services.health import rescore

    with opened_store(args.db) as store:
        summary = rescore(store, as_of=args.as_of, progress=WaitNotices())
    if args.json:
        print_json(asdict(summary))
        return 0
    print(
        f"Scored {summary.accounts_scored} accounts as of {summary.as_of.isoformat()} "
        f"(scorecard version {summary.scorecard_version_id})."
    )
    for band, count in summary.band_counts.items():
        print(f"  {band:16} {count:6}")
    if summary.overrides_needing_review:
        print(f"{summary.overrides_needing_review} overrides need review.")
    return 0


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def cmd_validate(args: argparse.Namespace) -> int:
    from desktop_app.services.health import validate

    with opened_store(args.db) as store:
        report = validate(store, as_of=args.as_of)
    if args.json:
        data = asdict(report)
        data["score_beats_usage"] = report.score_beats_usage
        data["churn_by_band"] = {
            band: {
                "observations": n,
                "churn_events": report.band_events.get(band, 0),
                "churn_rate": rate,
            }
            for band, (n, rate) in report.churn_by_band.items()
        }
        data["churn_by_decile"] = [
            {"decile": d, "observations": n, "churn_rate": rate}
            for d, n, rate in report.churn_by_decile
        ]
        data["churn_by_score_decile"] = [
            {"decile": d, "observations": n, "churn_events": e, "churn_rate": rate}
            for d, n, e, rate in report.churn_by_score_decile
        ]
        print_json(data)
        return 0
    print(report.verdict)
    for days, signals in sorted(report.signals.items()):
        print(f"Churn within {days} days (AUC, 95 % interval; 0.5 = coin toss):")
        for s in [report.score[days], *signals]:
            ci = "" if s.ci is None else f"  {s.ci[0]:.3f}–{s.ci[1]:.3f}"
            print(f"  {s.label:34} {_fmt(s.auc):>6}{ci}  ({s.events} churns / {s.observations})")
    print("Churn rate by band (90 days):")
    for band, (n, rate) in report.churn_by_band.items():
        events = report.band_events.get(band, 0)
        print(f"  {band:16} {_fmt(rate):>6}  ({events} churns / {n})")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from desktop_app.services.health import retention

    with opened_store(args.db) as store:
        if args.by:
            return _retention_series(store, args)
        figures = retention(store, args.start, args.end, owner=args.owner)
    if args.json:
        print_json(asdict(figures))
        return 0
    print(
        f"{figures.start.isoformat()} to {figures.end.isoformat()}"
        + (f" ({args.owner})" if args.owner else "")
    )
    print(f"  accounts at start     {figures.n_start}")
    print(f"  churned               {figures.n_churned}")
    for key in ("logo_churn_rate", "net_mrr_retention", "gross_mrr_retention", "mrr_churn"):
        print(f"  {key:21} {_fmt(getattr(figures, key))}")
    return 0


def cmd_overrides(args: argparse.Namespace) -> int:
    from desktop_app.services.health import active_overrides

    with opened_store(args.db) as store:
        rows = active_overrides(store)
    if args.json:
        print_json([asdict(r) | {"created_at": r.created_at.isoformat()} for r in rows])
        return 0
    if not rows:
        print("No active overrides.")
        return 0
    for r in rows:
        flag = "  REVIEW" if r.needs_review else ""
        print(
            f"{r.account_name[:36]:36}  {r.band:15} (computed {r.computed_band_now or '-'})"
            f"  {r.reason_code}  by {r.author or '-'}{flag}"
        )
    print(f"{len(rows)} active overrides")
    return 0


def _retention_series(store: Any, args: argparse.Namespace) -> int:
    from desktop_app.services.health import retention_series

    rows = retention_series(store, args.start, args.end, args.by, owner=args.owner)
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    print(
        f"{'from':10}  {'to':10}  {'start':>5}  {'churned':>7}  {'logo churn':>10}  "
        f"{'NRR':>6}  {'GRR':>6}"
    )
    for r in rows:
        print(
            f"{r.start.isoformat()}  {r.end.isoformat()}  {r.n_start:5}  {r.n_churned:7}  "
            f"{_fmt(r.logo_churn_rate):>10}  {_fmt(r.net_mrr_retention):>6}  "
            f"{_fmt(r.gross_mrr_retention):>6}"
        )
    return 0
