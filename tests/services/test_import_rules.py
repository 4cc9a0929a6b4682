"""The import's rules, through real files: one duplicate rule, one owner for MRR (no Qt)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_app.domain.ids import to_18
from desktop_app.services.importing.batch import import_files
from desktop_app.store.engine import Store

TODAY = date(2026, 11, 24)
SF = [to_18(f"001A00000{i}AbCdE") for i in range(1, 4)]
ACCOUNTS = ["Account ID", "Account Name", "Account Owner", "LMS ID", "Recurly ID", "MRR"]
SUBS = ["uuid", "account_code", "plan_code", "state", "quantity", "unit_amount",
        "activated_at", "expires_at"]  # fmt: skip


def write(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def account(i: int, mrr: float, name: str = "") -> list[Any]:
    return [SF[i][:15], name or f"Clinic {i}", "Holly Grant", f"LMS-{i}", f"code-{i}", mrr]


# ------------------------------------------------------------------ one duplicate rule


def test_rows_that_disagree_on_a_key_are_none_of_them_imported(
    store: Store, tmp_path: Path
) -> None:
    path = write(tmp_path / "dup.csv", ACCOUNTS,
                 [account(0, 10), account(1, 20), account(0, 10), account(0, 11)])  # fmt: skip
    [s] = import_files(store, [path], today=TODAY)
    assert (s.new, s.skipped, s.problems) == (1, 3, 1)
    assert "rows 2, 4, 5 with different values" in s.problem_messages[0]
    assert [r.split(":")[0] for r in s.skipped_rows] == ["row 2", "row 4", "row 5"]
    assert rows(store, "select name from accounts") == [("Clinic 1",)]


def test_exact_repeats_are_skipped_once_and_listed(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "rep.csv", ACCOUNTS,
                 [account(0, 10), account(1, 20), account(0, 10), account(0, 10)])  # fmt: skip
    [s] = import_files(store, [path], today=TODAY)
    assert (s.new, s.skipped, s.problems) == (2, 2, 0)
    assert s.skipped_rows == ["row 4: exact repeat of row 2", "row 5: exact repeat of row 2"]


def test_rows_with_different_ids_for_one_account_are_one_key(store: Store, tmp_path: Path) -> None:
    import_files(store, [write(tmp_path / "a.csv", ACCOUNTS, [account(0, 10)])], today=TODAY)
    by_lms = ["", "Clinic 0", "Holly Grant", "LMS-0", "code-0", 12]  # no SF id: linked by LMS id
    path = write(tmp_path / "b.csv", ACCOUNTS, [account(0, 11), by_lms])
    [s] = import_files(store, [path], today=TODAY)
    assert (s.updated, s.skipped, s.problems) == (0, 2, 1)
    assert "rows 2, 3 with different values" in s.problem_messages[0]
    assert rows(store, "select mrr from accounts") == [(10.0,)]


def test_the_same_key_in_two_files_is_two_batches_the_later_one_updating(
    store: Store, tmp_path: Path
) -> None:
    first = write(tmp_path / "first.csv", ACCOUNTS, [account(0, 10), account(1, 20)])
    second = write(tmp_path / "second.csv", ACCOUNTS, [account(0, 15)])
    one, two = import_files(store, [first, second], today=TODAY)
    assert (one.new, one.skipped, two.updated, two.skipped) == (2, 0, 1, 0)
    assert rows(store, "select mrr from accounts order by id") == [(15.0,), (20.0,)]


# ------------------------------------------------------------------ one owner for MRR


def subscriptions(tmp_path: Path) -> Path:
    return write(tmp_path / "subs.csv", SUBS, [
        ["s1", "code-0", "pro", "active", 10, 30, "2024-01-01", ""],
        ["s2", "code-0", "addon", "active", 1, 50, "2025-01-01", ""],
        ["s3", "code-0", "old", "expired", 1, 999, "2020-01-01", "2021-01-01"],
    ])  # fmt: skip


def mrr(store: Store) -> list[tuple[Any, ...]]:
    return rows(store, "select name, mrr, arr from accounts order by name")


def test_live_subscriptions_own_mrr_whatever_the_order_of_imports(
    store: Store, tmp_path: Path
) -> None:
    v1 = write(tmp_path / "v1.csv", ACCOUNTS, [account(0, 1000), account(1, 400)])
    v2 = write(tmp_path / "v2.csv", ACCOUNTS, [account(0, 1200), account(1, 450)])
    subs = subscriptions(tmp_path)
    # Order 1: account exports, then subscriptions.
    for path in (v1, v2, subs):
        import_files(store, [path], today=TODAY)
    after_subs_last = mrr(store)
    # Clinic 0 has subscriptions: 10 x 30 + 50 live (the expired one does not count).
    # Clinic 1 has none: its MRR is the latest account export's.
    assert after_subs_last == [("Clinic 0", 350.0, 4200.0), ("Clinic 1", 450.0, 5400.0)]
    # Order 2 (same book contents): subscriptions before the last account export.
    v3 = write(tmp_path / "v3.csv", ACCOUNTS, [account(0, 1300), account(1, 450)])
    [s] = import_files(store, [v3], today=TODAY)
    assert (s.updated, s.unchanged) == (0, 2)
    assert mrr(store) == after_subs_last


def test_one_command_with_both_files_gives_the_same_mrr(store: Store, tmp_path: Path) -> None:
    v1 = write(tmp_path / "v1.csv", ACCOUNTS, [account(0, 1000), account(1, 400)])
    import_files(store, [subscriptions(tmp_path), v1], today=TODAY)  # accounts stored first
    assert mrr(store) == [("Clinic 0", 350.0, 4200.0), ("Clinic 1", 400.0, 4800.0)]


def test_rolling_back_the_subscriptions_hands_mrr_back(store: Store, tmp_path: Path) -> None:
    from desktop_app.services.importing.batch import rollback_batch

    v1 = write(tmp_path / "v1.csv", ACCOUNTS, [account(0, 1000), account(1, 400)])
    import_files(store, [v1], today=TODAY)
    before = rows(store, "select * from accounts order by id")
    [s] = import_files(store, [subscriptions(tmp_path)], today=TODAY)
    assert mrr(store)[0] == ("Clinic 0", 350.0, 4200.0)
    assert s.batch_id is not None
    rollback_batch(store, s.batch_id)
    assert mrr(store)[0] == ("Clinic 0", 1000.0, 12000.0)
    assert rows(store, "select * from accounts order by id") == before
