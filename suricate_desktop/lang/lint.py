"""Lint D and bpftrace scripts without running them.

``lint(text, lang, file, platform)`` returns :class:`Diagnostic` objects sorted
by position.  It works on the lexer's tokens in two phases, the way the real
compilers do:

1. **syntax** (lexical errors, balance of ``{ } ( ) [ ]`` and predicate
   slashes, clause structure, control lines and pragmas): like libdtrace and
   bpftrace's parser, this stops at the first error;
2. **semantics** (unknown functions and variables, argument counts, the
   lquantize/llquantize/lhist arithmetic, aggregations used as values...) and
   **warnings** (nothing to plot, destructive actions, ``self->`` in profile
   clauses, providers the platform lacks).

Messages use libdtrace's wording (D) and bpftrace 0.17's (bpftrace) wherever
the fact sheet or the compilers' sources give it.  D errors point at the
offending token (libdtrace itself only prints a line); bpftrace errors use
bpftrace's own column, the start of the run of non-blank characters holding the
token, so they match ``bpftrace -d`` exactly.

:func:`check` adds the real compiler's verdict (see :mod:`.compilers`) where
one is installed: it has the last word on errors, the linter keeps its warnings.
"""

from __future__ import annotations

import ast
import functools
import gc
import os
import re
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from . import vocabulary as V
from .diagnostics import Diagnostic
from .lexer import normalize_lang
from .lexer_bpftrace import SPEC as _BT_SPEC
from .lexer_d import SPEC as _D_SPEC
from .tokens import INITIAL_STATE, LexState, Token, TokenType, run_lexer

__all__ = ["Diagnostic", "check", "detect_lang", "lint"]

T = TokenType
# Enum members are slow to look up on their class (EnumType.__getattr__): alias them once.
T_ACTION = T.ACTION
T_AGGREGATION = T.AGGREGATION
T_AGG_FUNC = T.AGG_FUNC
T_BUILTIN = T.BUILTIN
T_COMMENT = T.COMMENT
T_ERROR = T.ERROR
T_IDENTIFIER = T.IDENTIFIER
T_KEYWORD = T.KEYWORD
T_MACRO = T.MACRO
T_NEWLINE = T.NEWLINE
T_NUMBER = T.NUMBER
T_OPERATOR = T.OPERATOR
T_PRAGMA = T.PRAGMA
T_PREDICATE = T.PREDICATE
T_PROBE = T.PROBE
T_PUNCTUATION = T.PUNCTUATION
T_STRING = T.STRING
T_VARIABLE = T.VARIABLE
T_WHITESPACE = T.WHITESPACE
_SPECS = {"d": _D_SPEC, "bpftrace": _BT_SPEC}
_SKIP = frozenset({T_WHITESPACE, T_NEWLINE, T_COMMENT})
_NAMEISH = frozenset({T_IDENTIFIER, T_ACTION, T_AGG_FUNC, T_BUILTIN, T_KEYWORD})
_ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="})
_INCDEC = frozenset({"++", "--"})
_WRITE_OPS = _ASSIGN_OPS | _INCDEC
#: token types the semantic passes never look at on their own
_BORING = frozenset({T_PUNCTUATION, T_OPERATOR, T_NUMBER, T_STRING, T_MACRO, T_PREDICATE})
_DESTRUCTIVE_RE = re.compile(r"\boption\s+destructive\b")
_PROFILE_PROBE_RE = re.compile(r"^(?:[^:]*:[^:]*:[^:]*:)?(?:profile|tick)-")
_BINOPS = frozenset(
    {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "&&", "||", "^^", "<", "<=", ">", ">=", "==", "!="}
)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_D_INT_RE = re.compile(r"^(0[xX][0-9A-Fa-f]+|[0-9]+)([uU]?[lL]{0,2}|[lL]{0,2}[uU]?)$")
_D_GOOD_NUMBERS: set[str] = set()  # integer constants already checked
_D_FLOAT_RE = re.compile(r"^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFlL]?$")
_FMT_RE = re.compile(r"%(%|[-+ #0]*(\*|[0-9]+)?(\.(\*|[0-9]+))?(hh|h|ll|l|L|j|z|t|w)?([A-Za-z@]))")
_TYPE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*_t$")
_CONST_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: A line that starts with a D probe description (then "{", "/", "," or nothing).
_PROBE_LINE_RE = re.compile(
    r"^(?:[A-Za-z_$*][\w$*?\-.]*:[\w$*?\-.]*:[\w$*?\-.]*:[\w$*?\-.]*|(?:profile|tick)-[0-9]+[a-z]*|BEGIN|END|ERROR)"
    r"\s*(?:[{/,]|$)"
)


_OUTER, _PROBES, _PRED, _AFTER_PRED, _BODY, _DECL = range(6)


class _Stop(Exception):
    """Raised to end the syntax phase at its first error, as the compilers do."""


@dataclass
class _Clause:
    probes: list[int] = field(default_factory=list)  # indexes into sig
    pred: tuple[int, int] | None = None  # (open "/", close "/") indexes
    body: tuple[int, int] | None = None  # ("{", "}") indexes


