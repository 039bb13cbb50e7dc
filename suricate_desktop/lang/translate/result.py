"""What a translation hands back: the bpftrace text and what a consumer needs to know about it.

Kept apart from the translator so that the consumers (the CLI, the bpftrace backend, the
editor) depend on one small dataclass: the warnings, which maps hold D aggregations (to chart)
and D variables (not to chart), and the map from bpftrace lines back to D lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic


@dataclass
class Translation:
    """A translated script and what a consumer needs to know about it."""

    text: str
    warnings: list[Diagnostic] = field(default_factory=list)
    #: bpftrace maps holding the D aggregations, in order of appearance (``@`` for a bare ``@``).
    aggregations: list[str] = field(default_factory=list)
    #: bpftrace maps that hold D variables (``@self_*``, ``@global_*``): not data to chart.
    variables: list[str] = field(default_factory=list)
    #: For each line of ``text`` (index 0 = line 1), the line of the D clause it came from (0: none),
    #: so that bpftrace's errors about the translation can be put on the user's own line.
    line_map: list[int] = field(default_factory=list)

    def d_line(self, line: int) -> int:
        """The D script's line behind line ``line`` of the translation (0 when there is none)."""
        return self.line_map[line - 1] if 0 < line <= len(self.line_map) else 0

    def on_d_lines(self, diagnostics: list[Diagnostic], file: str = "<script>") -> list[Diagnostic]:
        """bpftrace's findings about this translation, put on the lines of the D clauses they came from,
        each quoting the translated line it was about (the user never wrote that line)."""
        lines = self.text.split("\n")
        out: list[Diagnostic] = []
        for d in diagnostics:
            quoted = lines[d.line - 1].strip() if 0 < d.line <= len(lines) else ""
            where = self.d_line(d.line)
            message = d.message + (f" (in the bpftrace translation: {quoted})" if quoted else "")
            out.append(Diagnostic(where, 1 if where else 0, d.severity, message, file))
        return out
