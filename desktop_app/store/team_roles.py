"""Team mode on PostgreSQL: group roles, grants and row-level security policies.

``init_roles`` (run by an administrator, after the migrations) creates five group roles:

=============  ======================================================================
``ad_admin``   everything
``ad_ops``     reads everything; imports, rolls back and rescores (writes every table)
``ad_manager`` reads everything; edits overrides, notes and transitions
``ad_tl``      reads and edits the accounts of their team (and its transitions)
``ad_csm``     reads and edits only the accounts they own, their facts, and the
               transitions in which they give or receive
=============  ======================================================================

Row visibility lives in the database, not the app: a CSM connected with ``psql`` sees what
the app shows them. The tables, sequences and functions belong to ``ad_admin``, and an admin
login gets ``CREATEROLE``: an administrator who is not the server's superuser runs ``server
init`` again, the migrations of a new version, ``server grant``, imports and rollbacks.
``team_logins`` maps a login role to its CSM (or TL) row; the functions
that read it are ``SECURITY DEFINER`` and key on ``session_user``. No password is stored
anywhere by Account Desk: logins authenticate through libpq (``~/.pgpass``, ``PGSERVICE``).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

GROUPS = ("ad_admin", "ad_ops", "ad_manager", "ad_tl", "ad_csm")
#: Which group a ``server grant --role`` word means.
ROLE_GROUPS = {
    "admin": "ad_admin",
    "ops": "ad_ops",
    "manager": "ad_manager",
    "tl": "ad_tl",
    "csm": "ad_csm",
}

#: Tables whose rows belong to one account (``account_id``): visible with that account.
ACCOUNT_FACTS = (
    "contacts",
    "subscriptions",
    "usage_monthly",
    "opportunities",
    "tickets",
    "nps_responses",
    "billing_states",
    "notes",
    "health_scores",
    "health_history",
    "health_overrides",
    "owner_history",
)
#: What people edit by hand (managers everywhere; TLs and CSMs within their rows).
HAND_EDITED = ("notes", "health_overrides", "transitions", "transition_items", "alert_actions")
#: Managers' and team leads' planning (renewal targets, forecast calls, one-on-one packs…).
PLANNING = ("renewal_targets", "forecast_calls", "oneonone_packs", "survey_answers")
#: Before-images of any account's rows: never readable by CSMs or TLs.
AUDIT = ("change_log", "field_history", "review_items")

_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION ad_sees_all() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(current_user, 'ad_admin', 'MEMBER')
      OR pg_has_role(current_user, 'ad_ops', 'MEMBER')
      OR pg_has_role(current_user, 'ad_manager', 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION ad_my_csms() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT l.csm_id FROM team_logins l WHERE l.login = session_user
  UNION
  SELECT c.id FROM csms c
    JOIN csms lead ON c.team_lead = lead.full_name
    JOIN team_logins l ON l.csm_id = lead.id
   WHERE l.login = session_user AND l.kind = 'tl'
$$;
CREATE OR REPLACE FUNCTION ad_my_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c.full_name FROM csms c JOIN team_logins l ON l.csm_id = c.id
   WHERE l.login = session_user
$$;
CREATE OR REPLACE FUNCTION ad_my_accounts() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT a.id FROM accounts a WHERE a.owner_id IN (SELECT ad_my_csms())
$$;
CREATE OR REPLACE FUNCTION ad_my_transitions() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT ti.transition_id FROM transition_items ti
   WHERE ti.from_csm_id IN (SELECT ad_my_csms()) OR ti.to_csm_id IN (SELECT ad_my_csms())
$$;
"""


def _policy(table: str, condition: str) -> str:
    # (SELECT ad_sees_all()) is an InitPlan: evaluated once per statement, not per row.
    return (
        f"DROP POLICY IF EXISTS ad_rows ON {table};"
        f"CREATE POLICY ad_rows ON {table} USING ((SELECT ad_sees_all()) OR {condition});"
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"
    )


def _all_tables(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
    return sorted(str(r[0]) for r in rows)


def _tables_with(conn: Connection, column: str) -> set[str]:
    rows = conn.execute(
        text(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = :c"
        ),
        {"c": column},
    )
    return {str(r[0]) for r in rows}


_FUNCTION_NAMES = ("ad_sees_all", "ad_my_csms", "ad_my_name", "ad_my_accounts", "ad_my_transitions")


def _owned_by_admin(conn: Connection, tables: list[str]) -> None:
    """Hand the tables (with their sequences) and functions to ``ad_admin``: its members may
    then alter them (migrations, policies) without being the server's superuser.

    Objects already ``ad_admin``'s are left alone; so are objects the connected role may
    not hand over (an admin login re-running init on a superuser's table).
    """
    superuser = bool(
        conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar_one()
    )
    if superuser:
        conn.exec_driver_sql("GRANT USAGE, CREATE ON SCHEMA public TO ad_admin")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {', '.join(GROUPS)}")
    owners = conn.execute(
        text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
        )
    ).all()
    mine = {str(r[0]) for r in owners if str(r[1]) != "ad_admin"}
    for table in tables:
        if table in mine and (superuser or _owns(conn, table)):
            conn.exec_driver_sql(f"ALTER TABLE {table} OWNER TO ad_admin")
    for fn in _FUNCTION_NAMES:
        conn.exec_driver_sql(f"ALTER FUNCTION {fn}() OWNER TO ad_admin")


