"""The ``account-desk`` command line: one CLI over the same services as the GUI.

Commands, options, exit codes and the keys of ``accounts --json`` are a public interface:
extend them, never rename them. Exit codes: 0 success, 2 bad input or usage (one line on
stderr, never a traceback), 1 an unexpected internal error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from desktop_app import __version__

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class _StoreOnce(argparse.Action):
    """``store`` for an option that takes one value: giving it twice is a usage error.

    argparse's plain ``store`` keeps the last of ``--owner A --owner B`` silently; options
    that take several values accumulate instead (``action="extend"``).
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_given_once", set())
        if option_string is not None and self.dest in seen:
            raise argparse.ArgumentError(self, "given more than once; give it once")
        seen.add(self.dest)
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Groups share this registry, so every single-valued option of every command is covered.
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from desktop_app.commands import (
        book,
        gui,
        importing,
        managers,
        review,
        scorecard,
        scoring,
        server,
        team,
        transition,
        worklist,
    )

    parser = _Parser(
        prog="account-desk",
        description="Account Desk: review a book of B2B accounts offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="SQLite file or SQLAlchemy URL (default: the user data directory)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    gui.register(sub)
    book.register(sub)
    for module in (
        importing,
        review,
        scoring,
        scorecard,
        transition,
        team,
        worklist,
        managers,
        server,
    ):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `account-desk --demo` is shorthand for `account-desk gui --demo`.
    if "--demo" in args_list and not any(a in args_list for a in ("gui", "demo")):
        args_list = [a for a in args_list if a != "--demo"] + ["gui", "--demo"]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    vars(args).pop("_given_once", None)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        from desktop_app.commands.gui import run_gui

        handler = run_gui
        args.demo = False
    return run_handler(handler, args)


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from desktop_app.services.errors import UserError
    from desktop_app.store.engine import StoreError

    try:
        return handler(args)
    except (UserError, StoreError) as exc:
        print(f"account-desk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DBAPIError as exc:
        from desktop_app.services.team_server import is_refusal, refusal_message

        if not is_refusal(exc):
            raise
        # A team database refused this role: one line saying who can, never a traceback.
        print(f"account-desk: error: {refusal_message(str(args.command))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("account-desk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
