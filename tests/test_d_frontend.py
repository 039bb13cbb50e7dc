"""The D front end (suricate_desktop/lang/d): grammar, symbols and types, each error at its line with DTrace's tag.

Through ``lint`` (what the editor and ``suricate lint`` call), so each case is what a user sees.
"""

from __future__ import annotations

import pytest

from suricate_desktop.lang.d import memo
from suricate_desktop.lang.d.calls import parse_format
from suricate_desktop.lang.d.preprocess import preprocess
from suricate_desktop.lang.lint import lint


def first_error(text: str):
    errs = [d for d in lint(text, "d") if d.severity == "error"]
    assert errs, f"no error for {text!r}"
    return errs[0].line, errs[0].code, errs[0].message


def no_errors(text: str) -> list:
    return [d.format() + f" [{d.code}]" for d in lint(text, "d") if d.severity == "error"]


# ---- errors the issue names, each at its line ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("BEGIN\n{\n\ti = 0;\n\ti+-;\n}", (4, "D_SYNTAX", 'syntax error near ";"')),
        ("BEGIN\n/i != 0 && >= 5/\n{ }", (2, "D_SYNTAX", 'syntax error near ">="')),
        ("BEGIN\n{\n\tint x = 123;\n}", (3, "D_SYNTAX", 'syntax error near "int"')),
        ("BEGIN\n{\n\tx = ;\n}", (3, "D_SYNTAX", 'syntax error near ";"')),
        ("BEGIN\n{\n\ti /-= i;\n}", (3, "D_SYNTAX", 'syntax error near "-="')),
        (
            'BEGIN\n{\n\tprintf("%");\n}',
            (3, "D_SYNTAX", "format conversion #1 name expected before end of format string"),
        ),
        ('BEGIN\n{\n\tprintf("%z");\n}', (3, "D_SYNTAX", "format conversion #1 is undefined: %z")),
        (
            'BEGIN\n{\n\tprintf("%d", "");\n}',
            (3, "D_PRINTF_ARG_TYPE", "printf( ) argument #2 is incompatible"),
        ),
        (
            'BEGIN\n{\n\tprintf("%*d", "", 1);\n}',
            (3, "D_PRINTF_DYN_TYPE", "printf( ) argument #2 is incompatible"),
        ),
        (
            'BEGIN\n{\n\tprintf("%s %.*d\\n", "foo");\n}',
            (
                3,
                "D_PRINTF_DYN_PROTO",
                'printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding ".*"',
            ),
        ),
        (
            'BEGIN\n{\n\tprintf("%?d\\n", 1, 2);\n}',
            (3, "D_PRINTF_ARG_EXTRA", "printf( ) prototype mismatch: only 1"),
        ),
        (
            'BEGIN\n{\n\texit("");\n}',
            (3, "D_PROTO_ARG", "exit( ) argument #1 is incompatible with prototype"),
        ),
        ("BEGIN\n{\n\tstrlen(12);\n}", (3, "D_PROTO_ARG", "strlen( ) argument #1 is incompatible")),
        (
            "BEGIN\n{\n\tprintf();\n}",
            (3, "D_PROTO_LEN", "printf( ) prototype mismatch: 0 args passed, at least 1"),
        ),
        (
            "BEGIN\n{\n\tsubstr(probename, 1, 2, 3);\n}",
            (3, "D_PROTO_LEN", "substr( ) prototype mismatch: 4 args"),
        ),
        ('BEGIN\n{\n\t@ = sum("");\n}', (3, "D_AGG_SCALAR", "sum( ) argument #1 must be of scalar type")),
        (
            'BEGIN\n{\n\tx = 1;\n\tx = "a";\n}',
            (4, "D_OP_INCOMPAT", 'operands have incompatible types: "int" = "string"'),
        ),
        ('BEGIN\n{\n\tx = "a" & 1;\n}', (3, "D_OP_INT", "operator & requires operands of integral type")),
        ("BEGIN\n{\n\tx = 1 / 0;\n}", (3, "D_DIV_ZERO", "expression contains division by zero")),
        ("BEGIN\n{\n\ttrace(y);\n}", (3, "D_IDENT_UNDEF", "failed to resolve y: Unknown variable name")),
        (
            "END\n{\n\tt = start;\n}\nBEGIN\n{\n\tstart = 1;\n}",
            (3, "D_IDENT_UNDEF", "failed to resolve start"),
        ),
        (
            "BEGIN\n{\n\tself->x = 1;\n\tp = &self->x;\n}",
            (4, "D_ADDROF_VAR", "cannot take address of dynamic variable"),
        ),
        (
            "BEGIN\n{\n\tspeculate(1);\n\t@ = count();\n}",
            (4, "D_AGG_SPEC", "aggregating actions may not follow speculate( )"),
        ),
        (
            "BEGIN\n{\n\tcommit(1);\n\ttrace(1);\n}",
            (4, "D_DREC_COMM", "data-recording actions may not follow commit( )"),
        ),
        ("int a[4];\nBEGIN\n/a/\n{\n}", (5, "D_PRED_SCALAR", "predicate result must be of scalar type")),
        ('BEGIN\n/"a" & 1/\n{\n}', (3, "D_OP_INT", "operator & requires operands of integral type")),
        (
            "BEGIN\n{\n\t@ = lquantize(0, 10, 20, 1);\n\t@ = lquantize(0, 15, 20, 1);\n}",
            (4, "D_LQUANT_MATCHBASE", ""),
        ),
        (
            "BEGIN\n{\n\t@a = count();\n\t@b[1] = count();\n\tprinta(@a, @b);\n}",
            (5, "D_PRINTA_AGGKEY", "printa( ): @a"),
        ),
        (
            "profile-1us\n{\n}",
            (1, "D_PDESC_ZERO", "probe description :::profile-1us does not match any probes"),
        ),
        ("BEGIN::read:entry\n{\n}", (1, "D_PDESC_ZERO", "")),
        (
            "struct s {\n\tstruct later n;\n};\nstruct later { int a; };",
            (2, "D_DECL_INCOMPLETE", "incomplete struct/union/enum struct later: n"),
        ),
        ("struct s {\n\tint a : 40;\n};", (2, "D_DECL_BFSIZE", "bit-field too big for type: a")),
        (
            'inline int i = "s";',
            (1, "D_OP_INCOMPAT", 'inline i definition uses incompatible types: "int" = "string"'),
        ),
        (
            "int x[5];\nBEGIN\n{\n\tx[5] = 1;\n}",
            (4, "D_ARR_BOUNDS", "index outside array bounds: 5, max is 5"),
        ),
        ("BEGIN\n{\n\ti = (char int)0;\n}", (3, "D_DECL_COMBO", "invalid type combination")),
        ("enum e {\n\tA = 2147483648\n};", (3, "D_DECL_ENOFLOW", "enumerator 'A' value overflows INT_MAX")),
        ("\n/* nothing */\n", (3, "D_EMPTY", "empty D program translation unit")),
        (
            "struct in { int i; };\nstruct out { int o; };\ntranslator struct out < struct in *p >\n{\n"
            "\tnope = p->i;\n};",
            (6, "D_XLATE_MEMB", "translator member nope is not a member of struct out"),
        ),
        (
            "translator int < int x >\n{\n};",
            (3, "D_XLATE_SOU", "translator output type must be a struct or union"),
        ),
        (
            "BEGIN\n{\n\ta = (char *)alloca(1);\n}\nBEGIN\n{\n\ta = (char *)&`max_pfn;\n}",
            (5, "D_ALLOCA_INCOMPAT", "a: cannot reuse the same identifier for both alloca and non-alloca"),
        ),
        (
            "BEGIN\n{\n\ta = (char *)alloca(1);\n\ta = a ? (char *)50 : a;\n}",
            (4, "D_ALLOCA_INCOMPAT", "ternary conditional with alloca and non-alloca branches"),
        ),
    ],
)
def test_errors_at_their_line_with_dtrace_tag(text, want):
    line, code, message = first_error(text)
    assert (line, code) == want[:2], message
    assert message.startswith(want[2])


