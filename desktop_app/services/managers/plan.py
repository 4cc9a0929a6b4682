"""Renewal plan: targets per CSM and quarter, "% to plan", and forecast roll-ups.

A quarter's renewals are the renewal opportunities closing in it (won, lost or open; the
amount, else the account's ARR), plus active accounts renewing in it without such an
opportunity, plus accounts that churned in it without a lost renewal. Each belongs to the
account's current CSM. "% to plan" is retained (won) ARR against the target, so far and as
projected by the likely-weighted forecast (``domain.forecast``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.domain.forecast import (
    Call,
    Quarter,
    RenewalLine,
    Rollup,
    add_rollups,
    rollup,
    target_dollars,
)
from desktop_app.io.model import ImportFileError
from desktop_app.io.plan_sheet import PROFILE, parse_target, read_plan_sheet
from desktop_app.services.book import load_book
from desktop_app.services.errors import UserError
from desktop_app.services.managers.forecast import band_churn_rates, current_calls, suggest_for
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm, ImportBatch, Opportunity
from desktop_app.store.schema_managers import RenewalTarget


@dataclass(frozen=True)
class Target:
    csm: str
    quarter: str
    kind: str  # arr | grr
    target: float  # dollars, or a fraction for grr

    @property
    def label(self) -> str:
        return f"GRR {100 * self.target:.0f}%" if self.kind == "grr" else f"${self.target:,.0f}"


@dataclass(frozen=True)
class RenewalRow:
    """One renewal of the quarter as the plan view lists it."""

    account_id: int
    account: str
    owner: str
    due: date | None
    arr: float
    outcome: str  # won | lost | open
    band: str | None
    call: Call | None
    suggested: Call
    why: str


@dataclass(frozen=True)
class CsmPlan:
    csm: str
    team_lead: str | None
    target: Target | None
    figures: Rollup


@dataclass(frozen=True)
class PlanReport:
    quarter: Quarter
    as_of: date
    csms: list[CsmPlan]
    leads: dict[str, Rollup]
    team: Rollup
    renewals: list[RenewalRow]


def parse_quarter(text: str) -> Quarter:
    """A quarter from user text; ``UserError`` when it is not one."""
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


# --------------------------------------------------------------------------- targets


def _csm_id(session: Session, name: str) -> int | None:
    hit = session.scalar(select(Csm.id).where(func.lower(Csm.full_name) == name.strip().lower()))
    return None if hit is None else int(hit)


def targets(store: Store, quarter: Quarter | None = None) -> list[Target]:
    """The targets (of one quarter, or all), by CSM name."""
    stmt = select(Csm.full_name, RenewalTarget.quarter, RenewalTarget.kind, RenewalTarget.target)
    stmt = stmt.join(Csm, Csm.id == RenewalTarget.csm_id).order_by(
        RenewalTarget.quarter, Csm.full_name
    )
    if quarter is not None:
        stmt = stmt.where(RenewalTarget.quarter == str(quarter))
    with store.sessions() as session:
        return [Target(n, q, k, float(t)) for n, q, k, t in session.execute(stmt)]


def set_target(
    store: Store,
    csm: str,
    quarter: Quarter,
    kind: str,
    target: float | None,
    *,
    by: str | None = None,
) -> Target | None:
    """Set (or with ``target=None`` clear) a CSM's target; returns the one it replaced.

    Raises ``UserError`` for an unknown CSM, an unknown kind or a negative target.
    """
    if kind not in ("arr", "grr"):
        raise UserError(f"A target is ARR or GRR, not {kind!r}.")
    if target is not None and (target < 0 or (kind == "grr" and target > 1.5)):
        raise UserError(f"Not a plausible {kind.upper()} target: {target}.")
    with store.sessions() as session, session.begin():
        cid = _csm_id(session, csm)
        if cid is None:
            raise UserError(f"There is no CSM named {csm!r}.")
        old = session.scalar(
            select(RenewalTarget).where(
                RenewalTarget.csm_id == cid, RenewalTarget.quarter == str(quarter)
            )
        )
        before = None if old is None else Target(csm, old.quarter, old.kind, float(old.target))
        if old is not None:
            session.delete(old)
            session.flush()
        if target is not None:
            session.add(
                RenewalTarget(
                    csm_id=cid,
                    quarter=str(quarter),
                    kind=kind,
                    target=float(target),
                    set_at=datetime.now().replace(microsecond=0),
                    set_by=by,
                )
            )
        return before


@dataclass(frozen=True)
class PlanImport:
    file: str
    rows: int
    quarters: list[str]
    batch_id: int


def import_plan(store: Store, path: str | Path, sheet: str | None = None) -> PlanImport:
    """Import a plan sheet (CSM, quarter, target) as one batch, or refuse it whole.

    Raises ``UserError`` naming file, sheet, row and column for the first bad cell, an
    unknown CSM, a quarter that is not one or a CSM/quarter given twice; the database is
    unchanged then.
    """
    try:
        plan = read_plan_sheet(path, sheet)
    except ImportFileError as exc:
        raise UserError(str(exc)) from None
    if plan.problems:
        more = f" (and {len(plan.problems) - 1} more)" if len(plan.problems) > 1 else ""
        raise UserError(f"{plan.problems[0]}{more}")
    where = f"{plan.file}, sheet '{plan.sheet}'" if plan.sheet else plan.file
    with store.sessions() as session, session.begin():
        names = {n.lower(): (int(i), n) for i, n in session.execute(select(Csm.id, Csm.full_name))}
        parsed: dict[tuple[int, str], tuple[str, float]] = {}
        for r in plan.rows:
            at = f"{where}, row {r.row}"
            known = names.get(r.csm.strip().lower())
            if known is None:
                raise UserError(f"{at}, column '{plan.columns['csm']}': unknown CSM {r.csm!r}")
            cid, name = known
            try:
                q = str(Quarter.parse(r.quarter))
            except ValueError as exc:
                raise UserError(f"{at}, column '{plan.columns['quarter']}': {exc}") from None
            if (cid, q) in parsed:
                raise UserError(f"{at}: {name} has a second target for {q}")
            parsed[(cid, q)] = (r.kind, r.target)
        now = datetime.now().replace(microsecond=0)
        batch = ImportBatch(
            file_name=str(path),
            sha256=plan.sha256,
            source_profile=PROFILE,
            sheet=plan.sheet,
            rows_total=len(plan.rows),
            rows_new=len(parsed),
            imported_at=now,
        )
        session.add(batch)
        session.flush()
        for (cid, q), (kind, target) in parsed.items():
            old = session.scalar(
                select(RenewalTarget).where(RenewalTarget.csm_id == cid, RenewalTarget.quarter == q)
            )
            if old is not None:
                session.delete(old)
                session.flush()
            session.add(
                RenewalTarget(
                    csm_id=cid,
                    quarter=q,
                    kind=kind,
                    target=target,
                    set_at=now,
                    set_by=f"import of {Path(path).name}",
                    batch_id=batch.id,
                )
            )
        quarters = sorted({q for _c, q in parsed})
        return PlanImport(plan.file, len(parsed), quarters, int(batch.id))


# --------------------------------------------------------------------------- report


def _lines(store: Store, quarter: Quarter, today: date) -> list[RenewalRow]:
    book = load_book(store, today)
    pos = {int(a): i for i, a in enumerate(book.account_id.tolist())}
    band = book.band
    arr = np.nan_to_num(book.arr)
    churned = book.churned
    with store.sessions() as session:
        opps = session.execute(
            select(
                Opportunity.account_id,
                Opportunity.amount,
                Opportunity.close_date,
                Opportunity.is_closed,
                Opportunity.is_won,
            )
            .where(
                Opportunity.kind == "renewal",
                Opportunity.close_date >= quarter.start,
                Opportunity.close_date <= quarter.end,
            )
            .order_by(Opportunity.close_date, Opportunity.id)
        ).all()
        churns = session.execute(
            select(Account.id, Account.churn_date).where(
                Account.churn_date >= quarter.start, Account.churn_date <= quarter.end
            )
        ).all()
        rates = band_churn_rates(session, today)
        calls = current_calls(session)
    found: dict[int, tuple[float, date | None, str]] = {}
    for aid, amount, close, closed, won in opps:
        i = pos.get(int(aid))
        if i is None:
            continue
        outcome = ("won" if won else "lost") if closed else "open"
        value = float(amount) if amount is not None else float(arr[i])
        found[int(aid)] = (value, close, outcome)  # the latest in the quarter wins
    for i in np.flatnonzero(~churned).tolist():
        rd = book.renewal_date[i]
        aid = int(book.account_id[i])
        if aid not in found and not np.isnat(rd) and quarter.contains(rd.astype(object)):
            found[aid] = (float(arr[i]), rd.astype(object), "open")
    for aid, churn_date in churns:
        if int(aid) in pos and found.get(int(aid), (0, None, ""))[2] != "lost":
            found[int(aid)] = (float(arr[pos[int(aid)]]), churn_date, "lost")
    rows = []
    for aid, (value, due, outcome) in found.items():
        i = pos[aid]
        b = None if band[i] is None else str(band[i])
        hint = suggest_for(rates, b, bool(churned[i]))
        rows.append(
            RenewalRow(
                account_id=aid,
                account=str(book.name[i]),
                owner=str(book.owner[i] or ""),
                due=due,
                arr=value,
                outcome=outcome,
                band=b,
                call=calls.get(aid) if outcome == "open" else None,
                suggested=hint.call,
                why=hint.why,
            )
        )
    # Open renewals first (what there is still to do), each group by due date.
    rows.sort(key=lambda r: (r.outcome != "open", r.due or date.max, r.account.lower()))
    return rows


def _leads(store: Store) -> dict[str, str | None]:
    with store.sessions() as session:
        rows = session.execute(select(Csm.full_name, Csm.team_lead)).all()
    return {str(n): tl for n, tl in rows}


def plan_report(store: Store, quarter: Quarter, today: date | None = None) -> PlanReport:
    """Per-CSM, per-TL and team roll-ups of ``quarter``'s renewals against the plan."""
    today = today or date.today()
    rows = _lines(store, quarter, today)
    goals = {t.csm: t for t in targets(store, quarter)}
    leads = _leads(store)
    names = sorted({r.owner for r in rows if r.owner} | set(goals), key=str.lower)
    plans: list[CsmPlan] = []
    for name in names:
        mine = [RenewalLine(r.arr, r.outcome, r.call, r.suggested) for r in rows if r.owner == name]
        base = rollup(mine, None)
        goal = goals.get(name)
        dollars = None if goal is None else target_dollars(goal.kind, goal.target, base.arr_due)
        plans.append(CsmPlan(name, leads.get(name), goal, rollup(mine, dollars)))
    by_lead: dict[str, list[Rollup]] = {}
    for p in plans:
        by_lead.setdefault(p.team_lead or "(no team lead)", []).append(p.figures)
    return PlanReport(
        quarter=quarter,
        as_of=today,
        csms=plans,
        leads={k: add_rollups(v) for k, v in sorted(by_lead.items())},
        team=add_rollups(p.figures for p in plans),
        renewals=rows,
    )


def parse_target_text(text: str) -> tuple[str, float]:
    """A typed target ("95%" GRR or "$120,000" ARR) as (kind, value); ``UserError`` if not."""
    try:
        return parse_target(text, None)
    except ValueError as exc:
        raise UserError(str(exc)) from None
