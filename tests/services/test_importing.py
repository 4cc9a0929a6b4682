"""Storing imports: linking, batches, re-import, change log, rollback, cancel (no Qt)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_app.domain.ids import to_18
from desktop_app.io.model import ImportPreview
from desktop_app.services.errors import UserError
from desktop_app.services.importing.batch import import_preview, list_batches, rollback_batch
from desktop_app.services.progress import Cancelled
from desktop_app.store.engine import Store
from tests.dbdump import dump, plain
from tests.progress_helpers import RecordingProgress

TODAY = date(2026, 11, 24)
SF1 = to_18("001A000001AbCdE")
SF2 = to_18("001A000001XyZwV")


def make_preview(
    tmp_path: Path, kind: str, records: list[dict[str, Any]], name: str | None = None
) -> ImportPreview:
    """A real preview over a real file whose bytes are unique to its records."""
    path = tmp_path / (name or f"{kind}-{len(list(tmp_path.iterdir()))}.json")
    path.write_text(json.dumps(records, default=str))
    return ImportPreview(
        file=str(path),
        sheet=None,
        kind=kind,
        profile=f"test_{kind}",
        confidence=1.0,
        records=records,
        row_numbers=list(range(2, len(records) + 2)),
    )


def accounts(**over: Any) -> list[dict[str, Any]]:
    a = {
        "sf_account_id": SF1, "name": "Lakeside Clinic", "owner": "Holly Grant",
        "team_lead": "Kimberly Ortiz", "lms_id": "LMS-1", "recurly_code": "billing@lakeside.org",
        "segment": "SMB", "contracted_seats": 50, "mrr": 1000.0, "lifecycle": "active",
    }  # fmt: skip
    b = {
        "sf_account_id": SF2, "name": "Summit Health Partners, Inc.", "owner": "Daniel Reyes",
        "team_lead": "Marcus Bell", "lms_id": "LMS-2", "recurly_code": "summit",
        "segment": "MM", "contracted_seats": 200, "mrr": 4000.0, "lifecycle": "active",
    }  # fmt: skip
    a.update(over)
    return [a, b]


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [tuple(map(plain, r)) for r in conn.execute(text(sql))]


def test_account_import_creates_accounts_and_csms(store: Store, tmp_path: Path) -> None:
    s = import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    assert (s.new, s.updated, s.unchanged, s.batch_id) == (2, 0, 0, 1)
    got = rows(store, "select a.name, c.full_name, a.lms_id, a.batch_id from accounts a "
                      "join csms c on c.id = a.owner_id order by a.id")  # fmt: skip
    assert got == [
        ("Lakeside Clinic", "Holly Grant", "LMS-1", 1),
        ("Summit Health Partners, Inc.", "Daniel Reyes", "LMS-2", 1),
    ]
    assert rows(store, "select count(*) from change_log where op = 'insert'") == [(4,)]


def test_same_file_again_is_refused_and_same_data_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    first = make_preview(tmp_path, "accounts", accounts(), name="a.json")
    import_preview(store, first, today=TODAY)
    before = dump(store)
    again = import_preview(store, first, today=TODAY)
    assert again.batch_id is None
    assert "already imported on" in again.message
    assert dump(store) == before
    fresh = import_preview(store, make_preview(tmp_path, "accounts", accounts(), "b.json"))
    assert (fresh.new, fresh.updated, fresh.unchanged) == (0, 0, 2)


def test_newer_export_updates_and_rollback_restores_exactly(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    before = dump(store, skip=("import_batches", "change_log"))
    newer = accounts(mrr=1500.0, owner="Priya Raman", lifecycle="churned",
                     churn_date=date(2026, 10, 1), churn_type="voluntary")  # fmt: skip
    s = import_preview(store, make_preview(tmp_path, "accounts", newer), today=TODAY)
    assert (s.new, s.updated, s.unchanged) == (0, 1, 1)
    assert rows(store, "select mrr, lifecycle, churn_date from accounts where id = 1") == [
        (1500.0, "churned", "2026-10-01")
    ]
    assert rows(store, "select count(*) from csms") == [(3,)]
    assert s.batch_id is not None
    rollback_batch(store, s.batch_id)
    assert dump(store, skip=("import_batches", "change_log")) == before
    listed = {b.id: b for b in list_batches(store)}
    assert listed[s.batch_id].rolled_back_at is not None
    assert listed[1].active


def test_rollback_of_first_import_empties_the_book(store: Store, tmp_path: Path) -> None:
    before = dump(store, skip=("import_batches",))
    s = import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    assert s.batch_id is not None
    rollback_batch(store, s.batch_id)
    assert dump(store, skip=("import_batches",)) == before
    with pytest.raises(UserError, match="already rolled back"):
        rollback_batch(store, s.batch_id)


def test_rollback_refused_while_a_later_batch_depends_on_it(store: Store, tmp_path: Path) -> None:
    first = import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    usage = [{"lms_id": "lms-1", "month": date(2026, 10, 1), "mau": 30}]
    second = import_preview(store, make_preview(tmp_path, "usage", usage), today=TODAY)
    assert second.new == 1
    assert first.batch_id is not None
    assert second.batch_id is not None
    with pytest.raises(UserError, match=f"roll back batch {second.batch_id} first"):
        rollback_batch(store, first.batch_id)
    rollback_batch(store, second.batch_id)
    rollback_batch(store, first.batch_id)
    assert rows(store, "select count(*) from accounts") == [(0,)]


def test_cancelled_import_leaves_database_exactly_as_it_was(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    before = dump(store)
    newer = make_preview(tmp_path, "accounts", accounts(mrr=9.0))
    with pytest.raises(Cancelled):
        import_preview(store, newer, progress=RecordingProgress(cancel_after=3), today=TODAY)
    assert dump(store) == before


def test_dry_run_counts_but_writes_nothing(store: Store, tmp_path: Path) -> None:
    before = dump(store)
    s = import_preview(store, make_preview(tmp_path, "accounts", accounts()), dry_run=True)
    assert (s.new, s.batch_id, s.dry_run) == (2, None, True)
    assert dump(store) == before


def test_conflicting_duplicate_keys_are_skipped_and_reported(store: Store, tmp_path: Path) -> None:
    recs = [*accounts(), accounts(mrr=1.0)[0], accounts()[1]]
    s = import_preview(store, make_preview(tmp_path, "accounts", recs), today=TODAY)
    assert (s.new, s.skipped, s.problems) == (1, 3, 1)
    assert "rows 2, 4 with different values" in s.problem_messages[0]
    assert rows(store, "select name from accounts") == [("Summit Health Partners, Inc.",)]


def test_unmatched_and_fuzzy_rows_go_to_review(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    tickets = [
        {"source": "jira", "key": "SUP-1", "account_sf_id": SF1, "status": "Open",
         "is_open": True},
        {"source": "jira", "key": "SUP-2", "account_name": "summit health partners",
         "status": "Open", "is_open": True},
        {"source": "jira", "key": "SUP-3", "account_name": "Nowhere Dental", "status": "Open",
         "is_open": True},
        {"source": "jira", "key": "SUP-4", "account_name": "  LAKESIDE   clinic ",
         "status": "Open", "is_open": True},
    ]  # fmt: skip
    s = import_preview(store, make_preview(tmp_path, "tickets", tickets), today=TODAY)
    assert (s.new, s.unmatched, s.review) == (2, 1, 1)
    assert s.unmatched_examples == ["row 4: Nowhere Dental"]
    got = rows(store, "select kind, row_number, key_value, candidate_account_id "
                      "from review_items order by row_number")  # fmt: skip
    assert got == [
        ("fuzzy", 3, "summit health partners", 2),
        ("unmatched", 4, "Nowhere Dental", None),
    ]
    assert rows(store, "select key, account_id from tickets order by key") == [
        ("SUP-1", 1), ("SUP-4", 1)
    ]  # fmt: skip


def test_ticket_status_change_goes_to_field_history(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    t = {"source": "jira", "key": "SUP-1", "account_sf_id": SF1, "status": "Open", "is_open": True}
    import_preview(store, make_preview(tmp_path, "tickets", [t]), today=TODAY)
    closed = t | {"status": "Done", "is_open": False}
    s = import_preview(store, make_preview(tmp_path, "tickets", [closed]), today=TODAY)
    assert s.updated == 1
    assert rows(store, "select entity, field, old_value, new_value from field_history") == [
        ("ticket", "status", "Open", "Done")
    ]


def test_subscriptions_set_mrr_and_churn(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    subs = [
        {"external_id": "s1", "billing_account_code": "BILLING@Lakeside.org", "state": "active",
         "mrr": 700.0, "started_at": date(2025, 1, 1)},
        {"external_id": "s2", "billing_account_code": "billing@lakeside.org", "state": "active",
         "mrr": 50.0, "started_at": date(2025, 6, 1)},
        {"external_id": "s3", "billing_account_code": "billing@lakeside.org", "state": "expired",
         "mrr": 999.0, "started_at": date(2024, 1, 1), "ended_at": date(2025, 1, 1)},
        {"external_id": "s4", "billing_account_code": "billing@lakeside.org", "state": "future",
         "mrr": 999.0, "started_at": date(2027, 1, 1)},
        {"external_id": "s5", "billing_account_code": "SUMMIT", "state": "expired",
         "mrr": 4000.0, "started_at": date(2024, 1, 1), "ended_at": date(2026, 9, 30)},
        {"external_id": "s6", "billing_account_code": "ghost", "state": "active", "mrr": 1.0},
    ]  # fmt: skip
    s = import_preview(store, make_preview(tmp_path, "subscriptions", subs), today=TODAY)
    assert (s.new, s.unmatched) == (5, 1)
    assert rows(store, "select mrr, arr, lifecycle, churn_date from accounts order by id") == [
        (750.0, 9000.0, "active", None),
        (0.0, 0.0, "churned", "2026-09-30"),
    ]


def test_opportunities_set_renewal_date(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    opps = [
        {"sf_opportunity_id": "006A000000000001", "account_sf_id": SF1, "name": "Renewal 2027",
         "kind": "renewal", "stage": "Negotiation", "close_date": date(2027, 3, 31),
         "is_closed": False},
        {"sf_opportunity_id": "006A000000000002", "account_sf_id": SF1, "name": "Renewal 2026",
         "kind": "renewal", "stage": "Closed Won", "close_date": date(2026, 3, 31),
         "is_closed": True, "is_won": True},
    ]  # fmt: skip
    import_preview(store, make_preview(tmp_path, "opportunities", opps), today=TODAY)
    assert rows(store, "select renewal_date from accounts order by id") == [
        ("2027-03-31",),
        (None,),
    ]
    moved = [opps[0] | {"stage": "Closed Won", "is_closed": True}]
    s = import_preview(store, make_preview(tmp_path, "opportunities", moved), today=TODAY)
    assert s.updated == 1
    assert rows(store, "select old_value, new_value from field_history") == [
        ("Negotiation", "Closed Won")
    ]


def test_nps_links_by_contact_email(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    contact = {"sf_contact_id": "003A00000000001AAA", "account_sf_id": SF2, "first_name": "Ann"}
    contacts = [contact | {"last_name": "Lee", "email": "Ann.Lee@summit.org"}]
    import_preview(store, make_preview(tmp_path, "contacts", contacts), today=TODAY)
    nps = [{"contact_email": "ann.lee@SUMMIT.org", "score": 9, "responded_at": date(2026, 11, 1)}]
    s = import_preview(store, make_preview(tmp_path, "nps", nps), today=TODAY)
    assert s.new == 1
    assert rows(store, "select account_id, score from nps_responses") == [(2, 9)]


def test_billing_state_history(store: Store, tmp_path: Path) -> None:
    import_preview(store, make_preview(tmp_path, "accounts", accounts()), today=TODAY)
    b1 = [{"billing_account_code": "summit", "as_of": date(2026, 10, 1), "state": "current"}]
    b2 = [{"billing_account_code": "summit", "as_of": date(2026, 11, 1), "state": "past_due",
           "days_past_due": 20}]  # fmt: skip
    import_preview(store, make_preview(tmp_path, "billing", b1), today=TODAY)
    import_preview(store, make_preview(tmp_path, "billing", b2), today=TODAY)
    assert rows(store, "select count(*) from billing_states") == [(2,)]
    assert rows(store, "select entity, entity_id, field, old_value, new_value "
                       "from field_history") == [("account", 2, "billing_state", "current",
                                                  "past_due")]  # fmt: skip


def test_unknown_kind_and_empty_preview_are_user_errors(store: Store, tmp_path: Path) -> None:
    unknown = make_preview(tmp_path, "unknown", [{"x": 1}])
    with pytest.raises(UserError, match="cannot import"):
        import_preview(store, unknown)
    with pytest.raises(UserError, match="no rows to import"):
        import_preview(store, make_preview(tmp_path, "accounts", []))
    assert list_batches(store) == []
