"""The dependency graph in the workbench: Analytics > Dependency graph… opens ``DependencyGraphWindow``.

The menu entry is the ``DependencyGraph`` pane's (``gui/panes/analytics.py``); it calls
``open_window(main_window)``.
"""

from __future__ import annotations

from .window import DependencyGraphWindow

__all__ = ["DependencyGraphWindow", "open_window"]


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
