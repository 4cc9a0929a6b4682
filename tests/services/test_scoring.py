from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import select, update

from desktop_app.domain.accounts import HealthBand
from desktop_app.services.errors import UserError
from desktop_app.services.health.scoring import (
    activate_version,
    active_overrides,
    clear_override,
    explain,
    history,
    list_versions,
    preview_change,
    rescore,
    restore_override,
    save_version,
    set_override,
)
from desktop_app.services.health.versions import default_scorecard
from desktop_app.services.progress import Cancelled
from desktop_app.store.health_history_reader import read_history
from desktop_app.store.health_history_repo import put_history
from desktop_app.store.schema import (
    Account,
    HealthHistory,
    HealthOverride,
    HealthScore,
    ScorecardVersion,
)
from tests.progress_helpers import RecordingProgress


def _history_months(store):
    """Every month any account's stored history covers."""
    with store.engine.connect() as c:
        blobs = c.execute(select(HealthHistory.months).distinct()).scalars().all()
    days = {int(d) for b in blobs for d in np.frombuffer(b, "<i4")}
    return {date(1970, 1, 1) + timedelta(days=d) for d in days}


def _scores(store):
    with store.sessions() as s:
        return {
            r.account_id: (r.score, r.band, r.scorecard_version_id)
            for r in s.execute(select(HealthScore)).scalars()
        }


def test_rescore_writes_scores_bands_and_version(demo_store, today):
    summary = rescore(demo_store, as_of=today)
    scores = _scores(demo_store)
    assert summary.accounts_scored == len(scores) > 200
    assert sum(summary.band_counts.values()) == len(scores)
    # a plausible mix: every SOP band occurs, healthy is the largest but not everything
    assert all(summary.band_counts[b.value] > 0 for b in HealthBand)
    assert summary.band_counts["Healthy/Stable"] < 0.8 * len(scores)
    versions = list_versions(demo_store)
    active = [v for v in versions if v.is_active]
    assert len(active) == 1
    assert {v for (_s, _b, v) in scores.values()} == {active[0].id}
    assert all(0 <= s <= 100 for (s, _b, _v) in scores.values() if s is not None)
    with demo_store.sessions() as s:
        churned = s.execute(select(Account.id).where(Account.lifecycle == "churned")).scalars()
        assert not set(churned) & set(scores)
    months = len(_history_months(demo_store))
    assert months == 25  # 24 months of history + the current month


def test_rescore_as_of_earlier_uses_only_what_was_known(demo_store, today):
    now = rescore(demo_store, as_of=today)
    past = rescore(demo_store, as_of=today - timedelta(days=300))
    assert past.accounts_scored > now.accounts_scored  # later churners were still customers
    last = max(_history_months(demo_store))
    assert last == (today - timedelta(days=300)).replace(day=1)


def test_rescore_cancel_writes_nothing(demo_store, today):
    before = _scores(demo_store)
    with demo_store.sessions.begin() as s:
        s.execute(update(HealthScore).values(score=1.0))
    with pytest.raises(Cancelled):
        rescore(demo_store, as_of=today, progress=RecordingProgress(cancel_after=2))
    assert all(v[0] == 1.0 for v in _scores(demo_store).values())
    assert before


def test_explain_matches_stored_score(demo_store):
    aid = next(iter(_scores(demo_store)))
    ex = explain(demo_store, aid)
    assert ex is not None
    assert ex.score == pytest.approx(sum(ln.contribution for ln in ex.lines), abs=0.05)
    assert ex.confidence == sum(1 for ln in ex.lines if ln.points is not None)
    with pytest.raises(UserError):
        explain(demo_store, 999_999)


def _measure(points, weight, contribution):
    return {
        "label": "x",
        "raw": 1.0,
        "points": points,
        "weight": weight,
        "contribution": contribution,
    }


def test_explain_names_the_measure_that_lost_most_points(demo_store):
    aid = next(iter(_scores(demo_store)))
    stored = {
        "measures": {
            "usage": _measure(50.0, 40.0, 20.0),  # loses 40 * 50 / 100 = 20 points
            "nps": _measure(90.0, 60.0, 54.0),  # loses 6
            "tickets": _measure(None, 10.0, 0.0),  # no data: loses nothing
        },
        "organic": True,
    }
    with demo_store.sessions.begin() as s:
        s.execute(
            update(HealthScore)
            .where(HealthScore.account_id == aid)
            .values(score=74.0, measures_json=json.dumps(stored))
        )
    ex = explain(demo_store, aid)
    assert ex is not None
    assert [(ln.measure, ln.lost) for ln in ex.lines] == [
        ("usage", 20.0),
        ("nps", 6.0),
        ("tickets", 0.0),
    ]
    assert ex.dragging == "usage"
    assert ex.organic_contraction is True
    # Nothing lost: nothing drags.
    stored["measures"] = {"usage": _measure(100.0, 40.0, 40.0), "nps": _measure(None, 60.0, 0.0)}
    with demo_store.sessions.begin() as s:
        s.execute(
            update(HealthScore)
            .where(HealthScore.account_id == aid)
            .values(measures_json=json.dumps(stored))
        )
    ex = explain(demo_store, aid)
    assert ex is not None
    assert ex.dragging is None


def test_history_trend_and_changes(demo_store):
    aid = next(iter(_scores(demo_store)))
    h = history(demo_store, aid)
    assert len(h.points) >= 20
    assert h.points == sorted(h.points, key=lambda p: p[0])
    assert h.points[-1][1] == pytest.approx(_scores(demo_store)[aid][0])


