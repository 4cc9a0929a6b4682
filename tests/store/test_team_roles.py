"""Team mode on PostgreSQL: each role connects and sees (and changes) only what it should.

Connects as real login roles (``server grant``) and checks with raw SQL and through the
services. PostgreSQL only: skipped, with the reason, where no server is configured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app.cli import main
from desktop_app.services.book.notes import add_note
from desktop_app.services.book.records import account_records
from desktop_app.services.errors import UserError
from desktop_app.services.health.overrides import set_override
from desktop_app.services.team.server import connection_info, is_refusal
from desktop_app.store.engine import open_store
from tests import pg

pytestmark = pytest.mark.parametrize("dialect", [pg.param()], indirect=True)

LOGINS = {
    "holly": ["--csm", "Holly Grant"],
    "tom": ["--csm", "Tom Whitaker"],
    "kim": ["--tl", "Kimberly Ortiz"],
    "mgr": ["--role", "manager"],
    "opsuser": ["--role", "ops"],
}


@dataclass
class Team:
    admin: str
    database: str
    owner_of: dict[int, str]  # account id -> owner full name

    def url(self, login: str) -> str:
        return pg.url_for(self.database, user=login)

    def accounts_of(self, *owners: str) -> set[int]:
        return {a for a, o in self.owner_of.items() if o in owners}

    def first_of(self, owner: str) -> int:
        return min(self.accounts_of(owner))


@pytest.fixture
def team(demo_url: str, capsys: pytest.CaptureFixture[str]) -> Team:
    assert main(["--db", demo_url, "server", "init"]) == 0
    for login, who in LOGINS.items():
        assert main(["--db", demo_url, "server", "grant", *who, "--login", login]) == 0
    out = capsys.readouterr().out
    assert "Team roles ready" in out
    assert "Login holly" in out
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("select a.id, c.full_name from accounts a join csms c on c.id = a.owner_id")
        ).all()
    engine.dispose()
    return Team(demo_url, str(make_url(demo_url).database), {int(r[0]): str(r[1]) for r in rows})


@pytest.fixture
def as_role(team: Team) -> Iterator[dict[str, Engine]]:
    engines = {login: create_engine(team.url(login)) for login in LOGINS}
    yield engines
    for e in engines.values():
        e.dispose()


def _ids(engine: Engine, sql: str) -> set[int]:
    with engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(text(sql))}


def _refused(engine: Engine, sql: str, **params: object) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    except DBAPIError as exc:
        if not is_refusal(exc):
            raise
        return True
    return False


def _changed(engine: Engine, sql: str, **params: object) -> int:
    with engine.begin() as conn:
        return int(conn.execute(text(sql), params).rowcount)


def test_a_csm_reads_only_own_accounts_and_their_facts(
    team: Team, as_role: dict[str, Engine]
) -> None:
    holly = as_role["holly"]
    mine = team.accounts_of("Holly Grant")
    assert 0 < len(mine) < len(team.owner_of)
    assert _ids(holly, "select id from accounts") == mine
    facts = ("contacts", "notes", "usage_monthly", "health_scores", "tickets", "alert_actions")
    for table in facts:
        assert _ids(holly, f"select account_id from {table}") <= mine, table
    assert _ids(holly, "select account_id from contacts")  # she does see her own contacts
    assert _refused(holly, "select count(*) from change_log")  # before-images of anyone


def test_a_csm_cannot_change_another_csms_rows(team: Team, as_role: dict[str, Engine]) -> None:
    holly = as_role["holly"]
    other = team.first_of("Tom Whitaker")
    assert _refused(holly, "update accounts set name = 'x' where id = :a", a=other)
    assert _changed(holly, "update notes set body = 'x' where account_id = :a", a=other) == 0
    assert _changed(holly, "delete from notes where account_id = :a", a=other) == 0
    assert (
        _changed(holly, "update health_overrides set note = 'x' where account_id = :a", a=other)
        == 0
    )
    assert _refused(holly, "update contacts set email = 'x@y.z' where account_id = :a", a=other)
    now = datetime(2026, 11, 24, 9, 0)
    assert _refused(
        holly,
        "insert into notes (account_id, created_at, kind, body) values (:a, :t, 'note', 'hi')",
        a=other,
        t=now,
    )
    assert _refused(
        holly,
        "insert into health_overrides (account_id, band, reason_code, created_at, is_active, "
        "needs_review) values (:a, 'Healthy/Stable', 'Other', :t, true, false)",
        a=other,
        t=now,
    )
    own = team.first_of("Holly Grant")
    assert not _refused(
        holly,
        "insert into notes (account_id, created_at, kind, body) values (:a, :t, 'note', 'hi')",
        a=own,
        t=now,
    )


def test_services_as_a_csm_see_and_edit_only_her_book(team: Team) -> None:
    store = open_store(team.url("holly"))
    try:
        records = account_records(store)
        assert {r.owner for r in records} == {"Holly Grant"}
        assert len(records) == len(team.accounts_of("Holly Grant"))
        other = team.first_of("Tom Whitaker")
        with pytest.raises(UserError, match="No account"):
            add_note(store, other, "not mine", "Holly Grant")
        with pytest.raises(UserError, match="no account"):
            set_override(store, other, "Healthy/Stable", "Other", None, "Holly Grant")
        own = team.first_of("Holly Grant")
        assert set_override(store, own, "Healthy/Stable", "Other", "met them", "Holly Grant") > 0
        info = connection_info(store)
        assert (info.role, info.groups) == ("holly", ("ad_csm",))
        assert "as holly (csm)" in info.label()
    finally:
        store.dispose()


def test_a_team_lead_sees_the_team_and_a_manager_everything(
    team: Team, as_role: dict[str, Engine]
) -> None:
    kims_team = team.accounts_of("Holly Grant", "Jackie Moreno", "Beth Sullivan", "Krista Novak")
    assert _ids(as_role["kim"], "select id from accounts") == kims_team
    assert _ids(as_role["mgr"], "select id from accounts") == set(team.owner_of)
    other = team.first_of("Tom Whitaker")
    now = datetime(2026, 11, 24, 9, 0)
    insert_note = (
        "insert into notes (account_id, created_at, kind, body) values (:a, :t, 'note', 'x')"
    )
    assert _refused(as_role["kim"], insert_note, a=other, t=now)
    assert not _refused(as_role["mgr"], insert_note, a=other, t=now)
    assert _refused(
        as_role["mgr"],
        "insert into import_batches (file_name, source_profile, imported_at) values ('x', 'x', :t)",
        t=now,
    )


def test_only_ops_imports_and_a_refusal_is_one_line(
    team: Team, tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    from pathlib import Path

    path = Path(str(tmp_path)) / "zendesk.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Id", "Subject", "Status", "Created at", "Organization"])
        w.writerow(["77001", "Cannot log in", "Open", "2026-11-20 10:00:00", "Nobody Inc"])
    capsys.readouterr()
    assert main(["--db", team.url("holly"), "import", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["account-desk: error: your role cannot import; ask CS operations"]
    assert main(["--db", team.url("mgr"), "score"]) == 2
    assert "your role cannot rescore the book; ask CS operations" in capsys.readouterr().err
    assert main(["--db", team.url("opsuser"), "import", str(path), "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", team.url("opsuser"), "imports", "--json"]) == 0
    assert main(["--db", team.url("opsuser"), "score"]) == 0


def test_only_an_admin_sets_up_roles(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--db", team.url("mgr"), "server", "grant", "--csm", "Tom Whitaker",
                 "--login", "tom"]) == 2  # fmt: skip
    assert "your role cannot manage team roles" in capsys.readouterr().err


def test_a_team_lead_prepares_a_handoff_that_only_its_csms_see(team: Team) -> None:
    from desktop_app.services.transitions.workflow import create_transition, list_transitions

    ids = sorted(team.accounts_of("Holly Grant"))[:2]
    kim = open_store(team.url("kim"))
    try:
        tid = create_transition(kim, ids, "Jackie Moreno", "Kimberly Ortiz", "Leave cover")
        with pytest.raises(UserError):  # Tom's account is not in Kim's team
            create_transition(kim, [team.first_of("Tom Whitaker")], "Holly Grant",
                              "Kimberly Ortiz", "Not mine")  # fmt: skip
    finally:
        kim.dispose()
    seen: dict[str, list[int]] = {}
    for login in ("holly", "tom", "mgr"):
        store = open_store(team.url(login))
        try:
            seen[login] = [t.id for t in list_transitions(store)]
        finally:
            store.dispose()
    assert seen == {"holly": [tid], "tom": [], "mgr": [tid]}


def test_the_gui_worker_turns_a_refusal_into_one_line(team: Team) -> None:
    from desktop_app.services.health.scoring import rescore
    from desktop_app.services.team.server import refusal_for_call

    store = open_store(team.url("holly"))
    try:
        with pytest.raises(DBAPIError) as refused:
            rescore(store)
        assert is_refusal(refused.value)
    finally:
        store.dispose()
    assert refusal_for_call(rescore.__name__) == (
        "your role cannot rescore the book; ask CS operations"
    )
