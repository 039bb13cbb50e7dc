"""The linter's shared machinery: tokens, clause structure, bracket balance, reporting.

:class:`Linter` holds what the D and bpftrace linters (:mod:`.lint_d`,
:mod:`.lint_bpftrace`) have in common: it lexes the script through the line
cache (:mod:`.lint_cache`), walks the tokens once to find the clauses and match
the brackets (the syntax phase, which stops at the first error through
:class:`Stop`), and offers the call and constant helpers the semantic passes
use.  The language linters fill in the hooks: which message each syntax error
gets, and the semantic checks.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from typing import NoReturn

from .diagnostics import Diagnostic
from .lint_cache import lex_lines
from .tokens import LexerSpec, LexState, Token, TokenType, run_lexer

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
SKIP = frozenset({T_WHITESPACE, T_NEWLINE, T_COMMENT})
_NAMEISH = frozenset({T_IDENTIFIER, T_ACTION, T_AGG_FUNC, T_BUILTIN, T_KEYWORD})
ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="})
INCDEC = frozenset({"++", "--"})
WRITE_OPS = ASSIGN_OPS | INCDEC
#: token types the semantic passes never look at on their own
BORING = frozenset({T_PUNCTUATION, T_OPERATOR, T_NUMBER, T_STRING, T_MACRO, T_PREDICATE})
BINOPS = frozenset(
    {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "&&", "||", "^^", "<", "<=", ">", ">=", "==", "!="}
)
OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {")": "(", "]": "[", "}": "{"}
_FMT_RE = re.compile(r"%(%|[-+ #0?']*(\*|[0-9]+)?(\.(\*|[0-9]+))?(hh|h|ll|l|L|j|z|t|w)?([A-Za-z@]))")

#: where the syntax phase is: the states of :meth:`Linter.structure`
S_OUTER, S_PROBES, S_PRED, S_AFTER_PRED, S_BODY, S_DECL = range(6)


class Stop(Exception):
    """Raised to end the syntax phase at its first error, as the compilers do."""


@dataclass
class Clause:
    probes: list[int] = field(default_factory=list)  # indexes into sig
    pred: tuple[int, int] | None = None  # (open "/", close "/") indexes
    body: tuple[int, int] | None = None  # ("{", "}") indexes


class Linter:
    """Shared machinery: tokens, positions, structure and call helpers."""

    lang = ""
    spec: LexerSpec  # set by each language

    def __init__(self, text: str, file: str, platform: str | None) -> None:
        self.text = text
        self.file = file
        self.platform = platform
        self.diags: list[Diagnostic] = []
        # Lex without the blanks: the linter never looks at them (columns are exact all the same).
        sig, comments, end_state, self.line_states = lex_lines(self.spec, self.lang, text)
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
        self.clauses: list[Clause] = []
        self.decls: list[tuple[int, int]] = []
        self.pragmas: list[Token] = []
        self.constants: dict[str, int] = {}  # named integer constants (D's inline int, #define)

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
        while raw > 0 and toks[raw - 1][0] not in SKIP:
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

    def fatal(self, i: int | None, msg: str) -> NoReturn:
        if i is None:
            self.error_at(self.eof[0], self.eof[1], msg)
        else:
            self.error(i, msg)
        raise Stop

    # ---- structure --------------------------------------------------------
    def structure(self) -> None:
        """Clause structure and bracket balance; raises Stop at the first syntax error.

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
        cl = Clause()  # the clause being read (replaced at each clause's first probe)
        state = S_OUTER
        expect_probe = False
        decl_start = decl_depth = pred_open = body_open = 0
        for i, tok in enumerate(sig):
            tt = tok[0]
            if tt in special:
                if tt is T_PRAGMA:
                    self.pragma(i)
                    continue
                self.special_token(i, tt, state)
            if state == S_BODY:
                if tt is PUNCT:
                    s = tok[1]
                    if s in OPEN:
                        stack.append(i)
                    elif s in CLOSE:
                        if stack and sig[stack[-1]][1] == CLOSE[s]:
                            match[stack.pop()] = i
                            if not stack:
                                cl.body = (body_open, i)
                                self.clauses.append(cl)
                                state = S_OUTER
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
            elif state == S_OUTER:
                if tt is PROBE:
                    cl = Clause([i])
                    state = S_PROBES
                    expect_probe = False
                elif self.starts_decl(i):
                    state = S_DECL
                    decl_start, decl_depth = i, 0
                elif tok[1] == ";" and self.decls and self.decls[-1][1] == i and self.lang == "bpftrace":
                    # a C definition's closing "};": bpftrace hands the whole of it to clang
                    self.decls[-1] = (self.decls[-1][0], i + 1)
                else:
                    self.outer_unexpected(i)
            elif state == S_PROBES:
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
                    state = S_PRED
                    pred_open = i
                    stack = []
                elif s == "{" and tt is PUNCT and not expect_probe:
                    state = S_BODY
                    stack = [i]
                    body_open = i
                else:
                    self.probes_unexpected(i, expect_probe)
            elif state == S_PRED:
                if tt is PRED:
                    if stack:
                        self.pred_unclosed_paren(i, stack)
                    cl.pred = (pred_open, i)
                    state = S_AFTER_PRED
                elif tt is PUNCT:
                    s = tok[1]
                    if s == "{":
                        self.pred_unclosed(i)
                    elif s in OPEN:
                        stack.append(i)
                    elif s in CLOSE:
                        if stack and sig[stack[-1]][1] == CLOSE[s]:
                            match[stack.pop()] = i
                        else:
                            self.unbalanced(i, s, stack)
                    elif s == "," and stack:
                        top = stack[-1]
                        commas[top] = commas.get(top, 0) + 1
                    elif s == ";" and stack:
                        self.unbalanced(i, s, stack)
            elif state == S_AFTER_PRED:
                if tok[1] == "{" and tt is PUNCT:
                    state = S_BODY
                    stack = [i]
                    body_open = i
                else:
                    self.after_pred_unexpected(i)
            else:  # S_DECL
                s = tok[1]
                if s == "{" or s == "(" or s == "[":
                    decl_depth += 1
                elif s == "}" or s == ")" or s == "]":
                    decl_depth -= 1
                    if decl_depth < 0:
                        self.outer_unexpected(i)
                    if decl_depth == 0 and s == "}" and self.lang == "bpftrace":
                        self.decls.append((decl_start, i + 1))
                        state = S_OUTER
                elif s == ";" and decl_depth == 0:
                    self.decls.append((decl_start, i + 1))
                    state = S_OUTER
        # end of file
        if self.unterminated_comment:
            self.eof_in_comment()
        if state == S_PROBES:
            if expect_probe:
                self.eof_error(state)
            self.bare_probe(cl, None)
        elif state == S_AFTER_PRED:
            self.pred_without_body(cl)
        elif state != S_OUTER:
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
            if s in OPEN and k in match:
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
            elif t.type is T_IDENTIFIER and t.text in self.constants:
                parts.append(str(self.constants[t.text]))
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

    def ranges(self, cl: Clause) -> list[tuple[int, int]]:
        out = []
        if cl.pred:
            out.append((cl.pred[0] + 1, cl.pred[1]))
        if cl.body:
            out.append((cl.body[0] + 1, cl.body[1]))
        return out

    # ---- language hooks (overridden) --------------------------------------
    #: token types that need a per-token lexical check (see special_token)
    special_types: frozenset[TokenType] = frozenset({T_PRAGMA, T_COMMENT, T_ERROR, T_STRING})
    #: token types that may start a probe description line inside a body (D only)
    probe_line_types: frozenset[TokenType] = frozenset()

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

    # Syntax errors: each language words them its own way (all of them end the syntax phase).
    def outer_unexpected(self, i: int) -> None: ...
    def probes_unexpected(self, i: int, expect_probe: bool) -> None: ...
    def bare_probe(self, cl: Clause, i: int | None) -> None: ...
    def pred_without_body(self, cl: Clause) -> None: ...
    def pred_unclosed_paren(self, i: int, stack: list[int]) -> None: ...
    def pred_unclosed(self, i: int) -> None: ...
    def after_pred_unexpected(self, i: int) -> None: ...
    def stray_predicate(self, i: int) -> None: ...
    def unbalanced(self, i: int, s: str, stack: list[int]) -> None: ...
    def eof_in_comment(self) -> None: ...
    def eof_error(self, state: int, stack: list[int] | None = None) -> None: ...

    def run(self) -> list[Diagnostic]:
        try:
            self.structure()
        except Stop:
            return self.diags
        self.semantics()
        self.diags.sort(key=lambda d: (d.line, d.column, d.severity != "error"))
        return self.diags

    def semantics(self) -> None: ...


@functools.lru_cache(maxsize=1024)
def printf_conversions(fmt: str) -> tuple[tuple[int, str], ...]:
    """The conversions of a printf format: (values each consumes, e.g. 2 for %*d; its name, e.g. "lld")."""
    return tuple(
        (1 + (m.group(2) == "*") + (m.group(4) == "*"), (m.group(5) or "") + m.group(6))
        for m in _FMT_RE.finditer(fmt)
        if m.group(1) != "%"
    )


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
