"""Scorecard commands: ``scorecard fit`` (learn weights from the book's churn history) and
``scorecard show`` (the active scorecard's weights and band thresholds)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("scorecard", help="fit or show the health scorecard")
    inner = p.add_subparsers(dest="scorecard_command", metavar="ACTION", required=True)
    f = inner.add_parser(
        "fit", help="suggest weights from the book's own churn history (time-split back-test)"
    )
    f.add_argument("--as-of", type=iso_date, metavar="DATE", help="use only what was known then")
    f.add_argument(
        "--horizon-days",
        type=int,
        default=90,
        metavar="N",
        help="label an account-month as churned if it churned within N days (default 90)",
    )
    f.add_argument(
        "--activate", action="store_true", help="save the fitted scorecard and make it active"
    )
    f.add_argument("--json", action="store_true", help="print JSON")
    f.set_defaults(handler=cmd_fit)
    s = inner.add_parser("show", help="the active scorecard: weights and band thresholds")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(handler=cmd_show)


def cmd_fit(args: argparse.Namespace) -> int:
    from desktop_app.services.health import accept_fit, fit_scorecard

    with opened_store(args.db) as store:
        report = fit_scorecard(store, as_of=args.as_of, horizon_days=args.horizon_days)
        activated = None
        if args.activate and report.scorecard is not None:
            activated = accept_fit(store, report)
            from desktop_app.services.health import rescore

            rescore(store, as_of=args.as_of)
    if args.json:
        print_json(
            {
                "as_of": report.as_of,
                "horizon_days": report.horizon_days,
                "auc_backtest": report.auc_backtest,
                "auc_backtest_ci": report.auc_backtest_ci,
                "auc_current": report.auc_current,
                "auc_current_ci": report.auc_current_ci,
                "auc_gain_ci": report.auc_gain_ci,
                "n_observations": report.n_observations,
                "n_churn_events": report.n_churn_events,
                "n_test_observations": report.n_test_observations,
                "n_test_churn_events": report.n_test_events,
                "verdict": report.verdict,
                "recommended": report.recommended,
                "message": report.message,
                "weights": report.weights,
                "current_weights": report.current_weights,
                "healthy_min_score": (
                    None if report.scorecard is None else report.scorecard.bands.healthy_min_score
                ),
                "band_changes": len(report.band_changes),
                "activated": activated is not None,
                "activated_version": activated,
            }
        )
        return 0
    print(report.message)
    print(
        f"{report.n_churn_events} churn events in {report.n_observations} account-months "
        f"(horizon {report.horizon_days} days, as of {report.as_of.isoformat()})."
    )
    if report.scorecard is not None:
        print(f"{'measure':34} {'current %':>9} {'fitted %':>9}")
        for mid in sorted(
            set(report.weights) | set(report.current_weights),
            key=lambda m: -report.weights.get(m, 0.0),
        ):
            cur = report.current_weights.get(mid)
            fit = report.weights.get(mid)
            print(f"{mid:34} {_pct(cur):>9} {_pct(fit):>9}")
        print(
            f"Healthy/Stable from score {report.scorecard.bands.healthy_min_score:g}; "
            f"{len(report.band_changes)} accounts would change band."
        )
    if activated is not None:
        note = "" if report.recommended else " (against the recommendation above)"
        print(f"Saved and activated as scorecard version {activated}{note}; book rescored.")
    elif report.scorecard is not None:
        print("Nothing saved: pass --activate to use the fitted scorecard.")
    return 0


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def cmd_show(args: argparse.Namespace) -> int:
    from desktop_app.domain.scorecard import scorecard_to_dict
    from desktop_app.domain.scorecard_fit import effective_weights
    from desktop_app.services.health import get_active

    with opened_store(args.db) as store:
        vid, card = get_active(store)
    if args.json:
        print_json({"version": vid, **scorecard_to_dict(card), "weights": effective_weights(card)})
        return 0
    print(f"{card.name} (version {vid})")
    for mid, w in sorted(effective_weights(card).items(), key=lambda kv: -kv[1]):
        print(f"  {mid:34} {w:6.1f} %")
    b = card.bands
    print(
        f"Healthy/Stable from score {b.healthy_min_score:g}; unresponsive after "
        f"{b.unresponsive_days:g} days; past due from {b.past_due_min_days:g} days."
    )
    return 0
