"""Learned models in the workbench: the Learn baseline dialog, live scores, shaded anomalies, the Models pane.

``ModelsUI(window)`` adds them to a ``MainWindow``: an Analytics menu (Learn baseline…,
Ctrl+Shift+L; Attach saved model…; the Models pane, Ctrl+Shift+M), the Models dock, the marks
on every plot card, and live scoring on the window's slow timer. The window calls
``workspace_state``/``restore_workspace`` with its workspace file, ``save_settings``/
``restore_settings`` with its QSettings, and ``shutdown`` when it closes.

Parts: ``manager`` (attached models, the scoring worker, spans, persistence), ``overlay``
(score strips, shading, maintenance spans on plots), ``learn_dialog``, ``models_pane``.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMessageBox

from .. import workspace
from ..streams_pane import STREAM_ROLE
from .learn_dialog import LearnBaselineDialog
from .manager import AttachedModel, ModelManager
from .models_pane import ModelsPane
from .overlay import ModelOverlays, StreamMarks

__all__ = [
    "AttachedModel",
    "LearnBaselineDialog",
    "ModelManager",
    "ModelOverlays",
    "ModelsPane",
    "ModelsUI",
    "StreamMarks",
    "default_folder",
]

SETTINGS_KEY = "models"


def default_folder(settings) -> Path:
    """Where models go before a workspace is saved: ``models/`` beside the settings file."""
    return Path(settings.fileName()).resolve().parent / "models"


class ModelsUI(QObject):
    """Everything learned models add to the main window (see the module docstring)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.manager = ModelManager(default_folder(window.settings), self)
        registry = window.registry
        self.manager.bind_sources(registry.by_name, lambda: list(registry))
        registry.added.connect(self.manager.source_added)
        registry.removed.connect(self.manager.source_removed)
        self.manager.message.connect(window.show_message)
        self.manager.attached.connect(self._attached)
        self.manager.untrusted.connect(self._ask_trust)
        # one registry per workspace: the rules' model:NAME scorers are this folder's models
        rules = getattr(window, "rules_panel", None)
        if rules is not None:
            self.manager.registryChanged.connect(rules.models_changed)
            rules.use_model_registry(lambda: self.manager.registry)

        self.pane = ModelsPane(self.manager)
        self.pane.learnRequested.connect(self.learn_baseline)
        self.pane.attachRequested.connect(self.attach_saved)
        self.pane.plotRequested.connect(window.plot_stream)
        self.dock = QDockWidget("Models", window)
        self.dock.setObjectName("models")
        self.dock.setWidget(self.pane)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.toggleViewAction().setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.dock.hide()

        self.overlays = ModelOverlays(window.dashboard, self.manager, self)
        window.slow_timer.timeout.connect(self.manager.tick)
        self.dialog: LearnBaselineDialog | None = None
        self._build_menu()

    def _build_menu(self) -> None:
        menu = self.window.analytics_menu
        menu.addSeparator()
        self.menu = menu
        self.learn_action = QAction("&Learn baseline…", self.window)
        self.learn_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.learn_action.triggered.connect(lambda: self.learn_baseline())
        self.window.addAction(self.learn_action)
        menu.addAction(self.learn_action)
        attach = QAction("&Attach saved model…", self.window)
        attach.triggered.connect(self.attach_saved)
        menu.addAction(attach)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        self.window.addAction(self.dock.toggleViewAction())

    # -- actions ---------------------------------------------------------------------------------------------------------
    def learn_baseline(self, preselect: tuple | None = None) -> LearnBaselineDialog:
        """Open the Learn baseline dialog, on the stream selected in the Streams pane if there is one."""
        if preselect is None:
            item = self.window.streams_pane.tree.currentItem()
            data = item.data(0, STREAM_ROLE) if item is not None else None
            preselect = (data[0], tuple(data[1])) if data else None
        self.dialog = LearnBaselineDialog(
            self.window, list(self.window.registry), self.manager, self.window.settings, preselect
        )
        self.dialog.open()
        return self.dialog

    def attach_saved(self) -> None:
        attached = {m.name for m in self.manager.models}
        names = [n for n in self.manager.registry.names() if n not in attached]
        if not names:
            QMessageBox.information(
                self.window, "Attach saved model", f"No detached model in {self.manager.registry.root}."
            )
            return
        name, ok = QInputDialog.getItem(self.window, "Attach saved model", "Model:", names, 0, False)
        if ok:
            self.manager.attach_saved(name)

    def _ask_trust(self, name: str, source_name: str, types: list) -> None:
        """A saved model holds a user estimator of types nobody trusted: loading it is the user's call."""
        answer = QMessageBox.question(
            self.window,
            "Load a model with an estimator",
            f"The model {name} holds an estimator of these types:\n\n"
            + "\n".join(types)
            + "\n\nLoad it only if you trust where the model file came from. Load it?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.manager.attach_saved(name, source_name, trusted=types)

    def _attached(self, model) -> None:
        if self.dock.isHidden():
            self.dock.show()
            self.window.resizeDocks(
                [self.dock], [150], Qt.Orientation.Vertical
            )  # a list, not half the window
        self.pane.select(model)
        if model.source is None:
            return
        for stream in model.streams:  # its score strip and shading need a plot of each of its streams
            if not any(
                card.source is model.source and card.stream == stream
                for page in self.window.dashboard.pages()
                for card in page.cards
            ):
                self.window.plot_stream(model.source, stream)

    # -- persistence -----------------------------------------------------------------------------------------------------
    def workspace_state(self, path: Path) -> dict:
        """Save the models into the workspace's models folder; what the workspace file keeps of them."""
        path = Path(path)
        return self.manager.state(workspace.models_folder(path), relative_to=path.parent)

    def restore_workspace(self, doc: dict | None, path: Path) -> list[str]:
        if doc is None:  # a workspace saved before models existed: its folder, empty
            self.manager.restore(None)
            self.manager.set_folder(workspace.models_folder(path))
            return []
        return self.manager.restore(doc, Path(path).parent)

    def save_settings(self, settings) -> None:
        try:
            settings.setValue(SETTINGS_KEY, json.dumps(self.manager.state()))
        except OSError as exc:
            self.window.show_message(f"Cannot save the models: {exc}")

    def restore_settings(self, settings) -> None:
        doc = json.loads(settings.value(SETTINGS_KEY, "null") or "null")
        if doc:
            for problem in self.manager.restore(doc):
                self.window.show_message(problem)

    def shutdown(self) -> None:
        self.manager.shutdown()
