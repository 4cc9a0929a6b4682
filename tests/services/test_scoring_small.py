"""Scoring on a hand-built book: subscription end as churn, resources lookup."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.resources import resource_path
from desktop_app.services.health.scoring import rescore
from desktop_app.services.health.validation import retention
from desktop_app.store.schema import Account, Subscription, UsageMonth


def _book(store) -> None:
    with store.sessions.begin() as s:
        s.add_all(
            [
                Account(id=1, name="Still here", contracted_seats=100, mrr=500.0),
                Account(id=2, name="Last subscription ended", contracted_seats=50, mrr=250.0),
            ]
        )
        s.flush()
        s.add_all(
            [
                Subscription(
                    account_id=1,
                    billing_account_code="a",
                    state="active",
                    mrr=500.0,
                    started_at=date(2024, 1, 1),
                ),
                Subscription(
                    account_id=2,
                    billing_account_code="b",
                    state="expired",
                    mrr=250.0,
                    started_at=date(2024, 1, 1),
                    ended_at=date(2026, 3, 15),
                ),
            ]
        )
        for m in range(1, 11):
            s.add(UsageMonth(account_id=1, month=date(2026, m, 1), mau=60, licensed_seats=100))
            if m < 3:
                s.add(UsageMonth(account_id=2, month=date(2026, m, 1), mau=10, licensed_seats=50))


def test_account_churns_when_its_last_subscription_ends(store):
    _book(store)
    before = rescore(store, as_of=date(2026, 3, 1))
    assert before.accounts_scored == 2
    after = rescore(store, as_of=date(2026, 11, 24))
    assert after.accounts_scored == 1
    f = retention(store, date(2026, 1, 1), date(2026, 6, 1))
    assert (f.n_start, f.n_churned) == (2, 1)
    assert f.net_mrr_retention == pytest.approx(500 / 750)


def test_resource_path_known_and_unknown():
    assert resource_path("scorecard_default.json").name == "scorecard_default.json"
    with pytest.raises(FileNotFoundError):
        resource_path("no_such_file.json")
    with pytest.raises(FileNotFoundError):
        resource_path("../pyproject.toml")
