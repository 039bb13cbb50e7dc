"""Translate a D script (DTrace) into a bpftrace 0.17 script.

``translate(d_text)`` returns the bpftrace text, or raises
:class:`~suricate_desktop.lang.diagnostics.ScriptError` whose diagnostics name
every construct it cannot translate, at its line and column.
``translate_program`` returns a :class:`Translation` with the warnings (things
translated with a caveat) and the names of the maps that hold the D
aggregations, so that a consumer can tell them from helper maps.

The translator has its own small lexer and recursive-descent parser for the D
subset it understands, so it does not depend on the editor's lexer.

It translates meanings, not words (section 4 of
``../shared/docs/tracing-languages.md``, the project's reference material,
outside this repository):

===============================  =============================================
D                                bpftrace 0.17
===============================  =============================================
``BEGIN``, ``END``               ``BEGIN``, ``END`` (several D clauses are
                                 merged into one, predicates become ``if``)
``syscall::NAME:entry/return``   ``tracepoint:syscalls:sys_enter_NAME`` /
                                 ``sys_exit_NAME``; ``argN`` -> ``args->FIELD``
                                 (the call's own field names), return ``arg0``
                                 / ``arg1`` -> ``args->ret``; ``errno`` ->
                                 ``(args->ret < 0 ? - args->ret : 0)``; a glob
                                 expands to the matching Linux calls
``syscall:::entry/return``       ``tracepoint:raw_syscalls:sys_enter/exit``;
                                 ``argN`` -> ``args->args[N]``
``probefunc`` (syscall)          the call's name: a string literal for a named
                                 call; for ``raw_syscalls`` a lookup of
                                 ``args->id`` in a table of this architecture's
                                 numbers (bpftrace 0.17 has no
                                 ``syscall_name()``; ``sys_enter_*`` with
                                 ``probe`` takes ~25 s to attach 360 probes)
``probename``, ``probeprov``     string literals
``profile-N[unit]``              ``profile:hz|s|ms|us:N``; ``arg0`` / ``arg1``
                                 (kernel / user PC, 0 in the other mode) ->
                                 ``reg("ip")`` (``"pc"`` on arm64) tested for
                                 a kernel (top-bit) address
``tick-N[unit]``                 ``interval:hz|s|ms|us:N``
``proc:::exec-success``          ``tracepoint:sched:sched_process_exec``
``proc:::exec`` / ``exec-failure``  ``sys_enter_execve`` / ``sys_exit_execve``
                                 with ``args->ret < 0``
``proc:::create`` / ``lwp-create``  ``tracepoint:task:task_newtask`` without /
                                 with ``CLONE_THREAD``
``proc:::exit`` / ``lwp-exit``   ``tracepoint:sched:sched_process_exit``
                                 (``exit``: the main thread, ``pid == tid``)
``proc:::signal-send``           ``tracepoint:signal:signal_generate``
``sched:::on-cpu``               ``tracepoint:sched:sched_switch`` seen from the
                                 incoming thread: ``execname`` ->
                                 ``args->next_comm``, ``tid`` and ``self->``
                                 keys -> ``args->next_pid``
``sched:::off-cpu``              ``tracepoint:sched:sched_switch``
``sched:::preempt`` / ``sleep``  ``sched_switch`` with ``prev_state`` running /
                                 not running
``sched:::wakeup``               ``tracepoint:sched:sched_wakeup``
``io:::start`` / ``io:::done``   ``tracepoint:block:block_rq_issue`` /
                                 ``block_rq_complete``; ``b_bcount`` ->
                                 ``args->bytes``; ``arg0`` as the only key of
                                 an array (the buf) -> ``args->dev,
                                 args->sector``
``ip:::send`` / ``receive``      ``net:net_dev_xmit`` / ``net:netif_receive_skb``
``tcp:::connect-request`` ...    ``sock:inet_sock_set_state`` with states
``mib:::tcpRetransSegs`` ...     ``tcp:tcp_retransmit_skb`` ...; ``arg0`` -> 1
``vminfo:::as_fault``            ``exceptions:page_fault_user`` (x86)
``fbt::F:entry`` / ``return``    ``kprobe:F`` / ``kretprobe:F``
``execname`` ``timestamp``       ``comm`` ``nsecs``
``pid tid uid gid cpu``          same; ``ppid`` -> ``curtask->real_parent->tgid``
``self->x``                      ``@self_x[tid]``; ``self->x = 0`` ->
                                 ``delete(@self_x[tid])``
``this->x``                      ``$x``
global ``x``, ``x[k]``           ``@global_x``, ``@global_x[k]``
                                 (helper maps are cleared in ``END`` so that
                                 only aggregations print at exit)
``count sum avg min max``        same
``quantize(x)``                  ``hist(x)``
``lquantize(x, lo, hi[, s])``    ``lhist(x, lo, hi, s)`` (step default 1)
``printa([fmt, ]@a)``            ``print(@a)`` (a format is dropped, with a
                                 warning); in ``END`` also ``clear(@a)``
                                 afterwards (dtrace does not print a printa'd
                                 aggregation again at exit, bpftrace would)
``clear(@a)``                    ``zero(@a)`` (keeps the keys)
``trunc(@a)``                    ``clear(@a)`` (removes the keys)
``trunc(@a, n)``                 the next ``printa(@a)`` of the clause becomes
                                 ``print(@a, n)``; in ``END`` or before
                                 ``exit()`` without a ``printa``:
                                 ``print(@a, n); clear(@a)``; else refused
``normalize(@a, n)``             likewise, ``print(@a, 0, n)``
``exit(n)``                      ``exit()`` (0.17 takes no status)
``printf`` / ``trace(x)``        ``printf`` (``%i`` -> ``%d``) / ``print(x)``
``copyinstr(p)`` ``stringof``    ``str(p)``
``stack()`` ``ustack()``         ``kstack`` ``ustack``
``SIGxxx``, ``Exxx``             their Linux values
``inline T N = e;``              ``e`` substituted where ``N`` is used
``$1`` / ``$$1``                 ``$1`` / ``str($1)``
===============================  =============================================

Refused, with the construct and its line: speculations, ``stddev``,
``llquantize``, increment arguments, ``denormalize``,
translators (``curpsinfo``, ``curlwpsinfo``, ``fds[]``, ...), ``curthread``,
``walltimestamp``, ``vtimestamp``, ``lockstat``, ``plockstat``, ``pid``/usdt
providers, network providers' arguments, the ``ERROR`` probe, ``translator``
and type declarations, ``#include``/``#define`` (cpp), ``$target`` and the
other macro variables, string subroutines missing from 0.17, kernel symbols,
pointer casts and dereferences, and destructive actions. Each refusal is a
Diagnostic at the construct's line and column; one run reports every refused
statement, not just the first. Globs: a function glob on ``syscall`` expands
to the matching Linux calls (``*stat`` -> cachestat, fstat, lstat, stat,
ustat); an illumos name with a different Linux name (``open64``, ``exece``)
is renamed with a warning.
"""

from __future__ import annotations

import fnmatch
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import _syscalls
from .diagnostics import Diagnostic, ScriptError

__all__ = ["Translation", "supported_architectures", "translate", "translate_program"]


# --------------------------------------------------------------------------------------------------
# Result


@dataclass
class Translation:
    """A translated script and what a consumer needs to know about it."""

    text: str
    warnings: list[Diagnostic] = field(default_factory=list)
    #: bpftrace maps holding the D aggregations, in order of appearance (``@`` for a bare ``@``).
    aggregations: list[str] = field(default_factory=list)
    #: bpftrace maps that hold D variables (``@self_*``, ``@global_*``): not data to chart.
    variables: list[str] = field(default_factory=list)
    #: For each line of ``text`` (index 0 = line 1), the line of the D clause it came from (0: none),
    #: so that bpftrace's errors about the translation can be put on the user's own line.
    line_map: list[int] = field(default_factory=list)

    def d_line(self, line: int) -> int:
        """The D script's line behind line ``line`` of the translation (0 when there is none)."""
        return self.line_map[line - 1] if 0 < line <= len(self.line_map) else 0

    def on_d_lines(self, diagnostics: list[Diagnostic], file: str = "<script>") -> list[Diagnostic]:
        """bpftrace's findings about this translation, put on the lines of the D clauses they came from,
        each quoting the translated line it was about (the user never wrote that line)."""
        lines = self.text.split("\n")
        out = []
        for d in diagnostics:
            quoted = lines[d.line - 1].strip() if 0 < d.line <= len(lines) else ""
            where = self.d_line(d.line)
            message = d.message + (f" (in the bpftrace translation: {quoted})" if quoted else "")
            out.append(Diagnostic(where, 1 if where else 0, d.severity, message, file))
        return out


def translate(d_text: str, file: str = "<script>", *, arch: str | None = None) -> str:
    """Return the bpftrace 0.17 equivalent of the D script ``d_text``.

    ``arch`` (``platform.machine()`` by default) chooses the system call number
    table used when a script asks for ``probefunc`` on every system call.
    Raises ScriptError naming each construct that has no translation.
    """
    return translate_program(d_text, file, arch=arch).text


def translate_program(d_text: str, file: str = "<script>", *, arch: str | None = None) -> Translation:
    """Like :func:`translate`, with warnings and the names of the maps."""
    program = _Parser(d_text, file).parse()
    return _ProgramTranslator(program, file, arch or platform.machine()).run()


def supported_architectures() -> list[str]:
    """Architectures whose system call numbers the translator knows."""
    return sorted(_syscalls.NUMBERS)


# --------------------------------------------------------------------------------------------------
# Lexer


