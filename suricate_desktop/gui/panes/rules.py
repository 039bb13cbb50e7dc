"""The rules in the window: the Rules (F10) and Alert history (F12) docks and the Rules menu.

Both docks start hidden at the bottom (the window's layout places them: tabbed on a laptop, side by
side on a wide screen); a tray notification's click shows the
history. The rules file in use is kept in workspace files; the engine's thread stops on close.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from ..pane import Entry, Pane
from ..rules import RulesPanel

if TYPE_CHECKING:
    from ..main_window import MainWindow


class Rules(Pane):
    name = "rules"

    def create(self, window: MainWindow) -> None:
        self.window = window
        panel = window.rules_panel = RulesPanel(window.registry, window.dashboard, window.settings)
        panel.message.connect(window.show_message)
        panel.openRecordingRequested.connect(window.open_recording)
        self.dock = window.rules_dock = self.add_dock(
            window, "Rules", panel, Qt.DockWidgetArea.BottomDockWidgetArea, "F10"
        )
        self.alerts_dock = window.alerts_dock = self.add_dock(
            window, "Alert history", panel.timeline, Qt.DockWidgetArea.BottomDockWidgetArea, "F12"
        )
        self.dock.hide()
        self.alerts_dock.hide()
        panel.showHistoryRequested.connect(self._show_history)
        self._entries = [
            Entry("View/panes", self.dock.toggleViewAction()),
            Entry("View/panes", self.alerts_dock.toggleViewAction()),
            Entry("Rules/rules", panel.menu(window)),
        ]

    def entries(self) -> list[Entry]:
        return self._entries

    def _show_history(self) -> None:
        self.alerts_dock.show()
        self.alerts_dock.raise_()

    def workspace_state(self, path: Path | None) -> object:
        return self.window.rules_panel.state()

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        self.window.rules_panel.restore(doc if isinstance(doc, dict) else None)
        return []

    def teardown(self) -> None:
        self.window.rules_panel.shutdown()
