"""Data never imported stays missing everywhere: score, bands, reasons, alerts, agenda,
worklist, checklist and ``accounts --json`` (issue: 'missing stays missing').

The book is the independent simulator's Recurly-only export set (no tickets, NPS or
contacts), then a contacts export with a main POC per account but no reply dates.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.domain.accounts import HealthBand
from desktop_app.domain.transition import build_checklist
from desktop_app.services.book.records import account_records
from desktop_app.services.book.renewals import load_worklist, rank_rows
from desktop_app.services.database import open_database
from desktop_app.services.health.scoring import explain, rescore
from desktop_app.services.health.sources import load_sources
from desktop_app.services.importing.batch import import_files
from desktop_app.services.team.summary import csm_alerts, team_summary
from desktop_app.services.transitions.facts import load_facts
from desktop_app.store.engine import Store
from tests.books.simbook import write_book
from tests.io.fixtures import write_csv

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("missing")
    book = write_book(tmp / "files", n=150, seed=21)
    db = tmp / "book.db"
    s = open_database(db)
    import_files(s, book.files, today=TODAY)
    rescore(s, as_of=TODAY)
    with s.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    s.dispose()
    return db


@pytest.fixture
def recurly_only(_template: Path, tmp_path: Path) -> Iterator[Store]:
    target = tmp_path / "book.db"
    shutil.copyfile(_template, target)
    s = open_database(target)
    yield s
    s.dispose()


def _contacts_without_replies(folder: Path, records: list) -> Path:
    rows = [["Contact ID", "Account ID", "First Name", "Last Name", "Email", "Main POC"]]
    for k, r in enumerate(records):
        rows.append([f"003Sim{k:09d}", r.sf_account_id, "Olivia", f"Lee{k}",
                     f"olivia{k}@example.com", "Yes"])  # fmt: skip
    return write_csv(folder / "Contacts.csv", rows)


def test_sources_never_imported_are_missing_not_zero(recurly_only):
    assert load_sources(recurly_only) == {"usage", "subscriptions"}
    records = account_records(recurly_only)
    live = [r for r in records if r.lifecycle != "churned"]
    assert live
    scored = [r for r in records if r.health_band is not None]
    assert len(scored) >= 40
    assert all(r.health_band_reason for r in scored)  # every band says why
    for r in records:
        assert r.open_tickets is None  # no ticket export: unknown, not 0
        for key in ("open_tickets", "open_escalations", "nps_latest", "poc_days_since_reply"):
            assert key not in (r.health_measures or {})
    # No contacts export: nobody "has no main POC", so no one is Undefined for it.
    assert not [r for r in records if r.health_band == HealthBand.UNDEFINED.value]
    # renewal_date falls back to the live subscription's term end
    assert all(r.renewal_date is not None for r in live)
    ex = explain(recurly_only, live[0].id)
    assert ex is not None
    support = [ln for ln in ex.lines if ln.measure in ("open_tickets", "nps_latest")]
    assert support
    assert all(ln.points is None and ln.weight == 0 for ln in support)
    assert ex.band_reason == live[0].health_band_reason


def test_contacts_without_reply_dates_never_read_as_unresponsive(recurly_only, tmp_path):
    records = [r for r in account_records(recurly_only) if r.lifecycle != "churned"]
    import_files(recurly_only, [_contacts_without_replies(tmp_path, records)], today=TODAY)
    rescore(recurly_only, as_of=TODAY)
    assert "contacts" in load_sources(recurly_only)
    assert "replies" not in load_sources(recurly_only)
    after = account_records(recurly_only)
    assert not [r for r in after if r.health_band == HealthBand.UNDEFINED.value]
    reasons = [r.health_band_reason or "" for r in after if r.lifecycle != "churned"]
    assert all("POC reply dates not imported" in t for t in reasons)
    assert not any("last replied" in t for t in reasons)
    # the one-on-one agenda and the team summary do not invent silent POCs
    for summary in team_summary(recurly_only, TODAY):
        assert summary.unresponsive_pocs == 0
        alerts = csm_alerts(recurly_only, summary.csm, TODAY)
        assert not [a for a in alerts if a.kind == "unresponsive POC"]
        assert not [a for a in alerts if "never" in a.message]
    # the worklist gives no silence points without a reply date
    rows = rank_rows(load_worklist(recurly_only, within_days=365, today=TODAY))
    assert rows
    for row in rows:
        assert row.days_since_reply is None
        assert "no reply" not in str(row.reasons)
    # the transition checklist says "unknown", never "No"
    with recurly_only.sessions() as session:
        facts = load_facts(session, [records[0].id])[records[0].id]
    items = {i.key: i.answer for i in build_checklist(facts, TODAY)}
    answer = items["main_contact_replying"] or ""
    assert answer.startswith("Unknown")
    assert "never" not in answer
