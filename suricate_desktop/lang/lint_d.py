"""The D linter: libdtrace's syntax errors, then D's semantic checks and warnings.

Messages use libdtrace's wording (``dt_lex.l``, ``dt_grammar.y``, ``dt_pragma.c``,
``dt_cc.c``); errors point at the offending token, where libdtrace itself only
prints a line.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from . import vocabulary_d as V
from .d import Trees, analyze, preprocess
from .d.tags import tag_of
from .diagnostics import Diagnostic
from .lexer_d import SPEC as D_SPEC
from .lint_base import (
    ASSIGN_OPS,
    BINOPS,
    BORING,
    CLOSE,
    INCDEC,
    S_BODY,
    S_PRED,
    T_AGGREGATION,
    T_BUILTIN,
    T_COMMENT,
    T_ERROR,
    T_IDENTIFIER,
    T_KEYWORD,
    T_NUMBER,
    T_OPERATOR,
    T_PRAGMA,
    T_STRING,
    T_VARIABLE,
    WRITE_OPS,
    Clause,
    Linter,
    Stop,
    printf_conversions,
)

_DESTRUCTIVE_RE = re.compile(r"\boption\s+destructive\b")
_PROFILE_PROBE_RE = re.compile(r"^(?:[^:]*:[^:]*:[^:]*:)?(?:profile|tick)-")
_D_INT_RE = re.compile(r"^(0[xX][0-9A-Fa-f]+|[0-9]+)([uU]?[lL]{0,2}|[lL]{0,2}[uU]?)$")
_D_GOOD_NUMBERS: set[str] = set()  # integer constants already checked
_D_FLOAT_RE = re.compile(r"^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFlL]?$")
_TYPE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*_t$")
_CONST_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: A line that starts with a D probe description (then "{", "/", "," or nothing).
_PROBE_LINE_RE = re.compile(
    r"^(?:[A-Za-z_$*][\w$*?\-.]*:[\w$*?\-.]*:[\w$*?\-.]*:[\w$*?\-.]*|(?:profile|tick)-[0-9]+[a-z]*|BEGIN|END|ERROR)"
    r"\s*(?:[{/,]|$)"
)


class DLinter(Linter):
    """Lints one D script (:meth:`Linter.run`)."""

    lang = "d"
    spec = D_SPEC

    def __init__(self, text: str, file: str, platform: str | None) -> None:
        self.pre = preprocess(text)  # C preprocessor lines blanked when the script asks for cpp
        super().__init__(self.pre.text, file, platform)
        self.constants: dict[str, int] = {}  # inline int and #define constants, for lquantize & co
        self.trees: Trees | None = None  # set it to have the syntax tree built too (translate does)

    def run(self) -> list[Diagnostic]:
        """Structure (the syntax phase), then the front end (:mod:`.d`), then the token-level checks.

        The front end stops at its first error as libdtrace does; the token-level
        checks' errors are kept (every semantic error is listed) but for one at the
        front end's error token.
        """
        pre = self.pre
        if pre.asked and not pre.with_c and pre.first_line:
            self.warn_at(
                pre.first_line,
                1,
                "preprocessor line: run dtrace with -C (or start the script with #!/usr/sbin/dtrace -Cs)",
            )
        try:
            self.structure()
        except Stop:
            if pre.line_map is not None:
                self.diags = [
                    dataclasses.replace(d, line=pre.line_map[d.line - 1])
                    if 0 < d.line <= len(pre.line_map)
                    else d
                    for d in self.diags
                ]
            return self.diags
        self.text_line(1)  # splits the text into self._lines
        err, syms = analyze(self.sig, self.match, self.clauses, self.decls, pre, self._lines, self.trees)
        self.constants = {n: v.value for n, v in syms.globals.items() if v.inline and v.value is not None}
        self.known = set(syms.globals) | set(syms.typedefs)
        self.written = syms.written
        self.includes = pre.includes
        self.semantics()
        if err is not None:
            where = (err.tok.line, err.tok.column) if err.tok is not None else self.eof
            # a token-level check's error on the front end's line, up to its token, says the same
            # thing less exactly (the front end's error comes first, as in dtrace)
            self.diags = [
                d for d in self.diags if d.severity == "warning" or d.line != where[0] or d.column > where[1]
            ]
            self.diags.append(
                Diagnostic(
                    where[0],
                    where[1],
                    "error",
                    err.message,
                    self.file,
                    err.tok.end_column if err.tok is not None else None,
                    err.code,
                )
            )
        if pre.line_map is not None:  # linted cpp's expansion: back to the script's lines
            where_from = pre.line_map
            self.diags = [
                dataclasses.replace(
                    d, line=where_from[d.line - 1] if 0 < d.line <= len(where_from) else d.line
                )
                for d in self.diags
            ]
        self.diags.sort(key=lambda d: (d.line, d.column, d.severity != "error"))
        return self.diags

    def error_at(self, line: int, col: int, msg: str, end: int | None = None) -> None:
        self.diags.append(Diagnostic(line, col, "error", msg, self.file, end, tag_of(msg)))

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
        if i > 0 and self.sig[i - 1].text in _C_TYPE_WORDS and m:  # "int 0abc;": the grammar stops at the 0
            self.error_at(t.line, t.column, f'syntax error near "{m.group()}"')
            raise Stop
        self.error_at(t.line, t.column + len(s) - len(rest), f'syntax error near "{near}"')
        raise Stop

    def starts_decl(self, i: int) -> bool:
        t = self.sig[i]
        return t.type is T_KEYWORD or t.type is T_IDENTIFIER

    special_types = frozenset({T_PRAGMA, T_COMMENT, T_ERROR, T_STRING, T_NUMBER, T_KEYWORD})
    probe_line_types = frozenset({T_IDENTIFIER, T_BUILTIN})

    def check_keyword(self, i: int, state: int) -> None:
        if state in (S_BODY, S_PRED) and self.sig[i][1] in V.D_UNUSABLE_KEYWORDS:
            self.near(i)

    def probe_in_body(self, i: int) -> None:
        # A probe description at the start of a line inside a clause: the clause lacks its "}".
        t = self.sig[i]
        line = self.text_line(t.line)[t.column - 1 :]
        if _PROBE_LINE_RE.match(line):
            # read as an expression, "tick-10ms" is tick - 10 and then a name the grammar cannot place
            unit = _NUMBER_UNIT_RE.search(line)
            near = unit.group(1) if unit else t.text
            self.fatal(i, f'syntax error near "{near}": is a }} missing before this probe description?')

    def outer_unexpected(self, i: int) -> None:
        self.near(i)

    def probes_unexpected(self, i: int, expect_probe: bool) -> None:
        self.near(i)

    def bare_probe(self, cl: Clause, i: int | None) -> None:
        self.fatal(cl.probes[0], "expected predicate and/or actions following probe description")

    def pred_without_body(self, cl: Clause) -> None:
        self.fatal(cl.probes[0], "expected actions { } following probe description and predicate")

    def pred_unclosed_paren(self, i: int, stack: list[int]) -> None:
        which = ")" if self.sig[stack[-1]].text == "(" else "]"
        # libdtrace's line: its lexer has read past the "/" (and the blanks after it) when it reports
        self.fatal(i + 1 if i + 1 < len(self.sig) else i, f"closing {which} expected in predicate before /")

    def pred_unclosed(self, i: int) -> None:
        self.near(i)

    def after_pred_unexpected(self, i: int) -> None:
        self.near(i)

    def stray_predicate(self, i: int) -> None:
        self.near(i)

    def unbalanced(self, i: int, s: str, stack: list[int]) -> None:
        if s in (")", "]"):
            opener = CLOSE[s]
            if not any(self.sig[k].text == opener for k in stack):
                self.fatal(i, f"extra {s} in input stream")
        self.near(i)

    def eof_error(self, state: int, stack: list[int] | None = None) -> None:
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
        reads: list[tuple[int, list[tuple[str, int]]]] = []  # identifiers read: (index, enclosing calls)
        var_reads: list[int] = []
        self.assigned, self.declared = assigned, declared
        any_output = any_agg = False
        self.agg_funcs: dict[str, tuple[str, int]] = {}
        boring = BORING
        IDENT, VAR, AGG, BUILTIN, KEYWORD = T_IDENTIFIER, T_VARIABLE, T_AGGREGATION, T_BUILTIN, T_KEYWORD
        write_ops = WRITE_OPS
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
                        written = (j < n and sig[j][1] in write_ops) or sig[k - 1][1] in INCDEC
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
            if name not in assigned_vars and name not in declared_vars and name not in self.written:
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
        known = V.D_PROVIDERS.get(self.platform) if self.platform else None
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
        if name in self.assigned or name in self.declared or name in V.D_BUILTINS or name in self.known:
            return
        if self.includes:
            return  # a script that #includes headers may use any of their names
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
            if not self.pre.includes and name not in self.known:
                self.error(k, f"undefined function name: {name}")
            return
        if target is not None and name not in V.D_AGG_FUNCS:
            self.error(target, f"{sig[target].text} must be assigned the result of an aggregating function")
            return
        if name in V.D_AGG_FUNCS and target is None:
            self.error(
                k,
                f"aggregating function {name}( ) may not be called from a D expression (D program context "
                f"required): assign it to an aggregation, as in @a = {name}(...)",
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
        if (name in V.D_DESTRUCTIVE or name in V.D_KERNEL_DESTRUCTIVE) and not destructive_ok:
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
        raw = [self.const(a, b) for a, b in args[1:4]]
        if "macro" in raw:
            return
        vals = [v if isinstance(v, int) else None for v in raw]  # no "macro" left: ints and Nones
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
        # DTrace on Linux wants base < limit; illumos takes base == limit and says the step is too large
        if limit < base or (limit == base and self.platform in (None, "linux")):
            self.error(k, "lquantize( ) base (argument #1) must be less than limit (argument #2)")
            return
        step = 1
        if len(vals) > 2:
            given = vals[2]
            if given is None or given <= 0:
                self.error(
                    args[3][0], "lquantize( ) argument #3 must be a non-zero positive integer constant"
                )
                return
            step = given
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
        vals: list[int] = []
        for n, (a, b) in enumerate(args[1:5]):
            v = self.const(a, b)
            if isinstance(v, str):  # "macro": $1 and the like, known at run time only
                return
            if v is None:
                self.error(a, f"llquantize( ) argument #{n + 1} ({names[n]}) must be an integer constant")
                return
            if n == 3 and v <= 0:  # (dt_cg.c checks the steps' sign before their size)
                self.error(a, "llquantize( ) argument #4 must be a non-zero positive integer constant")
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
        elif high < low or (high == low and self.platform not in (None, "linux")):  # Linux: high >= low
            self.error(
                k,
                "llquantize( ) high magnitude (argument #3) must be greater than low magnitude (argument #2)",
            )
        elif nsteps < factor and nsteps and not factor % nsteps and self.platform in (None, "linux"):
            pass  # DTrace on Linux takes fewer steps than the factor when they divide it
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
        convs = printf_conversions(self.sig[a].text)  # (values consumed, name) per conversion
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
        if nxt_text in ASSIGN_OPS or nxt_text in INCDEC or (k > 0 and sig[k - 1].text in INCDEC):
            self.error(k, f"{name} must be assigned the result of an aggregating function")
            return
        direct_arg = calls and (sig[k - 1].text in ("(", ",")) and nxt_text in (")", ",")
        if calls and calls[-1][0] in V.D_AGG_ACTIONS and direct_arg:
            return
        if calls and direct_arg and calls[-1][0] in ("trace", "print"):
            act = calls[-1][0]
            if act == "trace":  # worded as the front end words the first one (dt_cg_act_trace)
                self.error(
                    k,
                    f"trace( ) may not be applied to a dynamic expression ({name} is an aggregation: "
                    "print it with printa())",
                )
                return
            self.error(k, "print( ) may not be applied to an aggregation -- did you mean printa()?")
            return
        op = None
        if nxt_text in BINOPS and sig[nxt].type is T_OPERATOR:
            op = nxt_text
        elif (
            k > 0
            and sig[k - 1].text in BINOPS
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


_NUMBER_UNIT_RE = re.compile(r"^[A-Za-z_]\w*-\d+([A-Za-z_]\w*)")
_C_TYPE_WORDS = frozenset({"char", "short", "int", "long", "signed", "unsigned", "float", "double", "void"})


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
    if name == "depends_on" and rest[:1] == ["library"]:
        return "main program may not explicitly depend on a library"
    if name == "attributes" and len(rest) != 2:
        return "malformed #pragma attributes <attributes> <ident>"
    return None


@functools.lru_cache(maxsize=1024)
def _mismatch(proto: V.Proto, nargs: int) -> str | None:
    return proto.mismatch(nargs)