class _Linter:
    """Shared machinery: tokens, positions, structure and call helpers."""

    lang = ""

    def __init__(self, text: str, file: str, platform: str | None) -> None:
        self.text = text
        self.file = file
        self.platform = platform
        self.diags: list[Diagnostic] = []
        self.spec = _SPECS[self.lang]
        # Lex without the blanks: the linter never looks at them (columns are exact all the same).
        sig, comments, end_state, self.line_states = _lex_lines(self.spec, self.lang, text)
        self.unterminated_comment = end_state[2]
        self.comment_open: Token | None = None
        if comments:
            markers = self.scan_comments(comments)
            if markers:
                sig.extend(markers)
                sig.sort(key=lambda t: (t[2], t[3]))
        self.sig = sig
        self.eof = self.eof_location()
        self.match: dict[int, int] = {}
        self.commas: dict[int, int] = {}  # top-level commas inside each bracket, by opener index
        self.clauses: list[_Clause] = []
        self.decls: list[tuple[int, int]] = []
        self.pragmas: list[Token] = []

    def eof_location(self) -> tuple[int, int]:
        """Where "end of input" is reported: just past the end of the text."""
        nl = self.text.rfind("\n")
        return (self.text.count("\n") + 1, len(self.text) - nl)

    def line_tokens(self, line: int) -> list[Token]:
        """Every token of one line, blanks included (lexed again from the state the line starts in)."""
        if not 0 < line <= len(self.line_states):
            return []
        text = self.text_line(line)
        return run_lexer(self.spec, text, LexState(*self.line_states[line - 1]), line)[0]

    def text_line(self, n: int) -> str:
        if not hasattr(self, "_lines"):
            self._lines = self.text.split("\n")
        return self._lines[n - 1] if 0 < n <= len(self._lines) else ""

    def run_start(self, line: int, column: int) -> int:
        """Column where the run of non-blank tokens holding the token at (line, column) starts.

        That is where bison's location begins in bpftrace: it only moves on past blanks.
        """
        toks = self.line_tokens(line)
        raw = next((k for k, t in enumerate(toks) if t[3] == column), None)
        if raw is None:
            return column
        while raw > 0 and toks[raw - 1][0] not in _SKIP:
            raw -= 1
        return toks[raw][3]

    def scan_comments(self, toks: list[Token]) -> list[Token]:
        """Markers for D's "/* inside a comment" errors; remembers where the last comment opened."""
        markers = []
        in_comment = False
        for t in toks:
            if t[0] is not T_COMMENT:
                continue
            s = t[1]
            if not in_comment:
                if not s.startswith("/*"):
                    continue
                self.comment_open = t
                nested = s.find("/*", 2)
                in_comment = not (len(s) >= 4 and s.endswith("*/"))
            else:
                nested = s.find("/*")
                in_comment = not s.endswith("*/")
            if nested >= 0 and self.lang == "d":
                close = s.find("*/")
                if close < 0 or nested < close:
                    markers.append(Token(T_COMMENT, "/*", t.line, t.column + nested))
        return markers

    # ---- reporting ------------------------------------------------------
    def col(self, i: int) -> int:
        """Column to report for sig[i]."""
        return self.sig[i].column

    def error_at(self, line: int, col: int, msg: str, end: int | None = None) -> None:
        self.diags.append(Diagnostic(line, col, "error", msg, self.file, end))

    def warn_at(self, line: int, col: int, msg: str, end: int | None = None) -> None:
        self.diags.append(Diagnostic(line, col, "warning", msg, self.file, end))

    def error(self, i: int, msg: str) -> None:
        t = self.sig[i]
        self.error_at(t.line, self.col(i), msg, t.end_column)

    def warn(self, i: int, msg: str) -> None:
        t = self.sig[i]
        self.warn_at(t.line, self.col(i), msg, t.end_column)

    def fatal(self, i: int | None, msg: str) -> None:
        if i is None:
            self.error_at(self.eof[0], self.eof[1], msg)
        else:
            self.error(i, msg)
        raise _Stop

    # ---- structure --------------------------------------------------------
    def structure(self) -> None:
        """Clause structure and bracket balance; raises _Stop at the first syntax error.

        The hot loop: most tokens sit in clause bodies and are neither brackets
        nor tokens that need a lexical check, so they cost two tests.
        """
        sig = self.sig
        match = self.match
        commas = self.commas
        special = self.special_types
        PUNCT, PROBE, PRED = T_PUNCTUATION, T_PROBE, T_PREDICATE
        probe_line_types = self.probe_line_types
        stack: list[int] = []
        cl: _Clause | None = None
        state = _OUTER
        expect_probe = False
        decl_start = decl_depth = pred_open = body_open = 0
        for i, tok in enumerate(sig):
            tt = tok[0]
            if tt in special:
                if tt is T_PRAGMA:
                    self.pragma(i)
                    continue
                self.special_token(i, tt, state)
            if state == _BODY:
                if tt is PUNCT:
                    s = tok[1]
                    if s in _OPEN:
                        stack.append(i)
                    elif s in _CLOSE:
                        if stack and sig[stack[-1]][1] == _CLOSE[s]:
                            match[stack.pop()] = i
                            if not stack:
                                cl.body = (body_open, i)
                                self.clauses.append(cl)
                                cl = None
                                state = _OUTER
                        else:
                            self.unbalanced(i, s, stack)
                    elif s == ",":
                        top = stack[-1]
                        commas[top] = commas.get(top, 0) + 1
                    elif s == ";" and sig[stack[-1]][1] != "{":
                        self.unbalanced(i, s, stack)
                elif tt is PRED:
                    self.stray_predicate(i)
                elif tt in probe_line_types and len(stack) == 1 and sig[i - 1][2] != tok[2]:
                    self.probe_in_body(i)
            elif state == _OUTER:
                if tt is PROBE:
                    cl = _Clause([i])
                    state = _PROBES
                    expect_probe = False
                elif self.starts_decl(i):
                    state = _DECL
                    decl_start, decl_depth = i, 0
                else:
                    self.outer_unexpected(i)
            elif state == _PROBES:
                s = tok[1]
                if tt is PROBE:
                    if expect_probe:
                        cl.probes.append(i)
                        expect_probe = False
                    else:
                        self.bare_probe(cl, i)
                elif s == "," and tt is PUNCT and not expect_probe:
                    expect_probe = True
                elif tt is PRED and not expect_probe:
                    state = _PRED
                    pred_open = i
                    stack = []
                elif s == "{" and tt is PUNCT and not expect_probe:
                    state = _BODY
                    stack = [i]
                    body_open = i
                else:
                    self.probes_unexpected(i, expect_probe)
            elif state == _PRED:
                if tt is PRED:
                    if stack:
                        self.pred_unclosed_paren(i, stack)
                    cl.pred = (pred_open, i)
                    state = _AFTER_PRED
                elif tt is PUNCT:
                    s = tok[1]
                    if s == "{":
                        self.pred_unclosed(i)
                    elif s in _OPEN:
                        stack.append(i)
                    elif s in _CLOSE:
                        if stack and sig[stack[-1]][1] == _CLOSE[s]:
                            match[stack.pop()] = i
                        else:
                            self.unbalanced(i, s, stack)
                    elif s == "," and stack:
                        top = stack[-1]
                        commas[top] = commas.get(top, 0) + 1
                    elif s == ";" and stack:
                        self.unbalanced(i, s, stack)
            elif state == _AFTER_PRED:
                if tok[1] == "{" and tt is PUNCT:
                    state = _BODY
                    stack = [i]
                    body_open = i
                else:
                    self.after_pred_unexpected(i)
            else:  # _DECL
                s = tok[1]
                if s == "{" or s == "(" or s == "[":
                    decl_depth += 1
                elif s == "}" or s == ")" or s == "]":
                    decl_depth -= 1
                    if decl_depth < 0:
                        self.outer_unexpected(i)
                    if decl_depth == 0 and s == "}" and self.lang == "bpftrace":
                        self.decls.append((decl_start, i + 1))
                        state = _OUTER
                elif s == ";" and decl_depth == 0:
                    self.decls.append((decl_start, i + 1))
                    state = _OUTER
        # end of file
        if self.unterminated_comment:
            self.eof_in_comment()
        if state == _PROBES:
            if expect_probe:
                self.eof_error(state)
            self.bare_probe(cl, None)
        elif state == _AFTER_PRED:
            self.pred_without_body(cl)
        elif state != _OUTER:
            self.eof_error(state, stack)

    # ---- call helpers -------------------------------------------------------
    def is_call(self, i: int) -> bool:
        sig = self.sig
        return (
            sig[i].type in _NAMEISH and i + 1 < len(sig) and sig[i + 1].text == "(" and (i + 1) in self.match
        )

    def args(self, i: int) -> list[tuple[int, int]]:
        """Argument index ranges of the call whose name is sig[i]."""
        sig = self.sig
        match = self.match
        open_ = i + 1
        close = match[open_]
        if close == open_ + 1:
            return []
        out = []
        start = k = open_ + 1
        while k < close:
            s = sig[k].text
            if s in _OPEN and k in match:
                k = match[k] + 1
                continue
            if s == "," and sig[k].type is T_PUNCTUATION:
                out.append((start, k))
                start = k + 1
            k += 1
        out.append((start, close))
        return out

    def const(self, a: int, b: int) -> int | str | None:
        """Value of the integer constant expression sig[a:b]; None if not constant, "macro" if it holds $n."""
        sig = self.sig
        if b == a + 1 and sig[a][0] is T_NUMBER:  # the common case: one literal
            return self.int_value(sig[a][1])
        parts = []
        for k in range(a, b):
            t = self.sig[k]
            if t.type is T_NUMBER:
                v = self.int_value(t.text)
                if v is None:
                    return None
                parts.append(str(v))
            elif t.type is T_MACRO:
                return "macro"
            elif t.text in ("+", "-", "*", "/", "%", "(", ")", "<<", ">>", "&", "|", "^", "~"):
                parts.append("//" if t.text == "/" else t.text)
            else:
                return None
        if not parts:
            return None
        return _eval_const(" ".join(parts))

    @staticmethod
    def int_value(text: str) -> int | None:
        t = text.rstrip("uUlL").replace("_", "")
        try:
            if t.lower().startswith("0x"):
                return int(t, 16)
            if len(t) > 1 and t.startswith("0") and t.isdigit():
                return int(t, 8)
            return int(t, 10)
        except ValueError:
            return None

    def nargs(self, i: int) -> int:
        """Number of arguments of the call whose name is sig[i]."""
        open_ = i + 1
        if self.match[open_] == open_ + 1:
            return 0
        return self.commas.get(open_, 0) + 1

    def agg_target(self, i: int) -> int | None:
        """If sig[i] (a call name) is the right-hand side of ``@a[...] =``, the index of ``@a``."""
        sig = self.sig
        if i < 2:
            return None
        eq = sig[i - 1]
        if eq[1] != "=" or eq[0] is not T_OPERATOR:
            return None
        j = i - 2
        if sig[j][1] == "]":  # back over the key: @a[k1, k2] = f(...)
            depth = 0
            while j >= 0:
                b = sig[j][1]
                if b == "]":
                    depth += 1
                elif b == "[":
                    depth -= 1
                    if not depth:
                        break
                j -= 1
            j -= 1
        return j if j >= 0 and sig[j][0] is T_AGGREGATION else None

    def after_subscript(self, j: int) -> int:
        """Index after ``x[...]`` when sig[j+1] opens a subscript, else j + 1."""
        if j + 1 < len(self.sig) and self.sig[j + 1].text == "[" and (j + 1) in self.match:
            return self.match[j + 1] + 1
        return j + 1

    def ranges(self, cl: _Clause) -> list[tuple[int, int]]:
        out = []
        if cl.pred:
            out.append((cl.pred[0] + 1, cl.pred[1]))
        if cl.body:
            out.append((cl.body[0] + 1, cl.body[1]))
        return out

    # ---- language hooks (overridden) --------------------------------------
    #: token types that need a per-token lexical check (see special_token)
    special_types: frozenset = frozenset({T_PRAGMA, T_COMMENT, T_ERROR, T_STRING})
    #: token types that may start a probe description line inside a body (D only)
    probe_line_types: frozenset = frozenset()

    def special_token(self, i: int, tt: TokenType, state: int) -> None:
        if tt is T_COMMENT:
            self.comment_error(i)
        elif tt is T_ERROR:
            self.bad_token(i)
        elif tt is T_STRING:
            self.check_string(i)
        elif tt is T_NUMBER:
            self.check_number(i)
        elif tt is T_KEYWORD:
            self.check_keyword(i, state)

    def pragma(self, i: int) -> None: ...
    def comment_error(self, i: int) -> None: ...
    def bad_token(self, i: int) -> None: ...
    def check_string(self, i: int) -> None: ...
    def check_number(self, i: int) -> None: ...
    def check_keyword(self, i: int, state: int) -> None: ...
    def probe_in_body(self, i: int) -> None: ...
    def starts_decl(self, i: int) -> bool:
        return False

    def run(self) -> list[Diagnostic]:
        try:
            self.structure()
        except _Stop:
            return self.diags
        self.semantics()
        self.diags.sort(key=lambda d: (d.line, d.column, d.severity != "error"))
        return self.diags

    def semantics(self) -> None: ...


