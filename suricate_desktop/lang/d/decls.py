"""Outer-scope declarations of D (dt_grammar.y's external_declaration, dt_decl.c): they fill the symbol table.

``inline int MAX = 10;`` (a constant lquantize can use), ``int x; self string s;``,
``int a[5]; int b[string, int];`` (arrays and associative arrays with their key
types), ``typedef``, ``struct``/``union``/``enum`` definitions, translators.
A declaration this parser does not follow is skipped, never reported: the
linter's syntax phase has already judged its structure.
"""

from __future__ import annotations

from .. import vocabulary_d as V
from ..tokens import Token, TokenType
from . import types as ty
from .errors import DError
from .parser import TYPE_WORDS, Parser
from .symbols import Symbols, Var
from .types import DType

T = TokenType
_NAMES = frozenset({T.IDENTIFIER, T.BUILTIN, T.ACTION, T.AGG_FUNC})
_STORAGE = frozenset({"extern", "static", "register", "auto", "const", "volatile", "restrict"})


class Declarations:
    """Reads the outer declarations of a program into :class:`.symbols.Symbols`."""

    def __init__(self, sig: list[Token], match: dict[int, int], syms: Symbols, parser: Parser) -> None:
        self.sig = sig
        self.match = match
        self.syms = syms
        self.parser = parser
        self.decl_start = 0
        self._defined_here: set[str] | None = None

    def close_of(self, k: int, b: int) -> int:
        """Index of the bracket closing sig[k] (the syntax phase matches brackets in clauses only)."""
        if k in self.match:
            return self.match[k]
        depth = 0
        for j in range(k, b):
            s = self.sig[j][1]
            if s in ("(", "[", "{"):
                depth += 1
            elif s in (")", "]", "}"):
                depth -= 1
                if depth == 0:
                    self.match[k] = j
                    return j
        return b - 1

    def err(self, k: int, message: str, code: str) -> DError:
        return DError(self.sig[k], message, code)

    def declaration(self, a: int, b: int) -> None:
        """sig[a:b] is one declaration, its ";" included."""
        sig = self.sig
        stack: list[int] = []
        for k in range(a, b):  # the syntax phase matches brackets in clauses only
            s = sig[k][1]
            if s in ("(", "[", "{"):
                stack.append(k)
            elif s in (")", "]", "}") and stack:
                self.match[stack.pop()] = k
        words = [t[1] for t in sig[a:b]]
        first = words[0]
        self.decl_start = a
        self.syms.declared = hash((self.syms.declared, *words))
        if first in ("register", "auto", "static"):
            raise self.err(a, "specified storage class not appropriate in D", "D_DECL_BADCLASS")
        if first == "inline":
            self.inline(a, b)
        elif first == "typedef":
            self.typedef(a, b)
        elif first == "translator":
            self.translator(a, b)
        elif first in ("provider", "import"):
            return
        elif first in ("struct", "union", "enum") and "{" in words:
            self.sou(a, b)
        elif (
            "{" in words
            and words.index("{") > 1
            and words[words.index("{") - 2] in ("struct", "union", "enum")
        ):
            try:
                self.type_words(a, b)  # "unsigned struct s { ... }"
            except DError as e:  # libdtrace sees the combination once it reads the "{"
                raise self.err(a + words.index("{"), e.message, e.code) from None
        else:
            self.variables(a, b)

    # ---- pieces ----
    def type_at(self, a: int, b: int) -> tuple[DType, int]:
        """The type named from sig[a] on (``unsigned long``, ``struct foo``, ``uint64_t``), and the index after it."""
        sig = self.sig
        k = a
        words: list[str] = []
        while k < b and sig[k][1] in _STORAGE:
            k += 1
        if k < b and sig[k][1] in ("struct", "union", "enum"):
            words = [sig[k][1], sig[k + 1][1]] if k + 1 < b else [sig[k][1]]
            k += 2
        else:
            while k < b and sig[k][0] is T.KEYWORD and sig[k][1] in TYPE_WORDS:
                words.append(sig[k][1])
                k += 1
            if not words and k < b and sig[k][0] in (T.IDENTIFIER, T.BUILTIN):
                words.append(sig[k][1])
                k += 1
        name = " ".join(words)
        if words and words[-1] in self.syms.typedefs:
            return ty.T_DYN, k
        return ty.named(name) if name else ty.T_DYN, k

    def inline(self, a: int, b: int) -> None:
        sig = self.sig
        t, k = self.type_at(a + 1, b)
        while k < b and sig[k][1] == "*":
            t = ty.pointer_to(t)
            k += 1
        if k >= b or sig[k][0] is not T.IDENTIFIER:
            return
        name = sig[k][1]
        eq = k + 1
        if eq < b and sig[eq][1] == "[":  # inline int f[int x] = x + 1: an inline function of its keys
            self.syms.globals[name] = Var(t, assoc=True, inline=True, typed=True)
            return
        if eq >= b or sig[eq][1] != "=":
            return
        p = self.parser
        p.i, p.end = eq + 1, b - 1
        v = p.expr()
        bad = (t.kind == ty.STR) != (v.t.kind == ty.STR) and ty.DYN not in (t.kind, v.t.kind)
        if bad:
            raise self.err(
                eq,
                f'inline {name} definition uses incompatible types: "{t.name}" = "{v.t.name}"',
                "D_OP_INCOMPAT",
            )
        if name in self.syms.globals:
            raise self.err(k, f"identifier redefined: {name}", "D_DECL_IDRED")
        if name in V.D_FUNCTIONS or name in V.D_BUILTINS:
            raise self.err(k, f"identifier redefined: {name}", "D_DECL_IDRED")
        self.syms.globals[name] = Var(t, value=v.c if t.kind == ty.INT else None, inline=True)
        if p.trees is not None:
            p.trees.inlines[name] = p.node(v)

    def typedef(self, a: int, b: int) -> None:
        sig = self.sig
        if "{" in [t[1] for t in sig[a:b]]:
            self.sou(a + 1, b, declare=False)  # typedef struct s { ... } name;
        name_tok = b - 2
        if name_tok <= a or sig[name_tok][0] is not T.IDENTIFIER:
            return
        name = sig[name_tok][1]
        if name in self.syms.typedefs:
            raise self.err(name_tok, f"typedef redeclared: {name}", "D_DECL_IDRED")
        self.syms.typedefs.add(name)

    def sou(self, a: int, b: int, declare: bool = True) -> None:
        sig = self.sig
        kind = sig[a][1]
        k = a + 1
        name = ""
        if sig[k][0] is not T.PUNCTUATION:
            name = sig[k][1]
            k += 1
        if sig[k][1] != "{":
            return
        close = self.close_of(k, b)
        if close == k + 1:
            raise self.err(close, 'syntax error near "}"', "D_SYNTAX")
        if kind == "enum":
            self.enum(k + 1, close)
            if declare:
                self.declarators(close + 1, b, ty.T_INT)
            return
        full = f"{kind} {name}"
        members: dict[str, DType] = {}
        nested = False
        j = k + 1
        while j < close:
            end = j
            while end < close and sig[end][1] != ";":
                if sig[end][1] == "{":
                    nested = True
                end = self.close_of(end, close) + 1 if sig[end][1] in "({[" else end + 1
            if nested:  # a struct defined inside a struct: its members are not followed
                j = end + 1
                continue
            t, m = self.type_at(j, end)
            while m < end:
                stars = 0
                while m < end and sig[m][1] == "*":
                    stars += 1
                    m += 1
                if m < end and sig[m][0] in _NAMES:
                    mname = sig[m][1]
                    if mname in members:
                        raise self.err(
                            m,
                            f"failed to define member '{mname}': Duplicate member or variable name",
                            "D_UNKNOWN",
                        )
                    mt = t
                    for _ in range(stars):
                        mt = ty.pointer_to(mt)
                    if mt.kind == ty.SOU and self.incomplete(mt.name, full):
                        # one not yet defined is a CTF forward, which libctf names "struct"
                        shown = mt.name if mt.name == full else "struct " + mt.name.split()[-1]
                        raise self.err(
                            m, f"incomplete struct/union/enum {shown}: {mname}", "D_DECL_INCOMPLETE"
                        )
                    members[mname] = mt
                    if m + 1 < end and sig[m + 1][1] == ":":
                        self.bitfield(full, mname, mt, m + 2, end)
                elif m < end and sig[m][1] == ":":
                    self.bitfield(full, "(anon)", t, m + 1, end)
                while m < end and sig[m][1] != ",":
                    m = self.close_of(m, end) + 1 if sig[m][1] in "([" else m + 1
                m += 1
            j = end + 1
        if name and not nested:
            self.syms.sous[full] = members
            self.syms.forward.discard(full)
        if close + 1 < b and sig[close + 1][1] in ("struct", "union", "enum"):
            raise self.err(close + 1, "invalid type combination", "D_DECL_COMBO")  # a ";" is missing
        if declare:
            self.declarators(
                close + 1, b, ty.T_DYN if nested else DType(ty.SOU, full if name else f"{kind} (anon)")
            )

    def declarators(self, k: int, b: int, t: DType) -> None:
        """``struct s { ... } var, *p, a[4];``: the variables declared after a definition."""
        sig = self.sig
        while k < b:
            vt = t
            while k < b and sig[k][1] == "*":
                vt = ty.pointer_to(vt)
                k += 1
            if k >= b or sig[k][0] not in _NAMES:
                return
            var = Var(vt, typed=True)
            self.syms.globals[sig[k][1]] = var
            k += 1
            if k < b and sig[k][1] == "[":
                close = self.close_of(k, b)
                if close == k + 2 and sig[k + 1][0] is T.NUMBER and sig[k + 1][1].isdigit():
                    var.array = int(sig[k + 1][1])
                else:
                    var.assoc = True
                k = close + 1
            while k < b and sig[k][1] != ",":
                k += 1
            k += 1

    def incomplete(self, sou: str, defining: str) -> bool:
        """A struct or union used by value before the script defines it (or inside its own definition).

        One the script never defines may be the kernel's (dtrace knows it by CTF): not reported.
        """
        if sou in self.syms.sous:
            return False
        if self._defined_here is None:
            sig = self.sig
            self._defined_here = {
                f"{sig[k][1]} {sig[k + 1][1]}"
                for k in range(len(sig) - 2)
                if sig[k][1] in ("struct", "union") and sig[k + 2][1] == "{"
            }
        return sou == defining or sou in self._defined_here or sou in self.syms.forward

    def bitfield(self, sou: str, member: str, t: DType, a: int, end: int) -> None:
        """``int a : 3``: libdtrace's checks on a bit-field's type and size (dt_decl.c)."""
        sig = self.sig
        b = a
        while b < end and sig[b][1] != ",":
            b += 1
        if t.kind != ty.INT:
            raise self.err(a - 1, f"invalid type for bit-field: {member}", "D_DECL_BFTYPE")
        p = self.parser
        p.i, p.end = a, b
        v = p.expr()
        if v.c is None or v.c <= 0:
            raise self.err(
                a, "positive integral constant expression expected as bit-field size", "D_DECL_BFCONST"
            )
        if v.c > _bits(t.name):
            raise self.err(a, f"bit-field too big for type: {member}", "D_DECL_BFSIZE")
        self.syms.bitfields.add((sou, member))

    def enum(self, a: int, b: int) -> None:
        sig = self.sig
        value = 0
        k = a
        here: set[str] = set()
        while k < b:
            if sig[k][0] is not T.IDENTIFIER:
                return
            name = sig[k][1]
            end = k + 1
            while end < b and sig[end][1] != ",":
                end += 1
            # libdtrace reports an enumerator's errors where its lexer is: at the "," or "}" after it
            if end > k + 1 and sig[k + 1][1] == "=":
                p = self.parser
                p.i, p.end = k + 2, end
                v = p.expr()
                if v.c is None:
                    raise self.err(
                        end,
                        f"enumerator '{name}' must be assigned to an integral constant expression",
                        "D_DECL_ENCONST",
                    )
                value = v.c
            if name in here:
                raise self.err(
                    end,
                    f"failed to define enumerator '{name}': Duplicate member or variable name",
                    "D_UNKNOWN",
                )
            if name in self.syms.globals:
                raise self.err(k, f"identifier redeclared: {name}", "D_DECL_IDRED")
            here.add(name)
            if not -(1 << 31) <= value < (1 << 31):
                raise self.err(
                    end, f"enumerator '{name}' value overflows INT_MAX (2147483647)", "D_DECL_ENOFLOW"
                )
            self.syms.globals[name] = Var(ty.T_INT, value=value, inline=True)
            value += 1
            k = end + 1

    def variables(self, a: int, b: int) -> None:
        sig = self.sig
        scope = ""
        k = a
        if sig[k][1] in ("self", "this"):
            scope = sig[k][1]
            k += 1
            if sig[k][1] in ("self", "this"):
                raise self.err(k, "more than one storage class specified", "D_DECL_CLASS")
        self.type_words(k, b)
        t, k = self.type_at(k, b)
        if k >= b:
            return
        if sig[k][1] in (";", ",", "[") and sig[k - 1][0] is T.IDENTIFIER:
            t, k = ty.T_INT, k - 1  # "this x;": no type, D's default int
        elif sig[k][1] == ";" and sig[k - 1][0] is T.KEYWORD:
            raise self.err(k, "useless declaration", "D_DECL_USELESS")
        table = self.syms.scope(scope)
        while k < b:
            vt = t
            while k < b and sig[k][1] == "*":
                vt = ty.pointer_to(vt)
                k += 1
            if k >= b or sig[k][0] not in (T.IDENTIFIER, T.BUILTIN, T.ACTION, T.AGG_FUNC):
                return
            name_k = k
            name = sig[k][1]
            if "`" in name:
                raise self.err(
                    k, f"D scoping operator may not be used in a declaration name ({name})", "D_DECL_SCOPE"
                )
            k += 1
            var = Var(vt, typed=True)
            if k < b and sig[k][1] == "[":
                close = self.close_of(k, b)
                self.array_dim(k, close, scope, name, var)
                k = close + 1
            if k < b and sig[k][1] == "(":
                self.prototype(k, self.close_of(k, b))
                return
            if k < b and sig[k][1] == "=":
                raise self.err(k, 'syntax error near "="', "D_SYNTAX")  # only inlines have a value
            if vt.kind == ty.SOU and self.incomplete(vt.name, ""):
                raise self.err(name_k, f"incomplete struct/union/enum {vt.name}: {name}", "D_DECL_INCOMPLETE")
            old = table.get(name)
            if old is not None and not scope and (old.type.name != vt.name or old.assoc != var.assoc):
                raise self.err(name_k, f"identifier redeclared: {name}", "D_DECL_IDRED")
            table[name] = var
            while k < b and sig[k][1] not in (",", ";"):
                k += 1
            k += 1

    def array_dim(self, k: int, close: int, scope: str, name: str, var: Var) -> None:
        """``x[5]`` (an array), ``x[int, string]`` (an associative array), or libdtrace's errors."""
        sig = self.sig
        if close == k + 1:
            if sig[self.decl_start][1] == "extern":
                return  # extern int a[]: defined elsewhere
            raise self.err(
                close,
                f"array declaration requires array dimension or tuple signature: {name}",
                "D_DECL_ARRNULL",
            )
        first = sig[k + 1]
        if first[1] == "...":
            raise self.err(
                k + 1, "array prototype may not use a variable-length argument list", "D_DECL_PROTO_VARARGS"
            )
        if first[0] is T.NUMBER or first[1] in ("-", "("):
            p = self.parser
            p.i, p.end = k + 1, close
            v = p.expr()
            if v.c is None or v.c <= 0:
                raise self.err(
                    k + 1,
                    "positive integral constant expression or tuple signature expected as array declaration subscript",
                    "D_DECL_ARRSUB",
                )
            if v.c > 0xFFFFFFFF:
                raise self.err(k + 1, "array dimension too big", "D_DECL_ARRBIG")
            var.array = v.c
            return
        if scope == "this":
            raise self.err(
                k, f"associative arrays may not be declared as local variables: {name}", "D_DECL_LOCASSC"
            )
        var.assoc = True
        var.keys = self.key_types(k + 1, close)

    def translator(self, a: int, b: int) -> None:
        """``translator struct out < struct in *p > { member = expr; ... };`` (dt_xlator.c's checks).

        libdtrace judges the translator once it is read: its errors are reported at its "}".
        """
        sig = self.sig
        lt = next((k for k in range(a, b) if sig[k][1] == "<"), None)
        brace = next((k for k in range(a, b) if sig[k][1] == "{"), None)
        if lt is None or brace is None or sig[brace - 1][1] != ">":
            return
        close = self.close_of(brace, b)
        out_t = ty.named(" ".join(t[1] for t in sig[a + 1 : lt]))
        name_k = brace - 2
        in_t, _ = self.type_at(lt + 1, name_k)
        for k in range(lt + 1, name_k):
            if sig[k][1] == "*":
                in_t = ty.pointer_to(in_t)
        if out_t.kind == ty.DYN and sig[a + 1][1] not in ("struct", "union"):
            return  # a typedef of the kernel's
        if out_t.kind != ty.SOU:
            raise self.err(close, "translator output type must be a struct or union", "D_XLATE_SOU")
        members = self.syms.sous.get(out_t.name)
        if members is None and out_t.name not in self.syms.typedefs:
            raise self.err(close, f"incomplete struct/union/enum {out_t.name}", "D_XLATE_SOU")
        key = (out_t.name, in_t.name)
        if key in self.syms.translators:
            raise self.err(
                close,
                f"translator from {in_t.name} to {out_t.name} has already been declared",
                "D_XLATE_REDECL",
            )
        self.syms.translators.add(key)
        saved = self.syms.globals.get(sig[name_k][1])
        self.syms.globals[sig[name_k][1]] = Var(in_t, typed=True)
        try:
            k = brace + 1
            while k < close:
                end = k
                while end < close and sig[end][1] != ";":
                    end = self.close_of(end, close) + 1 if sig[end][1] in "([{" else end + 1
                if end == k:
                    k += 1
                    continue
                if end < k + 3 or sig[k + 1][1] != "=":
                    raise self.err(
                        k + 1 if k + 1 < end else k, f'syntax error near "{sig[k + 1][1]}"', "D_SYNTAX"
                    )
                member = sig[k][1]
                if members is not None and member not in members:
                    raise self.err(
                        close, f"translator member {member} is not a member of {out_t.name}", "D_XLATE_MEMB"
                    )
                p = self.parser
                p.i, p.end = k + 2, end
                p.expr()
                if p.i < end:
                    raise p.near()
                k = end + 1
        finally:
            if saved is None:
                self.syms.globals.pop(sig[name_k][1], None)
            else:
                self.syms.globals[sig[name_k][1]] = saved

    def prototype(self, a: int, b: int) -> None:
        """A function prototype's parameters, ``int f(int, string)`` (dt_decl.c's checks)."""
        sig = self.sig
        params: list[tuple[int, int]] = []
        k = start = a + 1
        while k <= b:
            if k == b or sig[k][1] == ",":
                if k > start:
                    params.append((start, k))
                start = k + 1
            elif sig[k][1] in ("(", "["):
                k = self.close_of(k, b)
            k += 1
        for n, (p, q) in enumerate(params, 1):
            words = [t[1] for t in sig[p:q]]
            if words[0] in ("static", "register", "auto", "extern"):
                raise self.err(
                    p,
                    "inappropriate storage class for function or associative array parameter",
                    "D_DECL_PARMCLASS",
                )
            if words[0] == "void":
                if len(words) > 1 and sig[p + 1][0] is T.IDENTIFIER:
                    raise self.err(
                        p + 1, f"void parameter may not have a name: {words[1]}", "D_DECL_PROTO_NAME"
                    )
                if len(params) > 1 and "*" not in words:
                    raise self.err(p, "void must be sole parameter", "D_DECL_PROTO_VOID")
            if "[" in words and words.index("[") + 1 < len(words) and words[words.index("[") + 1] != "]":
                inner = words[words.index("[") + 1]
                if not inner.isdigit():
                    name = words[words.index("[") - 1]
                    raise self.err(
                        p,
                        f"function prototype may not use parameter of type dynamic variable: {name}, parameter #{n}",
                        "D_DECL_PROTO_TYPE",
                    )

    def type_words(self, a: int, b: int) -> None:
        """libdtrace's checks on combinations of type words (dt_decl.c)."""
        words = []
        k = a
        while k < b and self.sig[k][0] is T.KEYWORD and self.sig[k][1] in TYPE_WORDS | _STORAGE:
            words.append(self.sig[k][1])
            k += 1
        if not words:
            return
        bad = ty.type_words_error([w for w in words if w not in _STORAGE])
        if bad is not None:
            raise self.err(a, *bad)
        last = words[-1]
        if last in ("struct", "union", "enum") and len(words) > 1:
            if any(w in ("long", "short") for w in words[:-1]):
                raise self.err(
                    a,
                    "invalid type declaration: long and long long may only be used with integer or "
                    "floating-point type",
                    "D_DECL_LONGINT",
                )
            if any(w in ("signed", "unsigned") for w in words[:-1]):
                raise self.err(
                    a,
                    "invalid type declaration: signed and unsigned may only be used with integer type",
                    "D_DECL_SIGNINT",
                )
        if "void" in words and any(w in ("long", "short", "signed", "unsigned") for w in words):
            raise self.err(
                a, "invalid type declaration: attributes may not be used with void type", "D_DECL_VOIDATTR"
            )
        if "char" in words and any(w in ("long", "short") for w in words):
            raise self.err(
                a,
                "invalid type declaration: short and long may not be used with char type",
                "D_DECL_CHARATTR",
            )

    def key_types(self, a: int, b: int) -> list[DType]:
        out: list[DType] = []
        k = a
        while k < b:
            end = k
            while end < b and self.sig[end][1] != ",":
                end += 1
            t, m = self.type_at(k, end)
            while m < end and self.sig[m][1] == "*":
                t = ty.pointer_to(t)
                m += 1
            if t.kind == ty.VOID:  # (dt_decl_prototype: a key needs a value)
                name = self.sig[m][1] if m < end else "(anonymous)"
                raise self.err(
                    k,
                    f"array prototype may not use parameter of type void: {name}, parameter #{len(out) + 1}",
                    "D_DECL_PROTO_TYPE",
                )
            out.append(t)
            k = end + 1
        return out


def _bits(name: str) -> int:
    """How many bits an integer type holds."""
    words = name.split()
    if "char" in words or name in ("int8_t", "uint8_t", "uchar_t"):
        return 8
    if "short" in words or name in ("int16_t", "uint16_t", "ushort_t"):
        return 16
    if "long" in words or name.endswith("64_t") or name in ("uintptr_t", "size_t", "ssize_t", "ulong_t"):
        return 64
    return 32
