"""The SOP export: the "List of Accounts to Transition" workbook (or CSV) of a transition.

The rows come from a saved transition (its items, each account's plan and the saved
checklist answers) or from account ids and a receiver (a plan and a prefilled checklist per
account). Reading a 2,000-account transition builds some 60k small objects, so the export
runs with the cyclic collector paused (``gc_pause``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from desktop_app.domain.transition import (
    CHECKLIST_QUESTIONS,
    ChecklistItem,
    Scenario,
    build_checklist,
    checklist_answers,
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
from desktop_app.services.gc_pause import gc_paused
from desktop_app.services.transitions.checklist import saved_items
from desktop_app.services.transitions.facts import (
    AccountBasics,
    load_basics,
    load_facts,
    load_main_contacts,
)
from desktop_app.services.transitions.workflow import resolve_assignments
from desktop_app.store.engine import Store
from desktop_app.store.schema import Csm, Transition, TransitionItem

# Re-exported for the UI's export preview (the same columns and highlight as the file).
__all__ = [
    "MISSING_RGB",
    "SHEET_LIST",
    "TRANSITION_COLUMNS",
    "MissingValue",
    "TransitionRow",
    "export_rows",
    "export_transition",
    "missing_fields",
]


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
    """The sheets' rows of a saved transition: its items as plain rows (not the wizard's
    ``TransitionView``), each account's plan, and the saved checklist answers."""
    with store.sessions() as session:
        if session.get(Transition, transition_id) is None:
            raise UserError(f"unknown transition: {transition_id}")
        ti = TransitionItem
        items = session.execute(
            select(ti.account_id, ti.to_csm_id, ti.scenario, ti.scenario_reason,
                   ti.checklist_json)
            .where(ti.transition_id == transition_id)
            .order_by(ti.id)
        ).all()  # fmt: skip
        ids = [it[0] for it in items]
        basics = load_basics(session, ids)
        facts = load_facts(session, ids, full=False, basics=basics)
        names = dict(session.execute(select(Csm.id, Csm.full_name)).all())
    rows: list[TransitionRow] = []
    scen: list[ScenarioRow] = []
    check: list[ChecklistRow] = []
    for aid, to_id, scenario, reason, saved in items:
        b, f = basics[aid], facts[aid]
        rows.append(_row(b, f.main_contact, names.get(to_id) if to_id else None))
        p = plan_for(f, Scenario(scenario) if scenario else None)
        scen.append(
            ScenarioRow(
                b.sf_account_id,
                b.name,
                p.scenario.value,
                p.mode.value,
                p.template_text,
                p.automated,
                reason,
                " ".join(p.reminders + p.warnings),
            )
        )
        answers, done = checklist_answers(saved_items(saved))
        check.append(ChecklistRow(b.sf_account_id, b.name, answers, done))
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
    with gc_paused():  # ~60k short-lived objects at 2,000 accounts; no cycles to collect
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
