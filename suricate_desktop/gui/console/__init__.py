"""The console pane: an embedded Jupyter console whose namespace holds ``ws`` (docs/console.md).

``ConsoleDock`` is what the main window makes; the pane, qtconsole and the kernel come
the first time the dock is shown.
"""

from .dock import ConsoleDock

__all__ = ["ConsoleDock"]
