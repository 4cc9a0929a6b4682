"""Shared fixtures: a migrated store, a demo book, a fixed 'today'.

The store, services and CLI suites run each test that asks for a database (``store``,
``demo_store``, ``db_url``, ``demo_url``) twice: on a SQLite file in tmp_path and on a fresh
PostgreSQL database (see ``tests/pg.py``). UI and io tests stay on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTEST_QT_API", "pyside6")

from desktop_app.services.database import open_database
from desktop_app.store.dialect import checkpoint
from desktop_app.store.engine import Store
from tests import pg

#: Test folders whose database tests run on both dialects.
BOTH_DIALECTS = ("store", "services", "cli", "integration")

TODAY = date(2026, 11, 24)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dialect" not in metafunc.fixturenames:
        return
    if any(
        m.name == "parametrize" and "dialect" in m.args[0]
        for m in metafunc.definition.iter_markers()
    ):
        return
    parts = metafunc.definition.path.relative_to(Path(__file__).parent).parts
    if parts[0] in BOTH_DIALECTS:
        metafunc.parametrize("dialect", ["sqlite", pg.param()], indirect=True)


@pytest.fixture
def dialect(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the backend of this test's database fixtures."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_url(dialect: str, db_path: Path) -> Iterator[str]:
    """What ``--db`` takes for an empty database: a file path, or a fresh PostgreSQL URL."""
    if dialect == "sqlite":
        yield str(db_path)
        return
    with pg.fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def _pg_empty_template() -> Iterator[str]:
    """A migrated, empty PostgreSQL database to copy (migrating one costs ~1 s)."""
    with pg.fresh_database() as url:
        open_database(url).dispose()
        yield url


@pytest.fixture
def store(dialect: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty, migrated database."""
    if dialect == "sqlite":
        s = open_database(request.getfixturevalue("db_path"))
        yield s
        s.dispose()
        return
    with pg.fresh_database(template=request.getfixturevalue("_pg_empty_template")) as url:
        s = open_database(url)
        yield s
        s.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_app.services.demo.book import generate_demo
    from desktop_app.services.health.scoring import rescore

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = open_database(path)
    generate_demo(s, 300, seed=7, today=TODAY)
    rescore(s, as_of=TODAY)
    with s.engine.connect() as conn:
        checkpoint(conn)
    s.dispose()
    return path


@pytest.fixture
def demo_path(_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the scored 300-account demo book (as of TODAY)."""
    import shutil

    target = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, target)
    os.chmod(target, 0o600)
    return target


@pytest.fixture(scope="session")
def _pg_demo_template() -> Iterator[str]:
    """A scored 300-account demo book in a PostgreSQL template database (made once)."""
    from desktop_app.services.demo.book import generate_demo
    from desktop_app.services.health.scoring import rescore

    with pg.fresh_database() as url:
        s = open_database(url)
        generate_demo(s, 300, seed=7, today=TODAY)
        rescore(s, as_of=TODAY)
        s.dispose()
        yield url


@pytest.fixture
def demo_url(dialect: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """What ``--db`` takes for a private copy of the scored demo book."""
    if dialect == "sqlite":
        yield str(request.getfixturevalue("demo_path"))
        return
    template = request.getfixturevalue("_pg_demo_template")
    with pg.fresh_database(template=template) as url:
        yield url


@pytest.fixture
def demo_store(demo_url: str) -> Iterator[Store]:
    s = open_database(demo_url)
    yield s
    s.dispose()
