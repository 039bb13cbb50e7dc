"""The words of bpftrace 0.17: one source of truth for the bpftrace lexer and linter.

Everything here comes from the project's fact sheet on tracing languages
(``../shared/docs/tracing-languages.md``, the project's reference material,
outside this repository): bpftrace 0.17's lexer and semantic analyser
(argument counts checked against the real ``bpftrace -d`` on 0.17).  Plain
data, no imports beyond the standard library, no Qt.  D's words are in
:mod:`.vocabulary_d`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

#: Keywords of the bpftrace 0.17 lexer (plus the C type words used in casts).
BT_KEYWORDS: frozenset[str] = frozenset(
    [
        "if",
        "else",
        "unroll",
        "while",
        "return",
        "break",
        "continue",
        "sizeof",
        "offsetof",
        "struct",
        "union",
        "enum",
        "config",
    ]
)
BT_TYPE_WORDS: frozenset[str] = frozenset(
    [
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "void",
        "char",
        "short",
        "int",
        "long",
        "unsigned",
        "signed",
    ]
)
#: bpftrace has no boolean literal type in 0.17, but ``true``/``false`` parse as integers.
BT_LITERAL_WORDS: frozenset[str] = frozenset({"true", "false"})

_BT_BUILTINS = {
    "pid": "process id (tgid)",
    "tid": "thread id",
    "uid": "user id",
    "gid": "group id",
    "username": "user name",
    "nsecs": "nanosecond timestamp",
    "elapsed": "nanoseconds since bpftrace started",
    "numaid": "NUMA node id",
    "cpu": "processor id",
    "comm": "process name (at most 15 characters)",
    "kstack": "kernel stack trace",
    "ustack": "user stack trace",
    "args": "tracepoint/kfunc arguments (args->name)",
    "retval": "return value (kretprobe, uretprobe, kretfunc)",
    "func": "traced function name",
    "probe": "full probe name",
    "curtask": "current task_struct",
    "rand": "random number",
    "cgroup": "cgroup id",
    "cpid": "child pid (-c)",
    "ctx": "probe context pointer",
}
#: Built-in variables of bpftrace 0.17 (``arg0``.. and ``sarg0``.. are matched by :data:`BT_ARG_RE`).
BT_BUILTINS: dict[str, str] = {
    **_BT_BUILTINS,
    **{f"arg{i}": "raw probe argument" for i in range(10)},
    **{f"sarg{i}": "stack argument" for i in range(10)},
}
BT_ARG_RE = re.compile(r"^s?arg[0-9]+$")
#: Stack modes accepted as arguments of kstack()/ustack().
BT_STACK_MODES: frozenset[str] = frozenset({"perf", "bpftrace", "raw"})


@dataclass(frozen=True, slots=True)
class BtFunc:
    """A bpftrace function: argument bounds and how 0.17 words the count errors.

    ``style`` is "nargs" (``requires one argument``) or "varargs" (``requires at
    least`` / ``takes up to``).  ``max_args`` None means unbounded.
    """

    name: str
    min_args: int
    max_args: int | None
    style: str = "nargs"
    kind: str = "function"  # "function", "map" (aggregating), "map-action"
    unsafe: bool = False
    since: str = "0.17"

    def count_error(self, nargs: int) -> str | None:
        """bpftrace 0.17's message for ``nargs`` arguments, or None when they fit."""
        name, lo, hi = self.name, self.min_args, self.max_args
        if self.style == "nargs":
            if nargs == lo:
                return None
            if lo == 0:
                return f"{name}() requires no arguments ({nargs} provided)"
            if lo == 1:
                return f"{name}() requires one argument ({nargs} provided)"
            return f"{name}() requires {lo} arguments ({nargs} provided)"
        if nargs < lo:
            if lo == 1:
                return f"{name}() requires at least one argument ({nargs} provided)"
            return f"{name}() requires at least {lo} arguments ({nargs} provided)"
        if hi is not None and nargs > hi:
            if hi == 1:
                return f"{name}() takes up to one argument ({nargs} provided)"
            return f"{name}() takes up to {hi} arguments ({nargs} provided)"
        return None


def _bt(
    name: str,
    lo: int,
    hi: int | None,
    style: str = "nargs",
    *,
    kind: str = "function",
    unsafe: bool = False,
    since: str = "0.17",
) -> BtFunc:
    return BtFunc(name, lo, hi, style, kind=kind, unsafe=unsafe, since=since)


