"""A small hand-made book for the plan and forecast tests (figures computed by hand)."""

from __future__ import annotations

from datetime import date, datetime

from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, Opportunity

TODAY = date(2026, 11, 24)


def small_book(store: Store) -> dict[str, int]:
    """Two CSMs under one TL; renewals of 2026Q4 won, lost and open. Returns name -> id."""
    with store.sessions() as s, s.begin():
        s.add_all(
            [
                Csm(id=1, full_name="Tess Lead", is_team_lead=True),
                Csm(id=2, full_name="Ann Avery", team_lead="Tess Lead"),
                Csm(id=3, full_name="Bob Brand", team_lead="Tess Lead"),
                Csm(id=4, full_name="Cid Cole", team_lead="Tess Lead"),
            ]
        )
        s.flush()
        accounts = [
            # id, name, owner, arr, renewal date, lifecycle
            (1, "A1 Won", 2, 100_000, date(2027, 10, 15), "active"),
            (2, "A2 Commit", 2, 50_000, date(2026, 12, 10), "active"),
            (3, "A3 Likely", 2, 40_000, date(2026, 12, 20), "active"),
            (4, "A4 Risky", 2, 20_000, date(2026, 12, 22), "active"),
            (5, "A5 Lost", 2, 0, None, "churned"),
            (6, "B1 Called lost", 3, 80_000, date(2026, 12, 1), "active"),
            (7, "B2 No opp", 3, 60_000, date(2026, 12, 31), "active"),
            (8, "B3 Next year", 3, 70_000, date(2027, 2, 1), "active"),
        ]
        for aid, name, owner, arr, renewal, life in accounts:
            s.add(
                Account(
                    id=aid,
                    name=name,
                    owner_id=owner,
                    arr=arr,
                    mrr=arr / 12,
                    renewal_date=renewal,
                    lifecycle=life,
                    churn_date=date(2026, 11, 1) if life == "churned" else None,
                    created_at=datetime(2024, 1, 1),
                )
            )
        s.flush()
        opps = [
            # account, amount, close, closed, won
            (1, 100_000, date(2026, 10, 15), True, True),
            (2, 50_000, date(2026, 12, 10), False, False),
            (3, 40_000, date(2026, 12, 20), False, False),
            (4, 20_000, date(2026, 12, 22), False, False),
            (5, 10_000, date(2026, 11, 1), True, False),
            (6, 80_000, date(2026, 12, 1), False, False),
            (1, 90_000, date(2025, 10, 15), True, True),  # last year's: not this quarter
        ]
        for k, (aid, amount, close, closed, won) in enumerate(opps, start=1):
            s.add(
                Opportunity(
                    id=k,
                    account_id=aid,
                    kind="renewal",
                    amount=amount,
                    close_date=close,
                    is_closed=closed,
                    is_won=won,
                )
            )
    return {name: aid for aid, name, *_ in accounts}
