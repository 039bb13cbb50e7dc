"""A D script read for translation by the one D front end (:mod:`..d`), exactly as lint reads it.

The linter checks the script (grammar, types, DTrace's wording) and, asked with a
:class:`~..d.tree.Trees`, hands over the syntax tree of every clause and inline as
it goes: a script lint rejects is refused here at lint's line and column, and what
lint accepts is what the translator reads.  What is valid D but has no bpftrace
counterpart at the level of the whole program (translators, types, providers, C
preprocessor lines) is refused here; ``#pragma D option`` lines become options.
"""

from __future__ import annotations

from ..d.tree import Clause, Desc, Node, Num, Program, Trees
from ..diagnostics import Diagnostic, ScriptError
from ..lexer import tokenize
from ..lint_d import DLinter
from ..tokens import TokenType
from .builtin_tables import CAST_TYPES

_REFUSED_DECLS = {
    "translator": "translator declarations: bpftrace has no translators",
    "struct": "struct declarations",
    "union": "union declarations",
    "provider": "provider declarations (USDT): define the probes in the application",
    "extern": "extern declarations (kernel symbols differ on Linux)",
    "import": "import declarations",
}


def read_program(text: str, file: str) -> Program:
    """The script's clauses, options, warnings and inlines; ScriptError at the first thing refused."""
    linter = DLinter(text, file, None)
    trees = linter.trees = Trees()
    errors = [d for d in linter.run() if d.severity == "error"]
    warnings: list[Diagnostic] = []
    options: dict[str, str] = {}
    own = _control_lines(text, file, warnings, options)
    inlines: dict[str, Node] = dict(trees.inlines)
    typedefs: dict[str, str] = {}
    if not errors:
        for a, b in linter.decls:
            tok = linter.sig[a]
            if tok[1] in _REFUSED_DECLS and own is None:
                own = (tok[2], tok[3], f"cannot translate {_REFUSED_DECLS[tok[1]]}")
            elif tok[1] == "enum":
                _enumerators(linter, a, inlines, warnings, file)
            elif tok[1] == "typedef" and own is None and not _basic_typedef(linter, a, b, typedefs):
                own = (tok[2], tok[3], "cannot translate typedef declarations of structs, unions or pointers")
    if errors:
        first = min(errors, key=lambda d: (d.line, d.column))
        if own is not None and own[0] == first.line:
            first = Diagnostic(own[0], own[1], "error", own[2], file)  # the same line: translate's reason
        raise ScriptError(first)
    if own is not None:
        raise ScriptError(Diagnostic(own[0], own[1], "error", own[2], file))
    clauses = []
    for cl, pred, body in trees.clauses:
        descs = [Desc(linter.sig[p][1], linter.sig[p][2], linter.sig[p][3]) for p in cl.probes]
        clauses.append(Clause(descs, pred, body, descs[0].line, descs[0].col))
    return Program(clauses, warnings, options, inlines, typedefs)


def _basic_typedef(linter: DLinter, a: int, b: int, typedefs: dict[str, str]) -> bool:
    """Record the ``typedef`` of tokens ``a``..``b`` in ``typedefs`` if it names a basic type (one a cast
    can take, or ``string``); False for anything else (structs, unions, pointers, arrays)."""
    sig = linter.sig
    words = [t[1] for t in sig[a + 1 : b - 2]]
    if b - 2 <= a + 1 or sig[b - 2][0] is not TokenType.IDENTIFIER:
        return False
    base = " ".join(words)
    base = typedefs.get(base, base)
    if base not in CAST_TYPES and base != "string":
        return False
    typedefs[sig[b - 2][1]] = base
    return True


def _enumerators(
    linter: DLinter, a: int, inlines: dict[str, Node], warnings: list[Diagnostic], file: str
) -> None:
    """The enumerators of the ``enum`` declared at token ``a``, as inline numbers (bpftrace has no enums).

    The values are lint's (``linter.constants``); the names are those between the braces.
    """
    sig = linter.sig
    k = a
    while k < len(sig) and sig[k][1] != "{":
        k += 1
    depth, names = 0, []
    while k < len(sig):
        depth += {"{": 1, "}": -1}.get(sig[k][1], 0)
        if depth == 0:
            break
        if sig[k][0] is TokenType.IDENTIFIER and sig[k - 1][1] in ("{", ","):
            names.append(sig[k])
        k += 1
    for name in names:
        if name[1] in linter.constants and name[1] not in inlines:
            value = linter.constants[name[1]]
            inlines[name[1]] = Num(name[2], name[3], value, str(value))
    if names:
        warnings.append(
            Diagnostic(
                sig[a][2],
                sig[a][3],
                "warning",
                "enum constants are translated as their numbers: a variable of the enum type prints as a number",
                file,
            )
        )


def _control_lines(
    text: str, file: str, warnings: list[Diagnostic], options: dict[str, str]
) -> tuple[int, int, str] | None:
    """Read the ``#`` lines into options and warnings; the first one refused (a cpp directive), if any."""
    refused = None
    for tok in tokenize(text, "d"):
        if tok[0] is not TokenType.PRAGMA:
            continue
        line, col = tok[2], tok[3]
        words = tok[1].strip()[1:].split()
        if not words:
            continue
        if words[0] == "pragma":
            if len(words) >= 3 and words[1] == "D" and words[2] == "option":
                for opt in words[3:]:
                    name, _, value = opt.partition("=")
                    options[name] = value
                    if name != "quiet":
                        warnings.append(
                            Diagnostic(
                                line,
                                col,
                                "warning",
                                f"option {name} has no bpftrace script equivalent; dropped",
                                file,
                            )
                        )
            elif len(words) >= 2 and words[1] == "D":
                warnings.append(
                    Diagnostic(line, col, "warning", f"#pragma D {' '.join(words[2:3])} dropped", file)
                )
            continue  # other pragmas are ignored by dtrace too
        if words[0].isdigit() or words[0] == "line" or refused is not None:
            continue
        refused = (
            line,
            col,
            f"preprocessor directive #{words[0]}: needs dtrace -C, which bpftrace has no equivalent of",
        )
    return refused
