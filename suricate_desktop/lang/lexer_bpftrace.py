"""Lexer for bpftrace (0.17 syntax, with later probe types recognised).

Same engine as :mod:`.lexer_d` (:func:`.tokens.run_lexer`): tokens never span
a line, so whole-text and line-by-line lexing agree.

bpftrace specifics: ``//`` and ``/* */`` comments; attach points such as
``uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc`` or
``tracepoint:syscalls:sys_enter_*`` lex as one :attr:`~TokenType.PROBE`; a
predicate's closing ``/`` is followed by ``{`` or the end of the line;
``$x`` is a scratch :attr:`~TokenType.VARIABLE`, ``$1``/``$#`` positional
parameters (:attr:`~TokenType.MACRO`); ``#include``/``#define`` lines are
control lines; a top-level ``struct``/``union``/``enum`` starts a C definition.
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
from .vocabulary_bpftrace import (
    BT_BUILTINS,
    BT_FUNCTIONS,
    BT_KEYWORDS,
    BT_LITERAL_WORDS,
    BT_MAP_FUNCS,
    BT_TYPE_WORDS,
)

T = TokenType

_STR = r'"(?:[^"\\\n]|\\.)*(?:"|\\?(?=\n|\Z))'
_NUM = r"0[xX][0-9A-Za-z_]*|[0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[A-Za-z0-9_]*"
_AGG = r"@[A-Za-z_][A-Za-z0-9_]*|@"
_DOLLAR = r"\$[0-9]+|\$\#|\$[A-Za-z_][A-Za-z0-9_]*"
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_OPS2 = r">>=|<<=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]="
_HEAD = r"""
 (?P<ctl>(?<![^\n])[ \t\f\v]*\#[^\n]*)
|(?P<ws>[ \t\r\f\v]+)
|(?P<cs>/\*[^\n]*?(?:\*/|$))
|(?P<slash2>//[^\n]*)
"""
_BODY = rf"""
|(?P<str>{_STR})
|(?P<agg>{_AGG})
|(?P<dollar>{_DOLLAR})
|(?P<num>{_NUM})
|(?P<call>{_IDENT}(?=[ \t]*\())
|(?P<id>{_IDENT})
|(?P<op>{_OPS2}|[-+*/%&|^~!<>=?:.])
|(?P<punct>[{{}}()\[\];,])
|(?P<err>.)
"""
_FLAGS = re.X | re.M
_RX_BODY = re.compile(_HEAD + _BODY, _FLAGS)
#: A predicate's "/" closes it when "{" or the end of the line follows (bpftrace's ENDPRED).
_RX_PRED = re.compile(r"(?P<pclose>/(?=[ \t\r\f\v]*(?:\{|$)))|" + _HEAD.strip() + _BODY, _FLAGS)
#: Attach points: type[:field...], fields holding paths, globs, offsets and quoted strings.
_RX_OUTER = re.compile(
    _HEAD
    + rf"""
|(?P<pspec>[A-Za-z_][A-Za-z0-9_]*(?::(?:[A-Za-z0-9_\-./*?\[\]+$@!~%:]+|"[^"\n]*"|\\.)*)?)
|(?P<popen>/)
|(?P<str>{_STR})
|(?P<num>{_NUM})
|(?P<punct>[{{}}()\[\];,])
|(?P<err>.)
""",
    _FLAGS,
)
#: The fast path's pieces: must split a body line exactly as _RX_BODY does.
_RX_PIECES = re.compile(
    # ordered by frequency; for any first character the alternatives keep _RX_BODY's order
    rf"""[ \t\r\f\v]+|{_IDENT}|[{{}}()\[\];,]|\n|{_OPS2}|{_NUM}|{_AGG}|{_DOLLAR}|{_STR}"""
    rf"""|/\*[^\n]*?(?:\*/|$)|//[^\n]*|.""",
    re.M,
)
_DECL_WORDS = frozenset({"struct", "union", "enum"})

_ID_TYPES: dict[str, TokenType] = {}
_ID_TYPES.update({w: T.BUILTIN for w in BT_BUILTINS})
_ID_TYPES.update({w: T.KEYWORD for w in BT_KEYWORDS | BT_TYPE_WORDS | BT_LITERAL_WORDS})
_CALL_TYPES: dict[str, TokenType] = dict(_ID_TYPES)
_CALL_TYPES.update({w: T.ACTION for w in BT_FUNCTIONS})
_CALL_TYPES.update({w: T.AGG_FUNC for w in BT_MAP_FUNCS})
_CALL_TYPES.update({w: T.KEYWORD for w in BT_KEYWORDS})

#: Names whose type depends on a following "(": functions only where called (``count(``, not
#: ``args->count``); kstack/ustack are builtins bare and functions called.
_AMBIGUOUS = frozenset(w for w in _CALL_TYPES if _CALL_TYPES[w] is not _ID_TYPES.get(w, T.IDENTIFIER))

_FIRST: dict[str, int] = {}
for _c in " \t\r\f\v":
    _FIRST[_c] = C_WS
for _c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
    _FIRST[_c] = C_ID
for _c in "0123456789":
    _FIRST[_c] = C_NUM
for _c in "{}()[];,":
    _FIRST[_c] = C_PUNCT
for _c in "-+*%&|^~!<>=?:":
    _FIRST[_c] = C_OP
_FIRST.update({"/": C_SLASH, ".": C_DOT, '"': C_STR, "@": C_AGG, "$": C_DOLLAR, "#": C_HASH})


def _dollar(s: str) -> TokenType:
    if len(s) == 1:
        return T.ERROR
    return T.MACRO if s[1] in "0123456789#" else T.VARIABLE


def _outer_word(text: str, end: int, s: str) -> TokenType | None:
    return T.KEYWORD if s in _DECL_WORDS else None


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
        "agg": T.AGGREGATION,
        "num": T.NUMBER,
        "op": T.OPERATOR,
        "err": T.ERROR,
    },
    ids=_ID_TYPES,
    calls=_CALL_TYPES,
    first=_FIRST,
    slash2=T.COMMENT,
    dollar=_dollar,
    outer_word=_outer_word,
    ambiguous=_AMBIGUOUS,
    pclose=re.compile(r"[ \t\r\f\v]*(?:\{|$)"),
    cache=new_piece_cache(_FIRST, _ID_TYPES, _AMBIGUOUS),
    decl_closes_on_brace=True,
)


def lex(text: str, state: LexState = INITIAL_STATE, line: int = 1) -> tuple[list[Token], LexState]:
    """Tokens of ``text`` (one line or many) starting in ``state`` at ``line``, and the end state."""
    return run_lexer(SPEC, text, state, line)