def _owns(conn: Connection, table: str) -> bool:
    row = conn.execute(
        text(
            "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
            "WHERE oid = CAST(:t AS regclass)"
        ),
        {"t": table},
    ).scalar_one()
    return bool(row)


def init_roles(conn: Connection) -> None:
    """Create the group roles, grants and policies (idempotent). PostgreSQL only.

    Run by a superuser the first time; afterwards also by an ``ad_admin`` login.
    """
    for group in GROUPS:
        conn.exec_driver_sql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    conn.exec_driver_sql(_FUNCTIONS)
    tables = _all_tables(conn)
    everyone = ", ".join(GROUPS)
    _owned_by_admin(conn, tables)
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    conn.exec_driver_sql("GRANT ALL ON ALL TABLES IN SCHEMA public TO ad_admin, ad_ops")
    conn.exec_driver_sql("REVOKE INSERT, UPDATE, DELETE ON team_logins FROM ad_ops")
    conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
    readers = "ad_manager, ad_tl, ad_csm"
    for table in tables:
        if table == "team_logins":
            continue  # read by the SECURITY DEFINER functions only
        who = "ad_manager" if table in AUDIT else readers
        conn.exec_driver_sql(f"GRANT SELECT ON {table} TO {who}")
    for table in (t for t in HAND_EDITED if t in tables):
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {readers}")
    for table in (t for t in PLANNING if t in tables):
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {table} TO ad_manager, ad_tl")
    # Executing a transition moves owners and records the move.
    conn.exec_driver_sql("GRANT UPDATE (owner_id, team_lead) ON accounts TO ad_manager, ad_tl")
    conn.exec_driver_sql("GRANT INSERT ON owner_history TO ad_manager, ad_tl")
    policies = [_policy("accounts", "owner_id IN (SELECT ad_my_csms())")]
    # Every table of one account's rows (the managers' tables too), found by its column.
    facts = (_tables_with(conn, "account_id") | set(ACCOUNT_FACTS)) - {"transition_items"}
    facts -= set(AUDIT)
    policies += [
        _policy(t, "account_id IN (SELECT ad_my_accounts())") for t in sorted(facts & set(tables))
    ]
    if "renewal_targets" in tables:
        policies.append(_policy("renewal_targets", "csm_id IN (SELECT ad_my_csms())"))
    if "oneonone_packs" in tables:
        policies.append(
            _policy(
                "oneonone_packs",
                "owner IN (SELECT full_name FROM csms WHERE id IN (SELECT ad_my_csms()))",
            )
        )
    # A TL's own transitions are theirs before any account is added to them.
    policies.append(
        _policy(
            "transitions",
            "id IN (SELECT ad_my_transitions()) OR team_lead = (SELECT ad_my_name())",
        )
    )
    policies.append(
        _policy(
            "transition_items",
            "from_csm_id IN (SELECT ad_my_csms()) OR to_csm_id IN (SELECT ad_my_csms())",
        )
    )
    for sql in policies:
        conn.exec_driver_sql(sql)


def check_login(login: str) -> str:
    """The login name if it is a plain PostgreSQL identifier; raises ``ValueError`` otherwise."""
    if not _LOGIN.match(login):
        raise ValueError(f"login {login!r} must be lower-case letters, digits and _ (at most 63)")
    return login


def grant_login(conn: Connection, login: str, group: str, csm_id: int | None) -> bool:
    """Make ``login`` a login role in ``group`` mapped to ``csm_id``; True if it was created.

    The role gets no password here: the administrator sets one with ``\\password`` in psql
    (or uses the server's own authentication), and people keep theirs in ``~/.pgpass``.
    """
    check_login(login)
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first()
    if exists is None:
        conn.exec_driver_sql(f"CREATE ROLE {login} LOGIN")
    # An administrator makes logins and grants roles (CREATEROLE is not inherited).
    conn.exec_driver_sql(f"ALTER ROLE {login} {'' if group == 'ad_admin' else 'NO'}CREATEROLE")
    for other in GROUPS:
        if other != group:
            conn.exec_driver_sql(f"REVOKE {other} FROM {login}")
    conn.exec_driver_sql(f"GRANT {group} TO {login}")
    conn.execute(text("DELETE FROM team_logins WHERE login = :l"), {"l": login})
    if csm_id is not None:
        kind = "tl" if group == "ad_tl" else "csm"
        conn.execute(
            text("INSERT INTO team_logins (login, csm_id, kind) VALUES (:l, :c, :k)"),
            {"l": login, "c": csm_id, "k": kind},
        )
    return exists is None


def current_groups(conn: Connection) -> list[str]:
    """The Account Desk groups the connected role belongs to (empty off PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return []
    rows = conn.execute(
        text(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(CAST(:gs AS text[])) "
            "AND pg_has_role(current_user, oid, 'MEMBER')"
        ),
        {"gs": list(GROUPS)},
    )
    found = {str(r[0]) for r in rows}
    return [g for g in GROUPS if g in found]
