"""The Jupyter console in the window: View > Console (Ctrl+Shift+I); its kernel stops on close.

``ConsoleDock`` makes the dock (empty until first shown); this pane lists its toggle and tears
it down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..console import ConsoleDock
from ..pane import Entry, Pane

if TYPE_CHECKING:
    from ..main_window import MainWindow


class Console(Pane):
    name = "console"

    def create(self, window: MainWindow) -> None:
        self.window = window
        window.console = ConsoleDock(window)  # the kernel starts when the dock is first shown
        self._entries = [Entry("View/panes", window.console.toggle_action)]

    def entries(self) -> list[Entry]:
        return self._entries

    def teardown(self) -> None:
        self.window.console.shutdown()
