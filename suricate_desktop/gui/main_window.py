"""The workbench window: sources, streams, dashboards of live plots, the script editor, a timeline.

How data reaches the screen: every source fills its own LiveStore in its own
thread; the window reads stores only from two timers on the GUI thread, a
frame timer (30 frames a second) that redraws the visible plots, and a slow
timer (once a second) for the sources table, the streams tree and the status
bar. Nothing here waits on the network or the disk for long.

What is remembered (QSettings): window geometry (kept inside the screen it
opens on, see screen_fit) and dock layout, recent
scripts, recent workspaces and recordings, and the open sources. A workspace
file (File > Save workspace) keeps the whole session: sources, dashboards with
their plots' settings, open scripts and the layout.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox

from .. import __version__
from . import depgraph, gc_guard, screen_fit, workspace
from .console import ConsoleDock
from .dashboard import Dashboard
from .dialogs import AddBrokerDialog, RemoteAgentsDialog
from .editor import EditorPane
from .forms import resource_path
from .models import ModelsUI
from .rules import RulesPanel
from .sources.base import Source
from .sources.embedded import EmbeddedSource
from .sources.recording import RecordingSource
from .sources.registry import SourceRegistry, source_from_config
from .sources_pane import SourcesPane
from .streams_pane import StreamsPane
from .timeline import TimelineBar

log = logging.getLogger(__name__)

FRAME_MS = 33  # 30 frames a second
SLOW_MS = 1000
MAX_RECENT = 10
#: What a newcomer sees first: the sampler's CPU time by process.
FIRST_PLOT = ("sampler", "cpu_time")


class MainWindow(QMainWindow):
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
        self._control_clients: dict = {}
        self._first_plot_pending = False
        self._frame_checked = False
        self.setWindowTitle("Suricate Desktop")
        screen_fit.fit_first_run(self)  # the preferred 1400x860 where the screen has room
        self.setDockOptions(
            QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks | QMainWindow.AllowNestedDocks
        )

        self.dashboard = Dashboard()
        self.dashboard.message.connect(self.show_message)
        self.setCentralWidget(self.dashboard)

        self.sources_pane = SourcesPane(self.registry)
        self.sources_pane.addBrokerRequested.connect(self.add_broker)
        self.sources_pane.openRecordingRequested.connect(self.open_recording)
        self.sources_pane.selected.connect(self._on_source_selected)
        self.streams_pane = StreamsPane(self.registry)
        self.streams_pane.plotRequested.connect(self.plot_stream)
        self.editor = EditorPane()
        self.editor.runStarted.connect(self._on_run_started)
        self.editor.chartRequested.connect(self._on_chart_requested)
        self.editor.recentFilesChanged.connect(lambda files: self.settings.setValue("recent/scripts", files))
        remembered = self.settings.value("recent/scripts") or []  # the editor adds to them, not replaces
        self.editor.set_recent_files([remembered] if isinstance(remembered, str) else remembered)
        self.editor.status.connect(self.show_message)
        self.timeline = TimelineBar()
        self.rules_panel = RulesPanel(self.registry, self.dashboard, self.settings)
        self.rules_panel.message.connect(self.show_message)
        self.rules_panel.openRecordingRequested.connect(self.open_recording)

        self.sources_dock = self._dock("Sources", self.sources_pane, Qt.LeftDockWidgetArea, "F6")
        self.streams_dock = self._dock("Streams", self.streams_pane, Qt.LeftDockWidgetArea, "F7")
        self.editor_dock = self._dock("Script editor", self.editor, Qt.RightDockWidgetArea, "F8")
        self.timeline_dock = self._dock("Timeline", self.timeline, Qt.BottomDockWidgetArea, "F9")
        self.splitDockWidget(self.streams_dock, self.sources_dock, Qt.Vertical)
        # Plots first: the side panes start narrow, and the user widens what they use.
        self.resizeDocks([self.streams_dock, self.editor_dock], [300, 430], Qt.Horizontal)
        self.resizeDocks([self.streams_dock, self.sources_dock], [420, 220], Qt.Vertical)
        self.timeline_dock.hide()
        self._add_rules_docks()
        self.console = ConsoleDock(self)  # the kernel starts when the dock is first shown

        self.registry.added.connect(self._on_source_added)
        self.registry.removed.connect(self._on_source_removed)
        self._build_menus()
        self.depgraph_action = depgraph.install(self)  # Analytics > Dependency graph…
        self._build_status_bar()

        self.frame_timer = QTimer(self, interval=FRAME_MS, timeout=self.dashboard.refresh)
        self.slow_timer = QTimer(self, interval=SLOW_MS, timeout=self.slow_refresh)
        self.frame_timer.start()
        self.slow_timer.start()
        self.models = ModelsUI(self)  # learned models: Analytics menu, Models dock, scores on plots
        self._restore_settings(restore_sources)
        if restore_sources:
            self.models.restore_settings(self.settings)
        if not self.dashboard.count():
            self.dashboard.new_page()

    # -- layout ------------------------------------------------------------------------------------------------------
    def _dock(self, title: str, widget, area, shortcut: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower().replace(" ", "-"))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(shortcut))
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        editor_actions = {a.objectName(): a for a in self.editor.actions() if isinstance(a, QAction)}
        for name in ("new-d", "new-bpftrace", "open", "save", "save-as", "close"):
            if name in editor_actions:
                file_menu.addAction(editor_actions[name])
        self.recent_scripts_menu = file_menu.addMenu("Recent scripts")
        self.recent_scripts_menu.aboutToShow.connect(self._fill_recent_scripts)
        file_menu.addSeparator()
        self.open_recording_action = self._action("Open &recording…", self.open_recording, "Ctrl+Shift+O")
        file_menu.addAction(self.open_recording_action)
        file_menu.addAction(
            self._action("&Import file… (dtrace, bpftrace JSON, CSV)", self.import_file, "Ctrl+I")
        )
        file_menu.addAction(self._action("Open &sample recording", self.open_sample_recording))
        self.recent_recordings_menu = file_menu.addMenu("Recent recordings")
        self.recent_recordings_menu.aboutToShow.connect(self._fill_recent_recordings)
        file_menu.addSeparator()
        file_menu.addAction(self._action("Open &workspace…", self.open_workspace_dialog, "Ctrl+Alt+O"))
        file_menu.addAction(self._action("Save w&orkspace", self.save_workspace, "Ctrl+Alt+S"))
        file_menu.addAction(self._action("Save workspace &as…", self.save_workspace_as))
        self.recent_workspaces_menu = file_menu.addMenu("Recent workspaces")
        self.recent_workspaces_menu.aboutToShow.connect(self._fill_recent_workspaces)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.Quit))

        edit_menu = bar.addMenu("&Edit")
        for name in ("undo", "redo", "cut", "copy", "paste", "find", "replace"):
            if name in editor_actions:
                edit_menu.addAction(editor_actions[name])

        view_menu = bar.addMenu("&View")
        for dock in (
            self.sources_dock,
            self.streams_dock,
            self.editor_dock,
            self.timeline_dock,
            self.rules_dock,
            self.alerts_dock,
            self.console.dock,
        ):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self._action("New &dashboard", lambda: self.dashboard.new_page(), "Ctrl+T"))
        view_menu.addAction(self._action("&Full screen", self._toggle_full_screen, QKeySequence.FullScreen))
        view_menu.addAction(self._action("&Reset layout", self.reset_layout))

        sources_menu = bar.addMenu("&Sources")
        sources_menu.addAction(self._action("Add &broker…", self.add_broker, "Ctrl+B"))
        sources_menu.addAction(self.open_recording_action)
        sources_menu.addAction(self._action("Start the &embedded sampler", self.add_embedded))
        sources_menu.addAction(self._action("Remote &agents…", self.edit_remote_agents))
        sources_menu.addAction(self.sources_pane.remove_action)

        bar.addMenu(self.rules_panel.menu(self))
        run_menu = bar.addMenu("&Run")
        for name in ("run", "stop"):
            if name in editor_actions:
                run_menu.addAction(editor_actions[name])
        templates = next((m for m in self.editor.actions() if not isinstance(m, QAction)), None)
        if templates is not None:
            bar.addMenu(templates)

        #: Learned models, the dependency graph (filled by gui/models and gui/depgraph).
        self.analytics_menu = bar.addMenu("&Analytics")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("&About Suricate Desktop", self.show_about))

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for name in ("new-d", "open", "save", "run", "stop"):
            if name in editor_actions:
                toolbar.addAction(editor_actions[name])
        toolbar.addSeparator()
        toolbar.addAction(self.sources_pane.add_broker_action)
        toolbar.addAction(self.open_recording_action)

    def _add_rules_docks(self) -> None:
        """The rules panel and the alert history, side by side at the bottom, hidden until asked for (F10, F12)
        or until a tray notification is clicked."""
        self.rules_dock = self._dock("Rules", self.rules_panel, Qt.BottomDockWidgetArea, "F10")
        self.alerts_dock = self._dock(
            "Alert history", self.rules_panel.timeline, Qt.BottomDockWidgetArea, "F12"
        )
        self.splitDockWidget(self.rules_dock, self.alerts_dock, Qt.Horizontal)
        self.rules_dock.hide()
        self.alerts_dock.hide()

        def show_history() -> None:
            self.alerts_dock.show()
            self.alerts_dock.raise_()

        self.rules_panel.showHistoryRequested.connect(show_history)

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_status_bar(self) -> None:
        # Every connection's state on the left, a passing message in the middle, rates on the right.
        self.sources_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #0550ae")
        self.rate_label = QLabel()
        self.statusBar().addPermanentWidget(self.sources_label, 3)
        self.statusBar().addPermanentWidget(self.message_label, 2)
        self.statusBar().addPermanentWidget(self.rate_label)
        self._message_timer = QTimer(self, singleShot=True, interval=8000, timeout=self.message_label.clear)

    def show_message(self, text: str) -> None:
        """A passing message (a heatmap cell, a saved file) for eight seconds."""
        self.message_label.setText(text)
        self._message_timer.start()

    # -- the slow timer ----------------------------------------------------------------------------------------------
    def slow_refresh(self) -> None:
        self.sources_pane.refresh()
        self.streams_pane.refresh()
        states, rate, rejected = self.sources_pane.summary()
        self.sources_label.setText(states)
        self.rate_label.setText(f"{rate:,.0f} snapshots/s   {rejected:,} rejected")
        if self._first_plot_pending:
            self._first_plot()

    def _first_plot(self) -> None:
        """A newcomer's first sight: the sampler's CPU time by process, as soon as it exists."""
        for source in self.registry:
            if isinstance(source, EmbeddedSource):
                stream = self.streams_pane.first_stream(source, *FIRST_PLOT)
                if stream:
                    self.plot_stream(source, stream)
                    self._first_plot_pending = False
                return

    # -- sources -----------------------------------------------------------------------------------------------------
    def add_embedded(self) -> Source:
        return self.registry.add(EmbeddedSource())

    def add_broker(self) -> None:
        config = AddBrokerDialog(self).exec()  # safe: a modal dialog's exec, returns plain settings
        if config is None:
            return
        if not config["bindings"] and not config["legacy_queues"]:
            QMessageBox.warning(self, "Add broker", "Give at least one binding pattern or legacy queue.")
            return
        self.registry.add(source_from_config(config))

    def open_recording(self, path: str | None = None) -> Source | None:
        if not path:
            start = self.settings.value("recent/recording-dir", str(Path.home()))
            path = QFileDialog.getExistingDirectory(
                self, "Open a recording (a folder of Parquet segments)", start
            )
            if not path:
                return None
        try:
            source = RecordingSource(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Open recording", f"Cannot open {path}:\n{exc}")
            return None
        self._remember("recent/recordings", str(path))
        self.settings.setValue("recent/recording-dir", str(Path(path).parent))
        self.registry.add(source)
        return source

    def import_file(self, path: str | None = None) -> Source | None:
        """Open another tool's output (dtrace(1) text, a bpftrace -f json log, CSV) like a recording."""
        if not path:
            start = self.settings.value("recent/recording-dir", str(Path.home()))
            path, _ = QFileDialog.getOpenFileName(
                self,
                "Import a file",
                start,
                "Tracer output (*.txt *.out *.log *.json *.jsonl *.csv);;All files (*)",
            )
            if not path:
                return None
        return self.open_recording(path)

    def open_sample_recording(self) -> Source | None:
        return self.open_recording(str(resource_path("recordings", "bpftrace-demo")))

    def edit_remote_agents(self) -> None:
        remote = self._remote_settings()
        config = RemoteAgentsDialog(
            self, remote["broker"], remote["hosts"], remote["secret_file"]
        ).exec()  # safe: modal dialog
        if config is not None:
            self.settings.setValue("remote", json.dumps(config))
            self._apply_remote(config)

    def _remote_settings(self) -> dict:
        default = {"broker": "", "hosts": [], "secret_file": ""}
        return {**default, **json.loads(self.settings.value("remote", "{}") or "{}")}

    def _apply_remote(self, config: dict) -> None:
        """Offer the hosts to the editor; one signed control client per host, made when first used."""
        for client in self._control_clients.values():
            client.close()
        self._control_clients = {}
        if not config.get("hosts"):
            self.editor.set_remote_hosts([])
            return

        def client_for(host: str):
            if host not in self._control_clients:
                from ..transport.control import ControlClient, load_secret

                secret = load_secret(config.get("secret_file") or None)
                self._control_clients[host] = ControlClient(config["broker"], host, secret)
            return self._control_clients[host]

        self.editor.set_remote_hosts(config["hosts"], broker_url=config["broker"], client_factory=client_for)

    def plot_stream(self, source: Source, stream: tuple, chart: str = "auto") -> None:
        self.dashboard.add_plot(source, stream, chart)

    def _on_source_added(self, source: Source) -> None:
        self.show_message(f"Opened {source.name}")
        if isinstance(source, RecordingSource):
            self.timeline.set_source(source)
            self.timeline_dock.show()
            self.sources_pane.select(source)

    def _on_source_removed(self, source: Source) -> None:
        self.dashboard.drop_source(source)
        if getattr(self.timeline, "source", None) is source:
            self.timeline.set_source(None)
            self.timeline_dock.hide()

    def _on_source_selected(self, source: Source | None) -> None:
        if isinstance(source, RecordingSource):
            self.timeline.set_source(source)
            self.timeline_dock.show()

    def _on_run_started(self, source: Source) -> None:
        self.registry.add(source)

    def _on_chart_requested(self, store, stream: tuple, chart: str) -> None:
        source = next((s for s in self.registry if s.store is store), None)
        if source is not None:
            self.plot_stream(source, tuple(stream), chart)

    # -- workspace ---------------------------------------------------------------------------------------------------
    def workspace_document(self) -> dict:
        doc = {
            "sources": [s.to_config() for s in self.registry if s.kind != "run"],
            "dashboards": self.dashboard.state(),
            "editor": self.editor.state(),
            "rules": self.rules_panel.state(),
            "window": {"geometry": _b64(self.saveGeometry()), "state": _b64(self.saveState())},
        }
        if self.workspace_path is not None:
            doc["models"] = self.models.workspace_state(self.workspace_path)
        return doc

    def save_workspace(self) -> bool:
        if self.workspace_path is None:
            return self.save_workspace_as()
        workspace.save(self.workspace_path, self.workspace_document())
        self._remember("recent/workspaces", str(self.workspace_path))
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
        for source in list(self.registry):
            self.registry.remove(source)
        problems = []
        for config in doc.get("sources", []):
            try:
                self.registry.add(source_from_config(config))
            except (OSError, ValueError, KeyError) as exc:
                problems.append(f"source {config.get('name', '?')}: {exc}")
        problems += [
            f"plot {p}: its source is gone"
            for p in self.dashboard.restore(doc.get("dashboards", []), self.registry.by_name)
        ]
        self.editor.restore(doc.get("editor", {}))
        self.rules_panel.restore(doc.get("rules"))
        problems += self.models.restore_workspace(doc.get("models"), Path(path))
        window = doc.get("window", {})
        if window.get("geometry"):
            self.restoreGeometry(_unb64(window["geometry"]))
            screen_fit.clamp_into_screen(self)  # saved on a bigger screen
        if window.get("state"):
            self.restoreState(_unb64(window["state"]))
        self.workspace_path = Path(path)
        self._remember("recent/workspaces", str(path))
        self._first_plot_pending = False
        if problems:
            QMessageBox.information(self, "Open workspace", "Opened, except:\n" + "\n".join(problems))
        return True

    # -- remembered state --------------------------------------------------------------------------------------------
    def _restore_settings(self, restore_sources: bool) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            screen_fit.clamp_into_screen(self)  # saved on a bigger screen
        self._default_state = self.saveState()
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        self.editor.restore(
            {"lang": self.settings.value("editor/lang")}
        )  # unset: the local tracer's language
        remote = self._remote_settings()
        if remote["hosts"]:
            self._apply_remote(remote)
        if not restore_sources:
            return
        configs = json.loads(self.settings.value("sources", "null") or "null")
        if configs is None:  # first run: the embedded default, and a plot of it
            self.add_embedded()
            self._first_plot_pending = True
        else:
            for config in configs:
                try:
                    self.registry.add(source_from_config(config))
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("cannot reopen source %s: %s", config.get("name"), exc)
        dashboards = json.loads(self.settings.value("dashboards", "null") or "null")
        if dashboards:
            self.dashboard.restore(dashboards, self.registry.by_name)
        elif configs is not None and any(isinstance(s, EmbeddedSource) for s in self.registry):
            self._first_plot_pending = True

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.editor.chosen_lang:
            self.settings.setValue("editor/lang", self.editor.chosen_lang)
        self.settings.setValue(
            "sources", json.dumps([s.to_config() for s in self.registry if s.kind != "run"])
        )
        self.settings.setValue("dashboards", json.dumps(self.dashboard.state()))
        self.models.save_settings(self.settings)
        self.settings.sync()

    def _remember(self, key: str, value: str) -> None:
        items = [v for v in (self.settings.value(key) or []) if v != value]
        self.settings.setValue(key, [value, *items][:MAX_RECENT])

    def _fill_recent(self, menu, key: str, open_one) -> None:
        menu.clear()
        items = self.settings.value(key) or []
        if isinstance(items, str):
            items = [items]
        for item in items:
            menu.addAction(item, lambda checked=False, p=item: open_one(p))
        menu.setEnabled(bool(items))

    def _fill_recent_scripts(self) -> None:
        self._fill_recent(self.recent_scripts_menu, "recent/scripts", self.editor.open_file)

    def _fill_recent_recordings(self) -> None:
        self._fill_recent(self.recent_recordings_menu, "recent/recordings", self.open_recording)

    def _fill_recent_workspaces(self) -> None:
        self._fill_recent(self.recent_workspaces_menu, "recent/workspaces", self.open_workspace)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)

    def _toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.findChildren(QAction):
            if action.shortcut().toString() and action.text():
                rows.append(
                    (action.text().replace("&", ""), action.shortcut().toString(QKeySequence.NativeText))
                )
        table = "".join(f"<tr><td>{t}</td><td><b>{k}</b></td></tr>" for t, k in sorted(set(rows)))
        QMessageBox.information(self, "Keyboard shortcuts", f"<table cellspacing=6>{table}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Suricate Desktop",
            f"<b>Suricate Desktop {__version__}</b><p>Trace hosts with DTrace, bpftrace or the sampler, "
            "stream their aggregations over AMQP, record, replay and plot them.</p>",
        )

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._frame_checked:
            # The window frame's size is known once shown: fit the frame, not only the client area.
            self._frame_checked = True
            screen_fit.clamp_into_screen(self)

    def closeEvent(self, event) -> None:
        if not self.editor.maybe_save_all():
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every timer, run, source, model worker, rules thread, kernel and control client."""
        self.frame_timer.stop()
        self.slow_timer.stop()
        self.editor.stop_all(timeout=10)
        self.models.shutdown()
        self.registry.stop_all()
        self.rules_panel.shutdown()
        self.console.shutdown()
        for client in self._control_clients.values():
            client.close()
        if self._gc_held:
            self._gc_held = False
            gc_guard.release()


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def _unb64(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text))