# ===========================================================================
# Lexing for the linter, line by line with a cache
# ===========================================================================
#
# As a script is typed, it is linted again and again with one line changed.
# A line's tokens depend only on its text and on the lexer state it starts in,
# so they are cached under (language, start state, text); a lint lexes only
# the lines it has not seen.  A first lint lexes the whole text in one go.

_LINE_CACHE: dict[tuple, tuple] = {}
_LINE_CACHE_MAX = 50_000
_MISSES_BEFORE_BULK = 4
_ig0, _ig1, _ig2, _ig3 = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)


def _relined(toks: list[Token], line: int) -> list[Token]:
    """The same tokens, moved to ``line``."""
    new = tuple.__new__
    return list(map(new, repeat(Token), zip(map(_ig0, toks), map(_ig1, toks), repeat(line), map(_ig3, toks))))


def _lex_lines(spec, lang: str, text: str) -> tuple[list[Token], list[Token], tuple, list[tuple]]:
    """Non-blank tokens of ``text`` (comments apart), its comments, its end state and each line's start state."""
    cache = _LINE_CACHE
    get = cache.get
    lines = text.split("\n")
    sig: list[Token] = []
    extend = sig.extend
    comments: list[Token] = []
    states: list[tuple] = []
    state = tuple(INITIAL_STATE)
    misses = 0
    nlines = len(lines)
    i = 0
    while i < nlines:
        src = lines[i]
        hit = get((lang, state, src))
        if hit is not None:
            end, toks, coms, at = hit
            states.append(state)
            if toks:
                extend(toks if at == i + 1 else _relined(toks, i + 1))
            if coms:
                comments.extend(coms if at == i + 1 else _relined(coms, i + 1))
            state = end
            i += 1
            continue
        misses += 1
        if misses < _MISSES_BEFORE_BULK:
            # one line
            coms: list[Token] = []
            toks, end = run_lexer(spec, src, LexState(*state), i + 1, keep_blanks=False, comments=coms)
            end = tuple(end)
            if len(cache) >= _LINE_CACHE_MAX:
                cache.clear()
            cache[(lang, state, src)] = (end, toks, coms, i + 1)
            states.append(state)
            extend(toks)
            comments.extend(coms)
            state = end
            i += 1
            continue
        # many misses: lex the rest in one go, then file its lines in the cache
        start_off = sum(map(len, lines[:i])) + i
        rest_states: list[tuple] = []
        firsts: list[int] = []
        coms = []
        toks, end = run_lexer(
            spec,
            text[start_off:],
            LexState(*state),
            i + 1,
            keep_blanks=False,
            line_states=rest_states,
            line_starts=firsts,
            comments=coms,
        )
        extend(toks)
        comments.extend(coms)
        states.extend(rest_states)
        if len(cache) + len(rest_states) >= _LINE_CACHE_MAX:
            cache.clear()
        end = tuple(end)
        firsts.append(len(toks))
        ends = rest_states[1:]
        ends.append(end)
        by_line: dict[int, list[Token]] = {}
        for c in coms:
            by_line.setdefault(c[2], []).append(c)
        none: list[Token] = []
        for k, (st, src, nxt, a, b) in enumerate(
            zip(rest_states, lines[i:], ends, firsts, firsts[1:]), i + 1
        ):
            cache[(lang, st, src)] = (nxt, toks[a:b], by_line.get(k, none), k)
        return sig, comments, end, states
    return sig, comments, state, states


# ===========================================================================
# D
# ===========================================================================


