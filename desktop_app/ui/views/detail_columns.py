"""Column declarations and formatting for the detail pane's tables."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtGui import QColor

from desktop_app.services.account_detail_rows import (
    ContactRow,
    NoteRow,
    NpsRow,
    OpportunityRow,
    OwnerChange,
    ProvenanceRow,
    TicketRow,
)
from desktop_app.ui.views.detail_models import CAUTION, WARN, Col


def money(v: float | None) -> str:
    return "—" if v is None else f"${v:,.0f}"


def day(v: date | datetime | None) -> str:
    if v is None:
        return "—"
    return (v.date() if isinstance(v, datetime) else v).isoformat()


def _contact_colour(c: ContactRow) -> QColor | None:
    return WARN if c.stale else None


def _reply(c: ContactRow) -> str:
    return "never" if c.days_since_reply is None else f"{c.days_since_reply} d"


def _auto(t: TicketRow) -> str:
    if t.auto_closes_in_days is None:
        return ""
    if t.auto_closes_in_days == 0:
        return "⚠ auto-closes today"
    return f"⚠ auto-closes in {t.auto_closes_in_days} d"


def _ticket_colour(t: TicketRow) -> QColor | None:
    if t.auto_closes_in_days is not None:
        return WARN if t.auto_closes_in_days <= 2 else CAUTION
    return WARN if t.is_escalation else None


def _nps_colour(n: NpsRow) -> QColor | None:
    if n.score <= 6:
        return WARN
    return QColor("#007A5A") if n.score >= 9 else None


def _opp_state(o: OpportunityRow) -> str:
    if not o.is_closed:
        return "open"
    return "won" if o.is_won else "lost"


CONTACT_COLS = (
    Col("Name", lambda c: ("★ " if c.is_main_poc else "") + c.name, _contact_colour),
    Col("Since reply", _reply, _contact_colour, right=True),
    Col("Last reply", lambda c: day(c.last_replied)),
    Col("Title", lambda c: c.title or ""),
    Col("Status", lambda c: c.status or ""),
    Col("Email", lambda c: c.email or ""),
)
TICKET_COLS = (
    Col("Key", lambda t: t.key),
    Col("Age", lambda t: "—" if t.age_days is None else f"{t.age_days} d", right=True),
    Col("Auto-close", _auto, _ticket_colour),
    Col("Status", lambda t: t.status or ""),
    Col("Priority", lambda t: t.priority or ""),
    Col("Subject", lambda t: t.subject or "", _ticket_colour),
)
OPP_COLS = (
    Col("Kind", lambda o: o.kind),
    Col("Stage", lambda o: o.stage or ""),
    Col("State", _opp_state),
    Col("Amount", lambda o: money(o.amount), right=True),
    Col("Close", lambda o: day(o.close_date)),
    Col("Opportunity", lambda o: o.name or ""),
)
NPS_COLS = (
    Col("Date", lambda n: day(n.responded_at)),
    Col("Score", lambda n: str(n.score), _nps_colour, right=True),
    Col("Comment", lambda n: n.comment or ""),
)
NOTE_COLS = (
    Col("When", lambda n: n.created_at.strftime("%Y-%m-%d %H:%M")),
    Col("Kind", lambda n: n.kind),
    Col("Author", lambda n: n.author or ""),
    Col("Note", lambda n: n.body),
)
OWNER_COLS = (
    Col("When", lambda o: day(o.changed_at)),
    Col("From", lambda o: o.previous_owner or "—"),
    Col("To", lambda o: o.new_owner or "—"),
    Col("Team lead", lambda o: o.team_lead or ""),
)
PROVENANCE_COLS = (
    Col("Fact", lambda p: p.fact),
    Col("Rows", lambda p: str(p.rows), right=True),
    Col("File", lambda p: p.file_name + (" (rolled back)" if p.rolled_back else "")),
    Col("Imported", lambda p: day(p.imported_at)),
    Col("Data as of", lambda p: day(p.data_as_of)),
)

__all__ = [
    "CONTACT_COLS",
    "NOTE_COLS",
    "NPS_COLS",
    "OPP_COLS",
    "OWNER_COLS",
    "PROVENANCE_COLS",
    "TICKET_COLS",
    "ContactRow",
    "NoteRow",
    "OwnerChange",
    "ProvenanceRow",
]
