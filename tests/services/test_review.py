"""The import review list on real files: list, accept, dismiss, reopen, export, rollback."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from desktop_app.services.book.records import account_records
from desktop_app.services.errors import UserError
from desktop_app.services.importing.batch import import_files, rollback_batch
from desktop_app.services.importing.review import (
    accept_match,
    dismiss,
    export_review,
    list_review,
    reopen,
)
from desktop_app.store.engine import Store
from tests.dbdump import dump, plain

A, B = "001A000001AbCdE", "001A000001XyZwV"


def write_accounts(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (
        ["Account ID", "Account Name", "Account Owner", "LMS ID", "Recurly ID", "Segment"],
        [A, "Acme Corp", "Holly Grant", "LMS-1", "acme", "SMB"],
        [B, "Summit Health Partners", "Daniel Reyes", "LMS-2", "summit", "MM"],
    ):
        ws.append(row)
    wb.save(path)
    return path


def write_jira(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["Issue key", "Summary", "Status", "Customer Account", "Created"],
            ["SUP-1", "SSO broken", "Open", "Acme Corp", "01/Nov/26 9:15 AM"],
            ["SUP-2", "Report slow", "Open", "ACME corp inc.", "02/Nov/26 9:15 AM"],
            ["SUP-3", "Who is this", "Open", "Unknown Org", "03/Nov/26 1:00 PM"],
        ])  # fmt: skip
    return path


@pytest.fixture
def imported(store: Store, tmp_path: Path) -> Store:
    """Accounts, then a Jira export with one exact, one fuzzy and one unknown name."""
    import_files(store, [write_accounts(tmp_path / "accounts.xlsx")])
    import_files(store, [write_jira(tmp_path / "jira.csv")])
    return store


def open_tickets(store: Store) -> dict[str, int]:
    return {r.name: r.open_tickets for r in account_records(store)}


def test_review_lists_fuzzy_and_unmatched_rows(imported: Store) -> None:
    rows = list_review(imported)
    got = [(r.kind, r.row_number, r.key_value, r.record_kind, r.candidate_name) for r in rows]
    assert got == [
        ("fuzzy", 3, "ACME corp inc.", "tickets", "Acme Corp"),
        ("unmatched", 4, "Unknown Org", "tickets", None),
    ]
    assert all(r.file_name == "jira.csv" and not r.resolved for r in rows)


def test_accept_fuzzy_links_the_ticket_and_rollback_removes_it(imported: Store) -> None:
    assert open_tickets(imported)["Acme Corp"] == 1
    fuzzy = list_review(imported)[0]
    batch = fuzzy.batch_id
    assert fuzzy.candidate_account_id is not None
    accept_match(imported, fuzzy.id, fuzzy.candidate_account_id)
    assert open_tickets(imported)["Acme Corp"] == 2
    assert [r.kind for r in list_review(imported)] == ["unmatched"]
    done = list_review(imported, include_resolved=True)
    assert [(r.kind, r.resolved, r.resolution) for r in done] == [
        ("fuzzy", True, "accepted"), ("unmatched", False, "")
    ]  # fmt: skip
    with pytest.raises(UserError, match="already resolved"):
        accept_match(imported, fuzzy.id, fuzzy.candidate_account_id)
    rollback_batch(imported, batch)
    # The rollback removed the only ticket export: the book no longer knows any account's
    # tickets, so the count is unknown (None), never a confident 0.
    assert open_tickets(imported)["Acme Corp"] is None
    assert not [ln for ln in dump(imported) if ln.startswith("tickets: ")]
    assert list_review(imported, include_resolved=True) == []


def test_accept_then_rollback_equals_state_before_the_import(store: Store, tmp_path: Path) -> None:
    import_files(store, [write_accounts(tmp_path / "accounts.xlsx")])
    before = dump(store, skip=("import_batches",))
    (s,) = import_files(store, [write_jira(tmp_path / "jira.csv")])
    assert s.batch_id is not None
    rows = list_review(store)
    summit = next(r.candidate_account_id for r in rows if r.kind == "fuzzy")
    accept_match(store, rows[0].id, summit or 0)
    other = next(a.id for a in account_records(store) if a.name == "Summit Health Partners")
    accept_match(store, rows[1].id, other)
    assert open_tickets(store) == {"Acme Corp": 2, "Summit Health Partners": 1}
    rollback_batch(store, s.batch_id)
    assert dump(store, skip=("import_batches",)) == before


def test_accepting_an_unmatched_row_for_a_picked_account(imported: Store) -> None:
    unmatched = list_review(imported)[1]
    summit = next(a.id for a in account_records(imported) if a.name == "Summit Health Partners")
    accept_match(imported, unmatched.id, summit)
    assert open_tickets(imported)["Summit Health Partners"] == 1
    with pytest.raises(UserError, match="roll back"):
        reopen(imported, unmatched.id)


def test_dismiss_and_reopen(imported: Store) -> None:
    first = list_review(imported)[0]
    dismiss(imported, first.id)
    assert [r.kind for r in list_review(imported)] == ["unmatched"]
    assert open_tickets(imported)["Acme Corp"] == 1  # nothing stored
    with pytest.raises(UserError, match="already resolved"):
        dismiss(imported, first.id)
    reopen(imported, first.id)
    assert list_review(imported)[0] == first
    with pytest.raises(UserError, match="still open"):
        reopen(imported, first.id)


def test_unknown_ids_are_user_errors(imported: Store) -> None:
    with pytest.raises(UserError, match="no review item 999"):
        accept_match(imported, 999, 1)
    with pytest.raises(UserError, match="no review item 999"):
        dismiss(imported, 999)
    item = list_review(imported)[0]
    with pytest.raises(UserError, match="no account 999"):
        accept_match(imported, item.id, 999)
    assert list_review(imported)[0] == item


def test_export_is_formula_safe(imported: Store, tmp_path: Path) -> None:
    rows = list_review(imported)
    out = tmp_path / "review.csv"
    assert export_review(rows, out) == 2
    with out.open(newline="", encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh))
    assert got[0][:5] == ["Id", "Batch", "File", "Imported at", "Kind"]
    assert [r[6] for r in got[1:]] == ["ACME corp inc.", "Unknown Org"]


def test_export_neutralises_formulas(tmp_path: Path, imported: Store) -> None:
    from dataclasses import replace

    row = replace(list_review(imported)[1], key_value='=HYPERLINK("x")')
    out = tmp_path / "evil.csv"
    export_review([row], out)
    with out.open(newline="", encoding="utf-8-sig") as fh:
        got = list(csv.reader(fh))
    assert got[1][6] == '\'=HYPERLINK("x")'


def test_accept_a_usage_row_keeps_its_month_a_date(imported: Store, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["Account Name", "Month", "MAU"],
            ["Acme Corp.", "2026-10-01", 42],
        ])  # fmt: skip
    import_files(imported, [path])
    (item,) = [r for r in list_review(imported) if r.record_kind == "usage"]
    assert (item.kind, item.candidate_name) == ("fuzzy", "Acme Corp")
    assert item.candidate_account_id is not None
    accept_match(imported, item.id, item.candidate_account_id)
    with imported.engine.connect() as conn:
        got = [
            tuple(map(plain, r))
            for r in conn.exec_driver_sql("select account_id, month, mau from usage_monthly")
        ]
    assert got == [(item.candidate_account_id, "2026-10-01", 42)]
    assert {r.name: r.mau for r in account_records(imported)}["Acme Corp"] == 42


def test_a_wide_usage_id_is_one_item_and_accepting_it_stores_every_month(
    imported: Store, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["LMS ID", "Account Name", "2026-07", "2026-08", "2026-09"],
            ["LMS-404", "Nobody Known", 5, 6, 7],
        ])  # fmt: skip
    (summary,) = import_files(imported, [path])
    assert summary.unmatched == 3
    assert summary.unmatched_examples == ["row 2: LMS-404 (3 rows)"]
    (item,) = [r for r in list_review(imported) if r.record_kind == "usage"]
    assert (item.kind, item.key_value, item.rows) == ("unmatched", "LMS-404", 3)
    acme = {r.name: r.id for r in account_records(imported)}["Acme Corp"]
    accept_match(imported, item.id, acme)
    with imported.engine.connect() as conn:
        got = [
            tuple(map(plain, r))
            for r in conn.exec_driver_sql(
                f"select month, mau from usage_monthly where account_id = {acme} order by month"
            )
        ]
        unmatched = conn.exec_driver_sql(
            f"select rows_unmatched from import_batches where id = {summary.batch_id}"
        ).one()
    assert got == [("2026-07-01", 5), ("2026-08-01", 6), ("2026-09-01", 7)]
    assert tuple(unmatched) == (0,)
    assert [r.id for r in list_review(imported)] == [
        r.id for r in list_review(imported) if r.id != item.id
    ]


def test_review_items_are_capped_per_import_and_the_rest_reported(
    store: Store, tmp_path: Path
) -> None:
    from desktop_app.services.importing.context import MAX_REVIEW_KEYS

    path = tmp_path / "usage.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        rows = [[f"LMS-{i}", "2026-09", 3] for i in range(MAX_REVIEW_KEYS + 50)]
        csv.writer(fh).writerows([["LMS ID", "Month", "MAU"], *rows])
    (summary,) = import_files(store, [path])
    assert summary.unmatched == MAX_REVIEW_KEYS + 50
    assert len(list_review(store)) == MAX_REVIEW_KEYS
    assert any("50 more unlinked keys (50 rows)" in m for m in summary.problem_messages)
