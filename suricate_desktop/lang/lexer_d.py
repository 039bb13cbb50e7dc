"""Lexer for D (DTrace), following libdtrace's ``dt_lex.l``.

Tokens never span a line, so lexing a whole text and lexing it line by line
(feeding each line the previous line's end state) give the same tokens.  The
engine is :func:`.tokens.run_lexer`: clause-body lines go through one
``findall`` (fast path), probe lists and predicates through one named-group
regex per lexer state.

D specifics: ``/`` closes a predicate only when the next non-blank character
on the line is ``;``, ``{``, ``/`` or the end of the line (otherwise it
divides); ``//`` is not a comment in D and lexes as an
:attr:`~TokenType.ERROR` running to the end of the line; a line starting with
``#`` is a control line (``#pragma D option ...``) and ``#!`` lines are
comments; probe descriptions use their own character set (``profile-997``,
``pid$target::malloc:entry``, ``fbt::vfs_*:entry``); ``self->x`` and
``this->x`` are one :attr:`~TokenType.VARIABLE` token.
"""

from __future__ import annotations

import re

from .tokens import (
    C_AGG,
    C_DOLLAR,
    C_DOT,
    C_HASH,
    C_ID,
    C_NUM,
    C_OP,
    C_PUNCT,
    C_SLASH,
    C_STR,
    C_WS,
    INITIAL_STATE,
    MODE_BODY,
    MODE_DECL,
    MODE_OUTER,
    MODE_PRED,
    MODE_PROBES,
    LexerSpec,
    LexState,
    Token,
    TokenType,
    new_piece_cache,
    run_lexer,
)
from .vocabulary_d import D_AGG_FUNCS, D_ALL_KEYWORDS, D_BUILTINS, D_DECL_KEYWORDS, D_FUNCTIONS

T = TokenType

_STR = r'"(?:[^"\\\n]|\\.)*(?:"|\\?(?=\n|\Z))'
_CHR = r"'(?:[^'\\\n]|\\.)*(?:'|\\?(?=\n|\Z))"
_NUM = r"0[xX][0-9A-Za-z_]*|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[A-Za-z0-9_]*"
_VAR = r"(?:self|this)->[A-Za-z_][A-Za-z0-9_]*"
_AGG = r"@[A-Za-z_][A-Za-z0-9_]*|@"
_MACRO = r"\$\$?[0-9]+|\$\$?[A-Za-z_][A-Za-z0-9_]*"
_IDENT = r"[A-Za-z_`][A-Za-z0-9_`]*"
_OPS2 = r">>=|<<=|\.\.\.|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|[-+*/%&|^]="
_HEAD = r"""
 (?P<ctl>(?<![^\n])[ \t\f\v]*\#[^\n]*)
|(?P<ws>[ \t\r\f\v]+)
|(?P<cs>/\*[^\n]*?(?:\*/|$))
|(?P<slash2>//[^\n]*)
"""
_BODY = rf"""
|(?P<str>{_STR})
|(?P<chr>{_CHR})
|(?P<var>{_VAR})
|(?P<agg>{_AGG})
|(?P<dollar>{_MACRO})
|(?P<num>{_NUM})
|(?P<call>{_IDENT}(?=[ \t]*\())
|(?P<id>{_IDENT})
|(?P<op>{_OPS2}|[-+*/%&|^~!<>=?:.])
|(?P<punct>[{{}}()\[\];,])
|(?P<err>.)
"""
_FLAGS = re.X | re.M
_RX_BODY = re.compile(_HEAD + _BODY, _FLAGS)
#: In a predicate, "/" followed by ; { / or the end of the line closes it (dt_lex.l's DT_TOK_EPRED).
_RX_PRED = re.compile(r"(?P<pclose>/(?=[ \t\r\f\v]*(?:[;{/]|$)))|" + _HEAD.strip() + _BODY, _FLAGS)
#: Outer scope and probe lists: probe descriptions (RGX_PSPEC); "/" opens a predicate.
_RX_OUTER = re.compile(
    _HEAD
    + rf"""
|(?P<num>{_NUM})
|(?P<pspec>[-$:A-Za-z_.?*\\\[\]!][-$:0-9A-Za-z_.`?*\\\[\]!]*)
|(?P<popen>/)
|(?P<str>{_STR})
|(?P<chr>{_CHR})
|(?P<punct>[{{}}()\[\];,])
|(?P<err>.)
""",
    _FLAGS,
)
#: The fast path's pieces: must split a body line exactly as _RX_BODY does.
_RX_PIECES = re.compile(
    # ordered by frequency; for any first character the alternatives keep _RX_BODY's order
    rf"""[ \t\r\f\v]+|{_VAR}|{_IDENT}|[{{}}()\[\];,]|\n|{_OPS2}|{_NUM}|{_AGG}|{_STR}"""
    rf"""|/\*[^\n]*?(?:\*/|$)|//[^\n]*|{_CHR}|{_MACRO}|.""",
    re.M,
)

