"""The syntax tree of a D program, which :class:`.parser.Parser` builds when asked (for translate).

Lint needs no tree (the parser types each expression as it reduces it); the
translator does, and takes it from the same parser so that the two never
disagree on what a script means.  Expressions are :class:`Node` subclasses; a
clause's body is a list of statements (:data:`Stmt`: an expression statement or
an ``if``). Every node keeps the line and column of its first token, so that a
refusal can point at the construct.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ..diagnostics import Diagnostic


@dataclass
class Node:
    """An expression (or statement), at the line and column of its first token."""

    line: int
    col: int


@dataclass
class Bpftrace(Node):
    """bpftrace text the translator wrote itself in place of a D expression (``strftime(...)``)."""

    text: str


@dataclass
class Num(Node):
    value: int
    text: str


@dataclass
class Str(Node):
    text: str  # with the quotes


@dataclass
class Name(Node):
    name: str


@dataclass
class Agg(Node):
    name: str  # '' for a bare @


@dataclass
class Macro(Node):
    text: str  # $1, $$1, $target


@dataclass
class Var(Node):
    scope: str  # self | this
    name: str


@dataclass
class Call(Node):
    func: str
    args: list[Node]


@dataclass
class Index(Node):
    base: Node
    args: list[Node]


@dataclass
class Member(Node):
    base: Node
    name: str
    arrow: bool


@dataclass
class Unary(Node):
    op: str
    operand: Node
    postfix: bool = False


@dataclass
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass
class Ternary(Node):
    cond: Node
    then: Node
    other: Node


@dataclass
class Assign(Node):
    op: str
    target: Node
    value: Node


@dataclass
class Cast(Node):
    type: str
    operand: Node


@dataclass
class Refused(Node):
    """Valid D that has no tree here (sizeof, offsetof, xlate, the comma operator): why, for a refusal."""

    message: str


@dataclass
class ExprStmt(Node):
    expr: Node


@dataclass
class If(Node):
    cond: Node
    then: list[Stmt]
    other: list[Stmt] | None


@dataclass
class Desc:
    """One probe description of a clause, as written (``syscall::read:entry``)."""

    text: str
    line: int
    col: int


@dataclass
class Clause:
    """Probe descriptions, an optional predicate and the actions."""

    descs: list[Desc]
    pred: Node | None
    body: list[Stmt]
    line: int
    col: int


@dataclass
class Program:
    """A parsed D script: its clauses, the parser's warnings, ``#pragma D option``s and inlines."""

    clauses: list[Clause]
    warnings: list[Diagnostic]
    options: dict[str, str]
    inlines: dict[str, Node] = field(default_factory=dict)
    #: ``typedef`` names of basic types -> the type they name (the translator reads casts through them)
    typedefs: dict[str, str] = field(default_factory=dict)


#: the sizes of C's basic types on Linux's 64-bit platforms (LP64, as illumos's 64-bit kernel)
_SIZES = {
    "char": 1,
    "short": 2,
    "int": 4,
    "long": 8,
    "long long": 8,
    "float": 4,
    "double": 8,
    "int8_t": 1,
    "int16_t": 2,
    "int32_t": 4,
    "int64_t": 8,
    "uchar_t": 1,
    "ushort_t": 2,
    "uint_t": 4,
    "ulong_t": 8,
    "size_t": 8,
    "ssize_t": 8,
    "uintptr_t": 8,
    "intptr_t": 8,
    "pid_t": 4,
    "uid_t": 4,
    "gid_t": 4,
    "off_t": 8,
    "hrtime_t": 8,
}


def sizeof(line: int, col: int, type_words: str) -> Node:
    """``sizeof (type)`` as a constant where the type is a basic one (or a pointer); else why not."""
    if not type_words:
        return Refused(line, col, "sizeof of an expression: its C type may differ on Linux")
    words = type_words.replace("*", " * ").split()
    words = [w for w in words if w not in ("signed", "unsigned", "const", "volatile")] or ["int"]
    if words[-1] == "*":
        return Num(line, col, 8, "8")
    name = " ".join(words).replace("long int", "long").replace("short int", "short")
    name = name.removeprefix("u") if name.startswith("uint") and name.endswith("_t") else name
    if name in _SIZES:
        return Num(line, col, _SIZES[name], str(_SIZES[name]))
    return Refused(line, col, f"sizeof ({type_words}): C types other than the basic ones differ on Linux")


#: A statement of a clause body.
Stmt: TypeAlias = ExprStmt | If


@dataclass
class Trees:
    """What the parser built while checking a program: each clause's predicate and body, and the inlines."""

    clauses: list[tuple[Any, Node | None, list[Stmt]]] = field(
        default_factory=list
    )  # (lint_base.Clause, ...)
    inlines: dict[str, Node] = field(default_factory=dict)


def walk(node: object) -> Iterator[object]:
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
