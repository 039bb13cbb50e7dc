"""The console's dock in the main window: View > Console (Ctrl+Shift+I), made empty, filled the first time it is shown.

What the window gets at start-up is a ``QDockWidget`` with a placeholder: qtconsole is not
imported and no kernel exists until the dock becomes visible (by the menu, the shortcut, or
a restored layout in which it was open). Background jobs' progress goes to the window's
status bar as well as the pane.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QProgressBar

SHORTCUT = "Ctrl+Shift+I"
HEIGHT = 320


class ConsoleDock:
    """Owns the console's dock, and its pane once made (``pane`` is None until then).

    ``ws.models`` is the window's Models dock (``window.models.manager``): one registry and one
    set of attached models per workspace, whichever pane attached them.
    """

    def __init__(self, window):
        self.window = window
        self.pane = None
        self.dock = QDockWidget("Console", window)
        self.dock.setObjectName("console")
        self.dock.setWidget(QLabel("Starting the console…", alignment=Qt.AlignmentFlag.AlignCenter))
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
        return self.pane is not None and self.pane.kernel.client is not None

    def show(self):
        """Show the console (making it if needed) and give it the keyboard; returns the pane."""
        self.dock.show()
        self.dock.raise_()
        self._ensure_pane()
        self.pane.console.setFocus()
        return self.pane

    def _visibility_changed(self, visible: bool) -> None:
        if visible:
            self._ensure_pane()

    def _ensure_pane(self) -> None:
        if self.pane is not None:
            return
        from ..models.console_host import ManagerHost
        from .pane import ConsolePane  # qtconsole and the kernel come with it, now and not before

        self.pane = ConsolePane(
            self.window, ManagerHost(self.window.models.manager), getattr(self.window, "settings", None)
        )
        self.pane.progress.connect(self._progress)
        self.pane.exitRequested.connect(self.dock.hide)
        self.dock.setWidget(self.pane)
        self.window.resizeDocks([self.dock], [HEIGHT], Qt.Orientation.Vertical)

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
