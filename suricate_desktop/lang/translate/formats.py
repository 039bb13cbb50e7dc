"""D ``printf`` format strings -> bpftrace ``printf`` format strings.

The two take nearly the same conversions; this rewrites the ones that differ (``%i`` is
``%d``; bpftrace knows no ``L``/``z``/``j``/``t`` length and no length on ``%c %s %p``) and
refuses the ones bpftrace lacks (``%@`` of printa() formats, floating point).  ``%S`` (a string with its
special characters escaped) is printed as ``%s``; the caller warns (:func:`escapes_strings`).
:func:`inline_printf_args` first folds what bpftrace can still print: a ``*`` width given as a
constant, and ``%Y`` of ``walltimestamp`` (D's date) as ``strftime()``.
"""

from __future__ import annotations

import re

from ..d.tree import Bpftrace, Name, Node, Num, Str
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
        elif ch == "S":
            ch = "s"  # bpftrace has no escaping %S; the clause warns at the line
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

    return string_literal(_FORMAT.sub(conv, fmt.text))


#: C escapes D takes and bpftrace 0.17's lexer does not, as the octal escapes it does take
_ESCAPES = {"a": "\\007", "b": "\\010", "f": "\\014", "v": "\\013", "?": "?", "'": "'"}


def string_literal(text: str) -> str:
    """A D string literal (quotes included) as bpftrace reads the same characters."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def escapes_strings(fmt: Str) -> bool:
    """Whether ``fmt`` has D's ``%S``, which bpftrace prints as ``%s`` (special characters unescaped)."""
    return any(m.group(5) == "S" for m in _FORMAT.finditer(fmt.text))


#: D's ``%Y``: "2006 Oct 31 12:00:00"
_D_DATE = '"%Y %b %e %H:%M:%S"'


def inline_printf_args(fmt: Str, args: list[Node]) -> tuple[Str, list[Node]]:
    """``fmt`` and its arguments with constant ``*`` widths folded into the format and ``%Y`` of
    ``walltimestamp`` turned into ``%s`` of ``strftime(D's date format, nsecs)`` (bpftrace's wall clock).

    Anything else is left for :func:`printf_format` to translate or refuse.
    """
    out_args = list(args)
    pieces: list[str] = []
    last = 0
    k = 0  # index into out_args of the next conversion's argument
    for m in _FORMAT.finditer(fmt.text):
        pieces.append(fmt.text[last : m.start()])
        last = m.end()
        text = m.group(0)
        if m.group(5) in "%":
            pieces.append(text)
            continue
        for star in (2, 3):
            if m.group(star) == "*" and k < len(out_args) and isinstance(out_args[k], Num):
                value = out_args.pop(k)
                assert isinstance(value, Num)
                text = text.replace("*", str(value.value), 1)
            elif m.group(star) == "*":
                k += 1
        if m.group(5) == "Y" and k < len(out_args):
            arg = out_args[k]
            if isinstance(arg, Name) and arg.name == "walltimestamp":
                out_args[k] = Bpftrace(arg.line, arg.col, f"strftime({_D_DATE}, nsecs)")
                text = text[:-1] + "s"
        pieces.append(text)
        k += 1
    pieces.append(fmt.text[last:])
    return Str(fmt.line, fmt.col, "".join(pieces)), out_args
