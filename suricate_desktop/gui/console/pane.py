"""The console pane: a Jupyter console on the workbench (``ws``), its figures, its background jobs.

Made by ``ConsoleDock`` the first time the pane is shown (a kernel costs tens of megabytes,
which a user who never opens the console should not pay), in steps: the widgets, then
``start_kernel()`` at a later turn of the event loop, so neither holds the GUI thread long.

Threads: user code runs on the GUI thread (in-process kernel, see kernel.py); long work
goes to ``ws.background`` workers; attached models are the Models dock's, scored by its
``model-scoring`` worker (they outlive a kernel restart: they belong to the workspace). A timer here (every ``POLL_MS``) reads the jobs' progress and hands each finished
job's result to the namespace, on the GUI thread.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...analytics.jobs import Job
from .api import ConsoleWorkspace
from .figures import FigurePane
from .kernel import ConsoleKernel
from .notebook import SessionRecorder

POLL_MS = 250
BANNER = (
    'Suricate console: `ws` is this workbench (help(ws)): ws.streams, ws.frame("name"), ws.plot(series), '
    "ws.models, ws.background(fn, ...).\npd, np and sklearn are imported. Restart: Ctrl+. · Export as a "
    "notebook: Ctrl+Shift+E\n"
)


class ConsolePane(QWidget):
    """Signals: ``progress(text, percent)``: background work for the status bar (percent -1: busy,
    text "" when nothing runs); ``exitRequested``: the user typed ``exit``."""

    progress = Signal(str, int)
    exitRequested = Signal()

    def __init__(
        self, window, models=None, settings: QSettings | None = None, parent=None, start_kernel: bool = True
    ):
        super().__init__(parent)
        from qtconsole.rich_jupyter_widget import RichJupyterWidget

        self._window = window
        self._models = models  # the ModelHost behind ws.models
        self.settings = settings or QSettings("Suricate", "Suricate Desktop")
        self.recorder = SessionRecorder()
        self.figures = FigurePane()
        self.kernel = ConsoleKernel()
        self.ws: ConsoleWorkspace | None = None

        self.console = RichJupyterWidget(banner=BANNER, gui_completion="droplist")
        self.console.kernel_banner = ""
        self.console.exit_requested.connect(lambda _widget: self.exitRequested.emit())
        if start_kernel:
            self.start_kernel()

        self.restart_action = self._action(
            "Restart kernel",
            "Ctrl+.",
            self.restart_kernel,
            "A fresh namespace with ws, pd, np, sklearn (variables are lost)",
        )
        self.export_action = self._action(
            "Export notebook…",
            "Ctrl+Shift+E",
            self.export_dialog,
            "Save this session (inputs and outputs) as a Jupyter notebook",
        )
        self.clear_overlays_action = self._action(
            "Clear overlays", None, self._clear_overlays, "Take ws.plot's curves off the live plots"
        )
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.restart_action, self.export_action, self.clear_overlays_action):
            toolbar.addAction(action)
        self.job_label = QLabel()
        self.job_bar = QProgressBar(textVisible=False)
        self.job_bar.setMaximumWidth(160)
        self.cancel_button = QToolButton(autoRaise=True)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Cancel the newest background job")
        self.cancel_button.clicked.connect(self._cancel_newest)
        toolbar.addSeparator()
        # a widget in a tool bar is shown and hidden through its action
        self._job_actions = [toolbar.addWidget(w) for w in (self.job_label, self.job_bar, self.cancel_button)]
        self._show_jobs([])

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.console)
        self.splitter.addWidget(self.figures)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        layout.addWidget(self.splitter, 1)

        self.job_timer = QTimer(self, interval=POLL_MS)
        self.job_timer.timeout.connect(self.poll_jobs)
        self.job_timer.start()

    def _action(self, text, shortcut, slot, tip) -> QAction:
        action = QAction(text, self, toolTip=tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- the kernel --------------------------------------------------------------------------------------------------
    def _namespace(self) -> dict:
        import numpy as np
        import pandas as pd
        import sklearn

        self.ws = ConsoleWorkspace(self._window, self.figures, self._models)
        self.ws._bridge.failed.connect(lambda text: self.say(text, error=True))
        return {"ws": self.ws, "pd": pd, "np": np, "sklearn": sklearn}

    def start_kernel(self) -> None:
        """Start the kernel with ``ws``, ``pd``, ``np``, ``sklearn`` in its namespace (once)."""
        if self.kernel.client is not None:
            return
        self.kernel.start(self._namespace())
        self._attach_client()

    def _attach_client(self) -> None:
        self.console.kernel_manager = self.kernel.manager
        self.console.kernel_client = self.kernel.client
        self.kernel.client.iopub_channel.message_received.connect(self.recorder.feed)

    def restart_kernel(self) -> None:
        """A new kernel and a new ``ws``; queued jobs are cancelled (attached models go on: the workspace's)."""
        if self.ws is not None:
            self.ws.close()
        self.kernel.restart(self._namespace())
        self._attach_client()
        self.recorder.note("*Kernel restarted: a new namespace with `ws`, `pd`, `np`, `sklearn`.*")
        # the console clears itself for the new kernel: the news goes in the banner it shows then
        self.console.banner = f"Kernel restarted at {time.strftime('%H:%M:%S')}: a new namespace.\n" + BANNER
        self._show_jobs([])

    def execute(self, code: str) -> None:
        """Run ``code`` as if typed at the prompt (shown, recorded, exported)."""
        self.console.execute(code)

    @property
    def namespace(self) -> dict:
        return self.kernel.shell.user_ns

    def say(self, text: str, error: bool = False) -> None:
        """A line in the console above the prompt (what background work and restarts report)."""
        if error:
            self.console._append_html(
                f"<span style='color:#cf222e'>{_escape(text)}</span><br>", before_prompt=True
            )
        else:
            self.console._append_plain_text(text.rstrip("\n") + "\n", before_prompt=True)

    # -- background jobs ---------------------------------------------------------------------------------------------
    def poll_jobs(self) -> None:
        """Show the running jobs' progress; hand the finished ones' results to the namespace."""
        if self.ws is None:
            return
        for job in self.ws._jobs.take_finished():
            self._finished(job)
        self._show_jobs(self.ws._jobs.active())

    def _finished(self, job: Job) -> None:
        took = f"{job.seconds:.1f} s"
        if job.state == "done":
            where = ""
            if job.name:
                self.kernel.push({job.name: job.result})
                where = f" → {job.name}"
            text = f"[job {job.number}] {job.title} done in {took}{where}"
            self.say(text)
            self.recorder.note(
                f"*Background job {job.number} ({job.title}) done in {took}"
                + (f", result in `{job.name}`*" if job.name else "*")
            )
        elif job.state == "failed":
            last = job.traceback.strip().splitlines()[-1] if job.traceback else repr(job.error)
            self.say(
                f"[job {job.number}] {job.title} failed after {took}: {last}\n"
                f"(ws.jobs[...].traceback has the whole traceback)",
                error=True,
            )
            self.recorder.note(
                f"*Background job {job.number} ({job.title}) failed:*\n\n```\n{job.traceback}```"
            )
        else:
            self.say(f"[job {job.number}] {job.title} cancelled")

    def _show_jobs(self, active: list[Job]) -> None:
        busy = bool(active)
        for action in self._job_actions:
            action.setVisible(busy)
        if not busy:
            self.progress.emit("", 0)
            return
        job = active[-1]
        more = f" (+{len(active) - 1} more)" if len(active) > 1 else ""
        detail = f" · {job.text}" if job.text else ""
        if job.progress is None:
            self.job_bar.setRange(0, 0)
            percent = -1
            text = f"job {job.number} {job.title}: {job.state}{detail}{more}"
        else:
            percent = round(job.progress * 100)
            self.job_bar.setRange(0, 100)
            self.job_bar.setValue(percent)
            text = f"job {job.number} {job.title}: {percent}%{detail}{more}"
        self.job_label.setText(text)
        self.progress.emit(text, percent)

    def _cancel_newest(self) -> None:
        active = self.ws._jobs.active() if self.ws else []
        if active:
            active[-1].cancel()

    # -- the rest ------------------------------------------------------------------------------------------------------
    def _clear_overlays(self) -> None:
        if self.ws is not None:
            self.ws.clear_overlays()

    def export_notebook(self, path: str | Path) -> Path:
        return self.recorder.export(path)

    def export_dialog(self) -> None:
        start = str(self.settings.value("console/export-dir", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export the console session as a notebook",
            str(Path(start) / "console-session.ipynb"),
            "Jupyter notebook (*.ipynb)",
        )
        if not path:
            return
        if not path.endswith(".ipynb"):
            path += ".ipynb"
        try:
            self.export_notebook(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export notebook", f"Cannot write {path}:\n{exc}")
            return
        self.settings.setValue("console/export-dir", str(Path(path).parent))
        self.say(f"Exported {len(self.recorder.cells)} cells to {path}")

    def shutdown(self) -> None:
        """Stop the jobs' timer, the workers and the kernel (the window is closing)."""
        self.job_timer.stop()
        if self.ws is not None:
            self.ws.close()
        self.kernel.shutdown()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
