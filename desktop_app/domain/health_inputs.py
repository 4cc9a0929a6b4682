"""Raw health measures of the whole book at any date, from imported history (numpy only).

``HistoryInputs`` holds the book's history as flat arrays (usage months as an ``(n, T)``
matrix, tickets / NPS responses / contacts / billing states as parallel arrays with an
account row index). ``measures_at`` derives every raw measure at day ``t`` using only what
was known then: usage months that had started, tickets opened by ``t`` and still open at
``t``, NPS answered by ``t``, billing states dated by ``t``. Signals that exist only as the
current state (contacts' last reply, who a ticket is waiting on, the renewal date) are used
only within ``CURRENT_WINDOW_DAYS`` of the day the data was observed; earlier they are
missing (NaN) rather than guessed. Days are float day numbers since 1970-01-01.

A source the book never imported (``HistoryInputs.sources``) is missing, never zero: without a
ticket export the support measures are NaN (not "no tickets"), without contacts nobody lacks a
main POC, and without reply dates nobody is unresponsive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from desktop_app.domain.arrays import BoolArray, FloatArray, IntArray, ObjArray
from desktop_app.domain.churn import organic_contraction
from desktop_app.domain.health import MeasureInputs
from desktop_app.domain.scorecard import Scorecard
from desktop_app.domain.sources import ALL_SOURCES, SOURCE_LABELS

CURRENT_WINDOW_DAYS = 31.0
STALE_USAGE_MONTHS = 2
WAITING_NONE, WAITING_US, WAITING_CUSTOMER = 0, 1, 2
DAYS_PER_MONTH = 365.25 / 12
TERM_DAYS = 365.0

_EMPTY_F = np.empty(0, dtype=np.float64)
_EMPTY_I = np.empty(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class HistoryInputs:
    """Everything scoring reads, as arrays (row index ``i`` = ``account_id[i]``)."""

    account_id: IntArray
    month_day: FloatArray  # (T,) first day of each usage month
    mau: FloatArray  # (n, T), NaN = no data
    seats: FloatArray  # (n, T), NaN = no data
    contracted_seats: FloatArray  # (n,)
    renewal_day: FloatArray  # (n,)
    churn_day: FloatArray  # (n,) NaN = not churned
    start_day: FloatArray  # (n,) NaN = unknown (assume it existed)
    t_acc: IntArray
    t_open: FloatArray
    t_close: FloatArray  # inf while open
    t_esc: BoolArray
    t_waiting: npt.NDArray[np.int8]
    t_updated: FloatArray
    n_acc: IntArray
    n_day: FloatArray
    n_score: FloatArray
    c_acc: IntArray
    c_reply: FloatArray
    c_main: BoolArray
    c_status: npt.NDArray[np.str_]  # lower case
    b_acc: IntArray
    b_day: FloatArray
    b_dpd: FloatArray
    observed_day: float
    # Subscriptions (one row each): MRR, tenure and term end at any day.
    s_acc: IntArray = field(default_factory=lambda: _EMPTY_I)
    s_start: FloatArray = field(default_factory=lambda: _EMPTY_F)
    s_end: FloatArray = field(default_factory=lambda: _EMPTY_F)  # NaN while live
    s_mrr: FloatArray = field(default_factory=lambda: _EMPTY_F)
    s_period_end: FloatArray = field(default_factory=lambda: _EMPTY_F)
    mrr_now: FloatArray | None = None  # (n,) the accounts' MRR column (current state)
    t_key: ObjArray | None = None  # ticket keys, for band reasons
    c_name: ObjArray | None = None  # contact names, for band reasons
    sources: frozenset[str] = ALL_SOURCES  # sources/fields the book has (``SOURCE_LABELS``)

    def __len__(self) -> int:
        return int(self.account_id.shape[0])

    def not_imported(self) -> tuple[str, ...]:
        """Labels of the sources the scoring could use but the book never imported."""
        return tuple(label for key, label in SOURCE_LABELS.items() if key not in self.sources)


def live_at(h: HistoryInputs, t: float) -> BoolArray:
    """Accounts that existed and had not churned at day ``t``."""
    with np.errstate(invalid="ignore"):
        alive = np.isnan(h.churn_day) | (h.churn_day > t)
        started = np.isnan(h.start_day) | (h.start_day <= t)
    out: BoolArray = alive & started
    return out


def last_valid_index(values: FloatArray) -> IntArray:
    """For each cell, the column of the latest non-NaN value at or before it (-1: none)."""
    cols = np.arange(values.shape[1], dtype=np.int16)[None, :]
    idx = np.where(np.isnan(values), np.int16(-1), cols)
    out: IntArray = np.maximum.accumulate(idx, axis=1).astype(np.int64)
    return out


def _take(values: FloatArray, rows: IntArray, cols: IntArray) -> FloatArray:
    out = np.full(rows.shape[0], np.nan)
    ok = cols >= 0
    out[ok] = values[rows[ok], cols[ok]]
    return out


def usage_measures(
    h: HistoryInputs, t: float, last_idx: IntArray | None = None
) -> dict[str, FloatArray]:
    """Utilisation, MAU trends (3 and 6 months), seat trend and the organic flag at ``t``."""
    n = len(h)
    last_idx = last_valid_index(h.mau) if last_idx is None else last_idx
    known = np.flatnonzero(h.month_day <= t)
    nan = np.full(n, np.nan)
    if known.size == 0 or n == 0:
        return {
            "utilisation": nan,
            "mau_latest": nan,
            "mau_trend_3m": nan,
            "mau_trend_6m": nan,
            "organic": np.zeros(n),
        }
    col = int(known[-1])
    rows = np.arange(n, dtype=np.int64)
    cur = last_idx[:, col]
    cur = np.where(col - cur > STALE_USAGE_MONTHS, -1, cur)
    mau_now = _take(h.mau, rows, cur)
    seats_now = _take(h.seats, rows, cur)
    seats_now = np.where(np.isnan(seats_now), h.contracted_seats, seats_now)
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(seats_now > 0, mau_now / seats_now, np.nan)
    out = {"utilisation": util, "mau_latest": mau_now}
    organic_any = np.zeros(n, dtype=bool)
    for k in (3, 6):
        prev_col = np.where(cur - k >= 0, cur - k, -1)
        prev = np.where(prev_col >= 0, last_idx[rows, np.maximum(prev_col, 0)], -1)
        mau_prev = _take(h.mau, rows, prev)
        seats_prev = _take(h.seats, rows, prev)
        with np.errstate(invalid="ignore", divide="ignore"):
            mau_tr = np.where(mau_prev > 0, mau_now / mau_prev - 1.0, np.nan)
            mau_tr = np.where((mau_prev == 0) & (mau_now == 0), 0.0, mau_tr)
            seat_tr = np.where(seats_prev > 0, seats_now / seats_prev - 1.0, np.nan)
        organic = organic_contraction(mau_tr, seat_tr)
        # An organic decline is scored on usage per seat, not on the raw fall; with no seat
        # left there is no usage per seat, so the raw fall stands.
        denom = 1.0 + np.where(organic, seat_tr, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            adjusted = np.where(denom > 0, (1.0 + mau_tr) / denom - 1.0, mau_tr)
        out[f"mau_trend_{k}m"] = adjusted
        organic_any |= organic
    out["organic"] = organic_any.astype(np.float64)
    return out


def _count(acc: IntArray, mask: BoolArray, n: int) -> FloatArray:
    return np.bincount(acc[mask], minlength=n).astype(np.float64)


def _latest_per_account(
    acc: IntArray,
    day: FloatArray,
    value: FloatArray,
    mask: BoolArray,
    n: int,
    by_day: IntArray | None = None,
) -> FloatArray:
    """Per account, ``value`` of its latest row (by ``day``) among ``mask``; NaN: none.

    ``by_day``: every row's order by (account, day), ``np.lexsort((day, acc))``, computed
    once for many dates (filtering a stable order keeps the order of the subset).
    """
    out = np.full(n, np.nan)
    if by_day is None:
        sel = np.flatnonzero(mask)
        order = sel[np.lexsort((day[sel], acc[sel]))]
    else:
        order = by_day[mask[by_day]]
    if order.size == 0:
        return out
    a = acc[order]
    last = np.ones(a.shape[0], dtype=bool)
    last[:-1] = a[1:] != a[:-1]
    out[a[last]] = value[order[last]]
    return out


def revenue_measures(
    h: HistoryInputs, t: float, prep: Prepared | None = None
) -> dict[str, FloatArray]:
    """MRR, tenure (months since the first subscription) and days to the term end at ``t``.

    The term end is the open renewal's date (current state, so only near the observed day),
    else the next anniversary of the live subscriptions' current period end (of their start
    when the export has no period end): contracts renew on their anniversary.
    """
    n = len(h)
    current = t >= h.observed_day - CURRENT_WINDOW_DAYS
    out: dict[str, FloatArray] = {}
    has_subs = "subscriptions" in h.sources and h.s_acc.size > 0
    with np.errstate(invalid="ignore"):
        live = (h.s_start <= t) & (np.isnan(h.s_end) | (h.s_end > t))
        started = h.s_start <= t
    if has_subs:
        mrr = np.bincount(h.s_acc[live], weights=h.s_mrr[live], minlength=n)
        any_sub = np.bincount(h.s_acc, minlength=n) > 0
        out["mrr"] = np.where(any_sub, mrr, np.nan)
        if prep is None:
            first = np.full(n, np.inf)
            np.minimum.at(first, h.s_acc[started], h.s_start[started])
        else:  # the first start among those started by t is the first start, if by t
            first = np.where(prep.first_start <= t, prep.first_start, np.inf)
        out["tenure_months"] = np.where(np.isinf(first), np.nan, (t - first) / DAYS_PER_MONTH)
        anchor = np.where(np.isnan(h.s_period_end), h.s_start, h.s_period_end)
        left = np.mod(anchor - t, TERM_DAYS)
        left = np.where(left == 0, TERM_DAYS, left)
        ok = live & ~np.isnan(left)
        term = _min_per_account(h, left, ok, prep)
        out["days_to_term_end"] = np.where(np.isinf(term), np.nan, term)
    else:
        out["mrr"] = np.full(n, np.nan)
        out["tenure_months"] = np.full(n, np.nan)
        out["days_to_term_end"] = np.full(n, np.nan)
    if current:
        if h.mrr_now is not None:
            out["mrr"] = np.where(np.isnan(out["mrr"]), h.mrr_now, out["mrr"])
        with np.errstate(invalid="ignore"):
            renewal = np.where(h.renewal_day >= t, h.renewal_day - t, np.nan)
        out["days_to_term_end"] = np.where(np.isnan(renewal), out["days_to_term_end"], renewal)
    return out


def _min_per_account(
    h: HistoryInputs, values: FloatArray, ok: BoolArray, prep: Prepared | None
) -> FloatArray:
    """Per account, the least of ``values`` over its subscriptions where ``ok`` (inf: none)."""
    n = len(h)
    term = np.full(n, np.inf)
    if prep is None:
        np.minimum.at(term, h.s_acc[ok], values[ok])
    elif prep.sub_order.size:  # subscriptions grouped by account: one reduceat, no ufunc.at
        grouped = np.where(ok, values, np.inf)[prep.sub_order]
        term[prep.sub_accounts] = np.minimum.reduceat(grouped, prep.sub_starts)
    return term


def ticket_measures(card: Scorecard, h: HistoryInputs, t: float) -> dict[str, FloatArray]:
    """Ticket counts open at ``t`` (open, escalations, old, waiting on us, auto-closing).

    Without a ticket export every count is NaN (unknown), not 0.
    """
    n = len(h)
    if "tickets" not in h.sources:
        nan = np.full(n, np.nan)
        return dict.fromkeys(("open_tickets", "open_escalations", "old_tickets"), nan)
    open_at = (h.t_open <= t) & (h.t_close > t)
    out = {
        "open_tickets": _count(h.t_acc, open_at, n),
        "open_escalations": _count(h.t_acc, open_at & h.t_esc, n),
        "old_tickets": _count(h.t_acc, open_at & (t - h.t_open > card.params.old_ticket_days), n),
    }
    if t >= h.observed_day - CURRENT_WINDOW_DAYS:
        still_open = np.isinf(h.t_close)
        out["waiting_on_us"] = _count(h.t_acc, still_open & (h.t_waiting == WAITING_US), n)
        closing = (
            still_open
            & (h.t_waiting == WAITING_CUSTOMER)
            & (t - h.t_updated <= card.params.auto_close_days)
        )
        out["auto_closing"] = _count(h.t_acc, closing, n)
    return out


def _escalation_evidence(h: HistoryInputs, t: float) -> tuple[ObjArray, FloatArray]:
    """Per account, the key and opening day of its oldest escalation open at ``t``."""
    n = len(h)
    keys = np.full(n, None, dtype=object)
    opened = np.full(n, np.nan)
    if "tickets" not in h.sources:
        return keys, opened
    sel = np.flatnonzero((h.t_open <= t) & (h.t_close > t) & h.t_esc)
    if sel.size == 0:
        return keys, opened
    order = sel[np.lexsort((-h.t_open[sel], h.t_acc[sel]))]  # newest first per account
    acc = h.t_acc[order]
    opened[acc] = h.t_open[order]  # later writes win: the oldest remains
    if h.t_key is not None:
        keys[acc] = h.t_key[order]
    return keys, opened


def _poc_evidence(h: HistoryInputs, statuses: tuple[str, ...]) -> tuple[ObjArray, ObjArray]:
    """Per account, a main POC's name (one with an unavailable status first) and that status."""
    n = len(h)
    names = np.full(n, None, dtype=object)
    status = np.full(n, None, dtype=object)
    main = np.flatnonzero(h.c_main)
    if main.size == 0:
        return names, status
    bad = np.isin(h.c_status[main], np.array(statuses, dtype=str))
    order = main[np.argsort(bad, kind="stable")]  # unavailable ones written last: they win
    if h.c_name is not None:
        names[h.c_acc[order]] = h.c_name[order]
    flagged = main[bad]
    status[h.c_acc[flagged]] = h.c_status[flagged]
    return names, status


