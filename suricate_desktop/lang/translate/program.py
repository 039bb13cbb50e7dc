"""Translating a whole parsed D script into one bpftrace program.

It expands each clause's probe descriptions, translates the clause once per probe (merging
probes whose translations are identical into one block), collects every refusal of the run
into one ScriptError, and renders the blocks: bpftrace allows one ``BEGIN`` and one ``END``, so
D's several ones are merged (their predicates becoming ``if``), and the helper maps of D
variables are cleared in ``END`` so that only aggregations print at exit. It also keeps, for
each line of the output, the D line it came from (:attr:`.result.Translation.line_map`).
"""

from __future__ import annotations

import re

from ..d.tree import Assign, Clause, Index, Name, Program, Unary, walk
from ..diagnostics import Diagnostic, ScriptError
from .builtin_tables import BUILTINS, REFUSED_BUILTINS
from .clause import ClauseTranslator
from .probes import Target, Targets
from .refusal import ArgumentMissing, Refusal
from .result import Translation

#: One translated block before rendering: its probes, predicate, body lines and D clause.
_Block = tuple[list[str], str | None, list[str], Clause]


class ProgramTranslator:
    """Translates one parsed D script; :meth:`run` returns the Translation or raises ScriptError."""

    def __init__(self, program: Program, file: str, arch: str) -> None:
        self.program = program
        self.file = file
        self.arch = arch
        self.warnings: list[Diagnostic] = list(program.warnings)
        self.errors: list[Diagnostic] = []
        self.aggregations: list[str] = []
        self.variables: list[str] = []
        self.globals = self._find_globals()

    def warn(self, line: int, col: int, message: str) -> None:
        d = Diagnostic(line, col, "warning", message, self.file)
        if d not in self.warnings:
            self.warnings.append(d)

    def _find_globals(self) -> set[str]:
        """D global variables: names assigned (or incremented) somewhere in the script."""
        names: set[str] = set()
        for clause in self.program.clauses:
            for n in walk([clause.pred, clause.body]):
                target: object = None
                if isinstance(n, Assign):
                    target = n.target
                elif isinstance(n, Unary) and n.op in ("++", "--"):
                    target = n.operand
                if isinstance(target, Index):
                    target = target.base
                if (
                    isinstance(target, Name)
                    and target.name not in BUILTINS
                    and target.name not in REFUSED_BUILTINS
                ):
                    names.add(target.name)
        return names

    def aggregation(self, name: str) -> str:
        """Note ``name`` as a map holding a D aggregation."""
        if name not in self.aggregations:
            self.aggregations.append(name)
        return name

    def variable(self, name: str) -> str:
        """Note ``name`` as a map holding a D variable."""
        if name not in self.variables:
            self.variables.append(name)
        return name

    def run(self) -> Translation:
        targets = Targets(self.warn, self.arch)
        blocks: list[_Block] = []
        #: D's this-> variables outlive a clause, for the next clauses of the same probe: the probe of
        #: the last clause (when it was one bpftrace probe) and the this-> names assigned so far
        carried: tuple[str, set[str]] | None = None
        joined: set[int] = set()  # blocks that join the one before (one bpftrace block, clauses as ifs)
        for clause in self.program.clauses:
            try:
                expanded = []
                for desc in clause.descs:
                    expanded.extend(targets.expand(desc))
            except Refusal as r:
                self._error(r)
                continue
            groups: list[tuple[list[str], str | None, list[str]]] = []
            failed = False
            left_out: list[tuple[Target, ArgumentMissing]] = []
            inherited = (
                carried[1] if carried and len(expanded) == 1 and expanded[0].probe == carried[0] else set()
            )
            assigned: set[str] = set()
            for t in expanded:
                try:
                    ct = ClauseTranslator(self, t, clause)
                    ct.this_assigned |= inherited
                    pred, body = ct.run()
                    assigned = ct.this_assigned
                except ArgumentMissing as r:
                    if len(expanded) > 1:  # one call of a glob: the others still mean what the D says
                        left_out.append((t, r))
                        continue
                    self._error(r)
                    failed = True
                    break
                except Refusal as r:
                    self._error(r)
                    failed = True
                    break
                for g in groups:
                    if (
                        g[1] == pred
                        and g[2] == body
                        and "BEGIN" not in g[0] + [t.probe]
                        and "END" not in g[0] + [t.probe]
                    ):
                        if t.probe not in g[0]:
                            g[0].append(t.probe)
                        break
                else:
                    groups.append(([t.probe], pred, body))
            if not failed and left_out and not groups:
                self._error(left_out[0][1])  # no call of the glob has the argument
                failed = True
            elif not failed:
                for dropped, why in left_out:
                    reason = why.message.split(": ", 1)[1]
                    self.warn(why.line, why.column, f"{dropped.func} left out of this clause: {reason}")
            if not failed:
                text = "\n".join([groups[0][1] or "", *groups[0][2]]) if len(groups) == 1 else ""
                if any(re.search(rf"\${re.escape(n)}\b", text) for n in inherited):
                    joined.add(len(blocks))
                blocks.extend((g[0], g[1], g[2], clause) for g in groups)
            one = len(groups) == 1 and len(groups[0][0]) == 1 and not failed
            carried = (groups[0][0][0], inherited | assigned) if one else None
        if self.errors:
            raise ScriptError(sorted(self.errors, key=lambda d: (d.line, d.column)))
        text, line_map = self._render(blocks, joined)
        return Translation(text, self.warnings, self.aggregations, self.variables, line_map)

    def _error(self, r: Refusal) -> None:
        d = Diagnostic(r.line, r.column, "error", r.message, self.file)
        if d not in self.errors:
            self.errors.append(d)

    def _render(self, blocks: list[_Block], joined: set[int]) -> tuple[str, list[int]]:
        """The bpftrace text, and for each of its lines the D clause line it came from.

        A block in ``joined`` is put in the block before it (its clause reads this-> variables an
        earlier clause of the same probe assigned), each clause's predicate becoming an if.
        """
        # bpftrace allows one BEGIN and one END: merge them, predicates becoming ifs
        # probes, pred, body lines each with its D line, the clause's D line
        merged: list[tuple[list[str], str | None, list[tuple[str, int]], int]] = []
        special: dict[str, int] = {}
        for i, (probes, pred, body, clause) in enumerate(blocks):
            here = clause.line
            if i in joined and merged and probes not in (["BEGIN"], ["END"]):  # (those are one block anyway)
                before = merged[-1]
                if before[1] is not None:
                    wrapped = [(f"if ({before[1]}) {{", before[3])]
                    wrapped += [("    " + ln, origin) for ln, origin in before[2]] + [("}", before[3])]
                    before = merged[-1] = (before[0], None, wrapped, before[3])
                lines = body if pred is None else [f"if ({pred}) {{"] + ["    " + ln for ln in body] + ["}"]
                before[2].extend((ln, here) for ln in lines)
                continue
            if probes in (["BEGIN"], ["END"]):
                name = probes[0]
                lines = body if pred is None else [f"if ({pred}) {{"] + ["    " + ln for ln in body] + ["}"]
                part = [(ln, here) for ln in lines]
                if name in special:
                    merged[special[name]][2].extend(part)
                    continue
                special[name] = len(merged)
                merged.append(([name], None, part, here))
                continue
            merged.append((probes, pred, [(ln, here) for ln in body], here))
        if self.variables:
            clears = [(f"clear({v});", 0) for v in self.variables]
            if "END" in special:
                merged[special["END"]][2].extend(clears)
            else:
                merged.append((["END"], None, clears, 0))
        out: list[str] = []
        line_map: list[int] = []
        for block_probes, block_pred, block_body, here in merged:
            if line_map:
                out.append("")  # a blank line between blocks
                line_map.append(0)
            head = ", ".join(block_probes)
            if len(head) > 100:
                head = ",\n".join(block_probes)
            if block_pred:
                # a '/' inside the predicate would end it early for bpftrace's parser
                head += f" /({block_pred})/" if "/" in block_pred else f" /{block_pred}/"
            for ln in (head + "\n{").split("\n"):
                out.append(ln)
                line_map.append(here)
            for ln, origin in block_body:
                for piece in f"    {ln}".split("\n"):
                    out.append(piece)
                    line_map.append(origin)
            out.append("}")
            line_map.append(here)
        return "\n".join(out) + "\n" if out else "", line_map
