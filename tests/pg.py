"""PostgreSQL for the tests: fresh databases on the server that ``ACCOUNT_DESK_TEST_PG`` names.

The variable holds a SQLAlchemy URL of a superuser on a throw-away server, as printed by
``.ci/pg-cluster start`` (CI exports it). Without it the PostgreSQL half of the suite skips,
with the reason; under CI (``CI`` set) it does not skip, so a missing server fails loudly.

pytest-postgresql was the model: its ``postgresql_proc`` starts ``pg_ctl`` as the current
user, which PostgreSQL refuses as root (CI runs as root), and its ``noproc`` mode is this
module's approach: connect to a server started beforehand, and give every test its own
database copied from a template.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

ENV = "ACCOUNT_DESK_TEST_PG"
SKIP_REASON = (
    f"no PostgreSQL server for the tests: set {ENV} to a superuser URL "
    '(eval "$(.ci/pg-cluster start)" starts a private one)'
)


def server_url() -> URL | None:
    text = os.environ.get(ENV)
    return make_url(text) if text else None


def param() -> Any:
    """The ``postgresql`` test parameter, skipped (outside CI) when no server is named."""
    if server_url() is None and not os.environ.get("CI"):
        return pytest.param("postgresql", marks=pytest.mark.skip(reason=SKIP_REASON))
    return pytest.param("postgresql")


def libpq(url: URL) -> str:
    """A SQLAlchemy URL as a libpq connection string."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@functools.cache
def _admin() -> Any:
    import psycopg

    url = server_url()
    if url is None:
        raise RuntimeError(f"{ENV} is not set: CI must start PostgreSQL (.ci/pg-cluster)")
    return psycopg.connect(libpq(url), autocommit=True)


def admin_execute(sql: str) -> None:
    """Run one statement as the server's superuser, outside a transaction."""
    _admin().execute(sql)


def url_for(database: str, *, user: str | None = None) -> str:
    url = server_url()
    assert url is not None
    if user is not None:
        url = url.set(username=user, password=None)
    return url.set(database=database).render_as_string(hide_password=False)


@contextmanager
def fresh_database(*, template: str | None = None) -> Iterator[str]:
    """A new, empty (or copied from ``template``'s database) database; dropped afterwards."""
    name = "ad_t_" + uuid.uuid4().hex[:12]
    source = f" TEMPLATE {make_url(template).database}" if template else ""
    admin_execute(f"CREATE DATABASE {name}{source}")
    try:
        yield url_for(name)
    finally:
        admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
