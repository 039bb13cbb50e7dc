"""The real compilers: message parsing on captured output, and bpftrace -d where it runs."""

from __future__ import annotations

import json
import os
import pathlib

import pytest
from bpftrace_dryrun import needs_bpftrace

from suricate_desktop.lang import compilers
from suricate_desktop.lang.compilers import (
    available_compiler,
    bpftrace_version,
    compiler_check,
    parse_bpftrace_output,
    parse_dtrace_output,
    parse_python_dtrace_error,
)
from suricate_desktop.lang.diagnostics import Diagnostic

CORPUS = pathlib.Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())

# Captured from bpftrace 0.17.0 on Debian 12 (bpftrace -d FILE 2>&1 >/dev/null).
BT_LHIST = """\
Error while reading traceable functions from /sys/kernel/tracing/available_filter_functions: Operation not \
permittedERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can \
try "ulimit -l 8192" to fix the problem
/tmp/t.bt:1:14-29: ERROR: lhist() requires 4 arguments (3 provided)
BEGIN { @x = lhist(1, 0, 10); }
             ~~~~~~~~~~~~~~~
"""
BT_TWO = """\
/tmp/x.bt:1:9-24: ERROR: unterminated string
BEGIN { printf("abc); }
        ~~~~~~~~~~~~~~~
/tmp/x.bt:1:9-24: ERROR: syntax error, unexpected end of file
BEGIN { printf("abc); }
        ~~~~~~~~~~~~~~~
"""
BT_STDIN = """\
stdin:1:24-27: ERROR: Unknown function: foo
BEGIN { printf("%d", 1); foo(); }
                        ~~~
"""
BT_RANGE = "/tmp/x.bt:1-3: ERROR: unexpected end of file, expected {\n"
BT_WARN = """\
/tmp/x.bt:1:1-16: WARNING: vfs_read is not traceable (either non-existing, inlined, or marked as "notrace"); \
attaching to it will likely fail
kprobe:vfs_read { @x = count(); }
~~~~~~~~~~~~~~~
"""
BT_FATAL = "FATAL: Invalid probe type made it to attachpoint parser\n"
BT_ECHO = """\
/tmp/x.bt:2:3-10: ERROR: Unknown function: prnt
  prnt("ERROR: looks like a message");
  ~~~~~~~
"""
BT_CLANG = """\
/usr/include/linux/sched.h:93:2: error: unknown type name '__aligned_u64'
ERROR: Include headers with missing type definitions or install BTF information to your system.
"""


def test_parse_bpftrace_located_error_ignores_noise():
    assert parse_bpftrace_output(BT_LHIST, "t.bt") == [
        Diagnostic(1, 14, "error", "lhist() requires 4 arguments (3 provided)", "t.bt", 29)
    ]


def test_parse_bpftrace_several_and_stdin():
    assert [(d.line, d.column, d.message) for d in parse_bpftrace_output(BT_TWO)] == [
        (1, 9, "unterminated string"),
        (1, 9, "syntax error, unexpected end of file"),
    ]
    assert parse_bpftrace_output(BT_STDIN, "x.bt") == [
        Diagnostic(1, 24, "error", "Unknown function: foo", "x.bt", 27)
    ]


def test_parse_bpftrace_line_range_and_unlocated():
    assert parse_bpftrace_output(BT_RANGE) == [
        Diagnostic(1, 1, "error", "unexpected end of file, expected {")
    ]
    assert parse_bpftrace_output(BT_FATAL) == [
        Diagnostic(0, 0, "error", "Invalid probe type made it to attachpoint parser")
    ]
    assert parse_bpftrace_output("", returncode=134) == [
        Diagnostic(0, 0, "error", "bpftrace exited with status 134")
    ]


def test_parse_bpftrace_warnings_and_success():
    diags = parse_bpftrace_output(BT_WARN + BT_LHIST.splitlines(keepends=True)[0], returncode=0)
    assert [(d.severity, d.line, d.column) for d in diags] == [("warning", 1, 1)]


def test_parse_bpftrace_does_not_read_the_echoed_source():
    assert [d.message for d in parse_bpftrace_output(BT_ECHO)] == ["Unknown function: prnt"]


def test_parse_bpftrace_clang_header_errors():
    diags = parse_bpftrace_output(BT_CLANG)
    assert [d.line for d in diags] == [0, 0]
    assert diags[0].message == "/usr/include/linux/sched.h:93:2: unknown type name '__aligned_u64'"


# libdtrace's wording, from the fact sheet (dtrace: failed to compile script F: line N: msg)
D_TEXT = "syscall:::entry\n{\n\t@a = foo(arg0);\n\t@b = count(1);\n}\n"


@pytest.mark.parametrize(
    "stderr, expected",
    [
        (
            "dtrace: failed to compile script x.d: line 3: undefined function name: foo\n",
            (3, 7, "undefined function name: foo"),
        ),
        (
            "dtrace: failed to compile script x.d: line 4: count( ) prototype mismatch: 1 arg passed, 0 expected\n",
            (4, 7, "count( ) prototype mismatch: 1 arg passed, 0 expected"),
        ),
        (
            "dtrace: failed to compile script x.d: line 3: [D_FUNC_UNDEF] undefined function name: foo\n",
            (3, 7, "undefined function name: foo"),
        ),
        (
            'dtrace: failed to compile script x.d: "/tmp/x.d", line 3: @a must be assigned the result of an aggregating '
            "function\n",
            (3, 2, "@a must be assigned the result of an aggregating function"),
        ),
        (
            'dtrace: failed to compile script x.d: line 5: syntax error near "}"\n',
            (5, 1, 'syntax error near "}"'),
        ),
        (
            "dtrace: invalid probe specifier syscall:::entry { @a = foo(arg0); }: in action list: undefined function "
            "name: foo\n",
            (3, 7, "undefined function name: foo"),
        ),
        (
            "dtrace: failed to compile script x.d: line 1: probe description syscall::nosuch:entry does not match any "
            "probes\n",
            (1, 1, "probe description syscall::nosuch:entry does not match any probes"),
        ),
    ],
)
def test_parse_dtrace_output(stderr, expected):
    diags = parse_dtrace_output(stderr, "x.d", D_TEXT)
    assert len(diags) == 1
    d = diags[0]
    assert (d.line, d.column, d.message) == expected
    assert d.severity == "error" and d.file == "x.d"


