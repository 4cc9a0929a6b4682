"""The demo book's hidden population: one propensity per account drives every signal.

``DemoPopulation`` draws, from one seeded generator in a fixed order, each account's
propensity, usage shape, churn, segment, seats, owner and names, and the 24 months of usage
that follow from them. ``demo_rows`` and ``demo_activity`` turn it into table rows;
``demo.generate_demo`` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import numpy as np

from desktop_app.domain.ids import to_18
from desktop_app.services.demo.vocab import CITY, CSMS, KIND, PLANS, PREFIX

MONTHS = 24


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


def slug(text: str) -> str:
    return text.lower().replace(" ", "").replace(".", "").replace("'", "")


def random_sf_id(rng: np.random.Generator, prefix: str) -> str:
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    body = "".join(chars[i] for i in rng.integers(0, len(chars), 15 - len(prefix)))
    return to_18(prefix + body)


class DemoPopulation:
    """The hidden state of every account; all randomness from one seeded generator, in order."""

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
        self._sf_ids = [random_sf_id(r, "001") for _ in range(n)]
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

    def _live_mrr(self, i: int) -> float:
        return round(float(self.seats0[i]) * float(self.unit_price[i]), 2)

    def accounts_codes(self) -> Iterable[str]:
        for i in range(self.n):
            if i % 5 == 0:
                slug = self._names[i].lower().replace(" ", "").replace(".", "")[:20]
                yield f"billing@{slug}.org"
            else:
                yield f"rc-{20000 + i}"
