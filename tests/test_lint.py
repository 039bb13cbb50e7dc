"""Linter: the corpus (valid scripts lint clean, broken ones give their expected error), the checks, the CLI."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import pytest

from suricate_desktop.cli import main as cli_main
from suricate_desktop.lang import lint as lint_mod
from suricate_desktop.lang import lint_cache
from suricate_desktop.lang.diagnostics import Diagnostic
from suricate_desktop.lang.lint import check, detect_lang, lint

CORPUS = pathlib.Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
VALID = sorted(p for p in CORPUS.glob("*/valid/*") if p.suffix in (".d", ".bt"))
BROKEN = sorted(p for p in CORPUS.glob("*/broken/*") if p.suffix in (".d", ".bt"))
LINE_RE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.+)$")


def lang_of(path: pathlib.Path) -> str:
    return "d" if path.suffix == ".d" else "bpftrace"


def errors(text: str, lang: str = "d", **kw) -> list[Diagnostic]:
    return [d for d in lint(text, lang, **kw) if d.severity == "error"]


def warnings(text: str, lang: str = "d", **kw) -> list[Diagnostic]:
    return [d for d in lint(text, lang, **kw) if d.severity == "warning"]


def first_error(text: str, lang: str = "d", **kw) -> tuple[int, int, str]:
    errs = errors(text, lang, **kw)
    assert errs, f"no error for {text!r}"
    return errs[0].line, errs[0].column, errs[0].message


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------


def test_corpus_size_and_seeds():
    assert len(VALID) + len(BROKEN) >= 60
    for lang in ("d", "bpftrace"):
        for kind in ("valid", "broken"):
            assert len(list((CORPUS / lang / kind).iterdir())) >= 10
    texts = {p.read_text().strip() for p in VALID}
    assert "syscall:::entry { @num[probefunc] = count(); }" in texts
    assert "syscall::read:entry { @dist[execname] = lquantize(arg0, 0, 12, 2); }" in texts
    # one-liners and multi-clause scripts of both languages
    for lang in ("d", "bpftrace"):
        files = [p for p in VALID if lang_of(p) == lang]
        assert any(p.read_text().count("\n") == 1 for p in files)
        assert any(p.read_text().count("{") >= 3 for p in files)


def test_expected_json_covers_every_broken_file():
    names = {str(p.relative_to(CORPUS)) for p in BROKEN}
    assert names == set(EXPECTED)
    for entry in EXPECTED.values():
        assert set(entry) == {"line", "column", "severity", "message"}
        assert entry["severity"] == "error"


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_scripts_have_no_errors(path):
    assert errors(path.read_text(), lang_of(path), file=str(path)) == []


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_broken_scripts_give_their_error(path):
    want = EXPECTED[str(path.relative_to(CORPUS))]
    errs = errors(path.read_text(), lang_of(path), file=str(path))
    assert errs, "expected an error"
    got = errs[0]
    assert (got.line, got.column, got.severity, got.message) == (
        want["line"],
        want["column"],
        want["severity"],
        want["message"],
    )
    assert got.file == str(path)


# ---------------------------------------------------------------------------
# D checks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        ("lquantize(arg0, 0, 12, 2)", None),
        ("lquantize(arg0, 0, 12)", None),
        ("lquantize(arg0, 0, 1024, 64, 3)", None),
        (
            "lquantize(arg0, 12, 0, 2)",
            "lquantize( ) base (argument #1) must be less than limit (argument #2)",
        ),
        (
            "lquantize(arg0, 0, 10, 0)",
            "lquantize( ) argument #3 must be a non-zero positive integer constant",
        ),
        (
            "lquantize(arg0, 0, 10, -2)",
            "lquantize( ) argument #3 must be a non-zero positive integer constant",
        ),
        ("lquantize(arg0, 0, 100000, 70000)", "lquantize( ) argument #3 must be a 16-bit quantity"),
        (
            "lquantize(arg0, 0, 10, 20)",
            "lquantize( ) step (argument #3) too large: must have at least one quantization level",
        ),
        (
            "lquantize(arg0, 0, 100000, 1)",
            "lquantize( ) step (argument #3) too small: number of quantization "
            "levels must be a 16-bit quantity",
        ),
        ("lquantize(arg0, 0, 3000000000, 1000000)", "lquantize( ) argument #2 must be a 32-bit quantity"),
        (
            "lquantize(arg0, 5, 5, 1)",  # DTrace on Linux (dt_cg.c); illumos says the step is too large
            "lquantize( ) base (argument #1) must be less than limit (argument #2)",
        ),
        ("lquantize(arg0, 0, 1024 * 4, 64)", None),
        ("lquantize(arg0, 0, $1, 1)", None),
        ("lquantize(arg0, 0)", "lquantize( ) prototype mismatch: 2 args passed, at least 3 expected"),
        (
            "lquantize(arg0, 0, 10, 1, 1, 1)",
            "lquantize( ) prototype mismatch: 6 args passed, at most 5 expected",
        ),
        ("llquantize(arg0, 10, 0, 6, 20)", None),
        ("llquantize(arg0, 1, 0, 6, 20)", "llquantize( ) factor (argument #1) must be two or more"),
        (
            "llquantize(arg0, 10, 6, 5, 20)",
            "llquantize( ) high magnitude (argument #3) must be greater than low magnitude (argument #2)",
        ),
        (
            "llquantize(arg0, 10, 0, 6, 3)",
            "llquantize( ) factor (argument #1) must be less than or equal to the "
            "number of linear steps per magnitude (argument #4)",
        ),
        (
            "llquantize(arg0, 10, 0, 6, 25)",
            "llquantize( ) factor (argument #1) must evenly divide the number of "
            "steps per magnitude (argument #4), and the number of steps per "
            "magnitude must evenly divide a power of the factor",
        ),
        (
            "llquantize(arg0, 10, 0, 20, 20)",
            "llquantize( ) factor (10) raised to power of high magnitude (20) plus 1 overflows 64-bits",
        ),
        (
            "llquantize(arg0, 10, 0, 6)",
            "llquantize( ) prototype mismatch: 4 args passed, at least 5 expected",
        ),
        (
            "llquantize(arg0, 100000, 0, 6, 20)",
            "llquantize( ) argument #1 (factor) must be an unsigned 16-bit quantity",
        ),
        ("quantize(arg0)", None),
        ("quantize(arg0, 2)", None),
        ("quantize()", "quantize( ) prototype mismatch: 0 args passed, at least 1 expected"),
        ("avg()", "avg( ) prototype mismatch: 0 args passed, 1 expected"),
        ("sum(1, 2)", "sum( ) prototype mismatch: 2 args passed, 1 expected"),
        ("count(1)", "count( ) prototype mismatch: 1 arg passed, 0 expected"),
        ("stddev(arg0)", None),
        ("trace(arg0)", "@a must be assigned the result of an aggregating function"),
        ("nosuch(arg0)", "undefined function name: nosuch"),
    ],
)
def test_d_aggregating_functions(call, message):
    text = f"syscall::read:entry {{ @a[execname] = {call}; }}"
    errs = errors(text)
    if message is None:
        assert errs == []
    else:
        assert errs and errs[0].message == message
        assert errs[0].line == 1


def test_d_quantize_limits_follow_the_platform():
    """Linux's DTrace rejects lquantize's base equal to its limit, and accepts llquantize's equal magnitudes."""
    same = "syscall::read:entry { @a = lquantize(arg0, 5, 5, 1); }"
    assert errors(same)[0].code == "D_LQUANT_MISMATCH"
    assert errors(same, platform="illumos")[0].code == "D_LQUANT_STEPLARGE"
    flat = "syscall::read:entry { @a = llquantize(arg0, 10, 3, 3, 10); }"
    assert errors(flat) == []
    assert errors(flat, platform="illumos")[0].code == "D_LLQUANT_HMAGVAL"