def contact_measures(
    card: Scorecard, h: HistoryInputs, t: float
) -> tuple[dict[str, FloatArray], FloatArray, BoolArray]:
    """Engagement measures, POC days since reply and the POC-unavailable flag at ``t``.

    Without a contacts export nothing is known (no one lacks a main POC); without reply
    dates, days since reply and engaged contacts are NaN and no one is unresponsive.
    """
    n = len(h)
    if t < h.observed_day - CURRENT_WINDOW_DAYS or "contacts" not in h.sources:
        return {}, np.full(n, np.nan), np.zeros(n, dtype=bool)
    main = h.c_main
    has_main = _count(h.c_acc, main, n) > 0
    bad_status = np.isin(h.c_status, np.array(card.bands.unavailable_poc_statuses, dtype=str))
    unavailable = ~has_main | (_count(h.c_acc, main & bad_status, n) > 0)
    if "replies" not in h.sources:
        return {}, np.full(n, np.nan), unavailable
    with np.errstate(invalid="ignore"):
        days = t - h.c_reply
        recent = (days >= 0) & (days < card.params.engaged_window_days)
    engaged = _count(h.c_acc, recent, n)
    poc_days = np.full(n, np.inf)
    np.minimum.at(poc_days, h.c_acc[main], np.where(np.isnan(days[main]), np.inf, days[main]))
    poc_days = np.where(np.isinf(poc_days), np.nan, poc_days)
    return {"poc_days_since_reply": poc_days, "engaged_contacts": engaged}, poc_days, unavailable