class _DLinter(_Linter):
    lang = "d"

    # ---- syntax hooks ----
    def near(self, i: int | None, text: str | None = None) -> None:
        if i is None:
            self.fatal(None, "syntax error near end of input")
        self.fatal(i, f'syntax error near "{text if text is not None else self.sig[i].text}"')

    def comment_error(self, i: int) -> None:
        self.fatal(i, "/* encountered inside a comment")

    def eof_in_comment(self) -> None:
        self.fatal(None, "end-of-file encountered before matching */")

    def bad_token(self, i: int) -> None:
        s = self.sig[i].text
        if s.startswith("//"):
            self.fatal(i, 'syntax error near "/": D has no // comments (use /* ... */)')
        self.near(i, s[0])

    def check_string(self, i: int) -> None:
        s = self.sig[i].text
        q = s[0]
        if len(s) < 2 or not s.endswith(q) or (s.endswith("\\" + q) and not s.endswith("\\\\" + q)):
            if q == '"':
                self.fatal(i, "newline encountered in string literal")
            self.fatal(i, "newline encountered in character constant")
        if q == "'" and s == "''":
            self.fatal(i, "empty character constant")

    def check_number(self, i: int) -> None:
        s = self.sig[i].text
        if s in _D_GOOD_NUMBERS:
            return
        m = _D_INT_RE.match(s)
        if m:
            digits = m.group(1)
            if len(digits) > 1 and digits[0] == "0" and digits[1] not in "xX":
                bad = next((c for c in digits if c in "89"), None)
                if bad:
                    self.fatal(i, f"constant {s} contains invalid digit {bad}")
            v = self.int_value(s)
            if v is not None and v >= 1 << 64:
                self.fatal(i, f"constant {s} results in integer overflow")
            if len(_D_GOOD_NUMBERS) < 4096:
                _D_GOOD_NUMBERS.add(s)
            return
        if _D_FLOAT_RE.match(s):
            self.fatal(i, "floating-point constants are not permitted")
        m = re.match(r"^(0[xX][0-9A-Fa-f]*|[0-9]+)", s)
        rest = s[m.end() :] if m else s
        if s[:2].lower() == "0x" and not re.match(r"^0[xX][0-9A-Fa-f]", s):
            self.fatal(i, f"constant {s} contains invalid digit {s[2:3] or 'x'}")
        # "1s": the lexer reads the integer, then a name that the grammar cannot place
        t = self.sig[i]
        name = re.match(r"[A-Za-z_`][A-Za-z0-9_`]*", rest)
        near = name.group() if name else (rest[:1] or s)
        self.error_at(t.line, t.column + len(s) - len(rest), f'syntax error near "{near}"')
        raise _Stop

    def starts_decl(self, i: int) -> bool:
        t = self.sig[i]
        return t.type is T_KEYWORD or t.type is T_IDENTIFIER

    special_types = frozenset({T_PRAGMA, T_COMMENT, T_ERROR, T_STRING, T_NUMBER, T_KEYWORD})
    probe_line_types = frozenset({T_IDENTIFIER, T_BUILTIN})

    def check_keyword(self, i: int, state: int) -> None:
        if (state == _BODY or state == _PRED) and self.sig[i][1] in V.D_UNUSABLE_KEYWORDS:
            self.near(i)

    def probe_in_body(self, i: int) -> None:
        # A probe description at the start of a line inside a clause: the clause lacks its "}".
        t = self.sig[i]
        line = self.text_line(t.line)[t.column - 1 :]
        if _PROBE_LINE_RE.match(line):
            self.fatal(i, f'syntax error near "{t.text}": is a }} missing before this probe description?')

    def outer_unexpected(self, i: int) -> None:
        self.near(i)

    def probes_unexpected(self, i: int, expect_probe: bool) -> None:
        self.near(i)

    def bare_probe(self, cl: _Clause, i: int | None) -> None:
        self.fatal(cl.probes[0], "expected predicate and/or actions following probe description")

    def pred_without_body(self, cl: _Clause) -> None:
        self.fatal(cl.probes[0], "expected actions { } following probe description and predicate")

    def pred_unclosed_paren(self, i: int, stack: list[int]) -> None:
        which = ")" if self.sig[stack[-1]].text == "(" else "]"
        self.fatal(i, f"closing {which} expected in predicate before /")

    def pred_unclosed(self, i: int) -> None:
        self.near(i)

    def after_pred_unexpected(self, i: int) -> None:
        self.near(i)

    def stray_predicate(self, i: int) -> None:
        self.near(i)

    def unbalanced(self, i: int, s: str, stack: list[int]) -> None:
        if s in (")", "]"):
            opener = _CLOSE[s]
            if not any(self.sig[k].text == opener for k in stack):
                self.fatal(i, f"extra {s} in input stream")
        self.near(i)

    def eof_error(self, state: str, stack: list[int] | None = None) -> None:
        self.near(None)

    def pragma(self, i: int) -> None:
        tok = self.sig[i]
        self.pragmas.append(tok)
        msg = _d_control_line_error(tok.text)
        if msg:
            self.fatal(i, msg)

    # ---- semantics ----
    def semantics(self) -> None:
        """One pass over the clauses; reads of names are judged at the end, once every write is known."""
        sig = self.sig
        n = len(sig)
        match = self.match
        destructive_ok = any("destructive" in p[1] and _DESTRUCTIVE_RE.search(p[1]) for p in self.pragmas)
        declared: set[str] = set()
        declared_vars: set[str] = set()
        for a, b in self.decls:
            first = sig[a][1]
            for k in range(a, b):
                if sig[k][0] is T_IDENTIFIER:
                    declared.add(sig[k][1])
                    if first in ("self", "this"):
                        declared_vars.add(f"{first}->{sig[k][1]}")
        assigned: set[str] = set()
        assigned_vars: set[str] = set()
        reads: list[tuple[int, list]] = []  # identifiers read: (index, enclosing calls)
        var_reads: list[int] = []
        self.assigned, self.declared = assigned, declared
        any_output = any_agg = False
        self.agg_funcs: dict[str, tuple[str, int]] = {}
        boring = _BORING
        IDENT, VAR, AGG, BUILTIN, KEYWORD = T_IDENTIFIER, T_VARIABLE, T_AGGREGATION, T_BUILTIN, T_KEYWORD
        write_ops = _WRITE_OPS
        macos = self.platform == "macos"
        for cl in self.clauses:
            profile = False
            for p in cl.probes:
                ptext = sig[p][1]
                if ("profile-" in ptext or "tick-" in ptext) and _PROFILE_PROBE_RE.match(ptext):
                    profile = True
            warned_self = False
            if cl.body and cl.body[1] == cl.body[0] + 1:
                any_output = True  # an empty clause traces the EPID: dtrace prints a line
            for a, b in self.ranges(cl):
                calls: list[tuple[str, int]] = []  # (name, close index) of the enclosing calls
                for k in range(a, b):
                    t = sig[k]
                    tt = t[0]
                    if tt in boring:
                        continue
                    while calls and k > calls[-1][1]:
                        calls.pop()
                    nxt = sig[k + 1][1] if k + 1 < n else ""
                    if tt is IDENT or tt is VAR:
                        if nxt == "(" and tt is IDENT:
                            self.check_call(k, destructive_ok)
                            if k + 1 in match:
                                calls.append((t[1], match[k + 1]))
                            continue
                        j = k + 1
                        if nxt == "[" and j in match:
                            j = match[j] + 1
                        written = (j < n and sig[j][1] in write_ops) or sig[k - 1][1] in _INCDEC
                        if tt is IDENT:
                            if written:
                                assigned.add(t[1])
                            else:
                                reads.append((k, calls[:]))
                        else:
                            if profile and not warned_self and t[1].startswith("self->"):
                                warned_self = True
                                self.warn(
                                    k,
                                    f"{t[1]} in a profile/tick clause: profile probes have no usable "
                                    "thread-local context (self-> variables belong to whatever thread "
                                    "was interrupted)",
                                )
                            if written:
                                assigned_vars.add(t[1])
                            else:
                                var_reads.append(k)
                    elif tt is AGG:
                        any_agg = True
                        self.check_agg_use(k, calls)
                    elif nxt == "(" and k + 1 in match:
                        if tt is KEYWORD and macos and t[1] in ("if", "else"):
                            self.warn(
                                k,
                                f"'{t[1]}' needs a D compiler with if/else support (illumos, FreeBSD 11+); "
                                "macOS dtrace rejects it",
                            )
                        if t[1] in V.D_OUTPUT_ACTIONS:
                            any_output = True
                        self.check_call(k, destructive_ok)
                        calls.append((t[1], match[k + 1]))
                    elif tt is BUILTIN:
                        if self.platform:
                            self.check_platform_builtin(k)
                    elif tt is KEYWORD and macos and t[1] in ("if", "else"):
                        self.warn(
                            k,
                            f"'{t[1]}' needs a D compiler with if/else support (illumos, FreeBSD 11+); "
                            "macOS dtrace rejects it",
                        )
        for k, calls in reads:
            self.check_ident(k, calls)
        for k in var_reads:
            name = sig[k][1]
            if name not in assigned_vars and name not in declared_vars:
                self.error(k, f"{name} has not yet been declared or assigned")
        if self.platform:
            self.check_providers()
        if not any_agg and not any_output and self.clauses:
            p = self.clauses[0].probes[0] if self.clauses[0].probes else 0
            self.warn(p, "the script has no aggregation and no output: nothing to plot")

    def check_platform_builtin(self, k: int) -> None:
        name = self.sig[k].text
        if self.platform:
            for plat, names in V.D_PLATFORM_BUILTINS.items():
                if name in names and plat != self.platform:
                    self.warn(k, f"built-in variable {name} is not available on {self.platform}")
                    return

    def check_providers(self) -> None:
        known = V.D_PROVIDERS.get(self.platform)
        if not known:
            return
        every = set().union(*V.D_PROVIDERS.values())
        for cl in self.clauses:
            for p in cl.probes:
                text = self.sig[p].text
                prov = V.d_provider(text)
                if not prov or any(c in prov for c in "*?[\\"):
                    continue
                original = text.split(":", 1)[0]
                if original != prov and prov not in every:
                    continue  # a USDT provider (name$target, name1234)
                if prov not in known:
                    self.warn(p, f"probe provider {prov} is not available on {self.platform}")

    def check_ident(self, k: int, calls: list[tuple[str, int]]) -> None:
        sig = self.sig
        t = sig[k]
        name = t.text
        prev = sig[k - 1].text if k > 0 else ""
        if prev in (".", "->") or "`" in name:
            return
        if prev in ("struct", "union", "enum", "xlate", "translator", "offsetof"):
            return
        if name in self.assigned or name in self.declared or name in V.D_BUILTINS:
            return
        if _TYPE_NAME_RE.match(name) or _CONST_NAME_RE.match(name):
            return  # a type (uint64_t) or a constant from a D library (SIGKILL, EPERM, B_READ)
        if calls and calls[-1][0] in ("sizeof", "offsetof", "stringof"):
            return
        nxt = sig[k + 1].text if k + 1 < len(sig) else ""
        if prev == "(" and (nxt == ")" or nxt == "*"):
            return  # a cast: (type) or (type *)
        if prev == "<" or nxt == ">":
            return  # xlate <type>
        self.error(k, f"failed to resolve {name}: Unknown variable name")

    def check_call(self, k: int, destructive_ok: bool) -> None:
        sig = self.sig
        name = sig[k].text
        if sig[k].type is T_KEYWORD or sig[k].type is T_BUILTIN:
            return
        if k > 0 and sig[k - 1].text in (".", "->"):
            return
        target = self.agg_target(k)
        nargs = self.nargs(k)
        proto = V.D_FUNCTIONS.get(name)
        if proto is None:
            self.error(k, f"undefined function name: {name}")
            return
        if target is not None and name not in V.D_AGG_FUNCS:
            self.error(target, f"{sig[target].text} must be assigned the result of an aggregating function")
            return
        if name in V.D_AGG_FUNCS and target is None:
            self.error(
                k,
                f"{name}( ) is an aggregating function: assign it to an aggregation, as in @a = {name}(...)",
            )
            return
        msg = _mismatch(proto, nargs)
        if msg:
            self.error(k, msg)
            return
        if self.platform:
            for plat, names in V.D_PLATFORM_FUNCTIONS.items():
                if name in names and plat != self.platform:
                    self.warn(k, f"{name}( ) is not available on {self.platform}")
        if name in V.D_DESTRUCTIVE or name in V.D_KERNEL_DESTRUCTIVE:
            if not destructive_ok:
                what = "kernel-destructive" if name in V.D_KERNEL_DESTRUCTIVE else "destructive"
                self.warn(
                    k,
                    f"{name}( ) is a {what} action: dtrace refuses it without -w "
                    "(or #pragma D option destructive)",
                )
        if name in V.D_AGG_MAX_ARGS and nargs > V.D_AGG_MAX_ARGS[name]:
            self.error(
                k,
                f"{name}( ) prototype mismatch: {nargs} args passed, "
                f"at most {V.D_AGG_MAX_ARGS[name]} expected",
            )
            return
        if name == "lquantize":
            self.check_lquantize(k, self.args(k))
        elif name == "llquantize":
            self.check_llquantize(k, self.args(k))
        elif name in ("printf", "system", "freopen"):
            self.check_format(k, name, self.args(k))
        if target is not None:
            agg = sig[target].text
            prev = self.agg_funcs.get(agg)
            if prev is None:
                self.agg_funcs[agg] = (name, sig[k].line)
            elif prev[0] != name:
                self.error(
                    k,
                    f"aggregation redefined: {agg} (current: {agg} = {name}( ); "
                    f"previous: {agg} = {prev[0]}( ) : line {prev[1]})",
                )

    def check_lquantize(self, k: int, args: list[tuple[int, int]]) -> None:
        vals = [self.const(a, b) for a, b in args[1:4]]
        if "macro" in vals:
            return
        base, limit = vals[0], vals[1]
        if base is None:
            self.error(args[1][0], "lquantize( ) argument #1 must be an integer constant")
            return
        if not -(1 << 31) <= base < (1 << 31):
            self.error(args[1][0], "lquantize( ) argument #1 must be a 32-bit quantity")
            return
        if limit is None:
            self.error(args[2][0], "lquantize( ) argument #2 must be an integer constant")
            return
        if not -(1 << 31) <= limit < (1 << 31):
            self.error(args[2][0], "lquantize( ) argument #2 must be a 32-bit quantity")
            return
        if limit < base:
            self.error(k, "lquantize( ) base (argument #1) must be less than limit (argument #2)")
            return
        step = 1
        if len(vals) > 2:
            step = vals[2]
            if step is None or step <= 0:
                self.error(
                    args[3][0], "lquantize( ) argument #3 must be a non-zero positive integer constant"
                )
                return
            if step > 0xFFFF:
                self.error(args[3][0], "lquantize( ) argument #3 must be a 16-bit quantity")
                return
        nlevels = (limit - base) // step
        if nlevels == 0:
            self.error(
                k, "lquantize( ) step (argument #3) too large: must have at least one quantization level"
            )
        elif nlevels > 0xFFFF:
            self.error(
                k,
                "lquantize( ) step (argument #3) too small: number of quantization levels "
                "must be a 16-bit quantity",
            )

    def check_llquantize(self, k: int, args: list[tuple[int, int]]) -> None:
        names = ("factor", "low magnitude", "high magnitude", "linear steps per magnitude")
        vals = []
        for n, (a, b) in enumerate(args[1:5]):
            v = self.const(a, b)
            if v == "macro":
                return
            if v is None:
                self.error(a, f"llquantize( ) argument #{n + 1} ({names[n]}) must be an integer constant")
                return
            if v & ((1 << 64) - 1) > 0xFFFF:
                self.error(
                    a, f"llquantize( ) argument #{n + 1} ({names[n]}) must be an unsigned 16-bit quantity"
                )
                return
            vals.append(v)
        factor, low, high, nsteps = vals
        if factor < 2:
            self.error(k, "llquantize( ) factor (argument #1) must be two or more")
        elif low >= high:
            self.error(
                k,
                "llquantize( ) high magnitude (argument #3) must be greater than low magnitude (argument #2)",
            )
        elif nsteps < factor:
            self.error(
                k,
                "llquantize( ) factor (argument #1) must be less than or equal to the number of "
                "linear steps per magnitude (argument #4)",
            )
        else:
            v = factor
            while v < nsteps:
                v *= factor
            if nsteps % factor or v % nsteps:
                self.error(
                    k,
                    "llquantize( ) factor (argument #1) must evenly divide the number of steps per "
                    "magnitude (argument #4), and the number of steps per magnitude must evenly divide "
                    "a power of the factor",
                )
            elif factor ** (high + 1) >= 1 << 64:
                self.error(
                    k,
                    f"llquantize( ) factor ({factor}) raised to power of high magnitude ({high}) "
                    "plus 1 overflows 64-bits",
                )

    def check_format(self, k: int, name: str, args: list[tuple[int, int]]) -> None:
        a, b = args[0]
        if b != a + 1 or self.sig[a].type is not T_STRING:
            return
        convs = _d_conversions(self.sig[a].text)  # (values consumed, name) per conversion
        need = sum(c[0] for c in convs)
        supplied = len(args) - 1
        if supplied < need:
            # the first conversion left without a value
            used = 0
            for idx, (n, cname) in enumerate(convs):
                used += n
                if used > supplied:
                    self.error(
                        k,
                        f"{name}( ) prototype mismatch: conversion #{idx + 1} (%{cname}) "
                        "is missing a corresponding value argument",
                    )
                    return
        elif supplied > need and name == "printf":
            self.error(
                k, f"{name}( ) prototype mismatch: only {need} arguments required by this format string"
            )

    def check_agg_use(self, k: int, calls: list[tuple[str, int]]) -> None:
        sig = self.sig
        n = len(sig)
        name = sig[k].text
        nxt = self.after_subscript(k)
        nxt_text = sig[nxt].text if nxt < n else ""
        if nxt_text == "=" and sig[nxt].type is T_OPERATOR:
            rhs = nxt + 1
            if not (rhs < n and self.is_call(rhs)):
                self.error(k, f"{name} must be assigned the result of an aggregating function")
            return
        if nxt_text in _ASSIGN_OPS or nxt_text in _INCDEC or (k > 0 and sig[k - 1].text in _INCDEC):
            self.error(k, f"{name} must be assigned the result of an aggregating function")
            return
        direct_arg = calls and (sig[k - 1].text in ("(", ",")) and nxt_text in (")", ",")
        if calls and calls[-1][0] in V.D_AGG_ACTIONS and direct_arg:
            return
        if calls and direct_arg and calls[-1][0] in ("trace", "print"):
            act = calls[-1][0]
            hint = " -- did you mean printa()?" if act == "print" else ""
            self.error(k, f"{act}( ) may not be applied to an aggregation{hint}")
            return
        op = None
        if nxt_text in _BINOPS and sig[nxt].type is T_OPERATOR:
            op = nxt_text
        elif (
            k > 0
            and sig[k - 1].text in _BINOPS
            and sig[k - 1].type is T_OPERATOR
            and k > 1
            and (sig[k - 2].type not in (T_OPERATOR,) and sig[k - 2].text not in ("(", ",", "["))
        ):
            op = sig[k - 1].text
        if op in ("*", "/"):
            self.error(k, f"operator {op} requires operands of arithmetic type")
        elif op in ("%", "&", "|", "^", "<<", ">>"):
            self.error(k, f"operator {op} requires operands of integral type")
        elif op in ("&&", "||", "^^"):
            self.error(k, f"operator {op} requires operands of scalar type")
        elif op is not None:
            self.error(
                k,
                f"{name} is an aggregation and may not be used as a value (operator {op}); "
                "print it with printa()",
            )
        else:
            self.error(k, f"{name} is an aggregation and may not be used as a value; print it with printa()")