def test_d_lquantize_error_points_at_the_argument():
    text = "BEGIN\n{\n\tx = 3;\n\t@ = lquantize(1, 0, x, 1);\n}\n"
    assert first_error(text) == (4, 22, "lquantize( ) argument #2 must be an integer constant")


@pytest.mark.parametrize(
    "body, message",
    [
        (
            'printf("%d %s\\n", 1);',
            "printf( ) prototype mismatch: conversion #2 (%s) is missing a corresponding value argument",
        ),
        (
            'printf("%d\\n", 1, 2);',
            "printf( ) prototype mismatch: only 1 arguments required by this format string",
        ),
        ('printf("%*d %%\\n", 5, 1);', None),
        ("printf();", "printf( ) prototype mismatch: 0 args passed, at least 1 expected"),
        ("exit();", "exit( ) prototype mismatch: 0 args passed, 1 expected"),
        ("exit(0);", None),
        ("trace();", "trace( ) prototype mismatch: 0 args passed, 1 expected"),
        (
            "x = copyinstr(arg0, 10, 3);",
            "copyinstr( ) prototype mismatch: 3 args passed, at most 2 expected",
        ),
        ('x = substr("abc", 1);', None),
        ("stack(5); ustack(10, 100); jstack();", None),
        ('prinft("x");', "undefined function name: prinft"),
        (
            "x = count();",
            "aggregating function count( ) may not be called from a D expression (D program context "
            "required): assign it to an aggregation, as in @a = count(...)",
        ),
        ("x = foo;", "failed to resolve foo: Unknown variable name"),
        ("x = self->y;", "self->y has not yet been declared or assigned"),
        ("x = this->y;", "this->y has not yet been declared or assigned"),
        ("self->y++; this->z = 1; x = self->y + this->z;", None),
        ("x = (uint64_t)arg0 + sizeof (struct foo) + SIGKILL + curthread->t_pri + `max_ncpus;", None),
        ("for (;;) { }", 'syntax error near "for"'),
        ("x = 010 + 0x1f + 7ull;", None),
        ("x = 08;", "constant 08 contains invalid digit 8"),
        ("x = 1e3;", "floating-point constants are not permitted"),
        ("x = 99999999999999999999999;", "constant 99999999999999999999999 results in integer overflow"),
        ("x = '';", "empty character constant"),
        ("x = 'a';", None),
    ],
)
def test_d_clause_checks(body, message):
    text = f"BEGIN {{ {body} @n = count(); }}"
    errs = errors(text)
    if message is None:
        assert errs == []
    else:
        assert errs and errs[0].message == message


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "BEGIN { @a = count(); } END { trace(@a); }",
            (
                1,
                37,
                "trace( ) may not be applied to a dynamic expression (@a is an aggregation: "
                "print it with printa())",
            ),
        ),
        (
            "BEGIN { @a = count(); } END { print(@a); }",
            (1, 37, "print( ) may not be applied to an aggregation -- did you mean printa()?"),
        ),
        (
            "BEGIN { @a = count(); } END { x = @a * 2; }",
            (
                1,
                35,
                "operator * requires operands of arithmetic type (@a is an aggregation: print it with printa())",
            ),
        ),
        (
            "BEGIN { @a = count(); } END { x = 2 % @a; }",
            (
                1,
                39,
                "operator % requires operands of integral type (@a is an aggregation: print it with printa())",
            ),
        ),
        (
            "BEGIN { @a = count(); } END /@a > 10/ { exit(0); }",
            (
                1,
                30,
                'operands have incompatible types: "aggregation" > "int" (@a is an aggregation: '
                "print it with printa())",
            ),
        ),
        (
            "BEGIN { @a = count(); @a = sum(1); }",
            (1, 28, "aggregation redefined: @a (current: @a = sum( ); previous: @a = count( ) : line 1)"),
        ),
        ("BEGIN { @a = 1; }", (1, 9, "@a must be assigned the result of an aggregating function")),
        ("BEGIN { @a++; }", (1, 9, "@a must be assigned the result of an aggregating function")),
        (
            "BEGIN { @a = count(); printa(@a); clear(@a); trunc(@a, 5); normalize(@a, 2); denormalize(@a); exit(0); }",
            None,
        ),
        ('BEGIN { @a = count(); printa("%@d\\n", @a); exit(0); }', None),
        (
            "BEGIN { @a = count(); trace(&@a); }",
            (1, 30, "cannot take address of dynamic variable (@a is an aggregation: print it with printa())"),
        ),
        ("BEGIN { @a = count(); @a; }", (1, 23, "expression has null effect: @a")),
        ("BEGIN { @a[1]; }", (1, 9, "expression has null effect: @a")),
        ("BEGIN { @a; }", (1, 9, "failed to resolve @a: Unknown variable name")),
        (
            "BEGIN { @[0][1] = count(); }",
            (1, 13, "improper attempt to reference @ as a multi-dimensional array"),
        ),
        (
            "BEGIN { @a = count(); @[@a] = count(); }",
            (1, 25, "aggregation expression may not be used as aggregation index: key #1"),
        ),
    ],
)
def test_d_aggregations_as_values(text, expected):
    errs = errors(text)
    if expected is None:
        assert errs == []
    else:
        assert errs and (errs[0].line, errs[0].column, errs[0].message) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BEGIN { x = 1; }}", (1, 17, 'syntax error near "}"')),
        ("BEGIN { x = (1 + 2; }", (1, 19, 'syntax error near ";"')),
        ("BEGIN { x = 1 + 2); }", (1, 18, "extra ) in input stream")),
        ("BEGIN { x = a[1]]; }", (1, 17, "extra ] in input stream")),
        ("BEGIN { x = 1;", (1, 15, "syntax error near end of input")),
        ("BEGIN { x = 1;\n", (2, 1, "syntax error near end of input")),
        # libdtrace reports these where its lexer stands: past the "/", at the "{"
        ("BEGIN /(x == 1/ { }", (1, 17, "closing ) expected in predicate before /")),
        ("BEGIN /x[1 == 1/ { }", (1, 18, "closing ] expected in predicate before /")),
        ("BEGIN /x == 1 { }", (1, 15, 'syntax error near "{"')),
        ("BEGIN", (1, 1, "expected predicate and/or actions following probe description")),
        ("BEGIN /x/", (1, 1, "expected actions { } following probe description and predicate")),
        ("BEGIN\nEND { }", (1, 1, "expected predicate and/or actions following probe description")),
        ("BEGIN, { }", (1, 8, 'syntax error near "{"')),
        ('BEGIN { printf("x\n); }', (1, 16, "newline encountered in string literal")),
        ("BEGIN { x = 'a\n'; }", (1, 13, "newline encountered in character constant")),
        ("/* a\n/* b */ BEGIN { }", (2, 1, "/* encountered inside a comment")),
        ("BEGIN { } /* open\n", (2, 1, "end-of-file encountered before matching */")),
        ("BEGIN { x = 1 ? 2 : 3; } ~", (1, 26, 'syntax error near "~"')),
        ("BEGIN { x = 1; \\ }", (1, 16, 'syntax error near "\\"')),
        (
            "BEGIN { @a = count(); // c\n}",
            (1, 23, 'syntax error near "/": D has no // comments (use /* ... */)'),
        ),
        ("#includ <stdio.h>\nBEGIN { }", (1, 1, "invalid control directive: #includ")),
        ("#pragma D nosuch\nBEGIN { }", (1, 1, "invalid D pragma: nosuch")),
        ("#pragma D option\nBEGIN { }", (1, 1, "malformed #pragma option <option>=<val>")),
        ("#pragma D option a b\nBEGIN { }", (1, 1, "superfluous arguments specified for #pragma option")),
        (
            "#pragma D option bufsize=lots\nBEGIN { }",
            (1, 1, "failed to set option 'bufsize' to 'lots': Invalid value for specified option"),
        ),
        (
            "#pragma D option bufpolicy=circular\nBEGIN { }",
            (1, 1, "failed to set option 'bufpolicy' to 'circular': Invalid value for specified option"),
        ),
        ("#pragma D option quite\nBEGIN { }", (1, 1, "failed to set option 'quite': Invalid option name")),
        (
            "#pragma D option quite=1\nBEGIN { }",
            (1, 1, "failed to set option 'quite' to '1': Invalid option name"),
        ),
        ("#error not ready\nBEGIN { }", (1, 1, "#error: not ready ")),
    ],
)
def test_d_syntax_errors(text, expected):
    assert first_error(text) == expected
    # syntax errors stop the linter, as they stop libdtrace
    assert len(errors(text)) == 1


