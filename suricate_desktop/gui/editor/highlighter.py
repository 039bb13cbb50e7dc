"""Syntax highlighting of D and bpftrace scripts with the shared lexer.

``ScriptHighlighter`` lexes one block (one line) at a time with
:func:`suricate_desktop.lang.lexer.tokenize_line`, starting from the lexer
state the previous block ended in: that state (inside a ``/* ... */``
comment, inside a clause, a predicate, the brace depth) is packed into the
block's user state (``LexState.to_int()``), so Qt re-highlights the following
blocks by itself whenever a change alters a block's end state (opening a
comment re-colours the lines below it, and closing it colours them back).

Colours come from a :class:`Theme`: one per token type, a light one and a dark
one chosen from the application palette, after the seed web IDE's classes
(comments green, strings blue, aggregating functions bold orange, built-in
variables cyan, probes red).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from ...lang.lexer import normalize_lang, tokenize_line
from ...lang.tokens import TokenType
from ._utf16 import Utf16Map

__all__ = ["DARK", "LIGHT", "ScriptHighlighter", "Style", "Theme", "theme_for_palette"]


@dataclass(frozen=True)
class Style:
    """How one token type looks."""

    color: str | None = None
    bold: bool = False
    italic: bool = False
    background: str | None = None

    def char_format(self) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if self.color:
            fmt.setForeground(QColor(self.color))
        if self.background:
            fmt.setBackground(QColor(self.background))
        if self.bold:
            fmt.setFontWeight(QFont.Weight.Bold)
        if self.italic:
            fmt.setFontItalic(True)
        return fmt


@dataclass(frozen=True)
class Theme:
    """The editor's colours: text, gutter, current line, diagnostics, and a style per token type."""

    name: str
    background: str
    foreground: str
    current_line: str
    gutter_background: str
    gutter_foreground: str
    gutter_current: str
    error: str
    warning: str
    bracket_match: str
    bracket_mismatch: str
    find_match: str
    tokens: dict = field(default_factory=dict)
    #: Faint tints under a diagnostic's span, beside its wavy underline.
    error_background: str = "#fdecea"
    warning_background: str = "#fff5d9"


T = TokenType

LIGHT = Theme(
    name="light",
    background="#ffffff",
    foreground="#1f1f1f",
    current_line="#f2f6fc",
    gutter_background="#f5f5f5",
    gutter_foreground="#9a9a9a",
    gutter_current="#333333",
    error="#d32f2f",
    warning="#e08a00",
    bracket_match="#c8e6c9",
    bracket_mismatch="#ffcdd2",
    find_match="#ffe98a",
    tokens={
        T.COMMENT: Style("#3a7d3a", italic=True),
        T.STRING: Style("#1a4fbf"),
        T.NUMBER: Style("#098658"),
        T.KEYWORD: Style("#7b1fa2", bold=True),
        T.PROBE: Style("#b71c1c", bold=True),
        T.PREDICATE: Style("#b71c1c", bold=True),
        T.BUILTIN: Style("#00838f"),
        T.AGGREGATION: Style("#a64d00", bold=True),
        T.AGG_FUNC: Style("#e65100", bold=True),
        T.ACTION: Style("#795e26"),
        T.VARIABLE: Style("#0d3a8c"),
        T.MACRO: Style("#ad1457"),
        T.PRAGMA: Style("#6d6d6d", bold=True),
        T.OPERATOR: Style("#444444"),
        T.PUNCTUATION: Style("#444444"),
        T.ERROR: Style("#c62828", background="#ffe0e0"),
    },
)

DARK = Theme(
    name="dark",
    background="#1e1f22",
    foreground="#d4d4d4",
    current_line="#2a2d33",
    gutter_background="#232428",
    gutter_foreground="#6e7681",
    gutter_current="#d4d4d4",
    error="#f14c4c",
    warning="#e0a030",
    bracket_match="#2f5d3a",
    bracket_mismatch="#6b2a2a",
    find_match="#614d13",
    tokens={
        T.COMMENT: Style("#6a9955", italic=True),
        T.STRING: Style("#6cb6ff"),
        T.NUMBER: Style("#b5cea8"),
        T.KEYWORD: Style("#c586c0", bold=True),
        T.PROBE: Style("#f28b82", bold=True),
        T.PREDICATE: Style("#f28b82", bold=True),
        T.BUILTIN: Style("#4ec9b0"),
        T.AGGREGATION: Style("#ffb86b", bold=True),
        T.AGG_FUNC: Style("#ff9e3d", bold=True),
        T.ACTION: Style("#dcdcaa"),
        T.VARIABLE: Style("#9cdcfe"),
        T.MACRO: Style("#f48fb1"),
        T.PRAGMA: Style("#a0a0a0", bold=True),
        T.OPERATOR: Style("#c8c8c8"),
        T.PUNCTUATION: Style("#c8c8c8"),
        T.ERROR: Style("#ff8a80", background="#4a1f1f"),
    },
    error_background="#3d2426",
    warning_background="#3a3222",
)


def theme_for_palette(palette: QPalette | None = None) -> Theme:
    """The dark theme when the application's base colour is dark, else the light one."""
    if palette is None:
        app = QGuiApplication.instance()
        palette = app.palette() if isinstance(app, QGuiApplication) else QPalette()
    return DARK if palette.color(QPalette.ColorRole.Base).lightness() < 110 else LIGHT


class ScriptHighlighter(QSyntaxHighlighter):
    """Colours a D or bpftrace document block by block; the lexer state is the block state."""

    def __init__(self, document: QTextDocument, lang: str = "d", theme: Theme | None = None) -> None:
        super().__init__(document)
        self._lang = normalize_lang(lang)
        self._theme = theme or theme_for_palette()
        self._formats: dict[TokenType, QTextCharFormat] = {}
        self._build_formats()

    # -- public API ----------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self._lang

    def set_lang(self, lang: str) -> None:
        lang = normalize_lang(lang)
        if lang != self._lang:
            self._lang = lang
            self.rehighlight()

    @property
    def theme(self) -> Theme:
        return self._theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._build_formats()
        self.rehighlight()

    def format_for(self, token_type: TokenType) -> QTextCharFormat | None:
        """The format a token type gets (None: the editor's plain text format)."""
        return self._formats.get(token_type)

    # -- QSyntaxHighlighter ----------------------------------------------------------------------
    def highlightBlock(self, text: str) -> None:
        tokens, state = tokenize_line(text, self._lang, self.previousBlockState())
        formats = self._formats
        set_format = self.setFormat
        if text.isascii():
            for tok in tokens:
                fmt = formats.get(tok.type)
                if fmt is not None:
                    set_format(tok.column - 1, len(tok.text), fmt)
        else:
            u16 = Utf16Map(text).to_utf16
            for tok in tokens:
                fmt = formats.get(tok.type)
                if fmt is not None:
                    start = u16(tok.column - 1)
                    set_format(start, u16(tok.column - 1 + len(tok.text)) - start, fmt)
        self.setCurrentBlockState(state.to_int())

    # -- private --------------------------------------------------------------------------------
    def _build_formats(self) -> None:
        self._formats = {tt: style.char_format() for tt, style in self._theme.tokens.items()}
