"""Planning a transition: workload per receiver, warnings, spreading, and the export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from desktop_app.domain.arrays import FloatArray
from desktop_app.domain.book import BookColumns
from desktop_app.domain.ids import to_18
from desktop_app.domain.transition import (
    CHECKLIST_QUESTIONS,
    ChecklistItem,
    build_checklist,
    plan_for,
)
from desktop_app.io.exporters.rows import (
    SHEET_LIST,
    TRANSITION_COLUMNS,
    ChecklistRow,
    MissingValue,
    ScenarioRow,
    TransitionRow,
    missing_fields,
)
from desktop_app.io.exporters.xlsx_writer import MISSING_RGB
from desktop_app.services.errors import UserError
from desktop_app.services.portfolio import load_book
from desktop_app.services.transitions import load_transition_in, resolve_assignments
from desktop_app.services.transitions_facts import (
    AccountBasics,
    load_basics,
    load_facts,
    load_main_contacts,
)
from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm

# Re-exported for the UI's export preview (the same columns and highlight as the file).
__all__ = [
    "MISSING_RGB",
    "SHEET_LIST",
    "TRANSITION_COLUMNS",
    "MissingValue",
    "TransitionRow",
    "missing_fields",
]

RENEWAL_WINDOW_DAYS = 60


@dataclass(frozen=True)
class ReceiverLoad:
    """One receiving CSM's book before and after the transition (active accounts)."""

    csm: str
    capacity: int | None
    accounts_before: int
    accounts_after: int
    arr_before: float
    arr_after: float
    bands_before: dict[str, int] = field(default_factory=dict)
    bands_after: dict[str, int] = field(default_factory=dict)
    renewals_before: int = 0
    renewals_after: int = 0

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.accounts_after > self.capacity


def _band_key(band: object) -> str:
    return "Undefined" if band is None else str(band)


def workload_preview(
    store: Store,
    account_ids: Sequence[int],
    assignments: Mapping[int, str] | str,
    capacity: int | None = None,
    today: date | None = None,
) -> list[ReceiverLoad]:
    """Per receiver: accounts, ARR, band mix and renewals within 60 days, before and after.

    ``capacity`` applies to every receiver; ``None`` uses each CSM's own capacity.
    """
    as_of = today or date.today()
    receivers = resolve_assignments(list(account_ids), assignments)
    book = load_book(store, as_of)
    with store.sessions() as session:
        caps = {n.lower(): c for n, c in session.execute(select(Csm.full_name, Csm.capacity))}
    days = book.days_to_renewal
    out = []
    for csm in sorted(set(receivers.values()), key=str.lower):
        mine = {
            int(a)
            for a, o, lc in zip(book.account_id, book.owner, book.lifecycle, strict=True)
            if o is not None and str(o).lower() == csm.lower() and lc == "active"
        }
        moving = {a for a, r in receivers.items() if r == csm}
        after = mine | moving
        out.append(
            _load_of(
                book,
                csm,
                mine,
                after,
                days,
                capacity if capacity is not None else caps.get(csm.lower()),
            )
        )
    return out


def _load_of(
    book: BookColumns,
    csm: str,
    before: set[int],
    after: set[int],
    days: FloatArray,
    capacity: int | None,
) -> ReceiverLoad:
    band = book.band

    def stats(members: set[int]) -> tuple[int, float, dict[str, int], int]:
        wanted = np.fromiter(members, dtype=np.int64, count=len(members))
        mask = np.isin(book.account_id, wanted)
        arr = float(np.nansum(book.arr[mask]))
        bands: dict[str, int] = {}
        for b in band[mask]:
            bands[_band_key(b)] = bands.get(_band_key(b), 0) + 1
        d = days[mask]
        with np.errstate(invalid="ignore"):
            ren = int(np.count_nonzero((d >= 0) & (d <= RENEWAL_WINDOW_DAYS)))
        return int(mask.sum()), arr, bands, ren

    b, a = stats(before), stats(after)
    return ReceiverLoad(csm, capacity, b[0], a[0], b[1], a[1], b[2], a[2], b[3], a[3])


