"""The output pane: what a script prints (printf, trace, print), compile errors, and run status lines."""

from __future__ import annotations

import time

from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from .highlighter import Theme, theme_for_palette

__all__ = ["OutputView"]

#: Lines kept; older ones scroll away (a script may print for a week).
MAX_LINES = 20_000


class OutputView(QPlainTextEdit):
    """Read-only, bounded, follows the end unless the user scrolled up."""

    def __init__(self, parent: QWidget | None = None, theme: Theme | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("output")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        # Wrapped at the pane's width: a status line's end is not hidden past the edge of a narrow dock.
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMaximumBlockCount(MAX_LINES)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10))
        self.setFont(font)
        self._theme = theme or theme_for_palette(self.palette())
        self.setPlaceholderText(
            "The script's output (printf, trace, print) and the runs' status appear here."
        )

    def append_text(self, text: str) -> None:
        """Append what a script printed, as is (chunks need not end with a newline)."""
        if not text:
            return
        self._insert(text, QTextCharFormat())

    def append_status(self, text: str, kind: str = "info") -> None:
        """A line of its own about a run: ``info``, ``ok``, ``warning`` or ``error``."""
        fmt = QTextCharFormat()
        color = {"error": self._theme.error, "warning": self._theme.warning, "ok": "#2e7d32"}.get(
            kind, "#5c6bc0"
        )
        fmt.setForeground(QColor(color))
        if kind in ("info", "ok"):
            fmt.setFontWeight(QFont.Weight.DemiBold)
        stamp = time.strftime("%H:%M:%S")
        doc = self.document()
        needs_newline = not doc.isEmpty() and doc.lastBlock().text() != ""
        self._insert(("\n" if needs_newline else "") + f"[{stamp}] {text}\n", fmt)

    def text(self) -> str:
        return self.toPlainText()

    def _insert(self, text: str, fmt: QTextCharFormat) -> None:
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text, fmt)
        if at_end:
            bar.setValue(bar.maximum())
