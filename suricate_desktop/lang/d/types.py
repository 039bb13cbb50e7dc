"""D's types as the front end needs them: what kind of value an expression has, and its name for messages.

libdtrace types everything through CTF; a linter has no kernel CTF, so a type here is
coarse: an integer, a string, a pointer (to a named type), void, a struct or union,
a stack or symbol address, or *dynamic* (a CTF type we cannot see: ``args[0]``,
``curthread->...``, a cast to a kernel type).  Dynamic values are compatible with
everything, so that what we cannot know never becomes a false error.
"""

from __future__ import annotations

from typing import Final

INT: Final = "int"
STR: Final = "string"
PTR: Final = "pointer"
VOID: Final = "void"
SOU: Final = "struct"
STACK: Final = "stack"
SYM: Final = "symaddr"
DYN: Final = "dynamic"


class DType:
    """A D type: ``kind`` (one of the constants above) and ``name`` as libdtrace prints it."""

    __slots__ = ("kind", "name", "ref")

    def __init__(self, kind: str, name: str, ref: DType | None = None) -> None:
        self.kind = kind
        self.name = name
        self.ref = ref  # what a pointer points to

    def __repr__(self) -> str:
        return f"DType({self.name!r})"

    @property
    def scalar(self) -> bool:
        return self.kind in (INT, PTR, STACK, SYM, DYN)

    @property
    def integer(self) -> bool:
        return self.kind in (INT, DYN)

    @property
    def arith(self) -> bool:
        return self.kind in (INT, DYN)

    @property
    def stringish(self) -> bool:
        """A string, or a char pointer (libdtrace's dt_node_is_strcompat)."""
        return self.kind in (STR, DYN) or (
            self.kind == PTR and self.ref is not None and self.ref.name == "char"
        )


T_INT = DType(INT, "int")
T_UINT = DType(INT, "uint_t")
T_LONG = DType(INT, "long")
T_INT64 = DType(INT, "int64_t")
T_UINT64 = DType(INT, "uint64_t")
T_CHAR = DType(INT, "char")
T_STRING = DType(STR, "string")
T_VOID = DType(VOID, "void")
T_VOIDP = DType(PTR, "void *", T_VOID)
T_CHARP = DType(PTR, "char *", T_CHAR)
T_DYN = DType(DYN, "dynamic")
T_STACK = DType(STACK, "stack")
T_SYMADDR = DType(SYM, "_symaddr")
T_USYMADDR = DType(SYM, "_usymaddr")

#: C's integer type words (combinations are checked by the declaration parser)
INT_WORDS: Final = frozenset({"char", "short", "int", "long", "signed", "unsigned"})
#: Integer typedefs every D program sees (dt_open.c's builtin types and the D libraries' common ones).
INT_TYPEDEFS: Final = frozenset(
    [
        "int8_t",
        "int16_t",
        "int32_t",
        "int64_t",
        "uint8_t",
        "uint16_t",
        "uint32_t",
        "uint64_t",
        "intptr_t",
        "uintptr_t",
        "size_t",
        "ssize_t",
        "off_t",
        "off64_t",
        "pid_t",
        "id_t",
        "uid_t",
        "gid_t",
        "uint_t",
        "uchar_t",
        "ushort_t",
        "ulong_t",
        "u_int",
        "u_long",
        "u_char",
        "u_short",
        "processorid_t",
        "psetid_t",
        "chipid_t",
        "lgrp_id_t",
        "zoneid_t",
        "taskid_t",
        "projid_t",
        "dev_t",
        "major_t",
        "minor_t",
        "ino_t",
        "mode_t",
        "nlink_t",
        "time_t",
        "clock_t",
        "hrtime_t",
        "boolean_t",
        "caddr_t",
        "daddr_t",
        "diskaddr_t",
        "ipaddr_t",
        "in_port_t",
        "socklen_t",
        "key_t",
        "sigset_t",
        "u_offset_t",
        "len_t",
        "blkcnt_t",
        "ptrdiff_t",
        "timer_t",
        "clockid_t",
        "useconds_t",
        "suseconds_t",
        "lwpid_t",
        "ctid_t",
        "poolid_t",
        "datalink_id_t",
        "in_addr_t",
        "sa_family_t",
        "uint_least8_t",
        "int_least8_t",
        "uint_fast8_t",
        "uint",
        "ulong",
        "ushort",
        "uchar",
    ]
)


