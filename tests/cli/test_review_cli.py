"""``account-desk review``, ``review accept`` and ``review dismiss`` on files the test writes."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import openpyxl
import pytest

from desktop_app import cli
from desktop_app.commands import review as review_cmd

A = "001A000001AbCdE"


def run(argv: list[str]) -> int:
    """``cli.main``; until cli.py lists the review commands, the same parser plus them."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "review" in sub.choices:
        return cli.main(argv)
    review_cmd.register(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return cli.run_handler(args.handler, args)


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Account ID", "Account Name", "Account Owner", "Segment"])
    ws.append([A, "Acme Corp", "Holly Grant", "SMB"])
    ws.append(["001A000001XyZwV", "Summit Health Partners", "Daniel Reyes", "MM"])
    wb.save(tmp_path / "accounts.xlsx")
    with (tmp_path / "jira.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["Issue key", "Summary", "Status", "Customer Account", "Created"],
            ["SUP-1", "Report slow", "Open", "ACME corp inc.", "02/Nov/26 9:15 AM"],
            ["SUP-2", "Who is this", "Open", "Unknown Org", "03/Nov/26 1:00 PM"],
        ])  # fmt: skip
    files = [str(tmp_path / "accounts.xlsx"), str(tmp_path / "jira.csv")]
    assert run(["--db", db_url, "import", *files]) == 0
    return db_url


def review_json(db: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(["--db", db, "review", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    return data


def open_tickets(db: str, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    capsys.readouterr()
    assert run(["--db", db, "accounts", "--json"]) == 0
    return {a["name"]: a["open_tickets"] for a in json.loads(capsys.readouterr().out)}


def test_review_lists_accept_and_dismiss(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    items = review_json(db, capsys)
    assert [(i["kind"], i["key"], i["record_kind"], i["candidate_name"]) for i in items] == [
        ("fuzzy", "ACME corp inc.", "tickets", "Acme Corp"),
        ("unmatched", "Unknown Org", "tickets", None),
    ]
    assert set(review_cmd.REVIEW_JSON_KEYS) <= set(items[0])
    fuzzy, unknown = int(str(items[0]["id"])), int(str(items[1]["id"]))
    assert run(["--db", db, "review", "accept", str(fuzzy), "--account", A]) == 0
    assert "linked to account" in capsys.readouterr().out
    assert open_tickets(db, capsys)["Acme Corp"] == 1
    assert run(["--db", db, "review", "dismiss", str(unknown)]) == 0
    assert review_json(db, capsys) == []
    assert run(["--db", db, "review"]) == 0
    assert "Nothing to review" in capsys.readouterr().out


def test_accept_by_name(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    unknown = int(str(review_json(db, capsys)[1]["id"]))
    argv = ["--db", db, "review", "accept", str(unknown), "--account", " summit health partners"]
    assert run(argv) == 0
    assert open_tickets(db, capsys)["Summit Health Partners"] == 1


def test_bad_ids_exit_2_with_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = str(review_json(db, capsys)[0]["id"])
    cases = [
        (["review", "dismiss", "999"], "no review item 999"),
        (["review", "accept", "999", "--account", A], "no review item 999"),
        (["review", "accept", first, "--account", "Nobody Inc"], "no account 'Nobody Inc'"),
        (["review", "dismiss", "abc"], "invalid int value"),
    ]
    for argv, message in cases:
        assert run(["--db", db, *argv]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err
    assert len(review_json(db, capsys)) == 2
    assert run(["--db", db, "review", "dismiss", first]) == 0
    capsys.readouterr()
    assert run(["--db", db, "review", "dismiss", first]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"account-desk: error: Review item {first} was already resolved."
