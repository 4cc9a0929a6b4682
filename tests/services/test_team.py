"""Team view services on the demo book: counts add up, medians, agenda items, data hygiene."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import delete, func, select, update

from desktop_app.domain.team import SEVERITY_RANK, Severity
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.errors import UserError
from desktop_app.services.health.overrides import set_override
from desktop_app.services.team.summary import (
    NOT_SCORED,
    NUMERIC_FIELDS,
    csm_alerts,
    owner_names,
    summary_dict,
    team_median,
    team_summary,
)
from desktop_app.store.schema import (
    Account,
    Contact,
    Csm,
    Opportunity,
    Subscription,
    Ticket,
    UsageMonth,
)


def _by_name(rows):
    return {r.csm: r for r in rows}


def test_counts_add_up_to_the_book(demo_store, today):
    book = load_book(demo_store, today)
    rows = team_summary(demo_store, today)
    active = book.lifecycle != "churned"
    assert [r.csm for r in rows] == owner_names(demo_store)
    assert sum(r.accounts for r in rows) == int(active.sum()) == 270
    assert sum(r.arr for r in rows) == pytest.approx(float(np.nansum(book.arr[active])))
    for r in rows:
        assert sum(r.band_mix.values()) == r.accounts
        assert r.band_mix[NOT_SCORED] == 0  # the demo is scored
        assert r.team_lead in {"Kimberly Ortiz", "Marcus Bell"}
        assert 0 <= r.renewals_30 <= r.renewals_90 <= r.accounts
        assert 0 <= r.renewals_30_arr <= r.renewals_90_arr <= r.arr
        assert r.renewal_rate is not None
        assert 0.0 <= r.renewal_rate <= 1.0
    days = book.days_to_renewal
    with np.errstate(invalid="ignore"):
        soon = active & (days >= 0) & (days <= 30)
    assert sum(r.renewals_30 for r in rows) == int(soon.sum()) > 0
    band_totals = {b: sum(r.band_mix[b] for r in rows) for b in ("Healthy/Stable", "Escalation")}
    assert band_totals["Healthy/Stable"] == int((book.band[active] == "Healthy/Stable").sum())


def test_renewal_rate_counts_closed_renewals_of_the_last_365_days(demo_store, today):
    csm = owner_names(demo_store)[0]
    with demo_store.sessions.begin() as s:
        mine = list(
            s.execute(
                select(Account.id).join(Csm, Csm.id == Account.owner_id).where(Csm.full_name == csm)
            ).scalars()
        )
        s.execute(delete(Opportunity).where(Opportunity.account_id.in_(mine)))
        a, b = mine[0], mine[1]
        for acc, kind, closed, won, days_ago in [
            (a, "renewal", True, True, 0),  # today: counts
            (a, "renewal", True, True, 10),
            (b, "renewal", True, True, 364),  # last day inside the window
            (b, "renewal", True, False, 100),  # the one loss
            (a, "renewal", True, True, 365),  # the window is (today - 365, today]: out
            (a, "renewal", True, False, 400),  # too old
            (b, "renewal", False, False, 5),  # still open
            (b, "upsell", True, True, 5),  # not a renewal
            (a, "renewal", True, True, -3),  # closes in the future: not yet
        ]:
            s.add(
                Opportunity(
                    account_id=acc,
                    name="hand-made",
                    kind=kind,
                    is_closed=closed,
                    is_won=won,
                    close_date=today - timedelta(days=days_ago),
                )
            )
    row = _by_name(team_summary(demo_store, today))[csm]
    assert (row.renewals_won, row.renewals_lost) == (3, 1)
    assert row.renewal_rate == 0.75


def test_support_counts_match_the_tickets(demo_store, today):
    rows = team_summary(demo_store, today)
    with demo_store.sessions() as s:
        esc_accounts = s.execute(
            select(func.count(func.distinct(Ticket.account_id)))
            .join(Account, Account.id == Ticket.account_id)
            .where(Ticket.is_open, Ticket.is_escalation, Account.lifecycle != "churned")
        ).scalar_one()
        cutoff = datetime.combine(today - timedelta(days=4), datetime.min.time())
        closing = s.execute(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.is_open, Ticket.waiting_on == "customer", Ticket.updated_at >= cutoff)
        ).scalar_one()
    assert sum(r.escalated_accounts for r in rows) == esc_accounts > 0
    assert sum(r.auto_closing_tickets for r in rows) == closing > 0
    assert sum(r.unresponsive_pocs for r in rows) > 0


def test_team_median(demo_store, today):
    rows = team_summary(demo_store, today)
    med = team_median(rows)
    assert set(NUMERIC_FIELDS) <= set(med)
    assert med["accounts"] == float(np.median([r.accounts for r in rows]))
    assert med["renewal_rate"] == pytest.approx(float(np.median([r.renewal_rate for r in rows])))
    assert 0.0 <= med["renewal_rate"] <= 1.0
    assert med["band:Healthy/Stable"] == float(
        np.median([r.band_mix["Healthy/Stable"] for r in rows])
    )
    assert team_median([])["accounts"] is None
    assert set(summary_dict(rows[0])) >= {"csm", "band_mix", "renewal_rate", "no_main_poc"}


def _first_account(store, owner_name: str) -> int:
    from desktop_app.store.schema import Csm

    with store.sessions() as s:
        return s.execute(
            select(Account.id)
            .join(Csm, Csm.id == Account.owner_id)
            .where(Csm.full_name == owner_name, Account.lifecycle == "active")
            .order_by(Account.id)
        ).first()[0]


def test_data_gaps_show_in_the_summary_and_the_agenda(demo_store, today):
    csm = team_summary(demo_store, today)[0].csm
    aid = _first_account(demo_store, csm)
    before = _by_name(team_summary(demo_store, today))[csm]
    with demo_store.sessions.begin() as s:
        s.execute(update(Account).where(Account.id == aid).values(renewal_date=None))
        # ... and no subscription term to fall back on
        s.execute(
            update(Subscription)
            .where(Subscription.account_id == aid)
            .values(current_period_ends_at=None)
        )
        s.execute(delete(UsageMonth).where(UsageMonth.account_id == aid))
        s.execute(delete(Contact).where(Contact.account_id == aid, Contact.is_main_poc))
    after = _by_name(team_summary(demo_store, today))[csm]
    assert after.missing_renewal_date == before.missing_renewal_date + 1
    assert after.no_usage_data == before.no_usage_data + 1
    assert after.no_main_poc == before.no_main_poc + 1
    kinds = {a.kind for a in csm_alerts(demo_store, csm, today) if a.account_id == aid}
    assert {"no main POC", "missing renewal date", "no usage data"} <= kinds


def test_overrides_and_renewal_losses_are_counted(demo_store, today):
    csm = team_summary(demo_store, today)[1].csm
    aid = _first_account(demo_store, csm)
    before = _by_name(team_summary(demo_store, today))[csm]
    set_override(
        demo_store, aid, "Healthy/Stable", "Other", None, "Tom", expires_on=today - timedelta(1)
    )
    with demo_store.sessions.begin() as s:
        s.add(
            Opportunity(
                account_id=aid,
                kind="renewal",
                stage="Closed Lost",
                close_date=today - timedelta(days=10),
                is_closed=True,
                is_won=False,
            )
        )
    after = _by_name(team_summary(demo_store, today))[csm]
    assert after.active_overrides == before.active_overrides + 1
    assert after.overrides_to_review == before.overrides_to_review + 1
    assert after.renewals_lost == before.renewals_lost + 1
    assert after.renewal_rate < before.renewal_rate
    review = [a for a in csm_alerts(demo_store, csm, today) if a.kind == "override review"]
    assert [a.account_id for a in review] == [aid]


def test_alerts_sorted_and_scoped(demo_store, today):
    rows = team_summary(demo_store, today)
    for r in rows[:3]:
        alerts = csm_alerts(demo_store, r.csm.upper(), today)
        assert alerts
        ranks = [SEVERITY_RANK[a.severity] for a in alerts]
        assert ranks == sorted(ranks)
        esc = {a.account_id for a in alerts if a.kind == "escalation"}
        assert len(esc) == r.escalated_accounts
        closing = [a for a in alerts if a.kind == "ticket auto-closing"]
        assert len(closing) == r.auto_closing_tickets
        assert all(a.severity is Severity.HIGH for a in alerts if a.kind == "escalation")
    with pytest.raises(UserError, match="no accounts owned"):
        csm_alerts(demo_store, "Nobody Here", today)
