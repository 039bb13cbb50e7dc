"""Translating one D clause for one bpftrace probe: predicate, statements, actions, expressions.

The same clause can come out differently per probe (``arg0`` is ``args->fd`` in
``syscall::read:entry``, ``args->filename`` in ``syscall::open:entry``, the kernel PC in
``profile-997``), so a :class:`ClauseTranslator` works on one (clause,
:class:`~.probes.Target`) pair. It records every refusal and goes on, so that one run reports
every statement it cannot translate; program-wide state (globals, the maps it creates,
warnings) lives in the :class:`~.program.ProgramTranslator` it reports to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import _syscalls
from ..d.tree import (
    Agg,
    Assign,
    Binary,
    Bpftrace,
    Call,
    Cast,
    Clause,
    ExprStmt,
    If,
    Index,
    Macro,
    Member,
    Name,
    Node,
    Num,
    Refused,
    Stmt,
    Str,
    Ternary,
    Unary,
    Var,
)
from .builtin_tables import (
    AGG_FUNCS,
    BUILTINS,
    CAST_TYPES,
    CURPSINFO,
    CURTHREAD_CHAINS,
    REFUSED_BUILTINS,
    REFUSED_FUNCS,
)
from .formats import escapes_strings, inline_printf_args, printf_format, string_literal
from .probes import Target
from .refusal import ArgumentMissing, Located, Refusal, refusal_at
from .syscall_names import require_syscall_table, syscall_lookup

if TYPE_CHECKING:
    from .program import ProgramTranslator

_PREC_ASSIGN, _PREC_TERNARY, _PREC_UNARY, _PREC_POSTFIX = 1, 2, 14, 15
#: binary operators in bpftrace's (C's) precedence, between the ternary and the unary operators
BINARY_PREC = {
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


@dataclass
class _PendingOutput:
    """A ``trunc(@a, n)`` or ``normalize(@a, n)`` waiting for the clause's next ``printa(@a)``."""

    node: Node  # the trunc()/normalize() call, for the refusal when nothing prints @a
    what: str  # "trunc" or "normalize"
    top: str | None = None  # trunc's count
    div: str | None = None  # normalize's divisor
    used: bool = False


#: bpftrace 0.17 refuses an lhist() of more buckets ("lhist() too many buckets, must be <= 1000")
_LHIST_MAX_BUCKETS = 1000


def _int_constant(node: Node) -> int:
    """The value of an integer constant, possibly negated (lquantize() checked the form)."""
    if isinstance(node, Unary) and isinstance(node.operand, Num):
        return -node.operand.value
    assert isinstance(node, Num)
    return node.value