def test_parse_dtrace_output_without_text():
    diags = parse_dtrace_output(
        "dtrace: failed to compile script x.d: line 9: syntax error near end of input\n"
    )
    assert [(d.line, d.column) for d in diags] == [(9, 1)]
    assert parse_dtrace_output("dtrace: script 'x.d' matched 3 probes\n") == []


def test_parse_python_dtrace_error():
    exc = Exception("Unable to compile the script: ", b"line 3: undefined function name: foo\n")
    assert parse_python_dtrace_error(exc, "x.d", D_TEXT) == [
        Diagnostic(3, 7, "error", "undefined function name: foo", "x.d")
    ]
    # string compiles carry no line: found from the name the message mentions
    exc = Exception(
        "Unable to compile the script: ",
        b"in action list: count( ) prototype mismatch: 1 arg passed, 0 expected",
    )
    assert [(d.line, d.column) for d in parse_python_dtrace_error(exc, "x.d", D_TEXT)] == [(4, 7)]
    assert parse_python_dtrace_error(("Unable to compile the script: ", "line 2: x"))[0].line == 2


def test_compiler_check_without_any_compiler(monkeypatch):
    monkeypatch.setattr(compilers.shutil, "which", lambda name: None)
    monkeypatch.setattr(compilers, "_python_dtrace", lambda: None)
    compilers.bpftrace_version.cache_clear()
    compilers._dtrace_binary_is_real.cache_clear()
    try:
        assert compiler_check("BEGIN { }", "d") is None
        assert compiler_check("BEGIN { }", "bpftrace") is None
        assert available_compiler("d") is None and available_compiler("bpftrace") is None
    finally:
        compilers.bpftrace_version.cache_clear()
        compilers._dtrace_binary_is_real.cache_clear()


def test_python_dtrace_path(monkeypatch):
    """With python-dtrace importable (faked here), its compile() decides."""

    class FakeConsumer:
        def compile(self, text):
            if "foo" in text:
                raise Exception("Unable to compile the script: ", b"line 3: undefined function name: foo")

    monkeypatch.setattr(compilers.shutil, "which", lambda name: None)
    monkeypatch.setattr(compilers, "_python_dtrace", lambda: FakeConsumer)
    assert available_compiler("d") == "python-dtrace"
    assert compiler_check(D_TEXT, "d", "x.d") == [
        Diagnostic(3, 7, "error", "undefined function name: foo", "x.d")
    ]
    assert compiler_check("BEGIN { exit(0); }", "d") == []


# ---------------------------------------------------------------------------
# the real bpftrace (root, Linux)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tracefs():
    if not os.path.isdir("/sys/kernel/tracing/events") and not os.path.isdir(
        "/sys/kernel/debug/tracing/events"
    ):
        pytest.skip("tracefs is not mounted")


@pytest.mark.root
@needs_bpftrace
def test_bpftrace_version_and_mode():
    ver = bpftrace_version()
    assert ver is not None and ver >= (0, 17, 0)
    assert available_compiler("bpftrace").startswith("bpftrace ")


@pytest.mark.root
@needs_bpftrace
def test_real_bpftrace_reports_the_line(tracefs):
    text = "tracepoint:raw_syscalls:sys_enter { @calls[comm] = count(); }\ninterval:s:1 { print(@call); }\n"
    diags = compiler_check(text, "bpftrace", "x.bt")
    assert diags is not None
    errs = [d for d in diags if d.severity == "error"]
    assert errs == [Diagnostic(2, 16, "error", "Undefined map: @call", "x.bt", 27)]


@pytest.mark.root
@needs_bpftrace
def test_real_bpftrace_accepts_a_valid_script(tracefs):
    diags = compiler_check((CORPUS / "bpftrace/valid/read_latency.bt").read_text(), "bpftrace", "r.bt")
    assert diags is not None
    assert [d for d in diags if d.severity == "error"] == []


@pytest.mark.root
@needs_bpftrace
@pytest.mark.parametrize("name", sorted(k for k in EXPECTED if k.startswith("bpftrace/")))
def test_real_bpftrace_agrees_with_the_corpus(tracefs, name):
    """bpftrace -d gives the same first error, line and column as the linter's expected one."""
    text = (CORPUS / name).read_text()
    diags = compiler_check(text, "bpftrace", name)
    errs = [d for d in diags if d.severity == "error"]
    assert errs
    want = EXPECTED[name]
    if name == "bpftrace/broken/bare_probe.bt":
        # bpftrace reports a line range (1-3) for a bare probe at end of file; the linter
        # points at the probe itself
        assert errs[0].message == want["message"] and errs[0].line == 1
        return
    assert (errs[0].line, errs[0].column, errs[0].message) == (want["line"], want["column"], want["message"])