@pytest.mark.parametrize(
    "pragmas",
    [
        "#pragma D option quiet\n#pragma D option bufsize=4m\n#pragma D option aggrate=1hz\n"
        "#pragma D option switchrate=10hz\n#pragma D option dynvarsize=16m\n#pragma D option flowindent\n"
        "#pragma D option bufresize=manual\n#pragma D option strsize=1024\n#pragma D option destructive\n",
        '#pragma ident "x"\n#pragma something-else\n#pragma D depends_on provider syscall\n'
        '#pragma D binding "1.0" x\n# 3 "file.d"\n#line 4\n#ident "foo"\n#\n',
    ],
)
def test_d_accepted_control_lines(pragmas):
    assert errors(pragmas + "BEGIN { @a = count(); }") == []


def test_d_declarations_and_translators():
    text = (
        "typedef struct foo { int a; int b; } foo_t;\n"
        "inline int N = 5;\n"
        "uint64_t total;\n"
        "this int scratch;\n"
        "translator foo_t < int x > { a = x; b = x * 2; };\n"
        "provider app { probe work(int, char *); };\n"
        "BEGIN { total = N; this->scratch = 1; @ = count(); }\n"
    )
    assert errors(text) == []


def test_d_missing_brace_before_a_probe_description():
    text = "BEGIN\n{\n\t@a = count();\n\nsyscall::read:entry\n{\n\t@b = count();\n}\n"
    assert first_error(text) == (
        5,
        1,
        'syntax error near "syscall": is a } missing before this probe description?',
    )


