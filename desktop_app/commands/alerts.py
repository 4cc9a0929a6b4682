"""``alerts`` actions beside the one-on-one agenda: ``list``, ``ack``, ``snooze``, ``reopen``.

``alerts --owner NAME [--json]`` keeps printing the agenda exactly as before; the actions
are extra positional words, so no existing invocation changes meaning.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from desktop_app.commands.common import iso_date, opened_store, print_json

ACTIONS = ("list", "ack", "snooze", "reopen")


def extend_alerts(p: argparse.ArgumentParser, agenda: Callable[[argparse.Namespace], int]) -> None:
    """Add the actions to the ``alerts`` parser; ``agenda`` handles the plain form."""
    p.add_argument(
        "action", nargs="?", choices=ACTIONS, metavar="ACTION",
        help="list (the alert overview), ack ID, snooze ID, reopen ID",
    )  # fmt: skip
    p.add_argument("alert_id", nargs="?", metavar="ID", help="an alert id, e.g. past_due:42")
    p.add_argument("--reason", help="why (ack, snooze)")
    p.add_argument("--until", type=iso_date, metavar="DATE", help="snooze until this date")
    p.add_argument("--author", help="who (ack, snooze)")
    p.add_argument(
        "--usage-drop", type=float, default=0.2, metavar="FRACTION",
        help="usage drop alerts from this month-on-month fall (default 0.2)",
    )  # fmt: skip
    p.set_defaults(handler=lambda args: _dispatch(args, agenda))


def _dispatch(args: argparse.Namespace, agenda: Callable[[argparse.Namespace], int]) -> int:
    from desktop_app.services.errors import UserError

    if args.action is None:
        if not args.owner:
            raise UserError(
                "alerts needs --owner NAME (the one-on-one agenda) or an action: "
                + ", ".join(ACTIONS)
            )
        return agenda(args)
    if args.action == "list":
        return _list(args)
    if not args.alert_id:
        raise UserError(f"alerts {args.action} needs an alert ID (e.g. past_due:42)")
    return {"ack": _ack, "snooze": _snooze, "reopen": _reopen}[args.action](args)


def alert_json(a: Any) -> dict[str, Any]:
    act = a.action
    return {
        "id": a.id,
        "type": a.type.value,
        "account_id": a.account_id,
        "account": a.account,
        "owner": a.owner,
        "message": a.message,
        "status": a.status,
        "reason": act.reason if act else None,
        "until": act.until if act else None,
        "by": act.author if act else None,
    }


def _list(args: argparse.Namespace) -> int:
    from desktop_app.domain.alert_rules import ALERT_LABEL, AlertType
    from desktop_app.services.errors import UserError
    from desktop_app.services.managers import alert_overview

    as_of = args.as_of or date.today()
    with opened_store(args.db) as store:
        ov = alert_overview(store, as_of, usage_drop=args.usage_drop)
    rows = ov.for_owner(args.owner)
    if args.owner and not any(o.casefold() == args.owner.strip().casefold() for o in ov.counts):
        names = {a.owner.casefold() for a in ov.alerts}
        if args.owner.strip().casefold() not in names:
            raise UserError(f"no alerts for {args.owner!r} (or no accounts owned by them)")
    counts = {
        o: {t.value: n for t, n in per.items()}
        for o, per in ov.counts.items()
        if not args.owner or o.casefold() == args.owner.strip().casefold()
    }
    if args.json:
        print_json(
            {
                "as_of": as_of,
                "counts": counts,
                "handled": ov.handled,
                "blind": {t.value: src for t, src in ov.blind.items()},
                "alerts": [alert_json(a) for a in rows],
            }
        )
        return 0
    print(f"Open alerts as of {as_of.isoformat()} (acknowledged or snoozed in the last column)")
    for t, src in ov.blind.items():
        print(f"{ALERT_LABEL[t]}: cannot fire, no {src} imported")
    short = {t: ALERT_LABEL[t][:10] for t in AlertType}
    print(f"{'CSM':20} " + " ".join(f"{short[t]:>10}" for t in AlertType) + f" {'handled':>8}")
    for owner, per in counts.items():
        cells = " ".join(f"{per[t.value]:>10}" for t in AlertType)
        print(f"{owner[:20]:20} {cells} {ov.handled.get(owner, 0):>8}")
    print()
    for a in rows:
        extra = (
            ""
            if a.status == "open"
            else f" [{a.status}: {a.action.reason or '-'}]"
            if a.action
            else ""
        )
        print(f"{a.id:22} {a.owner[:16]:16} {a.account[:30]:30} {a.message}{extra}")
    return 0


def _ack(args: argparse.Namespace) -> int:
    from desktop_app.services.managers import acknowledge

    with opened_store(args.db) as store:
        acknowledge(store, args.alert_id, args.reason, author=args.author, today=args.as_of)
    print(f"Acknowledged {args.alert_id}")
    return 0


def _snooze(args: argparse.Namespace) -> int:
    from desktop_app.services.errors import UserError
    from desktop_app.services.managers import snooze

    if args.until is None or not args.reason:
        raise UserError("alerts snooze needs --until DATE and --reason TEXT")
    with opened_store(args.db) as store:
        snooze(store, args.alert_id, args.until, args.reason, author=args.author, today=args.as_of)
    print(f"Snoozed {args.alert_id} until {args.until.isoformat()}")
    return 0


def _reopen(args: argparse.Namespace) -> int:
    from desktop_app.services.managers import reopen

    with opened_store(args.db) as store:
        n = reopen(store, args.alert_id)
    print(f"Reopened {args.alert_id} ({n} acknowledgement(s) or snooze(s) removed)")
    return 0
