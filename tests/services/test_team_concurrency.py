"""Concurrent clients do not lose work: row versions, the book lock, change announcements.

The stale-write tests run on both dialects in one process; the two-client tests run real
processes against one PostgreSQL database (SQLite serialises writers itself, one user).
"""

from __future__ import annotations

import csv
import json
import multiprocessing as mp
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from desktop_app.services.book.notes import add_note
from desktop_app.services.errors import StaleEdit
from desktop_app.services.health.overrides import set_override
from desktop_app.services.importing.batch import import_files, rollback_batch
from desktop_app.services.team.sync import WAIT_MESSAGE, hold_book_lock, listen
from desktop_app.services.transitions.workflow import (
    create_transition,
    load_transition,
    set_checklist_item,
)
from desktop_app.store.engine import Store, open_store
from desktop_app.store.schema import Account, ChangeLog
from tests import pg

HEALTHY, RISKY = "Healthy/Stable", "Risky/Unstable"
PG_ONLY = pytest.mark.parametrize("dialect", [pg.param()], indirect=True)


def _first_item(store: Store) -> tuple[int, int, str]:
    with store.sessions() as s:
        ids = list(s.scalars(select(Account.id).order_by(Account.id).limit(2)))
    tid = create_transition(store, ids, "Alicia Chen", "Marcus Bell", "Leave cover")
    item = load_transition(store, tid).items[0]
    return item.item_id, item.version, item.checklist[0].key


def test_a_stale_checklist_answer_is_refused_showing_the_current_one(demo_store: Store) -> None:
    item_id, version, key = _first_item(demo_store)
    set_checklist_item(demo_store, item_id, key, True, "Champion is the CFO",
                       expected_version=version)  # fmt: skip
    with pytest.raises(StaleEdit, match="Champion is the CFO") as stale:
        set_checklist_item(demo_store, item_id, key, False, "No champion",
                           expected_version=version)  # fmt: skip
    assert stale.value.current.answer == "Champion is the CFO"  # type: ignore[attr-defined]
    # Re-applying on top of what is there now works.
    set_checklist_item(demo_store, item_id, key, False, "No champion",
                       expected_version=stale.value.version)  # fmt: skip
    after = load_transition(demo_store, load_transition_id(demo_store, item_id)).items[0]
    assert after.checklist[0].answer == "No champion"
    assert after.version == version + 2


def load_transition_id(store: Store, item_id: int) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("select transition_id from transition_items where id = :i"), {"i": item_id}
            ).scalar_one()
        )


def test_a_stale_override_is_refused_showing_the_current_one(demo_store: Store) -> None:
    with demo_store.sessions() as s:
        aid = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
    first = set_override(demo_store, aid, HEALTHY, "Other", "met them", "Holly Grant",
                         expected_active=None)  # fmt: skip
    with pytest.raises(StaleEdit, match="Healthy/Stable") as stale:
        set_override(demo_store, aid, RISKY, "Other", None, "Tom Whitaker", expected_active=None)
    assert stale.value.current == first
    assert set_override(demo_store, aid, RISKY, "Other", None, "Tom Whitaker",
                        expected_active=first) > first  # fmt: skip


def test_a_stale_snooze_is_refused_showing_who_snoozed_until_when(demo_store: Store) -> None:
    from datetime import date

    from desktop_app.services.book.renewals import snooze, snoozed_until

    today = date(2026, 11, 24)
    with demo_store.sessions() as s:
        aid = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
    theirs = snooze(demo_store, aid, date(2026, 12, 20), "on holiday", "Tom Whitaker",
                    today=today, expected_snooze=None)  # fmt: skip
    with pytest.raises(StaleEdit, match="on holiday") as stale:
        snooze(demo_store, aid, date(2027, 1, 15), "waiting for budget", "Holly Grant",
               today=today, expected_snooze=None)  # fmt: skip
    assert (stale.value.current, stale.value.who) == (theirs, "Tom Whitaker")
    assert stale.value.what == "snoozed until 2026-12-20: on holiday"
    assert stale.value.when is not None
    assert snoozed_until(demo_store, today) == {aid: date(2026, 12, 20)}  # nothing written
    snooze(
        demo_store,
        aid,
        date(2027, 1, 15),
        "waiting for budget",
        "Holly Grant",
        today=today,
        expected_snooze=stale.value.current,
    )  # fmt: skip  (re-applied)
    assert snoozed_until(demo_store, today) == {aid: date(2027, 1, 15)}


