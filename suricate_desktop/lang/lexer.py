"""One entry point for both lexers.

``tokenize(text, lang)`` lexes a whole script; ``tokenize_line(line, lang, state)``
lexes one editor block and returns the state to hand to the next block::

    state = None
    for block in blocks:
        tokens, state = tokenize_line(block.text(), "d", state, line=block.number + 1)

Joining the token texts gives back the input exactly, and lexing block by block
(joined with the newlines between blocks) gives the same tokens as lexing the
whole text.  ``lang`` is ``"d"`` or ``"bpftrace"`` (``"bt"`` is accepted too).
"""

from __future__ import annotations

import gc

from . import lexer_bpftrace, lexer_d
from .tokens import INITIAL_STATE, LexState, Token, TokenType

__all__ = ["LANGS", "LexState", "Token", "TokenType", "normalize_lang", "tokenize", "tokenize_line"]

LANGS = ("d", "bpftrace")

_LEXERS = {"d": lexer_d.lex, "bpftrace": lexer_bpftrace.lex}
_ALIASES = {"d": "d", "dtrace": "d", "bpftrace": "bpftrace", "bt": "bpftrace"}


def normalize_lang(lang: str) -> str:
    """``"d"`` or ``"bpftrace"`` for any accepted spelling; ValueError otherwise."""
    try:
        return _ALIASES[lang.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown language {lang!r}: expected 'd' or 'bpftrace'") from None


def _state(state: LexState | int | None) -> LexState:
    if state is None:
        return INITIAL_STATE
    if isinstance(state, int):
        return LexState.from_int(state)
    return state


def tokenize(text: str, lang: str = "d", state: LexState | int | None = None) -> list[Token]:
    """All tokens of ``text`` (whitespace and newlines included), lines and columns 1-based."""
    return tokenize_with_state(text, lang, state)[0]


def tokenize_with_state(
    text: str, lang: str = "d", state: LexState | int | None = None, line: int = 1
) -> tuple[list[Token], LexState]:
    """Like :func:`tokenize` but also returns the state at the end of ``text``."""
    lex = _LEXERS[normalize_lang(lang)]
    if len(text) < 4096 or not gc.isenabled():
        return lex(text, _state(state), line)
    # Tokens are tuples of immutable things: no cycles.  Pausing the collector keeps a big
    # lex from paying for collections of the whole heap (a GUI's heap is large).
    gc.disable()
    try:
        return lex(text, _state(state), line)
    finally:
        gc.enable()


def tokenize_line(
    line_text: str, lang: str, state: LexState | int | None = None, line: int = 1
) -> tuple[list[Token], LexState]:
    """Tokens of one line (no trailing newline needed) starting in ``state``, and the end state.

    ``state`` may be a :class:`LexState`, its packed int (``LexState.to_int()``;
    a negative int means "no state", as in Qt) or None for the start of a script.
    ``line`` only numbers the returned tokens.
    """
    return _LEXERS[normalize_lang(lang)](line_text, _state(state), line)


def mask_comments_and_strings(text: str, lang: str = "d") -> str:
    """``text`` with comments and the insides of string literals blanked (same length, same lines).

    So that scanners looking for ``@x = count()`` are not fooled by
    ``printf("@x = count()")`` or ``// @y = sum(1)``. A D ``//`` line, which D
    does not allow, is blanked too (the linter reports it).
    """
    parts = []
    for tok in tokenize(text, lang):
        kind, piece = tok.type, tok.text
        if kind is TokenType.COMMENT or (kind is TokenType.ERROR and piece.startswith("//")):
            parts.append(_blank(piece))
        elif kind is TokenType.STRING and len(piece) >= 2:
            parts.append(
                piece[0] + _blank(piece[1:-1]) + piece[-1]
                if piece[-1] == piece[0]
                else piece[0] + _blank(piece[1:])
            )
        else:
            parts.append(piece)
    return "".join(parts)


def _blank(piece: str) -> str:
    return "".join(c if c == "\n" else " " for c in piece)