# ===========================================================================
# bpftrace
# ===========================================================================

_BT_MAP_TYPES = {"count", "sum", "avg", "min", "max", "stats", "hist", "lhist"}
_BT_PROBE_ARGS = {
    "kprobe": 1,
    "kretprobe": 1,
    "uprobe": 2,
    "uretprobe": 2,
    "usdt": 2,
    "tracepoint": 2,
    "profile": 2,
    "interval": 2,
    "software": 2,
    "hardware": 2,
    "watchpoint": 3,
    "asyncwatchpoint": 3,
    "kfunc": 1,
    "kretfunc": 1,
    "iter": 1,
    "rawtracepoint": 1,
    "fentry": 1,
    "fexit": 1,
}


class _BtLinter(_Linter):
    lang = "bpftrace"

    def col(self, i: int) -> int:
        t = self.sig[i]
        return self.run_start(t[2], t[3])

    def eof_location(self) -> tuple[int, int]:
        # bison's location only moves on past blanks: after a last non-blank, it stays at the run's start
        line, col = super().eof_location()
        if col > 1 and not self.text[-1].isspace():
            toks = [t for t in self.line_tokens(line) if t[0] not in _SKIP]
            if toks:
                return (line, self.run_start(line, toks[-1][3]))
        return (line, col)

    def unexpected(self, i: int | None, expecting: str | None = None) -> None:
        what = "end of file" if i is None else self.sig[i].text
        if i is not None and self.sig[i].type is T_PREDICATE:
            what = "/"
        msg = f"syntax error, unexpected {what}"
        if expecting:
            msg += f", expecting {expecting}"
        self.fatal(i, msg)

    def comment_error(self, i: int) -> None:  # pragma: no cover - D only
        pass

    def eof_in_comment(self) -> None:
        # bpftrace's location moves on at each newline, even inside a comment.
        t = self.comment_open
        newlines = self.text.count("\n")
        if newlines >= t.line:  # a newline after the line where the comment opened
            self.error_at(newlines + 1, 1, "end of file during comment")
        else:
            self.error_at(t.line, t.column, "end of file during comment")
        raise _Stop

    def bad_token(self, i: int) -> None:
        self.fatal(i, f"invalid character '{self.sig[i].text[0]}'")

    def check_string(self, i: int) -> None:
        s = self.sig[i].text
        if len(s) < 2 or not s.endswith('"') or (s.endswith('\\"') and not s.endswith('\\\\"')):
            self.fatal(i, "unterminated string")

    def starts_decl(self, i: int) -> bool:
        return self.sig[i].type is T_KEYWORD and self.sig[i].text in ("struct", "union", "enum")

    def outer_unexpected(self, i: int) -> None:
        self.unexpected(i, "{")

    def probes_unexpected(self, i: int, expect_probe: bool) -> None:
        self.unexpected(i, None if expect_probe else "{")

    def bare_probe(self, cl: _Clause, i: int | None) -> None:
        if i is None:
            self.fatal(cl.probes[0], "unexpected end of file, expected {")
        self.unexpected(i, "{")

    def pred_without_body(self, cl: _Clause) -> None:
        self.unexpected(None)

    def pred_unclosed_paren(self, i: int, stack: list[int]) -> None:
        closer = ")" if self.sig[stack[-1]].text == "(" else "]"
        self.unexpected(i, f'{closer} or ","')

    def pred_unclosed(self, i: int) -> None:
        self.unexpected(i, "end predicate")

    def after_pred_unexpected(self, i: int) -> None:
        self.unexpected(i, "{")

    def stray_predicate(self, i: int) -> None:
        self.unexpected(i)

    def unbalanced(self, i: int, s: str, stack: list[int]) -> None:
        if not stack:
            self.unexpected(i, "{")
        top = self.sig[stack[-1]].text
        if top == "{":
            self.unexpected(i, "}")
        prev = self.sig[i - 1].text
        if prev == top:
            self.unexpected(i)
        self.unexpected(i, f'{_OPEN[top]} or ","')

    def eof_error(self, state: str, stack: list[int] | None = None) -> None:
        if stack and self.sig[stack[-1]].text == "{":
            self.unexpected(None, "}")
        self.unexpected(None)

    def pragma(self, i: int) -> None:
        self.pragmas.append(self.sig[i])

    # ---- semantics ----
    def semantics(self) -> None:
        """One pass over the clauses; map reads are judged at the end, once every map write is known."""
        sig = self.sig
        n = len(sig)
        match = self.match
        self.check_probes()
        map_types: dict[str, tuple[str, int]] = {}  # map -> (aggregating function or "value", index)
        assigned_maps: set[str] = set()
        self.map_types = map_types
        self.assigned_maps = assigned_maps
        self.deferred: list[tuple] = []  # map reads and map-action calls, checked after the pass
        map_reads: list[tuple[int, str | None]] = []
        any_output = any_map = False
        boring = _BORING
        IDENT, VAR, AGG = T_IDENTIFIER, T_VARIABLE, T_AGGREGATION
        write_ops = _WRITE_OPS
        for cl in self.clauses:
            scratch: set[str] = set()
            for a, b in self.ranges(cl):
                calls: list[tuple[str, int]] = []
                for k in range(a, b):
                    t = sig[k]
                    tt = t[0]
                    if tt in boring:
                        continue
                    while calls and k > calls[-1][1]:
                        calls.pop()
                    nxt = sig[k + 1][1] if k + 1 < n else ""
                    if tt is AGG:
                        any_map = True
                        j = k + 1
                        if nxt == "[" and j in match:
                            j = match[j] + 1
                        op = sig[j][1] if j < n else ""
                        if op in write_ops or sig[k - 1][1] in _INCDEC:
                            name = t[1]
                            assigned_maps.add(name)
                            if op != "=":
                                continue
                            kind = "value"
                            r = j + 1
                            if (
                                r + 1 < n
                                and sig[r + 1][1] == "("
                                and sig[r][1] in _BT_MAP_TYPES
                                and r + 1 in match
                            ):
                                kind = sig[r][1]
                            prev = map_types.get(name)
                            if prev is None:
                                map_types[name] = (kind, k)
                            elif prev[0] != kind:
                                # (0.17 prints this message without its closing quote)
                                self.error(
                                    k,
                                    f"Type mismatch for {name}: trying to assign value of type "
                                    f"'{_bt_type(kind)}' when map already contains a value of type "
                                    f"'{_bt_type(prev[0])}",
                                )
                        else:
                            map_reads.append((k, calls[-1][0] if calls else None))
                    elif tt is VAR:
                        j = k + 1
                        if nxt == "[" and j in match:
                            j = match[j] + 1
                        if j < n and sig[j][1] == "=":
                            scratch.add(t[1])
                        elif t[1] not in scratch:
                            self.error(k, f"Undefined or undeclared variable: {t[1]}")
                            scratch.add(t[1])
                    elif nxt == "(" and k + 1 in match:
                        if t[1] in V.BT_OUTPUT_FUNCS:
                            any_output = True
                        self.check_call(k)
                        calls.append((t[1], match[k + 1]))
                    elif tt is IDENT:
                        self.check_ident(k, calls)
        for k, enclosing in map_reads:
            self.check_map_use(k, enclosing)
        for k, mname, indexed, func in self.deferred:
            if mname not in assigned_maps:
                self.error(k, f"Undefined map: {mname}")
            elif func == "print" and indexed:
                self.error(k, "The map passed to print() should not be indexed by a key")
        if not any_map and not any_output and self.clauses:
            self.warn(self.clauses[0].probes[0], "the script has no map and no output: nothing to plot")

    def check_probes(self) -> None:
        if self.platform and self.platform != "linux" and self.clauses:
            self.warn(
                self.clauses[0].probes[0],
                f"bpftrace runs on Linux only: {self.platform} has none of its probes",
            )
        seen: dict[str, int] = {}
        for cl in self.clauses:
            for p in cl.probes:
                text = self.sig[p].text
                word = V.bt_probe_type(text)
                if word not in V.BT_PROBE_WORDS:
                    self.error(p, f"Invalid probe type: {word}")
                    continue
                canon, since = V.BT_PROBE_WORDS[word]
                if since != "0.17":
                    self.warn(p, f"probe type {word} needs bpftrace {since} or later (0.17 rejects it)")
                need = _BT_PROBE_ARGS.get(canon)
                if need and ":" not in text:
                    self.error(p, f"{canon} probe type requires {need} argument{'s' if need > 1 else ''}")
                if canon in ("BEGIN", "END"):
                    if canon in seen:
                        self.error(p, f"More than one {canon} probe defined")
                    seen[canon] = p

    def check_ident(self, k: int, calls: list[tuple[str, int]]) -> None:
        sig = self.sig
        name = sig[k].text
        prev = sig[k - 1].text if k > 0 else ""
        if prev in (".", "->") or prev in ("struct", "union", "enum"):
            return
        if V.BT_ARG_RE.match(name) or name in V.BT_BUILTINS:
            return
        if calls and calls[-1][0] in ("kstack", "ustack") and name in V.BT_STACK_MODES:
            return
        if calls and calls[-1][0] in ("sizeof", "offsetof"):
            return
        nxt = sig[k + 1].text if k + 1 < len(sig) else ""
        if prev == "(" and (nxt == ")" or nxt == "*"):
            return  # a cast to a named type
        self.error(k, f"Unknown identifier: '{name}'")

    def check_call(self, k: int) -> None:
        sig = self.sig
        name = sig[k].text
        if sig[k].type is T_KEYWORD or (k > 0 and sig[k - 1].text in (".", "->")):
            return
        func = V.BT_FUNCTIONS.get(name)
        if func is None:
            self.error(k, f"Unknown function: {name}")
            return
        nargs = self.nargs(k)
        msg = _count_error(func, nargs)
        if func.unsafe:
            self.warn(
                k, f"{name}() is an unsafe function being used in safe mode: run bpftrace with --unsafe"
            )
        if msg:
            self.error(k, msg)
            return
        if func.kind == "map":
            target = self.agg_target(k)
            if target is None:
                self.error(k, f"{name}() should be directly assigned to a map")
                return
            if name == "lhist":
                self.check_lhist(k, self.args(k))
        elif func.kind == "map-action" and nargs:
            a, b = self.args(k)[0]
            if sig[a].type is T_AGGREGATION:
                self.deferred.append((k, sig[a].text, b > a + 1 and sig[a + 1].text == "[", name))
        if name == "printf":
            self.check_printf(k, self.args(k))

    def check_lhist(self, k: int, args: list[tuple[int, int]]) -> None:
        sig = self.sig
        vals = []
        for a, b in args[1:4]:
            # bpftrace wants literals: a number, a negated number, or one in parentheses
            toks = [sig[j] for j in range(a, b) if sig[j].text not in ("(", ")")]
            if any(t.type is T_MACRO for t in toks):
                return
            if (len(toks) == 1 and toks[0].type is T_NUMBER) or (
                len(toks) == 2 and toks[0].text == "-" and toks[1].type is T_NUMBER
            ):
                v = self.int_value(toks[-1].text)
                if v is None:
                    return
                vals.append(-v if len(toks) == 2 else v)
            else:
                provided = "none" if toks and toks[0].type is T_AGGREGATION else "integer"
                self.error(k, f"lhist() expects a integer literal ({provided} provided)")
                return
        lo, hi, step = vals
        if step < 1:
            self.error(k, f"lhist() step must be >= 1 ({step} provided)")
            return
        if lo < 0:
            self.error(k, f"lhist() min must be non-negative (provided min {lo})")
            return
        if lo > hi:
            self.error(k, f"lhist() min must be less than max (provided min {lo} and max {hi})")
        if step > hi - lo:
            self.error(
                k, f"lhist() step is too large for the given range (provided step {step} for range {hi - lo})"
            )
        elif (hi - lo) // step > 1000:
            self.error(k, f"lhist() too many buckets, must be <= 1000 (would need {(hi - lo) // step})")

    def check_printf(self, k: int, args: list[tuple[int, int]]) -> None:
        a, b = args[0]
        if b != a + 1 or self.sig[a].type is not T_STRING:
            if b == a + 1 and self.sig[a].type is T_NUMBER:
                self.error(k, "printf() expects a string literal (integer provided)")
            return
        need = len(_d_conversions(self.sig[a].text))
        supplied = len(args) - 1
        if supplied < need:
            self.error(
                k, f"printf: Not enough arguments for format string ({supplied} supplied, {need} expected)"
            )
        elif supplied > need:
            self.error(
                k, f"printf: Too many arguments for format string ({supplied} supplied, {need} expected)"
            )

    def check_map_use(self, k: int, enclosing: str | None) -> None:
        """A map read: defined somewhere? an aggregate used in arithmetic?"""
        sig = self.sig
        n = len(sig)
        name = sig[k].text
        nxt = self.after_subscript(k)
        nxt_text = sig[nxt].text if nxt < n else ""
        if name not in self.assigned_maps:
            if enclosing in ("print", "clear", "zero", "delete") and sig[k - 1].text == "(":
                return  # reported with the call's position
            self.error(k, f"Undefined map: {name}")
            return
        kind = self.map_types.get(name, ("value", 0))[0]
        if kind == "value":
            return
        # an aggregate map in a binary operation
        if nxt_text in _BINOPS and sig[nxt].type is T_OPERATOR:
            other = self.operand_type(nxt + 1)
            self.mismatch(k, nxt_text, _bt_type(kind), other)
        elif (
            k > 1
            and sig[k - 1].text in _BINOPS
            and sig[k - 1].type is T_OPERATOR
            and (sig[k - 2].type is not T_OPERATOR and sig[k - 2].text not in ("(", ",", "["))
        ):
            other = self.operand_type(k - 2, left=True)
            self.mismatch(k - 2, sig[k - 1].text, other, _bt_type(kind), map_name=name)

    def operand_type(self, j: int, left: bool = False) -> str | None:
        sig = self.sig
        if j < 0 or j >= len(sig):
            return None
        t = sig[j]
        if t.type is T_NUMBER:
            nxt = sig[j + 1].text if j + 1 < len(sig) else ""
            return "int64" if (left or nxt not in ("*", "/", ".", "->", "[")) else None
        if t.type is T_AGGREGATION:
            kind = self.map_types.get(t.text, ("value", 0))[0]
            return _bt_type(kind) if kind != "value" else None
        return None

    def mismatch(
        self, at: int, op: str, left: str | None, right: str | None, map_name: str | None = None
    ) -> None:
        if left and right:
            self.error(at, f"Type mismatch for '{op}': comparing '{left}' with '{right}'")
        else:
            name = map_name or self.sig[at].text
            kind = left if map_name is None else right
            self.error(at, f"{name} holds a {kind}() aggregate and may not be used as a value with '{op}'")