class _Refusal(Exception):
    """Something that cannot be translated (or parsed), at a place."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


@dataclass
class _Tok:
    kind: str  # ident int str char op agg macro eof
    text: str
    line: int
    col: int
    value: object = None
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
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)([uU]?[lL]{0,2}[uU]?)(?![0-9A-Za-z_.])")
_FLOAT = re.compile(r"[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+[eE][+-]?[0-9]+")


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1
        self._peeked: _Tok | None = None

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
                    raise _Refusal(self.line, self.col, "unterminated comment")
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

    def probe_desc(self) -> _Tok:
        self.skip_space()
        m = _PROBE_CHARS.match(self.text, self.pos)
        if not m:
            raise _Refusal(self.line, self.col, f"expected a probe description, found {self._near()}")
        tok = _Tok("probe", m.group(0), self.line, self.col)
        self._advance(len(m.group(0)))
        return tok

    def _near(self) -> str:
        if self.pos >= len(self.text):
            return "end of input"
        return repr(self.text[self.pos : self.pos + 12].split("\n")[0])

    def peek(self) -> _Tok:
        if self._peeked is None:
            self._peeked = self._next()
        return self._peeked

    def next(self) -> _Tok:
        tok = self.peek()
        self._peeked = None
        return tok

    def rewind(self, tok: _Tok) -> None:
        """Go back to just before ``tok`` (and forget any peeked token)."""
        self._peeked = None
        self.pos, self.line, self.col = tok.pos, tok.line, tok.col

    def _next(self) -> _Tok:
        self.skip_space()
        text, pos = self.text, self.pos
        line, col = self.line, self.col
        if pos >= len(text):
            tok = _Tok("eof", "", line, col)
        else:
            c = text[pos]
            tok = None
            if c.isalpha() or c == "_":
                m = _IDENT.match(text, pos)
                assert m
                tok = _Tok("ident", m.group(0), line, col)
            elif c == "`":
                m = re.compile(r"`[A-Za-z_][A-Za-z0-9_]*").match(text, pos)
                raise _Refusal(
                    line, col, f"kernel symbol {m.group(0) if m else '`'}: kernel symbols differ on Linux"
                )
            elif c.isdigit() or (c == "." and pos + 1 < len(text) and text[pos + 1].isdigit()):
                fm = _FLOAT.match(text, pos)
                im = _INT.match(text, pos)
                if fm and (not im or len(fm.group(0)) > len(im.group(1))):
                    raise _Refusal(
                        line, col, f"floating-point constant {fm.group(0)}: D does not permit them"
                    )
                if not im:
                    raise _Refusal(line, col, f"syntax error near {self._near()}")
                digits = im.group(1)
                try:
                    value = (
                        int(digits, 16)
                        if digits[:2] in ("0x", "0X")
                        else int(digits, 8 if digits.startswith("0") and len(digits) > 1 else 10)
                    )
                except ValueError:
                    raise _Refusal(line, col, f"constant {digits} contains an invalid digit") from None
                tok = _Tok("int", im.group(0), line, col, value, pos)
                self._advance(len(im.group(0)))
                return tok
            elif c == '"':
                i = pos + 1
                while i < len(text) and text[i] != '"':
                    if text[i] == "\\":
                        i += 1
                    elif text[i] == "\n":
                        raise _Refusal(line, col, "newline encountered in string literal")
                    i += 1
                if i >= len(text):
                    raise _Refusal(line, col, "unterminated string literal")
                tok = _Tok("str", text[pos : i + 1], line, col)
            elif c == "'":
                m = re.compile(r"'(\\.|[^'\\])*'").match(text, pos)
                if not m or m.group(0) == "''":
                    raise _Refusal(line, col, "empty or unterminated character constant")
                body = m.group(0)[1:-1].encode().decode("unicode_escape").encode("latin-1")
                value = int.from_bytes(body[:8], "big")
                tok = _Tok("char", m.group(0), line, col, value)
            elif c == "@":
                m = _IDENT.match(text, pos + 1)
                name = m.group(0) if m else ""
                tok = _Tok("agg", "@" + name, line, col, name)
            elif c == "$":
                m = re.compile(r"\$\$?([0-9]+|[A-Za-z_][A-Za-z0-9_]*)").match(text, pos)
                if not m:
                    raise _Refusal(line, col, "invalid macro variable '$'")
                tok = _Tok("macro", m.group(0), line, col, m.group(1))
            else:
                for op in _OPERATORS:
                    if text.startswith(op, pos):
                        tok = _Tok("op", op, line, col)
                        break
                if tok is None:
                    raise _Refusal(line, col, f"unexpected character {c!r}")
            self._advance(len(tok.text))
        tok.pos = pos
        return tok


# --------------------------------------------------------------------------------------------------
# AST


@dataclass
class _Node:
    line: int
    col: int


@dataclass
class _Num(_Node):
    value: int
    text: str


@dataclass
class _Str(_Node):
    text: str  # with the quotes


@dataclass
class _Name(_Node):
    name: str


@dataclass
class _Agg(_Node):
    name: str  # '' for a bare @


@dataclass
class _Macro(_Node):
    text: str  # $1, $$1, $target


@dataclass
class _Var(_Node):
    scope: str  # self | this
    name: str


@dataclass
class _Call(_Node):
    func: str
    args: list


@dataclass
class _Index(_Node):
    base: _Node
    args: list


@dataclass
class _Member(_Node):
    base: _Node
    name: str
    arrow: bool


@dataclass
class _Unary(_Node):
    op: str
    operand: _Node
    postfix: bool = False


@dataclass
class _Binary(_Node):
    op: str
    left: _Node
    right: _Node


@dataclass
class _Ternary(_Node):
    cond: _Node
    then: _Node
    other: _Node


@dataclass
class _Assign(_Node):
    op: str
    target: _Node
    value: _Node


@dataclass
class _Cast(_Node):
    type: str
    operand: _Node


@dataclass
class _ExprStmt(_Node):
    expr: _Node


@dataclass
class _If(_Node):
    cond: _Node
    then: list
    other: list | None


@dataclass
class _Desc:
    text: str
    line: int
    col: int


@dataclass
class _Clause:
    descs: list[_Desc]
    pred: _Node | None
    body: list
    line: int
    col: int


@dataclass
class _Program:
    clauses: list[_Clause]
    warnings: list[Diagnostic]
    options: dict[str, str]
    inlines: dict[str, _Node] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Parser

_C_TYPES = {
    "char",
    "short",
    "int",
    "long",
    "signed",
    "unsigned",
    "float",
    "double",
    "void",
    "string",
    "const",
    "volatile",
    "size_t",
    "ssize_t",
    "uintptr_t",
    "intptr_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uchar_t",
    "ushort_t",
    "uint_t",
    "ulong_t",
    "u_longlong_t",
    "longlong_t",
    "hrtime_t",
    "pid_t",
    "id_t",
    "uid_t",
    "gid_t",
    "caddr_t",
    "boolean_t",
    "dev_t",
    "off_t",
}
_REFUSED_DECLS = {
    "translator": "translator declarations: bpftrace has no translators",
    "typedef": "typedef declarations",
    "struct": "struct declarations",
    "union": "union declarations",
    "enum": "enum declarations",
    "provider": "provider declarations (USDT): define the probes in the application",
    "extern": "extern declarations (kernel symbols differ on Linux)",
    "import": "import declarations",
}
_ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
_BINARY_PREC = {
    "||": 3,
    "^^": 4,
    "&&": 5,
    "|": 6,
    "^": 7,
    "&": 8,
    "==": 9,
    "!=": 9,
    "<": 10,
    "<=": 10,
    ">": 10,
    ">=": 10,
    "<<": 11,
    ">>": 11,
    "+": 12,
    "-": 12,
    "*": 13,
    "/": 13,
    "%": 13,
}


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.lex = _Lexer(text)
        self.file = file
        self.warnings: list[Diagnostic] = []
        self.options: dict[str, str] = {}
        self.inlines: dict[str, _Node] = {}
        self.in_predicate = False

    def fail(self, tok: _Tok | _Node, message: str) -> _Refusal:
        return _Refusal(tok.line, tok.col, message)

    def warn(self, line: int, col: int, message: str) -> None:
        self.warnings.append(Diagnostic(line, col, "warning", message, self.file))

    def parse(self) -> _Program:
        try:
            return self._parse()
        except _Refusal as r:
            raise ScriptError(Diagnostic(r.line, r.column, "error", r.message, self.file)) from None

    def _parse(self) -> _Program:
        lex = self.lex
        clauses: list[_Clause] = []
        while True:
            lex.skip_space()
            if lex.pos >= len(lex.text):
                break
            c = lex.text[lex.pos]
            if c == "#" and lex.at_line_start():
                self._control_line()
                continue
            if c == ";":
                lex._advance(1)
                continue
            m = _IDENT.match(lex.text, lex.pos)
            word = m.group(0) if m else ""
            if word == "inline":
                self._inline()
                continue
            if word in _REFUSED_DECLS:
                raise _Refusal(lex.line, lex.col, f"cannot translate {_REFUSED_DECLS[word]}")
            if word in ("self", "this") or word in _C_TYPES:
                # a variable declaration: ``self int t;``, ``int x;`` -- nothing to translate
                line, col = lex.line, lex.col
                end = lex.text.find(";", lex.pos)
                if end < 0 or "{" in lex.text[lex.pos : end]:
                    raise _Refusal(line, col, f"unterminated declaration starting with {word!r}")
                lex._advance(end + 1 - lex.pos)
                continue
            clauses.append(self._clause())
        return _Program(clauses, self.warnings, self.options, self.inlines)

    def _inline(self) -> None:
        """``inline TYPE NAME = expr;``: a named constant, substituted where it is used."""
        lex = self.lex
        start = lex.next()  # 'inline'
        words: list[_Tok] = []
        while lex.peek().text != "=":
            tok = lex.next()
            if tok.kind == "eof" or tok.text in (";", "{"):
                raise self.fail(tok, "syntax error in inline declaration: expected '='")
            words.append(tok)
        if not words or words[-1].kind != "ident" or len(words) < 2:
            raise self.fail(start, "syntax error in inline declaration: expected a type and a name")
        lex.next()
        value = self.expr()
        self.expect(";")
        self.inlines[words[-1].text] = value

    def _control_line(self) -> None:
        lex = self.lex
        line, col = lex.line, lex.col
        text = lex.rest_of_line().strip()
        if text.startswith("#!"):
            return
        words = text[1:].split()
        if not words:
            return
        if words[0] == "pragma":
            if len(words) >= 3 and words[1] == "D" and words[2] == "option":
                for opt in words[3:]:
                    name, _, value = opt.partition("=")
                    self.options[name] = value
                    if name != "quiet":
                        self.warn(line, col, f"option {name} has no bpftrace script equivalent; dropped")
                return
            if len(words) >= 2 and words[1] == "D":
                self.warn(line, col, f"#pragma D {' '.join(words[2:3])} dropped")
                return
            return  # other pragmas are ignored by dtrace too
        if words[0].isdigit() or words[0] == "line":
            return
        raise _Refusal(
            line,
            col,
            f"preprocessor directive #{words[0]}: needs dtrace -C, which bpftrace has no equivalent of",
        )

    def _clause(self) -> _Clause:
        lex = self.lex
        descs = []
        first = lex.probe_desc()
        descs.append(_Desc(first.text, first.line, first.col))
        while lex.peek_char() == ",":
            lex.skip_space()
            lex._advance(1)
            d = lex.probe_desc()
            descs.append(_Desc(d.text, d.line, d.col))
        pred = None
        lex.skip_space()
        if lex.pos < len(lex.text) and lex.text[lex.pos] == "/":
            lex._advance(1)
            self.in_predicate = True
            pred = self.expr()
            self.in_predicate = False
            tok = lex.next()
            if tok.text != "/":
                raise self.fail(tok, f"closing / expected in predicate, found {tok.text or 'end of input'!r}")
        tok = lex.next()
        if tok.text != "{":
            if tok.kind == "eof":
                raise self.fail(tok, "expected actions { } following probe description")
            raise self.fail(tok, f"syntax error near {tok.text!r}: expected {{ after the probe description")
        body = self.block_body()
        return _Clause(descs, pred, body, first.line, first.col)

    def block_body(self) -> list:
        """Statements up to and including the closing brace."""
        lex = self.lex
        stmts: list = []
        while True:
            tok = lex.peek()
            if tok.kind == "eof":
                raise self.fail(tok, "syntax error near end of input: missing }")
            if tok.text == "}":
                lex.next()
                return stmts
            if tok.text == ";":
                lex.next()
                continue
            stmts.append(self.statement())

    def statement(self):
        lex = self.lex
        tok = lex.peek()
        if tok.kind == "ident" and tok.text == "if":
            lex.next()
            self.expect("(")
            cond = self.expr()
            self.expect(")")
            then = self.branch()
            other = None
            nxt = lex.peek()
            if nxt.kind == "ident" and nxt.text == "else":
                lex.next()
                other = self.branch()
            return _If(tok.line, tok.col, cond, then, other)
        if tok.kind == "ident" and tok.text in (
            "for",
            "while",
            "do",
            "switch",
            "goto",
            "return",
            "break",
            "continue",
        ):
            raise self.fail(tok, f"'{tok.text}' is reserved in D and unusable (D has no loops)")
        e = self.expr()
        end = lex.peek()
        if end.text == ";":
            lex.next()
        elif end.text != "}":
            raise self.fail(end, f"syntax error near {end.text or 'end of input'!r}: expected ; or }}")
        return _ExprStmt(e.line, e.col, e)

    def branch(self) -> list:
        if self.lex.peek().text == "{":
            self.lex.next()
            return self.block_body()
        if self.lex.peek().kind == "ident" and self.lex.peek().text == "if":
            return [self.statement()]
        return [self.statement()]

    def expect(self, text: str) -> _Tok:
        tok = self.lex.next()
        if tok.text != text:
            raise self.fail(tok, f"syntax error near {tok.text or 'end of input'!r}: expected {text!r}")
        return tok

    # expressions
    def expr(self) -> _Node:
        e = self.assignment()
        while self.lex.peek().text == ",":
            # D has a comma operator only inside argument lists; a bare one is a syntax error
            raise self.fail(self.lex.peek(), "syntax error near ','")
        return e

    def assignment(self) -> _Node:
        left = self.ternary()
        tok = self.lex.peek()
        if tok.kind == "op" and tok.text in _ASSIGN_OPS:
            self.lex.next()
            value = self.assignment()
            return _Assign(left.line, left.col, tok.text, left, value)
        return left

    def ternary(self) -> _Node:
        cond = self.binary(3)
        if self.lex.peek().text == "?":
            self.lex.next()
            a = self.assignment()
            self.expect(":")
            b = self.ternary()
            return _Ternary(cond.line, cond.col, cond, a, b)
        return cond

    def _is_predicate_end(self) -> bool:
        """In a predicate, '/' closes it when the next non-blank character ends the clause head."""
        lex = self.lex
        tok = lex.peek()
        if not (self.in_predicate and tok.text == "/"):
            return False
        save = (lex.pos, lex.line, lex.col)
        lex.pos, lex.line, lex.col = tok.pos + 1, tok.line, tok.col + 1
        c = lex.peek_char()
        lex.pos, lex.line, lex.col = save
        return c in ("", "{", ";", "/")

    def binary(self, min_prec: int) -> _Node:
        left = self.unary()
        while True:
            tok = self.lex.peek()
            prec = _BINARY_PREC.get(tok.text) if tok.kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            if tok.text == "/" and self._is_predicate_end():
                return left
            self.lex.next()
            right = self.binary(prec + 1)
            left = _Binary(left.line, left.col, tok.text, left, right)

    def unary(self) -> _Node:
        lex = self.lex
        tok = lex.peek()
        if tok.kind == "op" and tok.text in ("!", "~", "-", "+", "*", "&", "++", "--"):
            lex.next()
            operand = self.unary()
            return _Unary(tok.line, tok.col, tok.text, operand)
        if tok.kind == "ident" and tok.text in ("sizeof", "offsetof", "xlate", "stringof"):
            if tok.text == "stringof":
                lex.next()
                operand = self.unary()
                return _Call(tok.line, tok.col, "stringof", [operand])
            raise self.fail(tok, f"{tok.text}: needs C types, which bpftrace 0.17 scripts do not have")
        if tok.text == "(":
            # a cast?
            lex.next()
            nxt = lex.peek()
            if nxt.kind == "ident" and (nxt.text in _C_TYPES or nxt.text in ("struct", "union", "enum")):
                words = []
                while lex.peek().text != ")":
                    t = lex.next()
                    if t.kind == "eof":
                        raise self.fail(t, "syntax error near end of input in a cast")
                    words.append(t.text)
                lex.next()
                operand = self.unary()
                return _Cast(tok.line, tok.col, " ".join(words), operand)
            # not a cast: rewind and parse as a parenthesised expression
            lex.rewind(tok)
        return self.postfix(self.primary())

    def primary(self) -> _Node:
        lex = self.lex
        tok = lex.next()
        if tok.kind == "int" or tok.kind == "char":
            digits = tok.text.rstrip("uUlL")
            text = digits if tok.kind == "int" and digits[:2] in ("0x", "0X") else str(tok.value)
            return _Num(tok.line, tok.col, int(tok.value), text)
        if tok.kind == "str":
            return _Str(tok.line, tok.col, tok.text)
        if tok.kind == "agg":
            return _Agg(tok.line, tok.col, str(tok.value))
        if tok.kind == "macro":
            return _Macro(tok.line, tok.col, tok.text)
        if tok.kind == "ident":
            if tok.text in ("self", "this") and lex.peek().text == "->":
                lex.next()
                name = lex.next()
                if name.kind != "ident":
                    raise self.fail(
                        name, f"syntax error near {name.text!r}: expected a variable name after {tok.text}->"
                    )
                return _Var(tok.line, tok.col, tok.text, name.text)
            if lex.peek().text == "(":
                lex.next()
                args = []
                if lex.peek().text != ")":
                    while True:
                        args.append(self.assignment())
                        if lex.peek().text == ",":
                            lex.next()
                            continue
                        break
                self.expect(")")
                return _Call(tok.line, tok.col, tok.text, args)
            return _Name(tok.line, tok.col, tok.text)
        if tok.text == "(":
            was = self.in_predicate
            self.in_predicate = False
            e = self.expr()
            self.in_predicate = was
            self.expect(")")
            return e
        raise self.fail(tok, f"syntax error near {tok.text or 'end of input'!r}")

    def postfix(self, node: _Node) -> _Node:
        lex = self.lex
        while True:
            tok = lex.peek()
            if tok.text == "[":
                lex.next()
                args = []
                was = self.in_predicate
                self.in_predicate = False
                while True:
                    args.append(self.assignment())
                    if lex.peek().text == ",":
                        lex.next()
                        continue
                    break
                self.in_predicate = was
                self.expect("]")
                node = _Index(node.line, node.col, node, args)
            elif tok.text in ("->", "."):
                lex.next()
                name = lex.next()
                if name.kind != "ident":
                    raise self.fail(name, f"syntax error near {name.text!r}: expected a member name")
                node = _Member(node.line, node.col, node, name.text, tok.text == "->")
            elif tok.text in ("++", "--"):
                lex.next()
                node = _Unary(node.line, node.col, tok.text, node, postfix=True)
            else:
                return node


# --------------------------------------------------------------------------------------------------
# Probe targets


@dataclass
class _Target:
    """One bpftrace probe standing for (part of) one D probe description."""

    probe: str
    provider: str
    name: str  # D probe name (entry, exec-success, profile-997 ...)
    func: str = ""  # D function (the system call for syscall probes)
    implicit: str | None = None  # predicate the translation adds
    env: dict[str, str] = field(default_factory=dict)  # builtin -> bpftrace text
    refuse: dict[str, str] = field(default_factory=dict)  # builtin -> why not
    argn: dict[int, str] = field(default_factory=dict)  # argN -> bpftrace text
    args_index: dict[int, str] = field(default_factory=dict)  # args[N] -> text
    members: dict[tuple[int, str], str] = field(default_factory=dict)  # args[N]->m -> text
    member_warn: dict[tuple[int, str], str] = field(default_factory=dict)
    arg_refusal: str = ""  # why argN/args[N] cannot be translated (when not mapped)
    errno: str | None = None
    self_key: str = "tid"
    probefunc: str | None = None  # bpftrace text, '$syscall' for the lookup, None: refused
    probefunc_refusal: str = ""
    arg0_key: str | None = None  # io: arg0 as the only subscript
    syscall_id: str | None = None  # raw_syscalls: the number to look up

    @property
    def label(self) -> str:
        """The D probe this target stands for, for messages."""
        return f"{self.provider}::{self.func}:{self.name}" if self.func else f"{self.provider}:::{self.name}"


_SYSCALL_ERRNO = "(args->ret < 0 ? - args->ret : 0)"
_CLONE_THREAD = "0x10000"

#: illumos/FreeBSD system call names -> Linux.
_SYSCALL_RENAMES = {
    "open64": "open",
    "creat64": "creat",
    "stat64": "stat",
    "fstat64": "fstat",
    "lstat64": "lstat",
    "fstatat": "newfstatat",
    "fstatat64": "newfstatat",
    "pread": "pread64",
    "pwrite": "pwrite64",
    "getdents64": "getdents64",
    "exece": "execve",
    "pollsys": "ppoll",
    "llseek": "lseek",
    "openat64": "openat",
    "rexit": "exit_group",
    "fork1": "fork",
    "forkall": "fork",
    "forksys": "clone",
}

_TP_TO_SYSCALL = {tp: name for name, tp in _syscalls.TRACEPOINT_NAME.items()}
_LINUX_SYSCALLS = sorted(_TP_TO_SYSCALL.get(tp, tp) for tp in _syscalls.ENTRY_FIELDS)


def _tracepoint_event(call: str) -> str:
    return _syscalls.TRACEPOINT_NAME.get(call, call)


_PID_NEXT = "(uint64)args->next_pid"
_TCP = "args->protocol == 6"

_PROBE_TABLES: dict[str, dict[str, dict]] = {
    "proc": {
        "exec-success": {"probe": "tracepoint:sched:sched_process_exec"},
        "exec": {"probe": "tracepoint:syscalls:sys_enter_execve", "args_index": {0: "str(args->filename)"}},
        "exec-failure": {
            "probe": "tracepoint:syscalls:sys_exit_execve",
            "implicit": "args->ret < 0",
            "args_index": {0: "- args->ret"},
            "argn": {0: "- args->ret"},
        },
        "create": {
            "probe": "tracepoint:task:task_newtask",
            "implicit": f"(args->clone_flags & {_CLONE_THREAD}) == 0",
            "members": {(0, "pr_pid"): "(uint64)args->pid", (0, "pr_fname"): "args->comm"},
        },
        "lwp-create": {
            "probe": "tracepoint:task:task_newtask",
            "implicit": f"(args->clone_flags & {_CLONE_THREAD}) != 0",
            "members": {(0, "pr_lwpid"): "(uint64)args->pid"},
        },
        "exit": {"probe": "tracepoint:sched:sched_process_exit", "implicit": "pid == tid"},
        "lwp-exit": {"probe": "tracepoint:sched:sched_process_exit"},
        "signal-send": {
            "probe": "tracepoint:signal:signal_generate",
            "args_index": {2: "args->sig"},
            "argn": {2: "args->sig"},
            "members": {
                (1, "pr_pid"): "(uint64)args->pid",
                (0, "pr_lwpid"): "(uint64)args->pid",
                (1, "pr_fname"): "args->comm",
            },
        },
    },
    "sched": {
        "on-cpu": {
            "probe": "tracepoint:sched:sched_switch",
            "env": {"execname": "args->next_comm", "tid": _PID_NEXT},
            "self_key": _PID_NEXT,
            "refuse": {
                name: "sched_switch runs as the outgoing thread; the incoming thread's "
                f"{name} is not in its arguments"
                for name in ("pid", "uid", "gid", "ppid", "stack", "ustack")
            },
        },
        "off-cpu": {
            "probe": "tracepoint:sched:sched_switch",
            "members": {
                (0, "pr_lwpid"): _PID_NEXT,
                (1, "pr_fname"): "args->next_comm",
                (0, "pr_pri"): "args->next_prio",
            },
        },
        "preempt": {
            "probe": "tracepoint:sched:sched_switch",
            "implicit": "(args->prev_state & 0xff) == 0 && args->prev_pid != 0",
        },
        "sleep": {"probe": "tracepoint:sched:sched_switch", "implicit": "(args->prev_state & 0xff) != 0"},
        "wakeup": {
            "probe": "tracepoint:sched:sched_wakeup",
            "members": {
                (0, "pr_lwpid"): "(uint64)args->pid",
                (1, "pr_fname"): "args->comm",
                (0, "pr_pri"): "args->prio",
            },
        },
    },
    "io": {
        "start": {
            "probe": "tracepoint:block:block_rq_issue",
            "members": {
                (0, "b_bcount"): "args->bytes",
                (0, "b_bufsize"): "args->bytes",
                (0, "b_blkno"): "args->sector",
                (0, "b_lblkno"): "args->sector",
                (0, "b_edev"): "args->dev",
                (1, "dev_statname"): "args->dev",
                (1, "dev_name"): "args->dev",
                (1, "dev_pathname"): "args->dev",
                (1, "dev_major"): "(args->dev >> 20)",
                (1, "dev_minor"): "(args->dev & 0xfffff)",
            },
            "arg0_key": "args->dev, args->sector",
        },
        "done": {
            "probe": "tracepoint:block:block_rq_complete",
            "members": {
                (0, "b_bcount"): "(args->nr_sector * 512)",
                (0, "b_bufsize"): "(args->nr_sector * 512)",
                (0, "b_error"): "args->error",
                (0, "b_blkno"): "args->sector",
                (0, "b_lblkno"): "args->sector",
                (0, "b_edev"): "args->dev",
                (1, "dev_statname"): "args->dev",
                (1, "dev_name"): "args->dev",
                (1, "dev_pathname"): "args->dev",
                (1, "dev_major"): "(args->dev >> 20)",
                (1, "dev_minor"): "(args->dev & 0xfffff)",
            },
            "arg0_key": "args->dev, args->sector",
        },
    },
    "tcp": {
        "connect-request": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->newstate == 2",
        },
        "connect-established": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 2 && args->newstate == 1",
        },
        "connect-refused": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 2 && args->newstate == 7",
        },
        "accept-established": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 3 && args->newstate == 1",
        },
        "state-change": {"probe": "tracepoint:sock:inet_sock_set_state", "implicit": _TCP},
    },
    "ip": {
        "send": {"probe": "tracepoint:net:net_dev_xmit"},
        "receive": {"probe": "tracepoint:net:netif_receive_skb"},
    },
    "mib": {
        "tcpRetransSegs": {"probe": "tracepoint:tcp:tcp_retransmit_skb", "argn": {0: "1"}},
        "tcpOutRsts": {"probe": "tracepoint:tcp:tcp_send_reset", "argn": {0: "1"}},
        "tcpActiveOpens": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->newstate == 2",
            "argn": {0: "1"},
        },
        "tcpPassiveOpens": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && args->oldstate == 3 && args->newstate == 1",
            "argn": {0: "1"},
        },
        "tcpAttemptFails": {
            "probe": "tracepoint:sock:inet_sock_set_state",
            "implicit": f"{_TCP} && (args->oldstate == 2 || args->oldstate == 3) && args->newstate == 7",
            "argn": {0: "1"},
        },
    },
    "vminfo": {
        "as_fault": {"probe": "tracepoint:exceptions:page_fault_user", "argn": {0: "1"}},
    },
}

_PROVIDER_REFUSALS = {
    "lockstat": "the lockstat provider (kernel locks) has no bpftrace 0.17 equivalent",
    "plockstat": "the plockstat provider (user locks) has no bpftrace 0.17 equivalent",
    "pid": "pid provider probes need the binary's path on Linux (uprobe:/path:func); not translated",
    "usdt": "USDT probes need the binary's path on Linux (usdt:/path:provider:probe); not translated",
    "sdt": "sdt probes are OS-specific kernel probes",
    "fsinfo": "the fsinfo provider has no Linux equivalent",
    "sysinfo": "the sysinfo provider has no Linux equivalent",
    "cpc": "the cpc provider (CPU performance counters) is not translated",
    "fpuinfo": "the fpuinfo provider has no Linux equivalent",
    "udp": "udp provider probes have no stable Linux tracepoint",
}

_NET_ARGS = "network providers' arguments (pktinfo_t, csinfo_t, ipinfo_t, tcpsinfo_t ...) have no bpftrace translation"

_PROFILE_UNITS = {
    "": ("hz", 1),
    "hz": ("hz", 1),
    "ns": ("ns", 1),
    "nsec": ("ns", 1),
    "us": ("us", 1),
    "usec": ("us", 1),
    "ms": ("ms", 1),
    "msec": ("ms", 1),
    "s": ("s", 1),
    "sec": ("s", 1),
    "m": ("s", 60),
    "min": ("s", 60),
    "h": ("s", 3600),
    "hour": ("s", 3600),
    "d": ("s", 86400),
    "day": ("s", 86400),
}

_GLOB = re.compile(r"[*?\[]")

#: bpftrace reg() name of the program counter, by architecture.
_PC_REGISTER = {"x86_64": "ip", "amd64": "ip", "aarch64": "pc", "arm64": "pc"}


def _split_desc(text: str) -> tuple[str, str, str, str]:
    parts = text.split(":")
    if len(parts) > 4:
        raise ValueError("too many fields")
    parts = [""] * (4 - len(parts)) + parts
    return parts[0], parts[1], parts[2], parts[3]


def _match(pattern: str, names) -> list[str]:
    if pattern in ("", "*"):
        return list(names)
    if _GLOB.search(pattern):
        return [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    return [n for n in names if n == pattern]


class _Targets:
    """Turns D probe descriptions into bpftrace targets."""

    def __init__(self, warn: Callable[[int, int, str], None], arch: str) -> None:
        self.warn = warn
        self.arch = arch

    def expand(self, desc: _Desc) -> list[_Target]:
        def refuse(msg: str) -> _Refusal:
            return _Refusal(desc.line, desc.col, msg)

        try:
            prov, mod, func, name = _split_desc(desc.text)
        except ValueError:
            raise refuse(f"invalid probe description {desc.text}") from None
        if prov == "" and func == "" and mod == "":
            if name in ("BEGIN", "END", "ERROR"):
                prov = "dtrace"
            elif name.startswith(("profile-", "tick-")):
                prov = "profile"
            else:
                raise refuse(
                    f"probe description {desc.text} names no provider; it would match every provider"
                )
        if prov == "dtrace":
            if name in ("BEGIN", "END"):
                return [_Target(name, "dtrace", name, probefunc='""')]
            if name == "ERROR":
                raise refuse("the ERROR probe has no bpftrace equivalent")
            raise refuse(f"unknown dtrace probe {desc.text}")
        if prov == "profile":
            return [self._profile(desc, name)]
        if prov == "syscall":
            return self._syscall(desc, func, name)
        if prov == "fbt":
            return self._fbt(desc, mod, func, name)
        base = re.sub(r"(\$[A-Za-z_]+|[0-9]+|\*)$", "", prov)
        if base in _PROVIDER_REFUSALS:
            raise refuse(f"cannot translate {desc.text}: {_PROVIDER_REFUSALS[base]}")
        if prov in _PROBE_TABLES:
            table = _PROBE_TABLES[prov]
            names = _match(name, table)
            if not names:
                if prov == "tcp" and name in ("send", "receive"):
                    raise refuse(
                        f"cannot translate {desc.text}: per-segment TCP probes have no stable tracepoint; ip:::{name} counts packets"
                    )
                raise refuse(f"cannot translate {desc.text}: no bpftrace equivalent of {prov} probe {name!r}")
            out = []
            for n in names:
                spec = table[n]
                t = _Target(
                    spec["probe"],
                    prov,
                    n,
                    func=func,
                    implicit=spec.get("implicit"),
                    env=dict(spec.get("env", {})),
                    refuse=dict(spec.get("refuse", {})),
                    argn=dict(spec.get("argn", {})),
                    args_index=dict(spec.get("args_index", {})),
                    members=dict(spec.get("members", {})),
                    self_key=spec.get("self_key", "tid"),
                    arg0_key=spec.get("arg0_key"),
                )
                t.probefunc_refusal = f"probefunc on {prov} probes names an illumos kernel function"
                if prov in ("tcp", "ip"):
                    t.arg_refusal = _NET_ARGS
                elif prov == "io":
                    t.arg_refusal = "io provider arguments other than b_bcount, b_blkno, b_error and the device are translators (bufinfo_t, devinfo_t, fileinfo_t)"
                    for key in (1, "dev_statname"), (1, "dev_name"), (1, "dev_pathname"):
                        t.member_warn[key] = "the device is the Linux dev_t number (args->dev), not a name"
                else:
                    t.arg_refusal = f"the arguments of {prov}:::{n} are translated types (lwpsinfo_t, psinfo_t ...) with no bpftrace equivalent"
                out.append(t)
            return out
        raise refuse(f"cannot translate {desc.text}: provider {prov!r} has no bpftrace translation")

    def _profile(self, desc: _Desc, name: str) -> _Target:
        m = re.fullmatch(r"(profile|tick)-([0-9]+)([a-z]*)", name)
        if not m or m.group(3) not in _PROFILE_UNITS:
            raise _Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: expected profile-N[unit] or tick-N[unit]"
            )
        kind, n, unit = m.group(1), int(m.group(2)), m.group(3)
        unit, mult = _PROFILE_UNITS[unit]
        n *= mult
        if unit == "ns":
            if n % 1000:
                raise _Refusal(
                    desc.line,
                    desc.col,
                    f"cannot translate {desc.text}: bpftrace takes periods in us, ms, s or hz",
                )
            unit, n = "us", n // 1000
        probe = f"{'profile' if kind == 'profile' else 'interval'}:{unit}:{n}"
        target = _Target(probe, "profile", name, probefunc='""')
        pc = _PC_REGISTER.get(self.arch)
        if kind == "profile" and pc:
            # the interrupted PC: a kernel address has the top bit set (x86_64, arm64)
            target.argn = {
                0: f'((int64)reg("{pc}") < 0 ? reg("{pc}") : 0)',
                1: f'((int64)reg("{pc}") < 0 ? 0 : reg("{pc}"))',
            }
            target.arg_refusal = "profile probes have only arg0 (kernel PC) and arg1 (user PC)"
        elif kind == "profile":
            target.arg_refusal = f"arg0/arg1 (the PC) need the register name of {self.arch}, which the translator does not know"
        else:
            target.arg_refusal = "tick probes have no arguments the translator knows"
        return target

    def _syscall(self, desc: _Desc, func: str, name: str) -> list[_Target]:
        names = _match(name, ["entry", "return"])
        if not names:
            raise _Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: syscall probes are named entry or return"
            )
        targets = []
        if func in ("", "*"):
            for n in names:
                enter = n == "entry"
                t = _Target(
                    f"tracepoint:raw_syscalls:{'sys_enter' if enter else 'sys_exit'}",
                    "syscall",
                    n,
                    probefunc="$syscall",
                    syscall_id="args->id",
                )
                if enter:
                    t.argn = {i: f"args->args[{i}]" for i in range(6)}
                    t.args_index = dict(t.argn)
                else:
                    t.argn = {0: "args->ret", 1: "args->ret"}
                    t.args_index = {0: "args->ret"}
                    t.errno = _SYSCALL_ERRNO
                t.arg_refusal = (
                    "system calls take at most six arguments"
                    if enter
                    else "a return probe has only arg0 and arg1"
                )
                targets.append(t)
            return targets
        if _GLOB.search(func):
            calls = _match(func, _LINUX_SYSCALLS)
            if not calls:
                raise _Refusal(
                    desc.line, desc.col, f"probe description {desc.text} matches no Linux system call"
                )
        else:
            call = func
            if call not in _LINUX_SYSCALLS and call in _SYSCALL_RENAMES:
                call = _SYSCALL_RENAMES[call]
                self.warn(desc.line, desc.col, f"system call {func} is {call} on Linux")
            if call not in _LINUX_SYSCALLS:
                raise _Refusal(
                    desc.line,
                    desc.col,
                    f"cannot translate {desc.text}: Linux has no system call tracepoint named {func}",
                )
            calls = [call]
        for n in names:
            for call in calls:
                event = _tracepoint_event(call)
                enter = n == "entry"
                t = _Target(
                    f"tracepoint:syscalls:{'sys_enter_' if enter else 'sys_exit_'}{event}",
                    "syscall",
                    n,
                    func=call,
                )
                t.probefunc = f'"{call}"'
                if enter:
                    fields = _syscalls.ENTRY_FIELDS[event]
                    t.argn = {i: f"args->{f}" for i, f in enumerate(fields)}
                    t.args_index = dict(t.argn)
                    t.arg_refusal = f"{call} takes {len(fields)} argument{'s' if len(fields) != 1 else ''}"
                else:
                    t.argn = {0: "args->ret", 1: "args->ret"}
                    t.args_index = {0: "args->ret"}
                    t.errno = _SYSCALL_ERRNO
                    t.arg_refusal = "a return probe has only arg0 and arg1"
                targets.append(t)
        return targets

    def _fbt(self, desc: _Desc, mod: str, func: str, name: str) -> list[_Target]:
        if func in ("", "*"):
            raise _Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: it would trace every kernel function"
            )
        if mod:
            self.warn(desc.line, desc.col, f"module {mod} ignored: kernel modules differ on Linux")
        self.warn(
            desc.line, desc.col, f"kernel function {func}: illumos and Linux kernels have different functions"
        )
        names = _match(name, ["entry", "return"])
        if not names:
            raise _Refusal(
                desc.line,
                desc.col,
                f"cannot translate {desc.text}: fbt probes are named entry or return (offsets are not translated)",
            )
        out = []
        for n in names:
            if n == "entry":
                t = _Target(f"kprobe:{func}", "fbt", n, func=func, probefunc="func")
                t.argn = {i: f"arg{i}" for i in range(10)}
                t.arg_refusal = "args[] on fbt probes are typed from CTF; use argN"
            else:
                t = _Target(f"kretprobe:{func}", "fbt", n, func=func, probefunc="func")
                t.argn = {1: "retval"}
                t.arg_refusal = "fbt return probes: only arg1 (the return value) translates"
            out.append(t)
        return out


# --------------------------------------------------------------------------------------------------
# Clause translation

_PREC_ASSIGN, _PREC_TERNARY, _PREC_UNARY, _PREC_POSTFIX = 1, 2, 14, 15

_BUILTINS = {
    "execname": "comm",
    "pid": "pid",
    "tid": "tid",
    "uid": "uid",
    "gid": "gid",
    "cpu": "cpu",
    "ppid": "curtask->real_parent->tgid",
    "timestamp": "nsecs",
}
_REFUSED_BUILTINS = {
    "walltimestamp": "walltimestamp: bpftrace 0.17 has wall-clock time only through time()/strftime() in output",
    "vtimestamp": "vtimestamp (on-CPU time of the thread) has no bpftrace equivalent",
    "curthread": "curthread: the kernel thread structure differs on Linux (bpftrace has curtask, a task_struct)",
    "curpsinfo": "the translator curpsinfo (psinfo_t) has no bpftrace equivalent",
    "curlwpsinfo": "the translator curlwpsinfo (lwpsinfo_t) has no bpftrace equivalent",
    "curcpu": "the translator curcpu (cpuinfo_t) has no bpftrace equivalent",
    "fds": "the translator fds[] (fileinfo_t) has no bpftrace equivalent",
    "cwd": "cwd has no bpftrace 0.17 equivalent",
    "root": "root has no bpftrace 0.17 equivalent",
    "zonename": "zonename: Linux has no zones",
    "epid": "epid has no bpftrace equivalent",
    "id": "the probe id has no bpftrace equivalent",
    "ipl": "ipl (interrupt level) has no bpftrace equivalent",
    "caller": "caller has no bpftrace 0.17 equivalent",
    "ucaller": "ucaller has no bpftrace 0.17 equivalent",
    "stackdepth": "stackdepth has no bpftrace equivalent",
    "ustackdepth": "ustackdepth has no bpftrace equivalent",
    "uregs": "uregs[] has no bpftrace equivalent (reg() reads kernel registers)",
    "chip": "chip has no bpftrace equivalent",
    "lgrp": "lgrp has no bpftrace equivalent",
    "pset": "pset has no bpftrace equivalent",
    "probemod": "probemod: kernel module names differ on Linux",
    "execargs": "execargs (FreeBSD) has no bpftrace 0.17 equivalent",
    "jailname": "jailname (FreeBSD) has no Linux equivalent",
    "jid": "jid (FreeBSD) has no Linux equivalent",
}
_AGG_FUNCS = {"count", "sum", "avg", "min", "max", "quantize", "lquantize", "llquantize", "stddev"}
_REFUSED_FUNCS = {
    "speculation": "speculative tracing (speculation) has no bpftrace equivalent",
    "speculate": "speculative tracing (speculate) has no bpftrace equivalent",
    "commit": "speculative tracing (commit) has no bpftrace equivalent",
    "discard": "speculative tracing (discard) has no bpftrace equivalent",
    "stddev": "stddev() has no bpftrace equivalent (stats() gives count, average and total only)",
    "llquantize": "llquantize() has no bpftrace equivalent",
    "denormalize": "denormalize() has no bpftrace equivalent",
    "setopt": "setopt() has no bpftrace equivalent",
    "freopen": "freopen() has no bpftrace equivalent",
    "ftruncate": "ftruncate() has no bpftrace equivalent",
    "tracemem": "tracemem() has no bpftrace 0.17 equivalent",
    "jstack": "jstack() has no bpftrace equivalent",
    "system": "system() is destructive (bpftrace needs --unsafe); not translated",
    "raise": "raise() is destructive (bpftrace needs --unsafe); not translated",
    "stop": "stop() is destructive (bpftrace needs --unsafe); not translated",
    "copyout": "copyout() is destructive and has no bpftrace equivalent",
    "copyoutstr": "copyoutstr() is destructive and has no bpftrace equivalent",
    "breakpoint": "breakpoint() has no bpftrace equivalent",
    "panic": "panic() has no bpftrace equivalent",
    "chill": "chill() has no bpftrace equivalent",
    "mod": "mod() has no bpftrace equivalent",
    "umod": "umod() has no bpftrace equivalent",
    "uaddr": "uaddr() has no bpftrace equivalent",
    "printm": "printm() has no bpftrace equivalent",
    "print": "",  # handled
}
for _f in [
    "strlen",
    "strjoin",
    "substr",
    "index",
    "rindex",
    "strchr",
    "strrchr",
    "strstr",
    "strtok",
    "basename",
    "dirname",
    "cleanpath",
    "lltostr",
    "toupper",
    "tolower",
    "htonl",
    "htonll",
    "htons",
    "ntohl",
    "ntohll",
    "ntohs",
    "inet_ntoa",
    "inet_ntoa6",
    "inet_ntop",
    "progenyof",
    "getmajor",
    "getminor",
    "json",
    "strtoll",
    "alloca",
    "bcopy",
    "copyin",
    "copyinto",
    "msgsize",
    "msgdsize",
    "mutex_owned",
    "mutex_owner",
    "mutex_type_adaptive",
    "mutex_type_spin",
    "rw_iswriter",
    "rw_read_held",
    "rw_write_held",
    "ddi_pathname",
    "getf",
    "memref",
    "memstr",
    "sx_exclusive_held",
    "sx_isexclusive",
    "sx_shared_held",
]:
    _REFUSED_FUNCS[_f] = f"{_f}() has no bpftrace 0.17 equivalent"
del _REFUSED_FUNCS["print"]

_CAST_TYPES = {
    "char": "int8",
    "signed char": "int8",
    "unsigned char": "uint8",
    "uchar_t": "uint8",
    "uint8_t": "uint8",
    "int8_t": "int8",
    "short": "int16",
    "unsigned short": "uint16",
    "ushort_t": "uint16",
    "int16_t": "int16",
    "uint16_t": "uint16",
    "int": "int32",
    "signed": "int32",
    "signed int": "int32",
    "unsigned": "uint32",
    "unsigned int": "uint32",
    "uint_t": "uint32",
    "int32_t": "int32",
    "uint32_t": "uint32",
    "pid_t": "int32",
    "id_t": "int32",
    "uid_t": "uint32",
    "gid_t": "uint32",
    "long": "int64",
    "long long": "int64",
    "signed long": "int64",
    "int64_t": "int64",
    "longlong_t": "int64",
    "hrtime_t": "int64",
    "ssize_t": "int64",
    "intptr_t": "int64",
    "off_t": "int64",
    "unsigned long": "uint64",
    "unsigned long long": "uint64",
    "ulong_t": "uint64",
    "u_longlong_t": "uint64",
    "uint64_t": "uint64",
    "size_t": "uint64",
    "uintptr_t": "uint64",
    "dev_t": "uint64",
}

_FORMAT = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]+))?(hh|h|ll|l|L|z|j|t)?([A-Za-z%@])")


class _ClauseTranslator:
    """Translates one D clause for one target."""

    def __init__(self, prog: _ProgramTranslator, target: _Target, clause: _Clause) -> None:
        self.prog = prog
        self.t = target
        self.clause = clause
        self.this_assigned: set[str] = set()
        self.needs_syscall = False
        self.pending: dict[str, dict] = {}  # aggregation -> {'top': n, 'div': n, 'node': node}
        self.is_end = target.probe == "END"
        self.first_error: _Refusal | None = None
        self._expanding: set[str] = set()
        self.printed: list[str] = []  # aggregations printa() printed in this clause

    def record(self, r: _Refusal) -> None:
        """Note a refusal and go on, so that one run reports every statement it cannot translate."""
        self.prog._error(r)
        if self.first_error is None:
            self.first_error = r

    def refuse(self, node, message: str) -> _Refusal:
        return _Refusal(node.line, node.col, message)

    # ---- predicate + body
    def run(self) -> tuple[str | None, list[str]]:
        clause = self.clause
        pred_text = None
        body_lines: list[str] = []
        pred_in_body = False
        if clause.pred is not None:
            try:
                pred_text = self.expr(clause.pred, 0)[0]
            except _Refusal as r:
                self.record(r)
            if self.needs_syscall:
                pred_in_body = True
        if clause.body:
            body_lines = self.block(clause.body)
        else:
            # D's default action prints the CPU and the probe's function:name
            try:
                pf = self.probefunc(clause)
            except _Refusal:
                pf = '""'
            body_lines = [f'printf("%3d %s:%s\\n", cpu, {pf}, "{self.t.name}");']
        if self.is_end:
            body_lines += self.flush_pending()
            # dtrace does not print again at exit what printa() printed; bpftrace prints every map
            body_lines += [f"clear({name});" for name in self.printed]
        for agg, p in self.pending.items():
            if not p.get("used"):
                self.record(
                    self.refuse(
                        p["node"],
                        f"{p['what']}({agg}, ...) without a following printa({agg}) in the same clause: "
                        "bpftrace cannot keep only the top keys or normalise a map for later output",
                    )
                )
        if self.first_error is not None:
            raise self.first_error
        if pred_in_body:
            body_lines = [f"if ({pred_text}) {{"] + ["    " + ln for ln in body_lines] + ["}"]
            pred_text = None
        if self.needs_syscall:
            body_lines = self.prog.syscall_lookup(self.t.syscall_id or "args->id") + body_lines
        implicit = self.t.implicit
        if implicit and pred_text:
            pred_text = f"{implicit} && {self._paren_for(pred_text, clause.pred)}"
        elif implicit:
            pred_text = implicit
        return pred_text, body_lines

    def _paren_for(self, text: str, node) -> str:
        # the user predicate joins the implicit one with &&: parenthesise anything looser
        if isinstance(node, (_Binary,)) and _BINARY_PREC.get(node.op, 99) <= _BINARY_PREC["&&"]:
            return f"({text})"
        if isinstance(node, (_Ternary, _Assign)):
            return f"({text})"
        return text

    def block(self, stmts: list) -> list[str]:
        lines: list[str] = []
        for s in stmts:
            try:
                lines.extend(self.statement(s))
            except _Refusal as r:
                self.record(r)
        return lines

    def statement(self, s) -> list[str]:
        if isinstance(s, _If):
            cond = self.expr(s.cond, 0)[0]
            out = [f"if ({cond}) {{"] + ["    " + ln for ln in self.block(s.then)]
            if s.other:
                if len(s.other) == 1 and isinstance(s.other[0], _If):
                    rest = self.statement(s.other[0])
                    out.append("} else " + rest[0])
                    out.extend(rest[1:])
                    return out
                out.append("} else {")
                out.extend("    " + ln for ln in self.block(s.other))
            out.append("}")
            return out
        e = s.expr
        if isinstance(e, _Assign):
            return self.assignment(e)
        if isinstance(e, _Unary) and e.op in ("++", "--"):
            return [self.expr(e, 0)[0] + ";"]
        if isinstance(e, _Call):
            return self.action(e)
        raise self.refuse(e, "an expression used as a statement has no effect; not translated")

    # ---- assignments
    def assignment(self, a: _Assign) -> list[str]:
        target = a.target
        if isinstance(target, _Agg) or (isinstance(target, _Index) and isinstance(target.base, _Agg)):
            return [self.aggregation(a)]
        if isinstance(target, _Var) and target.scope == "self":
            key = self.t.self_key
            name = self.prog.variable(f"@self_{target.name}")
            if a.op == "=" and isinstance(a.value, _Num) and a.value.value == 0:
                return [f"delete({name}[{key}]);"]
            return [f"{name}[{key}] {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        if isinstance(target, _Var) and target.scope == "this":
            value = self.expr(a.value, _PREC_ASSIGN)[0]
            if a.op != "=" and target.name not in self.this_assigned:
                raise self.refuse(target, f"this->{target.name} is read before it is assigned in this clause")
            self.this_assigned.add(target.name)
            return [f"${target.name} {a.op} {value};"]
        if isinstance(target, _Name) and target.name in self.prog.globals:
            name = self.prog.variable(f"@global_{target.name}")
            return [f"{name} {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        if (
            isinstance(target, _Index)
            and isinstance(target.base, _Name)
            and target.base.name in self.prog.globals
        ):
            name = self.prog.variable(f"@global_{target.base.name}")
            keys = self.keys(target.args)
            if a.op == "=" and isinstance(a.value, _Num) and a.value.value == 0:
                return [f"delete({name}[{keys}]);"]
            return [f"{name}[{keys}] {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        raise self.refuse(target, f"assignment to {self.describe(target)} cannot be translated")

    def aggregation(self, a: _Assign) -> str:
        target = a.target
        agg = target if isinstance(target, _Agg) else target.base
        name = self.prog.aggregation("@" + agg.name)
        lhs = name if isinstance(target, _Agg) else f"{name}[{self.keys(target.args)}]"
        v = a.value
        if a.op != "=" or not isinstance(v, _Call) or v.func not in _AGG_FUNCS:
            raise self.refuse(a, f"{name} must be assigned the result of an aggregating function")
        f, args = v.func, v.args
        if f in ("stddev", "llquantize"):
            raise self.refuse(v, _REFUSED_FUNCS[f])
        arity = {
            "count": (0, 0),
            "sum": (1, 1),
            "avg": (1, 1),
            "min": (1, 1),
            "max": (1, 1),
            "quantize": (1, 2),
            "lquantize": (3, 5),
        }[f]
        if not arity[0] <= len(args) <= arity[1]:
            raise self.refuse(v, f"{f}( ) prototype mismatch: {len(args)} args passed")
        if f == "quantize":
            if len(args) == 2:
                raise self.refuse(
                    args[1], "quantize() with an increment argument: bpftrace hist() takes none"
                )
            return f"{lhs} = hist({self.expr(args[0], 0)[0]});"
        if f == "lquantize":
            if len(args) == 5:
                raise self.refuse(
                    args[4], "lquantize() with an increment argument: bpftrace lhist() takes none"
                )
            consts = []
            for i, arg in enumerate(args[1:], 1):
                if not isinstance(arg, _Num) and not (
                    isinstance(arg, _Unary) and arg.op == "-" and isinstance(arg.operand, _Num)
                ):
                    raise self.refuse(arg, f"lquantize( ) argument #{i} must be an integer constant")
                consts.append(self.expr(arg, 0)[0])
            if len(consts) == 2:
                consts.append("1")
            values = [-a.operand.value if isinstance(a, _Unary) else a.value for a in args[1:4]]
            lo, hi, step = values if len(values) == 3 else values + [1]
            if lo >= hi:
                raise self.refuse(
                    args[1], "lquantize( ) base (argument #1) must be less than limit (argument #2)"
                )
            if not 0 < step <= 65535 or not 1 <= (hi - lo) // step <= 65535:
                raise self.refuse(
                    args[3] if len(args) > 3 else v,
                    "lquantize( ) step (argument #3) must be 1 to 65535 and give 1 to 65535 levels",
                )
            return f"{lhs} = lhist({self.expr(args[0], 0)[0]}, {', '.join(consts)});"
        inner = ", ".join(self.expr(x, 0)[0] for x in args)
        return f"{lhs} = {f}({inner});"

    def keys(self, args: list) -> str:
        if len(args) == 1 and isinstance(args[0], _Name) and args[0].name == "arg0" and self.t.arg0_key:
            return self.t.arg0_key
        return ", ".join(self.expr(x, 0)[0] for x in args)

    # ---- actions
    def agg_arg(self, node, fname: str) -> str:
        if not isinstance(node, _Agg):
            raise self.refuse(node, f"{fname}() takes an aggregation")
        return self.prog.aggregation("@" + node.name)

    def action(self, c: _Call) -> list[str]:
        f, args = c.func, c.args
        if f == "printf":
            return [self.printf(c) + ";"]
        if f == "printa":
            if args and isinstance(args[0], _Str):
                # the layout is lost, the meaning (print these aggregations now) is kept
                self.prog.warn(c.line, c.col, "printa() format dropped: bpftrace print() has no formats")
                args = args[1:]
            if not args:
                raise self.refuse(c, "printa() needs an aggregation")
            out = []
            for a in args:
                name = self.agg_arg(a, "printa")
                p = self.pending.get(name)
                if p:
                    p["used"] = True
                    top, div = p.get("top"), p.get("div")
                    if div is not None:
                        out.append(f"print({name}, {top or 0}, {div});")
                    else:
                        out.append(f"print({name}, {top});")
                else:
                    out.append(f"print({name});")
                if name not in self.printed:
                    self.printed.append(name)  # cleared at the end of an END clause
            return out
        if f == "clear":
            self._arity(c, 1, 1)
            return [f"zero({self.agg_arg(args[0], 'clear')});"]
        if f == "trunc":
            self._arity(c, 1, 2)
            name = self.agg_arg(args[0], "trunc")
            if len(args) == 1:
                self.pending.pop(name, None)
                if name in self.printed:
                    self.printed.remove(name)
                return [f"clear({name});"]
            n = self.expr(args[1], 0)[0]
            p = self.pending.setdefault(name, {})
            p.update(top=n, node=c, what="trunc", used=False)
            return []  # becomes print(@a, n) at the next printa(@a), or at END / exit()
        if f == "normalize":
            self._arity(c, 2, 2)
            name = self.agg_arg(args[0], "normalize")
            p = self.pending.setdefault(name, {})
            p.update(div=self.expr(args[1], 0)[0], node=c, what="normalize", used=False)
            return []
        if f == "exit":
            self._arity(c, 1, 1)
            out = self.flush_pending()
            if not (isinstance(args[0], _Num) and args[0].value == 0):
                self.prog.warn(c.line, c.col, "exit status dropped: bpftrace 0.17 exit() takes no argument")
            return out + ["exit();"]
        if f in ("trace", "print"):
            self._arity(c, 1, 1)
            return [f"print({self.expr(args[0], 0)[0]});"]
        if f in ("stack", "ustack"):
            return [f"print({self.expr(c, 0)[0]});"]
        if f in _REFUSED_FUNCS:
            raise self.refuse(c, _REFUSED_FUNCS[f])
        if f in _AGG_FUNCS:
            raise self.refuse(c, f"{f}() is an aggregating function: assign it to an aggregation")
        raise self.refuse(c, f"{f}() cannot be translated")

    def flush_pending(self) -> list[str]:
        out = []
        for name, p in self.pending.items():
            if p.get("used"):
                continue
            p["used"] = True
            if p.get("div") is not None:
                out.append(f"print({name}, {p.get('top') or 0}, {p['div']});")
            else:
                out.append(f"print({name}, {p['top']});")
            out.append(f"clear({name});")
        return out

    def _arity(self, c: _Call, lo: int, hi: int) -> None:
        if not lo <= len(c.args) <= hi:
            raise self.refuse(c, f"{c.func}( ) prototype mismatch: {len(c.args)} args passed")

    def printf(self, c: _Call) -> str:
        if not c.args or not isinstance(c.args[0], _Str):
            raise self.refuse(c, "printf() needs a format string literal")
        fmt = c.args[0].text

        def conv(m: re.Match) -> str:
            flags, width, prec, length, ch = m.groups()
            if ch == "%":
                return "%%"
            if width == "*" or prec == "*":
                raise self.refuse(c.args[0], "printf width or precision '*' is not supported by bpftrace")
            if ch in "di":
                ch = "d"
            elif ch in "uxXocsp":
                pass
            elif ch == "@":
                raise self.refuse(c.args[0], "%@ belongs to printa() formats, which bpftrace does not have")
            else:
                raise self.refuse(c.args[0], f"printf conversion %{ch} has no bpftrace equivalent")
            if ch in "csp":
                length = None
            elif length in ("L", "z", "j", "t"):
                length = "l"
            return (
                "%" + flags + (width or "") + (f".{prec}" if prec is not None else "") + (length or "") + ch
            )

        new_fmt = _FORMAT.sub(conv, fmt)
        args = [new_fmt] + [self.expr(a, 0)[0] for a in c.args[1:]]
        return f"printf({', '.join(args)})"

    # ---- expressions: return (text, precedence)
    def describe(self, node) -> str:
        if isinstance(node, _Name):
            return node.name
        if isinstance(node, _Member):
            return f"{self.describe(node.base)}{'->' if node.arrow else '.'}{node.name}"
        if isinstance(node, _Index):
            return f"{self.describe(node.base)}[...]"
        if isinstance(node, _Var):
            return f"{node.scope}->{node.name}"
        if isinstance(node, _Call):
            return f"{node.func}()"
        return "this expression"

    def probefunc(self, node) -> str:
        t = self.t
        if t.probefunc is None:
            raise self.refuse(node, t.probefunc_refusal or "probefunc cannot be translated for this probe")
        if t.probefunc == "$syscall":
            self.prog.need_syscall_table(node)
            self.needs_syscall = True
        return t.probefunc

    def expr(self, node, min_prec: int) -> tuple[str, int]:
        text, prec = self._expr(node)
        if prec < min_prec:
            return f"({text})", _PREC_POSTFIX
        return text, prec

    def _expr(self, node) -> tuple[str, int]:
        t = self.t
        if isinstance(node, _Num):
            return node.text, _PREC_POSTFIX
        if isinstance(node, _Str):
            return node.text, _PREC_POSTFIX
        if isinstance(node, _Macro):
            m = re.fullmatch(r"\$(\$?)([0-9]+)", node.text)
            if m:
                if m.group(2) == "0":
                    raise self.refuse(node, "$0 (the script name) has no bpftrace equivalent")
                return (f"str(${m.group(2)})" if m.group(1) else f"${m.group(2)}"), _PREC_POSTFIX
            raise self.refuse(node, f"macro variable {node.text} has no bpftrace equivalent")
        if isinstance(node, _Agg):
            raise self.refuse(node, f"the value of aggregation @{node.name} cannot be read in D or bpftrace")
        if isinstance(node, _Var):
            if node.scope == "self":
                return f"{self.prog.variable('@self_' + node.name)}[{t.self_key}]", _PREC_POSTFIX
            if node.name not in self.this_assigned:
                raise self.refuse(
                    node,
                    f"this->{node.name} is read before it is assigned in this clause "
                    "(bpftrace scratch variables do not outlive one action block)",
                )
            return f"${node.name}", _PREC_POSTFIX
        if isinstance(node, _Name):
            return self.name(node), _PREC_POSTFIX
        if isinstance(node, _Index):
            return self.index(node), _PREC_POSTFIX
        if isinstance(node, _Member):
            return self.member(node), _PREC_POSTFIX
        if isinstance(node, _Call):
            return self.call(node), _PREC_POSTFIX
        if isinstance(node, _Cast):
            typ = " ".join(node.type.split())
            if "*" in typ or typ.split()[0] in ("struct", "union", "enum"):
                raise self.refuse(node, f"cast to ({typ}): kernel types differ on Linux")
            if typ == "string":
                return f"str({self.expr(node.operand, 0)[0]})", _PREC_POSTFIX
            if typ not in _CAST_TYPES:
                raise self.refuse(node, f"cast to ({typ}) has no bpftrace equivalent")
            return f"({_CAST_TYPES[typ]}){self.expr(node.operand, _PREC_UNARY)[0]}", _PREC_UNARY
        if isinstance(node, _Unary):
            if node.op in ("++", "--"):
                operand = node.operand
                if not (
                    isinstance(operand, (_Var, _Name))
                    or (isinstance(operand, _Index) and isinstance(operand.base, _Name))
                ):
                    raise self.refuse(node, f"{node.op} applies to variables only")
                if isinstance(operand, _Var) and operand.scope == "this":
                    self.this_assigned.add(operand.name)
                if isinstance(operand, _Name) and operand.name not in self.prog.globals:
                    raise self.refuse(node, f"{node.op} applies to variables only")
                inner = self.expr(operand, _PREC_POSTFIX)[0]
                return (f"{inner}{node.op}" if node.postfix else f"{node.op}{inner}"), _PREC_UNARY
            if node.op in ("*", "&"):
                raise self.refuse(
                    node,
                    f"unary {node.op} (pointers) cannot be translated: kernel structures differ on Linux",
                )
            inner = self.expr(node.operand, _PREC_UNARY)[0]
            sep = " " if node.op == "-" and inner.startswith("-") else ""
            return f"{node.op}{sep}{inner}", _PREC_UNARY
        if isinstance(node, _Binary):
            if node.op == "^^":
                left = self.expr(node.left, 10)[0]
                right = self.expr(node.right, 10)[0]
                return f"({left} != 0) != ({right} != 0)", 9
            prec = _BINARY_PREC[node.op]
            left = self.expr(node.left, prec)[0]
            right = self.expr(node.right, prec + 1)[0]
            return f"{left} {node.op} {right}", prec
        if isinstance(node, _Ternary):
            cond = self.expr(node.cond, 3)[0]
            a = self.expr(node.then, _PREC_TERNARY + 1)[0]
            b = self.expr(node.other, _PREC_TERNARY)[0]
            return f"{cond} ? {a} : {b}", _PREC_TERNARY
        if isinstance(node, _Assign):
            raise self.refuse(node, "an assignment inside an expression cannot be translated")
        raise self.refuse(node, "expression cannot be translated")

    def name(self, node: _Name) -> str:
        t, n = self.t, node.name
        if n in t.refuse:
            raise self.refuse(node, f"{n} at {t.label}: {t.refuse[n]}")
        if n in t.env:
            return t.env[n]
        if n in _BUILTINS:
            return _BUILTINS[n]
        m = re.fullmatch(r"arg([0-9])", n)
        if m:
            i = int(m.group(1))
            if i in t.argn:
                return t.argn[i]
            why = t.arg_refusal or f"{n} has no translation for this probe"
            raise self.refuse(node, f"{n} at {t.label}: {why}")
        if n == "probefunc":
            return self.probefunc(node)
        if n == "probename":
            return f'"{t.name}"'
        if n == "probeprov":
            return f'"{t.provider}"'
        if n == "errno":
            if t.errno is None:
                raise self.refuse(node, "errno is only translated in syscall return probes")
            return t.errno
        if n in _REFUSED_BUILTINS:
            raise self.refuse(node, _REFUSED_BUILTINS[n])
        if n == "args":
            raise self.refuse(node, "args must be indexed (args[N])")
        if n in self.prog.globals:
            return self.prog.variable(f"@global_{n}")
        if n in self.prog.program.inlines:
            if n in self._expanding:
                raise self.refuse(node, f"inline {n} is defined in terms of itself")
            self._expanding.add(n)
            try:
                return self.expr(self.prog.program.inlines[n], _PREC_POSTFIX)[0]
            finally:
                self._expanding.discard(n)
        if n in _syscalls.SIGNALS:
            return str(_syscalls.SIGNALS[n])
        if n in _syscalls.ERRNO:
            return str(_syscalls.ERRNO[n])
        raise self.refuse(
            node, f"unknown identifier {n}: D constants, inlines and kernel symbols are not translated"
        )

    def index(self, node: _Index) -> str:
        base, t = node.base, self.t
        if isinstance(base, _Name) and base.name == "args":
            i = self._const_index(node)
            if i in t.args_index:
                return t.args_index[i]
            raise self.refuse(node, f"args[{i}] at {t.label}: {t.arg_refusal or 'no translation'}")
        if isinstance(base, _Name) and base.name in self.prog.globals:
            return f"{self.prog.variable('@global_' + base.name)}[{self.keys(node.args)}]"
        if isinstance(base, _Name) and base.name in _REFUSED_BUILTINS:
            raise self.refuse(node, _REFUSED_BUILTINS[base.name])
        if isinstance(base, _Var):
            raise self.refuse(node, f"{self.describe(base)}[...]: thread-local arrays are not translated")
        if isinstance(base, _Agg):
            raise self.refuse(node, f"the value of aggregation @{base.name} cannot be read in D or bpftrace")
        if isinstance(base, _Name):
            raise self.refuse(node, f"unknown array {base.name}")
        raise self.refuse(node, f"indexing {self.describe(base)} cannot be translated")

    def _const_index(self, node: _Index) -> int:
        if len(node.args) != 1 or not isinstance(node.args[0], _Num):
            raise self.refuse(node, "args[] must be indexed by a constant")
        return node.args[0].value

    def member(self, node: _Member) -> str:
        base, t = node.base, self.t
        if isinstance(base, _Index) and isinstance(base.base, _Name) and base.base.name == "args":
            i = self._const_index(base)
            key = (i, node.name)
            if key in t.members:
                if key in t.member_warn:
                    self.prog.warn(node.line, node.col, f"args[{i}]->{node.name}: {t.member_warn[key]}")
                return t.members[key]
            why = t.arg_refusal or "no translation"
            raise self.refuse(node, f"args[{i}]->{node.name} at {t.label}: {why}")
        root = base
        while isinstance(root, (_Member, _Index)):
            root = root.base
        if isinstance(root, _Name) and root.name in _REFUSED_BUILTINS:
            raise self.refuse(root, f"{self.describe(node)}: {_REFUSED_BUILTINS[root.name]}")
        raise self.refuse(node, f"{self.describe(node)}: kernel structures differ on Linux; not translated")

    def call(self, c: _Call) -> str:
        f, args = c.func, c.args
        if f in ("copyinstr", "stringof"):
            self._arity(c, 1, 2 if f == "copyinstr" else 1)
            inner = self.expr(args[0], 0)[0]
            if f == "stringof" and (
                inner.startswith(("str(", '"')) or inner in ("comm", "args->next_comm", "args->comm")
            ):
                return inner
            if len(args) == 2:
                return f"str({inner}, {self.expr(args[1], 0)[0]})"
            return f"str({inner})"
        if f in ("stack", "ustack"):
            if self.t.refuse.get(f):
                raise self.refuse(c, f"{f}() at {self.t.label}: {self.t.refuse[f]}")
            self._arity(c, 0, 1)
            name = "kstack" if f == "stack" else "ustack"
            return f"{name}({self.expr(args[0], 0)[0]})" if args else name
        if f in ("func", "sym"):
            self._arity(c, 1, 1)
            return f"ksym({self.expr(args[0], 0)[0]})"
        if f in ("ufunc", "usym"):
            self._arity(c, 1, 1)
            return f"usym({self.expr(args[0], 0)[0]})"
        if f == "rand":
            self._arity(c, 0, 0)
            return "rand"
        if f in _REFUSED_FUNCS:
            raise self.refuse(c, _REFUSED_FUNCS[f])
        if f in _AGG_FUNCS:
            raise self.refuse(c, f"{f}() is an aggregating function: assign it to an aggregation")
        if f in ("printf", "printa", "trace", "print", "exit", "clear", "trunc", "normalize"):
            raise self.refuse(c, f"{f}() is an action, not a value")
        raise self.refuse(c, f"undefined function name: {f}")


# --------------------------------------------------------------------------------------------------
# Program translation


def _walk(node):
    """Every AST node under ``node`` (statements and expressions)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, list):
            stack.extend(n)
            continue
        if n is None:
            continue
        yield n
        for attr in (
            "expr",
            "cond",
            "then",
            "other",
            "target",
            "value",
            "left",
            "right",
            "operand",
            "base",
            "args",
        ):
            v = getattr(n, attr, None)
            if v is not None and not isinstance(v, (str, int)):
                stack.append(v)