@dataclass(frozen=True, eq=False)
class Prepared:
    """What measuring a history at many dates shares (``prepare``), computed once."""

    last_idx: IntArray  # ``last_valid_index(h.mau)``
    nps_by_day: IntArray  # NPS rows by (account, day)
    bill_by_day: IntArray  # billing rows by (account, day)
    first_start: FloatArray  # (n,) each account's first subscription start (inf: none)
    sub_order: IntArray  # subscriptions by account
    sub_accounts: IntArray  # accounts with a subscription, ascending
    sub_starts: IntArray  # where each of them starts in ``sub_order``


def prepare(h: HistoryInputs) -> Prepared:
    """The orders and indexes ``measures_at`` would otherwise rebuild for every date."""
    first = np.full(len(h), np.inf)
    known = ~np.isnan(h.s_start)
    np.minimum.at(first, h.s_acc[known], h.s_start[known])
    order = np.argsort(h.s_acc, kind="stable")
    accounts, starts = np.unique(h.s_acc[order], return_index=True)
    return Prepared(
        last_idx=last_valid_index(h.mau),
        nps_by_day=np.lexsort((h.n_day, h.n_acc)),
        bill_by_day=np.lexsort((h.b_day, h.b_acc)),
        first_start=first,
        sub_order=order,
        sub_accounts=accounts,
        sub_starts=starts,
    )


