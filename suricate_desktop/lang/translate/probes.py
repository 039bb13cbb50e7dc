"""Expanding a D probe description into the bpftrace probes that stand for it.

A D description may name one probe (``proc:::exec-success``), a glob over system calls
(``syscall::*stat:entry``), a timer (``profile-997``, ``tick-1s``) or a kernel function
(``fbt::vfs_read:entry``). :class:`Targets` turns each into one or more :class:`Target`\\ s:
the bpftrace probe plus what the built-ins, ``argN``, ``args[N]`` and ``probefunc`` become
there, and why the ones that have no translation are refused.
"""

from __future__ import annotations

import fnmatch
import platform
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .. import _syscalls
from ..d.tree import Desc
from ..kernel_constants import traceable_kernel_functions
from .probe_tables import (
    LINUX_SYSCALLS,
    NET_ARGS,
    PC_REGISTER,
    PROBE_TABLES,
    PROFILE_UNITS,
    PROVIDER_REFUSALS,
    SYSCALL_ERRNO,
    SYSCALL_RENAMES,
    tracepoint_event,
)
from .refusal import Refusal
from .syscall_args import map_args

_GLOB = re.compile(r"[*?\[]")
#: a provider name as D scripts write a USDT provider: its base name, then a glob, $target or a pid
_USDT_RUNTIME = re.compile(r"([a-z_]+?)(?:\*|\$target|\$[0-9]+|[0-9]+)?$")
#: USDT providers of language runtimes and applications, by base name
USDT_RUNTIMES = {
    "php": "the PHP interpreter",
    "perl": "the Perl interpreter",
    "python": "the Python interpreter",
    "ruby": "the Ruby interpreter",
    "javascript": "Mozilla's JavaScript engine",
    "sh": "the Bourne shell",
    "tcl": "the Tcl interpreter",
    "hotspot": "the Java HotSpot VM",
    "hotspot_jni": "the Java HotSpot VM's JNI",
    "mysql": "MySQL",
    "postgresql": "PostgreSQL",
    "node": "Node.js",
    "plockstat": "libc's user-level locks",
}


@dataclass
class Target:
    """One bpftrace probe standing for (part of) one D probe description."""

    probe: str
    provider: str
    name: str  # D probe name (entry, exec-success, profile-997 ...)
    func: str = ""  # D function (the system call for syscall probes)
    implicit: str | None = None  # predicate the translation adds
    env: dict[str, str] = field(default_factory=dict)  # builtin -> bpftrace text
    refuse: dict[str, str] = field(default_factory=dict)  # builtin -> why not
    argn: dict[int, str] = field(default_factory=dict)  # argN -> bpftrace text
    args_index: dict[int, str] = field(default_factory=dict)  # args[N] -> text
    members: dict[tuple[int, str], str] = field(default_factory=dict)  # args[N]->m -> text
    member_warn: dict[tuple[int, str], str] = field(default_factory=dict)
    arg_refusal: str = ""  # why argN/args[N] cannot be translated (when not mapped)
    arg_missing: dict[int, str] = field(default_factory=dict)  # argN this call lacks -> why (a glob drops it)
    arg_warn: dict[int, str] = field(default_factory=dict)  # argN -> warning where it is used
    errno: str | None = None
    self_key: str = "tid"
    probefunc: str | None = None  # bpftrace text, '$syscall' for the lookup, None: refused
    probefunc_refusal: str = ""
    arg0_key: str | None = None  # io: arg0 as the only subscript
    syscall_id: str | None = None  # raw_syscalls: the number to look up

    @property
    def label(self) -> str:
        """The D probe this target stands for, for messages."""
        return f"{self.provider}::{self.func}:{self.name}" if self.func else f"{self.provider}:::{self.name}"


def _split_desc(text: str) -> tuple[str, str, str, str]:
    parts = text.split(":")
    if len(parts) > 4:
        raise ValueError("too many fields")
    parts = [""] * (4 - len(parts)) + parts
    return parts[0], parts[1], parts[2], parts[3]


def _match(pattern: str, names: Iterable[str]) -> list[str]:
    if pattern in ("", "*"):
        return list(names)
    if _GLOB.search(pattern):
        return [n for n in names if fnmatch.fnmatchcase(n, pattern)]
    return [n for n in names if n == pattern]


