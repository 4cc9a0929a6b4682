"""The light Core tables of the fast read paths name real tables and columns of the schema."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop_app.store import tables
from desktop_app.store.schema import Base


@pytest.mark.parametrize("light", tables.ALL, ids=lambda t: t.name)
def test_every_light_table_and_column_is_in_the_orm_schema(light) -> None:
    orm = Base.metadata.tables.get(light.name)
    assert orm is not None, f"no table {light.name!r} in the schema"
    missing = [c.name for c in light.c if c.name not in orm.c]
    assert missing == []


def test_reading_the_book_does_not_import_the_orm() -> None:
    """The CLI's ``accounts`` path stays off ``sqlalchemy.orm`` and the ORM schema."""
    code = (
        "import sys\n"
        "import desktop_app.store.book_reader, desktop_app.services.book.portfolio\n"
        "import desktop_app.services.book.records, desktop_app.store.engine\n"
        "print(sorted(m for m in ('sqlalchemy.orm', 'desktop_app.store.schema', 'alembic',"
        " 'pandas', 'PySide6') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
