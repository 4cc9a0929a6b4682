"""A deterministic, realistic demo book (seeded): accounts, usage shapes, tickets, NPS...

Every account has a hidden *propensity* (how well it is going) that drives its usage
shape, NPS, tickets, POC responsiveness and billing, so that the health score has real
signal to find; churned accounts left for organic (population decline, acquisition) or
voluntary (dissatisfaction, competitor) reasons, and their history shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, insert

from desktop_app.domain.ids import to_18
from desktop_app.services.demo_vocab import (
    CITY,
    CSMS,
    FIRST,
    KIND,
    LAST,
    NOTE_BODIES,
    PLANS,
    PREFIX,
    TEAM_LEADS,
    TICKET_SUBJECTS,
    TITLES,
)
from desktop_app.services.progress import NullProgress, Progress, check
from desktop_app.store.engine import Store
from desktop_app.store.schema import (
    Account,
    BillingState,
    Contact,
    Csm,
    ImportBatch,
    Note,
    NpsResponse,
    Opportunity,
    Subscription,
    Ticket,
    UsageMonth,
)

MONTHS = 24
DEFAULT_ACCOUNTS = 300


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    churned: int
    csms: int
    usage_rows: int
    tickets: int
    location: str


def _month_starts(today: date, n: int) -> list[date]:
    """The first days of the ``n`` complete months before ``today``'s month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(date(y, m, 1))
    return out[::-1]


def _slug(text: str) -> str:
    return text.lower().replace(" ", "").replace(".", "").replace("'", "")


def _sf_id(rng: np.random.Generator, prefix: str) -> str:
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    body = "".join(chars[i] for i in rng.integers(0, len(chars), 15 - len(prefix)))
    return to_18(prefix + body)