class ClauseTranslator:
    """Translates one D clause for one target."""

    def __init__(self, prog: ProgramTranslator, target: Target, clause: Clause) -> None:
        self.prog = prog
        self.t = target
        self.clause = clause
        self.this_assigned: set[str] = set()
        self.needs_syscall = False
        self.pending: dict[str, _PendingOutput] = {}  # by aggregation
        self.is_end = target.probe == "END"
        self.first_error: Refusal | None = None
        self.missing: ArgumentMissing | None = None  # the first argN this target's call lacks
        self._expanding: set[str] = set()
        self.printed: list[str] = []  # aggregations printa() printed in this clause

    def record(self, r: Refusal) -> None:
        """Note a refusal and go on, so that one run reports every statement it cannot translate.

        A missing system call argument is not reported here: the program decides whether the call is
        left out of its glob (with a warning) or the clause is refused.
        """
        if isinstance(r, ArgumentMissing):
            self.missing = self.missing or r
            return
        self.prog._error(r)
        if self.first_error is None:
            self.first_error = r

    def refuse(self, where: Located, message: str) -> Refusal:
        return refusal_at(where, message)

    # ---- predicate + body
    def run(self) -> tuple[str | None, list[str]]:
        clause = self.clause
        pred_text = None
        body_lines: list[str] = []
        pred_in_body = False
        if clause.pred is not None:
            try:
                pred_text = self.expr(clause.pred, 0)[0]
            except Refusal as r:
                self.record(r)
            if self.needs_syscall:
                pred_in_body = True
        if clause.body:
            body_lines = self.block(clause.body)
        else:
            # D's default action prints the CPU and the probe's function:name
            try:
                pf = self.probefunc(clause)
            except Refusal:
                pf = '""'
            body_lines = [f'printf("%3d %s:%s\\n", cpu, {pf}, "{self.t.name}");']
        if self.is_end:
            body_lines += self.flush_pending()
            # dtrace does not print again at exit what printa() printed; bpftrace prints every map
            body_lines += [f"clear({name});" for name in self.printed]
        for agg, p in self.pending.items():
            if not p.used:
                self.record(
                    self.refuse(
                        p.node,
                        f"{p.what}({agg}, ...) without a following printa({agg}) in the same clause: "
                        "bpftrace cannot keep only the top keys or normalise a map for later output",
                    )
                )
        if self.first_error is not None:
            raise self.first_error
        if self.missing is not None:
            raise self.missing
        if pred_in_body:
            body_lines = [f"if ({pred_text}) {{"] + ["    " + ln for ln in body_lines] + ["}"]
            pred_text = None
        if self.needs_syscall:
            body_lines = syscall_lookup(self.prog.arch, self.t.syscall_id or "args->id") + body_lines
        implicit = self.t.implicit
        if implicit and pred_text:
            pred_text = f"{implicit} && {self._paren_for(pred_text, clause.pred)}"
        elif implicit:
            pred_text = implicit
        return pred_text, body_lines

    def _paren_for(self, text: str, node: Node | None) -> str:
        # the user predicate joins the implicit one with &&: parenthesise anything looser
        if isinstance(node, Binary) and BINARY_PREC.get(node.op, 99) <= BINARY_PREC["&&"]:
            return f"({text})"
        if isinstance(node, (Ternary, Assign)):
            return f"({text})"
        return text

    def block(self, stmts: list[Stmt]) -> list[str]:
        lines: list[str] = []
        for s in stmts:
            try:
                lines.extend(self.statement(s))
            except Refusal as r:
                self.record(r)
        return lines

    def statement(self, s: Stmt) -> list[str]:
        if isinstance(s, If):
            cond = self.expr(s.cond, 0)[0]
            out = [f"if ({cond}) {{"] + ["    " + ln for ln in self.block(s.then)]
            if s.other:
                if len(s.other) == 1 and isinstance(s.other[0], If):
                    rest = self.statement(s.other[0])
                    out.append("} else " + rest[0])
                    out.extend(rest[1:])
                    return out
                out.append("} else {")
                out.extend("    " + ln for ln in self.block(s.other))
            out.append("}")
            return out
        e = s.expr
        if isinstance(e, Assign) and e.op == "=" and isinstance(e.value, Assign) and e.value.op == "=":
            # a = b = v: b = v first, then a takes v again (a constant) or b's new value
            inner = e.value
            last: Node = inner
            while isinstance(last, Assign):
                last = last.value
            value = last if isinstance(last, Num) else inner.target
            outer = Assign(e.line, e.col, "=", e.target, value)
            return self.statement(ExprStmt(inner.line, inner.col, inner)) + self.assignment(outer)
        if isinstance(e, Assign):
            return self.assignment(e)
        if isinstance(e, Unary) and e.op in ("++", "--"):
            return [self.expr(e, 0)[0] + ";"]
        if isinstance(e, Call):
            return self.action(e)
        if isinstance(e, Ternary) and isinstance(e.then, Call) and isinstance(e.other, Call):
            # D's "c ? printf(a) : printf(b);" chooses an action: bpftrace says it with if/else
            cond = self.expr(e.cond, 0)[0]
            then, other = self.action(e.then), self.action(e.other)
            return [
                f"if ({cond}) {{",
                *("    " + ln for ln in then),
                "} else {",
                *("    " + ln for ln in other),
                "}",
            ]
        raise self.refuse(e, "an expression used as a statement has no effect; not translated")

    # ---- assignments
    def assignment(self, a: Assign) -> list[str]:
        target = a.target
        if isinstance(target, Agg):
            return [self.aggregation(a, target, None)]
        if isinstance(target, Index) and isinstance(target.base, Agg):
            return [self.aggregation(a, target.base, target.args)]
        if isinstance(target, Var) and target.scope == "self":
            key = self.t.self_key
            name = self.prog.variable(f"@self_{target.name}")
            if a.op == "=" and isinstance(a.value, Num) and a.value.value == 0:
                return [f"delete({name}[{key}]);"]
            return [f"{name}[{key}] {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        if isinstance(target, Index) and isinstance(target.base, Var) and target.base.scope == "self":
            # self->x[k]: a thread-local array is one map keyed by the thread and the keys
            lhs = self.index(target)
            if a.op == "=" and isinstance(a.value, Num) and a.value.value == 0:
                return [f"delete({lhs});"]
            return [f"{lhs} {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        if isinstance(target, Var) and target.scope == "this":
            value = self.expr(a.value, _PREC_ASSIGN)[0]
            if a.op != "=" and target.name not in self.this_assigned:
                raise self.refuse(target, f"this->{target.name} is read before it is assigned in this clause")
            self.this_assigned.add(target.name)
            return [f"${target.name} {a.op} {value};"]
        if isinstance(target, Name) and target.name in self.prog.globals:
            name = self.prog.variable(f"@global_{target.name}")
            return [f"{name} {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        if (
            isinstance(target, Index)
            and isinstance(target.base, Name)
            and target.base.name in self.prog.globals
        ):
            name = self.prog.variable(f"@global_{target.base.name}")
            keys = self.keys(target.args)
            if a.op == "=" and isinstance(a.value, Num) and a.value.value == 0:
                return [f"delete({name}[{keys}]);"]
            return [f"{name}[{keys}] {a.op} {self.expr(a.value, _PREC_ASSIGN)[0]};"]
        raise self.refuse(target, f"assignment to {self.describe(target)} cannot be translated")

    def aggregation(self, a: Assign, agg: Agg, keys: list[Node] | None) -> str:
        """``@agg = f(...)`` or ``@agg[keys] = f(...)``."""
        name = self.prog.aggregation("@" + agg.name)
        lhs = name if keys is None else f"{name}[{self.keys(keys)}]"
        v = a.value
        if a.op != "=" or not isinstance(v, Call) or v.func not in AGG_FUNCS:
            raise self.refuse(a, f"{name} must be assigned the result of an aggregating function")
        f, args = v.func, v.args
        if f in ("stddev", "llquantize"):
            raise self.refuse(v, REFUSED_FUNCS[f])
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
            args = [args[0], *(self._inline_constant(a) for a in args[1:])]
            consts = []
            for i, arg in enumerate(args[1:], 1):
                if not isinstance(arg, Num) and not (
                    isinstance(arg, Unary) and arg.op == "-" and isinstance(arg.operand, Num)
                ):
                    raise self.refuse(arg, f"lquantize( ) argument #{i} must be an integer constant")
                consts.append(self.expr(arg, 0)[0])
            if len(consts) == 2:
                consts.append("1")
            values = [_int_constant(arg) for arg in args[1:4]]
            lo, hi, step = values if len(values) == 3 else [*values, 1]
            if lo >= hi:
                raise self.refuse(
                    args[1], "lquantize( ) base (argument #1) must be less than limit (argument #2)"
                )
            if not 0 < step <= 65535 or not 1 <= (hi - lo) // step <= 65535:
                raise self.refuse(
                    args[3] if len(args) > 3 else v,
                    "lquantize( ) step (argument #3) must be 1 to 65535 and give 1 to 65535 levels",
                )
            if (hi - lo) // step > _LHIST_MAX_BUCKETS:
                wider = -(-(hi - lo) // _LHIST_MAX_BUCKETS)
                self.prog.warn(
                    v.line,
                    v.col,
                    f"lquantize() step {step} from {lo} to {hi} gives {(hi - lo) // step} levels; bpftrace 0.17's "
                    f"lhist() allows {_LHIST_MAX_BUCKETS}: translated with step {wider}",
                )
                consts = [str(lo), str(hi), str(wider)]
            return f"{lhs} = lhist({self.expr(args[0], 0)[0]}, {', '.join(consts)});"
        inner = ", ".join(self.expr(x, 0)[0] for x in args)
        return f"{lhs} = {f}({inner});"

    def keys(self, args: list[Node]) -> str:
        if len(args) == 1 and isinstance(args[0], Name) and args[0].name == "arg0" and self.t.arg0_key:
            return self.t.arg0_key
        return ", ".join(self.expr(x, 0)[0] for x in args)

    # ---- actions
    def agg_arg(self, node: Node, fname: str) -> str:
        if not isinstance(node, Agg):
            raise self.refuse(node, f"{fname}() takes an aggregation")
        return self.prog.aggregation("@" + node.name)

    def action(self, c: Call) -> list[str]:
        f, args = c.func, c.args
        if f == "printf":
            return [self.printf(c) + ";"]
        if f == "printa":
            if args and isinstance(args[0], Str):
                # the layout is lost, the meaning (print these aggregations now) is kept
                self.prog.warn(c.line, c.col, "printa() format dropped: bpftrace print() has no formats")
                args = args[1:]
            if not args:
                raise self.refuse(c, "printa() needs an aggregation")
            out = []
            for a in args:
                name = self.agg_arg(a, "printa")
                p = self.pending.get(name)
                if p is not None:
                    p.used = True
                    top, div = p.top, p.div
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
            p = self.pending.setdefault(name, _PendingOutput(c, "trunc"))
            p.top, p.node, p.what, p.used = n, c, "trunc", False
            return []  # becomes print(@a, n) at the next printa(@a), or at END / exit()
        if f == "normalize":
            self._arity(c, 2, 2)
            name = self.agg_arg(args[0], "normalize")
            div = self.expr(args[1], 0)[0]
            p = self.pending.setdefault(name, _PendingOutput(c, "normalize"))
            p.div, p.node, p.what, p.used = div, c, "normalize", False
            return []
        if f == "exit":
            self._arity(c, 1, 1)
            out = self.flush_pending()
            if not (isinstance(args[0], Num) and args[0].value == 0):
                self.prog.warn(c.line, c.col, "exit status dropped: bpftrace 0.17 exit() takes no argument")
            return [*out, "exit();"]
        if f in ("trace", "print"):
            self._arity(c, 1, 1)
            return [f"print({self.expr(args[0], 0)[0]});"]
        if f in ("stack", "ustack"):
            return [f"print({self.expr(c, 0)[0]});"]
        if f in REFUSED_FUNCS:
            raise self.refuse(c, REFUSED_FUNCS[f])
        if f in AGG_FUNCS:
            raise self.refuse(c, f"{f}() is an aggregating function: assign it to an aggregation")
        raise self.refuse(c, f"{f}() cannot be translated")

    def flush_pending(self) -> list[str]:
        out = []
        for name, p in self.pending.items():
            if p.used:
                continue
            p.used = True
            if p.div is not None:
                out.append(f"print({name}, {p.top or 0}, {p.div});")
            else:
                out.append(f"print({name}, {p.top});")
            out.append(f"clear({name});")
        return out

    def _arity(self, c: Call, lo: int, hi: int) -> None:
        if not lo <= len(c.args) <= hi:
            raise self.refuse(c, f"{c.func}( ) prototype mismatch: {len(c.args)} args passed")

    def _inline_constant(self, node: Node) -> Node:
        """An ``inline int`` name replaced by its value, so constant-only arguments accept it as D does."""
        seen: set[str] = set()
        while isinstance(node, Name) and node.name in self.prog.program.inlines and node.name not in seen:
            seen.add(node.name)
            node = self.prog.program.inlines[node.name]
        return node

    def printf(self, c: Call) -> str:
        fmt = c.args[0] if c.args else None
        if not isinstance(fmt, Str):
            raise self.refuse(c, "printf() needs a format string literal")
        fmt, rest = inline_printf_args(fmt, c.args[1:])
        if escapes_strings(fmt):
            self.prog.warn(fmt.line, fmt.col, "%S printed as %s: bpftrace does not escape special characters")
        args = [printf_format(fmt)] + [self.expr(a, 0)[0] for a in rest]
        return f"printf({', '.join(args)})"

    # ---- expressions: return (text, precedence)
    def describe(self, node: Node) -> str:
        if isinstance(node, Name):
            return node.name
        if isinstance(node, Member):
            return f"{self.describe(node.base)}{'->' if node.arrow else '.'}{node.name}"
        if isinstance(node, Index):
            return f"{self.describe(node.base)}[...]"
        if isinstance(node, Var):
            return f"{node.scope}->{node.name}"
        if isinstance(node, Call):
            return f"{node.func}()"
        return "this expression"

    def probefunc(self, node: Located) -> str:
        t = self.t
        if t.probefunc is None:
            raise self.refuse(node, t.probefunc_refusal or "probefunc cannot be translated for this probe")
        if t.probefunc == "$syscall":
            require_syscall_table(self.prog.arch, node)
            self.needs_syscall = True
        return t.probefunc

    def expr(self, node: Node, min_prec: int) -> tuple[str, int]:
        text, prec = self._expr(node)
        if prec < min_prec:
            return f"({text})", _PREC_POSTFIX
        return text, prec

    def _expr(self, node: Node) -> tuple[str, int]:
        t = self.t
        if isinstance(node, Num):
            return node.text, _PREC_POSTFIX
        if isinstance(node, Bpftrace):
            return node.text, _PREC_POSTFIX
        if isinstance(node, Str):
            return string_literal(node.text), _PREC_POSTFIX
        if isinstance(node, Macro):
            m = re.fullmatch(r"\$(\$?)([0-9]+)", node.text)
            if m:
                if m.group(2) == "0":
                    raise self.refuse(node, "$0 (the script name) has no bpftrace equivalent")
                return (f"str(${m.group(2)})" if m.group(1) else f"${m.group(2)}"), _PREC_POSTFIX
            if node.text == "$target":
                raise self.refuse(
                    node,
                    "$target (the process dtrace -c CMD starts or -p PID grabs) has no bpftrace equivalent "
                    "in a script: bpftrace's cpid exists only when bpftrace itself runs with -c CMD; "
                    "write the process ID instead",
                )
            raise self.refuse(node, f"macro variable {node.text} has no bpftrace equivalent")
        if isinstance(node, Agg):
            raise self.refuse(node, f"the value of aggregation @{node.name} cannot be read in D or bpftrace")
        if isinstance(node, Var):
            if node.scope == "self":
                return f"{self.prog.variable('@self_' + node.name)}[{t.self_key}]", _PREC_POSTFIX
            if node.name not in self.this_assigned:
                raise self.refuse(
                    node,
                    f"this->{node.name} is read before it is assigned in this clause "
                    "(bpftrace scratch variables do not outlive one action block)",
                )
            return f"${node.name}", _PREC_POSTFIX
        if isinstance(node, Name):
            return self.name(node), _PREC_POSTFIX
        if isinstance(node, Index):
            return self.index(node), _PREC_POSTFIX
        if isinstance(node, Member):
            return self.member(node), _PREC_POSTFIX
        if isinstance(node, Call):
            return self.call(node), _PREC_POSTFIX
        if isinstance(node, Cast):
            typ = " ".join(node.type.split())
            typ = self.prog.program.typedefs.get(typ, typ)
            if "*" in typ or typ.split()[0] in ("struct", "union", "enum"):
                raise self.refuse(node, f"cast to ({typ}): kernel types differ on Linux")
            if typ == "string":
                inner = self.expr(node.operand, 0)[0]
                if inner.startswith(("str(", '"')) or inner in ("comm", "args->next_comm", "args->comm"):
                    return inner, _PREC_POSTFIX  # already a string: bpftrace's str() takes pointers only
                return f"str({inner})", _PREC_POSTFIX
            if typ not in CAST_TYPES:
                raise self.refuse(node, f"cast to ({typ}) has no bpftrace equivalent")
            return f"({CAST_TYPES[typ]}){self.expr(node.operand, _PREC_UNARY)[0]}", _PREC_UNARY
        if isinstance(node, Unary):
            if node.op in ("++", "--"):
                operand = node.operand
                if not (
                    isinstance(operand, (Var, Name))
                    or (isinstance(operand, Index) and isinstance(operand.base, (Name, Var)))
                ):
                    raise self.refuse(node, f"{node.op} applies to variables only")
                if isinstance(operand, Var) and operand.scope == "this":
                    self.this_assigned.add(operand.name)
                if isinstance(operand, Name) and operand.name not in self.prog.globals:
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
        if isinstance(node, Binary):
            if node.op == "^^":
                left = self.expr(node.left, 10)[0]
                right = self.expr(node.right, 10)[0]
                return f"({left} != 0) != ({right} != 0)", 9
            prec = BINARY_PREC[node.op]
            left = self.expr(node.left, prec)[0]
            right = self.expr(node.right, prec + 1)[0]
            return f"{left} {node.op} {right}", prec
        if isinstance(node, Ternary):
            cond = self.expr(node.cond, 3)[0]
            a = self.expr(node.then, _PREC_TERNARY + 1)[0]
            b = self.expr(node.other, _PREC_TERNARY)[0]
            return f"{cond} ? {a} : {b}", _PREC_TERNARY
        if isinstance(node, Assign):
            raise self.refuse(node, "an assignment inside an expression cannot be translated")
        if isinstance(node, Refused):
            raise self.refuse(node, node.message)
        raise self.refuse(node, "expression cannot be translated")

    def name(self, node: Name) -> str:
        t, n = self.t, node.name
        if n in t.refuse:
            raise self.refuse(node, f"{n} at {t.label}: {t.refuse[n]}")
        if n in t.env:
            return t.env[n]
        if n in BUILTINS:
            return BUILTINS[n]
        m = re.fullmatch(r"arg([0-9])", n)
        if m:
            i = int(m.group(1))
            if i in t.argn:
                if i in t.arg_warn:
                    self.prog.warn(node.line, node.col, t.arg_warn[i])
                return t.argn[i]
            if i in t.arg_missing:
                raise ArgumentMissing(node.line, node.col, f"{n} at {t.label}: {t.arg_missing[i]}")
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
        if n in REFUSED_BUILTINS:
            raise self.refuse(node, REFUSED_BUILTINS[n])
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

    def index(self, node: Index) -> str:
        base, t = node.base, self.t
        if isinstance(base, Name) and base.name == "args":
            i = self._const_index(node)
            if i in t.args_index:
                if i in t.arg_warn:
                    self.prog.warn(node.line, node.col, t.arg_warn[i].replace(f"arg{i}", f"args[{i}]"))
                return t.args_index[i]
            if i in t.arg_missing:
                raise ArgumentMissing(node.line, node.col, f"args[{i}] at {t.label}: {t.arg_missing[i]}")
            raise self.refuse(node, f"args[{i}] at {t.label}: {t.arg_refusal or 'no translation'}")
        if isinstance(base, Name) and base.name in self.prog.globals:
            return f"{self.prog.variable('@global_' + base.name)}[{self.keys(node.args)}]"
        if isinstance(base, Name) and base.name in REFUSED_BUILTINS:
            raise self.refuse(node, REFUSED_BUILTINS[base.name])
        if isinstance(base, Var) and base.scope == "self":
            name = self.prog.variable(f"@self_{base.name}")
            return f"{name}[{t.self_key}, {self.keys(node.args)}]"
        if isinstance(base, Var):
            raise self.refuse(node, f"{self.describe(base)}[...]: clause-local arrays do not exist in D")
        if isinstance(base, Agg):
            raise self.refuse(node, f"the value of aggregation @{base.name} cannot be read in D or bpftrace")
        if isinstance(base, Name):
            raise self.refuse(node, f"unknown array {base.name}")
        raise self.refuse(node, f"indexing {self.describe(base)} cannot be translated")

    def _const_index(self, node: Index) -> int:
        if len(node.args) != 1 or not isinstance(node.args[0], Num):
            raise self.refuse(node, "args[] must be indexed by a constant")
        return node.args[0].value

    def member(self, node: Member) -> str:
        base, t = node.base, self.t
        if isinstance(base, Index) and isinstance(base.base, Name) and base.base.name == "args":
            i = self._const_index(base)
            key = (i, node.name)
            if key in t.members:
                if key in t.member_warn:
                    self.prog.warn(node.line, node.col, f"args[{i}]->{node.name}: {t.member_warn[key]}")
                return t.members[key]
            why = t.arg_refusal or "no translation"
            raise self.refuse(node, f"args[{i}]->{node.name} at {t.label}: {why}")
        if isinstance(base, Name) and base.name == "curpsinfo" and node.name in CURPSINFO:
            builtin, warning = CURPSINFO[node.name]
            if warning is not None:
                self.prog.warn(node.line, node.col, warning)
            return self.name(Name(node.line, node.col, builtin))
        chain = CURTHREAD_CHAINS.get(self.describe(node))
        if chain is not None:
            self.prog.warn(node.line, node.col, chain[1])
            return chain[0]
        root = base
        while isinstance(root, (Member, Index)):
            root = root.base
        if isinstance(root, Name) and root.name in REFUSED_BUILTINS:
            raise self.refuse(root, f"{self.describe(node)}: {REFUSED_BUILTINS[root.name]}")
        raise self.refuse(node, f"{self.describe(node)}: kernel structures differ on Linux; not translated")

    def call(self, c: Call) -> str:
        f, args = c.func, c.args
        if f == "stringof" and len(args) == 1 and isinstance(args[0], Call) and args[0].func == "copyin":
            # stringof(copyin(p, n)): the n bytes at p up to a NUL; bpftrace's str(p, len) keeps len - 1
            self._arity(args[0], 2, 2)
            where = self.expr(args[0].args[0], 0)[0]
            size = self.expr(args[0].args[1], BINARY_PREC["+"])[0]
            self.prog.warn(
                c.line, c.col, "stringof(copyin()) read with str(): at most 64 bytes (BPFTRACE_STRLEN)"
            )
            return f"str({where}, {size} + 1)"
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
        if f in REFUSED_FUNCS:
            raise self.refuse(c, REFUSED_FUNCS[f])
        if f in AGG_FUNCS:
            raise self.refuse(c, f"{f}() is an aggregating function: assign it to an aggregation")
        if f in ("printf", "printa", "trace", "print", "exit", "clear", "trunc", "normalize"):
            raise self.refuse(c, f"{f}() is an action, not a value")
        raise self.refuse(c, f"undefined function name: {f}")
