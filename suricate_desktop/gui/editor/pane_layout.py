"""The editor pane's layout: the run bar, the script tabs (or a placeholder), Problems and Output.

On top, the run bar: a toolbar with Run, Stop and a menu of the less-used actions, and the cursor
position; under it the run options, flowing over as many rows as the dock's width needs. The
toolbar is never narrower than its buttons, so Stop cannot end up behind a ">>" extension
button at the dock's default width (it used to share its row with the run options, which took the
room). Below them a vertical splitter: the script tabs with the find bar under them, over the
Problems and Output tabs. While no script is open a placeholder stands in for the tabs, with
buttons for a new script, Open and the Templates menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from .editor_pane import EditorPane

__all__ = ["PaneLayout", "fit_width_after_removals"]


def fit_width_after_removals(editor: QPlainTextEdit) -> None:
    """Keep ``editor``'s horizontal scroll bar to its widest line when lines go (an undo of a pasted long line).

    Why: Qt's plain-text layout only re-measures its widest line when that line's block changes; when the
    block is removed (an undo, a deleted selection) the old width stays and so does a horizontal scroll
    bar over nothing. Re-laying the text out once after lines are removed measures it again.
    """
    count = [editor.blockCount()]

    def relayout() -> None:
        doc = editor.document()
        doc.markContentsDirty(0, doc.characterCount())

    def changed(blocks: int) -> None:
        fewer = blocks < count[0]
        count[0] = blocks
        if fewer and editor.horizontalScrollBar().maximum() > 0:
            QTimer.singleShot(0, editor, relayout)  # once the edit is done

    editor.blockCountChanged.connect(changed)


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
        self.more_menu = QMenu("More", pane)
        self.more_menu.setObjectName("editor-more")
        for action in (
            pane.clear_output_action,
            None,
            pane.find_action,
            pane.replace_action,
            None,
            pane.save_as_action,
            pane.close_action,
        ):
            self.more_menu.addSeparator() if action is None else self.more_menu.addAction(action)
        more = QToolButton()
        more.setObjectName("editor-more-button")
        more.setText("More")
        more.setToolTip("Clear the output, find and replace, save as, close")
        more.setMenu(self.more_menu)
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addWidget(more)
        # All of it, always: a toolbar squeezed below its buttons hides the last ones (Stop) behind ">>".
        self.toolbar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.toolbar.setMinimumWidth(self.toolbar.sizeHint().width())
        top = QWidget()
        top.setObjectName("editor-run-bar")
        column = QVBoxLayout(top)
        column.setContentsMargins(2, 2, 6, 2)
        column.setSpacing(2)
        top_row = QHBoxLayout()
        top_row.setSpacing(8)
        top_row.addWidget(self.toolbar)
        top_row.addStretch(1)
        top_row.addWidget(pane.position_label)
        column.addLayout(top_row)
        pane.run_options.setContentsMargins(4, 0, 0, 2)
        column.addWidget(pane.run_options)

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
        splitter.setSizes([400, 180])
        splitter.setChildrenCollapsible(False)

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
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addStretch(1)
        label = QLabel(
            "<h3>No script open</h3><p>Start a new one, open a <tt>.d</tt> or <tt>.bt</tt> file, "
            "or pick one from the Templates menu.</p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)
        row = QHBoxLayout()
        row.setSpacing(4)  # the four buttons fit the dock's default laptop width
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
        # In a short dock (a laptop with the console open) it scrolls rather than overlapping itself.
        scroll = QScrollArea()
        scroll.setObjectName("editor-placeholder")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(w)
        return scroll
