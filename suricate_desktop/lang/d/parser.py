"""D's statements and expressions (dt_grammar.y), parsed and typed in one pass (dt_cook.c).

The parser walks the lexer's significant tokens of one predicate or clause body
(the linter's structure phase has already matched the brackets and split the
clauses).  Each expression is typed as it is reduced, so there is no tree to
build and walk again: :class:`Val` carries what the checks need (type, constant
value, whether it is an lvalue, an aggregation, a variable).  Given a
:class:`.tree.Trees`, it also builds each expression's syntax tree (``Val.node``)
and the clauses' statements: the translator reads D through this parser, so that
lint and translate cannot disagree on the grammar.  The first error
raises :class:`.errors.DError`, as libdtrace stops at its first error.

What each operator may be applied to is judged in :mod:`.operators`; calls
(actions, subroutines, aggregating functions, printf formats) in :mod:`.calls`;
outer declarations in :mod:`.decls`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import vocabulary_d as V
from ..lint_base import Linter
from ..tokens import Token, TokenType
from . import tree as N
from . import types as ty
from .errors import DError
from .operators import _BUILTIN_TYPES, Operators, Val
from .symbols import Symbols, Var
from .types import DType

if TYPE_CHECKING:
    from .calls import CallChecker

T = TokenType
_NUM, _STR, _MACRO, _AGG, _VAR = T.NUMBER, T.STRING, T.MACRO, T.AGGREGATION, T.VARIABLE
_KW, _OP, _PUNCT = T.KEYWORD, T.OPERATOR, T.PUNCTUATION
_NAMES = frozenset({T.IDENTIFIER, T.BUILTIN, T.ACTION, T.AGG_FUNC})

#: binary operators and their precedence (C's, with D's ^^ between || and &&)
BINARY = {
    "||": 1,
    "^^": 2,
    "&&": 3,
    "|": 4,
    "^": 5,
    "&": 6,
    "==": 7,
    "!=": 7,
    "<": 8,
    ">": 8,
    "<=": 8,
    ">=": 8,
    "<<": 9,
    ">>": 9,
    "+": 10,
    "-": 10,
    "*": 11,
    "/": 11,
    "%": 11,
}
ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="})
#: words that start a type name (a cast, sizeof, a declaration)
TYPE_WORDS = frozenset(
    {
        "char",
        "short",
        "int",
        "long",
        "signed",
        "unsigned",
        "void",
        "string",
        "struct",
        "union",
        "enum",
        "const",
        "volatile",
        "float",
        "double",
        "restrict",
    }
)
#: tokens that are a whole operand, and what may follow an operand that ends an expression
_SIMPLE = frozenset({_NUM, _STR, _MACRO, _AGG, _VAR, T.IDENTIFIER, T.BUILTIN})
_AFTER_OPERAND = frozenset({",", ";", ")", "]"})
_POSTFIX = frozenset({"[", "(", "->", ".", "++", "--"})
_CHAR = re.compile(r"\\(?:x[0-9a-fA-F]+|[0-7]{1,3}|.)|.", re.S)
_CONST_NAME = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")


_int_value = Linter.int_value  # (bound once: a number is the second commonest operand)


def is_const_name(name: str) -> bool:
    """SIGKILL, EPERM, B_READ: constants of DTrace's D libraries (we do not have them)."""
    return name[:1].isupper() and all(ch in _CONST_NAME for ch in name)


