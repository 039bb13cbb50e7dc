"""The Sources and Streams panes in the window, and the ways to open a source (broker, recording, file).

The sources of the session are remembered in QSettings (``sources``) and kept in workspace
files; closing the window stops them all.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QSplitter

from ..dialogs import AddBrokerDialog
from ..forms import resource_path
from ..pane import Entry, Pane
from ..sources.base import Source
from ..sources.embedded import EmbeddedSource
from ..sources.recording import RecordingSource, open_in_background
from ..sources.registry import source_from_config
from ..sources_pane import SourcesPane
from ..streams_pane import StreamsPane
from ..workers_view import WorkersView
from .editor import remote_config
from .recent import recent_menu, remember

if TYPE_CHECKING:
    from ..main_window import MainWindow

log = logging.getLogger(__name__)
#: The bundled sample recording (File > Open sample recording), under the resources.
SAMPLE = ("recordings", "bpftrace-demo")


class Sources(Pane):
    """The Sources dock (F6) with the workers seen on its brokers, File's recordings, the Sources menu; the
    registry's sources as session state."""

    name = "sources"
    SESSION = True

    def create(self, window: MainWindow) -> None:
        self.window = window
        self.registry = window.registry
        self.settings = window.settings
        pane = window.sources_pane = SourcesPane(self.registry)
        pane.addBrokerRequested.connect(self.add_broker)
        pane.openRecordingRequested.connect(self.open_recording)
        workers = window.workers_view = WorkersView(self.registry, self.job_secret)
        workers.message.connect(window.show_message)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("sources-split")
        split.addWidget(pane)
        split.addWidget(workers)
        # The sources first: the workers (shown once a broker source is open) take the lesser share.
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.dock = window.sources_dock = self.add_dock(
            window, "Sources", split, Qt.DockWidgetArea.LeftDockWidgetArea, "F6"
        )
        self.open_recording_action = self.action(
            window, "Open &recording…", lambda: self.open_recording(), "Ctrl+Shift+O"
        )
        self.registry.added.connect(self._on_added)
        w = window
        self._entries = [
            Entry("View/panes", self.dock.toggleViewAction()),
            Entry("File/recordings", self.open_recording_action),
            Entry(
                "File/recordings",
                self.action(
                    w, "&Import file… (dtrace, bpftrace JSON, CSV)", lambda: self.import_file(), "Ctrl+I"
                ),
            ),
            Entry(
                "File/recordings",
                self.action(
                    w, "Open &sample recording", lambda: self.open_in_background(str(resource_path(*SAMPLE)))
                ),
            ),
            Entry(
                "File/recordings",
                recent_menu(
                    "Recent recordings", w, self.settings, "recent/recordings", self.open_in_background
                ),
            ),
            Entry("Sources/add", self.action(w, "Add &broker…", self.add_broker, "Ctrl+B")),
            Entry("Sources/add", self.open_recording_action),
            Entry("Sources/add", self.action(w, "Start the &embedded sampler", self.add_embedded)),
            Entry("Sources/remove", pane.remove_action),
            Entry("toolbar/sources", pane.add_broker_action),
            Entry("toolbar/sources", self.open_recording_action),
        ]

    def entries(self) -> list[Entry]:
        return self._entries

    def refresh(self) -> None:
        self.window.sources_pane.refresh()
        self.window.workers_view.refresh()

    def job_secret(self) -> tuple[bytes | None, str]:
        """The control secret of Sources > Remote agents… (else $SURICATE_CONTROL_SECRET) that signs jobs."""
        from ...transport.control_messages import SecretError, load_secret
        from ...transport.settings import SECRET_ENV

        secret_file = remote_config(self.settings).get("secret_file") or None
        if secret_file is None and not os.environ.get(SECRET_ENV):
            return None, f"no control secret is configured (no secret file, no ${SECRET_ENV})"
        try:
            return load_secret(secret_file), ""
        except SecretError as exc:
            return None, str(exc)

    # -- opening sources ---------------------------------------------------------------------------------------------
    def add_embedded(self) -> Source:
        return self.registry.add(EmbeddedSource())

    def add_broker(self) -> None:
        config = AddBrokerDialog(self.window).exec()  # safe: a modal dialog's exec, returns plain settings
        if config is None:
            return
        if not config["bindings"] and not config["legacy_queues"]:
            QMessageBox.warning(
                self.window, "Add broker", "Give at least one binding pattern or legacy queue."
            )
            return
        try:
            self.registry.add(source_from_config(config))
        except (OSError, ValueError) as exc:  # a CA file that cannot be used, a malformed URL
            QMessageBox.warning(self.window, "Add broker", str(exc))

    def open_recording(self, path: str | None = None) -> Source | None:
        if not path:
            start = str(self.settings.value("recent/recording-dir", str(Path.home())))
            path = QFileDialog.getExistingDirectory(
                self.window, "Open a recording (a folder of Parquet segments)", start
            )
            if path:
                self.open_in_background(path)  # chosen in the dialog: read in a thread, joins when read
            return None
        try:
            source = RecordingSource(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, "Open recording", f"Cannot open {path}:\n{exc}")
            return None
        remember(self.settings, "recent/recordings", str(path))
        self.settings.setValue("recent/recording-dir", str(Path(path).parent))
        self.registry.add(source)
        return source

    def import_file(self, path: str | None = None) -> Source | None:
        """Open another tool's output (dtrace(1) text, a bpftrace -f json log, CSV) like a recording."""
        if not path:
            start = str(self.settings.value("recent/recording-dir", str(Path.home())))
            path, _ = QFileDialog.getOpenFileName(
                self.window,
                "Import a file",
                start,
                "Tracer output (*.txt *.out *.log *.json *.jsonl *.csv);;All files (*)",
            )
            if not path:
                return None
        return self.open_recording(path)

    def open_sample_recording(self) -> Source | None:
        return self.open_recording(str(resource_path(*SAMPLE)))

    def open_in_background(self, path: str) -> None:
        """The menus' way: the files are read in a thread, the source joins when they are (no freeze)."""
        self.window.show_message(f"Opening {Path(path).name}…")

        def opened(result) -> None:
            if isinstance(result, Exception):
                QMessageBox.warning(self.window, "Open recording", f"Cannot open {path}:\n{result}")
                return
            remember(self.settings, "recent/recordings", path)
            self.settings.setValue("recent/recording-dir", str(Path(path).parent))
            self.registry.add(result)

        open_in_background(path, opened)

    def _on_added(self, source: Source) -> None:
        self.window.show_message(f"Opened {source.name}")
        if isinstance(source, RecordingSource):
            self.window.sources_pane.select(source)

    # -- state -------------------------------------------------------------------------------------------------------
    def _configs(self) -> list[dict]:
        return [s.to_config() for s in self.registry if s.kind != "run"]

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("sources", json.dumps(self._configs()))

    def restore_state(self, settings: QSettings) -> None:
        configs = json.loads(str(settings.value("sources", "null") or "null"))
        if configs is None:  # first run: the embedded default, and a plot of it
            self.add_embedded()
            self.window.first_plot_pending = True
            return
        for config in configs:
            try:
                self.registry.add(source_from_config(config))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("cannot reopen source %s: %s", config.get("name"), exc)

    def workspace_state(self, path: Path | None) -> object:
        return self._configs()

    def restore_workspace(self, doc: object, path: Path) -> list[str]:
        for source in list(self.registry):
            self.registry.remove(source)
        problems = []
        for config in doc if isinstance(doc, list) else []:
            try:
                self.registry.add(source_from_config(config))
            except (OSError, ValueError, KeyError) as exc:
                problems.append(f"source {config.get('name', '?')}: {exc}")
        return problems

    def teardown(self) -> None:
        self.registry.stop_all()


class Streams(Pane):
    """The Streams dock (F7): every stream of every source; activating one plots it."""

    name = "streams"

    def create(self, window: MainWindow) -> None:
        self.window = window
        pane = window.streams_pane = StreamsPane(window.registry)
        pane.plotRequested.connect(window.plot_stream)
        self.dock = window.streams_dock = self.add_dock(
            window, "Streams", pane, Qt.DockWidgetArea.LeftDockWidgetArea, "F7"
        )

    def entries(self) -> list[Entry]:
        return [Entry("View/panes", self.dock.toggleViewAction())]

    def refresh(self) -> None:
        self.window.streams_pane.refresh()
