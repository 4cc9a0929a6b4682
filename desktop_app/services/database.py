"""Opening the store for a use case; default location in the user data directory."""

from __future__ import annotations

import os
from pathlib import Path

from desktop_app import APP_NAME, ORG
from desktop_app.store.engine import Store, StoreError, open_store

__all__ = ["Store", "StoreError", "default_db_path", "open_database"]


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
    return open_store(path_or_url if path_or_url is not None else default_db_path(), adopt=adopt)
