"""A first import into an empty book loads the accounts before building their indexes:
counted in statements on a real SQLite file, and the schema is the same afterwards."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from desktop_app.services.errors import UserError
from desktop_app.services.importing.batch import import_files
from desktop_app.services.progress import Cancelled
from desktop_app.store.import_writer import BUILD_AFTER

HEADER = ["Account ID", "Account Name", "Account Owner", "LMS ID", "MRR"]


def _report(path: Path, n: int, first: int = 0) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(
            [f"001A{i:011d}", f"Clinic {i}", f"CSM {i % 4}", f"LMS-{i}", f"{i}.5"]
            for i in range(first, first + n)
        )
    return path


def _schema(store: Any) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'accounts' ORDER BY name"
        ).all()
    return [(str(n), str(s)) for n, s in rows]


def _ddl(store: Any, run: Any) -> list[str]:
    seen: list[str] = []

    def listen(_conn, _cursor, statement, _parameters, _context, _many) -> None:
        words = statement.split()
        if words[0].upper() in ("DROP", "CREATE") or (
            words[0].upper() == "INSERT" and words[2].strip('"') == "accounts"
        ):
            seen.append(" ".join(words[:3]).replace('"', ""))

    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    return seen


def test_a_first_big_import_builds_the_indexes_after_the_rows(
    store: Any, tmp_path: Path, dialect: str
) -> None:
    if dialect != "sqlite":
        return  # PostgreSQL keeps its indexes (a team role may not own them)
    before = _schema(store)
    big = _report(tmp_path / "accounts.csv", BUILD_AFTER)
    seen = _ddl(store, lambda: import_files(store, [big]))
    drops = [s for s in seen if s.startswith("DROP INDEX")]
    creates = [s for s in seen if s.startswith("CREATE INDEX")]
    inserts = [i for i, s in enumerate(seen) if s.startswith("INSERT INTO accounts")]
    assert len(drops) == len(creates) == 5  # lms_id, recurly_code, name, owner_id, batch_id
    assert seen.index(drops[-1]) < inserts[0] <= inserts[-1] < seen.index(creates[0])
    assert _schema(store) == before  # the same indexes, from their own SQL
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM accounts WHERE lms_id = 'lms-7'"
        ).all()
    assert "ix_accounts_lms_id" in str(plan)

    more = _report(tmp_path / "more.csv", BUILD_AFTER, first=BUILD_AFTER)
    seen = _ddl(store, lambda: import_files(store, [more]))
    assert [s for s in seen if s.split()[0] in ("DROP", "CREATE")] == []  # not empty any more
    assert _schema(store) == before


class _CancelAfterFirstRows:
    """Cancels once the first rows of accounts went in (the indexes are dropped by then)."""

    def __init__(self, store: Any) -> None:
        self.inserted = 0
        self.reports: list[str] = []

        def listen(_conn, _cursor, statement, _parameters, _context, _many) -> None:
            if statement.startswith('INSERT INTO "accounts"') or statement.startswith(
                "INSERT INTO accounts"
            ):
                self.inserted += 1

        self.listen = listen
        event.listen(store.engine, "before_cursor_execute", listen)

    def report(self, fraction: float, message: str = "") -> None:
        self.reports.append(message)

    def cancelled(self) -> bool:
        return self.inserted > 0


def test_a_small_import_or_a_cancelled_one_leaves_the_indexes(
    store: Any, tmp_path: Path, dialect: str
) -> None:
    if dialect != "sqlite":
        return
    before = _schema(store)
    big = _report(tmp_path / "big.csv", 2 * BUILD_AFTER)  # two chunks: a cancel between
    progress = _CancelAfterFirstRows(store)
    with pytest.raises(Cancelled):
        import_files(store, [big], progress=progress)
    event.remove(store.engine, "before_cursor_execute", progress.listen)
    assert progress.inserted == 1  # the first chunk went in, then the import stopped
    assert _schema(store) == before
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one() == 0
    seen = _ddl(store, lambda: import_files(store, [_report(tmp_path / "a.csv", 20)]))
    assert [s for s in seen if s.split()[0] in ("DROP", "CREATE")] == []
    seen = _ddl(store, lambda: import_files(store, [big]))
    assert [s for s in seen if s.split()[0] in ("DROP", "CREATE")] == []  # not empty
    assert _schema(store) == before


def test_a_column_of_floats_goes_to_the_driver_as_it_is() -> None:
    """``Float``'s bind processor changes no float or None: such a column is not copied;
    any other value still goes through the processor."""
    from sqlalchemy.engine.processors import to_float

    from desktop_app.store.import_writer import _process_column

    amounts = [1.5, None, 2.25, float("inf")]
    assert _process_column(amounts, to_float) is amounts
    mixed = [1.5, 2, "3.5", None]
    out = _process_column(mixed, to_float)
    assert out == [1.5, 2.0, 3.5, None]
    assert [type(v) for v in out] == [float, float, float, type(None)]


def _collections(run: Any) -> tuple[list[int], Any]:
    import gc

    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        return seen, run()
    finally:
        gc.callbacks.remove(note)


def test_an_import_runs_with_the_cyclic_collector_waiting(store: Any, tmp_path: Path) -> None:
    """Reading and storing set off collections that free nothing (row lists and tuples):
    the collector waits until the import ends, and is on again after it, also after a
    file that cannot be read."""
    import gc

    assert gc.isenabled()
    path = _report(tmp_path / "a.csv", 3000)
    seen, (summary,) = _collections(lambda: import_files(store, [path]))
    assert summary.new == 3000
    assert len(seen) <= 1  # the one young pass due when it is turned on again (else ~120)
    assert gc.isenabled()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(UserError, match=r"bad\.xlsx"):
        import_files(store, [bad])
    assert gc.isenabled()