# ---- valid D that must stay valid -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # macro arguments, as dtrace accepts them with arguments given
        "syscall::read:entry /pid == $1/ { @[execname] = count(); }",
        "syscall::open:entry /execname == $$1/ { @[copyinstr(arg0)] = count(); }",
        "pid$target::malloc:entry { @ = quantize(arg0); }",
        "syscall::read:entry /pid == $target/ { @ = count(); } tick-1s /$2 > 0/ { exit(0); }",
        "proc:::exec-success /ppid == $pid/ { trace(execname); }",
        # inline constants in lquantize (the DTraceToolkit's Cpu_cpuwalk.d)
        "inline int MAXCPUID = 1024;\nprofile-100 { @[pid] = lquantize(cpu, 0, MAXCPUID, 1); }",
        # "this-> z" with a blank, printf %?d and * widths
        'BEGIN { this-> z = 1; printf("%?d %*d\\n", this->z, 5, this->z); }',
        'BEGIN { printf("%-16s %@d\\n", "x", 1); }'.replace("%@d", "%d"),
        'BEGIN { @a[execname] = count(); } END { printa("%-16s %@8d\\n", @a); }',
        # strings compared with NULL, assigned 0 (freed), indexed as characters
        'BEGIN { self->s = "x"; } BEGIN /self->s != NULL/ { self->s = 0; }',
        "BEGIN { this->str = stringof(curpsinfo->pr_psargs); this->str[3] = '\\0'; }",
        # actions in ?: as a statement
        'BEGIN { $1 ? printf("a\\n") : 1; }',
        # declarations: assoc arrays, self arrays, structs, typedefs, translators left alone
        "self int last[dev_t];\nio:::start /self->last[args[0]->b_edev] != 0/ { self->last[args[0]->b_edev] = 1; }",
        "struct rec { int a; char b; };\nstruct rec r;\nBEGIN { r.a = 1; trace(r.a); }",
        "typedef int myint_t;\nBEGIN { x = (myint_t)1; trace(x); }",
        "int total;\nint total;\nBEGIN { total++; }",
        'BEGIN { x["a", 1] = 2; x["b", 2] = 3; trace(x["a", 1]); }',
        "BEGIN { @[ustack()] = count(); @t[stack(5)] = sum(1); }",
        "BEGIN { trace(sizeof (int)); trace(sizeof (struct foo)); trace(offsetof(struct foo, bar)); }",
        "BEGIN { x = (struct task_struct *)curthread; trace(x->pid); }",
        "fbt::foo:entry { self->p = args[0]; } fbt::foo:return /self->p/ { trace(self->p->field); self->p = 0; }",
        "BEGIN { x = 1; } tick-1s { x++; x += 2; x <<= 1; }",
        # a translator as the DTraceToolkit writes one (Proc_rwbytype.d)
        "typedef struct vtype2str { string code; };\n"
        'translator struct vtype2str < int T > { code = T == 1 ? "reg" : "non"; };\n'
        "BEGIN { trace(xlate <struct vtype2str *>(1)->code); }",
        # a clause's globals exist in its whole clause; a struct the kernel knows is not incomplete
        "BEGIN /x++ == 0/ { exit(x - 1); }",
        'tick-1s /n < 5/ { printf("%d\\n", n++); }',
        "struct task_struct tsk;\nBEGIN { trace(tsk.pid); }",
        # DTrace on Linux: fewer steps than the factor when they divide it, strings plus integers
        'BEGIN { @ = llquantize(1, 10, 0, 6, 5); trace("abc" + 1); }',
        "BEGIN { c = '\\n'; d = '\\?'; trace(c + d); }",
    ],
)
def test_valid_d_has_no_error(text):
    assert no_errors(text) == []


