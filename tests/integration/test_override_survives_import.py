"""Across areas: an override set by a SAM survives a newer export of the same accounts
and a rescore, while the import's own values change underneath it."""

from __future__ import annotations

from pathlib import Path

from desktop_app.services.book.records import account_records
from desktop_app.services.database import open_database
from desktop_app.services.health.overrides import active_overrides, set_override
from desktop_app.services.health.scoring import rescore
from desktop_app.services.importing.batch import import_files
from tests.io.fixtures import ACCOUNT_HEADER, ACCOUNT_ROWS, FOOTER, SF_IDS_18, write_csv

TODAY_ROWS = [list(r) for r in ACCOUNT_ROWS]


def test_override_survives_reimport_and_rescore(tmp_path: Path, today) -> None:  # type: ignore[no-untyped-def]
    store = open_database(tmp_path / "book.db")
    try:
        first = write_csv(tmp_path / "accounts-1.csv", [ACCOUNT_HEADER, *TODAY_ROWS, *FOOTER])
        import_files(store, [str(first)], today=today)
        rescore(store, as_of=today)
        acme = next(r for r in account_records(store) if r.sf_account_id == SF_IDS_18[0])
        override_id = set_override(
            store,
            acme.id,
            "Risky/Unstable",
            "Relationship known to CSM",
            "Admin leaving",
            "Dana Scully",
            None,
        )
        # A newer export: Acme's MRR changed.
        newer = [list(r) for r in TODAY_ROWS]
        newer[0][5] = "$2,000.00"
        second = write_csv(tmp_path / "accounts-2.csv", [ACCOUNT_HEADER, *newer, *FOOTER])
        (summary,) = import_files(store, [str(second)], today=today)
        assert summary.updated >= 1
        rescore(store, as_of=today)
        after = next(r for r in account_records(store) if r.sf_account_id == SF_IDS_18[0])
        assert after.id == acme.id
        assert after.mrr == 2000.0
        assert after.health_override == "Risky/Unstable"
        assert after.health_band == "Risky/Unstable"
        active = [o for o in active_overrides(store, today) if o.account_id == acme.id]
        assert [o.id for o in active] == [override_id]
    finally:
        store.dispose()