def test_d_warnings():
    w = warnings("BEGIN { x = 1; }")
    assert [d.message for d in w] == ["the script has no aggregation and no output: nothing to plot"]
    assert warnings("BEGIN { }") == []  # the default action prints a line
    assert warnings('BEGIN { printf("hi\\n"); exit(0); }') == []
    w = warnings('BEGIN { system("ls"); raise(9); stop(); @ = count(); panic(); }')
    assert [d.message.split(" ")[0] for d in w] == ["system(", "raise(", "stop(", "panic("]
    assert "kernel-destructive" in w[-1].message and "-w" in w[0].message
    assert warnings('#pragma D option destructive\nBEGIN { system("ls"); @ = count(); }') == []
    w = warnings("profile-997 { self->x = 1; @[self->x] = count(); }")
    assert len(w) == 1 and w[0].column == 15 and "self->x" in w[0].message
    assert warnings("profile:::tick-1s { self->x = 1; @ = count(); }")
    assert warnings("syscall::read:entry { self->x = 1; @ = count(); }") == []


def test_d_platform_providers():
    text = "plockstat$target:::mutex-acquire { @ = count(); } mach_trap:::entry { @m = count(); }"
    assert warnings(text) == []
    on_freebsd = [d.message for d in warnings(text, platform="freebsd")]
    assert on_freebsd == [
        "probe provider plockstat is not available on freebsd",
        "probe provider mach_trap is not available on freebsd",
    ]
    on_macos = [d.message for d in warnings(text, platform="macos")]
    assert on_macos == []
    # USDT providers are the application's own
    assert warnings("node$target:::http-server-request { @ = count(); }", platform="illumos") == []
    assert [d.message for d in warnings("BEGIN { @[jailname] = count(); }", platform="illumos")] == [
        "built-in variable jailname is not available on illumos"
    ]
    assert next(
        d.message for d in warnings("BEGIN { if (1) { @ = count(); } }", platform="macos")
    ).startswith("'if' needs a D compiler")
    with pytest.raises(ValueError):
        lint("BEGIN { }", "d", platform="solaris")


