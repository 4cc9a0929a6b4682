"""The demo book's activity: opportunities, tickets, NPS responses, billing state and notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np

from desktop_app.services.demo.population import MONTHS, random_sf_id
from desktop_app.services.demo.rows import DemoBookRows
from desktop_app.services.demo.vocab import (
    CSMS,
    NOTE_BODIES,
    TICKET_SUBJECTS,
)


class DemoGenerator(DemoBookRows):
    """Every demo row: the book's records, then its activity (one seeded generator, in order)."""

    def opportunities(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        oid = 0
        for i in range(self.n):
            mrr = self._live_mrr(i)
            # Last year's renewal, closed won (or lost for churners).
            oid += 1
            yield self._opp(
                oid,
                i,
                "renewal",
                "Closed Won",
                mrr * 12,
                self.today - timedelta(days=int(365 - self.renewal_offset[i] % 365)),
                True,
                True,
            )
            if self.churned[i]:
                oid += 1
                yield self._opp(
                    oid, i, "renewal", "Closed Lost", mrr * 12, self.churn_date(i), True, False
                )
                continue
            oid += 1
            stage = "Negotiation" if self.renewal_offset[i] < 60 else "Qualification"
            yield self._opp(
                oid,
                i,
                "renewal",
                stage,
                mrr * 12,
                self.today + timedelta(days=int(self.renewal_offset[i])),
                False,
                False,
            )
            if r.random() < 0.08 + 0.2 * self.propensity[i]:
                oid += 1
                yield self._opp(
                    oid,
                    i,
                    "upsell",
                    ("Discovery", "Proposal")[int(r.integers(0, 2))],
                    round(mrr * 12 * float(r.uniform(0.1, 0.5)), 2),
                    self.today + timedelta(days=int(r.integers(10, 150))),
                    False,
                    False,
                )

    def _opp(
        self,
        oid: int,
        i: int,
        kind: str,
        stage: str,
        amount: float,
        close: date,
        closed: bool,
        won: bool,
    ) -> dict[str, Any]:
        return {
            "id": oid,
            "sf_opportunity_id": random_sf_id(self.rng, "006"),
            "account_id": i + 1,
            "name": f"{self._names[i]} - {kind.title()} {close.year}",
            "kind": kind,
            "stage": stage,
            "amount": round(amount, 2),
            "close_date": close,
            "is_closed": closed,
            "is_won": won,
            "rsm": ("Greg Haines", "Nadia Flores", "Owen Park")[oid % 3],
            "origin": ("CSM referral", "Inbound", "QBR")[oid % 3]
            if kind == "upsell"
            else "Renewal",
            "batch_id": self.batch_id,
        }

    def tickets(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        tid = 0
        for i in range(self.n):
            bad = 1 - self.propensity[i]
            n_hist = int(r.poisson(1 + 4 * bad))
            # Closed tickets fall in the account's lifetime (before churn for churners).
            newest = 30.0
            if self.churned[i]:
                newest = float((self.today - self.churn_date(i)).days) + 5.0
            for _ in range(n_hist):
                tid += 1
                opened_ago = float(r.uniform(min(newest, 700.0), 720.0))
                res = opened_ago - float(r.uniform(1, 25))
                yield self._ticket(
                    tid, i, opened_ago, max(res, 0.5), False, r.random() < 0.25 * bad
                )
            if self.churned[i]:
                continue
            n_open = int(r.poisson(0.3 + 2.5 * bad**2))
            for _ in range(n_open):
                tid += 1
                yield self._ticket(
                    tid, i, float(r.uniform(1, 40)), None, True, r.random() < 0.35 * bad**2
                )

    def _ticket(
        self,
        tid: int,
        i: int,
        opened_ago: float,
        resolved_ago: float | None,
        is_open: bool,
        escalation: bool,
    ) -> dict[str, Any]:
        r = self.rng
        jira = tid % 2 == 0
        waiting = None
        status = "Resolved" if not is_open else "In Progress"
        updated_ago = resolved_ago if resolved_ago is not None else float(r.uniform(0, opened_ago))
        if is_open:
            u = r.random()
            if u < 0.35:
                status, waiting = "Waiting for customer", "customer"
                updated_ago = float(r.uniform(0.5, 4.8))  # auto-closes after 5 days
            elif u < 0.7:
                status, waiting = "Waiting for support", "us"
        subject = TICKET_SUBJECTS[int(r.integers(0, len(TICKET_SUBJECTS)))]
        category = "support"
        if "Integration" in subject or "API" in subject:
            category = "integration"
        elif "Custom" in subject:
            category = "customization"
        elif "Course" in subject:
            category = "course"
        return {
            "id": tid,
            "source": "jira" if jira else "salesforce",
            "key": f"SUP-{1000 + tid}" if jira else f"{500000 + tid:08d}",
            "account_id": i + 1,
            "subject": ("Escalation: " if escalation else "") + subject,
            "category": category,
            "status": status,
            "is_open": is_open,
            "waiting_on": waiting,
            "priority": ("Low", "Medium", "High", "Highest")[int(r.integers(0, 4))]
            if not escalation
            else "Highest",
            "opened_at": self._dt(opened_ago),
            "updated_at": self._dt(updated_ago),
            "resolved_at": None if resolved_ago is None else self._dt(resolved_ago),
            "assignee": ("Mark Ruiz", "Dana Cole", "Sam Patel", None)[tid % 4],
            "reporter": CSMS[int(self.owner[i])][0],
            "is_escalation": bool(escalation),
            "batch_id": self.batch_id,
        }

    def nps(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        rid = 0
        for i in range(self.n):
            last_month = int(self.churn_month[i]) if self.churned[i] else MONTHS
            for m in range(0, last_month, 6):
                if r.random() < 0.4:
                    continue
                rid += 1
                mean = 2 + 8 * self.propensity[i]
                score = int(np.clip(round(r.normal(mean, 1.6)), 0, 10))
                comment = None
                if score <= 6 and r.random() < 0.6:
                    comment = (
                        "Reports are slow",
                        "Support takes too long",
                        "Too expensive",
                        "Hard to use for our staff",
                    )[int(r.integers(0, 4))]
                elif score >= 9 and r.random() < 0.5:
                    comment = (
                        "Great training content",
                        "Our CSM is fantastic",
                        "Compliance audits are easy now",
                    )[int(r.integers(0, 3))]
                yield {
                    "id": rid,
                    "account_id": i + 1,
                    "response_id": f"nps-{rid:07d}",
                    "contact_email": None,
                    "score": score,
                    "comment": comment,
                    "responded_at": self.months[m] + timedelta(days=int(r.integers(0, 27))),
                    "batch_id": self.batch_id,
                }

    def billing(self) -> Iterable[dict[str, Any]]:
        for i in range(self.n):
            if self.churned[i]:
                continue
            days = int(self.past_due_days[i])
            yield {
                "account_id": i + 1,
                "as_of": self.today,
                "state": "past_due" if days > 0 else "current",
                "days_past_due": days,
                "balance_due": round(self._live_mrr(i) * (1 + days // 30), 2) if days else 0.0,
                "batch_id": self.batch_id,
            }

    def notes(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        for i in range(self.n):
            for _ in range(int(r.integers(0, 4))):
                yield {
                    "account_id": i + 1,
                    "created_at": self._dt(float(r.uniform(1, 200))),
                    "author": CSMS[int(self.owner[i])][0],
                    "kind": ("note", "call", "email", "meeting")[int(r.integers(0, 4))],
                    "body": NOTE_BODIES[int(r.integers(0, len(NOTE_BODIES)))],
                    "batch_id": self.batch_id,
                }
