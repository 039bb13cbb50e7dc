"""Keep the main window inside the screen it opens on, and name that screen's size for its remembered layout.

Why: the window used to open at a fixed 1400x860, taller and wider than a
1366x768 laptop screen, and a geometry remembered on a big monitor reopened
partly off a laptop's screen. The first-run size is nine tenths of the available
geometry (the screen less its panels and docks), at least the preferred size but
never more than the available geometry (a laptop's screen is all the room there
is); a restored geometry that
no longer fits is moved and shrunk into it. The same laptop plugged into a
big monitor wants another layout, so the window remembers one per screen size
(:func:`screen_key`).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: The size the workbench is laid out for, where the screen has room.
PREFERRED_SIZE = QSize(1400, 860)
#: Below this available width the window takes the laptop layout (bottom panes tabbed, narrower side panes).
WIDE_WIDTH = 1600


def available_geometry(window: QWidget) -> QRect:
    """The available geometry of the screen ``window`` is on (the primary one before it is shown)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def screen_key(window: QWidget) -> str:
    """``"1366x768"``: the available size of ``window``'s screen, under which its layout is remembered."""
    available = available_geometry(window)
    return f"{available.width()}x{available.height()}"


def is_wide(window: QWidget) -> bool:
    """Whether ``window``'s screen has room for panes side by side (a desktop monitor, not a laptop)."""
    return available_geometry(window).width() >= WIDE_WIDTH


#: The share of a big screen a first window takes: most of it, so a monitor's room is used, with a margin.
SCREEN_SHARE = 0.9


def first_run_size(available: QRect) -> QSize:
    """The larger of the preferred size and nine tenths of ``available``, never more than ``available``.

    A laptop's screen is all taken (1366x768: smaller than the preferred size); a monitor's mostly
    (1920x1080: 1728x972), not left at the laptop's size in its middle.
    """
    width = max(PREFERRED_SIZE.width(), int(available.width() * SCREEN_SHARE))
    height = max(PREFERRED_SIZE.height(), int(available.height() * SCREEN_SHARE))
    return QSize(min(width, available.width()), min(height, available.height()))


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
