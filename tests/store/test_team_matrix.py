"""The role matrix, checked for every role at once, and an administrator who is not superuser.

The server's superuser runs ``server init`` once and makes one admin login (``boss``). From
then on ``boss``, a plain login in ``ad_admin``, does the rest: init again, grant every other
login, import, roll back, rescore, and change the schema (a migration). Then each login is
asked the same questions, with raw SQL and through the services, and the answers must be
exactly the README's matrix (printed with ``-s``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app.cli import main
from desktop_app.services.book.notes import add_note
from desktop_app.services.book.records import account_records
from desktop_app.services.errors import UserError
from desktop_app.services.health.overrides import set_override
from desktop_app.services.health.scoring import rescore
from desktop_app.services.importing.batch import import_files, list_batches, rollback_batch
from desktop_app.services.team.server import connection_info, grant_login, is_refusal
from desktop_app.services.transitions.workflow import create_transition
from desktop_app.store.engine import Store, open_store
from tests import pg

pytestmark = pytest.mark.parametrize("dialect", [pg.param()], indirect=True)

HOLLY, TOM, KIM = "Holly Grant", "Tom Whitaker", "Kimberly Ortiz"
KIMS_TEAM = (HOLLY, "Jackie Moreno", "Beth Sullivan", "Krista Novak")
#: login -> the ``server grant`` arguments that make it (run by ``boss``, not the superuser).
LOGINS = {
    "holly": ["--csm", HOLLY],
    "kim": ["--tl", KIM],
    "mgr": ["--role", "manager"],
    "opsuser": ["--role", "ops"],
}
ROLES = ("holly", "kim", "mgr", "opsuser", "boss")

#: What each role may do. Rows: the question; columns: csm, tl, manager, ops, admin.
MATRIX: dict[str, tuple[object, ...]] = {
    "reads accounts": ("own", "team", "all", "all", "all"),
    "reads another CSM's accounts, contacts, notes, overrides (SQL)": (
        False, False, True, True, True),
    "changes another CSM's account (SQL)": (False, False, False, True, True),
    "changes another CSM's contact (SQL)": (False, False, False, True, True),
    "changes another CSM's note (SQL)": (False, False, True, True, True),
    "changes another CSM's override (SQL)": (False, False, True, True, True),
    "lists another CSM's accounts (service)": (False, False, True, True, True),
    "notes another CSM's account (service)": (False, False, True, True, True),
    "overrides another CSM's band (service)": (False, False, True, True, True),
    "hands another team's account over (service)": (False, False, True, True, True),
    "notes an own account (service)": (True, True, True, True, True),
    "imports (service)": (False, False, False, True, True),
    "rolls an import back (service)": (False, False, False, True, True),
    "rescores (service)": (False, False, False, True, True),
    "grants logins (service)": (False, False, False, False, True),
}  # fmt: skip


@dataclass
class Team:
    database: str
    owner_of: dict[int, str]
    batches: dict[str, int]  # login -> an import batch (made by boss) for it to roll back
    folder: Path

    def url(self, login: str) -> str:
        return pg.url_for(self.database, user=login)

    def accounts_of(self, *owners: str) -> set[int]:
        return {a for a, o in self.owner_of.items() if o in owners}

    def toms(self) -> int:
        return min(self.accounts_of(TOM))


def _tickets(path: Path, names: list[str], first_id: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Id", "Subject", "Status", "Created at", "Organization"])
        for i, name in enumerate(names):
            w.writerow([first_id + i, "Cannot log in", "Open", "2026-11-20 10:00:00", name])
    return path


@pytest.fixture
def team(demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Team:
    # The server's superuser: the schema, the roles, and one administrator. Nothing else.
    assert main(["--db", demo_url, "server", "init"]) == 0
    assert main(["--db", demo_url, "server", "grant", "--role", "admin", "--login", "boss"]) == 0
    database = str(make_url(demo_url).database)
    boss = pg.url_for(database, user="boss")
    for login, who in LOGINS.items():
        assert main(["--db", boss, "server", "grant", *who, "--login", login]) == 0, login
    capsys.readouterr()
    engine = create_engine(demo_url)
    with engine.begin() as conn:
        owners = conn.execute(
            text(
                "select a.id, c.full_name, a.name from accounts a join csms c on c.id = a.owner_id"
            )
        ).all()
    engine.dispose()
    owner_of = {int(r[0]): str(r[1]) for r in owners}
    toms = sorted(str(r[2]) for r in owners if r[1] == TOM)
    # One import batch per role to try rolling back, imported by the admin login.
    batches: dict[str, int] = {}
    store = open_store(boss)
    try:
        for k, login in enumerate(ROLES):
            path = _tickets(tmp_path / f"rb_{login}.csv", toms[k : k + 1], 90_000 + k)
            (summary,) = import_files(store, [path])
            assert summary.batch_id is not None
            batches[login] = summary.batch_id
        set_override(store, min(a for a, o in owner_of.items() if o == TOM), "Healthy/Stable",
                     "Other", "seen by boss", "boss")  # fmt: skip
    finally:
        store.dispose()
    return Team(database, owner_of, batches, tmp_path)


@pytest.fixture
def stores(team: Team) -> Iterator[dict[str, Store]]:
    opened = {login: open_store(team.url(login)) for login in ROLES}
    yield opened
    for s in opened.values():
        s.dispose()


def _allowed(action: Callable[[], object]) -> bool:
    """True if the action went through; False if the server (or the service) refused it."""
    try:
        result = action()
    except UserError:
        return False
    except DBAPIError as exc:
        if not is_refusal(exc):
            raise
        return False
    return result is not False


def _sql_changes(store: Store, sql: str, **params: object) -> Callable[[], bool]:
    """Runs ``sql`` and rolls it back: did it change a row?"""

    def run() -> bool:
        with store.engine.connect() as conn:
            trans = conn.begin()
            try:
                return int(conn.execute(text(sql), params).rowcount) > 0
            finally:
                trans.rollback()

    return run


def _observe(team: Team, login: str, store: Store, k: int) -> dict[str, object]:
    tom = team.toms()
    own = min(team.accounts_of(HOLLY))  # Holly's account: Kim's team's too
    with store.engine.connect() as conn:
        seen = {int(r[0]) for r in conn.execute(text("select id from accounts"))}
        facts = [
            conn.execute(
                text(f"select count(*) from {t} where account_id = :a"), {"a": tom}
            ).scalar_one()
            for t in ("contacts", "notes", "health_overrides")
        ]
    reads = {
        frozenset(team.accounts_of(HOLLY)): "own",
        frozenset(team.accounts_of(*KIMS_TEAM)): "team",
        frozenset(team.owner_of): "all",
    }.get(frozenset(seen), f"{len(seen)} accounts")
    now = datetime(2026, 11, 24, 9, 0)
    out: dict[str, object] = {
        "reads accounts": reads,
        "reads another CSM's accounts, contacts, notes, overrides (SQL)": tom in seen
        and all(n > 0 for n in facts),
        "changes another CSM's account (SQL)": _allowed(
            _sql_changes(store, "update accounts set name = name || '.' where id = :a", a=tom)
        ),
        "changes another CSM's contact (SQL)": _allowed(
            _sql_changes(store, "update contacts set title = 'x' where account_id = :a", a=tom)
        ),
        "changes another CSM's note (SQL)": _allowed(
            _sql_changes(store, "update notes set body = body || '.' where account_id = :a", a=tom)
        ),
        "changes another CSM's override (SQL)": _allowed(
            _sql_changes(
                store, "update health_overrides set note = 'x' where account_id = :a", a=tom
            )
        ),
        "lists another CSM's accounts (service)": any(
            r.owner == TOM for r in account_records(store)
        ),
        "notes another CSM's account (service)": _allowed(
            lambda: add_note(store, tom, f"from {login}", login)
        ),
        "overrides another CSM's band (service)": _allowed(
            lambda: set_override(store, tom, "Risky/Unstable", "Other", None, login)
        ),
        "hands another team's account over (service)": _allowed(
            lambda: create_transition(store, [tom], HOLLY, KIM, f"by {login}")
        ),
        "notes an own account (service)": _allowed(
            lambda: add_note(store, own, f"own, from {login}", login, created_at=now)
        ),
        "imports (service)": _allowed(
            lambda: import_files(
                store, [_tickets(team.folder / f"imp_{login}.csv", ["Nobody Inc"], 95_000 + k)]
            )
        ),
        "rolls an import back (service)": _allowed(
            lambda: rollback_batch(store, team.batches[login])
        ),
        "rescores (service)": _allowed(lambda: rescore(store)),
        "grants logins (service)": _allowed(lambda: grant_login(store, f"tom_{login}", csm=TOM)),
    }
    return out


def test_every_role_gets_exactly_its_column_of_the_matrix(
    team: Team, stores: dict[str, Store]
) -> None:
    observed = {login: _observe(team, login, stores[login], k) for k, login in enumerate(ROLES)}
    header = f"{'':66}" + "".join(f"{r:>9}" for r in ("csm", "tl", "manager", "ops", "admin"))
    lines = [header]
    for question in MATRIX:
        cells = [observed[login][question] for login in ROLES]
        lines.append(f"{question:66}" + "".join(f"{_cell(c):>9}" for c in cells))
    print("\n".join(lines))
    wrong = [
        (question, login, observed[login][question], expected)
        for question, column in MATRIX.items()
        for login, expected in zip(ROLES, column, strict=True)
        if observed[login][question] != expected
    ]
    assert wrong == []


def _cell(value: object) -> str:
    return {True: "yes", False: "no"}.get(value, str(value))  # type: ignore[call-overload]


def test_the_admin_login_is_not_superuser_and_runs_the_server(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    boss = team.url("boss")
    engine = create_engine(boss)
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("select rolsuper from pg_roles where rolname = current_user")
                ).scalar_one()
                is False
            )
            assert conn.execute(text("select count(*) from accounts")).scalar_one() == len(
                team.owner_of
            )
        # A migration of a later version: the admin may change the schema.
        with engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text("alter table accounts add column later_version text"))
            conn.execute(text("create index ix_later on accounts (later_version)"))
            trans.rollback()
    finally:
        engine.dispose()
    capsys.readouterr()
    assert main(["--db", boss, "server", "init"]) == 0  # again, as the admin login
    assert main(["--db", boss, "db", "upgrade"]) == 0
    assert main(["--db", boss, "server", "whoami", "--json"]) == 0
    assert '"groups": [\n  "ad_admin"\n ]' in capsys.readouterr().out
    store = open_store(boss)
    try:
        info = connection_info(store)
        assert (info.role, info.groups) == ("boss", ("ad_admin",))
        before = {b.id for b in list_batches(store)}
        path = _tickets(team.folder / "boss.csv", ["Nobody Inc"], 99_000)
        (summary,) = import_files(store, [path])
        assert summary.batch_id not in before
        rollback_batch(store, summary.batch_id)
        assert grant_login(store, "holly", csm=HOLLY).created is False
    finally:
        store.dispose()
    # Holly still sees only her book after the admin re-ran init and re-granted her.
    holly = open_store(team.url("holly"))
    try:
        assert {r.owner for r in account_records(holly)} == {HOLLY}
    finally:
        holly.dispose()
