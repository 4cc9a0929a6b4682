"""The one-on-one pack as a PDF (Qt's QPdfWriter + QTextDocument), with a band mix chart.

Nothing in it depends on the clock: the same data and day give the same text, so two
packs can be compared side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.domain.forecast import CALL_LABEL
from desktop_app.services.managers.pack import OneOnOnePackData, SummaryLine

_CSS = """
body { font-family: sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 16pt; margin-bottom: 0; }
h2 { font-size: 11.5pt; margin-top: 12pt; margin-bottom: 3pt; color: #222; }
table { border-collapse: collapse; }
td, th { padding: 2pt 5pt; border: 1px solid #aaa; vertical-align: top; }
th { background: #e8e8e8; text-align: left; }
td.n { text-align: right; }
.muted { color: #555; }
"""
CHART_URL = "pack://bandmix.png"
NO_SCORE_COLOUR = "#999999"


def _e(value: object) -> str:
    return "" if value is None else escape(str(value))


def _money(v: float | None) -> str:
    return "—" if v is None else f"${v:,.0f}"


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


def _cell(line: SummaryLine, v: float | None) -> str:
    if line.money:
        return _money(v)
    return _pct(v) if line.percent else _num(v)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table width="100%" cellspacing="0"><tr>{head}</tr>{body}</table>'


def band_mix_image(pack: OneOnOnePackData, width: int = 1400, height: int = 360) -> QImage:
    """Bars of the CSM's accounts per band, the team median as a dark tick on each."""
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("sans-serif")
    font.setPixelSize(22)
    p.setFont(font)
    bands = list(pack.band_mix)
    top = max([1.0, *(float(v) for v in pack.band_mix.values())])
    top = max(top, *(float(v or 0) for v in pack.band_median.values()))
    left, right, row_h = 250, width - 140, (height - 60) / max(len(bands), 1)
    for k, band in enumerate(bands):
        y = 20 + k * row_h
        n = pack.band_mix[band]
        med = pack.band_median.get(band)
        try:
            colour = BAND_COLOURS[HealthBand(band)]
        except ValueError:
            colour = NO_SCORE_COLOUR
        p.setPen(QColor("#111111"))
        p.drawText(
            QRectF(0, y, left - 12, row_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            band,
        )
        w = (right - left) * n / top
        p.fillRect(QRectF(left, y + row_h * 0.18, w, row_h * 0.64), QColor(colour))
        p.drawText(QRectF(left + w + 8, y, 120, row_h), int(Qt.AlignmentFlag.AlignVCenter), str(n))
        if med is not None:
            x = left + (right - left) * float(med) / top
            p.setPen(QPen(QColor("#111111"), 4))
            p.drawLine(int(x), int(y + row_h * 0.08), int(x), int(y + row_h * 0.92))
    p.setPen(QColor("#444444"))
    p.drawText(
        QRectF(left, height - 36, right - left, 30),
        int(Qt.AlignmentFlag.AlignLeft),
        f"Bars: {pack.owner}'s active accounts per band.  Black tick: team median.",
    )
    p.end()
    return img


def pack_html(pack: OneOnOnePackData) -> str:
    """The pack as HTML (what the PDF renders; the chart is the resource ``CHART_URL``)."""
    lead = f"Team lead {pack.team_lead} · " if pack.team_lead else ""
    summary = _table(
        ("Measure", pack.owner, "Team median"),
        [(ln.label, _cell(ln, ln.value), _cell(ln, ln.median)) for ln in pack.summary],
        {1, 2},
    )
    mix = _table(
        ("Band", "Accounts", "Team median"),
        [(b, n, _num(pack.band_median.get(b))) for b, n in pack.band_mix.items()],
        {1, 2},
    )
    parts = [
        f"<h1>One-on-one: {_e(pack.owner)}</h1>",
        f'<p class="muted">{_e(lead)}as of {pack.as_of.isoformat()} · changes since '
        f"{_e(pack.baseline)}</p>",
        "<h2>Book summary beside the team median</h2>",
        summary,
        "<h2>Band mix</h2>",
        f'<p><img src="{CHART_URL}" width="620"></p>',
        mix,
        *_plan_html(pack),
        "<h2>Renewals due in 90 days</h2>",
        _table(
            ("Account", "Due", "Days", "ARR", "Band", "Call", "App suggests"),
            [
                (
                    r.account,
                    r.due.isoformat(),
                    r.days,
                    _money(r.arr),
                    r.band or "not scored",
                    CALL_LABEL[r.call] if r.call else "not called",
                    CALL_LABEL[r.suggested],
                )
                for r in pack.renewals
            ],
            {2, 3},
        ),
        # Changes and alerts start page 2: the first page is the book, the plan and renewals.
        '<h2 style="page-break-before: always;">'
        f"What changed since {_e(pack.since.isoformat())}</h2>",
        _table(
            ("Change", "Account", "Detail"),
            [(c.kind, c.account, c.detail) for c in pack.changes],
            set(),
        ),
        f"<h2>Open alerts ({len(pack.alerts)})</h2>",
        f'<p class="muted">{pack.handled_alerts} more acknowledged or snoozed.</p>',
        _table(
            ("Alert", "Account", "Detail"),
            [(a.type, a.account, a.message) for a in pack.alerts],
            set(),
        ),
    ]
    return "".join(parts)


def _plan_html(pack: OneOnOnePackData) -> list[str]:
    head = f"<h2>Renewal plan {pack.quarter}</h2>"
    r = pack.plan
    if r is None:
        return [head, '<p class="muted">No renewals this quarter.</p>']
    target = pack.target_label or "no target set"
    rows = [
        ("Target", target),
        ("ARR due this quarter", _money(r.arr_due)),
        ("Won so far", _money(r.retained)),
        ("Committed (won + commit)", _money(r.committed)),
        ("Likely", _money(r.likely)),
        ("At risk", _money(r.at_risk)),
        ("Not called yet", _money(r.uncalled)),
        ("% to plan so far", _pct(r.pct_to_plan)),
        ("% to plan projected", _pct(r.projected_pct)),
    ]
    return [head, _table(("Plan", "Figure"), rows, {1})]


def write_pack_pdf(pack: OneOnOnePackData, path: str | Path) -> int:
    """Write the pack as an A4 PDF at ``path``; returns the page count."""
    writer = QPdfWriter(str(path))
    writer.setTitle(f"One-on-one pack: {pack.owner}, {pack.as_of.isoformat()}")
    writer.setCreator("Account Desk")
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(14, 14, 14, 14),
            QPageLayout.Unit.Millimeter,
        )
    )
    doc = QTextDocument()
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), band_mix_image(pack))
    doc.setDefaultStyleSheet(_CSS)
    doc.setHtml(f"<html><body>{pack_html(pack)}</body></html>")
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(rect.size().toSizeF())
    doc.print_(writer)
    return int(doc.pageCount())