def _set_last_two_months(store, aid, before, after):
    with store.engine.begin() as conn:
        stored = read_history(conn, aid)
        points = list(zip(stored.months, stored.scores, stored.bands, strict=True))
        for k, (score, _measures) in zip((-2, -1), (before, after), strict=True):
            points[k] = (points[k][0], score, points[k][2])
        put_history(conn, aid, points, contributions=(before[1], after[1]))


@pytest.mark.parametrize(
    ("before", "after", "arrow"),
    [
        (60.0, 62.5, "↑"),  # more than 2 points up
        (60.0, 62.0, "→"),  # exactly 2 points: still flat
        (60.0, 58.0, "→"),
        (60.0, 57.5, "↓"),
    ],
)
def test_history_arrow_has_a_two_point_tolerance(demo_store, before, after, arrow):
    aid = next(iter(_scores(demo_store)))
    _set_last_two_months(demo_store, aid, (before, {}), (after, {}))
    assert history(demo_store, aid).arrow == arrow


def test_history_changes_are_the_biggest_contribution_moves(demo_store):
    aid = next(iter(_scores(demo_store)))
    before = {"usage": 10.0, "nps": 20.0, "tickets": 5.0, "billing": 7.0, "contacts": 3.0}
    after = {"usage": 15.0, "nps": 20.0, "tickets": 2.0, "billing": 6.0, "seats": 1.5}
    _set_last_two_months(demo_store, aid, (60.0, before), (61.0, after))
    h = history(demo_store, aid)
    # Moves: usage +5, contacts -3, tickets -3, seats +1.5, billing -1, nps 0 (dropped).
    # Top three by size; equal sizes in name order.
    assert h.changes == [("usage", 5.0), ("contacts", -3.0), ("tickets", -3.0)]


def test_override_survives_rescore_and_flags_review(demo_store, today):
    scores = _scores(demo_store)
    aid = next(a for a, (_s, b, _v) in scores.items() if b == "Healthy/Stable")
    oid = set_override(
        demo_store,
        aid,
        "Risky/Unstable",
        "Relationship known to CSM",
        "Admin told me they are evaluating a competitor",
        "Holly Grant",
    )
    rescore(demo_store, as_of=today)
    rows = active_overrides(demo_store, today)
    assert [(r.id, r.band, r.computed_band_now, r.needs_review) for r in rows] == [
        (oid, "Risky/Unstable", "Healthy/Stable", False)
    ]
    # the computed band moves across a boundary -> flagged for review
    with demo_store.sessions.begin() as s:
        s.execute(
            update(HealthOverride)
            .where(HealthOverride.id == oid)
            .values(computed_band_at_set="Risky/Unstable")
        )
    summary = rescore(demo_store, as_of=today)
    assert summary.overrides_needing_review == 1
    with demo_store.sessions() as s:
        assert s.get(HealthOverride, oid).needs_review is True


def test_override_expiry_clear_and_restore(demo_store, today):
    aid = next(iter(_scores(demo_store)))
    first = set_override(
        demo_store, aid, "Escalation", "Other", None, "Tom", expires_on=today - timedelta(days=1)
    )
    assert active_overrides(demo_store, today)[0].needs_review  # past its expiry
    second = set_override(demo_store, aid, "Healthy/Stable", "Renewal signed", "", "Tom")
    assert [r.id for r in active_overrides(demo_store, today)] == [second]
    clear_override(demo_store, second, "Tom")
    assert active_overrides(demo_store, today) == []
    restore_override(demo_store, second)
    assert [r.id for r in active_overrides(demo_store, today)] == [second]
    restore_override(demo_store, first)
    assert [r.id for r in active_overrides(demo_store, today)] == [first]
    with pytest.raises(UserError):
        set_override(demo_store, aid, "Fresh Start", "Other", None, "Tom")
    with pytest.raises(UserError):
        set_override(demo_store, aid, "Escalation", " ", None, "Tom")


def test_versions_validate_preview_and_activate(demo_store, today):
    card = default_scorecard()
    with pytest.raises(UserError, match="sum to 100"):
        save_version(demo_store, "broken", card.with_group_weight("usage", 10))
    n, rows = preview_change(demo_store, card)
    assert n == 0
    assert rows == []
    weight = {g.id: g.weight for g in card.groups}
    strict = card.with_group_weight("usage", 0).with_group_weight(
        "nps", weight["nps"] + weight["usage"]
    )
    n, rows = preview_change(demo_store, strict)
    assert n == len(rows) > 0
    assert all(r.old_band != r.new_band for r in rows)
    vid = save_version(demo_store, "NPS heavy", strict, activate=True)
    assert [v.id for v in list_versions(demo_store) if v.is_active] == [vid]
    rescore(demo_store, as_of=today)
    assert {v for (_s, _b, v) in _scores(demo_store).values()} == {vid}
    with demo_store.sessions() as s:
        stored = s.get(ScorecardVersion, vid)
        assert json.loads(stored.definition_json)["groups"][0]["weight"] == 0
    with pytest.raises(UserError):
        activate_version(demo_store, 12345)


def test_first_rescore_creates_default_version(store):
    summary = rescore(store, as_of=date(2026, 1, 1))
    assert summary.accounts_scored == 0
    assert [v.name for v in list_versions(store)] == ["Default scorecard"]