@functools.lru_cache(maxsize=1024)
def _d_control_line_error(text: str) -> str | None:
    """libdtrace's error for a control line (``#pragma D option x``, ``#include``...), or None (dt_pragma.c)."""
    words = re.findall(r'"(?:[^"\\]|\\.)*"|[^\s"]+', text.strip()[1:])
    if not words or re.match(r"^[0-9]", words[0]):
        return None  # null directive or "# N file" line marker
    kind = 0  # 0: bare "#", 1: "#pragma", 2: "#pragma D"
    k = 0
    if words[0] == "pragma":
        kind, k = 1, 1
        if len(words) > 1 and words[1] == "D":
            kind, k = 2, 2
    if k >= len(words):
        return None
    name, rest = words[k], words[k + 1 :]
    allowed = V.D_PRAGMAS_SUB if kind < 2 else V.D_PRAGMAS_D
    if name not in allowed:
        if kind == 0:
            return f"invalid control directive: #{name}"
        if kind == 1:
            return None  # unknown #pragma: ignored (K&R A12.8)
        return f"invalid D pragma: {name}"
    if name == "option":
        if not rest:
            return "malformed #pragma option <option>=<val>"
        if len(rest) > 1:
            return "superfluous arguments specified for #pragma option"
        opt, _, val = rest[0].partition("=")
        return V.d_option_error(opt, val if "=" in rest[0] else None)
    if name == "error":
        return "#error: " + " ".join(w.strip('"') for w in rest) + " "
    return None


