"""The dependency graph in the workbench: Analytics > Dependency graph… opens ``DependencyGraphWindow``.

The menu entry is the ``DependencyGraph`` pane's (``gui/panes/analytics.py``); it calls
``open_window(main_window)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .window import DependencyGraphWindow

__all__ = ["DependencyGraphWindow", "open_window"]


def __getattr__(name: str) -> Any:
    # The window (and numpy's analytics under it) loads when first opened, not with the workbench.
    if name == "DependencyGraphWindow":
        from .window import DependencyGraphWindow

        return DependencyGraphWindow
    raise AttributeError(name)


def open_window(main_window) -> DependencyGraphWindow:
    """Show the window (one per workbench), on the source selected in the sources pane."""
    window = getattr(main_window, "depgraph_window", None)
    if window is None:
        from .window import DependencyGraphWindow

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
