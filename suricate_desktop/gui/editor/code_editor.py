"""The script editor widget: a QPlainTextEdit with a gutter, diagnostics and a few editing helpers.

* **Gutter**: line numbers (the current one in bold) and, left of them, a
  marker on every line holding a diagnostic (a red disc for an error, an
  amber triangle for a warning); hovering a marker shows its messages.
* **Diagnostics** (:meth:`CodeEditor.set_diagnostics`): each one becomes a
  :class:`Marker` holding a ``QTextCursor`` that selects its span (the
  diagnostic's columns, or the token at its column), drawn as a wavy
  underline (``QTextEdit.ExtraSelection`` with ``SpellCheckUnderline``) and
  explained by a tooltip on hover. The cursor belongs to the document, so the
  span follows edits made before the next lint; markers of a compile run
  (``drop_on_edit``) disappear once their line is edited, since the compiler
  will not see that text again until the next run.
* **Editing**: Tab inserts spaces to the next multiple of 4 (or indents the
  selected lines), Shift+Tab dedents, Enter keeps the indentation (one more
  level after ``{``, and a ``}`` right after the cursor goes on its own
  line), typing ``}`` on a blank line dedents it, Backspace in leading blanks
  removes one level, Home goes to the first non-blank character first.
* **Current line** highlight and **bracket matching** (the bracket at the
  cursor and its partner, or a red tint when it has none).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ...lang.diagnostics import Diagnostic
from ._utf16 import Utf16Map, from_utf16, to_utf16
from .highlighter import ScriptHighlighter, Theme, theme_for_palette

__all__ = ["INDENT", "CodeEditor", "Marker", "draw_severity", "severity_icon"]

INDENT = "    "
_RANK = {"error": 2, "warning": 1}
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_BRACKET_SCAN_LIMIT = 50_000  # characters scanned for a partner bracket
_TOKEN_AT = re.compile(r"@?[\w$]+(?:->\w+)?|\S")


# ---------------------------------------------------------------------------------------------------
# Severity markers (shared with the problems list)
# ---------------------------------------------------------------------------------------------------


def draw_severity(painter: QPainter, rect: QRectF, severity: str, theme: Theme | None = None) -> None:
    """Draw the marker of ``severity`` in ``rect``: a disc with "!" (error) or a triangle with "!" (warning)."""
    theme = theme or theme_for_palette()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    r = QRectF(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side)
    if severity == "error":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(theme.error)))
        painter.drawEllipse(r.adjusted(0.5, 0.5, -0.5, -0.5))
        mark = QColor("white")
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(theme.warning)))
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(r.center().x(), r.top() + 0.5),
                    QPointF(r.right() - 0.5, r.bottom() - 0.5),
                    QPointF(r.left() + 0.5, r.bottom() - 0.5),
                ]
            )
        )
        mark = QColor("#1f1f1f")
    pen = QPen(mark)
    pen.setWidthF(max(1.2, side / 8))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    cx = r.center().x()
    top = r.top() + side * (0.24 if severity == "error" else 0.36)
    painter.drawLine(QPointF(cx, top), QPointF(cx, r.top() + side * 0.60))
    painter.drawPoint(QPointF(cx, r.top() + side * 0.77))
    painter.restore()


def severity_icon(severity: str, theme: Theme | None = None, size: int = 16) -> QIcon:
    """An icon of the gutter's marker for ``severity``."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        draw_severity(painter, QRectF(1, 1, size - 2, size - 2), severity, theme)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


