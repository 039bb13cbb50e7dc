"""The bpftrace linter: bpftrace 0.17's syntax errors, then its semantic checks and warnings.

Messages use bpftrace 0.17's wording; errors use bpftrace's own column, the
start of the run of non-blank characters holding the token, so they match
``bpftrace -d`` exactly.
"""

from __future__ import annotations

import functools
import re

from . import vocabulary_bpftrace as V
from .kernel_constants import defined_where_it_runs, included_headers
from .lexer_bpftrace import SPEC as BT_SPEC
from .lint_base import (
    BINOPS,
    BORING,
    INCDEC,
    OPEN,
    SKIP,
    T_AGGREGATION,
    T_IDENTIFIER,
    T_KEYWORD,
    T_MACRO,
    T_NUMBER,
    T_OPERATOR,
    T_PREDICATE,
    T_STRING,
    T_VARIABLE,
    WRITE_OPS,
    Clause,
    Linter,
    Stop,
    printf_conversions,
)

#: a C constant's shape (``AF_INET``, ``TCP_FIN_WAIT1``): resolved by clang from headers or BTF, not by bpftrace
_CONSTANT_RE = re.compile(r"[A-Z_][A-Z0-9_]*$")
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


class BtLinter(Linter):
    """Lints one bpftrace script (:meth:`Linter.run`)."""

    lang = "bpftrace"
    spec = BT_SPEC

    def col(self, i: int) -> int:
        t = self.sig[i]
        return self.run_start(t[2], t[3])

    def eof_location(self) -> tuple[int, int]:
        # bison's location only moves on past blanks: after a last non-blank, it stays at the run's start
        line, col = super().eof_location()
        if col > 1 and not self.text[-1].isspace():
            toks = [t for t in self.line_tokens(line) if t[0] not in SKIP]
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
        assert t is not None  # called at the end of an unterminated comment, which opened somewhere
        newlines = self.text.count("\n")
        if newlines >= t.line:  # a newline after the line where the comment opened
            self.error_at(newlines + 1, 1, "end of file during comment")
        else:
            self.error_at(t.line, t.column, "end of file during comment")
        raise Stop

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

    def bare_probe(self, cl: Clause, i: int | None) -> None:
        if i is None:
            self.fatal(cl.probes[0], "unexpected end of file, expected {")
        self.unexpected(i, "{")

    def pred_without_body(self, cl: Clause) -> None:
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
        self.unexpected(i, f'{OPEN[top]} or ","')

    def eof_error(self, state: int, stack: list[int] | None = None) -> None:
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
        self.deferred: list[
            tuple[int, str, bool, str]
        ] = []  # map reads and map-action calls, checked after the pass
        map_reads: list[tuple[int, str | None]] = []
        any_output = any_map = False
        boring = BORING
        IDENT, VAR, AGG = T_IDENTIFIER, T_VARIABLE, T_AGGREGATION
        write_ops = WRITE_OPS
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
                        if op in write_ops or sig[k - 1][1] in INCDEC:
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

    @functools.cached_property
    def headers(self) -> tuple[str, ...]:
        """The script's ``#include`` targets, read once per lint (constants are looked up in them)."""
        return included_headers(self.text)

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
        if _CONSTANT_RE.match(name):
            headers = self.headers
            if defined_where_it_runs(name, headers):
                return  # a kernel enum member, or a macro of one of the script's headers
            if headers:
                self.warn(
                    k,
                    f"'{name}' is not defined on this machine: bpftrace takes it from the script's "
                    "#include headers where it runs",
                )
                return
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
        need = len(printf_conversions(self.sig[a].text))
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
        if nxt_text in BINOPS and sig[nxt].type is T_OPERATOR:
            other = self.operand_type(nxt + 1)
            self.mismatch(k, nxt_text, _bt_type(kind), other)
        elif (
            k > 1
            and sig[k - 1].text in BINOPS
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
def _count_error(func: V.BtFunc, nargs: int) -> str | None:
    return func.count_error(nargs)


def _bt_type(kind: str) -> str:
    return "int64" if kind == "value" else kind