class Parser(Operators):
    """Parses and types one clause (predicate and body) at a time."""

    def __init__(
        self, sig: list[Token], match: dict[int, int], syms: Symbols, calls: CallChecker, quiet: bool = False
    ) -> None:
        self.quiet = quiet  # syntax only: a statement's type error skips the statement
        self.sig = sig
        self.match = match
        self.syms = syms
        self.calls = calls
        self.i = 0
        self.end = 0
        self.clause_start = 0
        self.agg_keys: list[Val] = []  # the keys of the last aggregation read (@a[k1, k2])
        self.trees: N.Trees | None = None  # set: build the syntax tree too (for translate)
        self.stmts: list[N.Stmt] = []  # the statements of the block being read (building a tree)
        self.keys_read: list[Val] = []  # the subscripts of the last [...] read (building a tree)

    # ---- tokens ----
    def text(self) -> str:
        return self.sig[self.i][1] if self.i < self.end else ""

    def near(self, i: int | None = None) -> DError:
        i = self.i if i is None else i
        if i >= len(self.sig):
            return DError(None, "syntax error near end of input", "D_SYNTAX")
        return DError(self.sig[i], f'syntax error near "{self.sig[i][1]}"', "D_SYNTAX")

    def expect(self, s: str) -> int:
        if self.i < self.end and self.sig[self.i][1] == s:
            self.i += 1
            return self.i - 1
        raise self.near()

    def err(self, i: int, message: str, code: str) -> DError:
        return DError(self.sig[i], message, code)

    # ---- the syntax tree (only when self.trees is set) ----
    def at(self, k: int) -> tuple[int, int]:
        tok = self.sig[k]
        return tok[2], tok[3]

    @staticmethod
    def tree(out: Val, node: N.Node, *parts: Val) -> Val:
        """``out`` with its syntax tree (a copy when the checks returned one of the operands itself)."""
        if any(out is p for p in parts):
            copy = Val(out.t, out.tok, out.c, out.lv, out.agg, out.var, out.const)
            copy.alloca = out.alloca
            out = copy
        out.node = node
        return out

    @staticmethod
    def node(v: Val) -> N.Node:
        assert v.node is not None  # every reduction builds one in tree mode
        return v.node

    # ---- statements ----
    def predicate(self, a: int, b: int) -> Val | None:
        self.i, self.end = a, b
        if a == b:
            raise self.near(b)
        try:
            v = self.expr()
        except DError as e:
            if self.quiet and e.code != "D_SYNTAX":
                return None
            raise
        if self.i < b:
            raise self.near()
        if not v.t.scalar and not v.agg:
            raise self.err(a, "predicate result must be of scalar type", "D_PRED_SCALAR")
        return v

    def body(self, a: int, b: int) -> list[N.Stmt]:
        """The clause body's statements (a list only when building a tree)."""
        self.i, self.end = a, b
        self.calls.begin_clause()
        self.stmts = []
        while self.i < b:
            self.statement(b)
        return self.stmts

    def statement(self, end: int) -> None:
        sig = self.sig
        tok = sig[self.i]
        s = tok[1]
        if (s == ";" and tok[0] is _PUNCT) or tok[0] is T.PRAGMA:
            self.i += 1  # (a #pragma line may sit in a clause)
            return
        if tok[0] is _KW:
            if s == "if":
                self.if_statement(end)
                return
            if s in TYPE_WORDS or s in ("typedef", "inline", "translator", "extern", "static"):
                raise self.near()
            if s in ("self", "this") and self.i + 1 < end and sig[self.i + 1][1] in TYPE_WORDS:
                raise self.near(self.i + 1)
        if s == "{" and tok[0] is _PUNCT:
            raise self.near()
        saved = self.end
        try:
            v = self.expr()
        except DError as e:
            if not self.quiet or e.code == "D_SYNTAX":
                raise
            self.end = saved  # (an error inside parentheses leaves their bound)
            while self.i < end and sig[self.i][1] != ";":  # skip to the end of the statement
                self.i = self.match.get(self.i, self.i) + 1
            self.i += 1
            return
        if v.agg:
            self.null_effect(v)
        self.calls.statement_done(v)
        if self.trees is not None:
            node = self.node(v)
            self.stmts.append(N.ExprStmt(node.line, node.col, node))
        if self.i < end:
            if sig[self.i][1] == ";":
                self.i += 1
            else:
                raise self.near()

    def if_statement(self, end: int) -> None:
        if_at = self.i
        outer = self.stmts
        self.i += 1
        self.expect("(")
        close = self.match.get(self.i - 1)
        saved = self.end
        if close is not None:
            self.end = close
        v = self.expr()
        if self.i != close:
            raise self.near()
        self.end = saved
        self.i += 1
        if not v.t.scalar:
            raise self.err(v.tok, "if-condition must be of scalar type", "D_COND_SCALAR")
        then: list[N.Stmt] = []
        self.stmts = then
        self.branch(end)
        other: list[N.Stmt] | None = None
        if self.i < end and self.sig[self.i][1] == "else" and self.sig[self.i][0] is _KW:
            self.i += 1
            self.stmts = other = []
            self.branch(end)
        self.stmts = outer
        if self.trees is not None:
            outer.append(N.If(*self.at(if_at), self.node(v), then, other))

    def branch(self, end: int) -> None:
        if self.i < end and self.sig[self.i][1] == "{":
            close = self.match.get(self.i)
            if close is None:
                raise self.near()
            self.i += 1
            while self.i < close:
                self.statement(close)
            self.i = close + 1
        elif self.i < end:
            self.statement(end)
        else:
            raise self.near()

    # ---- expressions ----
    def expr(self) -> Val:
        """expression: assignment_expression (',' assignment_expression)*"""
        v = self.assignment()
        while self.i < self.end and self.sig[self.i][1] == "," and self.sig[self.i][0] is _PUNCT:
            comma = self.i
            self.i += 1
            v = self.assignment()
            if self.trees is not None:
                v = self.tree(v, N.Refused(*self.at(comma), "the comma operator has no bpftrace equivalent"))
        return v

    def assignment(self) -> Val:
        start = self.i
        sig = self.sig
        # fast path: a lone operand (most call arguments and keys: arg0, execname, "x", @a)
        if start < self.end and sig[start][0] in _SIMPLE and sig[start + 1][1] in _AFTER_OPERAND:
            return self.primary()
        lhs = self.binary(1)  # (the conditional level, inlined: most expressions have no "?")
        if self.i < self.end:
            tok = sig[self.i]
            op = tok[1]
            if op == "?":
                lhs = self.ternary(lhs)
                if self.i >= self.end:
                    return lhs
                tok = sig[self.i]
                op = tok[1]
            if op in ASSIGN and tok[0] is _OP:
                opi = self.i
                self.i += 1
                keys = self.agg_keys if lhs.agg else []
                self.calls.last_agg = None
                rhs = self.assignment()
                out = self.assign(lhs, op, opi, rhs, start, keys)
                if self.trees is not None:
                    left = self.node(lhs)
                    out = self.tree(out, N.Assign(left.line, left.col, op, left, self.node(rhs)), lhs, rhs)
                return out
        return lhs

    def conditional(self) -> Val:
        c = self.binary(1)
        if self.i < self.end and self.sig[self.i][1] == "?":
            return self.ternary(c)
        return c

    def ternary(self, c: Val) -> Val:
        """``c ? a : b``, the parser at the "?" (with its tree when translate asks for one)."""
        q = self.i
        self.i += 1
        a = self.expr()
        self.expect(":")
        b = self.conditional()
        out = self.ternary_type(c, q, a, b)
        if self.trees is not None:
            cond = self.node(c)
            node = N.Ternary(cond.line, cond.col, cond, self.node(a), self.node(b))
            out = self.tree(out, node, c, a, b)
        return out

    def binary(self, prec: int) -> Val:
        sig = self.sig
        i = self.i
        tok = sig[i] if i < self.end else None
        if tok is None:
            left = self.cast()  # (raises: nothing left to parse)
        elif tok[0] in _SIMPLE and sig[i + 1][1] not in _POSTFIX:
            left = self.primary()  # fast path: an operand with nothing after it to apply
        elif tok[0] is not _OP and tok[0] is not _KW and tok[1] != "(":
            left = self.postfix()  # no cast, no unary operator: straight to the postfix level
        else:
            left = self.cast()
        while self.i < self.end:
            tok = sig[self.i]
            p = BINARY.get(tok[1])
            if p is None or p < prec or tok[0] is not _OP:
                break
            opi = self.i
            self.i += 1
            right = self.binary(p + 1)
            out = self.op2(tok[1], opi, left, right)
            if self.trees is not None:
                a = self.node(left)
                out = self.tree(out, N.Binary(a.line, a.col, tok[1], a, self.node(right)), left, right)
            left = out
        return left

    def cast(self) -> Val:
        sig = self.sig
        if self.i < self.end and sig[self.i][1] == "(" and self.is_type_start(self.i + 1):
            open_ = self.i
            close = self.match.get(open_)
            if close is None:
                raise self.near()
            t = self.type_name(open_ + 1, close)
            self.i = close + 1
            v = self.cast()
            if v.t.kind == ty.VOID or (t.kind == ty.SOU and v.t.kind not in (ty.SOU, ty.DYN)):
                raise self.err(open_, f'invalid cast expression: "{v.t.name}" to "{t.name}"', "D_CAST_INVAL")
            if t.kind == ty.STR and v.t.kind == ty.INT and not v.const:
                pass  # (string) of an integer: libdtrace accepts it for char arrays
            out = Val(t, open_, v.c if t.kind == ty.INT else None)
            out.alloca = v.alloca
            if self.trees is not None:
                words = " ".join(tok[1] for tok in sig[open_ + 1 : close])
                out.node = N.Cast(*self.at(open_), words, self.node(v))
            return out
        return self.unary()

    def is_type_start(self, i: int) -> bool:
        if i >= self.end:
            return False
        tok = self.sig[i]
        s = tok[1]
        if tok[0] is _KW and s in TYPE_WORDS:
            return True
        if tok[0] is T.IDENTIFIER and (s in self.syms.typedefs or s in ty.INT_TYPEDEFS or s.endswith("_t")):
            nxt = self.sig[i + 1][1] if i + 1 < len(self.sig) else ""
            return nxt in (")", "*")
        return False

    def type_name(self, a: int, b: int) -> DType:
        """The type a cast or sizeof names: the tokens a..b (exclusive)."""
        words = [self.sig[k][1] for k in range(a, b)]
        if not words or words[0] == "*":
            raise self.near(a)
        bad = ty.type_words_error(words)
        if bad is not None:
            raise self.err(a, *bad)
        name = " ".join(words)
        base = name.replace("*", "").split()
        if base and base[-1] in self.syms.typedefs:
            return ty.T_DYN if "*" not in name else ty.pointer_to(ty.T_DYN)
        return ty.named(name)

    def unary(self) -> Val:
        if self.i >= self.end:
            raise self.near()
        tok = self.sig[self.i]
        s = tok[1]
        start = self.i
        if tok[0] is _OP:
            if s in ("++", "--"):
                self.i += 1
                v = self.unary()
                self.incdec(s, start, v)
                out = Val(v.t, start)
                if self.trees is not None:
                    out.node = N.Unary(*self.at(start), s, self.node(v))
                return out
            if s in ("-", "+", "~", "!", "*", "&"):
                self.i += 1
                v = self.cast()
                out = self.op1(s, start, v)
                if self.trees is not None:
                    out = self.tree(out, N.Unary(*self.at(start), s, self.node(v)), v)
                return out
            raise self.near()
        if tok[0] is _KW:
            if s == "sizeof":
                self.i += 1
                words = ""
                if self.text() == "(" and self.is_type_start(self.i + 1):
                    close = self.match[self.i]
                    if self.type_name(self.i + 1, close).kind == ty.VOID:
                        raise self.err(
                            start, "cannot apply sizeof to an operand of unknown size", "D_SIZEOF_TYPE"
                        )
                    words = " ".join(tok[1] for tok in self.sig[self.i + 1 : close])
                    self.i = close + 1
                else:
                    v = self.unary()
                    if v.t.kind == ty.VOID:
                        raise self.err(
                            start, "cannot apply sizeof to an operand of unknown size", "D_SIZEOF_TYPE"
                        )
                    if v.lv == "bitfield":
                        raise self.err(start, "cannot apply sizeof to a bit-field", "D_SIZEOF_BITFIELD")
                out = Val(ty.named("size_t"), start, const=True)
                if self.trees is not None:
                    out.node = N.sizeof(*self.at(start), words)
                return out
            if s == "stringof":
                self.i += 1
                v = self.unary()
                if v.t.kind == ty.VOID:
                    raise self.err(start, "cannot apply stringof to a value of type void", "D_STRINGOF_TYPE")
                out = Val(ty.T_STRING, start)
                if self.trees is not None:
                    out.node = N.Call(*self.at(start), "stringof", [self.node(v)])
                return out
        return self.postfix()

    def postfix(self) -> Val:
        v = self.primary()
        sig = self.sig
        while self.i < self.end:
            tok = sig[self.i]
            s = tok[1]
            base = v
            if s == "[" and tok[0] is _PUNCT:
                v = self.subscript(v)
                if self.trees is not None:
                    b = self.node(base)
                    v = self.tree(v, N.Index(b.line, b.col, b, [self.node(k) for k in self.keys_read]), base)
            elif (s == "->" or s == ".") and tok[0] is _OP:
                opi = self.i
                self.i += 1
                if self.i >= self.end or (sig[self.i][0] not in _NAMES and sig[self.i][0] is not _KW):
                    raise self.near()
                member = sig[self.i][1]
                self.i += 1
                v = self.member(v, s, opi, member)
                if self.trees is not None:
                    b = self.node(base)
                    v = self.tree(v, N.Member(b.line, b.col, b, member, s == "->"), base)
            elif s in ("++", "--") and tok[0] is _OP:
                self.incdec(s, self.i, v)
                self.i += 1
                v = Val(v.t, v.tok)
                if self.trees is not None:
                    b = self.node(base)
                    v.node = N.Unary(b.line, b.col, s, b, postfix=True)
            else:
                break
        return v

    def subscript(self, v: Val) -> Val:
        open_ = self.i
        close = self.match.get(open_)
        if close is None:
            raise self.near()
        keys = self.arglist(open_ + 1, close)
        self.keys_read = keys
        self.i = close + 1
        if v.agg:
            self.agg_keys_check(v, open_, keys)
            self.agg_keys = keys
            return Val(ty.T_DYN, v.tok, agg=True)
        var = v.var
        if var is not None and var.array is not None and len(keys) != 1:
            name = self.sig[v.tok][1]
            raise self.err(v.tok, f"cannot access scalar {name} as an associative array", "D_ARR_BADREF")
        if var is not None and not var.assoc and var.array is None and var.type.kind == ty.INT and var.typed:
            name = self.sig[v.tok][1]
            raise self.err(v.tok, f"cannot access scalar {name} as an associative array", "D_ARR_BADREF")
        bound = var.array if var is not None else None
        index = keys[0].c if len(keys) == 1 else None
        if bound is not None and index is not None and not 0 <= index < bound:
            raise self.err(
                keys[0].tok, f"index outside array bounds: {index}, max is {bound}", "D_ARR_BOUNDS"
            )
        if var is not None and var.assoc:
            self.check_keys(v, var, keys)
            return Val(var.type, v.tok, lv="dyn", var=var)
        if v.t.kind == ty.PTR:
            return Val(ty.deref(v.t), v.tok, lv="deref")
        if self.sig[v.tok][1] == "args" and len(keys) == 1 and not keys[0].t.integer:
            raise self.err(
                keys[0].tok,
                f"args[ ] argument #1 is incompatible with prototype: prototype: int; argument: {keys[0].t.name}",
                "D_PROTO_ARG",
            )
        if self.sig[v.tok][1] == "args" and len(keys) == 1 and keys[0].c is not None and keys[0].c < 0:
            raise self.err(keys[0].tok, f"index {keys[0].c} is out of range for args[ ]", "D_ARGS_IDX")
        if var is None and v.lv == "pending":
            return Val(ty.T_DYN, v.tok, lv="dyn")
        return Val(ty.T_DYN, v.tok, lv="mem")

    def arglist(self, a: int, b: int) -> list[Val]:
        """The comma-separated expressions between a and b (exclusive)."""
        saved = self.end
        self.i, self.end = a, b
        out: list[Val] = []
        if a < b:
            while True:
                out.append(self.assignment())
                if self.i >= b:
                    break
                if self.sig[self.i][1] != ",":
                    raise self.near()
                self.i += 1
                if self.i >= b:
                    raise self.near()
        self.end = saved
        return out

    def primary(self) -> Val:
        v = self._primary()
        if self.trees is not None and v.node is None:
            v.node = self.leaf(v.tok)
        return v

    def leaf(self, k: int) -> N.Node:
        """The tree of the operand at token k (a constant, a name, a variable)."""
        tok = self.sig[k]
        tt, s = tok[0], tok[1]
        line, col = tok[2], tok[3]
        if tt is _NUM:
            digits = s.rstrip("uUlL")
            value = _int_value(s) or 0
            return N.Num(line, col, value, digits if digits[:2] in ("0x", "0X") else str(value))
        if tt is _STR:
            if s[0] == "'":
                body = s[1:-1].encode().decode("unicode_escape").encode("latin-1")
                value = int.from_bytes(body[:8], "big")
                return N.Num(line, col, value, str(value))
            return N.Str(line, col, s)
        if tt is _MACRO:
            return N.Macro(line, col, s)
        if tt is _AGG:
            return N.Agg(line, col, s[1:])
        if tt is _VAR:
            scope, _, name = s.partition("->")
            return N.Var(line, col, scope.strip(), name.strip())
        if tt is _KW and s in ("self", "this"):
            return N.Var(line, col, s, self.sig[k + 2][1])
        if tt is _KW:  # offsetof, xlate
            return N.Refused(line, col, f"{s}: needs C types, which bpftrace scripts lack")
        return N.Name(line, col, s)

    def _primary(self) -> Val:
        if self.i >= self.end:
            raise self.near()
        sig = self.sig
        k = self.i
        tok = sig[k]
        tt, s = tok[0], tok[1]
        self.i += 1
        if tt in _NAMES:  # (the commonest operand first: the branches are one per token type)
            if self.i < self.end and sig[self.i][1] == "(" and sig[self.i][0] is _PUNCT:
                close = self.match.get(self.i)
                if close is None:
                    raise self.near()
                args = self.arglist(self.i + 1, close)
                self.i = close + 1
                out = self.calls.call(k, s, args, close)
                if self.trees is not None:
                    out = self.tree(out, N.Call(*self.at(k), s, [self.node(a) for a in args]), *args)
                return out
            return self.identifier(k, s)
        if tt is _NUM:
            return Val(ty.T_INT, k, _int_value(s))
        if tt is _STR:
            if s[0] == "'":
                chars = _CHAR.findall(s[1:-1])  # each escape (\\n, \\x41, \\101) is one character
                if len(chars) > 8:
                    raise self.err(k, "character constant is too long", "D_CHR_OFLOW")
                one = len(chars) == 1 and not chars[0].startswith("\\")
                return Val(ty.T_CHAR, k, ord(chars[0]) if one else None, const=True)
            return Val(ty.T_STRING, k)
        if tt is _MACRO:
            return self.macro(k, s)
        if tt is _AGG:
            self.agg_keys = []
            return Val(ty.T_DYN, k, agg=True)
        if tt is _VAR:
            scope, _, name = s.partition("->")
            return self.variable(k, scope, name)
        if s == "(" and tt is _PUNCT:
            close = self.match.get(k)
            if close is None:
                raise self.near(k)
            saved = self.end
            self.end = close
            v = self.expr()
            if self.i != close:
                raise self.near()
            self.end = saved
            self.i = close + 1
            out = Val(v.t, k, v.c, v.lv, v.agg, v.var, v.const)
            out.alloca = v.alloca
            out.node = v.node
            return out
        if tt is _KW:
            if s in ("self", "this") and self.i < self.end and sig[self.i][1] == "->":
                self.i += 1
                if self.i >= self.end or (sig[self.i][0] not in _NAMES and sig[self.i][0] is not _KW):
                    raise self.near()
                self.i += 1
                return self.variable(k, s, sig[self.i - 1][1])
            if s == "offsetof":
                return self.offsetof(k)
            if s == "xlate":
                return self.xlate(k)
            raise self.near(k)
        raise self.near(k)

    def macro(self, k: int, s: str) -> Val:
        if s.startswith("$$"):
            return Val(ty.T_STRING, k)
        name = s[1:]
        if name in ("pid", "ppid", "pgid", "sid", "uid", "gid", "target", "taskid", "projid", "zoneid"):
            return Val(ty.named("pid_t" if "pid" in name else "int"), k, const=True)
        return Val(ty.T_DYN, k, const=True)  # $1 .. $9: an integer or a string, known when dtrace runs

    def variable(self, k: int, scope: str, name: str) -> Val:
        if (
            scope == "this"
            and self.i < self.end
            and self.sig[self.i][1] == "["
            and self.syms.thises.get(name) is None  # (this->s[0] of a string is a character)
        ):
            raise self.err(
                k, f"associative arrays may not be declared as local variables: this->{name}", "D_ARR_LOCAL"
            )
        table = self.syms.scope(scope)
        var = table.get(name)
        if var is None:
            # typed by its first assignment (self.assign)
            var = Var(ty.T_DYN, assoc=self.i < self.end and self.sig[self.i][1] == "[")
            if scope + "->" + name not in self.syms.written:
                return Val(ty.T_DYN, k, lv="dyn")
            table[name] = var
            return Val(ty.T_DYN, k, lv="dyn", var=var)
        out = Val(var.type, k, lv="dyn", var=var)
        out.alloca = bool(var.alloca)
        return out

    def identifier(self, k: int, name: str) -> Val:
        var = self.syms.globals.get(name)
        if var is not None:
            if var.inline:
                return Val(var.type, k, var.value, const=var.value is not None)
            if var.assoc and not (self.i < self.end and self.sig[self.i][1] == "["):
                raise self.err(
                    k, f"associative array '{name}' may not be referenced as scalar", "D_IDENT_BADREF"
                )
            if var.array is not None and not (self.i < self.end and self.sig[self.i][1] == "["):
                return Val(ty.DType("array", f"{var.type.name} [{var.array}]"), k, lv="var", var=var)
            out = Val(var.type, k, lv="dyn" if var.assoc else "var", var=var)
            out.alloca = bool(var.alloca)
            return out
        if name in _BUILTIN_TYPES:
            if name in ("args", "uregs", "fds") and not (self.i < self.end and self.sig[self.i][1] == "["):
                raise self.err(k, f"array '{name}' may not be referenced as scalar", "D_IDENT_BADREF")
            return Val(_BUILTIN_TYPES[name], k, 0 if name == "NULL" else None)
        if name.endswith("`"):
            raise self.err(k, f"failed to resolve {name}: Unknown symbol name", "D_IDENT_UNDEF")
        if "`" in name:
            return Val(ty.T_DYN, k, lv="ksym")
        if name in self.syms.written:
            # a global exists from its first assignment on, in the order of the file (dt_cook_var)
            write = self.assigned_here(k)
            if write == "=" or write == "++":
                var = Var(ty.T_DYN, assoc=self.i < self.end and self.sig[self.i][1] == "[")
                self.syms.globals[name] = var
                return Val(ty.T_DYN, k, lv="dyn" if var.assoc else "var", var=var)
            if write:
                raise self.err(k, f"{name} has not yet been declared or assigned", "D_VAR_UNDEF")
        if name in V.D_FUNCTIONS:
            return Val(ty.T_DYN, k)
        if not self.syms.includes and not is_const_name(name) and not name.endswith("_t"):
            raise self.err(k, f"failed to resolve {name}: Unknown variable name", "D_IDENT_UNDEF")
        return Val(ty.T_DYN, k, lv="var")  # SIGKILL, EPERM: D library constants we do not have

    def assigned_here(self, k: int) -> str | None:
        """How the name at sig[k] is written here: "=", "++" (or "--"), "op=" (a compound one), or None."""
        sig = self.sig
        j = k + 1
        if j < self.end and sig[j][1] == "[" and j in self.match:
            j = self.match[j] + 1
        nxt = sig[j][1] if j < self.end else ""
        if nxt == "=":
            return "="
        if nxt in ("++", "--") or (k > 0 and sig[k - 1][1] in ("++", "--")):
            return "++"
        if nxt in ASSIGN:
            return "op="
        return None

    def offsetof(self, k: int) -> Val:
        self.expect("(")
        close = self.match.get(self.i - 1)
        if close is None:
            raise self.near()
        words = [t[1] for t in self.sig[self.i : close]]
        self.i = close + 1
        if "," in words:
            comma = words.index(",")
            tname, member = " ".join(words[:comma]), " ".join(words[comma + 1 :])
            t = ty.named(tname) if tname.split()[0] not in self.syms.typedefs else ty.T_DYN
            if t.kind not in (ty.SOU, ty.DYN):
                raise self.err(k, "offsetof operand must be a struct or union type", "D_OFFSETOF_TYPE")
            members = self.syms.sous.get(t.name)
            if members is not None and member not in members:
                raise self.err(
                    k, f"failed to determine offset of {member}: Member name not found", "D_UNKNOWN"
                )
            if (t.name, member) in self.syms.bitfields:
                raise self.err(k, f"cannot take offset of a bit-field: {member}", "D_OFFSETOF_BITFIELD")
        return Val(ty.named("size_t"), k, const=True)

    def xlate(self, k: int) -> Val:
        self.expect("<")
        depth = 1
        start = self.i
        while self.i < self.end and depth:
            s = self.sig[self.i][1]
            if s == "<":
                depth += 1
            elif s == ">":
                depth -= 1
            self.i += 1
        if depth:
            raise self.near()
        t = self.type_name(start, self.i - 1)
        self.expect("(")
        close = self.match.get(self.i - 1)
        if close is None:
            raise self.near()
        self.arglist(self.i, close)
        self.i = close + 1
        return Val(t if t.kind != ty.SOU else ty.T_DYN, k)

    # ---- assignment ----
