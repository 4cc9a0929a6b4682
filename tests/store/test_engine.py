import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.store.engine import (
    StoreError,
    current_revision,
    head_revision,
    open_store,
    upgrade,
)


def test_migrates_an_empty_file_to_head_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "book.db"
    store = open_store(path)
    try:
        assert current_revision(store.engine) == head_revision()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with store.engine.connect() as conn:
            tables = {r[0] for r in conn.execute(text("select name from sqlite_master"))}
            assert {"accounts", "contacts", "usage_monthly", "import_batches"} <= tables
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        store.dispose()


def test_upgrade_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    store = open_store(path)
    with store.engine.begin() as conn:
        conn.execute(text("insert into accounts (name, lifecycle) values ('Acme', 'active')"))
    upgrade(store.engine)
    store.dispose()
    again = open_store(path)
    try:
        with again.engine.connect() as conn:
            assert conn.execute(text("select name from accounts")).scalar() == "Acme"
        assert current_revision(again.engine) == head_revision()
    finally:
        again.dispose()


def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    store = open_store(path)
    with store.engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'zz99_future'"))
    store.dispose()
    with pytest.raises(StoreError, match="newer version of Account Desk"):
        open_store(path)


def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database")
    with pytest.raises(StoreError, match="not an Account Desk database"):
        open_store(path)
    assert path.read_bytes().startswith(b"PK")  # untouched


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    store = open_store(tmp_path / "book.db")
    try:
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(text("insert into contacts (account_id, is_main_poc) values (999, 0)"))
    finally:
        store.dispose()


def test_head_constant_matches_alembic() -> None:
    from desktop_app.store.engine import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_migrations_match_the_orm_schema(tmp_path: Path) -> None:
    """Every table, column and index of schema.py is created by the Alembic migrations."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from desktop_app.store.schema import Base

    store = open_store(tmp_path / "book.db")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        store.dispose()