#: Aggregating map functions (``@m = f(...)``).
BT_MAP_FUNCS: dict[str, BtFunc] = {
    f.name: f
    for f in (
        _bt("count", 0, 0, kind="map"),
        _bt("sum", 1, 1, kind="map"),
        _bt("avg", 1, 1, kind="map"),
        _bt("min", 1, 1, kind="map"),
        _bt("max", 1, 1, kind="map"),
        _bt("stats", 1, 1, kind="map"),
        _bt("hist", 1, 1, kind="map"),
        _bt("lhist", 4, 4, kind="map"),
    )
}
#: Functions (0.17), with the argument counts the 0.17 semantic analyser checks.
BT_FUNCTIONS: dict[str, BtFunc] = {
    f.name: f
    for f in (
        _bt("printf", 1, None, "varargs"),
        _bt("time", 0, 1, "varargs"),
        _bt("join", 1, 2, "varargs"),
        _bt("str", 1, 2, "varargs"),
        _bt("ksym", 1, 1),
        _bt("usym", 1, 1),
        _bt("kaddr", 1, 1),
        _bt("uaddr", 1, 1),
        _bt("reg", 1, 1),
        _bt("system", 1, None, "varargs", unsafe=True),
        _bt("exit", 0, 0),
        _bt("cgroupid", 1, 1),
        _bt("kstack", 0, 2, "varargs"),
        _bt("ustack", 0, 2, "varargs"),
        _bt("ntop", 1, 2, "varargs"),
        _bt("pton", 1, 1),
        _bt("cat", 1, None, "varargs"),
        _bt("signal", 1, 1, "varargs", unsafe=True),
        _bt("strncmp", 3, 3),
        _bt("strcontains", 2, 2),
        _bt("override", 1, 1, "varargs", unsafe=True),
        _bt("buf", 1, 2, "varargs"),
        _bt("sizeof", 1, 1),
        _bt("print", 1, 3, "varargs", kind="map-action"),
        _bt("strftime", 2, 2, "varargs"),
        _bt("path", 1, 1, "varargs"),
        _bt("uptr", 1, 1),
        _bt("kptr", 1, 1),
        _bt("macaddr", 1, 1),
        _bt("cgroup_path", 1, 2, "varargs"),
        _bt("bswap", 1, 1),
        _bt("skboutput", 4, 4),
        _bt("strerror", 1, 1),
        _bt("debugf", 1, None, "varargs"),
        _bt("unwatch", 1, 1),
        _bt("delete", 1, 1, kind="map-action"),
        _bt("clear", 1, 1, kind="map-action"),
        _bt("zero", 1, 1, kind="map-action"),
        *BT_MAP_FUNCS.values(),
    )
}
#: Functions that produce output.
BT_OUTPUT_FUNCS: frozenset[str] = frozenset(
    {"printf", "print", "time", "join", "cat", "system", "debugf", "skboutput"}
)


class BtProbeType(NamedTuple):
    name: str
    aliases: tuple[str, ...]
    since: str  # first bpftrace release that has it


#: Probe types (0.17 and later), with aliases and the release that added them.
BT_PROBE_TYPES: tuple[BtProbeType, ...] = (
    BtProbeType("kprobe", ("k",), "0.17"),
    BtProbeType("kretprobe", ("kr",), "0.17"),
    BtProbeType("uprobe", ("u",), "0.17"),
    BtProbeType("uretprobe", ("ur",), "0.17"),
    BtProbeType("usdt", ("U",), "0.17"),
    BtProbeType("tracepoint", ("t",), "0.17"),
    BtProbeType("profile", ("p",), "0.17"),
    BtProbeType("interval", ("i",), "0.17"),
    BtProbeType("software", ("s",), "0.17"),
    BtProbeType("hardware", ("h",), "0.17"),
    BtProbeType("watchpoint", ("w",), "0.17"),
    BtProbeType("asyncwatchpoint", ("aw",), "0.17"),
    BtProbeType("kfunc", ("f",), "0.17"),
    BtProbeType("kretfunc", ("fr",), "0.17"),
    BtProbeType("iter", ("it",), "0.17"),
    BtProbeType("BEGIN", (), "0.17"),
    BtProbeType("END", (), "0.17"),
    BtProbeType("rawtracepoint", ("rt",), "0.18"),
    BtProbeType("fentry", (), "0.20"),
    BtProbeType("fexit", (), "0.20"),
    BtProbeType("self", (), "0.22"),
    BtProbeType("begin", (), "0.24"),
    BtProbeType("end", (), "0.24"),
    BtProbeType("bench", (), "0.24"),
    BtProbeType("test", (), "0.25"),
)
#: Every probe type word (names and aliases) -> (canonical name, release).
BT_PROBE_WORDS: dict[str, tuple[str, str]] = {
    w: (p.name, p.since) for p in BT_PROBE_TYPES for w in (p.name, *p.aliases)
}


def bt_probe_type(spec: str) -> str:
    """The probe-type word of a bpftrace attach point (``kprobe`` of ``kprobe:f``)."""
    return spec.split(":", 1)[0]
