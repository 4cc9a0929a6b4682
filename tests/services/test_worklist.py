"""The renewal worklist on the demo book: window, order, owner filter, snoozes."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import select

from desktop_app.domain.priority import DEFAULT_WEIGHTS
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.book.renewals import (
    OVERDUE_GRACE_DAYS,
    load_worklist,
    parse_snooze,
    rank_rows,
    snooze,
    snoozed_until,
    unsnooze,
    worklist,
)
from desktop_app.services.errors import UserError
from desktop_app.store.schema import Note, Opportunity, Ticket


def test_only_active_accounts_inside_window_sorted(demo_store, today):
    rows = worklist(demo_store, within_days=90, today=today)
    book = load_book(demo_store, today)
    days = book.days_to_renewal
    with np.errstate(invalid="ignore"):
        expected = (~book.churned) & (days >= -OVERDUE_GRACE_DAYS) & (days <= 90)
    assert {r.account_id for r in rows} == set(book.account_id[expected].tolist())
    assert len(rows) > 20
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    prios = [r.priority for r in rows]
    assert prios == sorted(prios, reverse=True)
    churned = set(book.account_id[book.churned].tolist())
    assert not churned & {r.account_id for r in rows}
    assert all(-OVERDUE_GRACE_DAYS <= r.days_to_renewal <= 90 for r in rows)
    narrow = worklist(demo_store, within_days=30, today=today)
    assert {r.account_id for r in narrow} < {r.account_id for r in rows}


def test_rows_carry_reasons_and_facts(demo_store, today):
    rows = worklist(demo_store, within_days=180, today=today)
    for r in rows:
        assert r.reasons, r
        assert sum(x.points for x in r.reasons) <= r.priority + 0.1
        assert r.next_step
    with demo_store.sessions() as s:
        esc = {
            a
            for (a,) in s.execute(
                select(Ticket.account_id).where(
                    Ticket.is_open.is_(True), Ticket.is_escalation.is_(True)
                )
            )
        }
        ups = {
            a
            for (a,) in s.execute(
                select(Opportunity.account_id).where(
                    Opportunity.kind == "upsell", Opportunity.is_closed.is_(False)
                )
            )
        }
    escalated = [r for r in rows if r.account_id in esc]
    assert escalated, "the demo should have an escalated renewal"
    for r in escalated:
        assert r.escalations > 0
        assert r.next_step.startswith("Rescue plan: open escalation")
        assert "escalation" in {x.factor for x in r.reasons}
    assert {r.account_id for r in rows if r.upsell} == ups & {r.account_id for r in rows}


def test_owner_filter_and_errors(demo_store, today):
    rows = worklist(demo_store, within_days=180, today=today)
    owner = rows[0].owner
    mine = worklist(demo_store, within_days=180, owner=owner.upper(), today=today)
    assert mine
    assert all(r.owner == owner for r in mine)
    assert {r.account_id for r in mine} == {r.account_id for r in rows if r.owner == owner}
    with pytest.raises(UserError, match="No accounts owned"):
        worklist(demo_store, owner="Nobody Here", today=today)
    with pytest.raises(UserError, match="at least one day"):
        worklist(demo_store, within_days=0, today=today)


def test_rerank_with_weights_changes_order(demo_store, today):
    wl = load_worklist(demo_store, within_days=90, today=today)
    base = rank_rows(wl)
    arr_only = rank_rows(
        wl,
        DEFAULT_WEIGHTS.__class__(
            **{
                k: (v if k in ("horizon_days", "quiet_days", "arr") else 0.0)
                for k, v in DEFAULT_WEIGHTS.as_dict().items()
            }
        ),
    )
    arrs = [r.arr for r in arr_only]
    assert arrs == sorted(arrs, reverse=True)
    assert [r.account_id for r in base] != [r.account_id for r in arr_only]


def test_snooze_hides_until_date_and_unsnooze(demo_store, today):
    rows = worklist(demo_store, today=today)
    top = rows[0].account_id
    until = today + timedelta(days=14)
    note_id = snooze(demo_store, top, until, "Waiting for the budget meeting", "K", today=today)
    with demo_store.sessions() as s:
        note = s.get(Note, note_id)
        assert note is not None
        assert note.kind == "snooze"
        assert note.body.splitlines()[0] == f"snooze-until: {until.isoformat()}"
        assert parse_snooze(note.body) == (until, "Waiting for the budget meeting")
    assert snoozed_until(demo_store, today) == {top: until}
    assert top not in {r.account_id for r in worklist(demo_store, today=today)}
    later = today + timedelta(days=13)
    assert top not in {r.account_id for r in worklist(demo_store, today=later)}
    assert top in {r.account_id for r in worklist(demo_store, today=until)}
    assert unsnooze(demo_store, top, note_id=note_id) == 1
    assert top in {r.account_id for r in worklist(demo_store, today=today)}
    assert unsnooze(demo_store, top) == 0


def test_snooze_validation(demo_store, today):
    aid = worklist(demo_store, today=today)[0].account_id
    with pytest.raises(UserError, match="reason"):
        snooze(demo_store, aid, today + timedelta(days=3), "  ", today=today)
    with pytest.raises(UserError, match="later date"):
        snooze(demo_store, aid, today, "x", today=today)
    with pytest.raises(UserError, match="No account"):
        snooze(demo_store, 10**9, today + timedelta(days=3), "x", today=today)
    assert parse_snooze("just a note") is None
    assert parse_snooze("snooze-until: 2026-13-40\nbad") is None


def test_empty_store(store):
    assert worklist(store, today=date(2026, 11, 24)) == []
