"""build_preview on generated fixture files of every supported export."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from desktop_app.io.importer import apply_mapping, build_preview
from desktop_app.io.model import SavedProfile
from desktop_app.io.profiles import header_signature
from desktop_app.io.readers import list_sheets
from tests.io import fixtures as fx


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
def test_salesforce_details_only_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    p = build_preview(fx.sf_accounts_csv(tmp_path, encoding=encoding))
    assert (p.kind, p.profile) == ("accounts", "salesforce_accounts")
    assert [r["name"] for r in p.records] == [
        "Acme Corp",
        "Müller GmbH",
        "São Paulo Ltda",
        "Zeta Inc",
    ]
    assert p.row_numbers == [2, 3, 4, 5]
    assert p.records[0]["sf_account_id"] == fx.SF_IDS_18[0]
    assert p.records[0]["mrr"] == 1234.5
    assert p.records[2]["mrr"] == -15.0
    assert p.records[3]["mrr"] is None  # blank stays blank, never 0
    assert p.records[0]["renewal_date"] == date(2026, 1, 12)
    assert p.rows_skipped == 5  # blank lines, Grand Totals, Confidential, copyright
    assert not p.errors


def test_data_loader_api_names_any_case_give_same_ids(tmp_path: Path) -> None:
    lower = build_preview(fx.sf_accounts_dataloader(tmp_path))
    caps = build_preview(fx.sf_accounts_dataloader(tmp_path, caps=True))
    report = build_preview(fx.sf_accounts_csv(tmp_path))
    ids = [r["sf_account_id"] for r in report.records]
    assert [r["sf_account_id"] for r in lower.records] == ids
    assert [r["sf_account_id"] for r in caps.records] == ids
    assert caps.records[0]["lms_id"] == "LMS-1"


def test_formatted_opportunity_report_xlsx(tmp_path: Path) -> None:
    p = build_preview(fx.sf_opportunities_formatted(tmp_path))
    assert p.kind == "opportunities"
    assert [r["name"] for r in p.records] == [
        "Acme Corp Renewal 2027",
        "Müller Upsell",
        "Zeta Renewal",
    ]
    assert [r["rsm"] for r in p.records] == ["Dana Scully", "Dana Scully", "Fox Mulder"]  # filled
    assert [r["amount"] for r in p.records] == [12500.0, 1000.0, 2500.0]
    assert p.records[0]["stage"] == "Negotiation/Review"
    assert p.records[1]["close_date"] == date(2026, 3, 1)
    assert p.records[2]["close_date"] == date(2026, 6, 30)
    assert [r["kind"] for r in p.records] == ["renewal", "upsell", "renewal"]
    assert p.records[1]["is_won"] is True
    assert p.row_numbers == [6, 7, 9]


def test_case_report_day_first_decided_per_column(tmp_path: Path) -> None:
    p = build_preview(fx.sf_cases_dayfirst(tmp_path))
    assert p.profile == "salesforce_cases"
    assert p.records[0]["key"] == "00001001"
    assert p.records[1]["opened_at"] == datetime(2026, 4, 3, 8, 0)  # 03/04 read day-first
    assert any("Date/Time Opened read as day-first" in n for n in p.notes)
    assert p.records[1]["waiting_on"] == "customer"
    assert p.records[0]["is_open"] is False


def test_recurly_subscriptions_cents_and_zones(tmp_path: Path) -> None:
    p = build_preview(fx.recurly_subscriptions(tmp_path))
    assert p.profile == "recurly_subscriptions"
    a, z = p.records
    assert a["unit_amount"] == 8.0
    assert a["mrr"] == 80.0
    assert a["billing_account_code"] == "acme@example.com"
    assert z["started_at"] == datetime(2012, 6, 27, 10, 47, 28)  # PDT -> UTC


def test_recurly_ar_one_billing_row_per_account(tmp_path: Path) -> None:
    path = fx.recurly_ar(tmp_path)
    import os

    os.utime(path, (datetime(2026, 11, 24, 12).timestamp(),) * 2)
    p = build_preview(path)
    by = {r["billing_account_code"]: r for r in p.records}
    assert by["zeta"]["state"] == "past_due"
    assert by["zeta"]["balance_due"] == 150.0
    assert by["zeta"]["days_past_due"] == (date(2026, 11, 24) - date(2026, 10, 1)).days
    assert by["acme@example.com"]["state"] == "current"


@pytest.mark.parametrize("key_label", ["Issue key", "Work item key"])
def test_jira_export(tmp_path: Path, key_label: str) -> None:
    p = build_preview(fx.jira_issues(tmp_path, key_label=key_label))
    assert p.profile == "jira_issues"
    assert [r["key"] for r in p.records] == ["CS-1", "CS-2", "CS-3"]
    assert p.rows_skipped == 1  # the repeated header
    assert p.records[0]["opened_at"] == datetime(2024, 3, 12, 15, 5)
    assert p.records[0]["is_escalation"] is True
    assert p.records[2]["is_open"] is False
    assert p.records[0]["source"] == "jira"


def test_zendesk(tmp_path: Path) -> None:
    p = build_preview(fx.zendesk_tickets(tmp_path))
    assert p.profile == "zendesk_tickets"
    assert p.records[0]["account_name"] == "acme corp"
    assert p.records[0]["waiting_on"] == "customer"


def test_usage_wide_melted(tmp_path: Path) -> None:
    path = fx.usage_wide(tmp_path)
    assert [(s.name, s.hidden) for s in list_sheets(path)] == [("MAU", False), ("Lookup", True)]
    p = build_preview(path)
    assert (p.kind, p.profile) == ("usage", "usage_wide")
    got = {(r["lms_id"], r["month"]): r["mau"] for r in p.records}
    assert got[("LMS-1", date(2025, 2, 1))] == 0  # zero kept
    assert ("LMS-1", date(2025, 3, 1)) not in got  # blank = no data
    assert got[("LMS-4", date(2025, 3, 1))] == 7  # serial-number header
    assert got[("LMS-4", date(2025, 4, 1))] == 8  # text header
    assert len(p.records) == 7  # Total row and Total/Formula columns ignored


def test_usage_long_semicolon_decimal_comma(tmp_path: Path) -> None:
    p = build_preview(fx.usage_long_semicolon(tmp_path))
    assert p.profile == "usage_long"
    assert [r["mau"] for r in p.records] == [1234, None, 0]
    assert [r["module_usage_pct"] for r in p.records] == [45.5, 50.0, 12.25]


def test_nps_exports(tmp_path: Path) -> None:
    q = build_preview(fx.nps_qualtrics(tmp_path))
    assert q.profile == "nps_qualtrics"
    assert [(r["response_id"], r["score"]) for r in q.records] == [("R_1", 9)]  # preview dropped
    assert q.row_numbers == [4]
    s = build_preview(fx.nps_surveymonkey(tmp_path))
    assert s.profile == "nps_surveymonkey"
    assert s.records == [
        {
            "response_id": "114",
            "contact_email": "eve@acme.com",
            "responded_at": datetime(2026, 11, 1, 10, 2),
            "score": 6,
            "comment": "Too slow",
        }
    ]
    d = build_preview(fx.nps_delighted(tmp_path))
    assert d.records[0]["responded_at"] == datetime(2025, 11, 24, 16, 0)
    assert [str(e) for e in d.errors] == [
        "delighted.csv, row 3, column 'Score': not a score from 0 to 10: 11"
    ]


def test_unknown_headers_then_saved_profile(tmp_path: Path) -> None:
    path = fx.write_csv(tmp_path / "odd.csv", [["Kunde", "Nummer"], ["Acme", "001bm00001ZL8U9"]])
    p = build_preview(path)
    assert (p.kind, p.confidence, p.records, p.mapping) == ("unknown", 0.0, [], {})
    assert "no recognisable" in p.errors[0].message
    mapping = {"Kunde": "name", "Nummer": "sf_account_id"}
    applied = apply_mapping(path, None, "accounts", mapping)
    assert applied.records == [{"name": "Acme", "sf_account_id": "001bm00001ZL8U9AAL"}]
    saved = SavedProfile("kunden", "accounts", header_signature(["KUNDE", "nummer"]), mapping)
    again = build_preview(path, saved_profiles=[saved])
    assert (again.profile, again.records) == ("custom:kunden", applied.records)


def test_duplicate_keys_are_left_for_the_import_to_judge(tmp_path: Path) -> None:
    """One duplicate rule, applied where rows are stored (``io.dedupe``; tested through
    the import in tests/services/test_import_rules.py): the preview keeps every row."""
    rows = [
        fx.ACCOUNT_HEADER,
        fx.ACCOUNT_ROWS[0],
        fx.ACCOUNT_ROWS[1],
        fx.ACCOUNT_ROWS[0],
        [*fx.ACCOUNT_ROWS[0][:5], "$1.00", *fx.ACCOUNT_ROWS[0][6:]],
    ]
    p = build_preview(fx.write_csv(tmp_path / "dup.csv", rows))
    assert p.row_numbers == [2, 3, 4, 5]
    assert p.errors == []
    assert [r["mrr"] for r in p.records] == [1234.5, 99.0, 1234.5, 1.0]


def test_bad_cells_name_file_row_column(tmp_path: Path) -> None:
    rows = [
        fx.ACCOUNT_HEADER,
        fx.ACCOUNT_ROWS[0],
        [*fx.ACCOUNT_ROWS[1][:5], "abc", *fx.ACCOUNT_ROWS[1][6:8], "2/30/2026", "EU"],
    ]
    p = build_preview(fx.write_csv(tmp_path / "bad.csv", rows))
    assert p.row_numbers == [2]
    assert sorted(str(e) for e in p.errors) == [
        "bad.csv, row 3, column 'MRR': not a money amount: 'abc'",
        "bad.csv, row 3, column 'Renewal Date': not a valid date: '2/30/2026'",
    ]
    assert p.records[0].get("region") is None  # unmapped columns are not records' fields
