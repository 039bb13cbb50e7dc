"""``probefunc`` on every system call: looking the call's name up from its number.

``syscall:::entry`` becomes ``tracepoint:raw_syscalls:sys_enter``, which knows only the call's
number (``args->id``). bpftrace 0.17 has no ``syscall_name()``, and attaching one
``sys_enter_*`` probe per call with ``probe`` takes ~25 s for 360 probes, so the translation
carries a binary search over this architecture's system call numbers instead.
"""

from __future__ import annotations

from .. import _syscalls
from .refusal import Located, refusal_at


def supported_architectures() -> list[str]:
    """Architectures whose system call numbers the translator knows."""
    return sorted(_syscalls.NUMBERS)


def require_syscall_table(arch: str, where: Located) -> None:
    """Refuse (at ``where``) a lookup on an architecture whose numbers the translator does not know."""
    if arch not in _syscalls.NUMBERS:
        raise refusal_at(
            where,
            f"probefunc on every system call needs the system call numbers of {arch}, "
            f"which the translator does not know (it knows {', '.join(supported_architectures())})",
        )


def syscall_lookup(arch: str, id_expr: str) -> list[str]:
    """Statements that set ``$syscall`` to the name of system call number ``id_expr`` on ``arch``."""
    table = sorted(_syscalls.NUMBERS[arch].items())
    # read the number once: comparing args->id again and again lets LLVM turn the
    # context pointer into one the verifier refuses ("dereference of modified ctx ptr")
    lines = [f"$syscall_nr = {id_expr};", '$syscall = "unknown";']
    id_expr = "$syscall_nr"

    def build(items: list[tuple[int, str]], indent: str) -> None:
        if len(items) <= 6:
            for i, (nr, name) in enumerate(items):
                lines.append(
                    f'{indent}{"else " if i else ""}if ({id_expr} == {nr}) {{ $syscall = "{name}"; }}'
                )
            return
        mid = len(items) // 2
        lines.append(f"{indent}if ({id_expr} < {items[mid][0]}) {{")
        build(items[:mid], indent + "    ")
        lines.append(f"{indent}}} else {{")
        build(items[mid:], indent + "    ")
        lines.append(f"{indent}}}")

    build(table, "")
    return lines
