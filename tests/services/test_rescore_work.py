"""A rescore does work in proportion to what changed: counted in rows and statements, not timed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from desktop_app.services.health.freshness import stale_scores
from desktop_app.services.health.incremental import full_rescore_reason, rescore_after_import
from desktop_app.services.health.scoring import rescore, rescore_accounts, save_version
from desktop_app.services.importing.batch import import_files
from desktop_app.store.health_repo import RunInputs
from desktop_app.store.schema import Account, UsageMonth

HEALTH_TABLES = ("health_scores", "health_history")


@contextmanager
def statements(store: Any) -> Iterator[list[tuple[str, str, list[Any]]]]:
    """Every statement the engine sends while inside: (verb, table, parameter rows)."""
    seen: list[tuple[str, str, list[Any]]] = []

    def listen(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        words = statement.replace('"', "").split()
        verb = words[0].upper()
        table = ""
        for keyword in ("INTO", "FROM", "UPDATE"):
            if keyword in (w.upper() for w in words):
                i = [w.upper() for w in words].index(keyword)
                table = words[i + 1] if keyword != "UPDATE" else words[1]
                break
        rows = list(parameters) if executemany else [parameters]
        seen.append((verb, table, rows))

    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)


def _writes(seen: list[tuple[str, str, list[Any]]], table: str) -> list[tuple[str, list[Any]]]:
    return [(v, rows) for v, t, rows in seen if t == table and v in ("INSERT", "DELETE", "UPDATE")]


def _count(store: Any, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"select count(*) from {table}").scalar_one())


def test_rescoring_an_unchanged_book_writes_no_health_row(demo_store, today) -> None:
    rescore(demo_store, as_of=today)
    with statements(demo_store) as seen:
        summary = rescore(demo_store, as_of=today)
    assert summary.rows_written == 0
    assert summary.rows_unchanged == _count(demo_store, "health_scores") + _count(
        demo_store, "health_history"
    )
    assert summary.rows_unchanged > 300
    for table in HEALTH_TABLES:
        assert _writes(seen, table) == []
    assert [v for v, t, _r in seen if t == "health_runs"] == ["INSERT"]  # the run is logged


def test_a_changed_account_rewrites_its_own_rows_only(demo_store, today) -> None:
    rescore(demo_store, as_of=today)
    with demo_store.engine.connect() as conn:
        aid = conn.exec_driver_sql("select min(account_id) from health_scores").scalar_one()
    with demo_store.engine.begin() as conn:
        conn.execute(
            update(Account).where(Account.id == aid).values(renewal_date=today + timedelta(days=9))
        )
    with statements(demo_store) as seen:
        summary = rescore(demo_store, as_of=today)
    assert summary.rows_written == 2  # its score and its history
    for table in HEALTH_TABLES:
        inserted = [row for verb, rows in _writes(seen, table) if verb == "INSERT" for row in rows]
        assert [row[0] for row in inserted] == [aid]
        # written in place (an upsert of its own row): no row of the table is deleted
        assert [verb for verb, _rows in _writes(seen, table) if verb != "INSERT"] == []
        [(_verb, [row])] = _writes(seen, table)
        assert row[0] == aid


def _usage_csv(path: Path, rows: list[tuple[str, date, int]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["LMS ID", "Month", "MAU"])
        for lms, month, mau in rows:
            out.writerow([lms, month.isoformat(), mau])
    return path


def _live_accounts_with_usage(store: Any, n: int) -> list[tuple[int, str, date, int]]:
    with store.engine.connect() as conn:
        latest = conn.execute(select(UsageMonth.month).order_by(UsageMonth.month.desc())).first()
        assert latest is not None
        rows = conn.execute(
            select(Account.id, Account.lms_id, UsageMonth.month, UsageMonth.mau)
            .join(UsageMonth, UsageMonth.account_id == Account.id)
            .where(Account.churn_date.is_(None), UsageMonth.month == latest[0])
            .order_by(Account.id)
            .limit(n)
        ).all()
    return [(int(r[0]), str(r[1]), r[2], int(r[3] or 0)) for r in rows]


def test_an_import_rescores_only_the_accounts_it_touched(demo_store, today, tmp_path) -> None:
    rescore(demo_store, as_of=today)
    picked = _live_accounts_with_usage(demo_store, 2)
    usage = _usage_csv(tmp_path / "usage.csv", [(lms, m, mau // 3) for _a, lms, m, mau in picked])
    [summary] = import_files(demo_store, [usage], today=today)
    assert summary.updated == 2
    with statements(demo_store) as seen:
        scored = rescore_after_import(demo_store, as_of=today)
    assert scored.full_reason is None
    assert scored.scope == "accounts"
    assert scored.accounts_scored == 2
    ids = sorted(a for a, *_rest in picked)
    for table in HEALTH_TABLES:
        inserted = [
            row[0] for verb, rows in _writes(seen, table) if verb == "INSERT" for row in rows
        ]
        assert sorted(inserted) == ids
    assert stale_scores(demo_store) is None
    # the same as rescoring the book: nothing left to write
    assert rescore(demo_store, as_of=today).rows_written == 0


def test_an_import_with_a_new_usage_month_rescores_the_book(demo_store, today, tmp_path) -> None:
    rescore(demo_store, as_of=today)
    [(_aid, lms, month, mau)] = _live_accounts_with_usage(demo_store, 1)
    later = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    usage = _usage_csv(tmp_path / "usage.csv", [(lms, later, mau)])
    import_files(demo_store, [usage], today=today)
    scored = rescore_after_import(demo_store, as_of=later + timedelta(days=3))
    assert scored.scope == "book"
    assert scored.full_reason is not None


def test_a_new_scorecard_rescores_the_book(demo_store, today, tmp_path) -> None:
    from desktop_app.services.health.versions import get_active

    rescore(demo_store, as_of=today)
    _vid, card = get_active(demo_store)
    save_version(demo_store, "again", card, activate=True)
    picked = _live_accounts_with_usage(demo_store, 1)
    usage = _usage_csv(tmp_path / "usage.csv", [(lms, m, mau + 1) for _a, lms, m, mau in picked])
    import_files(demo_store, [usage], today=today)
    scored = rescore_after_import(demo_store, as_of=today)
    assert scored.scope == "book"
    assert scored.full_reason == "the active scorecard changed"


def _inputs(**changes: Any) -> RunInputs:
    base = {
        "as_of": date(2026, 11, 24),
        "scorecard_version_id": 1,
        "observed_day": date(2026, 11, 20),
        "sources": frozenset({"usage", "tickets"}),
        "months": (20_000, 20_031),
    }
    return RunInputs(**(base | changes))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"as_of": date(2026, 11, 25)}, "as of 2026-11-24"),
        ({"scorecard_version_id": 2}, "scorecard changed"),
        ({"observed_day": date(2026, 11, 24)}, "observed day"),
        ({"sources": frozenset({"usage", "tickets", "nps"})}, "+nps"),
        ({"sources": frozenset({"usage"})}, "-tickets"),
    ],
)
def test_book_wide_inputs_that_force_a_full_rescore(change: dict[str, Any], says: str) -> None:
    reason = full_rescore_reason(_inputs(), _inputs(**change))
    assert reason is not None
    assert says in reason


def test_account_rows_alone_need_no_full_rescore() -> None:
    assert full_rescore_reason(_inputs(), _inputs()) is None


def test_one_account_rescore_costs_the_same_statements_for_any_account(demo_store, today) -> None:
    rescore(demo_store, as_of=today)
    with demo_store.engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("select account_id from health_scores")]
    counts = []
    for aid in (ids[3], ids[-3]):
        with statements(demo_store) as seen:
            rescore_accounts(demo_store, [aid], as_of=today, history="current")
        counts.append(len(seen))
        written = [
            row for t in HEALTH_TABLES for _v, rows in _writes(seen, t) for row in rows
        ]  # fmt: skip
        assert len(written) <= 2  # unchanged: nothing; else its score row (+ its history)
    assert counts[0] == counts[1] < 40


def test_an_import_that_changes_nothing_rescores_nothing(demo_store, today, tmp_path) -> None:
    rescore(demo_store, as_of=today)
    picked = _live_accounts_with_usage(demo_store, 2)
    usage = _usage_csv(tmp_path / "usage.csv", [(lms, m, mau) for _a, lms, m, mau in picked])
    [summary] = import_files(demo_store, [usage], today=today)
    assert summary.updated == 0
    with statements(demo_store) as seen:
        scored = rescore_after_import(demo_store, as_of=today)
    assert (scored.scope, scored.accounts_scored, scored.rows_written) == ("accounts", 0, 0)
    for table in HEALTH_TABLES:
        assert _writes(seen, table) == []
    assert stale_scores(demo_store) is None
