"""The compact writers keep exactly what the row-by-row ones stored."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import update

from desktop_app.services.health.scoring import monthly_results, rescore, rescore_accounts
from desktop_app.services.health.versions import active_scorecard
from desktop_app.store.book_reader import read_contributions
from desktop_app.store.health_history_reader import read_history
from desktop_app.store.health_history_repo import write_history
from desktop_app.store.health_repo import stored_measures_json, write_scores
from desktop_app.store.history_reader import load_history
from desktop_app.store.schema import Account, HealthScore


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


def test_stored_breakdown_is_the_same_json(demo_store, monthly, today) -> None:
    version_id, months = monthly
    result = months[-1][1]
    reasons = ["why"] * len(result)
    with demo_store.engine.begin() as conn:
        assert write_scores(conn, result, reasons, version_id, today) == len(result) > 100
    with demo_store.engine.connect() as conn:
        for i in range(len(result)):
            text = stored_measures_json(conn, int(result.account_id[i]))
            assert text is not None
            assert json.loads(text) == _reference_measures(result, i)
        contributions = read_contributions(conn)
    assert set(contributions) == set(result.account_id.tolist())
    first = _reference_measures(result, 0)["measures"]
    assert contributions[int(result.account_id[0])] == {
        k: v["contribution"] for k, v in first.items() if v["points"] is not None
    }


def test_contributions_of_every_account_in_measure_order(demo_store, monthly, today) -> None:
    """``read_contributions`` groups the accounts that scored the same measures: every
    account still gets its own scored measures, in the card's order, with its values."""
    version_id, months = monthly
    result = months[-1][1]
    rng = np.random.default_rng(3)
    unscored = rng.random(result.points.shape) < 0.2  # many patterns of unscored measures
    result.points[unscored] = np.nan
    with demo_store.engine.begin() as conn:
        write_scores(conn, result, ["why"] * len(result), version_id, today)
    with demo_store.engine.connect() as conn:
        contributions = read_contributions(conn)
    assert len({tuple(row) for row in unscored.tolist()}) > 50
    for i, aid in enumerate(result.account_id.tolist()):
        want = {
            k: v["contribution"]
            for k, v in _reference_measures(result, i)["measures"].items()
            if v["points"] is not None
        }
        got = contributions[aid]
        assert list(got.items()) == list(want.items()), aid


def test_rows_written_before_the_arrays_keep_their_json(demo_store, today) -> None:
    rescore(demo_store, as_of=today)
    old = json.dumps({"measures": {"nps": {"label": "NPS", "raw": 9, "points": 100.0,
                                           "weight": 10.0, "contribution": 10.0}},
                      "organic": False})  # fmt: skip
    with demo_store.engine.begin() as conn:
        aid = conn.exec_driver_sql("select min(account_id) from health_scores").scalar()
        conn.execute(
            update(HealthScore)
            .where(HealthScore.account_id == aid)
            .values(measures=None, measures_json=old)
        )
    with demo_store.engine.connect() as conn:
        assert stored_measures_json(conn, aid) == old
        assert read_contributions(conn)[aid] == {"nps": 10.0}


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


def _stored_scores(store):
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select account_id, score, band, band_reason, computed_at from health_scores"
        ).all()
    return {r[0]: r for r in rows}


def test_rescoring_some_accounts_matches_the_full_rescore(demo_store, today) -> None:
    rescore(demo_store, as_of=today)
    before = _stored_scores(demo_store)
    some = sorted(before)[::37][:8]
    with demo_store.engine.begin() as conn:  # the edit: these accounts renew in 20 days
        for aid in some:
            conn.execute(
                update(Account)
                .where(Account.id == aid)
                .values(renewal_date=today + timedelta(days=20))
            )
    summary = rescore_accounts(demo_store, some, as_of=today)
    assert summary.accounts_scored == len(some)
    partial = _stored_scores(demo_store)
    untouched = set(before) - set(some)
    assert all(partial[a] == before[a] for a in untouched)  # not even rewritten
    histories = {}
    with demo_store.engine.connect() as conn:
        for aid in some:
            histories[aid] = read_history(conn, aid)
    rescore(demo_store, as_of=today)
    full = _stored_scores(demo_store)
    with demo_store.engine.connect() as conn:
        for aid in some:
            assert partial[aid][1:4] == full[aid][1:4]
            again = read_history(conn, aid)
            assert histories[aid] == again


def test_loading_some_accounts_reads_only_their_rows(demo_store, today) -> None:
    with demo_store.sessions() as session:
        book = load_history(session, today)
        ids = book.account_id[::50].tolist()
        some = load_history(session, today, only=ids)
    assert some.account_id.tolist() == ids
    assert some.mau.shape == (len(ids), book.mau.shape[1])
    rows = np.isin(book.account_id, ids)
    np.testing.assert_array_equal(some.mau, book.mau[rows])
    assert len(some.t_acc) == int(np.isin(book.t_acc, np.flatnonzero(rows)).sum())
    assert len(some.c_acc) == int(np.isin(book.c_acc, np.flatnonzero(rows)).sum())
    assert len(some.t_acc) < len(book.t_acc) / 10


def test_an_edit_rewrites_only_the_current_month(demo_store, today) -> None:
    """The recorded past months stay as they were; the current month follows the edit."""
    rescore(demo_store, as_of=today)
    aid = sorted(_stored_scores(demo_store))[5]
    with demo_store.engine.connect() as conn:
        before = read_history(conn, aid)
    with demo_store.engine.begin() as conn:
        conn.execute(
            update(Account).where(Account.id == aid).values(renewal_date=today + timedelta(days=12))
        )
    rescore_accounts(demo_store, [aid], as_of=today, history="current")
    with demo_store.engine.connect() as conn:
        patched = read_history(conn, aid)
    now = _stored_scores(demo_store)[aid]
    assert patched.months == before.months
    assert patched.scores[:-1] == before.scores[:-1]
    assert patched.bands[:-1] == before.bands[:-1]
    assert patched.before == before.before
    assert patched.scores[-1] == pytest.approx(now[1], rel=1e-6)
    assert patched.bands[-1] == now[2]
    assert patched.scores[-1] != pytest.approx(before.scores[-1], rel=1e-6)