@functools.lru_cache(maxsize=1024)
def _d_conversions(fmt: str) -> tuple[tuple[int, str], ...]:
    """The conversions of a printf format: (values each consumes, e.g. 2 for %*d; its name, e.g. "lld")."""
    return tuple(
        (1 + (m.group(2) == "*") + (m.group(4) == "*"), (m.group(5) or "") + m.group(6))
        for m in _FMT_RE.finditer(fmt)
        if m.group(1) != "%"
    )


@functools.lru_cache(maxsize=1024)
def _mismatch(proto: V.Proto, nargs: int) -> str | None:
    return proto.mismatch(nargs)


@functools.lru_cache(maxsize=1024)
def _count_error(func: V.BtFunc, nargs: int) -> str | None:
    return func.count_error(nargs)


@functools.lru_cache(maxsize=512)
def _eval_const(expr: str) -> int | None:
    """The value of an integer expression made of literals, operators and parentheses (C semantics)."""
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError):
        return None
    try:
        return _eval_node(tree.body)
    except (ArithmeticError, TypeError, ValueError):
        return None


def _eval_node(node: ast.AST) -> int:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp):
        v = _eval_node(node.operand)
        if isinstance(node.op, ast.USub):
            return -v
        if isinstance(node.op, ast.UAdd):
            return v
        if isinstance(node.op, ast.Invert):
            return ~v
    if isinstance(node, ast.BinOp):
        a, b = _eval_node(node.left), _eval_node(node.right)
        op = node.op
        if isinstance(op, ast.FloorDiv):  # C division truncates toward zero
            q = abs(a) // abs(b)
            return q if (a < 0) == (b < 0) else -q
        if isinstance(op, ast.Mod):
            return a - b * int(a / b) if b else a % b
        if isinstance(op, (ast.LShift, ast.RShift)) and (b < 0 or b > 64):
            raise ValueError("shift out of range")
        ops = {
            ast.Add: int.__add__,
            ast.Sub: int.__sub__,
            ast.Mult: int.__mul__,
            ast.LShift: int.__lshift__,
            ast.RShift: int.__rshift__,
            ast.BitAnd: int.__and__,
            ast.BitOr: int.__or__,
            ast.BitXor: int.__xor__,
        }
        fn = ops.get(type(op))
        if fn is not None:
            return fn(a, b)
    raise ValueError("not an integer constant expression")


