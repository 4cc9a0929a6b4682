"""Opening the store for a use case; default location in the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app import APP_NAME, ORG
from desktop_app.services.gc_pause import modules_loaded, pause_while_modules_load

pause_while_modules_load()  # until a database is opened (``gc_pause``): before the store's

from desktop_app.store.engine import Store, StoreError, open_store  # noqa: E402 (imports)

__all__ = [
    "Store",
    "StoreError",
    "database_failure",
    "default_db_path",
    "open_database",
    "schema_revision",
]


def default_db_path() -> Path:
    """The default SQLite file: ``<user data dir>/Account Desk/account-desk.db``.

    ``ACCOUNT_DESK_DATA_DIR`` overrides the directory (tests, portable installs).
    """
    override = os.environ.get("ACCOUNT_DESK_DATA_DIR")
    if override:
        return Path(override) / "account-desk.db"
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, ORG)) / "account-desk.db"


def open_database(
    path_or_url: str | os.PathLike[str] | None = None, *, adopt: bool = False
) -> Store:
    """Open (creating and migrating) the database; raises ``StoreError`` with a user message.

    ``adopt`` accepts a SQLite file another application made (``--adopt-database``).
    """
    modules_loaded()  # the collector's pause while the modules loaded ends here (gc_pause)
    return open_store(path_or_url if path_or_url is not None else default_db_path(), adopt=adopt)


def schema_revision(store: Store) -> str | None:
    """The Alembic revision the database is at (``db upgrade`` prints it)."""
    from desktop_app.store.engine import current_revision

    return current_revision(store.engine)


def database_failure(
    exc: BaseException, command: str, where: str | None
) -> tuple[str, bool] | None:
    """The one line to show for a database error, and whether it is the user's to fix.

    ``None`` when ``exc`` is not a database error (a bug: the caller lets it through).
    A team database refusing the role says who can; a read-only file says nothing was written.
    """
    from sqlalchemy.exc import DBAPIError, OperationalError

    from desktop_app.store.engine import is_read_only_error, one_line

    if not isinstance(exc, DBAPIError):
        return None
    from desktop_app.services.team import is_refusal, refusal_message

    if is_refusal(exc):
        return refusal_message(command), True
    if is_read_only_error(exc):
        return f"{where or 'the database'} is read-only; nothing was written", True
    return f"the database refused: {one_line(exc)}", isinstance(exc, OperationalError)
