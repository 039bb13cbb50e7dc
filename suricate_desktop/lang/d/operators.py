"""Typing D's operators, member access and assignments (dt_parser.c's dt_node_op1/op2, dt_cook.c).

:class:`Operators` is the part of :class:`.parser.Parser` that judges what an
operator may be applied to: the parser reduces an expression, these methods type
it (or raise libdtrace's error).  :class:`Val` is what an expression is as far as
the checks care.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import vocabulary_d as V
from ..tokens import Token, TokenType
from . import types as ty
from .errors import DError
from .symbols import Symbols, Var
from .types import DType

if TYPE_CHECKING:
    from .calls import CallChecker
    from .tree import Node

_MASK = (1 << 64) - 1
_T_ACTION = DType(ty.VOID, "void")  # a ?: with an action in a branch


def builtin_type(name: str) -> DType:
    doc = V.D_BUILTINS.get(name, "")
    head = doc.split(":", 1)[0]
    if name == "NULL":
        return ty.T_INT
    if head == "string":
        return ty.T_STRING
    if "*" in head or "[]" in head or name == "args":
        return ty.T_DYN if name in ("args", "fds", "uregs", "vmregs") else ty.pointer_to(ty.T_DYN)
    return ty.named(head.split()[0]) if head else ty.T_DYN


_BUILTIN_TYPES = {name: builtin_type(name) for name in V.D_BUILTINS}


class Val:
    """What an expression is, as far as the checks care."""

    __slots__ = ("agg", "alloca", "c", "const", "lv", "node", "t", "tok", "var")

    def __init__(
        self,
        t: DType,
        tok: int,
        c: int | None = None,
        lv: str | None = None,
        agg: bool = False,
        var: Var | None = None,
        const: bool = False,
    ) -> None:
        self.t = t
        self.tok = tok  # index of its first token
        self.c = c  # integer value when a constant with a known value
        self.lv = lv  # "var", "dyn" (self/this/assoc), "mem", "deref": an lvalue; None otherwise
        self.agg = agg  # an aggregation (@a, @a[k])
        self.var = var
        self.const = const or c is not None
        self.alloca: bool | str = False  # a pointer to alloca() memory; "mixed" for a ?: of both kinds
        self.node: Node | None = None  # its syntax tree (a .tree.Node), when the parser builds one


class Operators:
    """Operator typing for :class:`.parser.Parser` (which sets these attributes)."""

    sig: list[Token]
    match: dict[int, int]
    i: int  # the parser's position
    syms: Symbols
    calls: CallChecker
    clause_start: int  # the clause's first probe description (some errors are the clause's)

    def err(self, i: int, message: str, code: str) -> DError:
        return DError(self.sig[i], message, code)

    def op2(self, op: str, opi: int, a: Val, b: Val) -> Val:
        at, bt = a.t, b.t
        if a.agg or b.agg:
            raise self.agg_operand(op, opi, a, b)
        if op in ("&&", "||", "^^"):
            if not (at.scalar and bt.scalar):
                raise self.err(opi, f"operator {op} requires operands of scalar type", "D_OP_SCALAR")
            t = ty.T_INT
        elif op in ("==", "!=", "<", ">", "<=", ">="):
            if at.kind != ty.DYN and bt.kind != ty.DYN:
                if at.stringish and bt.stringish:
                    pass
                elif a.c == 0 or b.c == 0 or at.kind == ty.PTR or bt.kind == ty.PTR:
                    pass  # a string against NULL
                elif (at.kind == ty.STR) != (bt.kind == ty.STR) or not (at.scalar and bt.scalar):
                    raise self.err(
                        opi,
                        f'operands have incompatible types: "{at.name}" {op} "{bt.name}"',
                        "D_OP_INCOMPAT",
                    )
            t = ty.T_INT
        elif op in ("+", "-"):
            if at.kind == ty.PTR or bt.kind == ty.PTR:
                ptr = at if at.kind == ty.PTR else bt
                if ptr.ref is not None and ptr.ref.kind == ty.VOID:
                    raise self.err(
                        opi,
                        f'operands have incompatible types: "{at.name}" {op} "{bt.name}"',
                        "D_OP_INCOMPAT",
                    )
                other = bt if ptr is at else at
                if not (other.integer or other.kind == ty.PTR):
                    raise self.err(opi, f"operator {op} requires operands of arithmetic type", "D_OP_ARITH")
                out = Val(ptr if other.kind != ty.PTR else ty.T_LONG, a.tok)
                out.alloca = a.alloca if ptr is at else b.alloca
                return out
            if ty.STR in (at.kind, bt.kind) and ty.INT in (at.kind, bt.kind):
                return Val(ty.T_STRING, a.tok)  # a string is a char array: "abc" + 1 (DTrace on Linux)
            if not (at.arith and bt.arith):
                raise self.err(opi, f"operator {op} requires operands of arithmetic type", "D_OP_ARITH")
            t = _wider(at, bt)
        elif op in ("*", "/"):
            if not (at.arith and bt.arith):
                raise self.err(opi, f"operator {op} requires operands of arithmetic type", "D_OP_ARITH")
            t = _wider(at, bt)
        else:  # % & | ^ << >>
            if not (at.integer and bt.integer):
                raise self.err(opi, f"operator {op} requires operands of integral type", "D_OP_INT")
            t = _wider(at, bt)
        if op in ("/", "%") and b.c == 0:
            raise self.err(opi, "expression contains division by zero", "D_DIV_ZERO")
        if a.c is not None and b.c is not None:
            return Val(t, a.tok, _fold(op, a.c, b.c))
        return Val(t, a.tok, const=a.const and b.const)

    def null_effect(self, v: Val) -> None:
        """``@a;`` or ``@a[k];``: an aggregation with no function applied (dt_cg.c, dt_parser.c)."""
        k = v.tok
        sig = self.sig
        if sig[k][0] is not TokenType.AGGREGATION:
            return
        j = k + 1
        if j < self.i and sig[j][1] == "[":
            j = self.match.get(j, j) + 1
        if j != self.i:
            return  # @a = f(...), or an operator's operand
        name = sig[k][1]
        if j == k + 1 and name not in self.syms.aggs:
            raise self.err(k, f"failed to resolve {name}: Unknown variable name", "D_IDENT_UNDEF")
        raise self.err(k, f"expression has null effect: {name}", "D_AGG_NULL")

    def agg_keys_check(self, v: Val, open_: int, keys: list[Val]) -> None:
        """``@a[keys]`` (the "[" at open_): one subscript, keys with a type (dt_parser.c, dt_ident.c)."""
        if self.sig[open_ - 1][1] == "]":
            raise self.err(
                open_,
                f"improper attempt to reference {self.sig[v.tok][1]} as a multi-dimensional array",
                "D_AGG_MDIM",
            )
        for n, key in enumerate(keys):
            if key.t.kind == ty.VOID:
                raise self.err(key.tok, f"aggregation key #{n + 1} may not be of void type", "D_KEY_TYPE")
            if key.agg:  # (dt_ident.c: an aggregation is <DYN>)
                raise self.err(
                    key.tok,
                    f"aggregation expression may not be used as aggregation index: key #{n + 1}",
                    "D_KEY_TYPE",
                )

    def agg_operand(self, op: str, opi: int, a: Val, b: Val) -> DError:
        """libdtrace's error for an aggregation as an operand of op (its type is <DYN>, dt_cook_op2)."""
        if op in ("&&", "||", "^^"):
            msg, code = f"operator {op} requires operands of scalar type", "D_OP_SCALAR"
        elif op in ("*", "/"):
            msg, code = f"operator {op} requires operands of arithmetic type", "D_OP_ARITH"
        elif op in ("+", "-", "==", "!=", "<", ">", "<=", ">="):
            names = ["aggregation" if v.agg else v.t.name for v in (a, b)]
            msg, code = f'operands have incompatible types: "{names[0]}" {op} "{names[1]}"', "D_OP_INCOMPAT"
        else:
            msg, code = f"operator {op} requires operands of integral type", "D_OP_INT"
        agg = a if a.agg else b  # (reported at the aggregation: the hint is about it)
        return self.err(
            agg.tok, f"{msg} ({self.sig[agg.tok][1]} is an aggregation: print it with printa())", code
        )

    def op1(self, op: str, opi: int, v: Val) -> Val:
        t = v.t
        if v.agg:
            hint = f" ({self.sig[v.tok][1]} is an aggregation: print it with printa())"
            if op == "&":
                raise self.err(v.tok, "cannot take address of dynamic variable" + hint, "D_ADDROF_VAR")
            if op == "*":
                raise self.err(v.tok, "cannot dereference non-pointer type" + hint, "D_DEREF_NONPTR")
            if op in ("-", "+"):
                raise self.err(
                    v.tok, f"operator {op} requires an operand of arithmetic type" + hint, "D_OP_ARITH"
                )
            if op == "~":
                raise self.err(v.tok, "operator ~ requires an operand of integral type" + hint, "D_OP_INT")
            raise self.err(v.tok, f"operator {op} requires an operand of scalar type" + hint, "D_OP_SCALAR")
        if op in ("-", "+"):
            if not t.arith:
                raise self.err(opi, f"operator {op} requires an operand of arithmetic type", "D_OP_ARITH")
            return Val(t, opi, -v.c if op == "-" and v.c is not None else v.c)
        if op == "~":
            if not t.integer:
                raise self.err(opi, "operator ~ requires an operand of integral type", "D_OP_INT")
            return Val(t, opi, (~v.c) if v.c is not None else None)
        if op == "!":
            if not t.scalar:
                raise self.err(opi, "operator ! requires an operand of scalar type", "D_OP_SCALAR")
            return Val(ty.T_INT, opi, int(not v.c) if v.c is not None else None)
        if op == "*":
            if t.kind == ty.PTR:
                if t.ref is not None and t.ref.kind == ty.VOID:
                    raise self.err(opi, "cannot dereference pointer to void", "D_DEREF_VOID")
                return Val(ty.deref(t), opi, lv="deref")
            if t.kind not in (ty.DYN,):
                raise self.err(opi, "cannot dereference non-pointer type", "D_DEREF_NONPTR")
            return Val(ty.T_DYN, opi, lv="deref")
        # &
        if v.lv == "bitfield":
            raise self.err(opi, "cannot take address of bit-field", "D_ADDROF_BITFIELD")
        if v.lv == "dyn" or v.lv == "var":
            raise self.err(opi, "cannot take address of dynamic variable", "D_ADDROF_VAR")
        if v.lv is None and v.t.kind != ty.DYN:
            raise self.err(opi, "unacceptable operand for unary & operator", "D_ADDROF_LVAL")
        return Val(ty.pointer_to(t), opi)

    def incdec(self, op: str, opi: int, v: Val) -> None:
        if v.agg:
            return
        if not v.t.scalar:
            raise self.err(opi, f"operator {op} requires operand of scalar type", "D_OP_SCALAR")
        if v.lv is None:
            if self.read_only(v, opi):
                raise self.err(opi, f"operator {op} can only be applied to a writable variable", "D_OP_WRITE")
            raise self.err(opi, f"operator {op} requires modifiable lvalue as an operand", "D_OP_LVAL")

    def read_only(self, v: Val, opi: int) -> bool:
        """A built-in variable alone (``pid = 1``, ``timestamp++``): an lvalue dtrace will not write."""
        name = self.sig[v.tok][1]
        return name in V.D_BUILTINS and name != "NULL" and abs(opi - v.tok) == 1

    def member(self, v: Val, op: str, opi: int, member: str) -> Val:
        t = v.t
        if v.agg:
            return Val(ty.T_DYN, v.tok, lv="mem")
        if op == "->":
            if t.kind in (ty.INT, ty.STR, ty.SOU, ty.VOID, ty.STACK, ty.SYM):
                raise self.err(opi, "operator -> must be applied to a pointer", "D_OP_PTR")
            if t.kind == ty.PTR:
                ref = t.ref
                if ref is not None and ref.kind not in (ty.SOU, ty.DYN):
                    raise self.err(
                        opi,
                        f'operator -> cannot be applied to pointer to type "{ref.name}"; '
                        "must be applied to a struct or union pointer",
                        "D_OP_SOU",
                    )
                if ref is not None and ref.kind == ty.SOU:
                    return self.sou_member(ref, member, opi)
            return Val(ty.T_DYN, v.tok, lv="mem")
        if t.kind in (ty.INT, ty.STR, ty.PTR, ty.VOID):
            raise self.err(
                opi,
                f'operator . cannot be applied to type "{t.name}"; must be applied to a struct or union',
                "D_OP_SOU",
            )
        if t.kind == ty.SOU:
            return self.sou_member(t, member, opi)
        return Val(ty.T_DYN, v.tok, lv="mem")

    def sou_member(self, sou: DType, member: str, opi: int) -> Val:
        members = self.syms.sous.get(sou.name)
        if members is None:
            if sou.name in self.syms.forward:
                raise self.err(
                    opi,
                    f"operator -> cannot be applied to a forward declaration: no {sou.name} definition is available",
                    "D_OP_INCOMPLETE",
                )
            return Val(ty.T_DYN, opi, lv="mem")
        mt = members.get(member)
        if mt is None:
            raise self.err(opi + 1, f"{member} is not a member of {sou.name}", "D_TYPE_MEMBER")
        return Val(mt, opi, lv="bitfield" if (sou.name, member) in self.syms.bitfields else "mem")

    def check_keys(self, v: Val, var: Var, keys: list[Val]) -> None:
        name = self.sig[v.tok][1]
        if var.keys is None:
            var.keys = [k.t for k in keys]
            return
        if len(keys) != len(var.keys):
            n = len(keys)
            raise self.err(
                v.tok,
                f"{name}[ ] prototype mismatch: {n} key{'' if n == 1 else 's'} passed, {len(var.keys)} expected",
                "D_PROTO_LEN",
            )
        for n, (want, got) in enumerate(zip(var.keys, keys, strict=True)):
            sou = want.kind == ty.SOU and got.t.kind == ty.SOU and want.name != got.t.name
            if sou or (
                (want.kind == ty.STR) != (got.t.kind == ty.STR) and ty.DYN not in (want.kind, got.t.kind)
            ):
                raise self.err(
                    got.tok,
                    f"{name}[ ] key #{n + 1} is incompatible with prototype: "
                    f"prototype: {want.name}; argument: {got.t.name}",
                    "D_PROTO_ARG",
                )

    def assign(self, lhs: Val, op: str, opi: int, rhs: Val, start: int, lhs_keys: list[Val]) -> Val:
        if lhs.agg:
            if op == "=" and self.calls.last_agg is not None and self.calls.last_agg[0] == rhs.tok:
                self.calls.define_agg(self.sig[lhs.tok], lhs_keys, self.calls.last_agg)
            return Val(ty.T_DYN, start, agg=True)  # @a = count(): the linter's aggregation checks
        if lhs.lv is None:
            if self.read_only(lhs, opi):
                raise self.err(opi, f"operator {op} can only be applied to a writable variable", "D_OP_WRITE")
            raise self.err(opi, f"operator {op} requires modifiable lvalue as an operand", "D_OP_LVAL")
        if rhs.t is _T_ACTION:
            raise self.err(opi, "action cannot be used in a conditional context", "D_OP_ACT")
        var = lhs.var
        if rhs.agg:
            return Val(ty.T_DYN, start)
        if var is not None and var.inline:
            raise self.err(opi, f"operator {op} can only be applied to a writable variable", "D_OP_WRITE")
        if rhs.alloca == "mixed":
            raise self.err(
                opi,
                "ternary conditional with alloca and non-alloca branches cannot be assigned to a variable",
                "D_ALLOCA_INCOMPAT",
            )
        if op == "=" and var is not None and rhs.t.kind == ty.PTR and rhs.c != 0:
            if var.alloca is not None and var.alloca != bool(rhs.alloca):
                name = self.sig[lhs.tok][1]  # reported for the clause, as dt_cc.c does
                raise self.err(
                    self.clause_start,
                    f"{name}: cannot reuse the same identifier for both alloca and non-alloca allocations",
                    "D_ALLOCA_INCOMPAT",
                )
            var.alloca = bool(rhs.alloca)
        lt, rt = lhs.t, rhs.t
        if lt.kind == "array":
            raise self.err(
                opi, f'operator {op} may not be applied to operand of type "{lt.name}"', "D_OP_ARRFUN"
            )
        if var is not None and not var.typed:
            var.typed = True  # the first assignment types the variable
            var.type = rt if rt.kind != ty.VOID and op == "=" else ty.T_DYN
            return Val(rt, start)
        if rt.kind == ty.VOID and lt.kind != ty.DYN:
            raise self.err(opi, f'operands have incompatible types: "{lt.name}" {op} "void"', "D_OP_INCOMPAT")
        if lt.kind == ty.DYN or rt.kind == ty.DYN or (op == "=" and rhs.c == 0):
            return Val(lt, start)  # (assigning 0 frees a dynamic variable of any type)
        if op == "=":
            bad = (lt.kind == ty.STR) != (rt.kind == ty.STR) and not (lt.stringish and rt.stringish)
            bad = bad or (lt.kind == ty.SOU and (rt.kind != ty.SOU or rt.name != lt.name))
            bad = bad or {lt.kind, rt.kind} == {ty.INT, ty.PTR}
        elif op in ("+=", "-="):
            bad = not (lt.scalar and rt.scalar) or lt.kind == ty.STR or rt.kind == ty.STR
            void_ptr = lt.kind == ty.PTR and lt.ref is not None and lt.ref.kind == ty.VOID
            if not bad and not (lt.integer and rt.integer) and (lt.kind != ty.PTR or void_ptr):
                raise self.err(
                    opi, f"operator {op} requires left-hand scalar operand of known size", "D_OP_VFPTR"
                )
        else:
            bad = not (lt.integer and rt.integer)
        if bad:
            raise self.err(
                opi, f'operands have incompatible types: "{lt.name}" {op} "{rt.name}"', "D_OP_INCOMPAT"
            )
        return Val(lt, start)

    def ternary_type(self, c: Val, q: int, a: Val, b: Val) -> Val:
        """The type of ``c ? a : b`` (the ``?`` at token q)."""
        if not c.t.scalar:
            raise self.err(q, "operator ?: expression must be of scalar type", "D_OP_SCALAR")
        if a.t.kind == ty.VOID or b.t.kind == ty.VOID:
            return Val(_T_ACTION, c.tok)  # "cond ? printf(...) : 1;" is fine as a statement
        if (
            (a.t.kind == ty.STR) != (b.t.kind == ty.STR)
            and ty.DYN not in (a.t.kind, b.t.kind)
            and a.c != 0
            and b.c != 0
        ):
            raise self.err(q, "operator ?: operands must have compatible types", "D_OP_INCOMPAT")
        if c.c is not None and a.c is not None and b.c is not None:
            return Val(a.t, c.tok, a.c if c.c else b.c)
        if a.t.kind == ty.PTR and b.t.kind == ty.PTR and bool(a.alloca) != bool(b.alloca):
            mixed = Val(a.t, c.tok)
            mixed.alloca = "mixed"  # an error once assigned (operators.assign)
            return mixed
        if a.t.kind == ty.DYN or b.t.kind == ty.DYN:
            return Val(ty.T_DYN, c.tok)
        out = Val(b.t if a.c == 0 else a.t, c.tok)
        out.alloca = a.alloca or b.alloca
        return out


