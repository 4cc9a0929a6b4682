"""A rescore copies an account's past months only when they are provably what scoring them
again would give: every change to what they were scored from makes it score them again.

Each test checks the stored history against a fresh computation: the inputs keys are
cleared (nothing can be copied) and the book rescored; the stored rows must not change.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from desktop_app.services.health.overrides import set_override
from desktop_app.services.health.scoring import rescore, rescore_accounts
from desktop_app.services.health.versions import get_active, save_version
from desktop_app.services.importing.batch import import_files
from desktop_app.store.schema import (
    Account,
    HealthHistory,
    ImportBatch,
    NpsResponse,
    Ticket,
    UsageMonth,
)

COLUMNS = ("account_id", "scorecard_version_id", "months", "scores", "bands", "confidence",
           "contributions", "measure_ids_json")  # fmt: skip


def _history(store: Any) -> list[tuple[Any, ...]]:
    h = HealthHistory.__table__
    with store.engine.connect() as conn:
        rows = conn.execute(select(*(h.c[c] for c in COLUMNS)).order_by(h.c.account_id))
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]


def _rows(store: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("select count(*) from health_history").scalar_one())


def assert_as_if_scored_afresh(store: Any, as_of: date) -> None:
    """The stored history is what a rescore that copies nothing computes."""
    stored = _history(store)
    with store.engine.begin() as conn:
        conn.execute(update(HealthHistory).values(inputs_key=None))
    fresh = rescore(store, as_of=as_of)
    assert fresh.history_reused == 0
    assert _history(store) == stored
    assert fresh.rows_written == 0


def _yesterday(today: date) -> date:
    assert today.day > 1  # the same month: the past months are the same months
    return today - timedelta(days=1)


def _account_with_usage(store: Any) -> tuple[int, str, date, int]:
    """A live account, its LMS id, and one of its past usage months (not the newest) with MAU."""
    with store.engine.connect() as conn:
        months = sorted({m for (m,) in conn.execute(select(UsageMonth.month).distinct())})
        past = months[-4]
        row = conn.execute(
            select(Account.id, Account.lms_id, UsageMonth.mau)
            .join(UsageMonth, UsageMonth.account_id == Account.id)
            .where(Account.churn_date.is_(None), UsageMonth.month == past, UsageMonth.mau > 10)
            .order_by(Account.id)
            .limit(1)
        ).one()
    return int(row[0]), str(row[1]), past, int(row[2])


def _reused_ids(store: Any, before: list[tuple[Any, ...]]) -> set[int]:
    """Accounts whose months before the last are the same as in ``before``."""
    after = {r[0]: r for r in _history(store)}
    same = set()
    for r in before:
        a = after.get(r[0])
        if a is not None and a[3][:-4] == r[3][:-4] and a[4][:-1] == r[4][:-1]:
            same.add(r[0])
    return same


def test_a_new_as_of_day_in_the_month_copies_every_past_month(demo_store, today) -> None:
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == _rows(demo_store) > 250
    assert summary.rows_written > 0  # the current month moved (tenure, days to term end)
    assert_as_if_scored_afresh(demo_store, _yesterday(today))
    # and back: the keys written by the fresh run are used again
    assert rescore(demo_store, as_of=today).history_reused == _rows(demo_store)


def test_an_unchanged_book_copies_every_past_month_and_writes_nothing(demo_store, today) -> None:
    summary = rescore(demo_store, as_of=today)
    assert (summary.history_reused, summary.rows_written) == (_rows(demo_store), 0)


def test_past_usage_changed_in_the_database_scores_that_account_again(demo_store, today) -> None:
    aid, _lms, month, mau = _account_with_usage(demo_store)
    with demo_store.engine.begin() as conn:  # not through an import: no change log
        conn.execute(
            update(UsageMonth)
            .where(UsageMonth.account_id == aid, UsageMonth.month == month)
            .values(mau=mau // 4)
        )
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == _rows(demo_store) - 1
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_an_import_of_past_usage_scores_that_account_again(demo_store, today, tmp_path) -> None:
    aid, lms, month, mau = _account_with_usage(demo_store)
    path = Path(tmp_path) / "usage.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["LMS ID", "Month", "MAU"])
        out.writerow([lms, month.isoformat(), mau // 4])
    before = _history(demo_store)
    [imported] = import_files(demo_store, [path], today=today)
    assert imported.updated == 1
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert aid not in _reused_ids(demo_store, before)  # its past months were scored again
    assert summary.history_reused < _rows(demo_store)
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_an_edited_past_ticket_scores_that_account_again(demo_store, today) -> None:
    with demo_store.engine.connect() as conn:
        tid, _aid, opened = conn.execute(
            select(Ticket.id, Ticket.account_id, Ticket.opened_at)
            .where(Ticket.opened_at < today - timedelta(days=120))
            .order_by(Ticket.id)
            .limit(1)
        ).one()
    with demo_store.engine.begin() as conn:
        conn.execute(
            update(Ticket)
            .where(Ticket.id == tid)
            .values(opened_at=opened - timedelta(days=200), resolved_at=None, is_open=True)
        )
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == _rows(demo_store) - 1
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_another_scorecard_scores_every_past_month_again(demo_store, today) -> None:
    _vid, card = get_active(demo_store)
    a, b = next((g, h) for g in card.groups for h in card.groups if g.weight != h.weight)
    swapped = card.with_group_weight(a.id, b.weight).with_group_weight(b.id, a.weight)
    save_version(demo_store, "swapped", swapped, activate=True)
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == 0
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_a_new_as_of_month_scores_every_past_month_again(demo_store, today) -> None:
    next_month = date(today.year + today.month // 12, today.month % 12 + 1, 2)
    summary = rescore(demo_store, as_of=next_month)
    assert summary.history_reused == 0  # last month's current month is now a whole month
    assert_as_if_scored_afresh(demo_store, next_month)
    earlier = (
        date(today.year, today.month - 2, 10) if today.month > 2 else date(today.year - 1, 9, 10)
    )
    assert rescore(demo_store, as_of=earlier).history_reused == 0  # fewer months
    assert_as_if_scored_afresh(demo_store, earlier)


def test_a_later_observed_day_scores_the_months_it_moves_again(demo_store, today) -> None:
    # the current-state signals (reply dates, who a ticket waits on) apply to the months
    # within a month of the observed day: moving it 40 days changes which months those are
    with demo_store.engine.begin() as conn:
        latest = conn.execute(select(ImportBatch.as_of).order_by(ImportBatch.as_of.desc())).first()
        assert latest is not None
        assert latest[0] is not None
        conn.execute(update(ImportBatch).values(as_of=latest[0] - timedelta(days=40)))
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == 0
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_an_override_leaves_the_computed_history_as_it_was(demo_store, today) -> None:
    with demo_store.engine.connect() as conn:
        aid = conn.exec_driver_sql("select min(account_id) from health_scores").scalar_one()
    set_override(demo_store, aid, "Escalation", "Open escalation elsewhere", None, "t", None)
    summary = rescore(demo_store, as_of=_yesterday(today))
    # an override is shown over the computed band; the computed months do not read it
    assert summary.history_reused == _rows(demo_store)
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_accounts_rescored_alone_keep_keys_the_book_rescore_can_use(demo_store, today) -> None:
    with demo_store.engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("select account_id from health_history")][:5]
    rescore_accounts(demo_store, ids, as_of=today, history="all")
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused >= _rows(demo_store) - len(ids)
    assert_as_if_scored_afresh(demo_store, _yesterday(today))


def test_the_same_answers_in_another_order_score_that_account_again(demo_store, today) -> None:
    # two NPS answers of one day: the later row is the account's latest answer, so
    # swapping their scores changes its months although the set of rows is the same
    with demo_store.engine.connect() as conn:
        _aid, first, second = conn.exec_driver_sql(
            "select account_id, min(id), max(id) from nps_responses where account_id is not null"
            " group by account_id having count(*) >= 2 order by account_id limit 1"
        ).one()
    day = today - timedelta(days=100)
    with demo_store.engine.begin() as conn:
        for rid, score in ((first, 2), (second, 10)):
            conn.execute(
                update(NpsResponse)
                .where(NpsResponse.id == rid)
                .values(responded_at=day, score=score)
            )
    rescore(demo_store, as_of=today)
    with demo_store.engine.begin() as conn:
        for rid, score in ((first, 10), (second, 2)):
            conn.execute(update(NpsResponse).where(NpsResponse.id == rid).values(score=score))
    summary = rescore(demo_store, as_of=_yesterday(today))
    assert summary.history_reused == _rows(demo_store) - 1
    assert_as_if_scored_afresh(demo_store, _yesterday(today))
