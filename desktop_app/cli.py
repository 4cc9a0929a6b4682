"""The ``account-desk`` command line: one CLI over the same services as the GUI.

Commands, options, exit codes and the keys of ``accounts --json`` are a public interface:
extend them, never rename them. Exit codes: 0 success, 2 bad input or usage (one line on
stderr, never a traceback), 1 an unexpected internal error, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM: the work in progress is cancelled and rolled back like Ctrl-C).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from desktop_app import __version__

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives; unwinds (and rolls back) like Ctrl-C."""


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def install_sigterm() -> Any:
    """Make SIGTERM cancel the command in progress; returns the previous handler.

    Only the main thread can set handlers (a CLI run from a test's thread keeps its own).
    """
    import signal

    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        return None


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


class _Ignored:
    """What a command's ``register`` gets for a parser that is not built: takes any call."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *_a, **_k: _Ignored()


class _OneCommand:
    """The subparsers action, building in full only the parser of ``command``.

    The others are listed by name and help (what ``--help`` and a mistyped command show) but
    get no arguments: some 40 argparse parsers cost tens of milliseconds of every start.
    """

    def __init__(self, sub: Any, command: str) -> None:
        self._sub = sub
        self._command = command
        self.built = False

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if name == self._command or self._command in kwargs.get("aliases", ()):
            self.built = True
            return self._sub.add_parser(name, **kwargs)
        help_ = {"help": kwargs["help"]} if "help" in kwargs else {}
        self._sub.add_parser(name, add_help=False, **help_)
        return _Ignored()


def command_of(argv: Sequence[str]) -> str:
    """The command word of ``argv`` ("" if none): the first word that is not a global option
    (``--db`` and its abbreviations take the next word)."""
    words = iter(argv)
    for word in words:
        if len(word) >= 3 and "--db".startswith(word):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser: in full, or (``command``) with only that command's parser built."""
    parser, built = _build_parser(command)
    if command is not None and not built:  # not a command we know: say so with every choice
        parser, _ = _build_parser(None)
    return parser


def _build_parser(command: str | None) -> tuple[argparse.ArgumentParser, bool]:
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
    parser.add_argument(
        "--adopt-database",
        action="store_true",
        help="add Account Desk's tables to a SQLite file another application made",
    )
    sub: Any = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    if command is not None:
        sub = _OneCommand(sub, command)
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
    return parser, command is None or sub.built


def main(argv: Sequence[str] | None = None) -> int:
    # First thing: a SIGTERM while the modules load must also end as "terminated".
    return _signals_end_in_one_line(lambda: _main(argv))


#: Commands that end through the interpreter's own exit: the window (Qt tears down its
#: objects and writes the settings on the way out).
_ORDERLY_EXIT = ("", "gui")


def run() -> NoReturn:
    """The ``account-desk`` program: ``main()``, then, once the output is flushed, an
    immediate exit for the commands that hold nothing more to close (as mypy's fast exit).

    By then every command has committed and closed its database (``opened_store``) and
    written its files; what the interpreter would still do is tear down the modules it
    loaded (SQLAlchemy, numpy, pandas): ~0.13 s of every process (a 100k-row import: 4.41 ->
    4.28 s), for nothing. The window exits the ordinary way (``_ORDERLY_EXIT``), and so does
    any process where the output cannot be flushed. Tests call ``main`` in-process.
    """
    code = main()
    if command_of(sys.argv[1:]) in _ORDERLY_EXIT:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader gone (``| head``), or stdout closed
        raise SystemExit(code) from None
    import os

    os._exit(code)


def _signals_end_in_one_line(run: Callable[[], int]) -> int:
    """``run()``, with Ctrl-C and SIGTERM ending in one line and exit 130 / 143."""
    previous = install_sigterm()
    try:
        return run()
    except KeyboardInterrupt:
        print("account-desk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("account-desk: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `account-desk --demo` is shorthand for `account-desk gui --demo`.
    if "--demo" in args_list and not any(a in args_list for a in ("gui", "demo")):
        args_list = [a for a in args_list if a != "--demo"] + ["gui", "--demo"]
    parser = build_parser(command_of(args_list))
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
    if getattr(args, "adopt_database", False):
        handler = _adopting(handler)
    return run_handler(handler, args)


def _adopting(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Open (and so adopt) the database once with ``adopt=True``, then run ``handler``."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from desktop_app.services.database import open_database

        open_database(args.db, adopt=True).dispose()
        return handler(args)

    return run


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    return _signals_end_in_one_line(lambda: _run(handler, args))


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from desktop_app.services.database import StoreError, database_failure
    from desktop_app.services.errors import UserError
    from desktop_app.services.gc_pause import modules_loaded

    # The store's modules are loaded (with the collector paused, see gc_pause); a command
    # that opens no database must not run on with it paused.
    modules_loaded()
    try:
        return handler(args)
    except (UserError, StoreError) as exc:
        print(f"account-desk: error: {_first_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        failure = database_failure(exc, str(args.command), args.db)
        if failure is None:
            raise
        line, users = failure
        print(f"account-desk: error: {line}", file=sys.stderr)
        return EXIT_USAGE if users else EXIT_ERROR


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]
