"""The handoff brief as a PDF, with Qt's own QPdfWriter and QTextDocument (HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from desktop_app.services.transitions import HandoffBrief, override_text
from desktop_app.ui.formatting import DASH, day, money, score

_CSS = """
body { font-family: sans-serif; font-size: 7.5pt; color: #111; }
h1 { font-size: 13pt; margin: 0 0 1pt 0; }
h2 { font-size: 9pt; margin: 6pt 0 2pt 0; color: #223; }
p { margin: 1pt 0 2pt 0; }
table { border-collapse: collapse; }
td, th { padding: 1pt 3pt; border: 1px solid #c4c4c4; vertical-align: top; }
th { background: #eceef2; text-align: left; font-weight: bold; }
td.num { text-align: right; }
.muted { color: #555; }
.band { font-weight: bold; }
.override { color: #8a3b00; font-weight: bold; }
"""


def _e(value: object) -> str:
    """Escaped text of a cell: dates in the one date format, missing values as a dash."""
    if value is None:
        return DASH
    if isinstance(value, date | datetime):
        return escape(day(value))
    return escape(str(value))


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = ()
) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table width="100%" cellspacing="0"><tr>{head}</tr>{body}</table>'


def _facts_line(brief: HandoffBrief) -> str:
    items = [
        ("SF account", brief.sf_account_id),
        ("From", brief.from_csm),
        ("To", brief.to_csm or "new CSM"),
        ("MRR", money(brief.mrr)),
        ("ARR", money(None if brief.mrr is None else brief.mrr * 12)),
        ("Renewal", day(brief.renewal_date)),
    ]
    return " · ".join(f"{k} <b>{_e(v)}</b>" for k, v in items)


def _health(brief: HandoffBrief) -> str:
    band = brief.band or "Undefined"
    marked = ""
    if brief.override is not None:
        marked = ' <span class="override">(overridden)</span>'
    parts = [
        f'<h2>Health: <span class="band">{_e(band)}</span>{marked} · score '
        f"{_e(score(brief.score))} / 100</h2>",
        f"<p><b>Why this band:</b> {_e(brief.band_reason)}</p>",
    ]
    if brief.override is not None:
        parts.append(
            f'<p class="override">{_e(override_text(brief.override, brief.computed_band))}</p>'
        )
    costly = sorted((m for m in brief.measures if m.costs), key=lambda m: -float(m.costs[:-4]))
    if costly:
        parts.append(
            _table(
                ("Measure costing points", "Value", "Points", "Weight", "Costs the score"),
                [(m.name, m.value, m.points, m.weight, m.costs) for m in costly],
                (1, 2, 3, 4),
            )
        )
    full = [f"{m.name} {m.value}" for m in brief.measures if not m.costs and m.weight != "left out"]
    absent = [m.name for m in brief.measures if m.weight == "left out"]
    if full:
        parts.append(f"<p><b>At full marks:</b> {_e('; '.join(full))}.</p>")
    if absent:
        parts.append(f'<p class="muted">No data, left out: {_e(", ".join(absent))}.</p>')
    if not brief.measures:
        why = "; ".join(brief.health_why) or "No measures yet."
        parts.append(f'<p class="muted">{_e(why)}</p>')
    return "".join(parts)


def brief_html(brief: HandoffBrief) -> str:
    """One account's brief as HTML (what the PDF renders)."""
    plan = brief.plan
    reminders = "".join(f"<li>{_e(r)}</li>" for r in plan.reminders + plan.warnings)
    parts = [
        f"<h1>{_e(brief.account_name)}</h1>",
        f'<p class="muted">{_facts_line(brief)}</p>',
        _health(brief),
        f"<h2>Scenario: {_e(plan.scenario.value)} ({_e(plan.mode.value)})</h2>",
        f"<p>Templates: {_e(plan.template_text)}</p>",
        f"<ul>{reminders}</ul>" if reminders else "",
        "<h2>Contacts</h2>",
        _table(
            ("Name", "Title", "Email", "Phone", "Main POC", "Last replied", "Status"),
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
                (o.name, o.kind, o.stage, money(o.amount), o.close_date, o.rsm, o.origin)
                for o in brief.opportunities
            ],
            (3,),
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
            QMarginsF(14, 12, 14, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    size = rect.size().toSizeF()
    docs = [_document(brief_html(b), size) for b in briefs] or [
        _document("<p>No accounts.</p>", size)
    ]
    # Each account starts on its own page and runs over only if it needs more: one document
    # per account, painted page by page, instead of CSS page breaks that leave blank pages.
    painter = QPainter(writer)
    pages = 0
    try:
        for doc in docs:
            for page in range(int(doc.pageCount())):
                if pages:
                    writer.newPage()
                top = page * size.height()
                painter.save()
                painter.translate(0, -top)
                doc.drawContents(painter, QRectF(0, top, size.width(), size.height()))
                painter.restore()
                pages += 1
    finally:
        painter.end()
    return pages


def _document(html: str, size: QSizeF) -> QTextDocument:
    doc = QTextDocument()
    doc.setDefaultStyleSheet(_CSS)
    doc.setHtml(f"<html><body>{html}</body></html>")
    doc.setPageSize(size)
    return doc
