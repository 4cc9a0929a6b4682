"""``worklist`` command: JSON keys, text output, exit codes."""

from __future__ import annotations

import argparse
import json

from desktop_app.cli import build_parser, run_handler
from desktop_app.commands import worklist as worklist_cmd
from desktop_app.commands.worklist import WORKLIST_JSON_KEYS


def _run(argv: list[str]) -> int:
    """Like ``cli.main``, registering ``worklist`` if cli.py does not (yet) do it."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "worklist" not in sub.choices:
        worklist_cmd.register(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return run_handler(args.handler, args)


def test_worklist_json(demo_url, capsys):
    argv = ["--db", demo_url, "worklist", "--as-of", "2026-11-24", "--json"]
    assert _run(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) > 20
    for row in data:
        assert set(WORKLIST_JSON_KEYS) <= set(row)
        assert -30 <= row["days_to_renewal"] <= 90
        assert row["factors"]
        assert {"factor", "points", "text"} <= set(row["factors"][0])
    assert [r["rank"] for r in data] == list(range(1, len(data) + 1))
    prios = [r["priority"] for r in data]
    assert prios == sorted(prios, reverse=True)
    owner = data[0]["owner"]
    assert (
        _run([*argv[:3], "--within", "180", "--owner", owner, "--as-of", "2026-11-24", "--json"])
        == 0
    )
    mine = json.loads(capsys.readouterr().out)
    assert mine
    assert {r["owner"] for r in mine} == {owner}


def test_worklist_text(demo_url, capsys):
    assert _run(["--db", demo_url, "worklist", "--within", "30", "--as-of", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "Renewal worklist as of 2026-11-24" in out
    assert "within 30 d" in out
    assert "next step" in out


def test_worklist_errors(demo_url, capsys):
    db = ["--db", demo_url, "worklist"]
    assert _run([*db, "--owner", "Nobody Here"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "No accounts owned" in err
    assert _run([*db, "--within", "0"]) == 2
    assert "at least one day" in capsys.readouterr().err
    assert _run([*db, "--within", "soon"]) == 2
    assert "invalid int value" in capsys.readouterr().err
