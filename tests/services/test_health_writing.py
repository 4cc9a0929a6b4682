"""The compact writers keep exactly what the row-by-row ones stored."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from desktop_app.services.health_history import read_history, write_history
from desktop_app.services.health_loading import load_history
from desktop_app.services.health_versions import active_scorecard
from desktop_app.services.health_writing import measures_json
from desktop_app.services.scoring import monthly_results, rescore


def _reference_measures(result, i):
    """The breakdown as the row-by-row writer built it (dicts, then ``json.dumps``)."""
    raw = np.round(result.raw, 4).tolist()
    pts = np.round(result.points, 2).tolist()
    w = np.round(result.weight, 3).tolist()
    con = np.round(result.contribution, 3).tolist()

    def num(v):
        return None if v != v else v

    measures = {
        mid: {
            "label": result.measure_labels[j],
            "raw": num(raw[i][j]),
            "points": num(pts[i][j]),
            "weight": w[i][j],
            "contribution": con[i][j],
        }
        for j, mid in enumerate(result.measure_ids)
    }
    return {"measures": measures, "organic": bool(result.organic[i])}


@pytest.fixture
def monthly(demo_store, today):
    with demo_store.sessions() as session:
        version_id, card = active_scorecard(session)
        h = load_history(session, today)
    return version_id, monthly_results(card, h, today)


def test_measures_json_is_the_same_json(monthly) -> None:
    _vid, months = monthly
    result = months[-1][1]
    texts = measures_json(result)
    assert len(texts) == len(result) > 100
    for i in range(len(result)):
        assert json.loads(texts[i]) == _reference_measures(result, i)


def test_history_round_trip_keeps_every_scored_month(demo_store, monthly) -> None:
    version_id, months = monthly
    with demo_store.engine.begin() as conn:
        written = write_history(conn, months, version_id)
    assert written == sum(len(r) for _m, r in months)
    every = np.unique(np.concatenate([r.account_id for _m, r in months]))
    # some accounts were customers for part of the history only
    partial = [a for a in every if any(r.index_of(int(a)) is None for _m, r in months)]
    assert partial
    with demo_store.engine.connect() as conn:
        for aid in [*every[:20].tolist(), *partial[:20]]:
            stored = read_history(conn, int(aid))
            assert stored is not None
            expected = [
                (m, r.score[i], r.band[i], int(r.confidence[i]))
                for m, r in months
                if (i := r.index_of(int(aid))) is not None
            ]
            assert stored.months == [e[0] for e in expected]
            assert stored.bands == [e[2] for e in expected]
            assert stored.confidence == [e[3] for e in expected]
            got = np.array([np.nan if s is None else s for s in stored.scores])
            np.testing.assert_allclose(got, [e[1] for e in expected], rtol=1e-6)
            last = months[-1][1].index_of(int(aid))
            if last is not None and len(expected) >= 2:
                con = np.round(months[-1][1].contribution[last], 2)
                assert stored.after == pytest.approx(
                    dict(zip(months[-1][1].measure_ids, con.tolist(), strict=True)), abs=1e-4
                )


def test_rescore_twice_replaces_the_history(demo_store, today) -> None:
    first = rescore(demo_store, as_of=today)
    again = rescore(demo_store, as_of=date(today.year, today.month, 1))
    assert again.snapshots <= first.snapshots
    with demo_store.engine.connect() as conn:
        n = conn.exec_driver_sql("select count(*) from health_history").scalar()
    assert 0 < n <= first.accounts_scored + first.snapshots
