"""compact health breakdowns (``health_scores.measures``)

Revision ID: 0012_import3
Revises: 0011_history_key
Create Date: 2026-12-06

Breakdowns are now written compact when measures have no data (``store.measure_blob``):
the columns of those measures are left out behind a bit mask. The schema does not change;
the revision marks the new form, so that an older Account Desk, which reads dense rows only,
refuses the database rather than misreading it. Dense rows stay valid (they are rewritten
compact when their score changes). The downgrade writes every compact row back dense.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012_import3"
down_revision = "0011_history_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    import numpy as np

    from desktop_app.store.measure_blob import decode_breakdown

    conn = op.get_bind()
    sets = {
        int(v): len(json.loads(ids))
        for v, ids in conn.execute(
            sa.text("SELECT scorecard_version_id, measure_ids_json FROM health_measure_sets")
        )
    }
    rows = conn.execute(
        sa.text(
            "SELECT account_id, scorecard_version_id, measures FROM health_scores "
            "WHERE measures IS NOT NULL"
        )
    ).all()
    dense = []
    for aid, version, blob in rows:
        m = sets.get(int(version)) if version is not None else None
        if m is None or len(blob) == 32 * m:
            continue
        values = np.ascontiguousarray(decode_breakdown(bytes(blob), m))
        dense.append({"a": aid, "b": values.tobytes()})
    if dense:
        conn.execute(
            sa.text("UPDATE health_scores SET measures = :b WHERE account_id = :a"), dense
        )
