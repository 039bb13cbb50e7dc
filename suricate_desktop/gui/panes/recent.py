"""The File menu's "Recent ..." lists (scripts, recordings, workspaces), kept in QSettings.

Why a module: three panes keep such a list the same way (newest first, at most ``MAX_RECENT``,
a submenu filled when it is about to show).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu, QWidget

MAX_RECENT = 10


def remember(settings: QSettings, key: str, value: str) -> None:
    """Put ``value`` first in the list under ``key``."""
    items = [v for v in _items(settings, key) if v != value]
    settings.setValue(key, [value, *items][:MAX_RECENT])


def recent_menu(
    title: str, parent: QWidget, settings: QSettings, key: str, open_one: Callable[[str], object]
) -> QMenu:
    """A submenu listing ``key``'s items, each opened by ``open_one``; disabled while the list is empty."""
    menu = QMenu(title, parent)

    def fill() -> None:
        menu.clear()
        items = _items(settings, key)
        for item in items:
            menu.addAction(item).triggered.connect(_opener(open_one, item))
        menu.setEnabled(bool(items))

    menu.aboutToShow.connect(fill)
    return menu


def _opener(open_one: Callable[[str], object], item: str) -> Callable[[bool], None]:
    def open_it(checked: bool = False) -> None:
        open_one(item)

    return open_it


def _items(settings: QSettings, key: str) -> list[str]:
    items = settings.value(key) or []
    return [items] if isinstance(items, str) else list(items)
