"""D ``printf`` format strings -> bpftrace ``printf`` format strings.

The two take nearly the same conversions; this rewrites the ones that differ (``%i`` is
``%d``; bpftrace knows no ``L``/``z``/``j``/``t`` length and no length on ``%c %s %p``) and
refuses the ones bpftrace lacks (``*`` widths, ``%@`` of printa() formats, floating point).
"""

from __future__ import annotations

import re

from .nodes import Str
from .refusal import refusal_at

_FORMAT = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]+))?(hh|h|ll|l|L|z|j|t)?([A-Za-z%@])")


def printf_format(fmt: Str) -> str:
    """The bpftrace equivalent of the format string literal ``fmt`` (quotes included).

    Raises Refusal at ``fmt`` for a conversion bpftrace does not have.
    """

    def conv(m: re.Match[str]) -> str:
        flags: str = m.group(1)
        width: str | None = m.group(2)
        prec: str | None = m.group(3)
        length: str | None = m.group(4)
        ch: str = m.group(5)
        if ch == "%":
            return "%%"
        if width == "*" or prec == "*":
            raise refusal_at(fmt, "printf width or precision '*' is not supported by bpftrace")
        if ch in "di":
            ch = "d"
        elif ch in "uxXocsp":
            pass
        elif ch == "@":
            raise refusal_at(fmt, "%@ belongs to printa() formats, which bpftrace does not have")
        else:
            raise refusal_at(fmt, f"printf conversion %{ch} has no bpftrace equivalent")
        if ch in "csp":
            length = None
        elif length in ("L", "z", "j", "t"):
            length = "l"
        return "%" + flags + (width or "") + (f".{prec}" if prec is not None else "") + (length or "") + ch

    return _FORMAT.sub(conv, fmt.text)
