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

import re
from collections.abc import Callable, Iterator
from enum import Enum
from itertools import accumulate as _accumulate
from itertools import compress as _compress
from itertools import repeat as _repeat
from operator import sub as _sub
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

# First-character classes of the fast path.
C_WS, C_ID, C_PUNCT, C_SLASH, C_DOT, C_NUM, C_STR, C_AGG, C_DOLLAR, C_OP, C_HASH, C_ERR = range(12)
_CACHE_LIMIT = 50_000
#: which token types the linter's mode keeps (no blanks)
_KEEP: dict[TokenType | None, bool] = {
    tt: tt is not TokenType.WHITESPACE and tt is not TokenType.NEWLINE for tt in TokenType
}


class LexerSpec(NamedTuple):
    """What one language plugs into :func:`run_lexer`."""

    regex: dict[int, re.Pattern[str]]  # mode -> compiled named-group regex (exact path)
    pieces: re.Pattern[str]  # compiled group-less regex for the fast path
    simple: dict[str, TokenType]  # exact-path group name -> TokenType
    ids: dict[str, TokenType]  # identifier -> TokenType
    calls: dict[str, TokenType]  # identifier followed by "(" -> TokenType
    first: dict[str, int]  # first character -> C_* class (fast path)
    slash2: TokenType  # what "//..." is (COMMENT in bpftrace, ERROR in D)
    dollar: Callable[[str], TokenType]  # the type of a "$..." piece
    outer_word: Callable[
        [str, int, str], TokenType | None
    ]  # (text, end, s): a declaration word at the outer scope
    decl_closes_on_brace: bool  # bpftrace: "}" back to depth 0 ends a declaration
    ambiguous: frozenset[str]  # names whose type depends on a following "(" (bpftrace kstack)
    pclose: re.Pattern[str]  # what may follow a predicate's closing "/"
    cache: dict[str, TokenType]  # piece text -> TokenType, for pieces whose type never depends on context


def new_piece_cache(
    first: dict[str, int], ids: dict[str, TokenType], ambiguous: frozenset[str]
) -> dict[str, TokenType]:
    """The starting piece-type cache: punctuation, operators, blanks and the vocabulary."""
    cache: dict[str, TokenType] = {}
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


def _classify(spec: LexerSpec, s: str) -> TokenType:
    """The type of a piece that neither steers the lexer nor depends on its neighbours."""
    c = spec.first.get(s[0], C_ERR)
    if c == C_ID:
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

#: Token(...) without NamedTuple's Python-level __new__
_new = tuple.__new__
_keep = _KEEP.get

#: what a piece the fast path looks at on its own tells it to do next
_GO_ON, _STOP, _REDO = 0, 1, 2


