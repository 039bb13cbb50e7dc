"""The console's dock in the main window: View > Console (Ctrl+Shift+I), made empty, filled the first time it is shown.

What the window gets at start-up is a ``QDockWidget`` with a placeholder: no kernel exists
until the dock becomes visible (by the menu, the shortcut, or a restored layout in which it
was open). Opening it never freezes the window: the modules (pandas, scikit-learn, qtconsole,
ipykernel: seconds to import) come from the ``warmup`` thread (gui/warmup.py; the workbench
starts importing them at idle once its window shows), and the rest is cut into steps, each
its own turn of the event loop, with the placeholder saying which: the pane's widgets, then
the kernel, then the namespace (``ws``). ``ready`` says when it answers; ``when_ready(fn)``
calls ``fn(pane)`` then. Background jobs' progress goes to the window's status bar as well
as the pane.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QProgressBar, QVBoxLayout, QWidget

from ..warmup import warmup

SHORTCUT = "Ctrl+Shift+I"
#: What the placeholder says while the console is made, one step per turn of the event loop.
STEPS = ("Loading pandas, scikit-learn and Jupyter…", "Making the console…", "Starting the kernel…", "Ready")
HEIGHT = 320


class ConsoleDock:
    """Owns the console's dock, and its pane once made (``pane`` is None until then).

    ``ws.models`` is the window's Models dock (``window.models.manager``): one registry and one
    set of attached models per workspace, whichever pane attached them.
    """

    def __init__(self, window):
        self.window = window
        self.pane = None
        self._starting = False
        self._closed = False
        self._waiting: list[Callable] = []
        self.dock = QDockWidget("Console", window)
        self.dock.setObjectName("console")
        self.placeholder = QWidget()
        self.step_label = QLabel("Starting the console…", alignment=Qt.AlignmentFlag.AlignCenter)
        self.step_bar = QProgressBar(maximum=len(STEPS), textVisible=False, maximumWidth=240)
        column = QVBoxLayout(self.placeholder)
        column.addStretch(1)
        column.addWidget(self.step_label)
        column.addWidget(self.step_bar, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self.dock.setWidget(self.placeholder)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.toggle_action = self.dock.toggleViewAction()
        self.toggle_action.setShortcut(QKeySequence(SHORTCUT))
        self.toggle_action.setToolTip(
            "The Jupyter console: ws, pandas, numpy, scikit-learn on this workbench"
        )
        self.dock.visibilityChanged.connect(self._visibility_changed)

        self.status_label = QLabel()
        self.status_bar = QProgressBar(maximumWidth=120, textVisible=False)
        for widget in (self.status_label, self.status_bar):
            window.statusBar().addPermanentWidget(widget)
            widget.hide()

    @property
    def kernel(self):
        """The console's kernel, or None while the pane was never shown."""
        return self.pane.kernel if self.pane is not None else None

    @property
    def ready(self) -> bool:
        """True once the console's kernel runs (it answers what is typed)."""
        return self.pane is not None and not self._starting and self.pane.kernel.client is not None

    def show(self):
        """Show the console (making it, in steps, if needed) and give it the keyboard once ready.

        Returns the pane when it is ready already, else None (``when_ready`` hands it over later).
        """
        self.dock.show()
        self.dock.raise_()
        self._ensure_pane()
        self.when_ready(lambda pane: pane.console.setFocus())
        return self.pane if self.ready else None

    def when_ready(self, fn: Callable) -> None:
        """``fn(pane)`` once the console answers (at once if it does)."""
        if self.ready:
            fn(self.pane)
        else:
            self._waiting.append(fn)

    def _visibility_changed(self, visible: bool) -> None:
        if visible:
            self._ensure_pane()

    def _ensure_pane(self) -> None:
        """The first showing starts the steps: modules (warm-up thread), widgets, kernel, namespace."""
        if self.pane is not None or self._starting:
            return
        self._starting = True
        self._step(0)
        # the placeholder takes the console's height now, not the few pixels its label asks for
        self.window.resizeDocks([self.dock], [HEIGHT], Qt.Orientation.Vertical)
        warmup("console", lambda: self._later(self._make_pane))

    def _later(self, fn: Callable[[], None]) -> None:
        """The next step at the next turn of the event loop: the window repaints in between."""
        if self._closed or not shiboken6.isValid(self.dock):  # the window closed while its modules loaded
            return
        QTimer.singleShot(0, self.dock, fn)

    def _step(self, index: int) -> None:
        self.step_label.setText(STEPS[index])
        self.step_bar.setValue(index)

    def _make_pane(self) -> None:
        if self._closed:
            return
        from ..models.console_host import ManagerHost
        from .pane import ConsolePane  # imported by the warm-up thread already

        self._step(1)
        self.pane = ConsolePane(
            self.window,
            ManagerHost(self.window.models.manager),
            getattr(self.window, "settings", None),
            start_kernel=False,
        )
        self.pane.progress.connect(self._progress)
        self.pane.exitRequested.connect(self.dock.hide)
        self._step(2)
        self._later(self._start_kernel)

    def _start_kernel(self) -> None:
        if self.pane is None or self._closed:  # shut down meanwhile
            return
        self.pane.start_kernel()
        self._later(self._finish)

    def _finish(self) -> None:
        if self.pane is None or self._closed:
            return
        self._step(3)
        self.dock.setWidget(self.pane)
        self.window.resizeDocks([self.dock], [HEIGHT], Qt.Orientation.Vertical)
        self._starting = False
        waiting, self._waiting = self._waiting, []
        for fn in waiting:
            fn(self.pane)

    def _progress(self, text: str, percent: int) -> None:
        for widget in (self.status_label, self.status_bar):
            widget.setVisible(bool(text))
        self.status_label.setText(text)
        if percent < 0:
            self.status_bar.setRange(0, 0)
        else:
            self.status_bar.setRange(0, 100)
            self.status_bar.setValue(percent)

    def shutdown(self) -> None:
        if self.pane is not None:
            self.pane.shutdown()
        self._waiting.clear()
        self._closed = True