# ---------------------------------------------------------------------------
# bpftrace checks (messages and columns as bpftrace 0.17 prints them)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("BEGIN { @x = lhist(1, 0, 10); }", (1, 14, "lhist() requires 4 arguments (3 provided)")),
        ("BEGIN { @x = foo(1); }", (1, 14, "Unknown function: foo")),
        ("BEGIN { @x = count(1); }", (1, 14, "count() requires no arguments (1 provided)")),
        ("BEGIN { @x = hist(); }", (1, 14, "hist() requires one argument (0 provided)")),
        ("BEGIN { @x = sum(1, 2); }", (1, 14, "sum() requires one argument (2 provided)")),
        ("BEGIN { print(); }", (1, 9, "print() requires at least one argument (0 provided)")),
        ("BEGIN { time(1, 2); }", (1, 9, "time() takes up to one argument (2 provided)")),
        ("BEGIN { $x = str(); }", (1, 14, "str() requires at least one argument (0 provided)")),
        ("BEGIN { exit(1); }", (1, 9, "exit() requires no arguments (1 provided)")),
        (
            'BEGIN { printf("%d\\n"); }',
            (1, 9, "printf: Not enough arguments for format string (0 supplied, 1 expected)"),
        ),
        (
            'BEGIN { printf("%d\\n", 1, 2); }',
            (1, 9, "printf: Too many arguments for format string (2 supplied, 1 expected)"),
        ),
        ("BEGIN { printf(1); }", (1, 9, "printf() expects a string literal (integer provided)")),
        ("BEGIN { @x[execname] = count(); }", (1, 9, "Unknown identifier: 'execname'")),
        ('BEGIN { printf("%s\\n", execname); }', (1, 24, "Unknown identifier: 'execname'")),
        ("BEGIN { @x = $z; }", (1, 14, "Undefined or undeclared variable: $z")),
        ("BEGIN { @ = 1; print(@x); }", (1, 16, "Undefined map: @x")),
        ("BEGIN { delete(@x); }", (1, 9, "Undefined map: @x")),
        ("BEGIN { @x = count(); } END { clear(@y); }", (1, 31, "Undefined map: @y")),
        (
            "BEGIN { @x[1] = count(); print(@x[1]); }",
            (1, 26, "The map passed to print() should not be indexed by a key"),
        ),
        (
            "BEGIN { @x = count(); $y = @x + 1; }",
            (1, 28, "Type mismatch for '+': comparing 'count' with 'int64'"),
        ),
        (
            "BEGIN { @x = count(); if (@x > 1) { exit(); } }",
            (1, 26, "Type mismatch for '>': comparing 'count' with 'int64'"),
        ),
        (
            'BEGIN { @x["a"] = count(); @y = @x["a"] * 2; }',
            (1, 33, "Type mismatch for '*': comparing 'count' with 'int64'"),
        ),
        (
            "BEGIN { @x = count(); $y = 2 * @x; }",
            (1, 28, "Type mismatch for '*': comparing 'int64' with 'count'"),
        ),
        (
            "BEGIN { @x = count(); @x = sum(1); }",
            (
                1,
                23,
                "Type mismatch for @x: trying to assign value of type 'sum' "
                "when map already contains a value of type 'count",
            ),
        ),
        (
            "BEGIN { @ = count(); }\nEND { @ = 1; }",
            (
                2,
                7,
                "Type mismatch for @: trying to assign value of type 'int64' "
                "when map already contains a value of type 'count",
            ),
        ),
        ("BEGIN { $n = count(); }", (1, 14, "count() should be directly assigned to a map")),
        (
            "BEGIN { @x = lhist(1, 10, 0, 1); }",
            (1, 14, "lhist() min must be less than max (provided min 10 and max 0)"),
        ),
        ("BEGIN { @x = lhist(1, 0, 10, 0); }", (1, 14, "lhist() step must be >= 1 (0 provided)")),
        ("BEGIN { @x = lhist(1, 0, 10, -1); }", (1, 14, "lhist() step must be >= 1 (-1 provided)")),
        (
            "BEGIN { @x = lhist(1, -5, 10, 1); }",
            (1, 14, "lhist() min must be non-negative (provided min -5)"),
        ),
        (
            "BEGIN { @x = lhist(1, 0, 10, 20); }",
            (1, 14, "lhist() step is too large for the given range (provided step 20 for range 10)"),
        ),
        (
            "BEGIN { @x = lhist(1, 10, 10, 1); }",
            (1, 14, "lhist() step is too large for the given range (provided step 1 for range 0)"),
        ),
        (
            "BEGIN { @x = lhist(1, 0, 1001, 1); }",
            (1, 14, "lhist() too many buckets, must be <= 1000 (would need 1001)"),
        ),
        (
            "BEGIN { @x = lhist(1, 0, 10, 1+1); }",
            (1, 14, "lhist() expects a integer literal (integer provided)"),
        ),
        ("BEGIN { @x = lhist(1, 0, @y, 1); }", (1, 14, "lhist() expects a integer literal (none provided)")),
        ("kprobe { exit(); }", (1, 1, "kprobe probe type requires 1 argument")),
        ("uprobe { exit(); }", (1, 1, "uprobe probe type requires 2 arguments")),
        ("BEGIN { @x = count(); }\nBEGIN { exit(); }", (2, 1, "More than one BEGIN probe defined")),
        ("foo:bar { exit(); }", (1, 1, "Invalid probe type: foo")),
        # syntax
        ("BEGIN { @x = count(); ", (1, 23, "syntax error, unexpected end of file, expecting }")),
        ("BEGIN { @x = count();\n", (2, 1, "syntax error, unexpected end of file, expecting }")),
        ("BEGIN { @x = count(); }}", (1, 23, "syntax error, unexpected }, expecting {")),
        ("BEGIN { exit(); }\n}\n", (2, 1, "syntax error, unexpected }, expecting {")),
        ("BEGIN { exit(); } )", (1, 19, "syntax error, unexpected ), expecting {")),
        ("BEGIN { @x = count(; }", (1, 14, "syntax error, unexpected ;")),
        ("BEGIN { @x = (1 + 2; }", (1, 19, 'syntax error, unexpected ;, expecting ) or ","')),
        ("BEGIN { @x = 1 + 2); }", (1, 18, "syntax error, unexpected ), expecting }")),
        ("BEGIN /pid == 1 { exit(); }", (1, 17, "syntax error, unexpected {, expecting end predicate")),
        ("BEGIN /pid == 1\n{ exit(); }\n", (2, 1, "syntax error, unexpected {, expecting end predicate")),
        ("BEGIN /pid == 1/\n", (2, 1, "syntax error, unexpected end of file")),
        ("BEGIN\n", (1, 1, "unexpected end of file, expected {")),
        ('BEGIN { printf("abc); }', (1, 9, "unterminated string")),
        ('BEGIN { $x = "abc\n', (1, 14, "unterminated string")),
        ("BEGIN { exit(); } /* abc", (1, 19, "end of file during comment")),
        ("BEGIN { exit(); } /* abc\nfoo", (2, 1, "end of file during comment")),
        ("BEGIN { $c = 'a'; }", (1, 14, "invalid character '''")),
    ],
)
def test_bpftrace_checks(text, expected):
    assert first_error(text, "bpftrace") == expected


