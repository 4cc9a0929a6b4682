"""Team mode on a PostgreSQL server: set up roles, map people to logins, explain refusals."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from desktop_app.services.errors import UserError
from desktop_app.store import team_roles
from desktop_app.store.dialect import is_permission_denied, is_postgres
from desktop_app.store.engine import Store
from desktop_app.store.schema import Csm

#: What each command does, in the words of a refusal, and who can do it instead.
_ACTIONS: dict[str, tuple[str, str]] = {
    "import": ("import", "CS operations"),
    "rollback": ("roll back imports", "CS operations"),
    "score": ("rescore the book", "CS operations"),
    "review": ("resolve import reviews", "CS operations"),
    "demo": ("write a demo book", "an administrator"),
    "scorecard": ("change the scorecard", "CS operations"),
    "transition": ("change this transition", "your team lead"),
    "server": ("manage team roles", "an administrator"),
}


EXAMPLE_URL = "postgresql+psycopg://db.example.com:5432/accounts"


class PermissionRefused(UserError):
    """The connected role may not do this; the message says who can."""


def is_refusal(exc: BaseException) -> bool:
    """True for PostgreSQL's "permission denied" and row-level security refusals."""
    return isinstance(exc, DBAPIError) and is_permission_denied(exc)


def refusal_message(command: str) -> str:
    """One line for a refused command: ``your role cannot import; ask CS operations``."""
    action, who = _ACTIONS.get(command, (f"do that ({command})", "an administrator"))
    return f"your role cannot {action}; ask {who}"


#: Service functions the GUI runs on workers, by the CLI command that does the same.
_CALLS = {
    "rescore": "score",
    "import_files": "import",
    "import_preview": "import",
    "rollback_batch": "rollback",
    "create_transition": "transition",
    "execute_transition": "transition",
    "undo_execute": "transition",
}


def refusal_for_call(function_name: str) -> str:
    """The refusal line for a service call the server refused (GUI workers)."""
    command = _CALLS.get(function_name)
    if command is None:
        return "your role cannot change this; ask your team lead or manager"
    return refusal_message(command)


def _require_postgres(store: Store) -> None:
    if not is_postgres(store.engine):
        raise UserError("team roles need a PostgreSQL database (--db postgresql+psycopg://…)")


def init_server(store: Store) -> list[str]:
    """Create the group roles, grants and row-level policies; return the group names.

    Raises ``UserError`` off PostgreSQL or when the connected role may not create roles.
    """
    _require_postgres(store)
    try:
        with store.engine.begin() as conn:
            team_roles.init_roles(conn)
    except DBAPIError as exc:
        if is_refusal(exc):
            raise PermissionRefused(refusal_message("server")) from None
        raise
    return list(team_roles.GROUPS)


@dataclass(frozen=True)
class Grant:
    login: str
    group: str
    csm: str | None
    created: bool


def grant_login(
    store: Store,
    login: str,
    *,
    csm: str | None = None,
    tl: str | None = None,
    role: str | None = None,
) -> Grant:
    """Map ``login`` to a CSM (``csm``), a team lead (``tl``) or a group (``role``).

    Raises ``UserError`` for an unknown name, a bad login, or more or less than one choice.
    """
    _require_postgres(store)
    if sum(x is not None for x in (csm, tl, role)) != 1:
        raise UserError("give exactly one of --csm NAME, --tl NAME or --role ROLE")
    try:
        team_roles.check_login(login)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    person = csm if csm is not None else tl
    group = "ad_csm" if csm is not None else "ad_tl" if tl is not None else ""
    if role is not None:
        if role not in team_roles.ROLE_GROUPS or role in ("csm", "tl"):
            raise UserError("--role must be admin, ops or manager (use --csm/--tl for people)")
        group = team_roles.ROLE_GROUPS[role]
    try:
        with store.engine.begin() as conn:
            csm_id = None
            name = None
            if person is not None:
                row = conn.execute(
                    select(Csm.id, Csm.full_name).where(
                        text("lower(full_name) = lower(:n)").bindparams(n=person.strip())
                    )
                ).first()
                if row is None:
                    raise UserError(f"no CSM or team lead named {person!r} in this book")
                csm_id, name = int(row[0]), str(row[1])
            created = team_roles.grant_login(conn, login, group, csm_id)
    except DBAPIError as exc:
        if is_refusal(exc):
            raise PermissionRefused(refusal_message("server")) from None
        raise
    return Grant(login=login, group=group, csm=name, created=created)


def team_url(url: str, login: str = "") -> str:
    """A PostgreSQL URL for ``--db``, with ``login`` as its user and no password.

    Raises ``ValueError`` (message for the user) for anything but a PostgreSQL URL.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text_url = url.strip()
    if text_url.startswith(("postgres://", "postgresql://")):
        text_url = "postgresql+psycopg://" + text_url.split("://", 1)[1]
    try:
        parsed = make_url(text_url)
    except ArgumentError:
        raise ValueError(f"not a database URL: {url!r} (e.g. {EXAMPLE_URL})") from None
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"a team database is a PostgreSQL URL, e.g. {EXAMPLE_URL}")
    if login.strip():
        parsed = parsed.set(username=login.strip())
    return parsed._replace(password=None).render_as_string(hide_password=False)


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` (for one connection, in memory; never stored or shown)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def url_label(url: str) -> str:
    """``login@host/database`` of a server URL (for a prompt; never the password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    who = f"{parsed.username}@" if parsed.username else ""
    return f"{who}{parsed.host or 'local socket'}/{parsed.database or ''}"


def needs_password(message: str) -> bool:
    """True when the server refused a connection for want of a (right) password."""
    low = message.lower()
    return "no password supplied" in low or "password authentication failed" in low


@dataclass(frozen=True)
class ConnectionInfo:
    """Where the app is connected and as whom (for the status bar and ``server whoami``)."""

    dialect: str
    server: str
    database: str
    role: str
    groups: tuple[str, ...]

    def label(self) -> str:
        if self.dialect == "sqlite":
            return f"SQLite: {self.database}"
        groups = ", ".join(g.removeprefix("ad_") for g in self.groups) or "no team role"
        return f"{self.server} / {self.database} as {self.role} ({groups})"


def connection_info(store: Store) -> ConnectionInfo:
    """The server, database and role of ``store``'s connection (never the password)."""
    url = store.engine.url
    if not is_postgres(store.engine):
        return ConnectionInfo("sqlite", "", str(url.database or ""), "", ())
    with store.engine.connect() as conn:
        role = str(conn.execute(text("SELECT current_user")).scalar_one())
        database = str(conn.execute(text("SELECT current_database()")).scalar_one())
        groups = tuple(team_roles.current_groups(conn))
    server = url.host or "local socket"
    if url.port:
        server = f"{server}:{url.port}"
    return ConnectionInfo("postgresql", server, database, role, groups)
