"""Diagnostics about a script: where (line, column) and what (severity, message).

Shared by the linter, the real compilers' message parsers, the agent (which
refuses a script that does not compile) and the editor (which underlines it).
Lines and columns are 1-based, as compilers print them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding in a script."""

    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    file: str = "<script>"
    end_column: int | None = None
    #: the compiler's tag for the error, where it has one (DTrace's ``D_SYNTAX``, ``D_PROTO_ARG``...)
    code: str | None = None

    def format(self) -> str:
        """``FILE:LINE:COL: severity: message``, the form compilers and editors share."""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["code"] is None:
            del d["code"]  # the form readers from before tags knew
        return d


class ScriptError(Exception):
    """A script that cannot run, with the diagnostics that say why and where."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic | str) -> None:
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(0, 0, "error", diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]
