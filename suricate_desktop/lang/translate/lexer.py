"""The translator's own tokenizer for the D subset it understands.

It is separate from the editor's lexer (``lang/lexer_d.py``) on purpose: the translator needs
tokens with values (integer and character constants), probe descriptions read as one word, and
a refusal with a place for what D does not permit (floating-point constants, kernel symbols),
while the editor's lexer must never fail on half-typed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .refusal import Refusal


@dataclass
class Tok:
    """One token, with its place; ``value`` is the number of an int or char constant, the name of an
    aggregation (without ``@``) or of a macro variable (without ``$``)."""

    kind: str  # ident int str char op agg macro eof
    text: str
    line: int
    col: int
    value: int | str | None = None
    pos: int = 0  # offset of the token's first character


_OPERATORS = sorted(
    [
        "<<=",
        ">>=",
        "->",
        "++",
        "--",
        "<<",
        ">>",
        "<=",
        ">=",
        "==",
        "!=",
        "&&",
        "||",
        "^^",
        "+=",
        "-=",
        "*=",
        "/=",
        "%=",
        "&=",
        "|=",
        "^=",
        "+",
        "-",
        "*",
        "/",
        "%",
        "&",
        "|",
        "^",
        "~",
        "!",
        "<",
        ">",
        "=",
        "?",
        ":",
        ";",
        ",",
        ".",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
    ],
    key=len,
    reverse=True,
)
_PROBE_CHARS = re.compile(r"[A-Za-z0-9_:\-$*?\[\]!\\.`+]+")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)([uU]?[lL]{0,2}[uU]?)(?![0-9A-Za-z_.])")
_FLOAT = re.compile(r"[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+[eE][+-]?[0-9]+")


class Lexer:
    """Tokens of a D script, one at a time, with one token of look-ahead."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1
        self._peeked: Tok | None = None

    # position helpers
    def _advance(self, n: int) -> None:
        chunk = self.text[self.pos : self.pos + n]
        newlines = chunk.count("\n")
        if newlines:
            self.line += newlines
            self.col = n - chunk.rfind("\n")
        else:
            self.col += n
        self.pos += n

    def at_line_start(self) -> bool:
        start = self.text.rfind("\n", 0, self.pos) + 1
        return self.text[start : self.pos].strip() == ""

    def skip_space(self) -> None:
        """Skip blanks and comments (``/* */``, and ``//`` as scripts run through cpp use it)."""
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t\r\n\f\v":
                self._advance(1)
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise Refusal(self.line, self.col, "unterminated comment")
                self._advance(end + 2 - self.pos)
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance((len(text) if end < 0 else end) - self.pos)
            else:
                break

    def peek_char(self) -> str:
        """The next non-blank character ('' at the end), without consuming it."""
        save = (self.pos, self.line, self.col)
        self.skip_space()
        c = self.text[self.pos] if self.pos < len(self.text) else ""
        self.pos, self.line, self.col = save
        return c

    def rest_of_line(self) -> str:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        s = self.text[self.pos : end]
        self._advance(end - self.pos)
        return s

    def probe_desc(self) -> Tok:
        self.skip_space()
        m = _PROBE_CHARS.match(self.text, self.pos)
        if not m:
            raise Refusal(self.line, self.col, f"expected a probe description, found {self._near()}")
        tok = Tok("probe", m.group(0), self.line, self.col)
        self._advance(len(m.group(0)))
        return tok

    def _near(self) -> str:
        if self.pos >= len(self.text):
            return "end of input"
        return repr(self.text[self.pos : self.pos + 12].split("\n")[0])

    def peek(self) -> Tok:
        if self._peeked is None:
            self._peeked = self._next()
        return self._peeked

    def next(self) -> Tok:
        tok = self.peek()
        self._peeked = None
        return tok

    def rewind(self, tok: Tok) -> None:
        """Go back to just before ``tok`` (and forget any peeked token)."""
        self._peeked = None
        self.pos, self.line, self.col = tok.pos, tok.line, tok.col

    def _next(self) -> Tok:
        self.skip_space()
        text, pos = self.text, self.pos
        line, col = self.line, self.col
        tok: Tok
        if pos >= len(text):
            tok = Tok("eof", "", line, col)
        else:
            c = text[pos]
            if (c.isascii() and c.isalpha()) or c == "_":
                m = IDENT.match(text, pos)
                assert m
                tok = Tok("ident", m.group(0), line, col)
            elif c == "`":
                m = re.compile(r"`[A-Za-z_][A-Za-z0-9_]*").match(text, pos)
                raise Refusal(
                    line, col, f"kernel symbol {m.group(0) if m else '`'}: kernel symbols differ on Linux"
                )
            elif c.isdigit() or (c == "." and pos + 1 < len(text) and text[pos + 1].isdigit()):
                fm = _FLOAT.match(text, pos)
                im = _INT.match(text, pos)
                if fm and (not im or len(fm.group(0)) > len(im.group(1))):
                    raise Refusal(line, col, f"floating-point constant {fm.group(0)}: D does not permit them")
                if not im:
                    raise Refusal(line, col, f"syntax error near {self._near()}")
                digits = im.group(1)
                try:
                    value = (
                        int(digits, 16)
                        if digits[:2] in ("0x", "0X")
                        else int(digits, 8 if digits.startswith("0") and len(digits) > 1 else 10)
                    )
                except ValueError:
                    raise Refusal(line, col, f"constant {digits} contains an invalid digit") from None
                tok = Tok("int", im.group(0), line, col, value, pos)
                self._advance(len(im.group(0)))
                return tok
            elif c == '"':
                i = pos + 1
                while i < len(text) and text[i] != '"':
                    if text[i] == "\\":
                        i += 1
                    elif text[i] == "\n":
                        raise Refusal(line, col, "newline encountered in string literal")
                    i += 1
                if i >= len(text):
                    raise Refusal(line, col, "unterminated string literal")
                tok = Tok("str", text[pos : i + 1], line, col)
            elif c == "'":
                m = re.compile(r"'(\\.|[^'\\])*'").match(text, pos)
                if not m or m.group(0) == "''":
                    raise Refusal(line, col, "empty or unterminated character constant")
                body = m.group(0)[1:-1].encode().decode("unicode_escape").encode("latin-1")
                value = int.from_bytes(body[:8], "big")
                tok = Tok("char", m.group(0), line, col, value)
            elif c == "@":
                m = IDENT.match(text, pos + 1)
                name = m.group(0) if m else ""
                tok = Tok("agg", "@" + name, line, col, name)
            elif c == "$":
                m = re.compile(r"\$\$?([0-9]+|[A-Za-z_][A-Za-z0-9_]*)").match(text, pos)
                if not m:
                    raise Refusal(line, col, "invalid macro variable '$'")
                tok = Tok("macro", m.group(0), line, col, m.group(1))
            else:
                op = next((op for op in _OPERATORS if text.startswith(op, pos)), None)
                if op is None:
                    raise Refusal(line, col, f"unexpected character {c!r}")
                tok = Tok("op", op, line, col)
            self._advance(len(tok.text))
        tok.pos = pos
        return tok
