"""The Help menu: Keyboard shortcuts (F1), a table of every action that has one, and About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from ... import __version__
from ..pane import Entry, Pane

if TYPE_CHECKING:
    from ..main_window import MainWindow


class Help(Pane):
    name = "help"

    def create(self, window: MainWindow) -> None:
        self.window = window
        self._entries = [
            Entry("Help/help", self.action(window, "&Keyboard shortcuts", self.show_shortcuts, "F1")),
            Entry("Help/help", self.action(window, "&About Suricate Desktop", self.show_about)),
        ]

    def entries(self) -> list[Entry]:
        return self._entries

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.window.findChildren(QAction):
            if action.shortcut().toString() and action.text():
                rows.append(
                    (
                        action.text().replace("&", ""),
                        action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                    )
                )
        table = "".join(f"<tr><td>{t}</td><td><b>{k}</b></td></tr>" for t, k in sorted(set(rows)))
        QMessageBox.information(self.window, "Keyboard shortcuts", f"<table cellspacing=6>{table}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self.window,
            "About Suricate Desktop",
            f"<b>Suricate Desktop {__version__}</b><p>Trace hosts with DTrace, bpftrace or the sampler, "
            "stream their aggregations over AMQP, record, replay and plot them.</p>",
        )