def measures_at(
    card: Scorecard,
    h: HistoryInputs,
    t: float,
    last_idx: IntArray | None = None,
    *,
    evidence: bool = True,
    prep: Prepared | None = None,
) -> MeasureInputs:
    """Raw measures and band signals at day ``t`` for the accounts live at ``t``.

    ``evidence=False`` skips what only the band reasons need (escalation keys, POC names):
    monthly history and churn observations never word a reason. ``prep`` (``prepare(h)``)
    saves the sorts when measuring the same history at many dates.
    """
    n = len(h)
    if prep is not None:
        last_idx = prep.last_idx
    raw = usage_measures(h, t, last_idx)
    organic = raw.pop("organic") > 0
    raw.update(ticket_measures(card, h, t))
    nps_ok = (h.n_day <= t) & (t - h.n_day <= card.params.nps_max_age_days)
    nps_order = None if prep is None else prep.nps_by_day
    raw["nps_latest"] = _latest_per_account(h.n_acc, h.n_day, h.n_score, nps_ok, n, nps_order)
    bill_ok = (h.b_day <= t) & (t - h.b_day <= 45.0)
    bill_order = None if prep is None else prep.bill_by_day
    dpd = _latest_per_account(h.b_acc, h.b_day, h.b_dpd, bill_ok, n, bill_order)
    raw["days_past_due"] = dpd
    raw["past_due"] = np.where(np.isnan(dpd), np.nan, (dpd > 0).astype(np.float64))
    engagement, poc_days, unavailable = contact_measures(card, h, t)
    raw.update(engagement)
    raw.update(revenue_measures(h, t, prep))
    if t >= h.observed_day - CURRENT_WINDOW_DAYS:
        with np.errstate(invalid="ignore"):
            raw["days_to_renewal"] = np.where(h.renewal_day >= t, h.renewal_day - t, np.nan)
    live = live_at(h, t)
    picked: dict[str, object] = {}
    if evidence:
        esc_key, esc_day = _escalation_evidence(h, t)
        poc_name, poc_status = _poc_evidence(h, card.bands.unavailable_poc_statuses)
        picked = {"esc_key": esc_key[live], "esc_day": esc_day[live],
                  "poc_name": poc_name[live], "poc_status": poc_status[live]}  # fmt: skip
    return MeasureInputs(
        account_id=h.account_id[live],
        raw={k: v[live] for k, v in raw.items()},
        open_escalations=raw["open_escalations"][live],
        poc_days=poc_days[live],
        poc_unavailable=unavailable[live],
        days_past_due=dpd[live],
        organic=organic[live],
        not_imported=h.not_imported(),
        day=t,
        **picked,  # type: ignore[arg-type]
    )
