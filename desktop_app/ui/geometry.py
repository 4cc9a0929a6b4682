"""Window sizes from the available screen geometry, and the user's own size remembered.

A dialog asks for the size its content wants; it gets at most ``SCREEN_SHARE`` of the screen
it opens on (a 1280x800 laptop has about 1280x760 available), and the size the user last
left it at once they have resized it (stored as plain geometry bytes under ``state/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desktop_app.ui.settings import Settings

#: Share of the available screen a window may take when it first opens.
SCREEN_SHARE = (0.94, 0.90)


def available_rect(widget: QWidget | None = None) -> QRect:
    """The available geometry (without task bars) of the widget's screen, else the primary."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.window() if parent is not None else widget).screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 760)


def fitted_size(
    wanted: QSize, available: QRect, share: tuple[float, float] = SCREEN_SHARE
) -> QSize:
    """``wanted`` shrunk to fit ``share`` of ``available`` (never grown)."""
    return QSize(
        min(wanted.width(), int(available.width() * share[0])),
        min(wanted.height(), int(available.height() * share[1])),
    )


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Resize ``widget`` to ``width`` x ``height`` or less, to fit its screen; the new size."""
    size = fitted_size(QSize(width, height), available_rect(widget))
    widget.resize(size)
    return size


def clamp_to_screen(widget: QWidget) -> None:
    """Shrink and move ``widget`` so that it lies on its screen's available area."""
    area = available_rect(widget)
    size = widget.size().boundedTo(area.size())
    if size != widget.size():
        widget.resize(size)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.y()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(max(x, area.x()), max(y, area.y()))


class _SizeKeeper(QObject):
    """Saves a window's geometry when it is hidden (closed, accepted, rejected)."""

    def __init__(self, widget: QWidget, settings: Settings, key: str) -> None:
        super().__init__(widget)
        self._settings = settings
        self._key = key

    # ------------------------------------------------------------ Qt overrides
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide and isinstance(watched, QWidget):
            self._settings.set_state(self._key, watched.saveGeometry())
        return False


def remember_size(widget: QWidget, settings: Settings, name: str) -> None:
    """Restore ``widget``'s last geometry (kept on screen) and save it whenever it closes."""
    key = f"window_{name}"
    saved = settings.state(key)
    if saved is not None and not saved.isEmpty():
        widget.restoreGeometry(saved)
        clamp_to_screen(widget)
    widget.installEventFilter(_SizeKeeper(widget, settings, key))