#: A name at the outer scope followed by another name is a declaration (``uint64_t total;``).
_RX_DECL_AFTER = re.compile(r"[ \t]+[A-Za-z_*]")

_ID_TYPES: dict[str, TokenType] = {}
_ID_TYPES.update({w: T.BUILTIN for w in D_BUILTINS})
_ID_TYPES.update({w: T.KEYWORD for w in D_ALL_KEYWORDS})
_CALL_TYPES: dict[str, TokenType] = dict(_ID_TYPES)
_CALL_TYPES.update({w: T.ACTION for w in D_FUNCTIONS})
_CALL_TYPES.update({w: T.AGG_FUNC for w in D_AGG_FUNCS})

#: Names of functions are functions only where called (``count(``); ``args->count`` is a member.
_AMBIGUOUS = frozenset(w for w in _CALL_TYPES if _CALL_TYPES[w] is not _ID_TYPES.get(w, T.IDENTIFIER))

_FIRST: dict[str, int] = {}
for _c in " \t\r\f\v":
    _FIRST[_c] = C_WS
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_`":
    _FIRST[_c] = C_ID
for _c in "0123456789":
    _FIRST[_c] = C_NUM
for _c in "{}()[];,":
    _FIRST[_c] = C_PUNCT
for _c in "-+*%&|^~!<>=?:":
    _FIRST[_c] = C_OP
_FIRST.update({"/": C_SLASH, ".": C_DOT, '"': C_STR, "'": C_STR, "@": C_AGG, "$": C_DOLLAR, "#": C_HASH})


def _dollar(s: str) -> TokenType:
    return T.MACRO if len(s) > 1 else T.ERROR


def _outer_word(text: str, end: int, s: str) -> TokenType | None:
    if s in D_DECL_KEYWORDS or (":" not in s and _RX_DECL_AFTER.match(text, end)):
        return T.KEYWORD if s in D_ALL_KEYWORDS else T.IDENTIFIER
    return None


SPEC = LexerSpec(
    regex={
        MODE_OUTER: _RX_OUTER,
        MODE_PROBES: _RX_OUTER,
        MODE_PRED: _RX_PRED,
        MODE_BODY: _RX_BODY,
        MODE_DECL: _RX_BODY,
    },
    pieces=_RX_PIECES,
    simple={
        "ws": T.WHITESPACE,
        "str": T.STRING,
        "chr": T.STRING,
        "var": T.VARIABLE,
        "agg": T.AGGREGATION,
        "num": T.NUMBER,
        "op": T.OPERATOR,
        "err": T.ERROR,
    },
    ids=_ID_TYPES,
    calls=_CALL_TYPES,
    first=_FIRST,
    slash2=T.ERROR,
    dollar=_dollar,
    outer_word=_outer_word,
    ambiguous=_AMBIGUOUS,
    pclose=re.compile(r"[ \t\r\f\v]*(?:[;{/]|$)"),
    cache=new_piece_cache(_FIRST, _ID_TYPES, _AMBIGUOUS),
    decl_closes_on_brace=False,
)


def lex(text: str, state: LexState = INITIAL_STATE, line: int = 1) -> tuple[list[Token], LexState]:
    """Tokens of ``text`` (one line or many) starting in ``state`` at ``line``, and the end state."""
    return run_lexer(SPEC, text, state, line)
