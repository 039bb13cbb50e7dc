"""The editor pane's layout: the run bar, the script tabs (or a placeholder), Problems and Output.

On top, the run bar: a toolbar with Run and Stop, the run options and the cursor position. Below
it a vertical splitter: the script tabs with the find bar under them, over the Problems and
Output tabs. While no script is open a placeholder stands in for the tabs, with buttons for a new
script, Open and the Templates menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["PaneLayout"]


class PaneLayout:
    """Puts the pane's widgets in place and switches between the script tabs and the placeholder."""

    def __init__(self, pane: EditorPane) -> None:
        tabs = pane.tabs
        tabs.setObjectName("script-tabs")
        tabs.setDocumentMode(True)
        tabs.setTabsClosable(True)
        tabs.setMovable(True)
        tabs.setUsesScrollButtons(True)
        tabs.setElideMode(Qt.TextElideMode.ElideMiddle)
        pane.position_label.setObjectName("cursor-position")
        pane.position_label.setMinimumWidth(110)
        pane.position_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.toolbar = QToolBar("Script")
        self.toolbar.setObjectName("editor-toolbar")
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(pane.run_action)
        self.toolbar.addAction(pane.stop_action)
        top = QWidget()
        top.setObjectName("editor-run-bar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(2, 2, 6, 2)
        top_row.setSpacing(8)
        top_row.addWidget(self.toolbar, 0, Qt.AlignmentFlag.AlignTop)
        top_row.addWidget(pane.run_options, 1)
        top_row.addWidget(pane.position_label, 0, Qt.AlignmentFlag.AlignTop)

        editor_area = QWidget()
        ea = QVBoxLayout(editor_area)
        ea.setContentsMargins(0, 0, 0, 0)
        ea.setSpacing(0)
        self._stack = QStackedWidget()
        self._stack.addWidget(self._make_placeholder(pane))
        self._stack.addWidget(tabs)
        ea.addWidget(self._stack, 1)
        ea.addWidget(pane.find_bar)

        bottom = pane.bottom
        bottom.setObjectName("editor-bottom")
        bottom.setDocumentMode(True)
        bottom.addTab(pane.problems, "Problems")
        bottom.addTab(pane.output, "Output")
        splitter = pane.splitter
        splitter.addWidget(editor_area)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 160])

        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(splitter, 1)

    def show_tabs(self, on: bool) -> None:
        """The script tabs (True), or the placeholder for when no script is open (False)."""
        self._stack.setCurrentIndex(1 if on else 0)

    def _make_placeholder(self, pane: EditorPane) -> QWidget:
        w = QWidget()
        layout = QVBoxLayout(w)
        layout.addStretch(1)
        label = QLabel(
            "<h3>No script open</h3><p>Start a new one, open a <tt>.d</tt> or <tt>.bt</tt> file, "
            "or pick one from the Templates menu.</p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        slots: list[tuple[str, Callable[[], object]]] = [
            ("New bpftrace script", lambda: pane.new_document("bpftrace")),
            ("New D script", lambda: pane.new_document("d")),
            ("Open…", pane.open_file),
        ]
        for text, slot in slots:
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(b)
        templates = QPushButton("Templates")
        templates.setMenu(pane.templates_menu)
        self._placeholder_templates = templates
        row.addWidget(templates)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return w