def test_notes_carry_a_row_version_and_a_stale_delete_is_refused(demo_store: Store) -> None:
    from desktop_app.services.book.notes import delete_note, get_note
    from desktop_app.store.schema import Note

    with demo_store.sessions() as s:
        aid = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
    nid = add_note(demo_store, aid, "called the CFO", "Holly Grant")
    with demo_store.sessions.begin() as s:
        note = s.get(Note, nid)
        assert note is not None
        assert note.version == 1
        note.body = "called the CFO and the CTO"  # another client's edit bumps the version
    with demo_store.sessions() as s:
        assert s.get(Note, nid).version == 2  # type: ignore[union-attr]
    with pytest.raises(StaleEdit, match="and the CTO") as stale:
        delete_note(demo_store, nid, expected_version=1)
    assert stale.value.version == 2
    assert get_note(demo_store, nid) is not None
    assert delete_note(demo_store, nid, expected_version=2) is not None
    assert get_note(demo_store, nid) is None


# ---------------------------------------------------------------- two real processes


def _checklist_client(
    url: str, item_id: int, key: str, version: int, answer: str, barrier: Any, out: Any
) -> None:
    store = open_store(url)
    try:
        barrier.wait(timeout=60)
        set_checklist_item(store, item_id, key, True, answer, expected_version=version)
        out.put((answer, "saved", None))
    except StaleEdit as exc:
        out.put((answer, "stale", exc.current.answer))  # type: ignore[attr-defined]
    finally:
        store.dispose()


def _override_client(url: str, aid: int, band: str, barrier: Any, out: Any) -> None:
    store = open_store(url)
    try:
        barrier.wait(timeout=60)
        set_override(store, aid, band, "Other", None, band, expected_active=None)
        out.put((band, "saved", None))
    except StaleEdit as exc:
        out.put((band, "stale", str(exc)))
    finally:
        store.dispose()


def _run_two(target: Any, args_a: tuple[Any, ...], args_b: tuple[Any, ...]) -> list[Any]:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, barrier, out)) for a in (args_a, args_b)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return sorted(results, key=lambda r: r[1])


@PG_ONLY
def test_two_clients_answer_the_same_checklist_item(demo_store: Store, demo_url: str) -> None:
    item_id, version, key = _first_item(demo_store)
    demo_store.dispose()
    (a, a_state, _), (_b, b_state, b_saw) = _run_two(
        _checklist_client,
        (demo_url, item_id, key, version, "from client A"),
        (demo_url, item_id, key, version, "from client B"),
    )
    assert (a_state, b_state) == ("saved", "stale")
    assert b_saw == a  # the loser is shown the winner's answer
    now = load_transition(demo_store, load_transition_id(demo_store, item_id)).items[0]
    assert now.checklist[0].answer == a


@PG_ONLY
def test_two_clients_override_the_same_account(demo_store: Store, demo_url: str) -> None:
    with demo_store.sessions() as s:
        aid = int(s.scalars(select(Account.id).order_by(Account.id)).first() or 0)
    demo_store.dispose()
    (won, won_state, _), (_lost, lost_state, message) = _run_two(
        _override_client, (demo_url, aid, HEALTHY), (demo_url, aid, RISKY)
    )
    assert (won_state, lost_state) == ("saved", "stale")
    assert won in message
    with demo_store.engine.connect() as conn:
        active = conn.execute(
            text("select band from health_overrides where account_id = :a and is_active"),
            {"a": aid},
        ).all()
    assert [r[0] for r in active] == [won]


