"""Typed tokens shared by the D and bpftrace lexers.

A token is ``Token(type, text, line, column)``: ``line`` and ``column`` are
1-based (as compilers print them) and count characters, so an editor block's
offset is ``column - 1``.  Whitespace and newlines are tokens too: joining the
texts of all tokens gives back the input exactly.

:class:`LexState` is what a lexer carries from one line to the next (inside a
``/* ... */`` comment, inside a clause, inside a predicate, brace depth), so
the editor's highlighter can lex block by block: feed each block the end state
of the previous one.  ``LexState.to_int()``/``from_int()`` pack it into the
single int a ``QSyntaxHighlighter`` block state holds (``-1`` stays "unset").
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class TokenType(Enum):
    """What a token is, coarse enough for highlighting and fine enough for linting."""

    WHITESPACE = "whitespace"  # blanks within a line
    NEWLINE = "newline"  # one "\n"
    COMMENT = "comment"  # /* ... */ (one line's piece of it), // ... (bpftrace), #! line
    STRING = "string"  # "..." (possibly unterminated), D 'c' character constants
    NUMBER = "number"  # 42, 0x1f, 10UL, 1e3
    KEYWORD = "keyword"  # reserved words and type words
    PROBE = "probe"  # a probe description / attach point: syscall::read:entry, kprobe:vfs_*
    PREDICATE = "predicate"  # the "/" that opens or closes a predicate
    BUILTIN = "builtin"  # built-in variable: execname, pid, comm, arg0, args
    AGGREGATION = "aggregation"  # @name or @ (D aggregation, bpftrace map)
    AGG_FUNC = "agg_func"  # aggregating function: count, quantize, lquantize, hist, lhist
    ACTION = "action"  # action or subroutine: printf, trace, copyinstr, str, print
    VARIABLE = "variable"  # self->x, this->x (D); $x (bpftrace)
    MACRO = "macro"  # $1, $$1, $target, $pid (D); $1, $# (bpftrace)
    PRAGMA = "pragma"  # a control line: #pragma D option quiet, #include <...>
    OPERATOR = "operator"  # + - * / == && -> . ? : = += ...
    PUNCTUATION = "punctuation"  # { } ( ) [ ] ; ,
    IDENTIFIER = "identifier"  # any other name: user variables, members, types, unknown functions
    ERROR = "error"  # a character the language does not allow here; D's // comments

    # Members are singletons: hash them by identity, in C, not through Enum's Python-level
    # __hash__ (sets and dicts of token types sit on the lexer's and linter's hot paths).
    __hash__ = object.__hash__


class Token(NamedTuple):
    """One token: its type, its exact text, and where it starts (1-based line and column)."""

    type: TokenType
    text: str
    line: int
    column: int

    @property
    def end_column(self) -> int:
        """Column just past the token (tokens never span lines)."""
        return self.column + len(self.text)


# Lexer modes (where in the program structure a line starts).
MODE_OUTER = 0  # outer scope: probe descriptions, declarations, pragmas
MODE_PROBES = 1  # after a probe description: more descriptions, "/" predicate or "{"
MODE_PRED = 2  # inside /predicate/
MODE_BODY = 3  # inside { actions }
MODE_DECL = 4  # an outer-scope declaration (int x; struct s {...}; inline ...)

_MODE_BITS = 3
_MAX_DEPTH = (1 << 24) - 1


class LexState(NamedTuple):
    """The lexer state at a line boundary.

    ``mode`` is one of the ``MODE_*`` constants, ``depth`` the brace depth inside
    a clause body or declaration, and ``comment`` is true inside an unterminated
    ``/* ... */``.
    """

    mode: int = MODE_OUTER
    depth: int = 0
    comment: bool = False

    def to_int(self) -> int:
        """Pack into a non-negative int (for ``QSyntaxHighlighter.setCurrentBlockState``)."""
        depth = min(self.depth, _MAX_DEPTH)
        return (depth << (_MODE_BITS + 1)) | (self.mode << 1) | int(self.comment)

    @classmethod
    def from_int(cls, value: int | None) -> LexState:
        """Unpack :meth:`to_int`; ``None`` or a negative value (Qt's "no state") gives the initial state."""
        if value is None or value < 0:
            return INITIAL_STATE
        return cls((value >> 1) & ((1 << _MODE_BITS) - 1), value >> (_MODE_BITS + 1), bool(value & 1))


INITIAL_STATE = LexState()


# ---------------------------------------------------------------------------
# The lexing engine shared by lexer_d and lexer_bpftrace.
# ---------------------------------------------------------------------------
#
# Each line is lexed on its own (no token spans a newline), which is what makes
# whole-text lexing and block-by-block lexing agree.
#
# Fast path (inside a clause body, a predicate or a declaration): one
# ``findall`` of a group-less "pieces" regex splits the rest of the line; the
# pieces whose type does not depend on where they are (names, numbers,
# operators, blanks...) get their type from a cache and are turned into tokens
# in bulk by C-level iterators; only the few that steer the lexer ("{", "}",
# "/", "#", comments, ";" in declarations) are looked at one by one.
# Exact path (outer scope and probe lists, comment continuations, control
# lines): ``match`` with the named-group regex of the current mode.  The pieces
# regex must split a line exactly as the body regex does; the tests check both
# paths agree.

from itertools import accumulate as _accumulate
from itertools import compress as _compress
from itertools import repeat as _repeat
from operator import sub as _sub

# First-character classes of the fast path.
C_WS, C_ID, C_PUNCT, C_SLASH, C_DOT, C_NUM, C_STR, C_AGG, C_DOLLAR, C_OP, C_HASH, C_ERR = range(12)
_CACHE_LIMIT = 50_000
#: which token types the linter's mode keeps (no blanks)
_KEEP = {tt: tt is not TokenType.WHITESPACE and tt is not TokenType.NEWLINE for tt in TokenType}


class LexerSpec(NamedTuple):
    """What one language plugs into :func:`run_lexer`."""

    regex: dict  # mode -> compiled named-group regex (exact path)
    pieces: object  # compiled group-less regex for the fast path
    simple: dict  # exact-path group name -> TokenType
    ids: dict  # identifier -> TokenType
    calls: dict  # identifier followed by "(" -> TokenType
    first: dict  # first character -> C_* class (fast path)
    slash2: TokenType  # what "//..." is (COMMENT in bpftrace, ERROR in D)
    dollar: object  # callable(piece) -> TokenType for "$..." pieces
    outer_word: object  # callable(text, end, s) -> TokenType | None: a declaration word at the outer scope
    decl_closes_on_brace: bool  # bpftrace: "}" back to depth 0 ends a declaration
    ambiguous: frozenset  # names whose type depends on a following "(" (bpftrace kstack)
    pclose: object  # compiled regex matching what may follow a predicate's closing "/"
    cache: dict  # piece text -> TokenType, for pieces whose type never depends on context


def new_piece_cache(first: dict, ids: dict, ambiguous: frozenset) -> dict:
    """The starting piece-type cache: punctuation, operators, blanks and the vocabulary."""
    cache: dict = {}
    for ch, c in first.items():
        if c == C_WS:
            cache[ch] = TokenType.WHITESPACE
        elif c == C_OP:
            cache[ch] = TokenType.OPERATOR
    for ch in "()[],;":
        cache[ch] = TokenType.PUNCTUATION
    cache["."] = TokenType.OPERATOR
    for n in range(1, 9):
        cache[" " * n] = cache["\t" * n] = TokenType.WHITESPACE
    # "\n" stays out: newlines are handled one by one, which keeps every run of tokens on one line
    for w, tt in ids.items():
        if w not in ambiguous:
            cache[w] = tt
    return cache


def _classify(spec: LexerSpec, s: str) -> TokenType | None:
    """The type of a piece that neither steers the lexer nor depends on its neighbours."""
    c = spec.first.get(s[0], C_ERR)
    if c == C_ID:
        if s in spec.ambiguous:
            return None
        tt = spec.ids.get(s, TokenType.IDENTIFIER)
        if tt is TokenType.IDENTIFIER and "->" in s:
            tt = TokenType.VARIABLE
        return tt
    if c == C_WS:
        return TokenType.WHITESPACE
    if c == C_NUM:
        return TokenType.NUMBER
    if c == C_OP:
        return TokenType.OPERATOR
    if c == C_STR:
        return TokenType.STRING
    if c == C_AGG:
        return TokenType.AGGREGATION
    if c == C_DOLLAR:
        return spec.dollar(s)
    if c == C_DOT:
        return TokenType.NUMBER if len(s) > 1 and s[1].isdigit() else TokenType.OPERATOR
    if c == C_PUNCT:
        return TokenType.PUNCTUATION
    if c == C_SLASH:
        return spec.slash2 if s.startswith("//") else TokenType.OPERATOR  # "/=" (not "/" nor "/*")
    return TokenType.ERROR


# Enum members are slow to look up on their class (EnumType.__getattr__): alias them once.
_T_COMMENT = TokenType.COMMENT
_T_ERROR = TokenType.ERROR
_T_IDENTIFIER = TokenType.IDENTIFIER
_T_NEWLINE = TokenType.NEWLINE
_T_OPERATOR = TokenType.OPERATOR
_T_PRAGMA = TokenType.PRAGMA
_T_PREDICATE = TokenType.PREDICATE
_T_PROBE = TokenType.PROBE
_T_PUNCTUATION = TokenType.PUNCTUATION
_T_WHITESPACE = TokenType.WHITESPACE


def run_lexer(
    spec: LexerSpec,
    text: str,
    state: LexState,
    line: int,
    keep_blanks: bool = True,
    line_states: list | None = None,
    line_starts: list | None = None,
    comments: list | None = None,
) -> tuple[list[Token], LexState]:
    """Lex ``text`` from ``state``, starting at ``line``; return the tokens and the end state.

    ``keep_blanks=False`` leaves out the WHITESPACE and NEWLINE tokens (the
    linter's mode); ``line_states``, when given, receives the state at the
    start of each line, and ``line_starts`` the index of each line's first token;
    with ``comments`` given, COMMENT tokens go there instead.
    """
    mode, depth, comment = state
    toks: list[Token] = []
    append = toks.append
    extend = toks.extend
    new = tuple.__new__
    n = len(text)
    pos = 0
    ls = 0  # offset where the current line starts
    find = text.find
    findall = spec.pieces.findall
    regex = spec.regex
    simple = spec.simple
    ids = spec.ids
    calls = spec.calls
    cache = spec.cache
    cache_get = cache.get
    pclose = spec.pclose.match
    decl_brace = spec.decl_closes_on_brace
    T_WS, T_ID, T_PUNCT, T_OP = _T_WHITESPACE, _T_IDENTIFIER, _T_PUNCTUATION, _T_OPERATOR
    T_COMMENT, T_PRED, T_NL = _T_COMMENT, _T_PREDICATE, _T_NEWLINE
    rep_token = _repeat(Token)
    keep_get = _KEEP.get
    coms = toks if comments is None else comments
    com_append = coms.append
    states_append = line_states.append if line_states is not None else None
    if states_append:
        states_append((mode, depth, comment))
    starts_append = line_starts.append if line_starts is not None else None
    if starts_append:
        starts_append(0)
    exact_line = 0  # a line that must take the exact path (a control line)
    while pos < n:
        if line != exact_line and not comment and mode >= MODE_PRED:
            # ---- fast path: predicate, clause body, declaration ----
            if mode == MODE_BODY:
                # up to the end of the line holding the next "}": nothing before it can end the body
                rend = find("}", pos)
                rend = n if rend < 0 else find("\n", rend)
            else:
                rend = find("\n", pos)
            if rend < 0:
                rend = n
            start = pos
            pieces = findall(text, pos, rend)
            npieces = len(pieces)
            types = list(map(cache_get, pieces)) if mode != MODE_DECL else [None] * npieces
            types.append(None)  # sentinel: index(None) always finds one
            k = 0
            while k < npieces:
                j = types.index(None, k)
                if j > k:
                    # a run of context-free pieces on one line: tokens made by C-level iterators
                    if k == 0 and j == npieces:
                        seg, segt = pieces, types
                        end = rend
                    else:
                        seg, segt = pieces[k:j], types[k:j]
                        end = pos + sum(map(len, seg))
                    cols = map(_sub, _accumulate(map(len, seg), initial=pos), _repeat(ls - 1))
                    made = map(new, rep_token, zip(segt, seg, _repeat(line), cols))
                    extend(made if keep_blanks else _compress(made, map(keep_get, segt)))
                    pos = end
                    k = j
                    if k >= npieces:
                        break
                s = pieces[k]
                if s == "\n":
                    if keep_blanks:
                        append(new(Token, (T_NL, s, line, pos - ls + 1)))
                    pos += 1
                    line += 1
                    ls = pos
                    if states_append:
                        states_append((mode, depth, comment))
                    if starts_append:
                        starts_append(len(toks))
                    k += 1
                    continue
                col = pos - ls + 1
                c = s[0]
                stop = False
                if c == "{":
                    tt = T_PUNCT
                    if mode == MODE_PRED:
                        mode, depth = MODE_BODY, 1
                        stop = True  # a new region, now a body's
                    else:
                        depth += 1
                elif c == "}":
                    tt = T_PUNCT
                    if mode == MODE_BODY or (mode == MODE_DECL and decl_brace):
                        depth -= 1
                        if depth <= 0:
                            mode, depth = MODE_OUTER, 0
                            stop = True
                    elif mode == MODE_DECL and depth > 0:
                        depth -= 1
                elif c == ";" and mode == MODE_DECL:
                    tt = T_PUNCT
                    if depth == 0:
                        mode = MODE_OUTER
                        stop = True
                elif c == "/":  # never cached: what a slash starts depends on where it is
                    if mode == MODE_PRED and pclose(text, pos + 1, rend):
                        s = "/"  # closes the predicate, even when a "//" piece follows (D)
                        tt = T_PRED
                        mode = MODE_PROBES
                        stop = True
                    elif s == "/":
                        tt = T_OP
                    elif s.startswith("/*"):
                        tt = T_COMMENT
                        if len(s) < 4 or not s.endswith("*/"):
                            comment = True
                            stop = True  # the next lines continue the comment
                    else:
                        tt = _classify(spec, s)  # "/=", "//..."
                elif c == "#":
                    if (
                        not toks or toks[-1].line != line or (toks[-1].type is T_WS and toks[-1].column == 1)
                    ) and (coms is toks or not coms or coms[-1].line != line):
                        # A control line: redo the whole line on the exact path.
                        if toks and toks[-1].line == line:
                            toks.pop()
                        pos = ls
                        exact_line = line
                        break
                    tt = _T_ERROR
                elif s in spec.ambiguous:
                    k1 = k + 1
                    nxt = pieces[k1] if k1 < npieces else ""
                    if nxt == "(" or (
                        nxt and k1 + 1 < npieces and pieces[k1 + 1] == "(" and not nxt.strip(" \t")
                    ):
                        tt = calls[s]
                    else:
                        tt = ids.get(s, T_ID)
                else:
                    tt = _classify(spec, s)
                    if len(s) < 64 and len(cache) < _CACHE_LIMIT and mode != MODE_DECL:
                        cache[s] = tt
                if tt is T_COMMENT:
                    com_append(new(Token, (tt, s, line, col)))
                elif tt is not T_WS or keep_blanks:
                    append(new(Token, (tt, s, line, col)))
                pos += len(s)
                k += 1
                if stop:
                    break
            if pos == start and line != exact_line:
                exact_line = (
                    line  # nothing matched (a pieces regex that never matches: the tests' exact-only lexer)
                )
            continue
        # ---- exact path: outer scope, probe lists, comments, control lines (one line at most) ----
        eol = find("\n", pos)
        if eol < 0:
            eol = n
        if pos < eol:
            rx = regex[mode].match
        while pos < eol:
            col = pos - ls + 1
            if comment:
                close = find("*/", pos, eol)
                end = eol if close < 0 else close + 2
                comment = close < 0
                com_append(new(Token, (T_COMMENT, text[pos:end], line, col)))
                pos = end
                continue
            m = rx(text, pos, eol)
            kind = m.lastgroup
            end = m.end()
            s = text[pos:end]
            tt = simple.get(kind)
            if tt is T_WS and not keep_blanks:
                pos = end
                continue
            back_to_fast = False
            if tt is None:
                if kind == "id":
                    tt = ids.get(s, T_ID)
                elif kind == "call":
                    tt = calls.get(s, T_ID)
                elif kind == "punct":
                    tt = T_PUNCT
                    if s == "{":
                        if mode == MODE_BODY or mode == MODE_DECL:
                            depth += 1
                        else:
                            mode, depth = MODE_BODY, 1
                            back_to_fast = True
                    elif s == "}":
                        if mode == MODE_BODY or (mode == MODE_DECL and decl_brace):
                            depth -= 1
                            if depth <= 0:
                                mode, depth = MODE_OUTER, 0
                        elif mode == MODE_DECL and depth > 0:
                            depth -= 1
                    elif s == ";" and mode == MODE_DECL and depth == 0:
                        mode = MODE_OUTER
                elif kind == "cs":
                    tt = T_COMMENT
                    if len(s) < 4 or not s.endswith("*/"):
                        comment = True
                elif kind == "slash2":
                    tt = spec.slash2
                elif kind == "dollar":
                    tt = spec.dollar(s)
                elif kind == "pspec":
                    tt = spec.outer_word(text, end, s) if mode == MODE_OUTER else None
                    if tt is None:
                        tt = _T_PROBE
                        mode = MODE_PROBES
                    else:
                        mode, depth = MODE_DECL, 0
                        back_to_fast = True
                elif kind == "popen":
                    tt = T_PRED
                    mode = MODE_PRED
                    back_to_fast = True
                elif kind == "pclose":
                    tt = T_PRED
                    mode = MODE_PROBES
                elif kind == "ctl":
                    tt = T_COMMENT if s.lstrip().startswith("#!") else _T_PRAGMA
                else:  # pragma: no cover - every group is handled above
                    tt = _T_ERROR
                rx = regex[mode].match  # the mode may have changed
            if tt is T_COMMENT:
                com_append(new(Token, (tt, s, line, col)))
            else:
                append(new(Token, (tt, s, line, col)))
            pos = end
            if back_to_fast and line != exact_line:
                break  # the rest goes through the fast path
        if pos == eol:
            if eol >= n:
                break
            if keep_blanks:
                append(new(Token, (T_NL, "\n", line, eol - ls + 1)))
            pos = eol + 1
            line += 1
            ls = pos
            if states_append:
                states_append((mode, depth, comment))
            if starts_append:
                starts_append(len(toks))
    return toks, LexState(mode, depth, comment)