@pytest.mark.parametrize(
    "text",
    [
        "BEGIN { if (true) { exit(); } }",
        "BEGIN { $x = (uint8)1; $y = (int32)$x; @[kstack(perf), ustack(bpftrace, 3)] = count(); }",
        'BEGIN { printf("%d %d\\n", $1, $#); exit(); }',
        'BEGIN { $t = (struct task_struct *)curtask; printf("%d\\n", $t->pid); exit(); }',
        "BEGIN { @x = count(); } interval:s:1 { print(@x); clear(@x); } END { clear(@x); }",
        "BEGIN { $x = 1; unroll(3) { $x++; } while ($x < 10) { $x++; if ($x == 5) { break; } } exit(); }",
        'BEGIN { @x = 1; @x++; @y += 2; $z = -1; $s = "a\\"b"; print(@x); print(@y); }',
        "BEGIN { $a = 0x10 | 010; $b = 1e3; $c = 1_000; exit(); }",
        "t:syscalls:sys_enter_read { @[comm] = count(); } k:vfs_read { @r = hist(arg2); }",
        "BEGIN { @x = count(); $y = @x; }",
        "BEGIN { @x = lhist(1, 0, 10, (2)); @y = lhist(2, 0, 2000, 2); @z = lhist(3, 0, $1, 1); }",
        "struct foo { int a; }\nBEGIN { @x = count(); }",
        "#include <linux/sched.h>\nBEGIN { @x = count(); }",
        'BEGIN { printf("%-16s %5d %%\\n", comm, pid); exit(); }',
    ],
)
def test_bpftrace_valid_snippets(text):
    assert errors(text, "bpftrace") == []


