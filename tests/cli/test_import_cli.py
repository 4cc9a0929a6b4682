"""``account-desk import / imports / rollback`` end to end on files the test writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.domain.ids import to_18
from tests.dbdump import dump

A, B, C = "001A000001AbCdE", "001A000001XyZwV", "001A000001QrStU"


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Report") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def book_files(tmp_path: Path) -> dict[str, Path]:
    """One small book as its tools export it (Salesforce, Recurly, usage, Jira)."""
    d = tmp_path / "exports"
    d.mkdir()
    return {
        "accounts": write_xlsx(d / "accounts.xlsx", [
            ["Account ID", "Account Name", "Account Owner", "LMS ID", "Recurly ID", "Segment"],
            [A, "Lakeside Clinic", "Holly Grant", "LMS-1", "billing@lakeside.org", "SMB"],
            [B, "Summit Health Partners", "Daniel Reyes", "LMS-2", "summit", "MM"],
            [C, "Cedar Valley Dental", "Holly Grant", "LMS-3", "cedar", "SMB"],
        ]),
        "contacts": write_csv(d / "contacts.csv", [
            ["Contact ID", "Account ID", "First Name", "Last Name", "Email"],
            ["003A00000000001", A, "Ann", "Lee", "ann@lakeside.org"],
            ["003A00000000002", B, "Bo", "Kim", "bo@summit.org"],
        ]),
        "opportunities": write_csv(d / "opportunities.csv", [
            ["Opportunity ID", "Account ID", "Opportunity Name", "Type", "Stage", "Close Date"],
            ["006A00000000001", A, "Lakeside renewal 2027", "Renewal", "Negotiation",
             "2027-03-31"],
            ["006A00000000002", A, "Lakeside renewal 2026", "Renewal", "Closed Won",
             "2026-03-31"],
            ["006A00000000003", B, "Summit renewal", "Renewal", "Prospecting", "2027-01-15"],
        ]),
        "subscriptions": write_csv(d / "subscriptions.csv", [
            ["uuid", "account_code", "plan_code", "state", "quantity", "unit_amount",
             "activated_at", "expires_at"],
            ["a1", "BILLING@lakeside.org", "lms-pro", "active", "50", "20.00",
             "2025-01-01 10:00:00 UTC", ""],
            ["a2", "billing@lakeside.org", "addon", "active", "1", "100.00",
             "2025-06-01 10:00:00 UTC", ""],
            ["b1", "summit", "lms-pro", "active", "200", "15.00", "2024-01-01 10:00:00 UTC", ""],
            ["c1", "cedar", "lms-core", "expired", "10", "10.00", "2023-01-01 10:00:00 UTC",
             "2026-06-30 10:00:00 UTC"],
        ]),
        "usage": write_xlsx(d / "usage.xlsx", [
            ["LMS ID", "Month", "MAU"],
            ["LMS-1", "2026-09-01", 31], ["LMS-1", "2026-10-01", 35],
            ["LMS-2", "2026-09-01", 150], ["LMS-2", "2026-10-01", 140],
        ], title="Usage"),
        "jira": write_csv(d / "jira.csv", [
            ["Issue key", "Summary", "Status", "Customer Account", "Created"],
            ["SUP-1", "SSO broken", "Open", "Lakeside Clinic", "01/Nov/26 9:15 AM"],
            ["SUP-2", "Report slow", "Waiting for customer", "Lakeside Clinic",
             "02/Nov/26 9:15 AM"],
            ["SUP-3", "Old issue", "Done", "Lakeside Clinic", "01/Oct/26 9:15 AM"],
            ["SUP-4", "Question", "In Progress", "Summit Health Partners", "03/Nov/26 1:00 PM"],
            ["SUP-5", "Who is this", "Open", "Unknown Org", "03/Nov/26 1:00 PM"],
        ]),
    }  # fmt: skip


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_import_a_whole_book_then_accounts_json(
    book_files: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in book_files.values()]
    summaries = run_json(capsys, "--db", db_url, "import", *files, "--json")
    assert isinstance(summaries, list)
    by_kind = {s["kind"]: s for s in summaries}
    assert summaries[0]["kind"] == "accounts"
    assert by_kind["accounts"]["new"] == 3
    assert by_kind["tickets"]["new"] == 4
    assert by_kind["tickets"]["unmatched"] == 1
    assert by_kind["tickets"]["unmatched_examples"] == ["row 6: Unknown Org"]
    accounts = run_json(capsys, "--db", db_url, "accounts", "--json")
    assert isinstance(accounts, list)
    got = {
        a["name"]: (a["owner"], a["lms_id"], a["recurly_id"], a["mrr"], a["renewal_date"],
                    a["mau"], a["open_tickets"], a["lifecycle"])
        for a in accounts
    }  # fmt: skip
    assert got == {
        "Lakeside Clinic": ("Holly Grant", "LMS-1", "billing@lakeside.org", 1100.0,
                            "2027-03-31", 35, 2, "active"),
        "Summit Health Partners": ("Daniel Reyes", "LMS-2", "summit", 3000.0, "2027-01-15",
                                   140, 1, "active"),
        "Cedar Valley Dental": ("Holly Grant", "LMS-3", "cedar", 0.0, None, None, 0,
                                "churned"),
    }  # fmt: skip
    assert {a["sf_account_id"] for a in accounts} == {to_18(A), to_18(B), to_18(C)}


def test_reimport_is_refused_politely_and_changes_nothing(
    book_files: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    acc = str(book_files["accounts"])
    assert main(["--db", db_url, "import", acc]) == 0
    first = capsys.readouterr().out
    assert "3 new" in first
    before = dump(db_url)
    assert main(["--db", db_url, "import", acc]) == 0
    assert "already imported on" in capsys.readouterr().out
    assert dump(db_url) == before


def test_corrupt_file_exits_2_and_writes_nothing(
    book_files: dict[str, Path], tmp_path: Path, db_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert main(["--db", db_url, "import", str(book_files["accounts"])]) == 0
    capsys.readouterr()
    bad = tmp_path / "truncated.xlsx"
    bad.write_bytes(book_files["usage"].read_bytes()[:300])
    before = dump(db_url)
    code = main(["--db", db_url, "import", str(book_files["contacts"]), str(bad)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "truncated.xlsx" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert out == ""
    assert dump(db_url) == before


def test_missing_file_exits_2(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db_url, "import", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_dry_run_imports_and_rollback(
    book_files: dict[str, Path], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    acc = str(book_files["accounts"])
    # A fresh database (no file yet, or an empty PostgreSQL database): the dry run
    # creates the schema and must write nothing else.
    dry = run_json(capsys, "--db", db_url, "import", acc, "--dry-run", "--json")
    assert isinstance(dry, list)
    assert (dry[0]["new"], dry[0]["batch_id"]) == (3, None)
    written = ("accounts: ", "csms: ", "import_batches: ", "change_log: ")
    assert [ln for ln in dump(db_url) if ln.startswith(written)] == []
    assert run_json(capsys, "--db", db_url, "imports", "--json") == []
    done = run_json(capsys, "--db", db_url, "import", acc, "--json")
    assert isinstance(done, list)
    batch = done[0]["batch_id"]
    listed = run_json(capsys, "--db", db_url, "imports", "--json")
    assert isinstance(listed, list)
    assert [(b["batch_id"], b["new"], b["rolled_back_at"]) for b in listed] == [(batch, 3, None)]
    assert main(["--db", db_url, "rollback", str(batch)]) == 0
    assert f"batch {batch} rolled back" in capsys.readouterr().out
    assert run_json(capsys, "--db", db_url, "accounts", "--json") == []
    assert main(["--db", db_url, "rollback", str(batch)]) == 2
    assert "already rolled back" in capsys.readouterr().err


def _scenario_sheet(path: Path) -> list[tuple[object, ...]]:
    from desktop_app.io.exporters.rows import SHEET_SCENARIOS

    return list(openpyxl.load_workbook(path)[SHEET_SCENARIOS].iter_rows(values_only=True))


def test_cli_import_rescores_so_a_transition_export_has_real_bands(
    book_files: dict[str, Path], db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    files = [str(p) for p in book_files.values()]
    assert main(["--db", str(db_path), "import", *files]) == 0
    assert "Rescored 2 accounts" in capsys.readouterr().out
    accounts = run_json(capsys, "--db", str(db_path), "accounts", "--json")
    assert isinstance(accounts, list)
    bands = {a["name"]: a["health_band"] for a in accounts}
    scores = {a["name"]: a["health_score"] for a in accounts}
    # No main POC is marked in these exports, so the SOP band is Undefined, but it is computed.
    assert bands["Lakeside Clinic"] is not None
    assert bands["Summit Health Partners"] is not None
    assert scores["Lakeside Clinic"] is not None
    out = tmp_path / "handoff.xlsx"
    code = main(["--db", str(db_path), "transition", "export", "--account", A, "--account", B,
                 "--to", "Dana Cole", "--out", str(out)])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "Wrote 2 accounts" in text
    rows = _scenario_sheet(out)
    sheet = "\n".join(" ".join(str(v) for v in row if v is not None) for row in rows)
    assert "No health band" not in sheet
    assert str(bands["Lakeside Clinic"]) in sheet


def test_cli_rollback_rescores(
    book_files: dict[str, Path], db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "import", str(book_files["accounts"])]) == 0
    capsys.readouterr()
    usage = run_json(capsys, "--db", str(db_path), "import", str(book_files["usage"]), "--json")
    assert isinstance(usage, list)
    before = run_json(capsys, "--db", str(db_path), "accounts", "--json")
    assert main(["--db", str(db_path), "rollback", str(usage[0]["batch_id"])]) == 0
    assert "Rescored 3 accounts" in capsys.readouterr().out
    after = run_json(capsys, "--db", str(db_path), "accounts", "--json")
    assert isinstance(before, list)
    assert isinstance(after, list)
    assert [a["mau"] for a in after] == [None, None, None]
    assert len(after) == len(before)
    from desktop_app.services.database import open_database
    from desktop_app.services.health.freshness import stale_scores

    store = open_database(db_path)
    try:
        assert stale_scores(store) is None  # scored after the rollback, not before it
    finally:
        store.dispose()


def test_import_no_rescore_leaves_the_scores_stale_until_score(
    book_files: dict[str, Path], db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.services.database import open_database
    from desktop_app.services.health.freshness import stale_scores

    assert main(["--db", str(db_path), "import", "--no-rescore", str(book_files["accounts"])]) == 0
    assert "Rescored" not in capsys.readouterr().out
    store = open_database(db_path)
    try:
        assert stale_scores(store) is not None
        assert main(["--db", str(db_path), "score"]) == 0
        assert stale_scores(store) is None
    finally:
        store.dispose()


def test_transition_export_refuses_stale_scores(
    book_files: dict[str, Path], db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from desktop_app.services.database import open_database
    from desktop_app.services.importing.batch import import_files

    store = open_database(db_path)
    try:
        import_files(store, [str(book_files["accounts"])])  # the service alone does not score
    finally:
        store.dispose()
    out = tmp_path / "handoff.xlsx"
    code = main(["--db", str(db_path), "transition", "export", "--account", A,
                 "--to", "Dana Cole", "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "account-desk score" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_report_with_only_mrr_gets_arr(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.realistic_exports import write_realistic_exports

    report = write_realistic_exports(tmp_path / "exports", n=8)[0]
    assert main(["--db", str(db_path), "import", str(report)]) == 0
    out = capsys.readouterr().out
    assert "8 new" in out
    assert "skipped: row" in out  # the report's totals and footer, listed
    accounts = run_json(capsys, "--db", str(db_path), "accounts", "--json")
    assert isinstance(accounts, list)
    assert len(accounts) == 8
    assert all(a["arr"] == pytest.approx(12 * a["mrr"]) for a in accounts)
