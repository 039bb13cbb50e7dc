"""Calls in D: actions, subroutines and aggregating functions against their prototypes (dt_open.c, dt_cc.c).

Checks the number of arguments (D_PROTO_LEN), each argument's type against the
prototype (D_PROTO_ARG), the first argument of aggregating functions
(D_AGG_SCALAR), printf-style formats against their arguments (dt_printf.c:
D_PRINTF_*, including ``%?d`` and ``*`` widths), the constant arguments of
stack/ustack/tracemem, and the order of actions around speculate() and
commit() in a clause (D_*_SPEC, D_*_COMM...).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .. import vocabulary_d as V
from ..tokens import Token, TokenType
from . import types as ty
from .errors import DError
from .operators import Val
from .symbols import Symbols
from .types import DType

#: actions that record data (everything but these and the aggregating functions)
_NOT_DATA = frozenset(
    {"speculate", "commit", "discard", "clear", "trunc", "normalize", "denormalize", "setopt"}
    | {"chill", "breakpoint", "panic", "raise", "stop"}
)
#: upper bounds dt_cc.c enforces after the prototype (``argmax``)
_MAX_ARGS = {**V.D_AGG_MAX_ARGS, "stack": 1, "ustack": 2, "jstack": 2, "tracemem": 3}
_DESTRUCTIVE = V.D_DESTRUCTIVE | V.D_KERNEL_DESTRUCTIVE | {"copyoutstr", "copyout"}


class Conv(NamedTuple):
    """One printf conversion: its name (``d``, ``lld``, ``@d``...), and whether it takes ``*`` width/precision."""

    name: str
    letter: str
    star_width: bool
    star_prec: bool


_FLAGS = "-+ #0'?@"
_SIZES = ("hh", "ll", "h", "l", "L", "j", "z", "t", "w")
_INT_CONV = frozenset("cdiouxX")
_KNOWN_CONV = frozenset("aAcdeEfgGiksSopPuxXYT@")


@functools.lru_cache(maxsize=512)
def parse_format(fmt: str) -> tuple[Conv, ...] | tuple[str, int]:
    """The conversions of a D format string, or (error message, conversion number) (dt_printf.c)."""
    out: list[Conv] = []
    i, n = 0, len(fmt)
    while True:
        i = fmt.find("%", i)
        if i < 0:
            return tuple(out)
        i += 1
        num = len(out) + 1
        flags = ""
        at = ""
        while i < n and fmt[i] in _FLAGS:
            if fmt[i] == "@":
                at = "@"
            else:
                flags += fmt[i]
            i += 1
        if i < n and fmt[i] == "%":
            if flags:
                return (f"format conversion #{num} cannot be combined with other format flags: %%", num)
            i += 1
            continue
        star_w = star_p = False
        digits = ""
        while i < n and (fmt[i].isdigit() or fmt[i] == "*"):
            if fmt[i] == "*":
                if star_w:
                    return (
                        f"format conversion #{num} has more than one '*' specified for the output width",
                        num,
                    )
                star_w = True
            else:
                digits += fmt[i]
            i += 1
        if i < n and fmt[i] == "$":
            return (f"format conversion #{num} uses unsupported positional format (%n$)", num)
        if i < n and fmt[i] == ".":
            i += 1
            while i < n and (fmt[i].isdigit() or fmt[i] in "*.$"):
                if fmt[i] == "*":
                    if star_p:
                        return (
                            f"format conversion #{num} has more than one '*' specified for the output precision",
                            num,
                        )
                    star_p = True
                elif fmt[i] == ".":
                    return (f"format conversion #{num} has more than one '.' specified", num)
                elif fmt[i] == "$":
                    return (f"format conversion #{num} uses unsupported positional format (%n$)", num)
                i += 1
        size = ""
        for s in _SIZES:
            if fmt.startswith(s, i):
                size = s
                i += len(s)
                break
        if i >= n:
            if at:
                out.append(Conv("@", "@", star_w, star_p))
                return tuple(out)
            if size:
                return (f"format conversion #{num} is undefined: %{size}", num)
            return (f"format conversion #{num} name expected before end of format string", num)
        c = fmt[i]
        i += 1
        if c not in _KNOWN_CONV:
            return (f"format conversion #{num} is undefined: %{size}{c}", num)
        out.append(Conv(at + size + c, "@" if at else c, star_w, star_p))


class CallChecker:
    """Types and checks the calls of one program, clause by clause (see :meth:`call`)."""

    def __init__(self, sig: list[Token], syms: Symbols) -> None:
        self.sig = sig
        self.syms = syms
        self.quiet = False  # syntax only (see parser.Parser.quiet)
        self.reset()

    def reset(self) -> None:
        self.spec = self.commit = self.data = False
        self.pending: DError | None = None  # an error libdtrace finds when it generates the statement's code
        self.last_agg: tuple[int, str, list[Val]] | None = (
            None  # (token, function, args) of the last agg call
        )

    def define_agg(self, agg: Token, keys: list[Val], call: tuple[int, str, list[Val]]) -> None:
        """``@a[keys] = f(args)``: the first definition of @a fixes its keys and function (dt_cc.c)."""
        k, fname, args = call
        name = agg[1]
        prev = self.syms.aggs.get(name)
        if prev is None:
            self.syms.aggs[name] = (fname, [a.c for a in args], [v.t for v in keys])
            return
        pname, pargs, _keys = prev
        if pname != fname:
            return  # the linter words aggregation redefinitions
        what = {
            "lquantize": ("base (argument #1)", "limit (argument #2)", "step (argument #3)"),
            "llquantize": (
                "factor (argument #1)",
                "low magnitude (argument #2)",
                "high magnitude (argument #3)",
                "linear steps per magnitude (argument #4)",
            ),
        }.get(fname)
        tags = {
            "lquantize": ("D_LQUANT_MATCHBASE", "D_LQUANT_MATCHLIM", "D_LQUANT_MATCHSTEP"),
            "llquantize": (
                "D_LLQUANT_MATCHFACTOR",
                "D_LLQUANT_MATCHLMAG",
                "D_LLQUANT_MATCHHMAG",
                "D_LLQUANT_MATCHSTEPS",
            ),
        }.get(fname)
        if what and tags:
            now = [a.c for a in args]
            for n, (label, tag) in enumerate(zip(what, tags, strict=True)):
                was = pargs[n + 1] if n + 1 < len(pargs) else (1 if fname == "lquantize" else None)
                cur = now[n + 1] if n + 1 < len(now) else (1 if fname == "lquantize" else None)
                if was is not None and cur is not None and was != cur:
                    raise self.err(
                        k,
                        f"{fname}( ) {label} doesn't match previous declaration: expected {was}, found {cur}",
                        tag,
                    )

    def begin_clause(self) -> None:
        self.reset()

    def statement_done(self, v: Val) -> None:
        """Called after each statement (the action order is tracked in :meth:`order`): raises what
        libdtrace only finds once the statement is typed, when it generates its code."""
        if self.pending is not None:
            e, self.pending = self.pending, None
            if not self.quiet:
                raise e

    def err(self, k: int, message: str, code: str) -> DError:
        return DError(self.sig[k], message, code)

    def call(self, k: int, name: str, args: list[Val], close: int) -> Val:
        proto = V.D_FUNCTIONS.get(name)
        if proto is None:
            if (
                (k > 0 and self.sig[k - 1][1] in (".", "->"))
                or name in self.syms.globals
                or self.syms.includes
            ):
                return Val(ty.T_DYN, k)  # a member, or a function-like #define
            raise self.err(k, f"undefined function name: {name}", "D_FUNC_UNDEF")
        n = len(args)
        msg = proto.mismatch(n)
        if msg:
            raise self.err(k, msg, "D_PROTO_LEN")
        most = _MAX_ARGS.get(name)
        if most is not None and n > most:
            raise self.err(
                k, f"{name}( ) prototype mismatch: {n} args passed, at most {most} expected", "D_PROTO_LEN"
            )
        params = _params(proto.text)
        if name in V.D_AGG_FUNCS:
            self.aggregating(k, name, args)
            self.last_agg = (k, name, args)
        elif name in ("printf", "printa", "system", "freopen"):
            self.formatted(k, name, args)
        elif name in V.D_AGG_ACTIONS:
            self.agg_action(k, name, args)
        else:
            for i, (p, a) in enumerate(zip(params, args, strict=False)):
                if isinstance(p, _Varargs):
                    break
                self.argument(k, name, i, p, a)
            self.special(k, name, args)
        self.order(k, name)
        out = Val(_returns(proto.text), k)
        out.alloca = name == "alloca"
        return out

    def argument(self, k: int, name: str, i: int, p: DType | None, a: Val) -> None:
        if a.agg and name == "trace":  # (dt_cg_act_trace: an aggregation's type is <DYN>)
            raise self.err(
                a.tok,
                f"trace( ) may not be applied to a dynamic expression ({self.sig[a.tok][1]} is an "
                "aggregation: print it with printa())",
                "D_TRACE_DYN",
            )
        if a.agg and name == "print":
            return  # the linter words this: "print( ) may not be applied to an aggregation"
        if a.agg:
            raise self.err(
                a.tok,
                f"{name}( ) argument #{i + 1} is incompatible with prototype: aggregation",
                "D_PROTO_ARG",
            )
        if p is None:
            if a.t.kind == ty.VOID:
                if name == "trace":
                    raise self.err(k, "trace( ) may not be applied to a void expression", "D_TRACE_VOID")
                raise self.err(
                    a.tok, f"{name}( ) argument #{i + 1} is incompatible with prototype: void", "D_PROTO_ARG"
                )
            return
        if not ty.compatible(p, a.t, a.c == 0):
            raise self.err(
                a.tok,
                f"{name}( ) argument #{i + 1} is incompatible with prototype: "
                f"prototype: {p.name}; argument: {a.t.name}",
                "D_PROTO_ARG",
            )

    def aggregating(self, k: int, name: str, args: list[Val]) -> None:
        if args and name != "count":
            a = args[0]
            if a.agg or not (a.t.scalar or a.t.kind == ty.DYN):
                raise self.err(a.tok, f"{name}( ) argument #1 must be of scalar type", "D_AGG_SCALAR")
        incr = {"quantize": 1, "lquantize": 4, "llquantize": 5}.get(name)
        if incr is not None and len(args) > incr:
            a = args[incr]
            if a.agg or not a.t.scalar:
                raise self.err(
                    a.tok,
                    f"{name}( ) argument #{incr + 1} is incompatible with prototype: "
                    f"prototype: int64_t; argument: {a.t.name}",
                    "D_PROTO_ARG",
                )

    def agg_action(self, k: int, name: str, args: list[Val]) -> None:
        lo, hi = {"clear": (1, 1), "trunc": (1, 2), "normalize": (2, 2), "denormalize": (1, 1)}.get(
            name, (0, 99)
        )
        if not lo <= len(args) <= hi:
            n = len(args)
            want = lo if n < lo else hi
            raise self.err(
                k,
                f"{name}( ) prototype mismatch: {n} arg{'' if n == 1 else 's'} passed, {want} expected",
                "D_PROTO_LEN",
            )
        if name in ("clear", "trunc", "normalize", "denormalize") and args and not args[0].agg:
            code = {"clear": "D_CLEAR_AGGARG", "trunc": "D_TRUNC_AGGARG"}.get(name, "D_NORMALIZE_AGGARG")
            raise self.err(args[0].tok, f"{name}( ) argument #1 must be an aggregation", code)
        if name in ("trunc", "normalize") and len(args) > 1:
            a = args[1]
            if a.agg or not a.t.scalar:
                raise self.err(
                    a.tok,
                    f"{name}( ) argument #2 is incompatible with prototype: "
                    f"prototype: int64_t; argument: {a.t.name if not a.agg else 'aggregation'}",
                    "D_PROTO_ARG",
                )
        if name in ("clear", "denormalize") and len(args) > 1:
            raise self.err(
                k, f"{name}( ) prototype mismatch: {len(args)} args passed, 1 expected", "D_PROTO_LEN"
            )

    def special(self, k: int, name: str, args: list[Val]) -> None:
        if name in ("stack", "ustack", "jstack") and args:
            for n, v in enumerate(args[:2]):
                if v.t.kind == ty.STR or v.agg:  # dt_cg.c: the frame counts and string size are uint32_t
                    raise self.err(
                        v.tok,
                        f"{name}( ) argument #{n + 1} is incompatible with prototype: "
                        f"prototype: uint32_t; argument: {'aggregation' if v.agg else v.t.name}",
                        "D_PROTO_ARG",
                    )
            a = args[0]
            if a.c is None or a.c <= 0:
                if a.const and a.c is None:
                    return
                code = "D_STACK_SIZE" if name == "stack" else "D_USTACK_FRAMES"
                raise self.err(
                    a.tok, f"{name}( ) argument #1 must be a non-zero positive integer constant", code
                )
            if name != "stack" and len(args) > 1:
                b = args[1]
                if not b.const or (b.c is not None and b.c < 0):
                    raise self.err(
                        b.tok,
                        f"{name}( ) argument #2 must be a positive integer constant",
                        "D_USTACK_STRSIZE",
                    )
        elif name == "tracemem" and len(args) > 1:
            b = args[1]
            if not b.const or (b.c is not None and b.c <= 0):
                raise self.err(
                    b.tok,
                    "tracemem( ) argument #2 must be a non-zero positive integral constant expression",
                    "D_TRACEMEM_SIZE",
                )
        elif name == "copyinto" and len(args) == 3 and args[2].t.kind == ty.STR:
            raise self.err(
                args[2].tok,
                "copyinto( ) argument #3 is incompatible with prototype: prototype: void *; argument: string",
                "D_PROTO_ARG",
            )  # the destination must come from alloca()
        elif (
            name in ("alloca", "copyin")
            and args
            and args[-1].c is not None
            and args[-1].c > self.syms.scratchsize
        ):
            raise self.err(
                k,
                f"{name}({args[-1].c}) size larger than scratchsize {self.syms.scratchsize}",
                "D_ALLOCA_SIZE",
            )
        elif name == "inet_ntoa6" and len(args) == 2 and not args[1].const:
            raise self.err(
                args[1].tok, "inet_ntoa6( ) argument #2 must be an integer constant", "D_PROTO_ARG"
            )

    def formatted(self, k: int, name: str, args: list[Val]) -> None:
        first = args[0]
        sig = self.sig
        fmt_tok = sig[first.tok]
        if name == "printa" and (first.agg or fmt_tok[0] is not ty_string_token()):
            if not first.agg:
                raise self.err(
                    first.tok,
                    f"printa( ) argument #1 is incompatible with prototype: "
                    f"prototype: aggregation; argument: {first.t.name}",
                    "D_PRINTA_AGGARG",
                )
            self.printa_aggs(args, 0)
            return
        if fmt_tok[0] is not ty_string_token() or first.t.kind != ty.STR:
            if first.t.kind in (ty.DYN,) and name != "printa":
                return
            raise self.err(
                first.tok,
                f"{name}( ) argument #1 is incompatible with prototype: "
                f"prototype: string constant; argument: {first.t.name}",
                "D_PRINTF_ARG_FMT" if first.t.kind == ty.STR else "D_PROTO_ARG",  # a string, not a constant
            )
        fmt = _unquote(fmt_tok[1])
        if name == "freopen":
            if fmt == ".":
                raise self.err(first.tok, 'freopen( ) argument #1 cannot be "."', "D_FREOPEN_INVALID")
            return
        if name == "printf" and fmt == "":  # (dt_printf_create, at code generation: after the types)
            if self.pending is None:
                self.pending = self.err(first.tok, "printf( ) format string is empty", "D_PRINTF_FMT_EMPTY")
            return
        parsed = parse_format(fmt)
        if parsed and isinstance(parsed[0], str):
            if self.quiet:
                return  # a format is checked when the clause is typed, not when it is parsed
            raise self.err(first.tok, str(parsed[0]), "D_SYNTAX")
        convs = tuple(c for c in parsed if isinstance(c, Conv))
        if name == "printa":
            if len(args) < 2:
                raise self.err(k, "printa( ) prototype mismatch: 1 args passed, 2 expected", "D_PRINTA_PROTO")
            self.printa_aggs(args, 1)
            known = self.syms.aggs.get(self.sig[args[1].tok][1])
            if known is not None:
                keys = known[2]
                plain = [c for c in convs if c.letter != "@"]
                for n, conv in enumerate(plain):
                    if n >= len(keys):
                        raise self.err(
                            k,
                            f"printa( ) prototype mismatch: conversion #{n + 1} (%{conv.name}) is missing a "
                            "corresponding value argument",
                            "D_PRINTF_ARG_PROTO",
                        )
                    self.conversion("printa", n + 1, conv, Val(keys[n], args[1].tok), 2)
            return
        vals = args[1:]
        j = 0
        for n, conv in enumerate(convs, 1):
            if conv.letter == "@":
                raise self.err(
                    first.tok,
                    f"%@ conversion requires an aggregation and is not for use with {name}( )",
                    "D_PRINTF_AGG_CONV",
                )
            for star, what in ((conv.star_width, '"*"'), (conv.star_prec, '".*"')):
                if not star:
                    continue
                if j >= len(vals):
                    raise self.err(
                        k,
                        f"{name}( ) prototype mismatch: conversion #{n} (%{conv.name}) is missing a "
                        f"corresponding {what} argument",
                        "D_PRINTF_DYN_PROTO",
                    )
                w = vals[j]
                if w.agg or not w.t.integer:
                    raise self.err(
                        w.tok,
                        f"{name}( ) argument #{j + 2} is incompatible with conversion #{n} prototype: "
                        f"conversion: %{conv.name}; prototype: int; argument: {w.t.name}",
                        "D_PRINTF_DYN_TYPE",
                    )
                j += 1
            if j >= len(vals):
                raise self.err(
                    k,
                    f"{name}( ) prototype mismatch: conversion #{n} (%{conv.name}) is missing a "
                    "corresponding value argument",
                    "D_PRINTF_ARG_PROTO",
                )
            self.conversion(name, n, conv, vals[j], j + 2)
            j += 1
        if j < len(vals) and name == "printf":
            raise self.err(
                k,
                f"{name}( ) prototype mismatch: only {j} arguments required by this format string",
                "D_PRINTF_ARG_EXTRA",
            )

    def conversion(self, name: str, n: int, conv: Conv, v: Val, argno: int) -> None:
        t = v.t
        c = conv.letter
        want = None
        if v.agg:
            want = "aggregation is not a value"
        elif t.kind == ty.DYN:
            return
        elif c in _INT_CONV or c in "YT":
            if not (t.kind in (ty.INT, ty.PTR, ty.SYM) or (c == "c" and t.kind == ty.INT)):
                want = "int"
            if t.kind == ty.PTR and c in "di":
                want = None
        elif c in "sS":
            if t.kind in (ty.VOID, ty.STACK) or t.kind == ty.INT or t.kind == ty.SYM:
                want = "char [] or string (or use stringof)"
        elif c in "pP" or c in "aA":
            if t.kind not in (ty.INT, ty.PTR, ty.SYM):
                want = "pointer or integer"
        elif c == "k":
            if t.kind != ty.STACK:
                want = "stack"
        elif c in "eEfgG":
            want = "double"
        if want is not None:
            raise self.err(
                v.tok,
                f"{name}( ) argument #{argno} is incompatible with conversion #{n} prototype: "
                f"conversion: %{conv.name}; prototype: {want}; argument: {t.name if not v.agg else 'aggregation'}",
                "D_PRINTF_ARG_TYPE",
            )

    def printa_aggs(self, args: list[Val], start: int) -> None:
        for n, a in enumerate(args[start:], start + 1):
            if not a.agg:
                raise self.err(
                    a.tok,
                    f"printa( ) argument #{n} is incompatible with prototype: "
                    f"prototype: aggregation; argument: {a.t.name}",
                    "D_PRINTA_AGGARG",
                )
        first = self.sig[args[start].tok][1]
        known = self.syms.aggs.get(first)
        if known is None:
            return
        keys = known[2]
        for a in args[start + 1 :]:
            other = self.sig[a.tok][1]
            theirs = self.syms.aggs.get(other)
            if theirs is None:
                continue
            if len(theirs[2]) != len(keys):
                n1, n2 = len(keys), len(theirs[2])
                raise self.err(
                    a.tok,
                    f"printa( ): {first} and {other} do not have matching key signatures: "
                    f"{first} has {n1} key{'' if n1 == 1 else 's'}, {other} has {n2} key{'' if n2 == 1 else 's'}",
                    "D_PRINTA_AGGKEY",
                )
            for n, (mine, their) in enumerate(zip(keys, theirs[2], strict=True)):
                if (mine.kind == ty.STR) != (their.kind == ty.STR) and ty.DYN not in (mine.kind, their.kind):
                    raise self.err(
                        a.tok,
                        f"printa( ): {other}[ ] key #{n + 1} is incompatible with {first}: "
                        f"prototype: {mine.name}; argument: {their.name}",
                        "D_PRINTA_AGGPROTO",
                    )

    def order(self, k: int, name: str) -> None:
        """libdtrace's rules for the order of actions in a clause (dt_cc.c dt_compile_one_clause)."""
        agg = name in V.D_AGG_FUNCS
        if name == "speculate":
            if self.spec:
                raise self.err(k, "speculate( ) may not follow speculate( )", "D_SPEC_SPEC")
            if self.commit:
                raise self.err(k, "speculate( ) may not follow commit( )", "D_SPEC_COMM")
            if self.data:
                raise self.err(k, "speculate( ) may not follow data-recording action(s)", "D_SPEC_DREC")
            self.spec = True
            return
        if name == "commit":
            if self.spec:
                raise self.err(k, "commit( ) may not follow speculate( )", "D_COMM_SPEC")
            if self.data:
                raise self.err(k, "commit( ) may not follow data-recording action(s)", "D_COMM_DREC")
            self.commit = True
            return
        if agg:
            if self.spec:
                raise self.err(k, "aggregating actions may not follow speculate( )", "D_AGG_SPEC")
            if self.commit:
                raise self.err(k, "aggregating actions may not follow commit( )", "D_AGG_COMM")
            return
        if name in _DESTRUCTIVE and self.spec:
            raise self.err(k, "destructive actions may not follow speculate( )", "D_ACT_SPEC")
        if name == "exit" and self.spec:
            raise self.err(k, "exit( ) may not follow speculate( )", "D_EXIT_SPEC")
        if name in V.D_ACTIONS and name not in _NOT_DATA:
            if self.commit:
                raise self.err(k, "data-recording actions may not follow commit( )", "D_DREC_COMM")
            self.data = True


class _Varargs:
    pass


_VARARGS = _Varargs()
_STRING_TOKEN = TokenType.STRING


@functools.lru_cache(maxsize=256)
def _params(text: str) -> tuple[DType | _Varargs | None, ...]:
    inner = text[text.index("(") + 1 : text.rindex(")")].strip()
    if not inner:
        return ()
    out: list[DType | _Varargs | None] = []
    for p in inner.split(","):
        p = p.strip()
        out.append(_VARARGS if p == "..." else ty.from_proto(p))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _returns(text: str) -> DType:
    head = text[: text.index("(")].strip()
    if head == "stack":
        return ty.T_STACK
    if head == "_symaddr":
        return ty.T_SYMADDR
    if head == "_usymaddr":
        return ty.T_USYMADDR
    return ty.named(head)


def ty_string_token() -> object:
    return _STRING_TOKEN


_ESC = re.compile(r"\\(.)")


def _unquote(s: str) -> str:
    body = s[1:-1] if len(s) >= 2 else ""
    return (
        _ESC.sub(lambda m: "%%" if m.group(1) == "%" else "\\" + m.group(1), body) if "\\" in body else body
    )
