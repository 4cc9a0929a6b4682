"""Repeated CLI flags accumulate (lists) or are refused (single values); never last-one-wins."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop_app.cli import build_parser, main
from desktop_app.io.exporters.rows import SHEET_LIST
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account

Capsys = pytest.CaptureFixture[str]


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _parsers(child)


def test_repeated_account_flags_accumulate(
    demo_store: Store, demo_path: Path, tmp_path: Path, capsys: Capsys
) -> None:
    with demo_store.sessions() as s:
        ids = list(s.scalars(select(Account.sf_account_id).order_by(Account.id).limit(4)))
    out = tmp_path / "list.xlsx"
    code = main([
        "--db", str(demo_path), "transition", "export",
        "--account", ids[0], "--account", ids[1], "--account", ids[2], ids[3],
        "--to", "Dana Cole", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    assert f"Wrote 4 accounts to {out}" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)[SHEET_LIST].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ids


def test_repeated_single_value_flag_is_refused(demo_path: Path, capsys: Capsys) -> None:
    code = main(["--db", str(demo_path), "accounts", "--owner", "A", "--owner", "B"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--owner" in err
    assert "more than once" in err


def test_no_option_anywhere_keeps_only_the_last_value() -> None:
    plain = (argparse._StoreAction,)  # append and extend accumulate; store kept the last
    offenders = [
        f"{p.prog} {'/'.join(a.option_strings)}"
        for p in _parsers(build_parser())
        for a in p._actions
        if a.option_strings and type(a) in plain
    ]
    assert offenders == []
    multi = [
        a
        for p in _parsers(build_parser())
        for a in p._actions
        if a.nargs in ("+", "*") and a.option_strings
    ]
    assert multi
    assert all(isinstance(a, argparse._ExtendAction) for a in multi)


def test_single_value_options_still_parse_once() -> None:
    args = build_parser().parse_args(["worklist", "--owner", "Dana Cole", "--within", "30"])
    assert args.owner == "Dana Cole"
    assert args.within == 30
