"""Python string indexes (code points) versus Qt positions (UTF-16 code units).

The lexer, the linter and the compilers count columns in characters (code
points); ``QTextDocument``/``QTextBlock`` count UTF-16 units, so a character
outside the Basic Multilingual Plane (an emoji in a comment) takes two. Every
conversion goes through these helpers; the common all-BMP text takes the
identity path.
"""

from __future__ import annotations

import bisect


def _astral(text: str) -> bool:
    """True when ``text`` holds a character that takes two UTF-16 units."""
    return not text.isascii() and any(ord(c) > 0xFFFF for c in text)


def to_utf16(text: str, index: int) -> int:
    """The UTF-16 offset of character ``index`` of ``text`` (``index`` may be ``len(text)``)."""
    if text.isascii():
        return index
    return index + sum(1 for c in text[:index] if ord(c) > 0xFFFF)


def from_utf16(text: str, offset: int) -> int:
    """The character index at UTF-16 ``offset`` of ``text`` (inside a surrogate pair: the pair's character)."""
    if not _astral(text):
        return offset
    units = 0
    for i, c in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(c) > 0xFFFF else 1
    return len(text)


class Utf16Map:
    """Converts many indexes of one text both ways (find/replace over a whole document)."""

    def __init__(self, text: str) -> None:
        self.identity = not _astral(text)
        if not self.identity:
            # Character indexes of the astral characters, ascending.
            self._astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
            self._units = [i + k for k, i in enumerate(self._astral)]  # their UTF-16 offsets

    def to_utf16(self, index: int) -> int:
        if self.identity:
            return index
        return index + bisect.bisect_left(self._astral, index)

    def from_utf16(self, offset: int) -> int:
        if self.identity:
            return offset
        # Astral characters starting before ``offset``, each taking one extra unit.
        k = bisect.bisect_left(self._units, offset)
        if k and self._units[k - 1] + 1 == offset:  # inside a pair: round down to its character
            return self._astral[k - 1]
        return offset - k