class _LexerRun:
    """One call of :func:`run_lexer`: the text, where the lexer is in it, its state and its output."""

    __slots__ = (
        "comment",
        "coms",
        "depth",
        "exact_line",
        "keep_blanks",
        "line",
        "line_starts",
        "line_states",
        "ls",
        "mode",
        "n",
        "pos",
        "spec",
        "text",
        "toks",
    )

    def __init__(
        self,
        spec: LexerSpec,
        text: str,
        state: LexState,
        line: int,
        keep_blanks: bool,
        line_states: list[tuple[int, int, bool]] | None,
        line_starts: list[int] | None,
        comments: list[Token] | None,
    ) -> None:
        self.spec = spec
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.ls = 0  # offset where the current line starts
        self.line = line
        self.mode, self.depth, self.comment = state
        self.exact_line = 0  # a line that must take the exact path (a control line)
        self.keep_blanks = keep_blanks
        self.toks: list[Token] = []
        self.coms = self.toks if comments is None else comments
        self.line_states = line_states
        self.line_starts = line_starts
        self.line_started()

    def run(self) -> tuple[list[Token], LexState]:
        n = self.n
        while self.pos < n:
            if self.line != self.exact_line and not self.comment and self.mode >= MODE_PRED:
                self.fast_region()
            else:
                self.exact_path()
        return self.toks, LexState(self.mode, self.depth, self.comment)

    # ---- lines ----
    def line_started(self) -> None:
        """Note the state a line starts in and the index of its first token, where asked."""
        if self.line_states is not None:
            self.line_states.append((self.mode, self.depth, self.comment))
        if self.line_starts is not None:
            self.line_starts.append(len(self.toks))

    def newline(self, at: int) -> None:
        """Move past the "\n" at offset ``at``, to the start of the next line (noted as line_started does)."""
        if self.keep_blanks:
            self.toks.append(_new(Token, (_T_NEWLINE, "\n", self.line, at - self.ls + 1)))
        self.pos = self.ls = at + 1
        self.line += 1
        if self.line_states is not None:
            self.line_states.append((self.mode, self.depth, self.comment))
        if self.line_starts is not None:
            self.line_starts.append(len(self.toks))

    # ---- structure: braces and semicolons (both paths) ----
    def open_brace(self) -> bool:
        """A "{": one level down; True when it opens a clause body (a new region, the fast path's)."""
        if self.mode == MODE_BODY or self.mode == MODE_DECL:
            self.depth += 1
            return False
        self.mode, self.depth = MODE_BODY, 1
        return True

    def close_brace(self) -> bool:
        """A "}": one level up; True when it ends the clause body (or a bpftrace declaration)."""
        mode = self.mode
        if mode == MODE_BODY or (mode == MODE_DECL and self.spec.decl_closes_on_brace):
            self.depth -= 1
            if self.depth <= 0:
                self.mode, self.depth = MODE_OUTER, 0
                return True
        elif mode == MODE_DECL and self.depth > 0:
            self.depth -= 1
        return False

    def semicolon(self) -> bool:
        """A ";" in a declaration: True when it ends it (at depth 0)."""
        if self.depth == 0:
            self.mode = MODE_OUTER
            return True
        return False

    # ---- fast path ----
    def fast_region(self) -> None:
        """The rest of a predicate or declaration line, or of a body up to the line of its next "}"."""
        text, start, n = self.text, self.pos, self.n
        if self.mode == MODE_BODY:
            # up to the end of the line holding the next "}": nothing before it can end the body
            rend = text.find("}", start)
            rend = n if rend < 0 else text.find("\n", rend)
        else:
            rend = text.find("\n", start)
        if rend < 0:
            rend = n
        pieces: list[str] = self.spec.pieces.findall(text, start, rend)
        npieces = len(pieces)
        types: list[TokenType | None]
        if self.mode != MODE_DECL:
            types = list(map(self.spec.cache.get, pieces))
        else:
            types = [None] * npieces
        types.append(None)  # sentinel: index(None) always finds one
        k = 0
        while k < npieces:
            j = types.index(None, k)
            if j > k:
                self.emit_run(pieces, types, k, j, rend)
                k = j
                if k >= npieces:
                    break
            if pieces[k] == "\n":
                self.newline(self.pos)
                k += 1
                continue
            step = self.steering_piece(pieces, k, rend)
            if step == _REDO:
                break
            k += 1
            if step == _STOP:
                break
        if self.pos == start and self.line != self.exact_line:
            # nothing matched (a pieces regex that never matches: the tests' exact-only lexer)
            self.exact_line = self.line

    def emit_run(self, pieces: list[str], types: list[TokenType | None], k: int, j: int, rend: int) -> None:
        """Tokens for pieces[k:j], context-free pieces on one line, made in bulk by C-level iterators."""
        pos = self.pos
        if k == 0 and j == len(pieces):
            seg, segt = pieces, types
            end = rend
        else:
            seg, segt = pieces[k:j], types[k:j]
            end = pos + sum(map(len, seg))
        cols = map(_sub, _accumulate(map(len, seg), initial=pos), _repeat(self.ls - 1))
        made: Iterator[Token] = map(_new, _repeat(Token), zip(segt, seg, _repeat(self.line), cols))
        self.toks.extend(made if self.keep_blanks else _compress(made, map(_keep, segt)))
        self.pos = end

    def steering_piece(self, pieces: list[str], k: int, rend: int) -> int:
        """pieces[k], which steers the lexer or depends on its neighbours: _GO_ON, _STOP (a new region) or _REDO."""
        s = pieces[k]
        c = s[0]
        stop = False
        if c == "{":
            tt = _T_PUNCTUATION
            stop = self.open_brace()
        elif c == "}":
            tt = _T_PUNCTUATION
            stop = self.close_brace()
        elif c == ";" and self.mode == MODE_DECL:
            tt = _T_PUNCTUATION
            stop = self.semicolon()
        elif c == "/":
            s, tt, stop = self.slash_piece(s, rend)
        elif c == "#":
            if self.starts_control_line():
                self.redo_as_control_line()
                return _REDO
            tt = _T_ERROR
        elif s in self.spec.ambiguous:
            tt = self.ambiguous_name(pieces, k)
        else:
            tt = self.new_piece(s)
        if tt is _T_COMMENT:
            self.coms.append(_new(Token, (tt, s, self.line, self.pos - self.ls + 1)))
        elif tt is not _T_WHITESPACE or self.keep_blanks:
            self.toks.append(_new(Token, (tt, s, self.line, self.pos - self.ls + 1)))
        self.pos += len(s)
        return _STOP if stop else _GO_ON

    def slash_piece(self, s: str, rend: int) -> tuple[str, TokenType, bool]:
        """A piece starting with "/" (never cached: what a slash starts depends on where it is).

        Returns the token's text (a predicate's closing "/" may be the start of a piece), its
        type, and whether the region ends there.
        """
        if self.mode == MODE_PRED and self.spec.pclose.match(self.text, self.pos + 1, rend):
            self.mode = MODE_PROBES
            return "/", _T_PREDICATE, True  # closes the predicate, even when a "//" piece follows (D)
        if s == "/":
            return s, _T_OPERATOR, False
        if s.startswith("/*"):
            if len(s) < 4 or not s.endswith("*/"):
                self.comment = True
                return s, _T_COMMENT, True  # the next lines continue the comment
            return s, _T_COMMENT, False
        return s, _classify(self.spec, s), False  # "/=", "//..."

    def starts_control_line(self) -> bool:
        """Whether the "#" at pos is the first thing on its line but blanks: a control line."""
        toks, coms, line = self.toks, self.coms, self.line
        first_token = (
            not toks or toks[-1].line != line or (toks[-1].type is _T_WHITESPACE and toks[-1].column == 1)
        )
        return first_token and (coms is toks or not coms or coms[-1].line != line)

    def redo_as_control_line(self) -> None:
        """Go back to the start of the line, for the exact path to lex it whole."""
        toks = self.toks
        if toks and toks[-1].line == self.line:
            toks.pop()
        self.pos = self.ls
        self.exact_line = self.line

    def ambiguous_name(self, pieces: list[str], k: int) -> TokenType:
        """A name that is a function when "(" follows (after blanks at most), something else otherwise."""
        s = pieces[k]
        k1 = k + 1
        npieces = len(pieces)
        nxt = pieces[k1] if k1 < npieces else ""
        if nxt == "(" or (nxt and k1 + 1 < npieces and pieces[k1 + 1] == "(" and not nxt.strip(" \t")):
            return self.spec.calls[s]
        return self.spec.ids.get(s, _T_IDENTIFIER)

    def new_piece(self, s: str) -> TokenType:
        """The type of a context-free piece not in the cache yet; cached unless in a declaration."""
        tt = _classify(self.spec, s)
        cache = self.spec.cache
        if len(s) < 64 and len(cache) < _CACHE_LIMIT and self.mode != MODE_DECL:
            cache[s] = tt
        return tt

    # ---- exact path ----
    def exact_path(self) -> None:
        """Lines token by token (outer scope, probe lists, comments, control lines).

        Goes on line after line until the fast path can take over or the text ends.
        """
        text, n, pos = self.text, self.n, self.pos
        regex = self.spec.regex
        simple = self.spec.simple
        toks_append, coms_append, keep_blanks = self.toks.append, self.coms.append, self.keep_blanks
        while True:
            line = self.line
            eol = text.find("\n", pos)
            if eol < 0:
                eol = n
            rx = regex[self.mode].match
            col0 = self.ls - 1
            while pos < eol:
                if self.comment:
                    pos = self.comment_continues(pos, eol)
                    continue
                m = rx(text, pos, eol)
                assert m is not None  # every mode's regex ends with a catch-all group
                kind = m.lastgroup or ""
                end = m.end()
                tt = simple.get(kind)
                if tt is _T_WHITESPACE and not keep_blanks:
                    pos = end
                    continue
                s = text[pos:end]
                back_to_fast = False
                if tt is None:
                    tt, back_to_fast = self.exact_token(kind, s, end)
                    rx = regex[self.mode].match  # the mode may have changed
                if tt is _T_COMMENT:
                    coms_append(_new(Token, (tt, s, line, pos - col0)))
                else:  # blanks were left out above unless kept
                    toks_append(_new(Token, (tt, s, line, pos - col0)))
                pos = end
                if back_to_fast and line != self.exact_line:
                    self.pos = pos
                    return  # the rest goes through the fast path
            self.pos = pos
            if eol >= n:
                return
            self.newline(eol)
            pos = self.pos
            if self.line != self.exact_line and not self.comment and self.mode >= MODE_PRED:
                return  # the next line is the fast path's

    def comment_continues(self, pos: int, eol: int) -> int:
        """A line's piece of a ``/* ... */`` opened on an earlier line, from ``pos`` up to its "*/" or
        the end of the line; returns where it ends."""
        close = self.text.find("*/", pos, eol)
        end = eol if close < 0 else close + 2
        self.comment = close < 0
        self.coms.append(_new(Token, (_T_COMMENT, self.text[pos:end], self.line, pos - self.ls + 1)))
        return end

    def exact_token(self, kind: str, s: str, end: int) -> tuple[TokenType, bool]:
        """The type of an exact-path token its regex group does not give alone, and whether the fast path takes over."""
        spec = self.spec
        if kind == "id":
            return spec.ids.get(s, _T_IDENTIFIER), False
        if kind == "call":
            return spec.calls.get(s, _T_IDENTIFIER), False
        if kind == "punct":
            return _T_PUNCTUATION, self.exact_punctuation(s)
        if kind == "cs":
            if len(s) < 4 or not s.endswith("*/"):
                self.comment = True
            return _T_COMMENT, False
        if kind == "slash2":
            return spec.slash2, False
        if kind == "dollar":
            return spec.dollar(s), False
        if kind == "pspec":
            return self.probe_or_declaration(s, end)
        if kind == "popen":
            self.mode = MODE_PRED
            return _T_PREDICATE, True
        if kind == "pclose":
            self.mode = MODE_PROBES
            return _T_PREDICATE, False
        if kind == "ctl":
            return (_T_COMMENT if s.lstrip().startswith("#!") else _T_PRAGMA), False
        return _T_ERROR, False  # pragma: no cover - every group is handled above

    def exact_punctuation(self, s: str) -> bool:
        """Punctuation on the exact path; True when a "{" opens a clause body."""
        if s == "{":
            return self.open_brace()
        if s == "}":
            self.close_brace()
        elif s == ";" and self.mode == MODE_DECL:
            self.semicolon()
        return False

    def probe_or_declaration(self, s: str, end: int) -> tuple[TokenType, bool]:
        """A probe description, or at the outer scope a word that starts a declaration (fast path then)."""
        tt = self.spec.outer_word(self.text, end, s) if self.mode == MODE_OUTER else None
        if tt is None:
            self.mode = MODE_PROBES
            return _T_PROBE, False
        self.mode, self.depth = MODE_DECL, 0
        return tt, True


def run_lexer(
    spec: LexerSpec,
    text: str,
    state: LexState,
    line: int,
    keep_blanks: bool = True,
    line_states: list[tuple[int, int, bool]] | None = None,
    line_starts: list[int] | None = None,
    comments: list[Token] | None = None,
) -> tuple[list[Token], LexState]:
    """Lex ``text`` from ``state``, starting at ``line``; return the tokens and the end state.

    ``keep_blanks=False`` leaves out the WHITESPACE and NEWLINE tokens (the
    linter's mode); ``line_states``, when given, receives the state at the
    start of each line, and ``line_starts`` the index of each line's first token;
    with ``comments`` given, COMMENT tokens go there instead.
    """
    return _LexerRun(spec, text, state, line, keep_blanks, line_states, line_starts, comments).run()
