"""The keys that let a rescore copy past months: every input of an account's months moves its
key (and no other account's), and an account's months do not depend on other accounts."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date

import numpy as np
import pytest

from desktop_app.domain.churn import day_number
from desktop_app.domain.health import score_book
from desktop_app.domain.health_inputs import CURRENT_WINDOW_DAYS, HistoryInputs, measures_at
from desktop_app.domain.history_keys import (
    PER_ACCOUNT,
    PER_MONTH,
    TABLES,
    account_digests,
    book_seed,
    classified,
    subset,
)
from desktop_app.domain.scorecard import scorecard_from_dict
from desktop_app.resources import resource_path

CARD = scorecard_from_dict(
    json.loads(resource_path("scorecard_default.json").read_text(encoding="utf-8"))
)
N, T = 30, 10


def d(y: int, m: int, day: int = 1) -> float:
    return float(day_number(date(y, m, day)))


def book(seed: int = 3) -> HistoryInputs:
    """A random book of ``N`` accounts, ``T`` months, and a few rows of every table."""
    rng = np.random.default_rng(seed)
    months = np.array([d(2026, m + 1) for m in range(T)])

    def rows(k: int) -> np.ndarray:
        return np.sort(rng.integers(0, N, k)).astype(np.int64)

    def days(k: int) -> np.ndarray:
        return rng.uniform(months[0] - 200, months[-1] + 20, k).round()

    mau = rng.integers(0, 80, (N, T)).astype(float)
    mau[rng.random((N, T)) < 0.1] = np.nan
    t_acc, n_acc, c_acc, b_acc, s_acc = rows(80), rows(60), rows(50), rows(40), rows(45)
    opened = days(80)
    return HistoryInputs(
        account_id=np.arange(100, 100 + N, dtype=np.int64),
        month_day=months,
        mau=mau,
        seats=np.where(rng.random((N, T)) < 0.2, np.nan, 100.0),
        contracted_seats=rng.choice([np.nan, 50.0, 120.0], N),
        renewal_day=np.where(rng.random(N) < 0.5, np.nan, months[-1] + rng.integers(1, 90, N)),
        churn_day=np.where(rng.random(N) < 0.8, np.nan, days(N)),
        start_day=np.where(rng.random(N) < 0.5, np.nan, days(N)),
        t_acc=t_acc,
        t_open=opened,
        t_close=np.where(rng.random(80) < 0.3, np.inf, opened + rng.integers(1, 90, 80)),
        t_esc=rng.random(80) < 0.2,
        t_waiting=rng.integers(0, 3, 80).astype(np.int8),
        t_updated=opened + 5,
        n_acc=n_acc,
        n_day=days(60),
        n_score=rng.integers(0, 11, 60).astype(float),
        c_acc=c_acc,
        c_reply=days(50),
        c_main=rng.random(50) < 0.5,
        c_status=rng.choice(["active", "on leave", "terminated"], 50),
        b_acc=b_acc,
        b_day=days(40),
        b_dpd=rng.integers(0, 40, 40).astype(float),
        observed_day=months[-1] + 20,
        s_acc=s_acc,
        s_start=days(45) - 300,
        s_end=np.where(rng.random(45) < 0.7, np.nan, days(45)),
        s_mrr=rng.uniform(100, 900, 45).round(2),
        s_period_end=np.where(rng.random(45) < 0.5, np.nan, days(45)),
        mrr_now=rng.uniform(0, 900, N).round(2),
    )


def test_every_input_field_is_accounted_for() -> None:
    assert classified() == {f.name for f in fields(HistoryInputs)}


def _changed(h: HistoryInputs, name: str, i: int) -> HistoryInputs:
    values = getattr(h, name).copy()
    if values.ndim == 2:  # one month of the account's usage
        values[i, 3] = 7.0 if np.isnan(values[i, 3]) else values[i, 3] + 1
    elif values.dtype.kind == "U":
        values[i] = values[i] + "x"
    elif values.dtype.kind == "b":
        values[i] = ~values[i]
    elif values.dtype.kind == "f":
        values[i] = 7.0 if np.isnan(values[i]) or np.isinf(values[i]) else values[i] + 1
    else:
        values[i] = (values[i] + 1) % 3
    return replace(h, **{name: values})


def _cases() -> list[tuple[str, int]]:
    out = [(name, 4) for name in (*PER_ACCOUNT, *PER_MONTH)]
    out += [(col, 5) for cols in TABLES.values() for col in cols]
    return out


@pytest.mark.parametrize(("name", "i"), _cases())
def test_a_value_moves_its_accounts_digest_and_no_other(name: str, i: int) -> None:
    h = book()
    before = account_digests(h)
    after = account_digests(_changed(h, name, i))
    account = i
    for acc_name, cols in TABLES.items():
        if name in cols:
            account = int(getattr(h, acc_name)[i])
    assert np.flatnonzero(before != after).tolist() == [account]


def test_the_order_of_an_accounts_rows_moves_its_digest() -> None:
    h = book()
    rows = np.flatnonzero(h.n_acc == h.n_acc[np.argmax(np.bincount(h.n_acc))])
    assert len(rows) >= 2
    a, b = rows[:2]
    score = h.n_score.copy()
    score[[a, b]] = score[[b, a]]
    day = h.n_day.copy()
    day[[a, b]] = day[[b, a]]
    swapped = replace(h, n_score=score, n_day=day)  # the same rows, in another order
    moved = np.flatnonzero(account_digests(h) != account_digests(swapped)).tolist()
    assert moved == [int(h.n_acc[a])]


def test_an_account_scores_alone_as_it_does_in_the_book() -> None:
    h = book()
    rows = np.array([1, 4, 5, 17, 29], dtype=np.int64)
    part = subset(h, rows)
    assert account_digests(part).tolist() == account_digests(h)[rows].tolist()
    for t in [*(m + 27 for m in h.month_day.tolist()), h.observed_day]:
        whole = score_book(CARD, measures_at(CARD, h, t, evidence=False))
        alone = score_book(CARD, measures_at(CARD, part, t, evidence=False))
        pick = np.isin(whole.account_id, part.account_id)
        assert alone.account_id.tolist() == whole.account_id[pick].tolist()
        np.testing.assert_array_equal(alone.score, whole.score[pick])
        np.testing.assert_array_equal(alone.band_code, whole.band_code[pick])
        np.testing.assert_array_equal(alone.contribution, whole.contribution[pick])


def test_the_book_seed_follows_what_every_account_shares() -> None:
    h = book()
    past = [m + 27 for m in h.month_day.tolist()[:-1]]
    seed = book_seed(CARD, 1, h, past)
    assert book_seed(CARD, 1, h, past) == seed
    assert book_seed(CARD, 2, h, past) != seed
    assert book_seed(CARD, 1, h, past[:-1]) != seed
    assert book_seed(CARD, 1, replace(h, sources=frozenset({"usage"})), past) != seed
    other = CARD.with_measure(CARD.measures[0].id, weight=CARD.measures[0].weight + 1)
    assert book_seed(other, 1, h, past) != seed
    # the observed day counts through which months it puts in the current window
    window_edge = past[-1] + CURRENT_WINDOW_DAYS
    assert book_seed(CARD, 1, replace(h, observed_day=window_edge + 1), past) != seed
    same_flags = replace(h, observed_day=h.observed_day + 0.5)
    assert book_seed(CARD, 1, same_flags, past) == seed
