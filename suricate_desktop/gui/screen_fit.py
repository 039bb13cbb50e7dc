"""Keep the main window inside the screen it opens on.

Why: the window used to open at a fixed 1400x860, taller and wider than a
1366x768 laptop screen, and a geometry remembered on a big monitor reopened
partly off a laptop's screen. The first-run size is the preferred size where
it fits, else 90% of the screen's available geometry (the screen less its
panels and docks); a restored geometry that no longer fits is moved and
shrunk into it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The size the workbench is laid out for, where the screen has room.
PREFERRED_SIZE = QSize(1400, 860)
#: The most of the available geometry a first window takes, so it reads as a window, not the screen.
MAX_SHARE = 0.9


def available_geometry(window: QWidget) -> QRect:
    """The available geometry of the screen ``window`` is on (the primary one before it is shown)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def first_run_size(available: QRect) -> QSize:
    """The preferred size, shrunk to at most :data:`MAX_SHARE` of ``available`` on each side."""
    return QSize(
        min(PREFERRED_SIZE.width(), int(available.width() * MAX_SHARE)),
        min(PREFERRED_SIZE.height(), int(available.height() * MAX_SHARE)),
    )


def fit_first_run(window: QWidget) -> None:
    """Size ``window`` for a first run and centre it on the available geometry."""
    available = available_geometry(window)
    size = first_run_size(available)
    window.resize(size)
    window.move(
        available.x() + (available.width() - size.width()) // 2,
        available.y() + (available.height() - size.height()) // 2,
    )


def clamp_into_screen(window: QWidget) -> None:
    """Shrink and move ``window`` so that its frame lies inside the available geometry.

    A maximised or full-screen window is left to the window manager.
    """
    if window.isMaximized() or window.isFullScreen():
        return
    available = available_geometry(window)
    frame = window.frameGeometry()
    if available.contains(frame):
        return
    # The frame (title bar, borders) adds to the client size; keep room for it.
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    width = min(window.width(), available.width() - extra_w)
    height = min(window.height(), available.height() - extra_h)
    window.resize(width, height)
    frame_w, frame_h = width + extra_w, height + extra_h
    x = min(max(frame.x(), available.x()), available.x() + available.width() - frame_w)
    y = min(max(frame.y(), available.y()), available.y() + available.height() - frame_h)
    window.move(x, y)  # a top-level widget's position is its frame's