def test_bpftrace_warnings():
    w = warnings('BEGIN { system("ls"); signal(9); @ = count(); }', "bpftrace")
    assert [d.message for d in w] == [
        "system() is an unsafe function being used in safe mode: run bpftrace with --unsafe",
        "signal() is an unsafe function being used in safe mode: run bpftrace with --unsafe",
    ]
    assert [d.message for d in warnings("BEGIN { $x = 1; }", "bpftrace")] == [
        "the script has no map and no output: nothing to plot"
    ]
    w = warnings("fentry:vfs_read { @ = count(); }", "bpftrace")
    assert [d.message for d in w] == ["probe type fentry needs bpftrace 0.20 or later (0.17 rejects it)"]
    assert warnings("kprobe:vfs_read { @ = count(); }", "bpftrace", platform="linux") == []
    assert [
        d.message for d in warnings("kprobe:vfs_read { @ = count(); }", "bpftrace", platform="freebsd")
    ] == ["bpftrace runs on Linux only: freebsd has none of its probes"]


def test_diagnostics_sorted_and_in_file():
    diags = lint("BEGIN { x = foo; y = bar; }", "d", file="x.d")
    assert [(d.line, d.column) for d in diags] == sorted((d.line, d.column) for d in diags)
    assert all(d.file == "x.d" for d in diags)
    assert [d.message for d in diags if d.severity == "error"] == [
        "failed to resolve foo: Unknown variable name",
        "failed to resolve bar: Unknown variable name",
    ]


def test_detect_lang():
    assert detect_lang("x.d") == "d"
    assert detect_lang("x.bt") == "bpftrace"
    assert detect_lang(None, "#!/usr/bin/env bpftrace\nBEGIN {}") == "bpftrace"
    assert detect_lang(None, "#!/usr/sbin/dtrace -s\nBEGIN {}") == "d"
    for p in VALID:
        assert detect_lang(None, p.read_text()) == lang_of(p), p
    assert detect_lang("script.txt", "kprobe:vfs_read { @[comm] = count(); }") == "bpftrace"
    assert detect_lang("script.txt", "syscall::read:entry { @[execname] = count(); }") == "d"


def test_lint_leaves_gc_as_it_was():
    import gc

    assert gc.isenabled()
    lint("BEGIN { }")
    assert gc.isenabled()
    gc.disable()
    try:
        lint("BEGIN { }")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_check_lets_the_compiler_have_the_last_word(monkeypatch):
    from suricate_desktop.lang import compilers

    text = "BEGIN { x = 1; @ = foo(); }"
    assert [d.severity for d in check(text, "d", compiler=False)] == ["error"]
    monkeypatch.setattr(compilers, "compiler_check", lambda t, lang, file: None)
    assert [d.message for d in check(text, "d")] == ["undefined function name: foo"]
    monkeypatch.setattr(
        compilers, "compiler_check", lambda t, lang, file: [Diagnostic(1, 20, "error", "real says no", file)]
    )
    assert [d.message for d in check(text, "d")] == ["real says no"]
    monkeypatch.setattr(compilers, "compiler_check", lambda t, lang, file: [])
    assert check(text, "d") == []
    # the linter's warnings survive the compiler's verdict
    assert [d.severity for d in check("BEGIN { x = 1; }", "d")] == ["warning"]


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli_main.main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_clean_file_exits_0(capsys):
    code, out, _ = run_cli(capsys, "--no-compiler", str(CORPUS / "d/valid/syscall_count.d"))
    assert (code, out) == (0, "")