class Targets:
    """Turns D probe descriptions into bpftrace targets."""

    def __init__(self, warn: Callable[[int, int, str], None], arch: str) -> None:
        self.warn = warn
        self.arch = arch

    def expand(self, desc: Desc) -> list[Target]:
        """The bpftrace probes of ``desc``; raises Refusal when there is none."""

        def refuse(msg: str) -> Refusal:
            return Refusal(desc.line, desc.col, msg)

        try:
            prov, mod, func, name = _split_desc(desc.text)
        except ValueError:
            raise refuse(f"invalid probe description {desc.text}") from None
        if prov == "" and func == "" and mod == "":
            if name in ("BEGIN", "END", "ERROR"):
                prov = "dtrace"
            elif name.startswith(("profile-", "tick-")):
                prov = "profile"
            else:
                raise refuse(
                    f"probe description {desc.text} names no provider; it would match every provider"
                )
        if prov == "dtrace":
            if name in ("BEGIN", "END"):
                return [Target(name, "dtrace", name, probefunc='""')]
            if name == "ERROR":
                raise refuse("the ERROR probe has no bpftrace equivalent")
            raise refuse(f"unknown dtrace probe {desc.text}")
        if prov == "profile":
            return [self._profile(desc, name)]
        if prov == "syscall":
            return self._syscall(desc, func, name)
        if prov == "fbt":
            return self._fbt(desc, mod, func, name)
        base = re.sub(r"(\$[A-Za-z_]+|[0-9]+|\*)$", "", prov)
        if base in PROVIDER_REFUSALS and prov not in PROBE_TABLES:
            raise refuse(f"cannot translate {desc.text}: {PROVIDER_REFUSALS[base]}")
        if prov in PROBE_TABLES:
            table = PROBE_TABLES[prov]
            names = _match(name, table)
            if not names and base in PROVIDER_REFUSALS:
                raise refuse(f"cannot translate {desc.text}: {PROVIDER_REFUSALS[base]}")
            if not names:
                if prov == "tcp" and name in ("send", "receive"):
                    raise refuse(
                        f"cannot translate {desc.text}: per-segment TCP probes have no stable tracepoint; ip:::{name} counts packets"
                    )
                raise refuse(f"cannot translate {desc.text}: no bpftrace equivalent of {prov} probe {name!r}")
            out = []
            for n in names:
                spec = table[n]
                t = Target(
                    spec["probe"],
                    prov,
                    n,
                    func=func,
                    implicit=spec.get("implicit"),
                    env=dict(spec.get("env", {})),
                    refuse=dict(spec.get("refuse", {})),
                    argn=dict(spec.get("argn", {})),
                    args_index=dict(spec.get("args_index", {})),
                    members=dict(spec.get("members", {})),
                    self_key=spec.get("self_key", "tid"),
                    arg0_key=spec.get("arg0_key"),
                )
                t.probefunc_refusal = f"probefunc on {prov} probes names an illumos kernel function"
                if prov in ("tcp", "ip"):
                    t.arg_refusal = NET_ARGS
                elif prov == "io":
                    t.arg_refusal = "io provider arguments other than b_bcount, b_blkno, b_error and the device are translators (bufinfo_t, devinfo_t, fileinfo_t)"
                    for key in (1, "dev_statname"), (1, "dev_name"), (1, "dev_pathname"):
                        t.member_warn[key] = "the device is the Linux dev_t number (args->dev), not a name"
                else:
                    t.arg_refusal = f"the arguments of {prov}:::{n} are translated types (lwpsinfo_t, psinfo_t ...) with no bpftrace equivalent"
                out.append(t)
            return out
        runtime = _USDT_RUNTIME.match(prov)
        if runtime and runtime.group(1) in USDT_RUNTIMES:
            raise refuse(
                f"cannot translate {desc.text}: {prov} is the USDT provider of {USDT_RUNTIMES[runtime.group(1)]}; "
                "on Linux its probes are usdt:BINARY:..., which need the path of the binary and a runtime "
                "built with them, and a D script names neither"
            )
        raise refuse(f"cannot translate {desc.text}: provider {prov!r} has no bpftrace translation")

    def _profile(self, desc: Desc, name: str) -> Target:
        m = re.fullmatch(r"(profile|tick)-([0-9]+)([a-z]*)", name)
        if not m or m.group(3) not in PROFILE_UNITS:
            raise Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: expected profile-N[unit] or tick-N[unit]"
            )
        kind, n, unit = m.group(1), int(m.group(2)), m.group(3)
        unit, mult = PROFILE_UNITS[unit]
        n *= mult
        if unit == "ns":
            if n % 1000:
                raise Refusal(
                    desc.line,
                    desc.col,
                    f"cannot translate {desc.text}: bpftrace takes periods in us, ms, s or hz",
                )
            unit, n = "us", n // 1000
        probe = f"{'profile' if kind == 'profile' else 'interval'}:{unit}:{n}"
        target = Target(probe, "profile", name, probefunc='""')
        pc = PC_REGISTER.get(self.arch)
        if kind == "profile" and pc:
            # the interrupted PC: a kernel address has the top bit set (x86_64, arm64)
            target.argn = {
                0: f'((int64)reg("{pc}") < 0 ? reg("{pc}") : 0)',
                1: f'((int64)reg("{pc}") < 0 ? 0 : reg("{pc}"))',
            }
            target.arg_refusal = "profile probes have only arg0 (kernel PC) and arg1 (user PC)"
        elif kind == "profile":
            target.arg_refusal = f"arg0/arg1 (the PC) need the register name of {self.arch}, which the translator does not know"
        else:
            target.arg_refusal = "tick probes have no arguments the translator knows"
        return target

    def _syscall(self, desc: Desc, func: str, name: str) -> list[Target]:
        names = _match(name, ["entry", "return"])
        if not names:
            raise Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: syscall probes are named entry or return"
            )
        targets = []
        if func in ("", "*"):
            for n in names:
                enter = n == "entry"
                t = Target(
                    f"tracepoint:raw_syscalls:{'sys_enter' if enter else 'sys_exit'}",
                    "syscall",
                    n,
                    probefunc="$syscall",
                    syscall_id="args->id",
                )
                if enter:
                    t.argn = {i: f"args->args[{i}]" for i in range(6)}
                    t.args_index = dict(t.argn)
                else:
                    t.argn = {0: "args->ret", 1: "args->ret"}
                    t.args_index = {0: "args->ret"}
                    t.errno = SYSCALL_ERRNO
                t.arg_refusal = (
                    "system calls take at most six arguments"
                    if enter
                    else "a return probe has only arg0 and arg1"
                )
                targets.append(t)
            return targets
        if _GLOB.search(func):
            calls = _match(func, LINUX_SYSCALLS)
            if not calls:
                raise Refusal(
                    desc.line, desc.col, f"probe description {desc.text} matches no Linux system call"
                )
        else:
            call = func
            if call not in LINUX_SYSCALLS and call in SYSCALL_RENAMES:
                call = SYSCALL_RENAMES[call]
                self.warn(desc.line, desc.col, f"system call {func} is {call} on Linux")
            if call not in LINUX_SYSCALLS:
                raise Refusal(
                    desc.line,
                    desc.col,
                    f"cannot translate {desc.text}: Linux has no system call tracepoint named {func}",
                )
            calls = [call]
        for n in names:
            for call in calls:
                event = tracepoint_event(call)
                enter = n == "entry"
                t = Target(
                    f"tracepoint:syscalls:{'sys_enter_' if enter else 'sys_exit_'}{event}",
                    "syscall",
                    n,
                    func=call,
                )
                t.probefunc = f'"{call}"'
                if enter:
                    fields = _syscalls.ENTRY_FIELDS[event]
                    mapped = map_args(func, call, fields)
                    t.argn = mapped.argn
                    t.args_index = dict(t.argn)
                    t.arg_missing = mapped.missing
                    t.arg_warn = mapped.positional
                    t.arg_refusal = f"{call} takes {len(fields)} argument{'s' if len(fields) != 1 else ''}"
                else:
                    t.argn = {0: "args->ret", 1: "args->ret"}
                    t.args_index = {0: "args->ret"}
                    t.errno = SYSCALL_ERRNO
                    t.arg_refusal = "a return probe has only arg0 and arg1"
                targets.append(t)
        return targets

    def _fbt(self, desc: Desc, mod: str, func: str, name: str) -> list[Target]:
        if func in ("", "*"):
            raise Refusal(
                desc.line, desc.col, f"cannot translate {desc.text}: it would trace every kernel function"
            )
        if mod:
            self.warn(desc.line, desc.col, f"module {mod} ignored: kernel modules differ on Linux")
        known = traceable_kernel_functions()
        if known and not _match(func, known):
            self.warn(
                desc.line,
                desc.col,
                f"kernel function {func} is not a traceable function of this Linux kernel "
                f"({platform.release()}): the kprobe will not attach here; it is an illumos function, "
                "or the host that runs the script must have it",
            )
        else:
            self.warn(
                desc.line,
                desc.col,
                f"kernel function {func}: illumos and Linux kernels have different functions",
            )
        names = _match(name, ["entry", "return"])
        if not names:
            raise Refusal(
                desc.line,
                desc.col,
                f"cannot translate {desc.text}: fbt probes are named entry or return (offsets are not translated)",
            )
        out = []
        for n in names:
            if n == "entry":
                t = Target(f"kprobe:{func}", "fbt", n, func=func, probefunc="func")
                t.argn = {i: f"arg{i}" for i in range(10)}
                t.arg_refusal = "args[] on fbt probes are typed from CTF; use argN"
            else:
                t = Target(f"kretprobe:{func}", "fbt", n, func=func, probefunc="func")
                t.argn = {1: "retval"}
                t.arg_refusal = "fbt return probes: only arg1 (the return value) translates"
            out.append(t)
        return out