def _tickets_csv(path: Path, names: list[str], first_id: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Id", "Subject", "Status", "Created at", "Organization"])
        for i, name in enumerate(names):
            w.writerow([first_id + i, "Cannot log in", "Open", "2026-11-20 10:00:00", name])
    return path


def _cli(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--db", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _names(store: Store, n: int) -> list[str]:
    with store.sessions() as s:
        return list(s.scalars(select(Account.name).order_by(Account.id).limit(n)))


@PG_ONLY
def test_an_import_waits_for_the_running_one_and_says_so(
    demo_store: Store, demo_url: str, tmp_path: Path
) -> None:
    path = _tickets_csv(tmp_path / "t.csv", _names(demo_store, 5), 80_000)
    with demo_store.engine.connect() as holder:
        held = holder.begin()
        hold_book_lock(holder, _NoProgress())
        proc = _cli(demo_url, "import", str(path), "--json")
        assert proc.stderr is not None
        line = proc.stderr.readline()  # blocks until the client reports that it waits
        assert line.strip() == f"account-desk: {WAIT_MESSAGE}"
        time.sleep(0.5)
        assert proc.poll() is None  # still waiting while the lock is held
        held.commit()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    (summary,) = json.loads(out)
    assert (summary["new"], summary["kind"]) == (5, "tickets")


@PG_ONLY
def test_two_imports_at_once_never_interleave(
    demo_store: Store, demo_url: str, tmp_path: Path
) -> None:
    names = _names(demo_store, 40)
    a = _tickets_csv(tmp_path / "a.csv", names[:20], 81_000)
    b = _tickets_csv(tmp_path / "b.csv", names[20:], 82_000)
    procs = [_cli(demo_url, "import", str(p), "--json") for p in (a, b)]
    for p in procs:
        _out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    with demo_store.sessions() as s:
        rows = s.execute(
            select(ChangeLog.batch_id, ChangeLog.id).where(ChangeLog.table_name == "tickets")
        ).all()
    by_batch: dict[int, list[int]] = {}
    for batch, cid in rows:
        by_batch.setdefault(int(batch), []).append(int(cid))
    assert len(by_batch) == 2
    assert sorted(len(v) for v in by_batch.values()) == [20, 20]
    first, second = sorted(by_batch.values(), key=min)
    assert max(first) < min(second)  # one batch wrote all its rows before the other began


@PG_ONLY
def test_other_clients_hear_which_accounts_changed(demo_store: Store, demo_url: str) -> None:
    with demo_store.sessions() as s:
        aid = int(s.scalars(select(Account.id).order_by(Account.id.desc())).first() or 0)
    listener = listen(demo_store)
    try:
        assert listener.active
        code = (
            "import sys; from desktop_app.store.engine import open_store;"
            "from desktop_app.services.book.notes import add_note;"
            "s = open_store(sys.argv[1]); add_note(s, int(sys.argv[2]), 'called', 'Tom');"
            "s.dispose()"
        )
        subprocess.run([sys.executable, "-c", code, demo_url, str(aid)], check=True, timeout=120)
        heard = listener.poll(timeout=30)
        assert heard.account_ids == {aid}
        assert not heard.whole_book
        add_note(demo_store, aid, "from this client too", "Holly")
        assert listener.poll(timeout=30).account_ids == {aid}
    finally:
        listener.close()


@PG_ONLY
def test_an_import_names_the_accounts_it_touched_and_a_rescore_the_book(
    demo_store: Store, demo_url: str, tmp_path: Path
) -> None:
    with demo_store.sessions() as s:
        first = list(s.execute(select(Account.id, Account.name).order_by(Account.id).limit(3)))
    path = _tickets_csv(tmp_path / "few.csv", [str(r[1]) for r in first], 83_000)
    listener = listen(demo_store)
    try:
        other = open_store(demo_url)  # another client imports (the service: no rescore after)
        try:
            import_files(other, [path])
        finally:
            other.dispose()
        heard = listener.poll(timeout=30)
        assert not heard.whole_book  # three accounts' tickets: those three rows reload
        assert heard.account_ids == {int(r[0]) for r in first}
        (batch,) = [b for b in _batches(demo_store) if b["file_name"] == "few.csv"]
        rollback_batch(demo_store, int(batch["id"]))  # (in this process: no rescore after)
        assert listener.poll(timeout=30).account_ids == {int(r[0]) for r in first}
        proc = _cli(demo_url, "score")
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert listener.poll(timeout=30).whole_book
    finally:
        listener.close()


def _batches(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("select id, file_name from import_batches")).mappings()
        return [dict(r) for r in rows]


def test_on_sqlite_the_listener_is_inactive(store: Store, dialect: str) -> None:
    listener = listen(store)
    assert listener.active is (dialect == "postgresql")
    assert not listener.poll(0)
    listener.close()


class _NoProgress:
    def report(self, fraction: float, message: str = "") -> None:
        raise AssertionError("the first holder never waits")

    def cancelled(self) -> bool:
        return False
