"""The D front end: one grammar, symbol table and type checker for lint and translate.

:func:`analyze` runs on the linter's tokens once its syntax phase has found the
clauses and matched the brackets: outer declarations fill the symbol table
(:mod:`.decls`), each clause's probe descriptions, predicate and actions are
parsed and typed (:mod:`.parser`, :mod:`.calls`, :mod:`.probes`).  It returns
the first error, as libdtrace stops at its first error, with DTrace's wording
and ``D_*`` tag (:class:`.errors.DError`).  Given a :class:`.tree.Trees`, the
same pass builds the syntax tree the translator reads.  Scripts that ask for the C
preprocessor go through :mod:`.preprocess` first.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .. import vocabulary_d as V
from ..tokens import Token, TokenType
from . import memo
from . import types as ty
from .calls import CallChecker
from .decls import Declarations
from .errors import DError
from .parser import Parser
from .preprocess import Preprocessed, preprocess
from .probes import check_probe
from .symbols import Symbols, Var
from .tree import Trees

__all__ = ["DError", "Preprocessed", "Symbols", "Trees", "analyze", "preprocess"]

T = TokenType


_WRITTEN_RE = re.compile(
    r"(?:\b(self|this)\s*->\s*)?\b([A-Za-z_]\w*)\s*(?:\[[^;{}=]*\]\s*)?(?:(?:<<|>>|[-+*/%&|^])?=(?!=)|\+\+|--)"
    r"|(?:\+\+|--)\s*(?:\b(self|this)\s*->\s*)?([A-Za-z_]\w*)"
)


def written_names(text: str) -> set[str]:
    """Every variable the program may assign (``x =``, ``self->x++``, ``a[k] +=``, ``this-> x``).

    A regular expression over the text (it runs in C: the per-token loops are what
    lint's time goes to); it may list a name too many (in a comment), never one too
    few, so that a variable assigned later in the file is never called undefined.
    """
    out: set[str] = set()
    cache = _WRITTEN_BY_LINE
    for line in text.split("\n"):
        if "=" not in line and "++" not in line and "--" not in line:
            continue
        names = cache.get(line)
        if names is None:
            names = set()
            for scope, name, scope2, name2 in _WRITTEN_RE.findall(line):
                if name:
                    names.add(f"{scope}->{name}" if scope else name)
                if name2:
                    names.add(f"{scope2}->{name2}" if scope2 else name2)
            if len(cache) > 8192:
                cache.clear()
            cache[line] = names
        out |= names
    return out


_WRITTEN_BY_LINE: dict[str, set[str]] = {}


def analyze(
    sig: list[Token],
    match: dict[int, int],
    clauses: list[Any],  # lint_base.Clause (not imported: lint_base sits above this package)
    decls: list[tuple[int, int]],
    pre: Preprocessed | None = None,
    lines: list[str] | None = None,
    trees: Trees | None = None,
) -> tuple[DError | None, Symbols]:
    """The program's first error (or None) and its symbol table.

    ``lines`` (the script's text by line) lets clauses already checked with the same
    text and the same symbols in play come from :mod:`.memo` instead of being parsed
    again: what makes linting as one types cheap.  ``trees``, when given, receives
    each clause's syntax tree and the inlines' (then nothing comes from the memo).
    """
    syms = Symbols()
    whole = "\n".join(lines) if lines is not None else " ".join(t[1] for t in sig)
    syms.written = written_names(whole)
    # (per line: a[k] = v split over lines is missed, which only delays typing the variable)
    if pre is not None:
        syms.includes = pre.includes
        syms.macros = frozenset(pre.macros) | frozenset(pre.functions)
        for name in pre.macros:
            v = pre.int_value(name)
            text = pre.macros[name]
            t = ty.T_INT if v is not None else ty.T_STRING if text.startswith('"') else ty.T_DYN
            syms.globals[name] = Var(t, value=v, inline=True)
        for name in pre.functions:
            syms.globals[name] = Var(ty.T_DYN, inline=True)
    if "scratchsize" in whole:
        m = re.search(r"#\s*pragma\s+D\s+option\s+scratchsize=([0-9]+)([kKmM]?)", whole)
        if m:
            syms.scratchsize = int(m.group(1)) << {"": 0, "k": 10, "m": 20}[m.group(2).lower()]
    macros = tuple(sorted(pre.macros.items())) if pre is not None else ()
    syms.declared = hash((macros, syms.macros, syms.includes, syms.scratchsize))
    calls = CallChecker(sig, syms)
    parser = Parser(sig, match, syms, calls)
    parser.trees = trees
    declarations = Declarations(sig, match, syms, parser)
    items: list[tuple[int, object]] = [(a, (a, b)) for a, b in decls]
    items += [(cl.probes[0] if cl.probes else 0, cl) for cl in clauses]
    items.sort(key=lambda x: x[0])
    if not items:
        if any(t[0] is T.PRAGMA for t in sig) or (
            lines is not None and not any(line.strip() for line in lines)
        ):
            return None, syms  # a blank buffer (a new script in the editor) is not worth an error
        return DError(None, "empty D program translation unit", "D_EMPTY"), syms
    at = 0
    created: dict[str, tuple[str, ...]] = {}  # clause text -> the names it may create (a copy-pasted clause)
    try:
        for pos, item in items:
            at = pos
            if isinstance(item, tuple):
                declarations.declaration(*item)
                continue
            if lines is not None and trees is None and item.probes and item.body:  # type: ignore[attr-defined]
                run = functools.partial(check_clause, item, sig, syms, parser, created=created)
                memo.clause(lines, sig, syms, item, run)
            else:
                check_clause(item, sig, syms, parser)
    except DError as e:
        if e.code != "D_SYNTAX" and not isinstance(dict(items).get(at), tuple):
            # libdtrace parses the whole program (declaring as it goes) before it types the clauses:
            # a syntax error anywhere, or a declaration's error further on, comes first
            syntax = syntax_sweep(sig, match, clauses, decls, syms, declarations, at)
            if syntax is not None:
                return syntax, syms
        return e, syms
    return None, syms


def syntax_sweep(
    sig: list[Token],
    match: dict[int, int],
    clauses: list[Any],
    decls: list[tuple[int, int]],
    typed: Symbols,
    declarations: Declarations,
    after: int,
) -> DError | None:
    """The first syntax error of the program (its clauses' type errors set aside statement by statement),
    or the first error of a declaration after token ``after``."""
    syms = Symbols(written=typed.written, includes=True, macros=typed.macros)
    syms.globals = dict(typed.globals)
    calls = CallChecker(sig, syms)
    calls.quiet = True
    parser = Parser(sig, match, syms, calls, quiet=True)
    items: list[tuple[int, Any]] = [(a, (a, b)) for a, b in decls]
    items += [(cl.probes[0], cl) for cl in clauses if cl.probes]
    first: DError | None = None
    for _, item in sorted(items, key=lambda x: x[0]):
        try:
            if isinstance(item, tuple):
                if item[0] > after:
                    declarations.declaration(*item)
                continue
            if item.pred:
                parser.predicate(item.pred[0] + 1, item.pred[1])
            if item.body:
                parser.body(item.body[0] + 1, item.body[1])
        except DError as e:
            if (e.code == "D_SYNTAX" or isinstance(item, tuple)) and (first is None or _before(e, first)):
                first = e
            if isinstance(item, tuple):
                break  # libdtrace stops at a declaration's error
    return first


def _before(a: DError, b: DError) -> bool:
    if a.tok is None or b.tok is None:
        return b.tok is None and a.tok is not None
    return (a.tok[2], a.tok[3]) < (b.tok[2], b.tok[3])


def check_clause(
    cl: Any,
    sig: list[Token],
    syms: Symbols,
    parser: Parser,
    text: str | None = None,
    created: dict[str, tuple[str, ...]] | None = None,
) -> None:
    """Check one clause; ``created`` keeps, by clause text, the names its assignments may create."""
    parser.clause_start = cl.probes[0] if cl.probes else 0
    for p in cl.probes:
        check_probe(sig[p], syms.macros)
    if text is None:
        declare_clause_globals(cl, sig, syms)
    else:  # the same, from the clause's text (one regular expression instead of a loop over its tokens)
        names = created.get(text) if created is not None else None
        if names is None:
            names = created_names(text)
            if created is not None:
                created[text] = names
        for name in names:
            if name in syms.written and name not in syms.globals and name not in _NOT_VARIABLES:
                syms.globals[name] = Var(ty.T_DYN)
    pred = None
    if cl.pred:
        try:
            pred = parser.predicate(cl.pred[0] + 1, cl.pred[1])
        except DError as e:
            # libdtrace types the predicate once its lexer has read past the closing "/" and the
            # blanks after it (the "{"): its errors are reported on that line
            after = cl.pred[1] + 1
            if e.code == "D_PRED_SCALAR" and cl.body:
                after = cl.body[1]  # checked once the whole clause is read: at its "}"
            if e.code != "D_SYNTAX" and after < len(sig):
                if e.tok is not None and e.tok[2] == sig[after][2]:
                    raise  # on that line already: keep the column of what it is about
                raise DError(sig[after], e.message, e.code) from None
            raise
    body = parser.body(cl.body[0] + 1, cl.body[1]) if cl.body else []
    if parser.trees is not None:
        parser.trees.clauses.append((cl, pred.node if pred is not None else None, body))


def created_names(text: str) -> tuple[str, ...]:
    """The names a clause's text may create by assigning them (:data:`_CREATED_RE`), in order."""
    if "=" not in text and "++" not in text and "--" not in text:
        return ()  # (what the expression needs to match: most predicates and many clauses lack it)
    return tuple([m[0] or m[1] for m in _CREATED_RE.findall(text)])


def declare_clause_globals(cl: Any, sig: list[Token], syms: Symbols) -> None:
    """A global a clause assigns exists in the whole clause: ``/x++ == 0/ { exit(x); }``, ``/x == 0/ { x++; }``.

    (Across clauses the file's order counts: a clause may not read a global only a later one assigns.)
    """
    a = cl.pred[0] if cl.pred else cl.body[0] if cl.body else 0
    b = cl.body[1] if cl.body else cl.pred[1] if cl.pred else 0
    table = syms.globals
    written = syms.written
    for k in range(a, b):
        tok = sig[k]
        if tok[0] is T.IDENTIFIER and tok[1] in written and tok[1] not in table:
            nxt = sig[k + 1][1]
            if nxt == "[":
                continue  # an associative array: created by its first assignment, keys and all
            prev = sig[k - 1][1]
            if (nxt in _CREATES or prev in ("++", "--")) and prev not in (".", "->"):
                table[tok[1]] = Var(ty.T_DYN)


#: a global created by a plain assignment or ++/-- (not x[k] = ..., s.m = ..., self->x = ...)
_CREATED_RE = re.compile(
    r"(?<![.>\w])([A-Za-z_]\w*+)\s*+(?:=(?!=)|\+\+|--)|(?:\+\+|--)\s*\b([A-Za-z_]\w*)(?!\s*(?:\[|->|\.))"
)
_NOT_VARIABLES = frozenset(V.D_BUILTINS) | frozenset(V.D_FUNCTIONS) | V.D_ALL_KEYWORDS
#: what creates a global (a compound assignment to an unknown one is D_VAR_UNDEF)
_CREATES = frozenset({"=", "++", "--"})
