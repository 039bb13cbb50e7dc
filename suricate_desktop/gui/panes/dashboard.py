"""The dashboards (the window's central widget) and the recording's timeline (F9).

The dashboards are redrawn by the window's frame timer; their plots are session state,
remembered in QSettings (``dashboards``) and kept in workspace files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from ..dashboard import Dashboard
from ..pane import Entry, Pane
from ..sources.base import Source
from ..sources.embedded import EmbeddedSource
from ..sources.recording import RecordingSource
from ..timeline import TimelineBar

if TYPE_CHECKING:
    from ..main_window import MainWindow


class Dashboards(Pane):
    """The tabs of plot cards in the middle of the window; View > New dashboard (Ctrl+T)."""

    name = "dashboards"
    SESSION = True

    def create(self, window: MainWindow) -> None:
        self.window = window
        dashboard = window.dashboard = Dashboard()
        dashboard.message.connect(window.show_message)
        window.setCentralWidget(dashboard)
        window.frame_timer.timeout.connect(dashboard.refresh)
        window.registry.removed.connect(dashboard.drop_source)
        self._entries = [
            Entry(
                "View/dashboard",
                self.action(window, "New &dashboard", lambda: dashboard.new_page(), "Ctrl+T"),
            )
        ]

    def entries(self) -> list[Entry]:
        return self._entries

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("dashboards", json.dumps(self.window.dashboard.state()))

    def restore_state(self, settings: QSettings) -> None:
        dashboards = json.loads(str(settings.value("dashboards", "null") or "null"))
        if dashboards:
            self.window.dashboard.restore(dashboards, self.window.registry.by_name)
        elif any(isinstance(s, EmbeddedSource) for s in self.window.registry):
            self.window.first_plot_pending = True

    def workspace_state(self, path: Path | None) -> object:
        return self.window.dashboard.state()

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        tabs = doc if isinstance(doc, list) else []
        return [
            f"plot {p}: its source is gone"
            for p in self.window.dashboard.restore(tabs, self.window.registry.by_name)
        ]


class Timeline(Pane):
    """The Timeline dock (F9): shown on the recording opened or selected, hidden when it goes.

    A slim bar: its title on its side (one row high, not two), across the top of the window where the
    window's layout puts it, never sharing a row with the bottom panes (console, rules)."""

    name = "timeline"

    def create(self, window: MainWindow) -> None:
        self.window = window
        timeline = window.timeline = TimelineBar()
        self.dock = window.timeline_dock = self.add_dock(
            window, "Timeline", timeline, Qt.DockWidgetArea.TopDockWidgetArea, "F9"
        )
        self.dock.setFeatures(self.dock.features() | QDockWidget.DockWidgetFeature.DockWidgetVerticalTitleBar)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.TopDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.dock.hide()
        window.registry.added.connect(self._show)
        window.registry.removed.connect(self._on_removed)
        window.sources_pane.selected.connect(self._show)
        self._entries = [Entry("View/panes", self.dock.toggleViewAction())]

    def entries(self) -> list[Entry]:
        return self._entries

    def _show(self, source: Source | None) -> None:
        if isinstance(source, RecordingSource):
            self.window.timeline.set_source(source)
            self.dock.show()

    def _on_removed(self, source: Source) -> None:
        if getattr(self.window.timeline, "source", None) is source:
            self.window.timeline.set_source(None)
            self.dock.hide()
