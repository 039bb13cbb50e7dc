"""The script editor in the window (F8), and Sources > Remote agents…, which offers remote hosts to it.

The editor's own menus (File, Edit, Run, Templates) are built by ``EditorPane``; this pane
places its actions, by ``objectName``, in the window's menus and toolbar.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from ..dialogs import RemoteAgentsDialog
from ..editor import EditorPane
from ..pane import Entry, Pane
from ..sources.base import Source
from .recent import recent_menu

if TYPE_CHECKING:
    from ...transport.control import ControlClient
    from ..main_window import MainWindow

FILE = ("new-d", "new-bpftrace", "open", "save", "save-as", "close")
EDIT = ("undo", "redo", "cut", "copy", "paste", "find", "replace")
RUN = ("run", "stop")
TOOLBAR = ("new-d", "open", "save", "run", "stop")


class Editor(Pane):
    """The Script editor dock: File's scripts, Edit, Run, Templates and the toolbar's script actions."""

    name = "editor"

    def create(self, window: MainWindow) -> None:
        self.window = window
        editor = window.editor = EditorPane()
        editor.runStarted.connect(self._on_run_started)
        editor.chartRequested.connect(self._on_chart_requested)
        editor.recentFilesChanged.connect(lambda files: window.settings.setValue("recent/scripts", files))
        editor.status.connect(window.show_message)
        self.dock = window.editor_dock = self.add_dock(
            window, "Script editor", editor, Qt.DockWidgetArea.RightDockWidgetArea, "F8"
        )
        named = {a.objectName(): a for a in editor.actions() if isinstance(a, QAction)}
        templates = next((m for m in editor.actions() if isinstance(m, QMenu)), None)
        self._entries = [Entry("View/panes", self.dock.toggleViewAction())]
        self._entries += [Entry("File/scripts", named[n]) for n in FILE if n in named]
        self._entries.append(
            Entry(
                "File/scripts",
                recent_menu("Recent scripts", window, window.settings, "recent/scripts", editor.open_file),
            )
        )
        self._entries += [Entry("Edit/edit", named[n]) for n in EDIT if n in named]
        self._entries += [Entry("Run/run", named[n]) for n in RUN if n in named]
        if templates is not None:
            self._entries.append(Entry("Templates/templates", templates))
        self._entries += [Entry("toolbar/scripts", named[n]) for n in TOOLBAR if n in named]

    def entries(self) -> list[Entry]:
        return self._entries

    def _on_run_started(self, source: Source) -> None:
        self.window.registry.add(source)

    def _on_chart_requested(self, store: object, stream: tuple, chart: str) -> None:
        source = next((s for s in self.window.registry if s.store is store), None)
        if source is not None:
            self.window.plot_stream(source, tuple(stream), chart)

    def save_state(self, settings: QSettings) -> None:
        if self.window.editor.chosen_lang:
            settings.setValue("editor/lang", self.window.editor.chosen_lang)

    def restore_state(self, settings: QSettings) -> None:
        remembered = settings.value("recent/scripts") or []  # the editor adds to them, not replaces
        self.window.editor.set_recent_files([remembered] if isinstance(remembered, str) else remembered)
        self.window.editor.restore(
            {"lang": settings.value("editor/lang")}
        )  # unset: the local tracer's language

    def workspace_state(self, path: Path | None) -> object:
        return self.window.editor.state()

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        self.window.editor.restore(doc if isinstance(doc, dict) else {})
        return []

    def can_close(self) -> bool:
        return bool(self.window.editor.maybe_save_all())

    def teardown(self) -> None:
        self.window.editor.stop_all(timeout=10)


def remote_config(settings: QSettings) -> dict:
    """The Remote agents setting: ``broker``, ``hosts``, ``secret_file`` (the workers' jobs use its secret),
    ``tls_ca`` (the private CA an amqps:// broker is verified against; empty: the system's CAs)."""
    default = {"broker": "", "hosts": [], "secret_file": "", "tls_ca": ""}
    try:
        remembered = json.loads(str(settings.value("remote", "{}") or "{}"))
    except ValueError:
        remembered = {}
    return {**default, **(remembered if isinstance(remembered, dict) else {})}


class RemoteAgents(Pane):
    """Sources > Remote agents…: the hosts' agents the editor can run on, one control client per host."""

    name = "remote"

    def create(self, window: MainWindow) -> None:
        self.window = window
        self._clients: dict[str, ControlClient] = {}
        self._entries = [Entry("Sources/remote", self.action(window, "Remote &agents…", self.edit))]

    def entries(self) -> list[Entry]:
        return self._entries

    def edit(self) -> None:
        remote = self._remembered(self.window.settings)
        config = RemoteAgentsDialog(
            self.window, remote["broker"], remote["hosts"], remote["secret_file"], remote["tls_ca"]
        ).exec()  # safe: modal dialog
        if config is not None:
            self.window.settings.setValue("remote", json.dumps(config))
            self._apply(config)

    @staticmethod
    def _remembered(settings: QSettings) -> dict:
        return remote_config(settings)

    def restore_state(self, settings: QSettings) -> None:
        remote = self._remembered(settings)
        if remote["hosts"]:
            self._apply(remote)

    def _apply(self, config: dict) -> None:
        """Offer the hosts to the editor; one signed control client per host, made when first used."""
        self._close_clients()
        if not config.get("hosts"):
            self.window.editor.set_remote_hosts([])
            return

        tls_ca = config.get("tls_ca") or None

        def client_for(host: str) -> ControlClient:
            if host not in self._clients:
                from ...transport.control import ControlClient, load_secret

                secret = load_secret(config.get("secret_file") or None)
                self._clients[host] = ControlClient(config["broker"], host, secret, tls_ca=tls_ca)
            return self._clients[host]

        self.window.editor.set_remote_hosts(
            config["hosts"], broker_url=config["broker"], client_factory=client_for, tls_ca=tls_ca
        )

    def _close_clients(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients = {}

    def teardown(self) -> None:
        self._close_clients()
