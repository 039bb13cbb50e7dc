"""Clauses already checked, kept by their text and by the symbols they read (linting as one types).

The editor lints on each keystroke; one clause changes, the others are the same
text as a moment ago.  A clause's outcome (its first error, and what it does to
the symbol table: the variables its first assignments type, the key signatures
of associative arrays) depends only on its text and on the state of the names it
mentions.  So an entry is kept under the clause's exact text, with the state of
each name it mentions before it ran; it is reused when those states are the same
again, and its effects are applied to the symbol table instead of parsing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from copy import copy
from typing import Any

from .. import vocabulary_d as V
from ..tokens import Token
from . import probes
from .errors import DError
from .symbols import Symbols, Var

_ANY_NAME = re.compile(r"(@\w*)|(?:\b(self|this)\s*->\s*)?\b([A-Za-z_]\w*)")
_MAX = 4096

State = tuple[Any, ...] | None
#: (name's scope, name, its key in Symbols.written, its state before, whether written) for each name read
Deps = tuple[tuple[str, str, str, State, bool], ...]
#: deps, the names' Var after the clause, the error as (token offset, message, code)
Entry = tuple[Deps, tuple[tuple[str, str, Any], ...], Any]
_MEMO: dict[tuple[str, int], list[Entry]] = {}
#: names that are never variables: a clause's outcome does not depend on them
_FIXED = frozenset(V.D_FUNCTIONS) | V.D_ALL_KEYWORDS | (frozenset(V.D_BUILTINS) - {"NULL"})


def _state(var: Any) -> State:
    if var is None:
        return None
    if isinstance(var, tuple):  # an aggregation: (function, argument values, key types)
        return (var[0], tuple(var[1]), tuple((t.kind, t.name) for t in var[2]))
    keys = tuple((k.kind, k.name) for k in var.keys) if var.keys is not None else None
    return (
        var.type.kind,
        var.type.name,
        var.assoc,
        keys,
        var.value,
        var.inline,
        var.array,
        var.typed,
        var.alloca,
    )


@functools.lru_cache(maxsize=4096)
def _names(text: str) -> tuple[tuple[str, str, str], ...]:
    """(scope, name, key in Symbols.written) of every name a clause's text mentions, aggregations as "@"."""
    out: set[tuple[str, str, str]] = set()
    for agg, scope, name in _ANY_NAME.findall(text):
        if agg:
            out.add(("@", agg, agg))
        elif name not in _FIXED:
            out.add(("", name, name))
            if scope:
                out.add((scope, name, f"{scope}->{name}"))
    return tuple(out)


def _copy(var: Any) -> Any:
    return copy(var) if isinstance(var, Var) else var


def clause_text(lines: list[str], first: Token, last: Token) -> str:
    """The exact text from the clause's first probe description to its closing brace."""
    l0, c0, l1, c1 = first[2], first[3], last[2], last[3]
    if l0 == l1:
        return lines[l0 - 1][c0 - 1 : c1]
    return "\n".join([lines[l0 - 1][c0 - 1 :], *lines[l0 : l1 - 1], lines[l1 - 1][:c1]])


def clause(lines: list[str], sig: list[Token], syms: Symbols, cl: Any, run: Callable[[str], None]) -> None:
    """Run ``run(text)`` (which checks the clause ``cl``), or replay a remembered run of the same clause."""
    start = cl.probes[0]
    text = clause_text(lines, sig[start], sig[cl.body[1]])
    written = syms.written
    tables: dict[str, dict[str, Any]] = {
        "": syms.globals,
        "self": syms.selfs,
        "this": syms.thises,
        "@": syms.aggs,
    }
    key = (text, syms.declared)  # the same clause under the same declarations (structs, typedefs, macros)
    for deps, effects, error in _MEMO.get(key, ()):
        if all(
            _state(tables[sc].get(name)) == state and (key in written) == w
            for sc, name, key, state, w in deps
        ):
            for scope, name, var in effects:
                table = tables[scope]
                if var is None:
                    table.pop(name, None)
                else:
                    table[name] = _copy(var)
            if error is not None:
                offset, message, code = error
                raise DError(sig[start + offset] if offset is not None else None, message, code)
            return
    state_of = _state
    before: Deps = tuple(
        [
            (
                scope,
                name,
                key,
                None if (var := tables[scope].get(name)) is None else state_of(var),
                key in written,
            )
            for scope, name, key in _names(text)
        ]
    )
    error = None
    try:
        run(text)
    except DError as e:
        offset = None
        if e.tok is not None:
            offset = next((k - start for k in range(start, cl.body[1] + 1) if sig[k] is e.tok), None)
        error = (offset, e.message, e.code)
        raise
    finally:
        # only what the clause changed is replayed (most names it mentions it only reads)
        effects = tuple(
            [
                (scope, name, _copy(after))
                for scope, name, _key, state, _w in before
                if (None if (after := tables[scope].get(name)) is None else state_of(after)) != state
            ]
        )
        if len(_MEMO) >= _MAX:
            _MEMO.clear()
        entries = _MEMO.setdefault(key, [])
        if len(entries) >= 4:  # the same clause text in several places, each with its own symbols
            del entries[0]
        entries.append((before, effects, error))


def forget() -> None:
    """Empty the memo and the probe descriptions' verdicts (a benchmark's cold start)."""
    _MEMO.clear()
    probes.forget()
