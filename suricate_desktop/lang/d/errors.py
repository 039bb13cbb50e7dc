"""The front end's error: DTrace's message, its ``D_*`` tag, and the token it is about."""

from __future__ import annotations

from ..tokens import Token


class DError(Exception):
    """A compile error as libdtrace reports it (``[D_TAG] line N: message``); the first one stops the compile."""

    def __init__(self, tok: Token | None, message: str, code: str) -> None:
        super().__init__(message)
        self.tok = tok
        self.message = message
        self.code = code
