"""Light Core views of the tables the fast read paths use: names only, no ORM.

``schema.py`` declares the tables through the ORM, and importing it (with ``sqlalchemy.orm``)
costs about a third of a second of CLI start-up. The book reader needs only table and column
names to build dialect-correct SQL, so it uses these ``table()`` clauses instead; values come
back as the driver gives them (the reader converts them). ``tests/store/test_tables.py``
keeps every name here equal to the ORM schema.
"""

from __future__ import annotations

from sqlalchemy import DateTime, column, table

#: In the order ``book_reader.read_accounts`` unpacks them.
_ACCOUNT_COLUMNS = (
    "id sf_account_id name owner_id team_lead segment industry lms_id recurly_code mrr arr "
    "renewal_date lifecycle churn_type contracted_seats"
)
accounts = table("accounts", *(column(name) for name in _ACCOUNT_COLUMNS.split()))
csms = table("csms", column("id"), column("full_name"))
usage = table(
    "usage_monthly",
    column("account_id"),
    column("month"),
    column("mau"),
    column("licensed_seats"),
)
subscriptions = table(
    "subscriptions", column("account_id"), column("current_period_ends_at"), column("ended_at")
)
tickets = table("tickets", column("account_id"), column("is_open"))
health_scores = table(
    "health_scores",
    column("account_id"),
    column("score"),
    column("band"),
    column("band_reason"),
    column("measures"),
    column("measures_json"),
    column("scorecard_version_id"),
)
health_overrides = table(
    "health_overrides", column("id"), column("account_id"), column("band"), column("is_active")
)
health_measure_sets = table(
    "health_measure_sets",
    column("scorecard_version_id"),
    column("measure_ids_json"),
    column("labels_json"),
)
nps_responses = table(
    "nps_responses", column("id"), column("account_id"), column("score"), column("responded_at")
)
billing_states = table("billing_states", column("id"))
contacts = table("contacts", column("id"), column("last_replied"))
import_batches = table(
    "import_batches",
    column("id"),
    column("file_name"),
    column("sha256"),
    column("sheet"),
    column("rows_total"),
    column("imported_at", DateTime),
    column("rolled_back_at"),
)

#: Every light table, for the test that compares them with the ORM schema.
ALL = (
    accounts,
    csms,
    usage,
    subscriptions,
    tickets,
    health_scores,
    health_overrides,
    health_measure_sets,
    nps_responses,
    billing_states,
    contacts,
    import_batches,
)