def test_cli_reports_errors_and_exits_1(capsys):
    path = CORPUS / "d/broken/count_with_arg.d"
    code, out, _ = run_cli(capsys, "--no-compiler", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines == [f"{path}:1:33: error: count( ) prototype mismatch: 1 arg passed, 0 expected"]
    m = LINE_RE.match(lines[0])
    assert m and m.group("sev") == "error"


def test_cli_warnings_only_exit_0(tmp_path, capsys):
    f = tmp_path / "w.d"
    f.write_text('BEGIN { system("date"); x = 1; }\nEND { }\n')
    code, out, _ = run_cli(capsys, "--no-compiler", str(f))
    assert code == 0
    assert [LINE_RE.match(ln).group("sev") for ln in out.splitlines()] == ["warning"]
    assert "destructive" in out


def test_cli_several_files_lang_and_platform(tmp_path, capsys):
    f = tmp_path / "script.txt"
    f.write_text("plockstat$target:::mutex-block { @ = count(); }\n")
    code, out, _ = run_cli(
        capsys,
        "--no-compiler",
        "--lang",
        "d",
        "--platform",
        "freebsd",
        str(f),
        str(CORPUS / "bpftrace/valid/syscalls_by_process.bt"),
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{f}:1:1: warning: probe provider plockstat is not available on freebsd"
    # --lang d applies to every file: the bpftrace script is now a broken D script
    assert lines[1].endswith(
        "syscalls_by_process.bt:1:39: error: failed to resolve comm: Unknown variable name"
    )


def test_cli_json(capsys):
    files = [str(CORPUS / "bpftrace/broken/undefined_map.bt"), str(CORPUS / "bpftrace/valid/opens.bt")]
    code, out, _ = run_cli(capsys, "--no-compiler", "--json", *files)
    assert code == 1
    doc = json.loads(out)
    assert doc["errors"] == 1 and doc["warnings"] == 0
    assert [f["file"] for f in doc["files"]] == files
    assert [f["lang"] for f in doc["files"]] == ["bpftrace", "bpftrace"]
    assert doc["files"][0]["compiler"] is None
    assert doc["files"][0]["diagnostics"] == [
        {
            "line": 2,
            "column": 16,
            "severity": "error",
            "message": "Undefined map: @call",
            "file": files[0],
            "end_column": 21,
        }
    ]
    assert doc["files"][1]["diagnostics"] == []


def test_cli_missing_file(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "--no-compiler", str(tmp_path / "nope.d"))
    assert code == 1
    assert out.startswith(f"{tmp_path / 'nope.d'}:0:0: error: cannot read file")


def test_cli_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("kprobe:vfs_read { @[comm] = cnt(); }\n"))
    code, out, _ = run_cli(capsys, "--no-compiler", "-")
    assert code == 1
    assert out == "<stdin>:1:29: error: Unknown function: cnt\n"


def test_cli_as_a_module():
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "lint",
            "--no-compiler",
            str(CORPUS / "d/broken/extra_paren.d"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 1
    assert res.stdout == f"{CORPUS / 'd/broken/extra_paren.d'}:2:20: error: extra ) in input stream\n"
    res = subprocess.run(
        [sys.executable, "-m", "suricate_desktop", "lint", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0 and "--no-compiler" in res.stdout and "--platform" in res.stdout


def test_cli_with_compiler_flag_uses_check(monkeypatch, capsys):
    from suricate_desktop.lang import compilers

    monkeypatch.setattr(compilers, "available_compiler", lambda lang: "fake 1.0")
    monkeypatch.setattr(
        compilers,
        "compiler_check",
        lambda t, lang, file: [Diagnostic(1, 1, "error", "fake compiler error", file)],
    )
    code, out, _ = run_cli(capsys, "--json", str(CORPUS / "d/valid/syscall_count.d"))
    doc = json.loads(out)
    assert code == 1
    assert doc["files"][0]["compiler"] == "fake 1.0"
    assert doc["files"][0]["diagnostics"][0]["message"] == "fake compiler error"


def test_module_exports():
    assert set(lint_mod.__all__) >= {"lint", "detect_lang", "check"}


# ---------------------------------------------------------------------------
# the linter's line cache must never change a verdict
# ---------------------------------------------------------------------------


def fresh_lint(text: str, lang: str) -> list[Diagnostic]:
    lint_cache.LINE_CACHE.clear()
    return lint(text, lang)


@pytest.mark.parametrize(
    "path", VALID + BROKEN, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}"
)
def test_line_cache_gives_the_same_diagnostics(path):
    text = path.read_text()
    lang = lang_of(path)
    cold = fresh_lint(text, lang)
    assert lint(text, lang) == cold  # warm: every line from the cache
    shifted = "\n\n" + text  # every line moves down: cached tokens are renumbered
    assert lint(shifted, lang) == fresh_lint(shifted, lang)


def test_line_cache_while_typing():
    import random

    rng = random.Random(7)
    base = (CORPUS / "d/valid/oncpu_time.d").read_text().split("\n")
    edits = [
        "",
        "/*",
        "*/",
        "}",
        "{",
        "\tx = foo;",
        "tick-1s",
        "#pragma D option quite",
        '\tprintf("',
        "\t@a = count(1);",
    ]
    lines = list(base)
    fresh_lint("\n".join(lines), "d")
    for _ in range(60):
        k = rng.randrange(len(lines))
        op = rng.choice(("insert", "delete", "replace", "append"))
        e = rng.choice(edits)
        if op == "insert":
            lines.insert(k, e)
        elif op == "delete" and len(lines) > 1:
            del lines[k]
        elif op == "replace":
            lines[k] = e
        else:
            lines[k] += e
        text = "\n".join(lines)
        warm = lint(text, "d")
        assert warm == fresh_lint(text, "d"), text
        lint(text, "d")  # re-warm for the next edit
