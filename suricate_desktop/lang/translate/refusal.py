"""The one exception of the translator: a construct it cannot translate (or parse), at a place.

Every stage (lexer, parser, probe mapping, clause translation) raises :class:`Refusal`;
the entry points turn the refusals into :class:`~suricate_desktop.lang.diagnostics.Diagnostic`
errors, so that one run reports every refused statement at its line and column.
"""

from __future__ import annotations

from typing import Protocol


class Located(Protocol):
    """Anything with a place in the D script: a token, an AST node, a clause."""

    @property
    def line(self) -> int: ...

    @property
    def col(self) -> int: ...


class Refusal(Exception):
    """Something that cannot be translated (or parsed), at a place."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


class ArgumentMissing(Refusal):
    """``argN`` of a system call that one of the Linux calls a glob matched does not have.

    The clause is translated without that call (with a warning) as long as another call of the glob
    is left; see :mod:`.syscall_args`.
    """


def refusal_at(where: Located, message: str) -> Refusal:
    """A refusal at the place of ``where``."""
    return Refusal(where.line, where.col, message)
