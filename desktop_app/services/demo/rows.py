"""The demo book's own records: CSMs, accounts, contacts, subscriptions and monthly usage."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np

from desktop_app.services.demo.population import MONTHS, DemoPopulation, random_sf_id, slug
from desktop_app.services.demo.vocab import (
    CSMS,
    FIRST,
    LAST,
    PLANS,
    TEAM_LEADS,
    TITLES,
)


class DemoBookRows(DemoPopulation):
    """Rows of the book itself, drawn from the population (in ``generate_demo``'s order)."""

    # ------------------------------------------------------------------ tables
    def csms(self) -> Iterable[dict[str, Any]]:
        for i, tl in enumerate(TEAM_LEADS):
            yield {
                "id": i + 1,
                "full_name": tl,
                "email": tl.lower().replace(" ", ".") + "@accountdesk.example",
                "team_lead": None,
                "is_team_lead": True,
                "capacity": None,
                "batch_id": self.batch_id,
            }
        for j, (name, tl) in enumerate(CSMS):
            yield {
                "id": len(TEAM_LEADS) + j + 1,
                "full_name": name,
                "email": name.lower().replace(" ", ".") + "@accountdesk.example",
                "team_lead": tl,
                "is_team_lead": False,
                "capacity": 60,
                "batch_id": self.batch_id,
            }

    def accounts(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        codes = list(self.accounts_codes())
        for i in range(self.n):
            churned = bool(self.churned[i])
            seats = self._seat_hist[i][~np.isnan(self._seat_hist[i])]
            cur_seats = int(seats[-1]) if seats.size else int(self.seats0[i])
            mrr = 0.0 if churned else round(cur_seats * float(self.unit_price[i]), 2)
            ctype = str(self.churn_type[i]) or None
            reason = None
            if churned:
                reason = {
                    "organic": ("Population decline", "Acquisition / merger")[
                        int(r.integers(0, 2))
                    ],
                    "voluntary": ("Dissatisfaction", "Competitor", "Product gap")[
                        int(r.integers(0, 3))
                    ],
                    "involuntary": "Payment failure",
                }[str(ctype)]
            yield {
                "id": i + 1,
                "sf_account_id": self._sf_ids[i],
                "lms_id": f"LMS-{10000 + i}",
                "recurly_code": codes[i],
                "name": self._names[i],
                "owner_id": len(TEAM_LEADS) + int(self.owner[i]) + 1,
                "team_lead": CSMS[int(self.owner[i])][1],
                "segment": str(self.segment[i]),
                "account_type": "Customer" if not churned else "Former Customer",
                "industry": self.industry[i],
                "contracted_seats": cur_seats,
                "mrr": mrr,
                "arr": round(mrr * 12, 2),
                "renewal_date": None
                if churned
                else self.today + timedelta(days=int(self.renewal_offset[i])),
                "lifecycle": "churned" if churned else "active",
                "churn_date": self.churn_date(i) if churned else None,
                "churn_type": ctype if churned else None,
                "churn_reason": reason,
                "created_at": self._dt(800),
                "batch_id": self.batch_id,
            }

    def contacts(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        cid = 0
        for i in range(self.n):
            domain = self._names[i].lower().replace(" ", "").replace(".", "").replace("'", "")
            for k in range(int(r.integers(2, 6))):
                cid += 1
                first = FIRST[int(r.integers(0, len(FIRST)))]
                last = LAST[int(r.integers(0, len(LAST)))]
                main = k == 0
                if main and self.unresponsive[i]:
                    days = int(r.integers(95, 400))
                elif main:
                    days = int(r.integers(1, 45 + 120 * (1 - self.propensity[i])))
                else:
                    days = int(r.integers(5, 300))
                status = "active"
                if main and self.unresponsive[i] and r.random() < 0.3:
                    status = ("terminated", "on leave")[int(r.integers(0, 2))]
                yield {
                    "id": cid,
                    "account_id": i + 1,
                    "sf_contact_id": random_sf_id(r, "003"),
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{slug(last)}@{domain[:24]}.org",
                    "phone": f"+1 ({int(r.integers(201, 989))}) 555-{int(r.integers(1000, 9999))}",
                    "title": TITLES[int(r.integers(0, len(TITLES)))],
                    "is_main_poc": main,
                    "last_replied": self.today - timedelta(days=days),
                    "status": status,
                    "batch_id": self.batch_id,
                }

    def subscriptions(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        sid = 0
        acc = list(self.accounts_codes())
        for i in range(self.n):
            code = acc[i]
            plan_code, plan_name = PLANS[int(self.plan[i])]
            start = self.today - timedelta(days=int(r.integers(400, 1400)))
            # An earlier plan that was upgraded (history, not only the current one).
            if r.random() < 0.35:
                sid += 1
                switch = start + timedelta(days=int(r.integers(120, 360)))
                yield self._sub(
                    sid,
                    i,
                    code,
                    "lms-core",
                    "LMS Core",
                    "expired",
                    int(self.seats0[i] * 0.8),
                    start,
                    switch,
                    switch,
                    None,
                )
                start = switch
            sid += 1
            if self.churned[i]:
                end = self.churn_date(i)
                yield self._sub(
                    sid,
                    i,
                    code,
                    plan_code,
                    plan_name,
                    "expired",
                    int(self.seats0[i]),
                    start,
                    end,
                    end,
                    end - timedelta(days=30),
                )
            else:
                renew = self.today + timedelta(days=int(self.renewal_offset[i]))
                seats = self._seat_hist[i][~np.isnan(self._seat_hist[i])]
                qty = int(seats[-1]) if seats.size else int(self.seats0[i])
                yield self._sub(
                    sid, i, code, plan_code, plan_name, "active", qty, start, renew, None, None
                )

    def _sub(
        self,
        sid: int,
        i: int,
        code: str,
        plan: str,
        plan_name: str,
        state: str,
        qty: int,
        start: date,
        period_end: date,
        ended: date | None,
        canceled: date | None,
    ) -> dict[str, Any]:
        unit = float(self.unit_price[i])
        return {
            "id": sid,
            "external_id": f"sub-{sid:08d}",
            "account_id": i + 1,
            "billing_account_code": code,
            "plan_code": plan,
            "plan_name": plan_name,
            "state": state,
            "quantity": qty,
            "unit_amount": unit,
            "mrr": round(qty * unit, 2),
            "started_at": start,
            "current_period_ends_at": period_end,
            "canceled_at": canceled,
            "ended_at": ended,
            "batch_id": self.batch_id,
        }

    def usage(self) -> Iterable[dict[str, Any]]:
        r = self.rng
        mau, seats, pop = self._mau, self._seat_hist, self._pop_hist
        cred = self.plan == 2
        for i in range(self.n):
            for m in range(MONTHS):
                if np.isnan(mau[i, m]):
                    continue
                s = int(seats[i, m])
                active = int(min(s, max(mau[i, m], mau[i, m] * 1.15)))
                inactive = max(0, s - active)
                yield {
                    "account_id": i + 1,
                    "month": self.months[m],
                    "mau": int(mau[i, m]),
                    "active_users": active,
                    "inactive_users": inactive,
                    "terminated_users": int(r.integers(0, 1 + s // 20)),
                    "licensed_seats": s,
                    "population": int(pop[i, m]),
                    "cred_providers_active": int(s * 0.2 * self.propensity[i]) if cred[i] else None,
                    "cred_providers_contracted": int(s * 0.2) if cred[i] else None,
                    "module_usage_pct": round(float(np.clip(mau[i, m] / max(s, 1), 0, 1)), 3),
                    "batch_id": self.batch_id,
                }
