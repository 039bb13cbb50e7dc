"""What the running Linux kernel defines: the C constants a bpftrace script may name, its traceable functions.

bpftrace resolves an upper-case name such as ``AF_INET`` or ``TCP_FIN_WAIT1`` through clang: from the
headers the script includes, and (0.17, on a kernel with BTF) from the kernel's own enums. A linter that
knows neither reports them as unknown identifiers, a false error on tools people run every day
(tcplife, tcpaccept, runqlat). This module answers "is this name defined where the script runs?" from
the same two places, read once per process and kept:

- **BTF enumerators**: every enum member of ``/sys/kernel/btf/vmlinux`` (the kernel's type information,
  ``TCP_ESTABLISHED``, ``SKB_DROP_REASON_NOT_SPECIFIED``...), parsed here from BTF's documented binary
  format (kernel ``Documentation/bpf/btf.rst``) without bpftool.
- **Header macros**: the object-like macros of the script's ``#include`` lines that exist on this machine,
  as ``cpp -dM`` lists them (``AF_INET`` from ``<sys/socket.h>``). Headers this machine lacks (kernel
  internals such as ``<net/sock.h>``) contribute nothing.

The translator also asks whether a D script's ``fbt`` function is a kernel function this kernel can trace
(ftrace's ``available_filter_functions``), so that an illumos-only function is said, not left to fail.

A name found in neither may still be defined where the script runs (a kernel's private header); the
linter then warns instead of failing (``lint_bpftrace``), and the real compiler, when installed, has the
last word (``lint.check``).
"""

from __future__ import annotations

import functools
import re
import shutil
import struct
import subprocess
from pathlib import Path

#: The kernel's BTF, as bpftrace reads it.
VMLINUX_BTF = Path("/sys/kernel/btf/vmlinux")

_BTF_MAGIC = 0xEB9F
_HEADER = struct.Struct("<HBBIIIII")  # magic, version, flags, hdr_len, type_off, type_len, str_off, str_len
_TYPE = struct.Struct("<III")  # name_off, info, size/type
_KIND_ENUM, _KIND_FUNC, _KIND_ENUM64 = 6, 12, 19
#: bytes that follow a type's 12-byte header: a constant, or a size per member (vlen)
_EXTRA_FIXED = {1: 4, 3: 12, 14: 4, 17: 4}
_EXTRA_PER_MEMBER = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}

_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)
_DEFINE_RE = re.compile(r"^#define ([A-Za-z_]\w*)(?=[ \t]|$)", re.M)


def btf_enumerators(data: bytes) -> frozenset[str]:
    """The names of every enum member in a BTF blob; empty for anything that is not BTF."""
    return _btf_names(data)[0]


def btf_functions(data: bytes) -> frozenset[str]:
    """The names of every function in a BTF blob (a kernel's BTF lists its functions)."""
    return _btf_names(data)[1]


def _btf_names(data: bytes) -> tuple[frozenset[str], frozenset[str]]:
    """(enum members, functions) of a BTF blob, walking its type section once."""
    if len(data) < _HEADER.size:
        return frozenset(), frozenset()
    magic, _version, _flags, hdr_len, type_off, type_len, str_off, str_len = _HEADER.unpack_from(data)
    if magic != _BTF_MAGIC or hdr_len + str_off + str_len > len(data):
        return frozenset(), frozenset()
    types_at, strings_at = hdr_len + type_off, hdr_len + str_off
    end = min(types_at + type_len, len(data))
    enum_offsets: list[int] = []
    func_offsets: list[int] = []
    unpack_type = _TYPE.unpack_from
    pos = types_at
    while pos + _TYPE.size <= end:
        name, info, _size = unpack_type(data, pos)
        pos += _TYPE.size
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        if kind in (_KIND_ENUM, _KIND_ENUM64):
            step = 8 if kind == _KIND_ENUM else 12
            enum_offsets.extend(struct.unpack_from(f"<{vlen * step // 4}I", data, pos)[:: step // 4])
        elif kind == _KIND_FUNC:
            func_offsets.append(name)
        pos += _EXTRA_FIXED.get(kind, 0) + _EXTRA_PER_MEMBER.get(kind, 0) * vlen

    def names(offsets: list[int]) -> frozenset[str]:
        out = set()
        for off in offsets:
            start = strings_at + off
            stop = data.find(b"\0", start)
            if stop > start:
                out.add(data[start:stop].decode("ascii", "replace"))
        return frozenset(out)

    return names(enum_offsets), names(func_offsets)


@functools.cache
def _kernel_btf() -> tuple[frozenset[str], frozenset[str]]:
    try:
        return _btf_names(VMLINUX_BTF.read_bytes())
    except OSError:
        return frozenset(), frozenset()


def kernel_enumerators() -> frozenset[str]:
    """The running kernel's enum members (empty where there is no readable BTF: not Linux, old kernels)."""
    return _kernel_btf()[0]


#: The kernel functions kprobes can attach to, as ftrace lists them.
TRACEABLE_FUNCTIONS = (
    Path("/sys/kernel/tracing/available_filter_functions"),
    Path("/sys/kernel/debug/tracing/available_filter_functions"),
)


@functools.cache
def traceable_kernel_functions() -> frozenset[str]:
    """The running kernel's traceable functions: ftrace's list, else the functions its BTF describes
    (a sandbox may forbid the list even to root); empty where neither can be read."""
    for path in TRACEABLE_FUNCTIONS:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        return frozenset(line.split(None, 1)[0] for line in text.splitlines() if line.strip())
    return _kernel_btf()[1]


def included_headers(text: str) -> tuple[str, ...]:
    """The ``#include`` targets of a script, in order (``sys/socket.h``...)."""
    return tuple(dict.fromkeys(m.group(2).strip() for m in _INCLUDE_RE.finditer(text)))


@functools.lru_cache(maxsize=64)
def header_macros(headers: tuple[str, ...]) -> frozenset[str]:
    """The macros ``cpp -dM`` defines after including each header of ``headers`` that exists here."""
    cpp = shutil.which("cpp")
    if not cpp or not headers:
        return frozenset()
    names: set[str] = set()
    for header in headers:  # one at a time: a header this machine lacks must not hide the others
        try:
            out = subprocess.run(
                [cpp, "-dM", "-P", "-"],
                input=f"#include <{header}>\n",
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0:
            names.update(_DEFINE_RE.findall(out.stdout))
    return frozenset(names)


def defined_where_it_runs(name: str, headers: tuple[str, ...]) -> bool:
    """True when ``name`` is a kernel enum member or a macro of one of ``headers`` (the script's) found here."""
    return name in kernel_enumerators() or (bool(headers) and name in header_macros(headers))
