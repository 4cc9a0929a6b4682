"""The renewal worklist: active accounts renewing soon, ranked by a transparent priority.

Snoozes are stored without a schema change, as rows of the ``notes`` table with
``kind = "snooze"``. The note body's first line is machine-readable::

    snooze-until: 2027-01-15

and the lines after it are the reason the user gave. A snoozed account leaves the worklist
until that date (it is back on the date itself). The notes stay in the account's history;
``unsnooze`` deletes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import delete, select

from desktop_app.domain.arrays import IntArray
from desktop_app.domain.book import BookColumns
from desktop_app.domain.priority import (
    DEFAULT_WEIGHTS,
    FactorReason,
    PriorityInputs,
    PriorityWeights,
    factor_reasons,
    next_step,
    priority_scores,
    ranking,
)
from desktop_app.services.book.detail_rows import main_poc_replies, open_escalations
from desktop_app.services.book.nps import latest_nps_array
from desktop_app.services.book.portfolio import load_book
from desktop_app.services.errors import StaleEdit, UserError
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Note, Opportunity

SNOOZE_KIND = "snooze"
SNOOZE_PREFIX = "snooze-until:"
_SNOOZE_LINE = re.compile(r"^snooze-until:\s*(\d{4}-\d{2}-\d{2})\s*$")
OVERDUE_GRACE_DAYS = 30
WINDOW_CHOICES: tuple[int, ...] = (30, 60, 90, 180)


@dataclass(frozen=True)
class WorklistRow:
    """One account on the worklist, with what put it there and what to do next."""

    rank: int
    account_id: int
    name: str
    owner: str
    renewal_date: date | None
    days_to_renewal: int
    arr: float
    band: str
    health: float | None
    nps: float | None
    escalations: int
    upsell: bool
    days_since_reply: int | None
    priority: float
    reasons: tuple[FactorReason, ...]
    next_step: str

    @property
    def why(self) -> str:
        """The reasons in one line: "Open escalation +15 (1 open escalation(s)); ..."."""
        return "; ".join(f"{r.text} +{r.points:.0f}" for r in self.reasons)


@dataclass(frozen=True)
class Worklist:
    """The candidate accounts (in the window, not snoozed) and their priority inputs."""

    book: BookColumns
    index: IntArray
    inputs: PriorityInputs


def worklist(
    store: Store,
    *,
    within_days: int = 90,
    owner: str | None = None,
    weights: PriorityWeights | None = None,
    today: date | None = None,
) -> list[WorklistRow]:
    """Active accounts renewing within ``within_days`` (or up to 30 days overdue), ranked.

    ``owner`` keeps one CSM's accounts (case-insensitive). Snoozed accounts are left out
    until their date. Raises ``UserError`` for a window under 1 day or an unknown owner.
    """
    return rank_rows(
        load_worklist(store, within_days=within_days, owner=owner, today=today), weights
    )


def load_worklist(
    store: Store, *, within_days: int = 90, owner: str | None = None, today: date | None = None
) -> Worklist:
    """Read the candidates and their facts once (re-rank them with :func:`rank_rows`)."""
    if within_days < 1:
        raise UserError(f"The window must be at least one day (got {within_days}).")
    today = today or date.today()
    book = load_book(store, today)
    days = book.days_to_renewal
    with np.errstate(invalid="ignore"):
        keep = (~book.churned) & (days >= -OVERDUE_GRACE_DAYS) & (days <= within_days)
    if owner:
        owners = np.array([str(o or "").casefold() for o in book.owner], dtype=object)
        mine = owners == owner.strip().casefold()
        if not mine.any():
            raise UserError(f"No accounts owned by {owner!r}.")
        keep &= mine
    snoozed = snoozed_until(store, today)
    if snoozed:
        keep &= ~np.isin(book.account_id, np.array(list(snoozed), dtype=np.int64))
    index = np.flatnonzero(keep).astype(np.int64)
    return Worklist(book, index, _inputs(store, book, index, today))


def rank_rows(wl: Worklist, weights: PriorityWeights | None = None) -> list[WorklistRow]:
    """Score and sort the candidates with ``weights`` (cheap: no database access)."""
    weights = weights or DEFAULT_WEIGHTS
    score, contrib = priority_scores(wl.inputs, weights)
    inp, book = wl.inputs, wl.book
    band = book.band  # a computed property: once, not per row
    rows: list[WorklistRow] = []
    for rank, j in enumerate(ranking(score, inp.days_to_renewal).tolist(), start=1):
        i = int(wl.index[j])
        rows.append(
            WorklistRow(
                rank=rank,
                account_id=int(book.account_id[i]),
                name=str(book.name[i] or ""),
                owner=str(book.owner[i] or ""),
                renewal_date=_date_or_none(book.renewal_date[i]),
                days_to_renewal=int(inp.days_to_renewal[j]),
                arr=float(np.nan_to_num(inp.arr[j])),
                band=str(band[i] or ""),
                health=_float_or_none(inp.health[j]),
                nps=_float_or_none(inp.nps[j]),
                escalations=int(inp.escalations[j]),
                upsell=bool(inp.upsell[j]),
                days_since_reply=_int_or_none(inp.days_since_reply[j]),
                priority=round(float(score[j]), 1),
                reasons=tuple(factor_reasons(inp, contrib, j)),
                next_step=next_step(inp, j),
            )
        )
    return rows


def _inputs(store: Store, book: BookColumns, index: IntArray, today: date) -> PriorityInputs:
    ids = book.account_id[index]
    pos = {int(a): k for k, a in enumerate(ids.tolist())}
    upsell = np.zeros(len(ids), dtype=np.bool_)
    with store.sessions() as session:
        esc = open_escalations(session, ids)
        _has_poc, quiet = main_poc_replies(session, ids, today)
        for (aid,) in session.execute(
            select(Opportunity.account_id)
            .where(Opportunity.kind == "upsell", Opportunity.is_closed.is_(False))
            .distinct()
        ):
            if aid in pos:
                upsell[pos[aid]] = True
    return PriorityInputs(
        health=book.health_score[index].astype(np.float64),
        arr=book.arr[index].astype(np.float64),
        days_to_renewal=book.days_to_renewal[index],
        escalations=esc,
        nps=latest_nps_array(store, ids),
        days_since_reply=quiet,
        upsell=upsell,
    )


# -- snoozes -------------------------------------------------------------------------------


def snooze_body(until: date, reason: str) -> str:
    """The note body of a snooze: the machine-readable first line, then the reason."""
    return f"{SNOOZE_PREFIX} {until.isoformat()}\n{reason.strip()}"


def parse_snooze(body: str) -> tuple[date, str] | None:
    """``(until, reason)`` from a snooze note body, or None if the first line is not one."""
    first, _, rest = body.partition("\n")
    m = _SNOOZE_LINE.match(first.strip())
    if m is None:
        return None
    try:
        return date.fromisoformat(m.group(1)), rest.strip()
    except ValueError:
        return None


def snooze(
    store: Store,
    account_id: int,
    until: date,
    reason: str,
    author: str | None = None,
    *,
    today: date | None = None,
    expected_snooze: int | Literal["any"] | None = "any",
) -> int:
    """Hide an account from the worklist until ``until``; returns the snooze note's id.

    ``expected_snooze`` is the snooze in force the user saw (None: none). If another client
    has snoozed the account since, ``StaleEdit`` is raised with theirs (until, reason, who,
    when); passing its id re-applies this one on top.
    Raises ``UserError`` without a reason, for a date not after today or an unknown account.
    """
    today = today or date.today()
    if not reason.strip():
        raise UserError("A snooze needs a reason.")
    if until <= today:
        raise UserError(f"Snooze until a later date than today (got {until.isoformat()}).")
    with store.sessions() as session, session.begin():
        if session.get(Account, account_id) is None:
            raise UserError(f"No account with id {account_id}.")
        if expected_snooze != "any":
            _check_snooze(session, account_id, today, expected_snooze)
        note = Note(
            account_id=account_id,
            created_at=datetime.now().replace(microsecond=0),
            author=author,
            kind=SNOOZE_KIND,
            body=snooze_body(until, reason),
        )
        session.add(note)
        session.flush()
        return int(note.id)


def _check_snooze(session: Any, account_id: int, today: date, expected: int | None) -> None:
    rows = session.execute(
        select(Note).where(Note.account_id == account_id, Note.kind == SNOOZE_KIND)
    ).scalars()
    active = [(n, p) for n in rows if (p := parse_snooze(n.body)) is not None and p[0] > today]
    now = max(active, key=lambda np_: (np_[1][0], np_[0].id), default=None)
    if (None if now is None else now[0].id) == expected:
        return
    if now is None:
        what = "not snoozed"
        raise StaleEdit(
            "Someone else took this account's snooze back since you opened it.", None, 0,
            what=what,
        )  # fmt: skip
    note, (until, why) = now
    what = f"snoozed until {until.isoformat()}: {why}"
    raise StaleEdit(
        f"Someone else snoozed this account since you opened it ({what}). "
        "Snooze it again to replace theirs.",
        note.id,
        note.version,
        what=what,
        who=note.author,
        when=note.created_at,
    )


def unsnooze(store: Store, account_id: int, *, note_id: int | None = None) -> int:
    """Delete the account's snooze notes (only ``note_id`` when given); returns how many."""
    stmt = delete(Note).where(Note.account_id == account_id, Note.kind == SNOOZE_KIND)
    if note_id is not None:
        stmt = stmt.where(Note.id == note_id)
    with store.sessions() as session, session.begin():
        return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def snoozed_until(store: Store, today: date) -> dict[int, date]:
    """Accounts snoozed past ``today`` and the date each comes back (the latest snooze)."""
    out: dict[int, date] = {}
    with store.sessions() as session:
        rows = session.execute(select(Note.account_id, Note.body).where(Note.kind == SNOOZE_KIND))
        for aid, body in rows:
            parsed = parse_snooze(body)
            if parsed is not None and parsed[0] > today:
                out[int(aid)] = max(parsed[0], out.get(int(aid), parsed[0]))
    return out


def _date_or_none(value: np.datetime64) -> date | None:
    if np.isnat(value):
        return None
    d = value.astype("datetime64[D]").item()
    return d if isinstance(d, date) else None


def _float_or_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _int_or_none(value: float) -> int | None:
    return None if np.isnan(value) else int(value)
