"""The SOP export: the "List of Accounts to Transition" workbook (or CSV) of a transition.

The rows come from a saved transition (its items, each account's plan and the saved
checklist answers) or from account ids and a receiver (a plan and a prefilled checklist per
account). A saved transition is read by ``store.transition_reader`` in seven set-based
queries, with each account's plan inputs aggregated in SQL; the rules (``plan_of``) run once
per distinct input. Reading a 2,000-account transition still builds some 30k small objects
(the parsed checklists), so the export runs with the cyclic collector paused (``gc_pause``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.domain.transition import (
    CHECKLIST_QUESTIONS,
    ChecklistItem,
    PlanFacts,
    Scenario,
    build_checklist,
    checklist_answers,
    plan_for,
    plan_of,
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

if TYPE_CHECKING:
    from desktop_app.store.transition_reader import TransitionRead

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
    ``TransitionView``), each account's plan, and the saved checklist answers.

    The store reads the plan inputs aggregated per account (``read_transition``); each
    distinct ``PlanFacts`` and scenario is planned once (about 150 on the 2,000-account
    benchmark book).
    """
    from desktop_app.store.transition_reader import read_transition

    with store.engine.connect() as conn:
        read = read_transition(conn, transition_id)
    if read is None:
        raise UserError(f"unknown transition: {transition_id}")
    rows: list[TransitionRow] = []
    scen: list[ScenarioRow] = []
    check: list[ChecklistRow] = []
    plans: dict[tuple[Any, ...], tuple[str, str, str, bool, str]] = {}
    no_poc: tuple[None, ...] = (None,) * 5
    for aid, to_csm, scenario, reason, saved, sf_id, name, lms_id, recurly, mrr in read.items:
        poc = read.main_contacts.get(aid, no_poc)
        rows.append(
            TransitionRow(sf_id, name, lms_id, recurly, mrr, poc[0], poc[1], poc[2], poc[3], to_csm)
        )
        key = (*_plan_key(read, aid, poc), scenario)  # PlanFacts' fields, then the scenario
        plan = plans.get(key)
        if plan is None:
            p = plan_of(PlanFacts(*key[:-1]), Scenario(scenario) if scenario else None)
            reminders = " ".join(p.reminders + p.warnings)
            plan = plans[key] = (p.scenario.value, p.mode.value, p.template_text, p.automated,
                                 reminders)  # fmt: skip
        scen.append(ScenarioRow(sf_id, name, plan[0], plan[1], plan[2], plan[3], reason, plan[4]))
        answers, done = checklist_answers(saved_items(saved))
        check.append(ChecklistRow(sf_id, name, answers, done))
    return rows, scen, check


def _plan_key(read: TransitionRead, aid: int, poc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``PlanFacts``' fields of one account, in order (a plain tuple: cheap to hash)."""
    opened, escalations, jira = read.open_tickets.get(aid, (0, 0, 0))
    return (
        read.bands.get(aid),
        read.past_due.get(aid, 0),
        aid in read.main_contacts and poc[4] in (None, "active"),
        escalations,
        aid in read.sales_opportunities,
        opened > 0,
        jira > 0,
    )


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
