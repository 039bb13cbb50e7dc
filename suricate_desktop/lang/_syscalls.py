"""Linux system call tables for the D-to-bpftrace translator (generated data).

* ``ENTRY_FIELDS``: for each ``tracepoint:syscalls:sys_enter_NAME`` event, the
  argument field names in order (``arg0`` is the first), read from
  ``/sys/kernel/tracing/events/syscalls/*/format`` on Linux 6.18 (x86_64).
* ``NUMBERS``: system call number -> name, per architecture: x86_64 from
  ``asm/unistd_64.h`` (Linux 6.1 headers) plus 451-469 (verified on 6.18 by
  calling each number and reading ``__syscall_nr`` on its tracepoint);
  aarch64 from ``asm-generic/unistd.h`` with arm64's ``__ARCH_WANT_*`` set.
  Used to name the system call of ``tracepoint:raw_syscalls:*`` events, as
  bpftrace 0.17 has no ``syscall_name()``.
* ``ERRNO`` and ``SIGNALS``: the Linux values of the errno and signal names
  (``asm-generic/errno*.h``; signal numbers as on x86_64 and arm64). D
  scripts name them (``errno == ENOENT``, ``args[2] == SIGBUS``) and some
  differ between illumos and Linux (SIGBUS is 10 on illumos, 7 on Linux).
* Some calls have a tracepoint named differently from the call (``stat`` is
  ``sys_enter_newstat``); ``TRACEPOINT_NAME`` maps them.

The data is static so that a translation does not depend on the machine that
makes it. It lives in ``syscalls.json`` next to this module (package data), one
table per key, one entry per line; this module loads it at import and gives
the tables their Python types. To refresh it, read the same header files and
format files again (every field line after ``__syscall_nr`` is an argument, in
order) and rewrite the JSON's entries.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, cast


def _load() -> dict[str, dict[str, Any]]:
    text = (
        resources.files(__package__ or "suricate_desktop.lang").joinpath("syscalls.json").read_text("utf-8")
    )
    return cast(dict[str, dict[str, Any]], json.loads(text))


_DATA = _load()

#: tracepoint event name (without sys_enter_) -> argument fields, in order.
ENTRY_FIELDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _DATA["entry_fields"].items()}

#: system call name -> tracepoint event name, where they differ.
TRACEPOINT_NAME: dict[str, str] = dict(_DATA["tracepoint_name"])

#: system call number -> name, x86_64.
_X86_64: dict[int, str] = {int(k): v for k, v in _DATA["numbers_x86_64"].items()}
#: system call number -> name, aarch64 (asm-generic numbering).
_AARCH64: dict[int, str] = {int(k): v for k, v in _DATA["numbers_aarch64"].items()}

#: architecture (platform.machine()) -> number -> name.
NUMBERS: dict[str, dict[int, str]] = {
    "x86_64": _X86_64,
    "amd64": _X86_64,
    "aarch64": _AARCH64,
    "arm64": _AARCH64,
}

#: Linux errno values by name.
ERRNO: dict[str, int] = dict(_DATA["errno"])

#: Linux signal numbers by name.
SIGNALS: dict[str, int] = dict(_DATA["signals"])

del _DATA