def _wider(a: DType, b: DType) -> DType:
    if a.kind == ty.DYN:
        return b if b.kind != ty.DYN else a
    if b.kind == ty.DYN:
        return a
    return a if a.name not in ("int", "char", "short") else b


def _fold(op: str, a: int, b: int) -> int | None:
    try:
        if op == "+":
            v = a + b
        elif op == "-":
            v = a - b
        elif op == "*":
            v = a * b
        elif op == "/":
            q = abs(a) // abs(b)
            v = q if (a < 0) == (b < 0) else -q
        elif op == "%":
            v = a - b * int(a / b)
        elif op == "&":
            v = a & b
        elif op == "|":
            v = a | b
        elif op == "^":
            v = a ^ b
        elif op == "<<":
            v = (a << b) & _MASK if 0 <= b < 64 else 0
        elif op == ">>":
            v = a >> b if 0 <= b < 64 else 0
        elif op == "==":
            v = int(a == b)
        elif op == "!=":
            v = int(a != b)
        elif op == "<":
            v = int(a < b)
        elif op == ">":
            v = int(a > b)
        elif op == "<=":
            v = int(a <= b)
        elif op == ">=":
            v = int(a >= b)
        elif op == "&&":
            v = int(bool(a) and bool(b))
        elif op == "||":
            v = int(bool(a) or bool(b))
        else:
            v = int(bool(a) != bool(b))
    except (ArithmeticError, ValueError):
        return None
    return v
