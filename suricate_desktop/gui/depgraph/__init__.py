"""The dependency graph in the workbench: Analytics > Dependency graph… opens ``DependencyGraphWindow``.

``install(main_window)`` adds the menu entry (to the Analytics menu, made if it is not there
yet), so the main window needs one line for it.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .window import DependencyGraphWindow

__all__ = ["DependencyGraphWindow", "install", "analytics_menu"]


def analytics_menu(main_window):
    """The main window's Analytics menu, added before Help when it does not exist yet."""
    bar = main_window.menuBar()
    for action in bar.actions():
        if action.menu() is not None and action.text().replace("&", "") == "Analytics":
            return action.menu()
    help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    menu = QMenu("&Analytics", bar)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)
    return menu


def install(main_window) -> QAction:
    """Add Analytics > Dependency graph… (Ctrl+Shift+G) to ``main_window``; returns the action."""
    action = QAction("Dependency &graph…", main_window)
    action.setShortcut(QKeySequence("Ctrl+Shift+G"))
    action.setStatusTip("Which processes, I/O and system calls move together, from a recording or a live window")
    action.triggered.connect(lambda: open_window(main_window))
    main_window.addAction(action)
    analytics_menu(main_window).addAction(action)
    return action


def open_window(main_window) -> DependencyGraphWindow:
    """Show the window (one per workbench), on the source selected in the sources pane."""
    window = getattr(main_window, "depgraph_window", None)
    if window is None:
        window = main_window.depgraph_window = DependencyGraphWindow(main_window.registry, main_window.settings,
                                                                     main_window)
    selected = main_window.sources_pane.current()
    if selected is not None:
        window.choose(selected)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