def _insert(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    tbl: Table = table.__table__
    for start in range(0, len(rows), 20000):
        chunk = rows[start : start + 20000]
        if chunk:
            conn.execute(insert(tbl), list(chunk))


def generate_demo(
    store: Store,
    accounts: int = DEFAULT_ACCOUNTS,
    *,
    seed: int = 7,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a demo book into an empty store; raises ``ValueError`` if it holds accounts."""
    progress = progress or NullProgress()
    today = today or date.today()
    if accounts < 1:
        raise ValueError("the demo needs at least one account")
    with store.engine.begin() as conn:
        if conn.execute(Account.__table__.select().limit(1)).first() is not None:
            raise ValueError(f"{store.location} already holds accounts; use a new file")
        gen = _Generator(np.random.default_rng(seed), accounts, today)
        now = datetime.combine(today, datetime.min.time())
        batch_id = conn.execute(
            insert(ImportBatch)
            .values(
                file_name="demo book",
                source_profile="demo",
                rows_total=accounts,
                rows_new=accounts,
                imported_at=now,
                as_of=today,
            )
            .returning(ImportBatch.id)
        ).scalar_one()
        gen.batch_id = int(batch_id)
        steps: list[tuple[str, Any, Any]] = [
            ("CSMs", Csm, gen.csms),
            ("accounts", Account, gen.accounts),
            ("contacts", Contact, gen.contacts),
            ("subscriptions", Subscription, gen.subscriptions),
            ("usage", UsageMonth, gen.usage),
            ("opportunities", Opportunity, gen.opportunities),
            ("tickets", Ticket, gen.tickets),
            ("NPS responses", NpsResponse, gen.nps),
            ("billing", BillingState, gen.billing),
            ("notes", Note, gen.notes),
        ]
        counts: dict[str, int] = {}
        for i, (label, table, make) in enumerate(steps):
            check(progress, i / len(steps), f"Writing {label}…")
            rows = list(make())
            counts[label] = len(rows)
            _insert(conn, table, rows)
        progress.report(1.0, "Demo book written")
    return DemoSummary(
        accounts=accounts,
        churned=int(gen.churned.sum()),
        csms=len(CSMS),
        usage_rows=counts["usage"],
        tickets=counts["tickets"],
        location=store.location,
    )


class _Generator:
    """Builds the demo rows; all randomness from one seeded generator, in a fixed order."""

    def __init__(self, rng: np.random.Generator, n: int, today: date) -> None:
        self.rng = rng
        self.n = n
        self.today = today
        self.batch_id = 0
        self.months = _month_starts(today, MONTHS)
        r = rng
        # Hidden propensity in [0, 1]: 1 = thriving. Drives every signal below.
        self.propensity = np.clip(r.beta(3.2, 1.8, n), 0.02, 0.99)
        shapes = np.array(["steady", "growing", "declining", "seasonal", "organic"])
        p_shape = np.stack(
            [
                np.full(n, 0.30),
                0.10 + 0.35 * self.propensity,
                0.05 + 0.45 * (1 - self.propensity) ** 2,
                np.full(n, 0.12),
                np.full(n, 0.10),
            ],
            axis=1,
        )
        p_shape /= p_shape.sum(axis=1, keepdims=True)
        u = r.random(n)[:, None]
        self.shape = shapes[(u > np.cumsum(p_shape, axis=1)).sum(axis=1)]
        # Churn: organic accounts shrink out; voluntary churners are the unhappy ones.
        churn_p = np.where(self.shape == "organic", 0.30, 0.02 + 0.45 * (1 - self.propensity) ** 3)
        self.churned = r.random(n) < churn_p
        self.churn_type = np.where(
            self.shape == "organic",
            "organic",
            np.where(r.random(n) < 0.85, "voluntary", "involuntary"),
        )
        self.churn_type = np.where(self.churned, self.churn_type, "")
        self.churn_month = np.where(self.churned, r.integers(6, MONTHS, n), MONTHS)
        segment_u = r.random(n)
        self.segment = np.where(
            segment_u < 0.55, "SMB", np.where(segment_u < 0.88, "Mid-Market", "Enterprise")
        )
        base_seats = np.where(
            self.segment == "SMB",
            r.integers(15, 120, n),
            np.where(
                self.segment == "Mid-Market", r.integers(120, 900, n), r.integers(900, 6000, n)
            ),
        )
        self.seats0 = base_seats.astype(np.int64)
        self.owner = r.integers(0, len(CSMS), n)
        self.unresponsive = r.random(n) < 0.08 + 0.35 * (1 - self.propensity) ** 2
        self.past_due_days = np.where(
            r.random(n) < 0.04 + 0.25 * (1 - self.propensity) ** 2, r.integers(8, 120, n), 0
        )
        self.renewal_offset = r.integers(3, 366, n)
        self.plan = r.integers(0, len(PLANS), n)
        self.unit_price = np.round(r.uniform(6.0, 14.0, n), 2)
        self._names = self._make_names()
        self._sf_ids = [_sf_id(r, "001") for _ in range(n)]
        self._mau, self._seat_hist, self._pop_hist = self._make_usage()

    # ------------------------------------------------------------------ helpers
    def _make_names(self) -> list[str]:
        r = self.rng
        seen: dict[str, int] = {}
        out = []
        kinds = r.integers(0, len(KIND), self.n)
        prefixes = r.integers(0, len(PREFIX), self.n)
        cities = r.integers(0, len(CITY), self.n)
        for k, p, c in zip(kinds, prefixes, cities, strict=True):
            name = f"{PREFIX[p]} {KIND[k][0]}"
            if name in seen:
                name = f"{name} of {CITY[c]}"
            if name in seen:
                seen[name] += 1
                name = f"{name} {seen[name]}"
            seen.setdefault(name, 1)
            out.append(name)
        self.industry = [KIND[k][1] for k in kinds]
        return out

    def _make_usage(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r, n = self.rng, self.n
        t = np.arange(MONTHS)[None, :].astype(float)
        base = self.seats0[:, None] * (0.35 + 0.55 * self.propensity[:, None])
        shape = self.shape[:, None]
        growth = np.where(shape == "growing", 1 + 0.025 * t, 1.0)
        decline = np.where(shape == "declining", np.maximum(0.15, 1 - 0.035 * t), 1.0)
        season = np.where(shape == "seasonal", 1 + 0.25 * np.sin(2 * np.pi * t / 12), 1.0)
        organic = np.where(shape == "organic", np.maximum(0.35, 1 - 0.03 * t), 1.0)
        noise = r.normal(1.0, 0.06, (n, MONTHS))
        mau = base * growth * decline * season * organic * noise
        # Voluntary churners fade in the months before they leave.
        months_to_churn = self.churn_month[:, None] - t
        fade = np.where(
            self.churned[:, None] & (self.churn_type[:, None] != "organic"),
            np.clip(0.25 + 0.125 * months_to_churn, 0.25, 1.0),
            1.0,
        )
        mau = mau * fade
        # A few accounts never got going: zero usage.
        zero = r.random(n) < 0.02
        mau[zero] = 0
        seats = np.repeat(self.seats0[:, None], MONTHS, axis=1).astype(float)
        seats = np.where(shape == "organic", np.round(seats * organic), seats)
        pop = np.round(seats * 1.6)
        after = t >= self.churn_month[:, None]
        mau = np.minimum(mau, seats * 0.98)  # more active users than seats is not plausible
        mau = np.where(after, np.nan, np.maximum(0, np.round(mau)))
        seats = np.where(after, np.nan, seats)
        pop = np.where(after, np.nan, pop)
        return mau, seats, pop

    def _dt(self, days_ago: float, hour: int = 10) -> datetime:
        return datetime.combine(self.today, datetime.min.time()) - timedelta(
            days=float(days_ago), hours=-hour
        )

    def churn_date(self, i: int) -> date:
        m = self.months[min(int(self.churn_month[i]), MONTHS - 1)]
        return m - timedelta(days=1) if self.churn_month[i] < MONTHS else self.today

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

    def _live_mrr(self, i: int) -> float:
        return round(float(self.seats0[i]) * float(self.unit_price[i]), 2)

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
                    "sf_contact_id": _sf_id(r, "003"),
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{_slug(last)}@{domain[:24]}.org",
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

    def accounts_codes(self) -> Iterable[str]:
        for i in range(self.n):
            if i % 5 == 0:
                slug = self._names[i].lower().replace(" ", "").replace(".", "")[:20]
                yield f"billing@{slug}.org"
            else:
                yield f"rc-{20000 + i}"

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
            "sf_opportunity_id": _sf_id(self.rng, "006"),
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


def create_demo_store(
    directory: Path, accounts: int = DEFAULT_ACCOUNTS, progress: Progress | None = None
) -> Store:
    """A fresh, scored demo book in ``directory`` (never the user's database).

    Raises ``Cancelled`` (the store is closed, the half-written file left to its temporary
    directory) when ``progress`` asks to stop.
    """
    from desktop_app.services.database import open_database
    from desktop_app.services.progress import Scaled
    from desktop_app.services.scoring import rescore

    outer = progress or NullProgress()
    store = open_database(directory / "demo.db")
    try:
        generate_demo(store, accounts, progress=Scaled(outer, 0.0, 0.6))
        rescore(store, progress=Scaled(outer, 0.6, 1.0))
    except BaseException:
        store.dispose()
        raise
    return store
