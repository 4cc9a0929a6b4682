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
from desktop_app.domain.perception import CATEGORY_LABEL
from desktop_app.services.errors import UserError
from desktop_app.services.managers import OneOnOnePackData, SummaryLine, write_pack_xlsx

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
PERCEPTION_URL = "pack://perception.png"
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


def perception_image(pack: OneOnOnePackData, width: int = 1400, height: int = 400) -> QImage:
    """Each category's mean (dot) and 95% interval (bar) against the team average (tick)."""
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    per = pack.perception
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont("sans-serif")
    font.setPixelSize(22)
    p.setFont(font)
    left, right = 300, width - 160
    views = per.categories if per else []
    row_h = (height - 70) / max(len(views), 1)

    def x(v: float) -> float:
        return left + (right - left) * v / 10.0

    for tick in range(0, 11, 2):
        p.setPen(QPen(QColor("#cccccc"), 1))
        p.drawLine(int(x(tick)), 10, int(x(tick)), int(height - 55))
        p.setPen(QColor("#444444"))
        p.drawText(
            QRectF(x(tick) - 20, height - 52, 40, 24), int(Qt.AlignmentFlag.AlignHCenter), str(tick)
        )
    right_mid = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for k, v in enumerate(views):
        y = 10 + (k + 0.5) * row_h
        sc = v.performance
        p.setPen(QColor("#111111"))
        p.drawText(
            QRectF(0, y - row_h / 2, left - 14, row_h), right_mid, CATEGORY_LABEL[v.category]
        )
        p.drawText(
            QRectF(right + 12, y - row_h / 2, 150, row_h),
            int(Qt.AlignmentFlag.AlignVCenter),
            f"n={sc.n}",
        )
        if sc.team_mean is not None:
            p.setPen(QPen(QColor("#111111"), 5))
            p.drawLine(
                int(x(sc.team_mean)),
                int(y - row_h * 0.35),
                int(x(sc.team_mean)),
                int(y + row_h * 0.35),
            )
        if sc.mean is None:
            continue
        if sc.low is not None and sc.high is not None:
            p.setPen(QPen(QColor("#333333"), 3))
            p.drawLine(int(x(sc.low)), int(y), int(x(sc.high)), int(y))
        colour = {"above": "#009E73", "below": "#D55E00"}.get(sc.mark or "", "#0072B2")
        p.setPen(QPen(QColor("#111111"), 2))
        p.setBrush(QColor(colour))
        p.drawEllipse(QRectF(x(sc.mean) - 11, y - 11, 22, 22))
    p.setPen(QColor("#444444"))
    p.drawText(
        QRectF(20, height - 28, width - 40, 26),
        int(Qt.AlignmentFlag.AlignLeft),
        "Dot: mean rating (green above, vermillion below the team; blue in line). "
        "Bar: 95% interval. Black tick: team average.",
    )
    p.end()
    return img


def _perception_html(pack: OneOnOnePackData) -> list[str]:
    head = "<h2>Customer perception</h2>"
    per = pack.perception
    if per is None:
        return [head, '<p class="muted">No relationship-survey responses for this book.</p>']
    rows = []
    for v in per.categories:
        sc = v.performance
        ci = "too few" if sc.low is None or sc.high is None else f"{sc.low:.1f}–{sc.high:.1f}"
        rows.append(
            (
                CATEGORY_LABEL[v.category],
                _num1(sc.mean),
                sc.n,
                ci,
                _num1(sc.team_mean),
                sc.label if sc.mark else "—",
                _num1(v.importance),
                _num1(v.gap),
            )
        )
    return [
        head,
        f'<p class="muted">{per.responses} responses. Above or below only when the 95% '
        "interval excludes the team average.</p>",
        f'<p><img src="{PERCEPTION_URL}" width="620"></p>',
        _table(
            (
                "Category",
                "Performance",
                "n",
                "95% interval",
                "Team",
                "Against team",
                "Importance",
                "Gap",
            ),
            rows,
            {1, 2, 4, 6, 7},
        ),
    ]


def _num1(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


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
        *_perception_html(pack),
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
    image = QTextDocument.ResourceType.ImageResource
    doc.addResource(image, QUrl(CHART_URL), band_mix_image(pack))
    doc.addResource(image, QUrl(PERCEPTION_URL), perception_image(pack))
    doc.setDefaultStyleSheet(_CSS)
    doc.setHtml(f"<html><body>{pack_html(pack)}</body></html>")
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(rect.size().toSizeF())
    doc.print_(writer)
    return int(doc.pageCount())


def write_pack_file(pack: OneOnOnePackData, path: Path) -> int:
    """Write the pack (.xlsx or PDF by suffix); returns its page count (0 for a workbook).

    Safe on a worker thread: the PDF is painted on a QPdfWriter, not on a widget (a 600-
    account book's pack takes ~2 s to paint; the dialog stays responsive). Raises
    ``UserError`` naming the file when it cannot be written.
    """
    unwritable = UserError(f"{path.name}: could not be written (is the folder writable?)")
    try:
        path.unlink(missing_ok=True)  # so that the check below cannot see an older pack
        if path.suffix.lower() == ".xlsx":
            write_pack_xlsx(pack, path)
            pages = 0
        else:
            # The file is opened here first: a QPdfWriter that cannot open it only warns,
            # and that warning, from this worker thread, reached Python's Qt message handler
            # while the GUI thread waited (a test hung in ``print_`` once in a few CI runs).
            try:
                path.open("wb").close()
            except OSError:
                raise unwritable from None
            pages = write_pack_pdf(pack, path)
    except OSError as exc:
        raise UserError(f"{path.name}: {exc.strerror or exc}") from None
    # QPdfWriter does not raise when it cannot write its file: check that it is there.
    if not path.is_file() or path.stat().st_size == 0:
        raise unwritable
    return pages
