"""Shared fixtures: a migrated SQLite store in tmp_path, a demo book, a fixed 'today'."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTEST_QT_API", "pyside6")

from desktop_app.services.database import open_database
from desktop_app.store.engine import Store

TODAY = date(2026, 11, 24)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An empty, migrated database."""
    s = open_database(db_path)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desktop_app.services.demo import generate_demo
    from desktop_app.services.scoring import rescore

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = open_database(path)
    generate_demo(s, 300, seed=7, today=TODAY)
    rescore(s, as_of=TODAY)
    with s.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
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


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    s = open_database(demo_path)
    yield s
    s.dispose()