_BASES = frozenset({"char", "int", "float", "double", "void", "string"})


def type_words_error(words: list[str]) -> tuple[str, str] | None:
    """libdtrace's message and tag for an impossible combination of type words (dt_decl.c), or None."""
    bases = [w for w in words if w in _BASES]
    if "char" in words and any(w in ("long", "short") for w in words):
        return "invalid type declaration: short and long may not be used with char type", "D_DECL_CHARATTR"
    if len(bases) > 1:
        return "invalid type combination", "D_DECL_COMBO"
    if "long" in words and "short" in words:
        return (
            f"failed to resolve type {' '.join(sorted(words, reverse=True))} : Unknown type name",
            "D_UNKNOWN",
        )
    if "void" in words and any(w in ("long", "short", "signed", "unsigned") for w in words):
        return "invalid type declaration: attributes may not be used with void type", "D_DECL_VOIDATTR"
    return None


def pointer_to(t: DType) -> DType:
    return DType(PTR, t.name + " *" if not t.name.endswith("*") else t.name + "*", t)


def deref(t: DType) -> DType:
    if t.kind == PTR and t.ref is not None:
        return t.ref
    return T_DYN


def named(name: str) -> DType:
    """The type a declaration or cast names: ``int``, ``string``, ``uint64_t``, ``struct foo``, a CTF type."""
    name = " ".join(name.split())
    stars = name.count("*")
    base = name.replace("*", "").strip()
    words = base.replace("const ", "").replace("volatile ", "").split()
    if words == ["string"]:
        t = T_STRING
    elif words == ["void"]:
        t = T_VOID
    elif words and all(w in INT_WORDS for w in words):
        t = T_CHAR if words[-1] == "char" else DType(INT, base)
    elif len(words) == 1 and words[0] in INT_TYPEDEFS:
        t = DType(INT, words[0])
    elif words and words[0] in ("struct", "union"):
        t = DType(SOU, " ".join(words))
    elif words and words[0] == "enum":
        t = DType(INT, " ".join(words))
    else:
        t = DType(DYN, base)  # a kernel type we have no CTF for
    for _ in range(stars):
        t = pointer_to(t)
    return t


def from_proto(text: str) -> DType | None:
    """The type of one prototype parameter (dt_open.c's notation); None for ``@`` (any type)."""
    text = text.strip().strip("[]").strip()
    if text in ("@", "..."):
        return None
    if text.startswith("struct") and "*" not in text:
        return DType(SOU, text)
    return named(text)


def compatible(param: DType | None, arg: DType, is_zero: bool = False) -> bool:
    """libdtrace's dt_node_is_argcompat, with dynamic (unknown) types compatible with anything."""
    if param is None:
        return arg.kind != VOID
    if arg.kind == DYN or param.kind == DYN:
        return True
    if param.kind == INT:
        return arg.kind == INT
    if (param.kind == STR or (param.kind == PTR and param.ref is not None and param.ref.name == "char")) and (
        arg.stringish
    ):
        return True
    if param.kind == STR:
        return False
    if param.kind == STACK:
        return arg.kind == STACK
    if param.kind == SYM:
        return arg.kind == SYM or arg.kind == INT
    if param.kind == PTR:
        if arg.kind == "array":
            return True  # an array is the address of its first element
        if arg.kind == PTR:
            pr, ar = param.ref, arg.ref
            if pr is None or ar is None or pr.kind in (VOID, DYN) or ar.kind in (VOID, DYN):
                return True
            return pr.name == ar.name
        return (arg.kind == INT and is_zero) or (
            arg.kind == STR and (param.ref is None or param.ref.kind == VOID)
        )
    if param.kind == SOU:
        return arg.kind == SOU and arg.name == param.name
    return arg.kind == param.kind
