"""Light and dark palettes: follow the OS colour scheme, and colours readable in both.

Qt 6 reports the OS scheme in ``QStyleHints.colorScheme``; most platform styles switch
their palette themselves, but Fusion on a desktop without a platform theme does not, so
``follow_color_scheme`` applies a dark Fusion palette when the OS asks for dark. Every
custom colour (band tints, highlighted rows, chart backgrounds) is derived from the palette
in force, so text keeps its contrast in both schemes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#2b2d30",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f2023",
    QPalette.ColorRole.AlternateBase: "#27292c",
    QPalette.ColorRole.ToolTipBase: "#3a3d41",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#34363a",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#4a4d52",
    QPalette.ColorRole.Midlight: "#3e4045",
    QPalette.ColorRole.Mid: "#2f3134",
    QPalette.ColorRole.Dark: "#151618",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#2f6fb5",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#6cb4ff",
    QPalette.ColorRole.LinkVisited: "#b59cff",
}
_DISABLED_TEXT = "#7a7a7a"


def dark_palette() -> QPalette:
    """A dark Fusion palette with disabled text dimmed."""
    pal = QPalette()
    for role, colour in _DARK.items():
        pal.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED_TEXT))
    return pal


def palette() -> QPalette:
    app = QGuiApplication.instance()
    return QGuiApplication.palette() if app is not None else QPalette()


def is_dark(pal: QPalette | None = None) -> bool:
    """True when the palette in force is dark (its window colour is dark)."""
    return (pal or palette()).color(QPalette.ColorRole.Window).lightness() < 128


def apply_scheme(app: QApplication, dark: bool) -> None:
    """Use the dark or the light Fusion palette (tests, screen renders, a platform without
    a colour-scheme-aware style)."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def follow_color_scheme(app: QApplication) -> None:
    """Match the OS colour scheme now and whenever it changes."""
    hints = app.styleHints()

    def sync(scheme: Qt.ColorScheme) -> None:
        wants_dark = scheme == Qt.ColorScheme.Dark
        if wants_dark != is_dark(app.palette()):
            apply_scheme(app, wants_dark)

    sync(hints.colorScheme())
    hints.colorSchemeChanged.connect(sync)


# ------------------------------------------------------------------ colours
def blend(colour: str | QColor, onto: QColor, strength: float) -> QColor:
    """``colour`` laid over ``onto`` at ``strength`` (0: only ``onto``, 1: only ``colour``)."""
    c = QColor(colour)
    mix = [
        round(b + (v - b) * strength)
        for v, b in zip(
            (c.red(), c.green(), c.blue()), (onto.red(), onto.green(), onto.blue()), strict=True
        )
    ]
    return QColor(*mix)


def tint(colour: str | QColor, strength: float | None = None) -> QColor:
    """A background tint of ``colour`` on which the palette's text stays readable."""
    pal = palette()
    base = pal.color(QPalette.ColorRole.Base)
    if strength is None:
        strength = 0.42 if is_dark(pal) else 0.35
    return blend(colour, base, strength)


def tint_brush(colour: str | QColor, strength: float | None = None) -> QBrush:
    return QBrush(tint(colour, strength))


def accent(light: str, dark: str) -> QColor:
    """A text colour: ``light`` on a light palette, ``dark`` (brighter) on a dark one."""
    return QColor(dark if is_dark() else light)


def warn_colour() -> QColor:
    return accent("#B00020", "#FF7A85")


def caution_colour() -> QColor:
    return accent("#B35900", "#FFB454")


def good_colour() -> QColor:
    return accent("#2E7D32", "#7BD88F")


def chart_background() -> QColor:
    return palette().color(QPalette.ColorRole.Base)


def chart_foreground() -> QColor:
    return palette().color(QPalette.ColorRole.Text)


def grid_colour() -> QColor:
    return blend(chart_foreground(), chart_background(), 0.14)


def style_plot(plot_widget: object) -> None:
    """Background, axes and their text of a pyqtgraph PlotWidget from the palette."""
    import pyqtgraph as pg

    fg = chart_foreground()
    plot_widget.setBackground(chart_background())  # type: ignore[attr-defined]
    item = plot_widget.getPlotItem()  # type: ignore[attr-defined]
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if axis is None:
            continue
        axis.setPen(pg.mkPen(blend(fg, chart_background(), 0.75)))
        axis.setTextPen(pg.mkPen(fg))
    if item.titleLabel is not None:
        item.titleLabel.setAttr("color", fg.name())


def text_on(colour: str | QColor) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""
    c = QColor(colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


def muted_colour() -> QColor:
    """Secondary text (footnotes, ids, empty states), readable on either palette."""
    return blend(chart_foreground(), palette().color(QPalette.ColorRole.Window), 0.62)


def muted_css() -> str:
    return f"color: {muted_colour().name()};"
