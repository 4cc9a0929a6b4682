"""The ``gui`` command (the default): open the main window."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the desktop application (default)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="open a fresh demo book in a temporary location (never touches your database)",
    )
    p.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=run_gui)


def run_gui(args: argparse.Namespace) -> int:
    from desktop_app.app import run

    return run(
        db=args.db,
        demo=bool(getattr(args, "demo", False)),
        self_test=bool(getattr(args, "self_test", False)),
    )
