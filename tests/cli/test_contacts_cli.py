"""Contacts are keyed by the export's contact id, else (account, e-mail, full name)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.cli import main

A, B = "001A000001AbCdE", "001A000001XyZwV"
Capsys = pytest.CaptureFixture[str]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _contacts(db: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT first_name, last_name, email FROM contacts ORDER BY last_name"
        ).fetchall()
    finally:
        con.close()
    return [tuple(r) for r in rows]


@pytest.fixture
def accounts_csv(tmp_path: Path) -> Path:
    return _csv(tmp_path / "accounts.csv", [
        ["Account ID", "Account Name", "Account Owner"],
        [A, "Lakeside Clinic", "Holly Grant"],
        [B, "Summit Health Partners", "Daniel Reyes"],
    ])  # fmt: skip


def _import(db: Path, capsys: Capsys, *files: Path) -> list[dict[str, object]]:
    code = main(["--db", str(db), "import", *map(str, files), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list)
    return data


def test_shared_mailbox_without_contact_ids_keeps_both_people(
    accounts_csv: Path, tmp_path: Path, db_path: Path, capsys: Capsys
) -> None:
    contacts = _csv(tmp_path / "contacts.csv", [
        ["Account ID", "First Name", "Last Name", "Email", "Last Replied"],
        [A, "Ann", "Lee", "frontdesk@lakeside.org", "2026-10-01"],
        [A, "Raj", "Patel", "FrontDesk@lakeside.org", ""],
        [B, "Ann", "Lee", "frontdesk@lakeside.org", ""],
        [A, "Ann", "Lee", "frontdesk@lakeside.org", "2026-10-01"],
    ])  # fmt: skip
    summaries = _import(db_path, capsys, accounts_csv, contacts)
    result = summaries[1]
    assert (result["kind"], result["new"], result["problems"]) == ("contacts", 3, 0)
    assert result["skipped"] == 1  # the exact repeat of row 2
    assert sorted(_contacts(db_path)) == sorted([
        ("Ann", "Lee", "frontdesk@lakeside.org"),
        ("Ann", "Lee", "frontdesk@lakeside.org"),
        ("Raj", "Patel", "frontdesk@lakeside.org"),
    ])  # fmt: skip


def test_contact_ids_decide_even_when_names_and_mail_are_shared(
    accounts_csv: Path, tmp_path: Path, db_path: Path, capsys: Capsys
) -> None:
    contacts = _csv(tmp_path / "contacts.csv", [
        ["Contact ID", "Account ID", "First Name", "Last Name", "Email"],
        ["003A00000000001", A, "Ann", "Lee", "team@lakeside.org"],
        ["003A00000000002", A, "Ann", "Lee", "team@lakeside.org"],
        ["003A00000000003", A, "Bo", "Kim", "team@lakeside.org"],
    ])  # fmt: skip
    summaries = _import(db_path, capsys, accounts_csv, contacts)
    assert (summaries[1]["new"], summaries[1]["skipped"], summaries[1]["problems"]) == (3, 0, 0)
    assert len(_contacts(db_path)) == 3


def test_a_conflicting_group_is_reported_by_row_never_silently(
    accounts_csv: Path, tmp_path: Path, db_path: Path, capsys: Capsys
) -> None:
    contacts = _csv(tmp_path / "contacts.csv", [
        ["Contact ID", "Account ID", "First Name", "Last Name", "Email"],
        ["003A00000000001", A, "Ann", "Lee", "ann@lakeside.org"],
        ["003A00000000001", A, "Ann", "Lee-Smith", "ann@lakeside.org"],
        ["003A00000000002", B, "Bo", "Kim", "bo@summit.org"],
    ])  # fmt: skip
    assert main(["--db", str(db_path), "import", str(accounts_csv), str(contacts)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(str(contacts)))
    # The one duplicate rule (io/dedupe.py): rows that disagree on a key are none of them
    # imported; the problem names both rows and each is listed as skipped with its reason.
    assert "1 new" in line
    assert "2 skipped" in line
    problem = next(x for x in out.splitlines() if "problem:" in x)
    assert "003A00000000001" in problem
    assert "appears in rows 2, 3 with different values" in problem
    skipped = [x for x in out.splitlines() if "skipped: row" in x]
    assert [x.split(":")[1].strip() for x in skipped] == ["row 2", "row 3"]
    assert _contacts(db_path) == [("Bo", "Kim", "bo@summit.org")]
