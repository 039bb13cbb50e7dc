"""Probe descriptions that cannot match any probe, whatever the system (D_PDESC_ZERO, D_PDESC_INVAL).

Without the kernel's probe list a linter can only judge the providers every
DTrace has: ``dtrace`` (BEGIN, END, ERROR) and ``profile`` (profile-N, tick-N
with a rate unit).  Anything else (USDT providers, fbt functions) is left to
dtrace itself.
"""

from __future__ import annotations

import re

from ..tokens import Token
from .errors import DError

_PID = re.compile(r"pid(?:[0-9]+|\$target|\$[0-9]+)")
_OFFSET = re.compile(r"(?:0[xX])?[0-9a-fA-F]+")
_GLOB = re.compile(r"[*?\[\\]")
_RATE = re.compile(r"^(?:profile|tick)-([0-9]+)(ns|nsec|us|usec|ms|msec|s|sec|m|min|h|hour|d|day|hz)?$")
_PROFILE_LIKE = re.compile(r"^(?:profile|tick)-")
_DTRACE = frozenset({"BEGIN", "END", "ERROR"})
_UNIT_NS = {
    "ns": 1,
    "nsec": 1,
    "us": 1_000,
    "usec": 1_000,
    "ms": 1_000_000,
    "msec": 1_000_000,
    "s": 1_000_000_000,
    "sec": 1_000_000_000,
    "m": 60_000_000_000,
    "min": 60_000_000_000,
    "h": 3_600_000_000_000,
    "hour": 3_600_000_000_000,
    "d": 86_400_000_000_000,
    "day": 86_400_000_000_000,
}


#: descriptions already judged fine (a script names the same few probes again and again)
_FINE: set[tuple[str, frozenset[str]]] = set()


def forget() -> None:
    """Empty the cache of descriptions judged fine (a benchmark's cold start)."""
    _FINE.clear()


def check_probe(tok: Token, macros: frozenset[str] = frozenset()) -> None:
    """Raise :class:`DError` when the probe description ``tok`` matches no probe on any system."""
    key = (tok[1], macros)
    if key in _FINE:
        return
    _judge(tok, macros)
    if len(_FINE) >= 4096:
        _FINE.clear()
    _FINE.add(key)


def _judge(tok: Token, macros: frozenset[str]) -> None:
    text = tok[1]
    if macros and any(w in macros for w in re.findall(r"[A-Za-z_]\w*", text)):
        return  # cpp replaces the macro first
    parts = text.split(":")
    if len(parts) > 4:
        raise DError(
            tok, f'invalid probe description "{text}": Overspecified probe description', "D_PDESC_INVAL"
        )
    prov, mod, func, name = [""] * (4 - len(parts)) + parts
    if _PID.fullmatch(prov):
        check_pid(tok, prov, func, name)
        return
    if _GLOB.search(text) or "$" in text:
        return

    def zero() -> DError:  # (built when raised: most descriptions are fine)
        return DError(
            tok, f"probe description {prov}:{mod}:{func}:{name} does not match any probes", "D_PDESC_ZERO"
        )

    if prov in _DTRACE or mod in _DTRACE or func in _DTRACE:
        raise zero()
    if name in _DTRACE:
        if prov not in ("", "dtrace") or mod or func:
            raise zero()
        return
    if prov == "dtrace":
        raise zero()
    if _PROFILE_LIKE.match(name):
        m = _RATE.match(name)
        if prov not in ("", "profile") or mod or func:
            if prov == "":
                raise zero()
            return
        if m is None or int(m.group(1)) == 0:
            raise zero()
        unit = m.group(2) or "hz"
        n = int(m.group(1))
        ns = 1_000_000_000 // n if unit == "hz" else n * _UNIT_NS[unit]
        if ns < 200_000:  # the profile provider's shortest interval: 200 microseconds
            raise zero()
    elif prov == "profile" and name:
        raise zero()


class _Zero(DError):
    """D_PDESC_ZERO for one description (built only when raised)."""

    def __init__(self, tok: Token, prov: str, mod: str, func: str, name: str) -> None:
        super().__init__(
            tok, f"probe description {prov}:{mod}:{func}:{name} does not match any probes", "D_PDESC_ZERO"
        )


def check_pid(tok: Token, prov: str, func: str, name: str) -> None:
    """The pid provider's probe names: entry, return, an instruction offset (dt_pid.c)."""
    if prov == "pid0":
        raise DError(tok, "pid0: invalid process ID", "D_PROC_BADPID")
    globbed = _GLOB.search(name) is not None
    if func == "-":  # absolute addresses
        if not name or globbed or not _OFFSET.fullmatch(name):
            raise DError(
                tok, f"'{name}' is an invalid probe name: '-' as a function needs an address", "D_PROC_NAME"
            )
        return
    if name and not globbed and name not in ("entry", "return") and not _OFFSET.fullmatch(name):
        raise DError(tok, f"'{name}' is an invalid probe name", "D_PROC_NAME")
