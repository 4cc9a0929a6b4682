"""The handoff brief as a PDF, with Qt's own QPdfWriter and QTextDocument (HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_app.services.transitions_brief import HandoffBrief

_CSS = """
body { font-family: sans-serif; font-size: 9pt; }
h1 { font-size: 15pt; margin-bottom: 2pt; }
h2 { font-size: 11pt; margin-top: 10pt; margin-bottom: 2pt; color: #333; }
table { border-collapse: collapse; }
td, th { padding: 2pt 4pt; border: 1px solid #bbb; vertical-align: top; }
th { background: #eee; text-align: left; }
.muted { color: #666; }
"""


def _e(value: object) -> str:
    return "" if value is None else escape(str(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    if not rows:
        return '<p class="muted">None</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table width="100%" cellspacing="0">{"<tr>" + head + "</tr>"}{body}</table>'


def brief_html(brief: HandoffBrief) -> str:
    """One account's brief as HTML (what the PDF renders)."""
    plan = brief.plan
    score = "-" if brief.score is None else f"{brief.score:.0f}"
    mrr = "-" if brief.mrr is None else f"${brief.mrr:,.2f}"
    why = "".join(f"<li>{_e(w)}</li>" for w in brief.health_why) or "<li>No measures.</li>"
    reminders = "".join(f"<li>{_e(r)}</li>" for r in plan.reminders + plan.warnings)
    parts = [
        f"<h1>{_e(brief.account_name)}</h1>",
        f'<p class="muted">SF {_e(brief.sf_account_id)} · {_e(brief.from_csm)} → '
        f"{_e(brief.to_csm or 'new CSM')} · MRR {mrr} · renewal {_e(brief.renewal_date)}</p>",
        f"<h2>Health: {_e(brief.band or 'Undefined')} (score {score})</h2><ul>{why}</ul>",
        f"<h2>Scenario: {_e(plan.scenario.value)} ({_e(plan.mode.value)})</h2>",
        f"<p>Templates: {_e(plan.template_text)}</p><ul>{reminders}</ul>",
        "<h2>Contacts</h2>",
        _table(
            ("Name", "Title", "Email", "Phone", "Main", "Last replied", "Status"),
            [
                (
                    c.full_name,
                    c.title,
                    c.email,
                    c.phone,
                    "yes" if c.is_main else "",
                    c.last_replied,
                    c.status,
                )
                for c in brief.contacts
            ],
        ),
        "<h2>Open tickets</h2>",
        _table(
            ("Key", "Subject", "Category", "Status", "Opened"),
            [(t.key, t.subject, t.category, t.status, t.opened) for t in brief.open_tickets],
        ),
        "<h2>Open opportunities</h2>",
        _table(
            ("Name", "Kind", "Stage", "Amount", "Close", "RSM", "Origin"),
            [
                (o.name, o.kind, o.stage, o.amount, o.close_date, o.rsm, o.origin)
                for o in brief.opportunities
            ],
        ),
        "<h2>Recent notes</h2>",
        _table(
            ("Date", "Kind", "Author", "Note"),
            [(n.created, n.kind, n.author, n.body) for n in brief.recent_notes],
        ),
        "<h2>Account analysis checklist</h2>",
        _table(
            ("Question", "Answer", "Done"),
            [(c.question, c.answer, "✓" if c.done else "") for c in brief.checklist],
        ),
    ]
    return "".join(parts)


def write_brief_pdf(briefs: Sequence[HandoffBrief], path: str | Path) -> int:
    """Write the briefs (one account per page) to a PDF at ``path``; returns the page count."""
    writer = QPdfWriter(str(path))
    writer.setTitle("Account handoff brief")
    writer.setCreator("Account Desk")
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    breaker = '<div style="page-break-before: always;"></div>'
    html = breaker.join(brief_html(b) for b in briefs) or "<p>No accounts.</p>"
    doc = QTextDocument()
    doc.setDefaultStyleSheet(_CSS)
    doc.setHtml(f"<html><body>{html}</body></html>")
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(rect.size().toSizeF())
    doc.print_(writer)
    return int(doc.pageCount())
