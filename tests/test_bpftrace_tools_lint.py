"""The linters on scripts nobody here wrote: bpftrace's own tools must lint without a false error.

The corpus is ``tests/data/corpora`` (copied from ``../shared/corpora`` with its licence). Each tool
is what bpftrace 0.17 ships and runs, so any error the linter reports on one is a false error: C struct
definitions before the probes, and header or kernel constants (``AF_INET``, ``TCP_FIN_WAIT1``), were
the ones users met.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from suricate_desktop.lang import kernel_constants as K
from suricate_desktop.lang.lint import lint

CORPORA = Path(__file__).parent / "data" / "corpora"
BT_TOOLS = sorted((CORPORA / "bpftrace-tools-v0.17").glob("*.bt"))


def test_the_corpus_holds_bpftraces_41_tools():
    assert len(BT_TOOLS) == 41


@pytest.mark.parametrize("path", BT_TOOLS, ids=lambda p: p.name)
def test_no_bpftrace_tool_gets_an_error(path):
    errors = [
        d for d in lint(path.read_text(encoding="utf-8"), "bpftrace", path.name) if d.severity == "error"
    ]
    assert errors == []


def test_a_struct_definition_before_the_probes_ends_at_its_semicolon():
    text = "struct cfs_rq {\n  unsigned int nr_running;\n};\n\nBEGIN { @n = count(); }\n"
    assert [d for d in lint(text, "bpftrace") if d.severity == "error"] == []


def test_an_unknown_constant_is_still_an_error_in_a_script_without_headers():
    diags = lint("BEGIN { if (arg0 == AF_INTE) { @n = count(); } }\n", "bpftrace")
    assert [(d.line, d.message) for d in diags if d.severity == "error"] == [
        (1, "Unknown identifier: 'AF_INTE'")
    ]


def test_a_constant_of_a_header_missing_here_is_a_warning_at_its_line():
    text = "#include <linux/sched.h>\n\nkprobe:f\n{\n  if (arg0 == TASK_NOT_A_STATE) { @n = count(); }\n}\n"
    diags = lint(text, "bpftrace")
    assert [d for d in diags if d.severity == "error"] == []
    (warning,) = [d for d in diags if "TASK_NOT_A_STATE" in d.message]
    assert (warning.severity, warning.line) == ("warning", 5)


def test_a_macro_of_an_included_system_header_resolves():
    if not K.header_macros(("sys/socket.h",)):
        pytest.skip("no C preprocessor or no <sys/socket.h> on this machine")
    text = "#include <sys/socket.h>\nkprobe:f { if (arg0 == AF_INET6) { @n = count(); } }\n"
    assert [d for d in lint(text, "bpftrace") if "AF_INET6" in d.message] == []


def _btf(strings: list[str], types: bytes) -> bytes:
    """A BTF blob in the kernel's documented layout: header, type section, string section."""
    table = b"\0" + b"".join(s.encode() + b"\0" for s in strings)
    header = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(table))
    return header + types + table


def _off(strings: list[str], name: str) -> int:
    return 1 + sum(len(s) + 1 for s in strings[: strings.index(name)])


def test_btf_enumerators_are_read_past_other_kinds_of_type():
    names = ["int", "point", "x", "y", "state", "ST_UP", "ST_DOWN", "big", "HUGE", "vfs_read"]
    o = lambda n: _off(names, n)
    types = b"".join(
        [
            struct.pack("<IIII", o("int"), 1 << 24, 4, 32),  # INT with its 4-byte encoding
            struct.pack("<III", o("point"), (4 << 24) | 2, 8)  # STRUCT of two members
            + struct.pack("<III", o("x"), 1, 0)
            + struct.pack("<III", o("y"), 1, 32),
            struct.pack("<III", o("state"), (6 << 24) | 2, 4)  # ENUM of two
            + struct.pack("<Ii", o("ST_UP"), 1)
            + struct.pack("<Ii", o("ST_DOWN"), 2),
            struct.pack("<III", o("big"), (19 << 24) | 1, 8)  # ENUM64 of one
            + struct.pack("<III", o("HUGE"), 0, 1),
            struct.pack("<III", o("vfs_read"), 12 << 24, 0),  # FUNC
        ]
    )
    assert K.btf_enumerators(_btf(names, types)) == {"ST_UP", "ST_DOWN", "HUGE"}
    assert K.btf_functions(_btf(names, types)) == {"vfs_read"}
    assert K.btf_enumerators(b"not btf at all, just bytes") == frozenset()


def test_this_kernels_enums_are_known_when_it_has_btf():
    if not K.VMLINUX_BTF.exists():
        pytest.skip("this kernel exposes no BTF")
    assert {"TCP_ESTABLISHED", "TCP_FIN_WAIT1"} <= K.kernel_enumerators()