def _bt_type(kind: str) -> str:
    return "int64" if kind == "value" else kind


# ===========================================================================
# Entry points
# ===========================================================================


def lint(text: str, lang: str = "d", file: str = "<script>", platform: str | None = None) -> list[Diagnostic]:
    """Lint ``text`` as ``lang`` ("d" or "bpftrace"); ``platform`` enables the per-OS checks.

    Returns diagnostics sorted by position: syntax errors stop at the first one
    (as the compilers do); otherwise every semantic error and warning is listed.
    """
    lang = normalize_lang(lang)
    if platform is not None and platform not in V.PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}: expected one of {', '.join(V.PLATFORMS)}")
    cls = _DLinter if lang == "d" else _BtLinter
    gc_was_enabled = gc.isenabled()
    gc.disable()  # tokens are plain tuples: no cycles to collect, and collections cost more than the lint
    try:
        return cls(text, file, platform).run()
    finally:
        if gc_was_enabled:
            gc.enable()


def detect_lang(path: str | os.PathLike | None, text: str = "") -> str:
    """``"d"`` or ``"bpftrace"`` from the file name, the ``#!`` line, then the content."""
    if path:
        ext = os.path.splitext(os.fspath(path))[1].lower()
        if ext == ".d":
            return "d"
        if ext in (".bt", ".bpftrace"):
            return "bpftrace"
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("#!"):
        if "bpftrace" in first:
            return "bpftrace"
        if "dtrace" in first:
            return "d"
    bt = len(
        re.findall(
            r"(?m)^\s*(?:kprobe|kretprobe|uprobe|uretprobe|tracepoint|usdt|interval|software|hardware|"
            r"kfunc|kretfunc|profile|t|k|kr|u|ur|i|p|f|fr):",
            text,
        )
    )
    bt += len(re.findall(r"//|\$[a-z_]\w*\s*=|\bcomm\b|\bnsecs\b|\bhist\(|\blhist\(", text))
    d = len(
        re.findall(
            r"(?m)^\s*[\w$*-]*:[\w*-]*:[\w*-]*:[\w*-]*|\bself->|\bthis->|#pragma D|\bexecname\b|"
            r"\bquantize\(|\blquantize\(|\bprinta\(|\btimestamp\b|^\s*(?:profile|tick)-\d",
            text,
        )
    )
    return "bpftrace" if bt > d else "d"


def check(
    text: str,
    lang: str = "d",
    file: str = "<script>",
    platform: str | None = None,
    compiler: bool = True,
) -> list[Diagnostic]:
    """Lint, then let the real compiler (when one is installed here) have the last word on errors.

    With a compiler, its errors and warnings replace the linter's errors; the
    linter's warnings (nothing to plot, destructive actions...) are kept.
    """
    diags = lint(text, lang, file, platform)
    if not compiler:
        return diags
    from .compilers import compiler_check  # deferred: runs subprocesses

    real = compiler_check(text, normalize_lang(lang), file)
    if real is None:
        return diags
    seen = {(d.line, d.message) for d in real}
    merged = list(real) + [d for d in diags if d.severity == "warning" and (d.line, d.message) not in seen]
    merged.sort(key=lambda d: (d.line, d.column, d.severity != "error"))
    return merged