def transition_warnings(
    store: Store,
    account_ids: Sequence[int],
    assignments: Mapping[int, str] | str,
    capacity: int | None = None,
    today: date | None = None,
) -> list[str]:
    """Renewals within 60 days, receivers over capacity, open work left behind."""
    as_of = today or date.today()
    receivers = resolve_assignments(list(account_ids), assignments)
    out: list[str] = []
    with store.sessions() as session:
        basics = load_basics(session, list(receivers))
        facts = load_facts(session, list(basics))
    horizon = as_of + timedelta(days=RENEWAL_WINDOW_DAYS)
    for aid, b in basics.items():
        if b.renewal_date is not None and as_of <= b.renewal_date <= horizon:
            out.append(f"{b.name} renews on {b.renewal_date.isoformat()} (within 60 days).")
        if b.owner and b.owner.lower() == receivers[aid].lower():
            out.append(f"{b.name} is already owned by {b.owner}.")
        f = facts[aid]
        if f.open_tickets or f.open_opportunities:
            out.append(
                f"{b.name}: open work left behind — {len(f.open_tickets)} open ticket(s), "
                f"{len(f.open_opportunities)} open opportunity(ies)."
            )
    for load in workload_preview(store, list(receivers), receivers, capacity, as_of):
        if load.over_capacity:
            out.append(
                f"{load.csm} would have {load.accounts_after} accounts (capacity {load.capacity})."
            )
    return out


def spread(store: Store, account_ids: Sequence[int], receivers: Sequence[str]) -> dict[int, str]:
    """Assign accounts to receivers balancing ARR and account count (largest ARR first)."""
    if not receivers:
        raise UserError("no receiving CSMs given")
    with store.sessions() as session:
        arr = {
            aid: float(v or 0.0)
            for aid, v in session.execute(
                select(Account.id, Account.arr).where(Account.id.in_(list(account_ids)))
            )
        }
    return spread_by_arr(arr, receivers)


def spread_by_arr(arr: Mapping[int, float], receivers: Sequence[str]) -> dict[int, str]:
    """Greedy balance: each account (largest first) to the receiver with the least load."""
    total = sum(arr.values()) or 1.0
    count = max(len(arr), 1)
    load = {r: [0.0, 0] for r in receivers}
    out: dict[int, str] = {}
    for aid in sorted(arr, key=lambda a: (-arr[a], a)):
        best = min(
            receivers, key=lambda r: (load[r][0] / total + load[r][1] / count, receivers.index(r))
        )
        out[aid] = best
        load[best][0] += arr[aid]
        load[best][1] += 1
    return out


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    missing: list[MissingValue]


def _row(b: AccountBasics, poc: object, to_csm: str | None) -> TransitionRow:
    return TransitionRow(
        b.sf_account_id,
        b.name,
        b.lms_id,
        b.recurly_id,
        b.mrr,
        getattr(poc, "first_name", None),
        getattr(poc, "last_name", None),
        getattr(poc, "email", None),
        getattr(poc, "phone", None),
        to_csm,
    )


def _checklist_row(b: AccountBasics, items: tuple[ChecklistItem, ...]) -> ChecklistRow:
    return ChecklistRow(
        b.sf_account_id, b.name, tuple(i.answer for i in items), tuple(i.done for i in items)
    )


def export_rows(
    store: Store,
    target: int | Sequence[int],
    to_csm: Mapping[int, str] | str | None = None,
    today: date | None = None,
) -> tuple[list[TransitionRow], list[ScenarioRow], list[ChecklistRow]]:
    """The three sheets' rows for a saved transition (id) or for accounts and a receiver."""
    if isinstance(target, int):
        return _rows_of_transition(store, target)
    ids = list(dict.fromkeys(int(a) for a in target))
    if to_csm is None:
        raise UserError("no receiving CSM given")
    receivers = resolve_assignments(ids, to_csm)
    as_of = today or date.today()
    with store.sessions() as session:
        basics = load_basics(session, ids)
        unknown = [a for a in ids if a not in basics]
        if unknown:
            raise UserError(f"unknown account id(s): {', '.join(map(str, unknown[:10]))}")
        pocs = load_main_contacts(session, ids)
        facts = load_facts(session, ids)
    rows: list[TransitionRow] = []
    scen: list[ScenarioRow] = []
    check: list[ChecklistRow] = []
    for aid in ids:
        b = basics[aid]
        rows.append(_row(b, pocs.get(aid), receivers[aid]))
        plan = plan_for(facts[aid])
        scen.append(
            ScenarioRow(
                b.sf_account_id,
                b.name,
                plan.scenario.value,
                plan.mode.value,
                plan.template_text,
                plan.automated,
                None,
                " ".join(plan.reminders + plan.warnings),
            )
        )
        check.append(_checklist_row(b, build_checklist(facts[aid], as_of)))
    return rows, scen, check


