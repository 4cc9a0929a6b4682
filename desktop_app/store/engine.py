"""Engine and session factory for the local store, with migrations applied on open."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.store.dialect import sqlite_on_connect

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The database cannot be opened or used; the message is meant for the user."""


@dataclass(frozen=True)
class Store:
    """An open database: its engine, a session factory and a display location."""

    engine: Engine
    sessions: sessionmaker[Session]
    location: str

    def dispose(self) -> None:
        self.engine.dispose()


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    """Turn a filesystem path or a SQLAlchemy URL into a SQLAlchemy URL."""
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _prepare_sqlite_file(database: str) -> None:
    """Create the file owner-only (0600) before SQLite does: it holds customer contacts."""
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    else:
        _check_sqlite_header(path)
    os.chmod(path, 0o600)


def _check_sqlite_header(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not an Account Desk database (not a SQLite file).")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


#: The newest migration. ``open_store`` compares a database against it with one query, so
#: that opening an up-to-date file does not load Alembic (≈0.5 s of imports); a test keeps
#: it equal to Alembic's head.
HEAD_REVISION = "0006_team"


def _quick_revision(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            return conn.execute(text("select version_num from alembic_version")).scalar()
    except DBAPIError:
        return None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; refuse a database made by a newer app."""
    if _quick_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = current_revision(engine)
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"This database was written by a newer version of Account Desk (schema {current}); "
            "update Account Desk to open it."
        )
    if current == script.get_current_head():
        return
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def make_engine(path_or_url: str | os.PathLike[str]) -> Engine:
    url = make_url(to_url(path_or_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _prepare_sqlite_file(url.database)
        engine = create_engine(url)
        event.listen(engine, "connect", sqlite_on_connect)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_store(path_or_url: str | os.PathLike[str], *, migrate: bool = True) -> Store:
    """Open (creating if needed) and upgrade a database. Raises ``StoreError`` for the user."""
    try:
        engine = make_engine(path_or_url)
        if migrate:
            upgrade(engine)
    except StoreError:
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        raise StoreError(f"Cannot open database {path_or_url}: {exc}") from exc
    except Exception as exc:
        if exc.__class__.__module__.startswith("sqlalchemy"):
            raise StoreError(f"Cannot open database {path_or_url}: {exc}") from exc
        raise
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    # A file's path; a server's URL without its password (it is shown and remembered, and
    # reopening it must connect again: libpq finds the password in ~/.pgpass or a prompt).
    if engine.url.get_backend_name() == "sqlite":
        location = engine.url.database or engine.url.render_as_string(hide_password=True)
    else:
        location = engine.url._replace(password=None).render_as_string(hide_password=False)
    return Store(engine=engine, sessions=sessions, location=str(location))