# ---- the C preprocessor -----------------------------------------------------------------------------


CPP_SCRIPT = """#!/usr/sbin/dtrace -Cs
#include <sys/file.h>
#define TOP 10
#define RATE 101
#if defined(_BIG_ENDIAN)
#define PORT(x) (x)
#else
#define PORT(x) BSWAP_16(x)
#endif

profile-RATE
{
\t@[execname] = lquantize(cpu, 0, TOP, 1);
\tself->p = PORT(arg0);
}
"""


def test_preprocessor_lines_are_not_errors_and_define_constants():
    assert no_errors(CPP_SCRIPT) == []
    pre = preprocess(CPP_SCRIPT)
    assert pre.with_c and pre.includes
    assert pre.int_value("TOP") == 10
    assert pre.text.count("\n") == CPP_SCRIPT.count("\n")  # every line stays where it was
    assert "#define" not in pre.text


def test_preprocessor_lines_without_dash_c_are_a_warning():
    text = "#define N 4\nBEGIN { @ = lquantize(1, 0, N, 1); }"
    diags = lint(text, "d")
    assert [d for d in diags if d.severity == "error"] == []
    assert any(d.severity == "warning" and d.line == 1 and "-C" in d.message for d in diags)


def test_a_define_constant_is_checked_like_a_literal():
    line, code, _ = first_error("#define LIM 0\nBEGIN\n{\n\t@ = lquantize(1, 10, LIM, 1);\n}")
    assert (line, code) == (4, "D_LQUANT_MISMATCH")


