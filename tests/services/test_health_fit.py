"""The scorecard learns from the book's own churn history, on books we did not make.

The books come from ``tests.books.simbook``: an independent simulator whose churn follows
only usage and tenure (or nothing at all), written as real-shaped exports and imported
through the real importer. The truth (who churned when) comes from the simulator, never
from the app.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from desktop_app.domain.churn import auc
from desktop_app.services.database import open_database
from desktop_app.services.health.fit import FitReport, accept_fit, fit_scorecard
from desktop_app.services.health.scoring import rescore
from desktop_app.services.health.versions import list_versions
from desktop_app.services.importing.batch import import_files
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, HealthScore
from tests.books.simbook import ChurnModel, SimBook, write_book

AS_OF = date(2026, 8, 31)
HORIZON = 90


def _imported(tmp: Path, model: ChurnModel, seed: int, n: int = 900) -> tuple[Path, SimBook]:
    book = write_book(tmp / "files", n=n, seed=seed, model=model)
    db = tmp / "book.db"
    store = open_database(db)
    import_files(store, book.files, today=date(2026, 12, 1))
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return db, book


@pytest.fixture(scope="module")
def usage_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimBook]:
    # Tenure matters more here than the default card assumes (it gives tenure 10 %).
    model = ChurnModel(usage=-0.9, tenure=-1.3)
    return _imported(tmp_path_factory.mktemp("usage"), model, seed=11, n=1200)


@pytest.fixture
def usage_store(usage_book: tuple[Path, SimBook], tmp_path: Path) -> Iterator[Store]:
    target = tmp_path / "copy.db"
    shutil.copyfile(usage_book[0], target)
    s = open_database(target)
    yield s
    s.dispose()


def _auc_at(store: Store, book: SimBook, as_of: date) -> float:
    """AUC of the stored scores for churn within HORIZON days of ``as_of`` (simulator truth)."""
    with store.sessions() as s:
        rows = s.execute(
            select(Account.sf_account_id, HealthScore.score).join(
                HealthScore, HealthScore.account_id == Account.id
            )
        ).all()
    churned = book.churned_between(as_of, as_of + timedelta(days=HORIZON))
    score = np.array([np.nan if r[1] is None else r[1] for r in rows])
    y = np.array([r[0][:15] in churned for r in rows])
    assert y.sum() >= 10, "the simulated book must have churn to judge"
    value = auc(-score, y)
    assert value is not None
    return value


def test_fit_finds_usage_and_tenure_and_beats_the_current_card(usage_store, usage_book):
    _db, book = usage_book
    versions = list_versions(usage_store)
    report = fit_scorecard(usage_store, as_of=AUC_DATE)
    assert report.verdict == "better", report.message
    assert report.auc_backtest is not None
    assert report.auc_current is not None
    assert report.auc_backtest > report.auc_current
    lo, hi = report.auc_backtest_ci
    assert lo <= report.auc_backtest <= hi
    # churn depends on usage and tenure only: they carry most of the fitted weight
    w = report.weights
    assert w.get("mau_latest", 0) + w.get("tenure_months", 0) > 50
    assert w.get("utilisation", 0) < 10
    assert report.scorecard is not None
    tenure = next(m for m in report.scorecard.measures if m.id == "tenure_months")
    assert not tenure.invert  # longer tenure, less churn: more points
    # nothing saved until accepted
    assert list_versions(usage_store) == versions
    rescore(usage_store, as_of=AUC_DATE)
    before = _auc_at(usage_store, book, AUC_DATE)
    vid = accept_fit(usage_store, report)
    assert [v.id for v in list_versions(usage_store) if v.is_active] == [vid]
    rescore(usage_store, as_of=AUC_DATE)
    after = _auc_at(usage_store, book, AUC_DATE)
    assert after > before
    assert after >= 0.75


AUC_DATE = AS_OF


def test_default_card_is_better_than_chance_on_an_independent_book(usage_store, usage_book):
    rescore(usage_store, as_of=AS_OF)
    assert _auc_at(usage_store, usage_book[1], AS_OF) > 0.6


def _fit_new_book(tmp: Path, model: ChurnModel, seed: int, n: int) -> tuple[Store, FitReport]:
    db, _book = _imported(tmp, model, seed=seed, n=n)
    store = open_database(db)
    report = fit_scorecard(store, as_of=AS_OF)
    store.dispose()
    return store, report


def test_random_churn_claims_no_win(tmp_path):
    _store, report = _fit_new_book(tmp_path, ChurnModel(random=True, base=-3.4), seed=5, n=700)
    assert report.n_churn_events >= 10
    assert report.verdict != "better", report.message
    assert not report.recommended
    assert "Keep the current scorecard" in report.message


def test_no_churn_gives_no_verdict(tmp_path):
    store, report = _fit_new_book(tmp_path, ChurnModel(random=True, base=-40.0), seed=3, n=200)
    assert report.n_churn_events == 0
    assert report.verdict == "not enough history"
    assert "Not enough churn history" in report.message
    assert report.scorecard is None
    with pytest.raises(Exception, match="no fitted scorecard"):
        accept_fit(store, report)


def test_data_after_the_as_of_date_changes_neither_fit_nor_score(usage_store, tmp_path):
    early = date(2026, 5, 31)
    first = fit_scorecard(usage_store, as_of=early)
    rescore(usage_store, as_of=early)
    with usage_store.sessions() as s:
        scores_before = dict(s.execute(select(HealthScore.account_id, HealthScore.score)).all())
    # A later usage export: months after the as-of date only, for every account.
    lines = ["LMS ID,Account Name,Month,MAU"]
    for i in range(1, 1201):
        lines += [f"LMS{i:06d},Sim Account {i},2026-12,{(i * 7) % 300}",
                  f"LMS{i:06d},Sim Account {i},2027-01,{(i * 11) % 300}"]  # fmt: skip
    later = tmp_path / "later usage.csv"
    later.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_files(usage_store, [later], today=date(2027, 2, 1))
    second = fit_scorecard(usage_store, as_of=early)
    rescore(usage_store, as_of=early)
    with usage_store.sessions() as s:
        scores_after = dict(s.execute(select(HealthScore.account_id, HealthScore.score)).all())
    assert second.weights == first.weights
    assert second.n_observations == first.n_observations
    assert second.auc_backtest == first.auc_backtest
    assert scores_after == scores_before


def test_a_sampled_history_measures_exactly_like_the_whole_book(usage_store):
    from desktop_app.domain.health_inputs import measures_at
    from desktop_app.services.health.observations import subset_history
    from desktop_app.services.health.versions import default_scorecard
    from desktop_app.store.history_reader import load_history

    card = default_scorecard()
    with usage_store.sessions() as s:
        h = load_history(s, AS_OF)
    rows = np.arange(0, len(h), 7, dtype=np.int64)
    part = subset_history(h, rows)
    assert len(part) == rows.shape[0]
    t = float((AS_OF - date(1970, 1, 1)).days)
    whole, sampled = measures_at(card, h, t), measures_at(card, part, t)
    pick = np.isin(whole.account_id, h.account_id[rows])
    np.testing.assert_array_equal(sampled.account_id, whole.account_id[pick])
    assert sampled.raw.keys() == whole.raw.keys()
    for key, values in whole.raw.items():
        np.testing.assert_array_equal(sampled.raw[key], values[pick], err_msg=key)
