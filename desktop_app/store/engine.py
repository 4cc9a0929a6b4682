"""Engine and session factory for the local store, with migrations applied on open.

File policy (SQLite): a new file is created owner-only (0600); an existing file's mode is
left alone. A file without write permission is opened read-only (reads work; a write is
refused with one line). A non-empty SQLite file without our ``alembic_version`` belongs to
another application and is refused unless the caller adopts it explicitly.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from desktop_app.store.dialect import sqlite_on_connect

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The database cannot be opened or used; the message is meant for the user."""


@dataclass(frozen=True)
class Store:
    """An open database: its engine, a session factory and a display location."""

    engine: Engine
    location: str
    read_only: bool = False
    _sessions: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory, made on first use: readers that need no ORM (the CLI's
        ``accounts``) never import ``sqlalchemy.orm``, about a fifth of a second."""
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            object.__setattr__(
                self, "_sessions", sessionmaker(bind=self.engine, expire_on_commit=False)
            )
        made: sessionmaker[Session] = self._sessions
        return made

    def dispose(self) -> None:
        self.engine.dispose()


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    """Turn a filesystem path or a SQLAlchemy URL into a SQLAlchemy URL."""
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _on_sqlite_connect_ro(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _prepare_sqlite_file(database: str) -> bool:
    """Create a new file owner-only (0600) before SQLite does: it holds customer contacts.

    An existing file keeps its mode. Returns True when the file can only be read.
    """
    path = Path(database)
    if not path.exists() and not path.is_symlink():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        return False
    if not path.is_file():
        raise StoreError(f"{path} is not a database file (it is a folder or a device).")
    _check_sqlite_header(path)
    # Even root honours a file its owner made read-only (no write bit at all).
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def _check_sqlite_header(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not an Account Desk database (not a SQLite file).")


def one_line(exc: BaseException) -> str:
    """The first line of a database error, without SQLAlchemy's SQL echo and help link."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc)
    return (text.strip().splitlines() or [type(exc).__name__])[0]


def is_read_only_error(exc: BaseException) -> bool:
    """True for SQLite's refusal to write a read-only database."""
    text = one_line(exc).lower()
    return "readonly" in text or "read-only" in text or "query_only" in text


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
HEAD_REVISION = "0013_score_index"


def _quick_revision(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            return conn.execute(text("select version_num from alembic_version")).scalar()
    except DBAPIError:
        return None


def _foreign_tables(engine: Engine) -> tuple[bool, list[str]]:
    """(has alembic_version, other user tables) of a SQLite database."""
    from sqlalchemy import text

    with engine.connect() as conn:
        names = [
            str(n)
            for (n,) in conn.execute(
                text(
                    "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
                )
            )
        ]
    return "alembic_version" in names, [n for n in names if n != "alembic_version"]


def check_ours(engine: Engine, *, adopt: bool = False) -> None:
    """Refuse a SQLite database that another application made (tables, no alembic_version).

    ``adopt`` accepts it: our tables are then added beside its own.
    """
    if engine.url.get_backend_name() != "sqlite":
        return
    versioned, tables = _foreign_tables(engine)
    if not tables:
        return
    where = engine.url.database
    if not versioned and not adopt:
        raise StoreError(
            f"{where} is a SQLite database of another application "
            f"({len(tables)} tables, no Account Desk schema); pass --adopt-database to add "
            "Account Desk's tables to it anyway"
        )
    if versioned and _quick_revision(engine) is None:
        raise StoreError(
            f"this database is damaged or not an Account Desk database: {where} "
            "(its schema version is missing)"
        )


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
    """The engine for a path or URL (a SQLite file without write permission: read-only)."""
    return _make_engine(path_or_url)[0]


def _make_engine(path_or_url: str | os.PathLike[str]) -> tuple[Engine, bool]:
    url = make_url(to_url(path_or_url))
    if url.get_backend_name() == "sqlite":
        read_only = False
        if url.database and url.database != ":memory:":
            read_only = _prepare_sqlite_file(url.database)
        if read_only:
            uri = "file:" + str(Path(url.database or "").as_posix()) + "?mode=ro"
            engine = create_engine(
                url, creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
            )
            event.listen(engine, "connect", _on_sqlite_connect_ro)
            return engine, True
        engine = create_engine(url)
        event.listen(engine, "connect", sqlite_on_connect)
        return engine, False
    return create_engine(url, pool_pre_ping=True), False


def open_store(
    path_or_url: str | os.PathLike[str], *, migrate: bool = True, adopt: bool = False
) -> Store:
    """Open (creating if needed) and upgrade a database. Raises ``StoreError`` for the user.

    ``adopt`` accepts a SQLite file that another application made (see ``check_ours``).
    """
    try:
        engine, read_only = _make_engine(path_or_url)
        if migrate:
            check_ours(engine, adopt=adopt)
            upgrade(engine)
    except StoreError:
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        raise StoreError(_cannot_open(path_or_url, exc)) from exc
    except Exception as exc:
        if exc.__class__.__module__.startswith(("sqlalchemy", "alembic")):
            raise StoreError(_cannot_open(path_or_url, exc)) from exc
        raise
    # A file's path; a server's URL without its password (it is shown and remembered, and
    # reopening it must connect again: libpq finds the password in ~/.pgpass or a prompt).
    if engine.url.get_backend_name() == "sqlite":
        location = engine.url.database or engine.url.render_as_string(hide_password=True)
    else:
        location = engine.url._replace(password=None).render_as_string(hide_password=False)
    return Store(engine=engine, location=str(location), read_only=read_only)


def _cannot_open(path_or_url: str | os.PathLike[str], exc: BaseException) -> str:
    if is_read_only_error(exc):
        return (f"{path_or_url}: the database is read-only and needs an upgrade; "
                "make the file writable once to open it")  # fmt: skip
    text = one_line(exc)
    if "already exists" in text or "no such table" in text or "malformed" in text:
        return f"this database is damaged or not an Account Desk database: {path_or_url} ({text})"
    return f"Cannot open database {path_or_url}: {text}"
