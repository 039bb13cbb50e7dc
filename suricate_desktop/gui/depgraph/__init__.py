"""The dependency graph in the workbench: Analytics > Dependency graph… opens ``DependencyGraphWindow``.

``install(main_window)`` adds the menu entry to the main window's Analytics menu,
so the main window needs one line for it.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from .window import DependencyGraphWindow

__all__ = ["DependencyGraphWindow", "install"]


def install(main_window) -> QAction:
    """Add Analytics > Dependency graph… (Ctrl+Shift+G) to ``main_window``; returns the action."""
    action = QAction("Dependency &graph…", main_window)
    action.setShortcut(QKeySequence("Ctrl+Shift+G"))
    action.setStatusTip(
        "Which processes, I/O and system calls move together, from a recording or a live window"
    )
    action.triggered.connect(lambda: open_window(main_window))
    main_window.addAction(action)
    main_window.analytics_menu.addAction(action)
    return action


def open_window(main_window) -> DependencyGraphWindow:
    """Show the window (one per workbench), on the source selected in the sources pane."""
    window = getattr(main_window, "depgraph_window", None)
    if window is None:
        window = main_window.depgraph_window = DependencyGraphWindow(
            main_window.registry, main_window.settings, main_window
        )
    selected = main_window.sources_pane.current()
    if selected is not None:
        window.choose(selected)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
