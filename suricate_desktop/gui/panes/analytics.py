"""The Analytics menu's features: learned models (``ModelsUI``) and the dependency graph window.

``ModelsUI`` fills the Analytics menu itself (Learn baseline…, Attach saved model…, the Models
dock's toggle) when it is made; ``Models`` takes those entries back out and hands them to the
window like any pane's, so the window alone decides where menu entries go.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence

from .. import screen_fit
from ..depgraph import open_window
from ..models import ModelsUI
from ..pane import Entry, Pane

if TYPE_CHECKING:
    from ..main_window import MainWindow

#: How long closing the window waits for a dependency graph being computed to stop.
DEPGRAPH_STOP_S = 5.0


class Models(Pane):
    """Learned models: the Models dock (Ctrl+Shift+M), live scores on plots, their files beside the workspace."""

    name = "models"
    SESSION = True

    def create(self, window: MainWindow) -> None:
        self.window = window
        menu = window.analytics_menu
        before = set(menu.actions())
        window.models = ModelsUI(window)  # learned models: Analytics menu, Models dock, scores on plots
        added = [a for a in menu.actions() if a not in before]
        for action in added:
            menu.removeAction(action)
        self._entries = [Entry("Analytics/models", a) for a in added]

    def entries(self) -> list[Entry]:
        return self._entries

    def save_state(self, settings: QSettings) -> None:
        self.window.models.save_settings(settings)

    def restore_state(self, settings: QSettings) -> None:
        self.window.models.restore_settings(settings)

    def workspace_state(self, path: Path | None) -> object:
        return None if path is None else self.window.models.workspace_state(path)

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        return self.window.models.restore_workspace(doc if isinstance(doc, dict) else None, path)

    def teardown(self) -> None:
        self.window.models.shutdown()


class DependencyGraph(Pane):
    """Analytics > Dependency graph… (Ctrl+Shift+G): one graph window per workbench, made when first asked for."""

    name = "depgraph"

    def create(self, window: MainWindow) -> None:
        self.window = window
        action = window.depgraph_action = QAction("Dependency &graph…", window)
        action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        action.setStatusTip(
            "Which processes, I/O and system calls move together, from a recording or a live window"
        )
        action.triggered.connect(self.open)
        window.addAction(action)
        self._entries = [Entry("Analytics/depgraph", action)]

    def entries(self) -> list[Entry]:
        return self._entries

    def open(self) -> None:
        """Open (or raise) the graph window, inside the screen: it asks for 1320x800, taller than a laptop's."""
        screen_fit.clamp_into_screen(open_window(self.window))

    def teardown(self) -> None:
        graph = getattr(self.window, "depgraph_window", None)
        if graph is not None:  # a graph being computed: its thread stops now, not after the window
            graph.worker.cancel()
            graph.worker.wait(DEPGRAPH_STOP_S)
