"""An independent churn simulator that writes real-shaped exports (STYLE §11).

Unlike the demo book, nothing here derives every signal from one hidden propensity: each
account has seats, a utilisation, a price per seat and a start date drawn independently, and
its monthly churn hazard depends only on what ``ChurnModel`` names (by default its absolute
usage and its tenure; never on utilisation, NPS or tickets, which are not exported at all).
``write_book`` writes the three files a Recurly shop has: a Salesforce account report, a
Recurly subscriptions export and a long monthly-usage CSV, and returns the truth (churn
dates) so tests can score the app on the next 90 days without asking the app.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
OWNERS = ["Holly Grant", "Omar Reyes", "Mei Tanaka", "Sven Olsen", "Aisha Bello", "Liam Walsh"]


@dataclass(frozen=True)
class ChurnModel:
    """Monthly churn hazard: ``logit = base + usage * z(log MAU) + tenure * z(log months)``.

    ``random=True`` ignores every signal (constant hazard): nothing can predict it.
    """

    base: float = -3.6
    usage: float = -0.9
    tenure: float = -0.8
    mrr: float = 0.0
    random: bool = False


@dataclass
class SimBook:
    files: list[Path]
    export_day: date
    churn_day: dict[str, date | None] = field(default_factory=dict)  # sf 15-char id -> day
    start_day: dict[str, date] = field(default_factory=dict)

    def churned_between(self, start: date, end: date) -> set[str]:
        return {k for k, d in self.churn_day.items() if d is not None and start < d <= end}

    def live_on(self, day: date) -> set[str]:
        return {
            k
            for k, d in self.churn_day.items()
            if self.start_day[k] <= day and (d is None or d > day)
        }


def sf_id(i: int) -> str:
    """A 15-character Salesforce-shaped account id."""
    s = ""
    for _ in range(9):
        i, r = divmod(i, 62)
        s = ALPHABET[r] + s
    return "001Sim" + s


def _month(d: date, k: int) -> date:
    y, m = divmod(d.month - 1 + k, 12)
    return date(d.year + y, m + 1, 1)


def write_book(
    folder: Path,
    n: int = 1400,
    seed: int = 7,
    model: ChurnModel | None = None,
    months: int = 24,
    export_day: date = date(2026, 11, 30),
) -> SimBook:
    """Simulate ``n`` accounts and write accounts, subscriptions and usage files."""
    model = model or ChurnModel()
    rng = np.random.default_rng(seed)
    first_usage = _month(export_day.replace(day=1), -(months - 1))
    seats = np.maximum(3, np.round(rng.lognormal(math.log(40), 0.9, n))).astype(int)
    util = rng.beta(2.2, 2.0, n)
    price = rng.choice([9.0, 12.0, 19.0, 29.0], n)
    start_offset = rng.integers(0, 66 * 30, n)  # started up to 5.5 years before the export
    starts = [export_day - timedelta(days=int(d)) - timedelta(days=20) for d in start_offset]
    drift = rng.normal(0.0, 0.02, n)
    book = SimBook(files=[], export_day=export_day)
    usage_rows: list[list[str]] = []
    sub_rows: list[list[str]] = []
    acc_rows: list[list[str]] = []
    for i in range(n):
        key = sf_id(i + 1)
        start = starts[i]
        book.start_day[key] = start
        level = seats[i] * util[i]
        churn: date | None = None
        month = date(start.year, start.month, 1)
        k = 0
        while month <= export_day.replace(day=1):
            tenure = (month.year - start.year) * 12 + month.month - start.month
            mau = max(0.0, level * math.exp(drift[i] * k + rng.normal(0, 0.18)))
            if month >= first_usage:
                usage_rows.append(
                    [
                        f"LMS{i + 1:06d}",
                        f"Sim Account {i + 1}",
                        month.strftime("%Y-%m"),
                        str(round(mau)),
                    ]
                )
            if tenure >= 1:
                z_u = (math.log(mau + 1) - math.log(18)) / 1.0
                z_t = (math.log(tenure + 1) - math.log(24)) / 0.9
                z_m = (math.log(seats[i] * price[i]) - math.log(700)) / 0.9
                logit = model.base
                if not model.random:
                    logit += model.usage * z_u + model.tenure * z_t + model.mrr * z_m
                if rng.random() < 1.0 / (1.0 + math.exp(-logit)):
                    churn = _month(month, 1) + timedelta(days=int(rng.integers(0, 27)))
                    break
            month = _month(month, 1)
            k += 1
        if churn is not None and churn > export_day:
            churn = None
        book.churn_day[key] = churn
        code = f"acct-{i + 1:06d}"
        if churn is None:
            period_end = date(export_day.year + 1, start.month, min(start.day, 28))
            while period_end - timedelta(days=365) > export_day:
                period_end = period_end.replace(year=period_end.year - 1)
            state, ends, expires = "active", period_end.isoformat(), ""
        else:
            state, ends, expires = "expired", "", f"{churn.isoformat()} 00:00:00 UTC"
        period = ends and f"{ends} 00:00:00 UTC"
        sub_rows.append([f"u{i + 1}", code, "basic", "Basic", state, str(seats[i]),
                         str(int(price[i] * 100)), "USD", f"{start.isoformat()} 09:00:00 UTC",
                         expires, expires, period])  # fmt: skip
        acc_rows.append([OWNERS[i % len(OWNERS)], f"Sim Account {i + 1}", key,
                         "Customer - Direct", f"LMS{i + 1:06d}", code])  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    acc = folder / "Account report.csv"
    _write(
        acc,
        [
            ["Account Owner", "Account Name", "Account ID", "Type", "LMS ID", "Recurly ID"],
            *acc_rows,
        ],
    )
    subs = folder / "subscriptions.csv"
    _write(subs, [["uuid", "account_code", "plan_code", "plan_name", "state", "quantity",
                   "unit_amount_in_cents", "currency", "activated_at", "canceled_at",
                   "expires_at", "current_period_ends_at"], *sub_rows])  # fmt: skip
    usage = folder / "MAU by month.csv"
    _write(usage, [["LMS ID", "Account Name", "Month", "MAU"], *usage_rows])
    book.files = [acc, subs, usage]
    return book


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
