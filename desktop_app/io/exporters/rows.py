"""The rows of the SOP's "List of Accounts to Transition" and their required-value check."""

from __future__ import annotations

from dataclasses import dataclass

#: The SOP's columns, exactly and in order.
TRANSITION_COLUMNS: tuple[str, ...] = (
    "SF Account ID",
    "Account Name",
    "LMS ID",
    "Recurly ID",
    "MRR",
    "Main POC First Name",
    "Last Name",
    "Email Address",
    "Phone Number",
    "New CSM full name",
)
SHEET_LIST = "List of Accounts to Transition"
SHEET_SCENARIOS = "Scenario and Template"
SHEET_CHECKLIST = "Checklist"


@dataclass(frozen=True, slots=True)
class TransitionRow:
    """One account of the list, in column order."""

    sf_account_id: str | None
    account_name: str | None
    lms_id: str | None
    recurly_id: str | None
    mrr: float | None
    poc_first_name: str | None
    poc_last_name: str | None
    poc_email: str | None
    poc_phone: str | None
    new_csm: str | None

    def values(self) -> tuple[str | float | None, ...]:
        return (
            self.sf_account_id,
            self.account_name,
            self.lms_id,
            self.recurly_id,
            self.mrr,
            self.poc_first_name,
            self.poc_last_name,
            self.poc_email,
            self.poc_phone,
            self.new_csm,
        )


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    sf_account_id: str | None
    account_name: str | None
    scenario: str
    mode: str
    templates: str
    automated: bool
    reason: str | None
    reminders: str


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """One account's checklist: answers and ticks in the order of the questions given."""

    sf_account_id: str | None
    account_name: str | None
    answers: tuple[str | None, ...]
    done: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class MissingValue:
    """A required value the list lacks: row index (0-based), account label, column header."""

    row: int
    account: str
    field: str


def missing_fields(rows: list[TransitionRow]) -> list[MissingValue]:
    """Every empty required value of the list, row by row in column order."""
    out = []
    for i, row in enumerate(rows):
        label = (row.account_name or "").strip() or row.sf_account_id or f"row {i + 2}"
        for header, value in zip(TRANSITION_COLUMNS, row.values(), strict=True):
            if value is None or (isinstance(value, str) and not value.strip()):
                out.append(MissingValue(i, label, header))
    return out


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return bool(text) and text[0] in "=+-@\t\r"