def _rows_of_transition(
    store: Store, transition_id: int
) -> tuple[list[TransitionRow], list[ScenarioRow], list[ChecklistRow]]:
    with store.sessions() as session:
        view, basics, facts = load_transition_in(session, transition_id)
    rows: list[TransitionRow] = []
    scen: list[ScenarioRow] = []
    check: list[ChecklistRow] = []
    for it in view.items:
        b = basics[it.account_id]
        rows.append(_row(b, facts[it.account_id].main_contact, it.to_csm))
        p = it.plan
        scen.append(
            ScenarioRow(
                b.sf_account_id,
                b.name,
                p.scenario.value,
                p.mode.value,
                p.template_text,
                p.automated,
                it.scenario_reason,
                " ".join(p.reminders + p.warnings),
            )
        )
        check.append(_checklist_row(b, it.checklist))
    return rows, scen, check


def export_transition(
    store: Store,
    target: int | Sequence[int],
    path: str | Path,
    *,
    to_csm: Mapping[int, str] | str | None = None,
    overwrite: bool = False,
    fmt: str | None = None,
    today: date | None = None,
) -> ExportResult:
    """Write the "List of Accounts to Transition" (.xlsx, or .csv) for a transition id or
    for account ids with ``to_csm``; returns the path, row count and missing values.

    Raises ``UserError`` when ``path`` exists and ``overwrite`` is false, or for a bad format.
    """
    target_path = Path(path)
    kind = (fmt or target_path.suffix.lstrip(".") or "xlsx").lower()
    if kind not in ("xlsx", "csv"):
        raise UserError(f"unknown export format: {kind} (use xlsx or csv)")
    from desktop_app.io.output import OutputError, output_target

    try:
        file = output_target(target_path, overwrite=overwrite)
    except OutputError as exc:
        raise UserError(str(exc)) from None
    rows, scen, check = export_rows(store, target, to_csm, today)
    missing = missing_fields(rows)
    try:
        if kind == "csv":
            from desktop_app.io.exporters.transition_csv import write_transition_csv

            write_transition_csv(file, rows)
        else:
            from desktop_app.io.exporters.transition_xlsx import write_transition_xlsx

            questions = [q for _k, _s, q in CHECKLIST_QUESTIONS]
            write_transition_xlsx(file, rows, scen, check, missing, questions)
    except OutputError as exc:
        raise UserError(str(exc)) from None
    return ExportResult(target_path, len(rows), missing)


def accounts_to_transition(
    store: Store, *, from_owner: str | None = None, sf_ids: Sequence[str] = ()
) -> list[int]:
    """Account ids of every active account of ``from_owner`` (by name), or of ``sf_ids``.

    Owner names match case-insensitively; the accounts come in name order. Raises
    ``UserError`` for an unknown owner, an owner without active accounts, a text that is
    not a Salesforce id, or an id that is not in the book.
    """
    with store.sessions() as session:
        if from_owner:
            owner = session.scalar(
                select(Csm.id).where(func.lower(Csm.full_name) == from_owner.lower())
            )
            if owner is None:
                raise UserError(f"unknown owner: {from_owner}")
            ids = session.scalars(
                select(Account.id)
                .where(Account.owner_id == owner, Account.lifecycle == "active")
                .order_by(Account.name)
            ).all()
            if not ids:
                raise UserError(f"{from_owner} owns no active accounts")
            return list(ids)
        out = []
        for sf in sf_ids:
            try:
                key = to_18(sf)
            except ValueError:
                raise UserError(f"not a Salesforce account id: {sf}") from None
            aid = session.scalar(select(Account.id).where(Account.sf_account_id == key))
            if aid is None:
                raise UserError(f"unknown account id: {sf}")
            out.append(aid)
        return out
