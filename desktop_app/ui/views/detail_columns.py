"""Column declarations and formatting for the detail pane's tables."""

from __future__ import annotations

from PySide6.QtGui import QColor

from desktop_app.services.book import (
    ContactRow,
    NoteRow,
    NpsRow,
    OpportunityRow,
    OwnerChange,
    ProvenanceRow,
    TicketRow,
)
from desktop_app.ui import theme
from desktop_app.ui.formatting import day, money
from desktop_app.ui.views.detail_models import col


def _contact_colour(c: ContactRow) -> QColor | None:
    return theme.warn_colour() if c.stale else None


def _reply(c: ContactRow) -> str:
    return "no date" if c.days_since_reply is None else f"{c.days_since_reply} d"


def _auto(t: TicketRow) -> str:
    if t.auto_closes_in_days is None:
        return ""
    if t.auto_closes_in_days == 0:
        return "⚠ auto-closes today"
    return f"⚠ auto-closes in {t.auto_closes_in_days} d"


def _ticket_colour(t: TicketRow) -> QColor | None:
    if t.auto_closes_in_days is not None:
        return theme.warn_colour() if t.auto_closes_in_days <= 2 else theme.caution_colour()
    return theme.warn_colour() if t.is_escalation else None


def _nps_colour(n: NpsRow) -> QColor | None:
    if n.score <= 6:
        return theme.warn_colour()
    return QColor("#007A5A") if n.score >= 9 else None


def _opp_state(o: OpportunityRow) -> str:
    if not o.is_closed:
        return "open"
    return "won" if o.is_won else "lost"


CONTACT_COLS = (
    col("Name", lambda c: ("★ " if c.is_main_poc else "") + c.name, _contact_colour),
    col("Since reply", _reply, _contact_colour, right=True),
    col("Last reply", lambda c: day(c.last_replied)),
    col("Title", lambda c: c.title or ""),
    col("Status", lambda c: c.status or ""),
    col("Email", lambda c: c.email or ""),
)
TICKET_COLS = (
    col("Key", lambda t: t.key),
    col("Age", lambda t: "—" if t.age_days is None else f"{t.age_days} d", right=True),
    col("Auto-close", _auto, _ticket_colour),
    col("Status", lambda t: t.status or ""),
    col("Priority", lambda t: t.priority or ""),
    col("Subject", lambda t: t.subject or "", _ticket_colour),
)
OPP_COLS = (
    col("Kind", lambda o: o.kind),
    col("Stage", lambda o: o.stage or ""),
    col("State", _opp_state),
    col("Amount", lambda o: money(o.amount), right=True),
    col("Close", lambda o: day(o.close_date)),
    col("Opportunity", lambda o: o.name or ""),
)
NPS_COLS = (
    col("Date", lambda n: day(n.responded_at)),
    col("Score", lambda n: str(n.score), _nps_colour, right=True),
    col("Comment", lambda n: n.comment or ""),
)
NOTE_COLS = (
    col("When", lambda n: n.created_at.strftime("%Y-%m-%d %H:%M")),
    col("Kind", lambda n: n.kind),
    col("Author", lambda n: n.author or ""),
    col("Note", lambda n: n.body),
)
OWNER_COLS = (
    col("When", lambda o: day(o.changed_at)),
    col("From", lambda o: o.previous_owner or "—"),
    col("To", lambda o: o.new_owner or "—"),
    col("Team lead", lambda o: o.team_lead or ""),
)
PROVENANCE_COLS = (
    col("Fact", lambda p: p.fact),
    col("Rows", lambda p: str(p.rows), right=True),
    col("File", lambda p: p.file_name + (" (rolled back)" if p.rolled_back else "")),
    col("Imported", lambda p: day(p.imported_at)),
    col("Data as of", lambda p: day(p.data_as_of)),
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
