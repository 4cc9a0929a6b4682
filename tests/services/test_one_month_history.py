"""A book whose history is one month stores no history rows: its history is its scores.

A first import of an account list (no usage before the current month) used to write a
history row per account that repeated its score; the readers now give the current scores
back as one-month histories, and a second month writes every row as before.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, select

from desktop_app.services.health.scoring import history, rescore, rescore_accounts
from desktop_app.store.health_history_reader import book_history, book_months, read_history
from desktop_app.store.schema import Account, HealthHistory, HealthScore, UsageMonth

AS_OF = date(2026, 11, 24)


def _accounts(store, n: int = 6) -> None:
    with store.sessions.begin() as s:
        s.add_all(
            [
                Account(id=i, name=f"A{i}", contracted_seats=10 * i, mrr=100.0 * i,
                        renewal_date=date(2027, 1, i))
                for i in range(1, n + 1)
            ]
        )  # fmt: skip


def _count(store, model) -> int:
    with store.sessions() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _scores(store) -> dict[int, tuple[float | None, str | None, int]]:
    with store.sessions() as s:
        rows = s.execute(select(HealthScore.account_id, HealthScore.score, HealthScore.band,
                                HealthScore.confidence)).all()  # fmt: skip
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_one_month_book_stores_no_rows_and_reads_its_scores_as_history(store) -> None:
    _accounts(store)
    summary = rescore(store, as_of=AS_OF)
    assert summary.accounts_scored == 6
    assert summary.snapshots == 6  # one point per scored account
    assert _count(store, HealthHistory) == 0
    scores = _scores(store)
    assert len(scores) == 6
    with store.engine.connect() as conn:
        assert book_months(conn) == [date(2026, 11, 1)]
        for aid, (score, band, confidence) in scores.items():
            h = read_history(conn, aid)
            assert h is not None
            assert (h.months, h.scores, h.bands, h.confidence) == (
                [date(2026, 11, 1)], [score], [band], [confidence])  # fmt: skip
            assert (h.before, h.after) == ({}, {})
        assert read_history(conn, 999) is None
        book = book_history(conn)
        some = book_history(conn, [2, 4, 999])
    assert book.account_id.tolist() == sorted(scores)
    assert book.months == [date(2026, 11, 1)]
    np.testing.assert_allclose(book.scores[:, 0], [scores[a][0] for a in sorted(scores)], rtol=1e-6)
    assert book.band_names()[:, 0].tolist() == [scores[a][1] for a in sorted(scores)]
    assert some.account_id.tolist() == [2, 4]
    points = history(store, 3).points
    assert points == [(date(2026, 11, 1), scores[3][0], scores[3][1])]


def test_an_edit_of_a_one_month_book_keeps_its_history_the_scores(store) -> None:
    _accounts(store)
    rescore(store, as_of=AS_OF)
    with store.sessions.begin() as s:
        s.get(Account, 2).contracted_seats = 1  # type: ignore[union-attr]
        s.get(Account, 5).churn_date = date(2026, 10, 1)  # type: ignore[union-attr]
    rescore_accounts(store, [2, 5], as_of=AS_OF, history="current")
    assert _count(store, HealthHistory) == 0
    scores = _scores(store)
    assert 5 not in scores  # churned: no score, so no history either
    with store.engine.connect() as conn:
        assert read_history(conn, 5) is None
        h = read_history(conn, 2)
    assert h is not None
    assert h.scores == [scores[2][0]]


def test_a_second_month_writes_every_row_and_one_month_again_drops_them(store) -> None:
    _accounts(store)
    rescore(store, as_of=AS_OF)
    with store.sessions.begin() as s:
        s.add(UsageMonth(account_id=1, month=date(2026, 10, 1), mau=5, licensed_seats=10))
    two = rescore(store, as_of=AS_OF)
    assert _count(store, HealthHistory) == 6  # every account: the book has two months now
    with store.engine.connect() as conn:
        assert book_months(conn) == [date(2026, 10, 1), date(2026, 11, 1)]
        h = read_history(conn, 1)
    assert h is not None
    assert h.months == [date(2026, 10, 1), date(2026, 11, 1)]
    assert two.snapshots >= 7
    with store.sessions.begin() as s:
        s.execute(UsageMonth.__table__.delete())
    rescore(store, as_of=AS_OF)
    assert _count(store, HealthHistory) == 0
    with store.engine.connect() as conn:
        h = read_history(conn, 1)
    assert h is not None
    assert h.months == [date(2026, 11, 1)]
    assert h.scores == [pytest.approx(_scores(store)[1][0])]