# ---- formats ----------------------------------------------------------------------------------------


def test_printf_formats():
    convs = parse_format("%-16s %?p %*.*d %@8u %%")
    assert [c.name for c in convs] == ["s", "p", "d", "@u"]
    assert convs[2].star_width and convs[2].star_prec
    assert parse_format("%.*.*d")[0] == "format conversion #1 has more than one '.' specified"
    assert parse_format("%1$d")[0] == "format conversion #1 uses unsupported positional format (%n$)"


# ---- the clause memo (what keeps lint fast as one types) -------------------------------------------


def test_memo_replays_the_same_verdicts():
    text = 'BEGIN { x = 1; }\ntick-1s { x = "s"; }\nEND { trace(y); }'
    memo.forget()
    cold = [(d.line, d.code) for d in lint(text, "d") if d.severity == "error"]
    warm = [(d.line, d.code) for d in lint(text, "d") if d.severity == "error"]
    assert cold == warm
    assert cold[0] == (2, "D_OP_INCOMPAT")
    # the first clause changes: the second is no longer an error, though its text is the same
    fixed = text.replace("x = 1;", 'x = "a";')
    assert [(d.line, d.code) for d in lint(fixed, "d") if d.severity == "error"][:1] == [(3, "D_IDENT_UNDEF")]


def test_a_blank_buffer_is_not_an_error_but_a_comment_only_script_is():
    assert no_errors("") == [] and no_errors("\n  \n") == []
    assert first_error("/* only a comment */\n")[1] == "D_EMPTY"


def test_memo_follows_the_declarations_a_clause_sees():
    """The same clause under another struct definition is judged again (its verdict depends on it)."""
    clause = "\nBEGIN { r.a = 1; }"
    assert no_errors("struct rec { int a; } r;" + clause) == []
    line, code, message = first_error("struct rec { int b; } r;" + clause)
    assert (line, code) == (2, "D_TYPE_MEMBER") and message == "a is not a member of struct rec"
    assert no_errors("struct rec { int a; } r;" + clause) == []


def test_diagnostics_carry_the_tag_in_json_only_when_there_is_one():
    err = next(d for d in lint("BEGIN { exit(); }", "d") if d.severity == "error")
    assert err.to_dict()["code"] == "D_PROTO_LEN"
    warning = next(d for d in lint("BEGIN { x = 1; }", "d") if d.severity == "warning")
    assert "code" not in warning.to_dict()
