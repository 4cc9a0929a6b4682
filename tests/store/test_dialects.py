"""Both dialects first-class: migrations, the dialect helpers and a new user's first hour.

Every test here runs on SQLite and on PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, select, text

from desktop_app.cli import main
from desktop_app.services.book.notes import add_note
from desktop_app.store import dialect as d
from desktop_app.store.engine import (
    Store,
    alembic_config,
    current_revision,
    head_revision,
    open_store,
)
from desktop_app.store.schema import Account, Base, ImportProfile, Ticket, UsageMonth


def _schema_diff(store: Store) -> list[object]:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_migrations_run_down_and_up_and_match_the_orm(db_url: str) -> None:
    from alembic import command

    store = open_store(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        assert _schema_diff(store) == []
        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert current_revision(store.engine) is None
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert _schema_diff(store) == []
    finally:
        store.dispose()


def test_latest_per_key_is_each_accounts_newest_month(demo_store: Store) -> None:
    usage = Base.metadata.tables["usage_monthly"]
    with demo_store.engine.connect() as conn:
        every = conn.execute(select(UsageMonth.account_id, UsageMonth.month, UsageMonth.mau)).all()
        keys = sorted({r[0] for r in every})[:50]
        got = d.latest_per_key(conn, usage, "account_id", "month", ("mau",), keys)
    newest: dict[int, tuple[object, object]] = {}
    for aid, month, mau in every:
        if aid in keys and (aid not in newest or month > newest[aid][0]):
            newest[aid] = (month, mau)
    assert len(got) == len(keys) > 10
    assert {int(r[0]): r[1] for r in got} == {k: v[1] for k, v in newest.items()}


def test_upsert_inserts_then_updates_on_the_unique_key(store: Store) -> None:
    profiles = Base.metadata.tables["import_profiles"]
    row = {
        "name": "salesforce",
        "source_kind": "accounts",
        "header_signature": "a" * 64,
        "mapping_json": "{}",
        "created_at": __import__("datetime").datetime(2026, 11, 1),
    }
    with store.engine.begin() as conn:
        d.upsert(conn, profiles, [row], ["name"])
        d.upsert(conn, profiles, [row | {"mapping_json": '{"x": 1}'}], ["name"])
        d.upsert(conn, profiles, [row | {"mapping_json": "ignored"}], ["name"], update=())
    with store.sessions() as s:
        got = s.execute(select(ImportProfile.name, ImportProfile.mapping_json)).all()
    assert [tuple(r) for r in got] == [("salesforce", '{"x": 1}')]


def test_explicit_ids_then_a_default_insert_does_not_collide(store: Store) -> None:
    """The demo writes explicit ids; PostgreSQL's sequences must be moved past them."""
    tickets = Base.metadata.tables["tickets"]
    with store.engine.begin() as conn:
        conn.execute(
            Base.metadata.tables["accounts"].insert(),
            [{"id": 7, "sf_account_id": "001A000000000007AA", "name": "Acme"}],
        )
        conn.execute(
            tickets.insert(),
            [{"id": i, "account_id": 7, "key": f"T{i}", "source": "demo"} for i in (1, 2)],
        )
        d.advance_sequences(conn, [tickets, Base.metadata.tables["accounts"]])
        new_id = conn.execute(
            tickets.insert().values(account_id=7, key="T3", source="x").returning(tickets.c.id)
        ).scalar_one()
    assert new_id == 3


def _zendesk(path: Path, orgs: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Id", "Subject", "Status", "Priority", "Created at", "Organization"])
        for i, org in enumerate(orgs):
            w.writerow([90_000 + i, "Cannot log in", "Open", "high", "2026-11-20 10:00:00", org])
    return path


def test_demo_import_rollback_then_transition_export(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a new user tries first (issue 14: PostgreSQL failed on pk_tickets here)."""
    assert main(["--db", db_url, "demo", "--accounts", "40"]) == 0
    store = open_store(db_url)
    try:
        with store.sessions() as s:
            names = list(s.scalars(select(Account.name).order_by(Account.id).limit(3)))
            sf_ids = list(s.scalars(select(Account.sf_account_id).order_by(Account.id).limit(2)))
            before = s.scalar(select(text("count(*)")).select_from(Ticket))
            first_id = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
        note_id = add_note(store, first_id, "Called the champion", "Holly Grant")
        assert note_id > 0
    finally:
        store.dispose()
    capsys.readouterr()
    assert main(["--db", db_url, "import", str(_zendesk(tmp_path / "z.csv", names)), "--json"]) == 0
    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["new"] == 3
    batch = summary["batch_id"]
    assert main(["--db", db_url, "rollback", str(batch)]) == 0
    store = open_store(db_url)
    try:
        with store.sessions() as s:
            assert s.scalar(select(text("count(*)")).select_from(Ticket)) == before
    finally:
        store.dispose()
    out = tmp_path / "handoff.xlsx"
    args = ["transition", "export", "--account", *sf_ids, "--to", "Dana Cole", "--out", str(out)]
    assert main(["--db", db_url, *args]) == 0
    assert f"Wrote 2 accounts to {out}" in capsys.readouterr().out


def test_a_table_without_a_serial_id_is_left_alone(store: Store) -> None:
    version = Table("alembic_version", MetaData(), autoload_with=store.engine)
    with store.engine.begin() as conn:
        d.advance_sequences(conn, [version])
        assert conn.execute(select(version.c.version_num)).scalar_one() == head_revision()


def test_a_server_location_never_carries_the_password(db_url: str, dialect: str) -> None:
    if dialect == "sqlite":
        store = open_store(db_url)
        assert store.location == str(Path(db_url).resolve())
        store.dispose()
        return
    from sqlalchemy.engine import make_url

    with_password = make_url(db_url).set(password="s3cret-pw").render_as_string(False)
    store = open_store(with_password)  # trust authentication ignores the password
    try:
        assert "s3cret-pw" not in store.location
        assert make_url(store.location).database == make_url(db_url).database
    finally:
        store.dispose()