# ---------------------------------------------------------------------------------------------------
# Markers
# ---------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Marker:
    """A diagnostic placed in the document; ``cursor`` selects its span and follows edits (None: no place)."""

    diagnostic: Diagnostic
    origin: str
    cursor: QTextCursor | None

    @property
    def severity(self) -> str:
        return self.diagnostic.severity

    def block_number(self) -> int | None:
        """0-based block (line) of the span's start, or None for a diagnostic without a line."""
        if self.cursor is None or self.cursor.isNull():
            return None
        return self.cursor.document().findBlock(self.cursor.selectionStart()).blockNumber()

    def current(self) -> Diagnostic:
        """The diagnostic at the span's current place (edits since it was made may have moved it)."""
        d = self.diagnostic
        if self.cursor is None or self.cursor.isNull():
            return d
        start, end = self.cursor.selectionStart(), self.cursor.selectionEnd()
        block = self.cursor.document().findBlock(start)
        line = block.blockNumber() + 1
        if d.column <= 0:
            return replace(d, line=line)
        text = block.text()
        column = from_utf16(text, start - block.position()) + 1
        end_column = None
        if d.end_column is not None and end > start:
            end_in_block = min(end, block.position() + block.length() - 1)
            end_column = from_utf16(text, end_in_block - block.position()) + 1
        return replace(d, line=line, column=column, end_column=end_column)


def _span(text: str, column: int, end_column: int | None) -> tuple[int, int]:
    """(start, end) character indexes of a diagnostic's span in its line's ``text``."""
    n = len(text)
    if column <= 0:  # a line without a column: the line's text
        start = n - len(text.lstrip())
        end = len(text.rstrip())
        return (start, end) if start < end else (0, n)
    start = min(column - 1, n)
    if end_column is not None and end_column > column:
        end = min(end_column - 1, n)
    else:
        m = _TOKEN_AT.match(text, start)
        end = m.end() if m else start
    if end <= start:  # at or past the end of the line ("unexpected end of input"): its last character
        last = len(text.rstrip())
        start, end = (last - 1, last) if last else (0, 0)
    return start, end


# ---------------------------------------------------------------------------------------------------
# The gutter
# ---------------------------------------------------------------------------------------------------


class _Gutter(QWidget):
    """Line numbers and markers, painted by the editor."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor._paint_gutter(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self.editor._gutter_tooltip(event)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:
        """A click on a line's number or marker puts the cursor on that line (at its first marker)."""
        block = self.editor._block_at_y(event.position().y())
        if block is None:
            return
        markers = [m for m in self.editor.markers() if m.block_number() == block.blockNumber()]
        cursor = QTextCursor(block)
        first = markers[0].cursor if markers else None
        if first is not None:
            cursor.setPosition(first.selectionStart())
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()


# ---------------------------------------------------------------------------------------------------
# The editor
# ---------------------------------------------------------------------------------------------------


