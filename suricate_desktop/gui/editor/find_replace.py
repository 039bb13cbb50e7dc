"""An inline find/replace bar under the editor (Ctrl+F, Ctrl+H, F3/Shift+F3, Escape).

Matching uses Python's ``re`` on the document's text (a plain search is an
escaped pattern), so "regex" means Python syntax and a replacement may use
``\\1`` or ``\\g<name>``; "whole word" puts ``(?<!\\w)``/``(?!\\w)`` around the
pattern; "match case" drops ``re.IGNORECASE``. Positions are converted to Qt's
UTF-16 positions through :class:`~._utf16.Utf16Map`. Every match is tinted in
the editor while the bar is open, and the bar shows "3 of 12".

Replace all edits the document inside one ``beginEditBlock``/``endEditBlock``,
from the last match to the first, so it is a single undo step.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from ._utf16 import Utf16Map
from .code_editor import CodeEditor

__all__ = ["FindReplaceBar"]

_MAX_MATCHES = 10_000


class FindReplaceBar(QWidget):
    """Find and replace in the current :class:`CodeEditor`.

    Signals
    -------
    message(str)
        A short report for the status bar ("Replaced 4 matches", "No match", a regex error).
    """

    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find-replace-bar")
        self._editor: CodeEditor | None = None
        self._matches: list[tuple[int, int]] = []  # UTF-16 (start, end) of every match
        self._error = ""

        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("find-text")
        self.find_edit.setPlaceholderText("Find")
        self.find_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit()
        self.replace_edit.setObjectName("replace-text")
        self.replace_edit.setPlaceholderText("Replace with")
        self.case_button = self._toggle("Aa", "Match case")
        self.word_button = self._toggle("W", "Whole word")
        self.regex_button = self._toggle(".*", "Regular expression (Python syntax; \\1 in the replacement)")
        self.prev_button = self._button("↑", "Previous match (Shift+F3, Shift+Enter)", self.find_previous)
        self.next_button = self._button("↓", "Next match (F3, Enter)", self.find_next)
        self.count_label = QLabel()
        self.count_label.setMinimumWidth(90)
        self.replace_button = self._button(
            "Replace", "Replace this match and go to the next", self.replace_current
        )
        self.replace_all_button = self._button(
            "Replace all", "Replace every match (one undo step)", self.replace_all
        )
        close = self._button("✕", "Close (Escape)", self.close_bar)
        close.setAutoRaise(True)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 3, 6, 3)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(3)
        grid.addWidget(self.find_edit, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(2)
        for w in (self.case_button, self.word_button, self.regex_button, self.prev_button, self.next_button):
            row.addWidget(w)
        row.addWidget(self.count_label)
        grid.addLayout(row, 0, 1)
        grid.addWidget(close, 0, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.replace_edit, 1, 0)
        row2 = QHBoxLayout()
        row2.setSpacing(4)
        row2.addWidget(self.replace_button)
        row2.addWidget(self.replace_all_button)
        row2.addStretch(1)
        grid.addLayout(row2, 1, 1)
        grid.setColumnStretch(0, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)
        self.find_edit.textChanged.connect(self._on_pattern_changed)
        for b in (self.case_button, self.word_button, self.regex_button):
            b.toggled.connect(self._on_pattern_changed)
        self.find_edit.returnPressed.connect(self.find_next)
        self.replace_edit.returnPressed.connect(self.replace_current)
        for key, slot in (("Shift+Return", self.find_previous), ("Shift+Enter", self.find_previous)):
            sc = QShortcut(QKeySequence(key), self.find_edit, context=Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)
        esc = QShortcut(
            QKeySequence(Qt.Key.Key_Escape), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        esc.activated.connect(self.close_bar)
        self._set_replace_visible(False)
        self.hide()

    # -- public API ----------------------------------------------------------------------------------
    def editor(self) -> CodeEditor | None:
        return self._editor

    def set_editor(self, editor: CodeEditor | None) -> None:
        """Work on ``editor`` from now on (the pane's current tab)."""
        if self._editor is editor:
            return
        if self._editor is not None:
            try:
                self._editor.textEdited.disconnect(self._schedule_refresh)
                self._editor.set_find_ranges([])
            except (RuntimeError, TypeError):
                pass
        self._editor = editor
        if editor is not None:
            editor.textEdited.connect(self._schedule_refresh)
        self.refresh()

    def show_find(self) -> None:
        """Open in find mode, with the editor's selection (one line of it) as the pattern."""
        self._set_replace_visible(False)
        self._open()

    def show_replace(self) -> None:
        self._set_replace_visible(True)
        self._open()

    def close_bar(self) -> None:
        self.hide()
        if self._editor is not None:
            self._editor.set_find_ranges([])
            self._editor.setFocus()

    def set_options(
        self, *, case: bool | None = None, word: bool | None = None, regex: bool | None = None
    ) -> None:
        for button, value in ((self.case_button, case), (self.word_button, word), (self.regex_button, regex)):
            if value is not None:
                button.setChecked(value)

    def pattern(self) -> re.Pattern | None:
        """The compiled search, or None (empty text, or a bad regex: see :attr:`error`)."""
        text = self.find_edit.text()
        self._error = ""
        if not text:
            return None
        body = text if self.regex_button.isChecked() else re.escape(text)
        if self.word_button.isChecked():
            body = rf"(?<!\w)(?:{body})(?!\w)"
        flags = re.MULTILINE | (0 if self.case_button.isChecked() else re.IGNORECASE)
        try:
            return re.compile(body, flags)
        except re.error as exc:
            self._error = f"bad regular expression: {exc}"
            return None

    @property
    def error(self) -> str:
        return self._error

    def matches(self) -> list[tuple[int, int]]:
        """Every match as UTF-16 (start, end) document positions (after :meth:`refresh`)."""
        return list(self._matches)

    def find_next(self) -> bool:
        return self._find(forward=True)

    def find_previous(self) -> bool:
        return self._find(forward=False)

    def replace_current(self) -> bool:
        """Replace the selected match (or find the next one first), then go to the next."""
        editor = self._editor
        rx = self.pattern()
        if editor is None or rx is None:
            return False
        cursor = editor.textCursor()
        text = editor.toPlainText()
        u16 = Utf16Map(text)
        if cursor.hasSelection():
            start = u16.from_utf16(cursor.selectionStart())
            end = u16.from_utf16(cursor.selectionEnd())
            m = rx.match(text, start)
            if m is not None and m.start() == start and m.end() == end:
                replacement = self._replacement(m)
                cursor.insertText(replacement)
                editor.setTextCursor(cursor)
                self.refresh()
                self.find_next()
                return True
        return self.find_next()

    def replace_all(self) -> int:
        """Replace every match; returns how many. One undo step."""
        editor = self._editor
        rx = self.pattern()
        if editor is None or rx is None:
            self.message.emit(self._error or "Nothing to find")
            return 0
        text = editor.toPlainText()
        u16 = Utf16Map(text)
        found = [(m.start(), m.end(), self._replacement(m)) for m in rx.finditer(text)]
        found = [
            f for f in found if f[1] > f[0] or f[2]
        ]  # an empty match ("^") counts when it inserts something
        if not found:
            self.message.emit("No match")
            return 0
        cursor = QTextCursor(editor.document())
        cursor.beginEditBlock()
        for start, end, replacement in reversed(found):
            cursor.setPosition(u16.to_utf16(start))
            cursor.setPosition(u16.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(replacement)
        cursor.endEditBlock()
        self.refresh()
        self.message.emit(f"Replaced {len(found)} match{'es' if len(found) != 1 else ''}")
        return len(found)

    def refresh(self) -> None:
        """Recount and re-tint the matches (after an edit or a change of pattern)."""
        editor = self._editor
        self._matches = []
        rx = self.pattern() if self.isVisible() or self.find_edit.text() else None
        if editor is not None and rx is not None:
            text = editor.toPlainText()
            u16 = Utf16Map(text)
            for k, m in enumerate(rx.finditer(text)):
                if k >= _MAX_MATCHES:
                    break
                if m.end() > m.start():
                    self._matches.append((u16.to_utf16(m.start()), u16.to_utf16(m.end())))
        if editor is not None:
            editor.set_find_ranges(self._matches if self.isVisible() else [])
        self.find_edit.setStyleSheet("QLineEdit { background: #ffe0e0; }" if self._error else "")
        self.find_edit.setToolTip(self._error)
        self._update_count()

    # -- private ----------------------------------------------------------------------------------------
    def _toggle(self, text: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setCheckable(True)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _set_replace_visible(self, visible: bool) -> None:
        for w in (self.replace_edit, self.replace_button, self.replace_all_button):
            w.setVisible(visible)

    def _open(self) -> None:
        editor = self._editor
        if editor is not None:
            selected = editor.textCursor().selectedText()
            if selected and "\u2029" not in selected:
                with QSignalBlocker(self.find_edit):
                    self.find_edit.setText(selected)
        self.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self.refresh()

    def _on_pattern_changed(self, *_args) -> None:
        self.refresh()
        # Incremental search: move to the first match from where the selection starts.
        editor = self._editor
        if editor is not None and self._matches and self.isVisible():
            cursor = editor.textCursor()
            self._select_from(cursor.selectionStart(), forward=True)

    def _schedule_refresh(self, *_args) -> None:
        if self.isVisible():
            self._refresh_timer.start()

    def _find(self, forward: bool) -> bool:
        editor = self._editor
        if editor is None:
            return False
        if not self.find_edit.text():
            self.show_find()
            return False
        self.refresh()
        if not self._matches:
            self.message.emit(self._error or f"No match for {self.find_edit.text()!r}")
            return False
        cursor = editor.textCursor()
        return self._select_from(cursor.selectionEnd() if forward else cursor.selectionStart(), forward)

    def _select_from(self, position: int, forward: bool) -> bool:
        editor = self._editor
        matches = self._matches
        if not matches or editor is None:
            return False
        if forward:
            target = next((m for m in matches if m[0] >= position), None)
            wrapped = target is None
            target = target or matches[0]
        else:
            target = next((m for m in reversed(matches) if m[1] <= position and m[0] < position), None)
            wrapped = target is None
            target = target or matches[-1]
        cursor = editor.textCursor()
        cursor.setPosition(target[0])
        cursor.setPosition(target[1], QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
        self._update_count()
        if wrapped:
            self.message.emit("Search wrapped")
        return True

    def _replacement(self, m: re.Match) -> str:
        text = self.replace_edit.text()
        if self.regex_button.isChecked():
            try:
                return m.expand(text)
            except (re.error, IndexError) as exc:
                self._error = f"bad replacement: {exc}"
                return m.group(0)
        return text

    def _update_count(self) -> None:
        if self._error:
            self.count_label.setText("error")
            return
        if not self.find_edit.text():
            self.count_label.setText("")
            return
        n = len(self._matches)
        if not n:
            self.count_label.setText("no match")
            return
        current = 0
        if self._editor is not None:
            c = self._editor.textCursor()
            sel = (c.selectionStart(), c.selectionEnd())
            current = next((i + 1 for i, m in enumerate(self._matches) if m == sel), 0)
        more = "+" if n >= _MAX_MATCHES else ""
        self.count_label.setText(
            f"{current} of {n}{more}" if current else f"{n}{more} match{'es' if n != 1 else ''}"
        )
