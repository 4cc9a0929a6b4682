"""Band tints, highlighted rows and chart colours stay readable in light and dark palettes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.domain.accounts import BAND_COLOURS, HealthBand
from desktop_app.ui import theme


def _luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = qapp.palette()
    style = qapp.style().name()
    theme.apply_scheme(qapp, request.param == "dark")
    yield str(request.param)
    qapp.setStyle(style)
    qapp.setPalette(before)


def test_band_tints_keep_text_readable(scheme: str) -> None:
    text = theme.palette().color(QPalette.ColorRole.Text)
    assert theme.is_dark() == (scheme == "dark")
    for band in HealthBand:
        tint = theme.tint(BAND_COLOURS[band])
        assert contrast(text, tint) >= 4.5, (scheme, band)
    drag = theme.tint("#D55E00")
    assert contrast(text, drag) >= 4.5


def test_charts_follow_the_palette(scheme: str) -> None:
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    theme.style_plot(plot)
    bg = plot.backgroundBrush().color()
    assert bg == theme.palette().color(QPalette.ColorRole.Base)
    axis = plot.getAxis("left")
    assert contrast(axis.textPen().color(), bg) >= 7
    assert contrast(theme.muted_colour(), theme.palette().color(QPalette.ColorRole.Window)) >= 3
    assert contrast(theme.warn_colour(), bg) >= 3
    plot.deleteLater()


def test_band_badge_text_picks_the_readable_ink() -> None:
    for band in HealthBand:
        colour = QColor(BAND_COLOURS[band])
        ink = QColor(theme.text_on(colour))
        other = QColor("#ffffff" if ink.name() == "#000000" else "#000000")
        assert contrast(ink, colour) >= contrast(other, colour)
