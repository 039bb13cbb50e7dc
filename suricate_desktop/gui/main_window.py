"""The workbench window: the frame that sources, streams, dashboards, the editor, rules... join as panes.

What joins it: each feature is a ``Pane`` (``gui/pane.py``, adapters in ``gui/panes/``), listed
in ``make_panes()``. The window makes them in that order, puts their ``entries()`` into the menu
bar and the toolbar at the places ``MENU_BAR`` and ``TOOLBAR`` order, and loops over them to
refresh, remember, save a workspace and tear down. What stays here is the frame: the timers, the
status bar, the workspace files, the first plot a newcomer sees, the window's geometry.

How data reaches the screen: every source fills its own LiveStore in its own
thread; the window reads stores only from two timers on the GUI thread, a
frame timer (30 frames a second) that redraws the visible plots, and a slow
timer (once a second) for the panes' ``refresh`` (the sources table, the streams
tree) and the status bar. Nothing here waits on the network or the disk for long.

What is remembered (QSettings): window geometry (kept inside the screen it
opens on, see screen_fit) and dock layout, one of each per screen size
(``window/1366x768/geometry``...: a laptop on its own screen and on a desk's
monitor keeps two layouts), then whatever each pane keeps (recent scripts,
recordings and workspaces, the open sources, the dashboards, the models). A
workspace file (File > Save workspace) keeps the whole session: each pane's
entry under its name, and the layouts by screen size.

The default layout (``_arrange_docks``): Streams over Sources on the left, the
whole window's height (on a screen 1280 px wide or more); the Script editor on
the right, the plots in the middle; a recording's timeline as a slim bar across
the top, over the plots it drives, so that it never shares a row with the
bottom panes; Rules, Alert history, Models and the Console at the bottom, under
the plots and the editor, tabbed on a laptop's screen (each gets the whole
row's height and width) and Rules beside Alert history on a wide one.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QToolBar,
)

from . import gc_guard, panes, screen_fit, workspace
from .console import ConsoleDock
from .dashboard import Dashboard
from .editor import EditorPane
from .models import ModelsUI
from .pane import Entry, Pane
from .panes.recent import recent_menu, remember
from .rules import RulesPanel
from .sources.base import Source
from .sources.embedded import EmbeddedSource
from .sources.registry import SourceRegistry
from .sources_pane import SourcesPane
from .streams_pane import StreamsPane
from .timeline import TimelineBar
from .workers_view import WorkersView

if TYPE_CHECKING:
    from .depgraph.window import DependencyGraphWindow  # loaded when first opened

log = logging.getLogger(__name__)

FRAME_MS = 33  # 30 frames a second
SLOW_MS = 1000
#: The dock layout's version: layouts saved before the timeline moved to the top are not restored.
LAYOUT_VERSION = 2
#: From this screen width up the left column keeps the window's full height (see ``_arrange_docks``).
FULL_HEIGHT_LEFT = 1280
#: Default widths of the side panes (left: Streams and Sources; right: the editor) on a laptop and a wide screen.
SIDE_WIDTHS = {False: (290, 420), True: (320, 460)}
#: What a newcomer sees first: the sampler's CPU time by process.
FIRST_PLOT = ("sampler", "cpu_time")

#: The menu bar, in order: each menu's sections (``-``: a separator between two non-empty ones).
#: Panes place their entries by ``"Menu/section"`` (see ``pane.Entry``).
MENU_BAR: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&File", ("scripts", "-", "recordings", "-", "workspace", "-", "quit")),
    ("&Edit", ("edit",)),
    ("&View", ("panes", "-", "dashboard", "window")),
    ("&Sources", ("add", "remote", "remove")),
    ("&Rules", ("rules",)),
    ("&Run", ("run",)),
    ("&Templates", ("templates",)),
    ("&Analytics", ("depgraph", "models")),
    ("&Help", ("help",)),
)
TOOLBAR: tuple[str, ...] = ("scripts", "-", "sources")


def make_panes() -> list[Pane]:
    """The window's features, in the order they are made, fill the menus' sections and restore their
    state (each may use what those before it published on the window); torn down in reverse."""
    return [
        panes.Sources(),
        panes.Streams(),
        panes.Dashboards(),
        panes.Editor(),
        panes.Timeline(),
        panes.Rules(),
        panes.Console(),
        panes.RemoteAgents(),
        panes.DependencyGraph(),
        panes.Models(),  # after Rules: the rules' model:NAME scorers use its registry
        panes.Help(),
    ]


class MainWindow(QMainWindow):
    # What the panes publish on the window (for one another, the console's ``ws`` and the tests).
    sources_pane: SourcesPane
    sources_dock: QDockWidget
    streams_pane: StreamsPane
    workers_view: WorkersView
    streams_dock: QDockWidget
    dashboard: Dashboard
    editor: EditorPane
    editor_dock: QDockWidget
    timeline: TimelineBar
    timeline_dock: QDockWidget
    rules_panel: RulesPanel
    rules_dock: QDockWidget
    alerts_dock: QDockWidget
    console: ConsoleDock
    models: ModelsUI
    depgraph_action: QAction
    depgraph_window: DependencyGraphWindow | None = None

    def __init__(
        self,
        settings: QSettings | None = None,
        registry: SourceRegistry | None = None,
        restore_sources: bool = True,
    ):
        super().__init__()
        gc_guard.hold()  # cyclic garbage collected in this thread only: Qt objects die where they live
        self._gc_held = True
        self.settings = settings or QSettings("Suricate", "Suricate Desktop")
        self.registry = registry or SourceRegistry(self)
        self.workspace_path: Path | None = None
        #: The workspace file's layouts by screen size (``"1366x768"``: geometry and dock state, base64).
        self._workspace_layouts: dict[str, dict] = {}
        self.first_plot_pending = False
        self._frame_checked = False
        self.setWindowTitle("Suricate Desktop")
        screen_fit.fit_first_run(self)  # the preferred 1400x860 where the screen has room, else all of it
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.frame_timer = QTimer(self, interval=FRAME_MS)
        self.slow_timer = QTimer(self, interval=SLOW_MS)
        self.slow_timer.timeout.connect(self.slow_refresh)
        self._menus = {title.replace("&", ""): QMenu(title, self) for title, _ in MENU_BAR}
        #: Learned models, the dependency graph (filled by their panes).
        self.analytics_menu = self._menus["Analytics"]
        self._build_status_bar()

        self.panes = make_panes()
        for pane in self.panes:
            pane.create(self)
        self._arrange_docks()
        self._build_menus([*self._frame_entries(), *(e for pane in self.panes for e in pane.entries())])

        self.frame_timer.start()
        self.slow_timer.start()
        self._restore_settings(restore_sources)
        if not self.dashboard.count():
            self.dashboard.new_page()

    # -- layout ------------------------------------------------------------------------------------------------------
    def _arrange_docks(self) -> None:
        """The default layout for this screen (see the module's docstring); Reset layout comes back to it."""
        wide = screen_fit.is_wide(self)
        # The left column (Streams, Sources) keeps the window's full height: the bottom panes and the
        # timeline span the plots and the editor, not the navigation. Below a laptop's width the bottom
        # panes (the console's toolbar, the rules table) need the whole width more.
        if screen_fit.available_geometry(self).width() >= FULL_HEIGHT_LEFT:
            self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
            self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.splitDockWidget(self.streams_dock, self.sources_dock, Qt.Orientation.Vertical)
        # The timeline: across the top, over the plots; its title bar on its side so it stays one row high.
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.timeline_dock)
        # The bottom panes share one row: tabbed, so that none is crushed beside another; on a wide
        # screen the alert history stays beside the rules it explains.
        # (Split before tabbing: a dock split off a tabbed one would join its tabs.)
        if wide:
            self.splitDockWidget(self.rules_dock, self.alerts_dock, Qt.Orientation.Horizontal)
        else:
            self.tabifyDockWidget(self.rules_dock, self.alerts_dock)
        for dock in (self.console.dock, self.models.dock):
            self.tabifyDockWidget(self.rules_dock, dock)
        # Plots first: the side panes start narrow, and the user widens what they use.
        self.resizeDocks(
            [self.streams_dock, self.editor_dock], list(SIDE_WIDTHS[wide]), Qt.Orientation.Horizontal
        )
        # The Sources dock holds the sources and, beneath them, the processing workers seen on the brokers.
        self.resizeDocks([self.streams_dock, self.sources_dock], [380, 300], Qt.Orientation.Vertical)

    def _frame_entries(self) -> list[Entry]:
        """The window's own entries: workspaces, Quit, full screen, the default layout."""
        action = Pane.action
        return [
            Entry(
                "File/workspace", action(self, "Open &workspace…", self.open_workspace_dialog, "Ctrl+Alt+O")
            ),
            Entry("File/workspace", action(self, "Save w&orkspace", self.save_workspace, "Ctrl+Alt+S")),
            Entry("File/workspace", action(self, "Save workspace &as…", self.save_workspace_as)),
            Entry(
                "File/workspace",
                recent_menu(
                    "Recent workspaces", self, self.settings, "recent/workspaces", self.open_workspace
                ),
            ),
            Entry("File/quit", action(self, "&Quit", self.close, QKeySequence.StandardKey.Quit)),
            Entry(
                "View/window",
                action(self, "&Full screen", self._toggle_full_screen, QKeySequence.StandardKey.FullScreen),
            ),
            Entry("View/window", action(self, "&Reset layout", self.reset_layout)),
        ]

    def _build_menus(self, entries: list[Entry]) -> None:
        """Every entry at its place: the menu bar's menus and the toolbar, section by section."""
        by_place: dict[str, list[QAction | QMenu]] = {}
        for entry in entries:
            by_place.setdefault(entry.place, []).append(entry.item)
        bar = self.menuBar()
        for title, sections in MENU_BAR:
            name = title.replace("&", "")
            menu = self._menus[name]
            for section in sections:
                items = by_place.get(f"{name}/{section}", [])
                whole = next((i for i in items if isinstance(i, QMenu) and i.title() == title), None)
                if whole is not None:  # a pane's own menu (Rules, Templates) is the whole menu
                    menu = whole
                    continue
                _fill(menu, items, sections, section)
            if menu.actions():
                bar.addMenu(menu)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for section in TOOLBAR:
            _fill(toolbar, by_place.get(f"toolbar/{section}", []), TOOLBAR, section)

    def _build_status_bar(self) -> None:
        # Every connection's state on the left, a passing message in the middle, rates on the right.
        self.sources_label = QLabel()
        # Long lists of sources are cut, not allowed to widen the window past the screen (the tooltip has all).
        self.sources_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_label = QLabel()
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_label.setStyleSheet("color: #0550ae")
        self.rate_label = QLabel()
        self.statusBar().addPermanentWidget(self.sources_label, 3)
        self.statusBar().addPermanentWidget(self.message_label, 2)
        self.statusBar().addPermanentWidget(self.rate_label)
        self._message_timer = QTimer(self, singleShot=True, interval=8000)
        self._message_timer.timeout.connect(self.message_label.clear)

    def show_message(self, text: str) -> None:
        """A passing message (a heatmap cell, a saved file) for eight seconds."""
        self.message_label.setText(text)
        self._message_timer.start()

    def pane(self, name: str) -> Pane:
        """The pane of that name."""
        return next(p for p in self.panes if p.name == name)

    # -- the slow timer ----------------------------------------------------------------------------------------------
    def slow_refresh(self) -> None:
        for pane in self.panes:
            pane.refresh()
        states, rate, rejected = self.sources_pane.summary()
        self.sources_label.setText(states)
        self.sources_label.setToolTip(states.replace("   ", "\n"))
        self.rate_label.setText(f"{rate:,.0f} snapshots/s   {rejected:,} rejected")
        if self.first_plot_pending:
            self._first_plot()

    def _first_plot(self) -> None:
        """A newcomer's first sight: the sampler's CPU time by process, as soon as it exists."""
        for source in self.registry:
            if isinstance(source, EmbeddedSource):
                stream = self.streams_pane.first_stream(source, *FIRST_PLOT)
                if stream:
                    self.plot_stream(source, stream)
                    self.first_plot_pending = False
                return

    # -- what the panes offer, under the window's names ---------------------------------------------------------------
    def add_embedded(self) -> Source:
        return self._sources.add_embedded()

    def add_broker(self) -> None:
        self._sources.add_broker()

    def open_recording(self, path: str | None = None) -> Source | None:
        return self._sources.open_recording(path)

    def import_file(self, path: str | None = None) -> Source | None:
        """Open another tool's output (dtrace(1) text, a bpftrace -f json log, CSV) like a recording."""
        return self._sources.import_file(path)

    def open_sample_recording(self) -> Source | None:
        return self._sources.open_sample_recording()

    def edit_remote_agents(self) -> None:
        remote = self.pane("remote")
        assert isinstance(remote, panes.RemoteAgents)
        remote.edit()

    @property
    def _sources(self) -> panes.Sources:
        sources = self.pane("sources")
        assert isinstance(sources, panes.Sources)
        return sources

    def plot_stream(self, source: Source, stream: tuple, chart: str = "auto") -> None:
        self.dashboard.add_plot(source, stream, chart)

    # -- workspace ---------------------------------------------------------------------------------------------------
    def workspace_document(self) -> dict:
        doc: dict = {}
        for pane in self.panes:
            state = pane.workspace_state(self.workspace_path)
            if state is not None:
                doc[pane.name] = state
        here = {"geometry": _b64(self.saveGeometry()), "state": _b64(self.saveState(LAYOUT_VERSION))}
        # The layouts of the other screen sizes this workspace was opened on stay in the file.
        layouts = {**self._workspace_layouts, screen_fit.screen_key(self): here}
        doc["window"] = {**here, "screen": screen_fit.screen_key(self), "layouts": layouts}
        return doc

    def save_workspace(self) -> bool:
        if self.workspace_path is None:
            return self.save_workspace_as()
        workspace.save(self.workspace_path, self.workspace_document())
        remember(self.settings, "recent/workspaces", str(self.workspace_path))
        self.show_message(f"Saved {self.workspace_path}")
        return True

    def save_workspace_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save workspace",
            str(Path.home() / f"session{workspace.SUFFIX}"),
            f"Suricate workspace (*{workspace.SUFFIX})",
        )
        if not path:
            return False
        self.workspace_path = Path(path)
        return self.save_workspace()

    def open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open workspace",
            str(Path.home()),
            f"Suricate workspace (*{workspace.SUFFIX});;JSON (*.json)",
        )
        if path:
            self.open_workspace(path)

    def open_workspace(self, path: str | Path) -> bool:
        try:
            doc = workspace.load(path)
        except workspace.WorkspaceError as exc:
            QMessageBox.warning(self, "Open workspace", str(exc))
            return False
        problems: list[str] = []
        for pane in self.panes:
            problems += pane.restore_workspace(doc.get(pane.name), Path(path))
        window = doc.get("window", {})
        layouts = window.get("layouts")
        self._workspace_layouts = dict(layouts) if isinstance(layouts, dict) else {}
        # This screen size's layout, else the one the file was saved with (fitted into this screen).
        layout = self._workspace_layouts.get(screen_fit.screen_key(self), window)
        if layout.get("geometry"):
            self.restoreGeometry(_unb64(layout["geometry"]))
            screen_fit.clamp_into_screen(self)  # saved on a bigger screen
        if layout.get("state"):
            self.restoreState(_unb64(layout["state"]), LAYOUT_VERSION)
        self.workspace_path = Path(path)
        remember(self.settings, "recent/workspaces", str(path))
        self.first_plot_pending = False
        if problems:
            QMessageBox.information(self, "Open workspace", "Opened, except:\n" + "\n".join(problems))
        return True

    # -- remembered state --------------------------------------------------------------------------------------------
    def _layout_key(self, what: str) -> str:
        """``window/1366x768/geometry``: ``what`` (geometry, state) of the layout of this screen's size."""
        return f"window/{screen_fit.screen_key(self)}/{what}"

    def _remembered(self, what: str) -> QByteArray | None:
        """This screen size's geometry or state; else the one kept before layouts were kept per screen."""
        for key in (self._layout_key(what), f"window/{what}"):
            value = self.settings.value(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                return value
        return None

    def _restore_settings(self, restore_sources: bool) -> None:
        geometry = self._remembered("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            screen_fit.clamp_into_screen(self)  # saved on a bigger screen
        self._default_state = self.saveState(LAYOUT_VERSION)
        state = self._remembered("state")
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)  # refused when saved by an older layout
        for pane in self.panes:
            if restore_sources or not pane.SESSION:
                pane.restore_state(self.settings)

    def save_settings(self) -> None:
        self.settings.setValue(self._layout_key("geometry"), self.saveGeometry())
        self.settings.setValue(self._layout_key("state"), self.saveState(LAYOUT_VERSION))
        for legacy in ("window/geometry", "window/state"):  # one layout for every screen, before
            self.settings.remove(legacy)
        for pane in self.panes:
            pane.save_state(self.settings)
        self.settings.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)

    def _toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._frame_checked:
            # The window frame's size is known once shown: fit the frame, not only the client area.
            self._frame_checked = True
            screen_fit.clamp_into_screen(self)

    def closeEvent(self, event) -> None:
        if not all(pane.can_close() for pane in self.panes):
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop both timers, then tear every pane down, the last made first (runs, sources, model worker,
        rules thread, kernel, control clients)."""
        self.frame_timer.stop()
        self.slow_timer.stop()
        for pane in reversed(self.panes):
            pane.teardown()
        if self._gc_held:
            self._gc_held = False
            gc_guard.release()


def _fill(
    target: QMenu | QToolBar, items: list[QAction | QMenu], sections: tuple[str, ...], section: str
) -> None:
    """Add a section's items; a separator first where the layout has one before it and something is above."""
    if not items:
        return
    index = sections.index(section)
    if index > 0 and sections[index - 1] == "-" and target.actions():
        target.addSeparator()
    for item in items:
        if isinstance(item, QMenu):
            if isinstance(target, QMenu):
                target.addMenu(item)
        else:
            target.addAction(item)


def _b64(data: QByteArray) -> str:
    return base64.b64encode(data.data()).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text))
