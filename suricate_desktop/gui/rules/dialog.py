"""Edit one rule as its TOML text, validated as you type: each problem at its line, OK only when it validates.

Every problem of the rule is listed at once (``parse_rule`` checks every field, not up to the first
bad one), each marked at its line; a TOML syntax error stops the parser, so it is the one listed.

The text is the rule's ``[[rule]]`` table (and its ``[[rule.action]]`` tables) exactly as the file holds it;
OK splices it back into the file in place (``rules.edit``), so the file's other rules, comments and layout
are kept and its diff shows only this rule. Validation is the engine's own (``rules.edit.check_rule``), so
what the dialog accepts is what loads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
)

from ...rules.edit import Check, check_rule

NEW_RULE = """[[rule]]
name = "{name}"
description = ""
severity = "warning"                 # info | warning | critical
host = "*"                           # glob patterns selecting series
source = "*"
agg = "*"
key = "*"
type = "threshold"                   # threshold | rate | silence | score | anomaly_rate
op = ">"
threshold = 100
for = "5s"                           # must hold this long before firing
clear_for = "5s"                     # and clear this long before resolving
cooldown = "1m"

# [[rule.action]]
# type = "command"                   # an argument list, never a shell
# args = ["notify-send", "{{rule}}", "{{series}} = {{value}}"]
"""
DEBOUNCE_MS = 250
#: Problems listed without a scroll bar; more scroll (the editor keeps the rest of the dialog).
MAX_ROWS = 8


class RuleEditDialog(QDialog):
    """``text``: the whole file; ``chunk``: the rule's text; ``replacing``: its name (None for a new rule)."""

    def __init__(
        self,
        text: str,
        chunk: str,
        replacing: str | None = None,
        path: str = "<rules>",
        parent=None,
        line: int | None = None,
    ):
        super().__init__(parent)
        self.file_text = text
        self.replacing = replacing
        self.path = path
        self.check: Check | None = None
        self.setWindowTitle(f"Edit rule {replacing}" if replacing else "New rule")
        self.resize(720, 620)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setPlainText(chunk)
        self.problems = QListWidget()
        self.problems.itemActivated.connect(self._go_to_problem)
        self.problems.itemClicked.connect(self._go_to_problem)
        self.verdict = QLabel()
        hint = QLabel(
            f"Saved into <code>{path}</code> in place of this rule; the file's other rules and comments "
            "are kept. Fields: docs/rules.md."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #57606a")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.validate)
        self.editor.textChanged.connect(self._timer.start)
        self.validate()
        if line:
            self.go_to_line(line)

    # -- validation ----------------------------------------------------------------------------------------------------
    def validate(self) -> bool:
        self._timer.stop()
        self.check = check_rule(self.file_text, self.editor.toPlainText(), self.replacing, self.path)
        problems = sorted(self.check.problems, key=lambda p: p.line)
        self.problems.clear()
        for p in problems:
            item = QListWidgetItem(f"line {p.line}: {p.message}")
            item.setData(Qt.ItemDataRole.UserRole, p.line)
            item.setForeground(QColor("#cf222e"))
            self.problems.addItem(item)
        self.problems.setVisible(bool(problems))
        if problems:  # every problem in sight at once (a scroll bar only past MAX_ROWS)
            rows = min(len(problems), MAX_ROWS)
            self.problems.setFixedHeight(
                rows * self.problems.sizeHintForRow(0) + 2 * self.problems.frameWidth() + 2
            )
        ok = not problems
        self.verdict.setText(
            "✔ valid"
            if ok
            else f"✘ {len(problems)} problem{'s' if len(problems) > 1 else ''}: fix before saving"
        )
        self.verdict.setStyleSheet(f"color: {'#1a7f37' if ok else '#cf222e'}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self._mark_lines([p.line for p in problems])
        return ok

    def _mark_lines(self, lines: list[int]) -> None:
        selections = []
        doc = self.editor.document()
        for line in lines:
            block = doc.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#ffebe9"))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def go_to_line(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            self.editor.setTextCursor(QTextCursor(block))
            self.editor.centerCursor()
        self.editor.setFocus()

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        self.go_to_line(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- result ------------------------------------------------------------------------------------------------------
    def accept(self) -> None:
        if self.validate():
            super().accept()

    @property
    def new_file_text(self) -> str:
        """The whole file with this rule in it (valid once the dialog was accepted)."""
        assert self.check is not None, "the dialog validates when it opens"
        return self.check.text

    @property
    def rule_name(self) -> str | None:
        return self.check.name if self.check else None