class _ProgramTranslator:
    def __init__(self, program: _Program, file: str, arch: str) -> None:
        self.program = program
        self.file = file
        self.arch = arch
        self.warnings: list[Diagnostic] = list(program.warnings)
        self.errors: list[Diagnostic] = []
        self.aggregations: list[str] = []
        self.variables: list[str] = []
        self.globals = self._find_globals()

    def warn(self, line: int, col: int, message: str) -> None:
        d = Diagnostic(line, col, "warning", message, self.file)
        if d not in self.warnings:
            self.warnings.append(d)

    def _find_globals(self) -> set[str]:
        """D global variables: names assigned (or incremented) somewhere in the script."""
        names = set()
        for clause in self.program.clauses:
            for n in _walk([clause.pred, clause.body]):
                target = None
                if isinstance(n, _Assign):
                    target = n.target
                elif isinstance(n, _Unary) and n.op in ("++", "--"):
                    target = n.operand
                if isinstance(target, _Index):
                    target = target.base
                if (
                    isinstance(target, _Name)
                    and target.name not in _BUILTINS
                    and target.name not in _REFUSED_BUILTINS
                ):
                    names.add(target.name)
        return names

    def aggregation(self, name: str) -> str:
        if name not in self.aggregations:
            self.aggregations.append(name)
        return name

    def variable(self, name: str) -> str:
        if name not in self.variables:
            self.variables.append(name)
        return name

    def need_syscall_table(self, node) -> None:
        if self.arch not in _syscalls.NUMBERS:
            raise _Refusal(
                node.line,
                node.col,
                f"probefunc on every system call needs the system call numbers of {self.arch}, "
                f"which the translator does not know (it knows {', '.join(supported_architectures())})",
            )

    def syscall_lookup(self, id_expr: str) -> list[str]:
        """Statements that set ``$syscall`` to the name of system call number ``id_expr``."""
        table = sorted(_syscalls.NUMBERS[self.arch].items())
        # read the number once: comparing args->id again and again lets LLVM turn the
        # context pointer into one the verifier refuses ("dereference of modified ctx ptr")
        lines = [f"$syscall_nr = {id_expr};", '$syscall = "unknown";']
        id_expr = "$syscall_nr"

        def build(items, indent: str) -> None:
            if len(items) <= 6:
                for i, (nr, name) in enumerate(items):
                    lines.append(
                        f'{indent}{"else " if i else ""}if ({id_expr} == {nr}) {{ $syscall = "{name}"; }}'
                    )
                return
            mid = len(items) // 2
            lines.append(f"{indent}if ({id_expr} < {items[mid][0]}) {{")
            build(items[:mid], indent + "    ")
            lines.append(f"{indent}}} else {{")
            build(items[mid:], indent + "    ")
            lines.append(f"{indent}}}")

        build(table, "")
        return lines

    def run(self) -> Translation:
        targets = _Targets(self.warn, self.arch)
        blocks: list[tuple[list[str], str | None, list[str], _Clause]] = []  # probes, pred, body
        for clause in self.program.clauses:
            try:
                expanded = []
                for desc in clause.descs:
                    expanded.extend(targets.expand(desc))
            except _Refusal as r:
                self._error(r)
                continue
            groups: list[tuple[list[str], str | None, list[str]]] = []
            failed = False
            for t in expanded:
                try:
                    pred, body = _ClauseTranslator(self, t, clause).run()
                except _Refusal as r:
                    self._error(r)
                    failed = True
                    break
                for g in groups:
                    if (
                        g[1] == pred
                        and g[2] == body
                        and "BEGIN" not in g[0] + [t.probe]
                        and "END" not in g[0] + [t.probe]
                    ):
                        if t.probe not in g[0]:
                            g[0].append(t.probe)
                        break
                else:
                    groups.append(([t.probe], pred, body))
            if not failed:
                blocks.extend((g[0], g[1], g[2], clause) for g in groups)
        if self.errors:
            raise ScriptError(sorted(self.errors, key=lambda d: (d.line, d.column)))
        text, line_map = self._render(blocks)
        return Translation(text, self.warnings, self.aggregations, self.variables, line_map)

    def _error(self, r: _Refusal) -> None:
        d = Diagnostic(r.line, r.column, "error", r.message, self.file)
        if d not in self.errors:
            self.errors.append(d)

    def _render(self, blocks) -> tuple[str, list[int]]:
        """The bpftrace text, and for each of its lines the D clause line it came from."""
        # bpftrace allows one BEGIN and one END: merge them, predicates becoming ifs
        merged: list[
            tuple[list[str], str | None, list[tuple[str, int]], int]
        ] = []  # probes, pred, body, D line
        special: dict[str, int] = {}
        for probes, pred, body, clause in blocks:
            here = clause.line
            if probes in (["BEGIN"], ["END"]):
                name = probes[0]
                part = body if pred is None else [f"if ({pred}) {{"] + ["    " + ln for ln in body] + ["}"]
                part = [(ln, here) for ln in part]
                if name in special:
                    merged[special[name]][2].extend(part)
                    continue
                special[name] = len(merged)
                merged.append(([name], None, part, here))
                continue
            merged.append((probes, pred, [(ln, here) for ln in body], here))
        if self.variables:
            clears = [(f"clear({v});", 0) for v in self.variables]
            if "END" in special:
                merged[special["END"]][2].extend(clears)
            else:
                merged.append((["END"], None, clears, 0))
        out: list[str] = []
        line_map: list[int] = []
        for probes, pred, body, here in merged:
            if line_map:
                out.append("")  # a blank line between blocks
                line_map.append(0)
            head = ", ".join(probes)
            if len(head) > 100:
                head = ",\n".join(probes)
            if pred:
                # a '/' inside the predicate would end it early for bpftrace's parser
                head += f" /({pred})/" if "/" in pred else f" /{pred}/"
            for ln in (head + "\n{").split("\n"):
                out.append(ln)
                line_map.append(here)
            for ln, origin in body:
                for part in f"    {ln}".split("\n"):
                    out.append(part)
                    line_map.append(origin)
            out.append("}")
            line_map.append(here)
        return "\n".join(out) + "\n" if out else "", line_map