class CodeEditor(QPlainTextEdit):
    """A D or bpftrace script editor.

    Signals
    -------
    textEdited(int position, int removed, int added)
        The text changed (an edit, an undo, a load); not emitted for highlighting.
    markersChanged()
        Diagnostics were set, cleared or dropped by an edit.
    """

    textEdited = Signal(int, int, int)
    markersChanged = Signal()

    def __init__(self, parent: QWidget | None = None, lang: str = "d", theme: Theme | None = None) -> None:
        super().__init__(parent)
        self._theme = theme or theme_for_palette(self.palette())
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 10))
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * len(INDENT))
        self.setCursorWidth(2)
        self._apply_palette()
        self.highlighter = ScriptHighlighter(self.document(), lang, self._theme)
        self._gutter = _Gutter(self)
        self._markers: dict[str, list[Marker]] = {}
        self._drop_on_edit: set[str] = set()
        self._find_ranges: list[tuple[int, int]] = []
        self._bracket_sels: list[QTextEdit.ExtraSelection] = []
        self._revision = self.document().revision()
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._on_cursor_moved)
        self.document().contentsChange.connect(self._on_contents_change)
        self._update_gutter_width()
        self._on_cursor_moved()

    # -- language and theme ----------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.highlighter.lang

    def set_lang(self, lang: str) -> None:
        self.highlighter.set_lang(lang)

    @property
    def theme(self) -> Theme:
        return self._theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._apply_palette()
        self.highlighter.set_theme(theme)
        self._refresh_selections()
        self._gutter.update()

    # -- diagnostics -----------------------------------------------------------------------------
    def set_diagnostics(
        self, diagnostics: list[Diagnostic], origin: str = "lint", drop_on_edit: bool = False
    ) -> None:
        """Show ``diagnostics`` (replacing the previous ones of the same ``origin``)."""
        doc = self.document()
        markers = []
        for d in diagnostics:
            cursor = None
            if d.line >= 1:
                block = doc.findBlockByNumber(d.line - 1)
                if not block.isValid():
                    block = doc.lastBlock()
                text = block.text()
                start, end = _span(text, d.column, d.end_column)
                u16 = Utf16Map(text)
                cursor = QTextCursor(doc)
                cursor.setPosition(block.position() + u16.to_utf16(start))
                cursor.setPosition(block.position() + u16.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            markers.append(Marker(d, origin, cursor))
        if markers:
            self._markers[origin] = markers
        else:
            self._markers.pop(origin, None)
        if drop_on_edit:
            self._drop_on_edit.add(origin)
        else:
            self._drop_on_edit.discard(origin)
        self._markers_changed()

    def clear_diagnostics(self, origin: str | None = None) -> None:
        if origin is None:
            self._markers.clear()
        else:
            self._markers.pop(origin, None)
        self._markers_changed()

    def markers(self, origin: str | None = None) -> list[Marker]:
        if origin is not None:
            return list(self._markers.get(origin, ()))
        return [m for ms in self._markers.values() for m in ms]

    def diagnostics(self, origin: str | None = None) -> list[Diagnostic]:
        """The diagnostics shown, at their current places."""
        return [m.current() for m in self.markers(origin)]

    def marker_lines(self) -> dict[int, str]:
        """1-based line -> the worst severity marked on it (what the gutter shows)."""
        lines: dict[int, str] = {}
        for m in self.markers():
            n = m.block_number()
            if n is None:
                continue
            old = lines.get(n + 1)
            if old is None or _RANK.get(m.severity, 0) > _RANK.get(old, 0):
                lines[n + 1] = m.severity
        return lines

    def underlines(self) -> list[tuple[int, int, int, str]]:
        """(line, start column, end column, severity) of every wavy underline (1-based, end exclusive)."""
        out = []
        for sel in self.extraSelections():
            fmt = sel.format
            if fmt.underlineStyle() != QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                continue
            c = sel.cursor
            block = self.document().findBlock(c.selectionStart())
            text = block.text()
            start = from_utf16(text, c.selectionStart() - block.position()) + 1
            end = from_utf16(text, c.selectionEnd() - block.position()) + 1
            severity = "error" if fmt.underlineColor() == QColor(self._theme.error) else "warning"
            out.append((block.blockNumber() + 1, start, end, severity))
        return out

    def go_to(self, line: int, column: int = 1) -> None:
        """Put the cursor at (1-based) ``line`` and ``column``, scroll there and take the focus."""
        doc = self.document()
        block = doc.findBlockByNumber(max(0, line - 1))
        if not block.isValid():
            block = doc.lastBlock()
        text = block.text()
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + to_utf16(text, min(max(column - 1, 0), len(text))))
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()

    # -- find highlights (the find bar) -------------------------------------------------------------
    def set_find_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Highlight these (start, end) document positions as find matches."""
        self._find_ranges = list(ranges)
        self._refresh_selections()

    # -- Qt overrides ------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * len(INDENT))
            self._update_gutter_width()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = self.cursorForPosition(event.pos()).position()
            rect = self.cursorRect(self.cursorForPosition(event.pos()))
            hits = []
            if abs(rect.center().y() - event.pos().y()) <= rect.height():
                hits = [
                    m
                    for m in self.markers()
                    if m.cursor is not None
                    and m.cursor.selectionStart() <= pos <= m.cursor.selectionEnd()
                    and m.cursor.hasSelection()
                ]
            if hits:
                QToolTip.showText(event.globalPos(), self._tooltip_html(hits), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        mods = event.modifiers()
        plain = not (
            mods
            & (
                Qt.KeyboardModifier.ControlModifier
                | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.MetaModifier
            )
        )
        if key == Qt.Key.Key_Tab and plain and not (mods & Qt.KeyboardModifier.ShiftModifier):
            self.indent()
            return
        if key == Qt.Key.Key_Backtab and plain:
            self.dedent()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self._newline()
            return
        if event.text() == "}" and plain and self._dedent_for_brace():
            return
        if key == Qt.Key.Key_Home and plain:
            self._smart_home(bool(mods & Qt.KeyboardModifier.ShiftModifier))
            return
        if (
            key == Qt.Key.Key_Backspace
            and plain
            and not (mods & Qt.KeyboardModifier.ShiftModifier)
            and self._backspace_indent()
        ):
            return
        super().keyPressEvent(event)

    # -- editing helpers ----------------------------------------------------------------------------
    def indent(self) -> None:
        """Indent the selected lines by one level, or insert spaces up to the next tab stop."""
        cursor = self.textCursor()
        if self._selection_spans_lines(cursor):
            self._for_selected_blocks(cursor, lambda c, text: c.insertText(INDENT))
            return
        col = (
            cursor.positionInBlock()
            if not cursor.hasSelection()
            else (cursor.selectionStart() - cursor.block().position())
        )
        cursor.insertText(" " * (len(INDENT) - col % len(INDENT)))
        self.setTextCursor(cursor)

    def dedent(self) -> None:
        """Remove one level of indentation from the selected lines (or the current one)."""

        def remove(c: QTextCursor, text: str) -> None:
            n = 1 if text.startswith("\t") else len(text) - len(text.lstrip(" "))
            n = min(n, len(INDENT))
            if n:
                c.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, n)
                c.removeSelectedText()

        self._for_selected_blocks(self.textCursor(), remove)

    def _selection_spans_lines(self, cursor: QTextCursor) -> bool:
        if not cursor.hasSelection():
            return False
        doc = self.document()
        return doc.findBlock(cursor.selectionStart()) != doc.findBlock(cursor.selectionEnd())

    def _for_selected_blocks(self, cursor: QTextCursor, action) -> None:
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart())
        end = cursor.selectionEnd()
        last = doc.findBlock(end)
        if cursor.hasSelection() and last != first and end == last.position():
            last = last.previous()  # a selection ending at a line's start does not include that line
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        block = first
        while block.isValid():
            edit.setPosition(block.position())
            action(edit, block.text())
            if block == last:
                break
            block = block.next()
        edit.endEditBlock()

    def _newline(self) -> None:
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        block_text = cursor.block().text()
        at = from_utf16(block_text, cursor.positionInBlock())
        before, after = block_text[:at], block_text[at:]
        indent = before[: len(before) - len(before.lstrip(" \t"))]
        opens = before.rstrip().endswith("{")
        # The blanks after the cursor would sit between the new indentation and the text: drop them.
        blanks = len(after) - len(after.lstrip(" \t"))
        if blanks:
            cursor.movePosition(
                QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, to_utf16(after, blanks)
            )
            cursor.removeSelectedText()
        if opens and after.lstrip().startswith("}"):
            cursor.insertText("\n" + indent + INDENT)
            keep = cursor.position()
            cursor.insertText("\n" + indent)
            cursor.setPosition(keep)
        else:
            cursor.insertText("\n" + indent + (INDENT if opens else ""))
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _dedent_for_brace(self) -> bool:
        """Typing "}" in a line's leading blanks: remove one level first, then insert it."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        before = cursor.block().text()[: from_utf16(cursor.block().text(), cursor.positionInBlock())]
        if not before or before.strip(" "):
            return False
        n = len(before) % len(INDENT) or len(INDENT)
        cursor.beginEditBlock()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, min(n, len(before))
        )
        cursor.removeSelectedText()
        cursor.insertText("}")
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        return True

    def _backspace_indent(self) -> bool:
        """Backspace in a line's leading spaces removes back to the previous tab stop."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        text = cursor.block().text()
        before = text[: from_utf16(text, cursor.positionInBlock())]
        if not before or before.strip(" ") or len(before) < 2:
            return False
        n = len(before) % len(INDENT) or len(INDENT)
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, n)
        cursor.removeSelectedText()
        self.setTextCursor(cursor)
        return True

    def _smart_home(self, select: bool) -> None:
        cursor = self.textCursor()
        text = cursor.block().text()
        first = to_utf16(text, len(text) - len(text.lstrip(" \t")))
        target = 0 if cursor.positionInBlock() == first else first
        mode = QTextCursor.MoveMode.KeepAnchor if select else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(cursor.block().position() + target, mode)
        self.setTextCursor(cursor)

    # -- gutter --------------------------------------------------------------------------------------
    def gutter_width(self) -> int:
        digits = max(3, len(str(max(1, self.blockCount()))))
        fm = self.fontMetrics()
        return 6 + self._marker_size() + 4 + fm.horizontalAdvance("9") * digits + 10

    def _marker_size(self) -> int:
        return max(10, self.fontMetrics().height() - 4)

    def _update_gutter_width(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())
        viewport = self.viewport()
        # While the editor is being destroyed Qt may still send updateRequest with the
        # viewport already gone (PySide then hands back an unrelated object).
        if isinstance(viewport, QWidget) and rect.contains(viewport.rect()):
            self._update_gutter_width()

    def _paint_gutter(self, event) -> None:
        theme = self._theme
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), QColor(theme.gutter_background))
        painter.setPen(QColor(theme.gutter_background).darker(108))
        painter.drawLine(
            self._gutter.width() - 1, event.rect().top(), self._gutter.width() - 1, event.rect().bottom()
        )
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        offset = self.contentOffset()
        top = self.blockBoundingGeometry(block).translated(offset).top()
        bottom = top + self.blockBoundingRect(block).height()
        current = self.textCursor().blockNumber()
        severities = {line - 1: sev for line, sev in self.marker_lines().items()}
        fm = self.fontMetrics()
        line_h = fm.height()
        width = self._gutter.width()
        msize = self._marker_size()
        normal_font = self.font()
        bold_font = QFont(normal_font)
        bold_font.setBold(True)
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                is_current = number == current
                painter.setFont(bold_font if is_current else normal_font)
                painter.setPen(QColor(theme.gutter_current if is_current else theme.gutter_foreground))
                painter.drawText(
                    QRectF(0, top, width - 8, line_h),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    str(number + 1),
                )
                sev = severities.get(number)
                if sev:
                    draw_severity(painter, QRectF(5, top + (line_h - msize) / 2, msize, msize), sev, theme)
            block = block.next()
            top = bottom
            bottom = top + self.blockBoundingRect(block).height()
            number += 1
        painter.end()

    def _block_at_y(self, y: float):
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid():
            bottom = top + self.blockBoundingRect(block).height()
            if top <= y < bottom:
                return block
            block = block.next()
            top = bottom
        return None

    def _gutter_tooltip(self, event) -> None:
        block = self._block_at_y(event.pos().y())
        hits = [m for m in self.markers() if block is not None and m.block_number() == block.blockNumber()]
        if hits:
            QToolTip.showText(event.globalPos(), self._tooltip_html(hits), self._gutter)
        else:
            QToolTip.hideText()

    def _tooltip_html(self, markers: list[Marker]) -> str:
        rows = []
        for m in sorted(markers, key=lambda m: -_RANK.get(m.severity, 0)):
            d = m.current()
            color = self._theme.error if d.severity == "error" else self._theme.warning
            where = f"{d.line}:{d.column}" if d.column > 0 else f"{d.line}"
            rows.append(
                f"<b style='color:{color}'>{html.escape(d.severity)}</b> "
                f"{html.escape(d.message)} <span style='color:gray'>({html.escape(m.origin)}, {where})</span>"
            )
        return "<br>".join(rows)

    # -- extra selections -------------------------------------------------------------------------------
    def _on_cursor_moved(self) -> None:
        self._bracket_sels = self._match_brackets()
        self._refresh_selections()
        self._gutter.update()

    def _refresh_selections(self) -> None:
        theme = self._theme
        sels = []
        line = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(theme.current_line))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        line.format = fmt
        cursor = self.textCursor()
        cursor.clearSelection()
        line.cursor = cursor
        sels.append(line)
        if self._find_ranges:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(theme.find_match))
            doc = self.document()
            for start, end in self._find_ranges[:2000]:
                sel = QTextEdit.ExtraSelection()
                c = QTextCursor(doc)
                c.setPosition(start)
                c.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = c
                sel.format = fmt
                sels.append(sel)
        sels.extend(self._bracket_sels)
        # Warnings first, so that an error's underline is drawn over a warning's on the same text.
        for m in sorted(self.markers(), key=lambda m: _RANK.get(m.severity, 0)):
            if m.cursor is None or not m.cursor.hasSelection():
                continue
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            fmt.setUnderlineColor(QColor(theme.error if m.severity == "error" else theme.warning))
            fmt.setBackground(
                QColor(theme.error_background if m.severity == "error" else theme.warning_background)
            )
            sel = QTextEdit.ExtraSelection()
            sel.cursor = QTextCursor(m.cursor)
            sel.format = fmt
            sels.append(sel)
        self.setExtraSelections(sels)

    def _match_brackets(self) -> list[QTextEdit.ExtraSelection]:
        doc = self.document()
        pos = self.textCursor().position()
        after, before = doc.characterAt(pos), doc.characterAt(pos - 1) if pos > 0 else ""
        if after in _OPEN or after in _CLOSE:
            at, ch = pos, after
        elif before in _OPEN or before in _CLOSE:
            at, ch = pos - 1, before
        else:
            return []
        text = doc.toPlainText()
        u16 = Utf16Map(text)
        i = u16.from_utf16(at)
        partner = None
        depth = 0
        if ch in _OPEN:
            close = _OPEN[ch]
            for j in range(i, min(len(text), i + _BRACKET_SCAN_LIMIT)):
                c = text[j]
                if c == ch:
                    depth += 1
                elif c == close:
                    depth -= 1
                    if depth == 0:
                        partner = j
                        break
        else:
            open_ = _CLOSE[ch]
            for j in range(i, max(-1, i - _BRACKET_SCAN_LIMIT), -1):
                c = text[j]
                if c == ch:
                    depth += 1
                elif c == open_:
                    depth -= 1
                    if depth == 0:
                        partner = j
                        break
        fmt = QTextCharFormat()
        fmt.setBackground(
            QColor(self._theme.bracket_match if partner is not None else self._theme.bracket_mismatch)
        )
        sels = []
        for k in (i, partner):
            if k is None:
                continue
            sel = QTextEdit.ExtraSelection()
            span = QTextCursor(doc)
            span.setPosition(u16.to_utf16(k))
            span.setPosition(u16.to_utf16(k + 1), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = span
            sel.format = fmt
            sels.append(sel)
        return sels

    # -- private -----------------------------------------------------------------------------------------
    def _apply_palette(self) -> None:
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Base, QColor(self._theme.background))
        pal.setColor(QPalette.ColorRole.Text, QColor(self._theme.foreground))
        self.setPalette(pal)

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        revision = self.document().revision()
        if revision == self._revision:
            return  # the highlighter re-formatted a block: no text changed
        self._revision = revision
        dropped = False
        for origin in list(self._drop_on_edit):
            kept = []
            for m in self._markers.get(origin, ()):
                if m.cursor is not None:
                    block = self.document().findBlock(m.cursor.selectionStart())
                    start = block.position()
                    if position <= start + block.length() and position + added >= start:
                        dropped = True
                        continue
                kept.append(m)
            if kept:
                self._markers[origin] = kept
            else:
                self._markers.pop(origin, None)
        if dropped:
            self._markers_changed()
        self.textEdited.emit(position, removed, added)

    def _markers_changed(self) -> None:
        self._refresh_selections()
        self._gutter.update()
        self.markersChanged.emit()
