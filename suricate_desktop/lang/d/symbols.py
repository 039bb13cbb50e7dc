"""The symbol table: D variables, inline constants, macros, structs and typedefs a program declares.

libdtrace keeps one identifier hash per scope (globals, ``self->``, ``this->``,
inlines, aggregations); a variable's type is set by its declaration or by its
first assignment, and every later use must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import DType


@dataclass
class Var:
    """One variable: its type, whether it is an associative array (and its key types), an inline's value."""

    type: DType
    assoc: bool = False
    keys: list[DType] | None = None
    value: int | None = None  # inline int constants (and #define constants)
    inline: bool = False
    array: int | None = None  # dimension of a declared array
    typed: bool = False  # declared, or assigned once: its type is fixed
    alloca: bool | None = None  # holds alloca() memory (True), other memory (False), no pointer yet


@dataclass
class Symbols:
    globals: dict[str, Var] = field(default_factory=dict)
    selfs: dict[str, Var] = field(default_factory=dict)
    thises: dict[str, Var] = field(default_factory=dict)
    #: @name -> (function, its arguments' constant values, key types) from its first definition
    aggs: dict[str, tuple[str, list[int | None], list[DType]]] = field(default_factory=dict)
    agg_keys: dict[str, int] = field(default_factory=dict)  # @name -> number of keys
    typedefs: set[str] = field(default_factory=set)
    sous: dict[str, dict[str, DType]] = field(default_factory=dict)  # "struct foo" -> members
    #: what the declarations read so far say (struct members, typedefs...): a clause's verdict depends on it
    declared: int = 0
    translators: set[tuple[str, str]] = field(default_factory=set)  # (output type, input type)
    bitfields: set[tuple[str, str]] = field(default_factory=set)  # ("struct foo", member)
    forward: set[str] = field(default_factory=set)  # struct/union names declared but not defined
    written: set[str] = field(default_factory=set)  # names assigned anywhere in the program
    scratchsize: int = 1024  # #pragma D option scratchsize (alloca and copyin sizes)
    includes: bool = False  # the script #includes headers: their macros and functions are unknown
    macros: frozenset[str] = frozenset()  # #define names (cpp replaces them, probe descriptions included)

    def scope(self, prefix: str) -> dict[str, Var]:
        if prefix == "self":
            return self.selfs
        if prefix == "this":
            return self.thises
        return self.globals
