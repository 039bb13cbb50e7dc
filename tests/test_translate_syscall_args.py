"""System call arguments translated by meaning, never silently by position.

DTrace scripts were written against illumos' signatures: in ``syscall::open*:entry`` ``arg0`` is the
path, in ``syscall::readlink:entry`` ``arg2`` is the buffer's size. Linux's calls put other things
first (``openat(dfd, filename, ...)``), so a positional translation printed empty file names and
summed pointers. Each case here is a script people write (the DTraceToolkit's opensnoop, rwbypid...).
"""

from __future__ import annotations

import pytest
from bpftrace_dryrun import dry_run, needs_bpftrace

from suricate_desktop.lang import ScriptError
from suricate_desktop.lang.kernel_constants import traceable_kernel_functions
from suricate_desktop.lang.translate import translate_program
from suricate_desktop.lang.translate.syscall_args import d_roles, map_args

OPENSNOOP = 'syscall::open*:entry\n{\n\tprintf("%s %s\\n", execname, copyinstr(arg0));\n}\n'
READLINK_SUM = "syscall::readlink:entry\n{\n\t@bytes[execname] = sum(arg2);\n}\n"
READ_BY_FD = "syscall::*read*:entry\n{\n\t@[execname, arg0] = count();\n}\n"


def _clause_text(text: str, probe: str) -> str:
    """The bpftrace clause (header to closing brace) that lists ``probe``."""
    start = text.index(probe)
    return text[start : text.index("\n}\n", start)]


def test_the_path_of_open_is_the_filename_of_openat_not_its_directory_fd():
    out = translate_program(OPENSNOOP, "opensnoop.d", arch="x86_64")
    clause = _clause_text(out.text, "tracepoint:syscalls:sys_enter_openat")
    assert "str(args->filename)" in clause
    assert "args->dfd" not in out.text


def test_readlinks_size_is_summed_not_its_buffer_pointer():
    out = translate_program(READLINK_SUM, "rl.d", arch="x86_64")
    assert "sum(args->bufsiz)" in out.text
    assert "args->buf)" not in out.text


def test_a_glob_call_without_the_argument_is_left_out_with_a_warning_at_its_line():
    out = translate_program(READ_BY_FD, "rw.d", arch="x86_64")
    assert "sys_enter_read," in out.text or "sys_enter_read\n" in out.text
    assert "sys_enter_readlink" not in out.text  # readlink(path, ...) has no descriptor
    left_out = [w for w in out.warnings if "readlink left out" in w.message]
    assert [(w.line, w.column) for w in left_out] == [(3, 14)]  # arg0, its tab counted as one column
    assert "no fd argument" in left_out[0].message


def test_one_call_without_the_argument_is_an_error_not_a_silent_change():
    with pytest.raises(ScriptError) as err:
        translate_program("syscall::chdir:entry\n{\n\t@[arg1] = count();\n}\n", "cd.d", arch="x86_64")
    assert err.value.diagnostics[0].line == 3


def test_a_call_whose_illumos_signature_is_unknown_keeps_positions_with_a_warning():
    assert d_roles("uadmin") is None
    mapped = map_args("uadmin", "reboot", ("magic1", "magic2", "cmd", "arg"))
    assert mapped.argn[0] == "args->magic1" and "by position" in mapped.positional[0]


def test_roles_of_a_glob_come_from_its_stem_or_what_every_match_agrees_on():
    assert d_roles("open*") == ("path", "flags", "mode")
    assert d_roles("*stat")[1] == "statbuf"  # stat, lstat, fstat: the second is the buffer everywhere


def test_an_illumos_only_kernel_function_is_said_at_its_line():
    if not traceable_kernel_functions():
        pytest.skip("this kernel lists no traceable functions and has no BTF")
    out = translate_program("fbt::ufs_write:entry\n{\n\t@[execname] = count();\n}\n", "ufs.d", arch="x86_64")
    (w,) = [w for w in out.warnings if "ufs_write" in w.message]
    assert w.line == 1 and "not a traceable function of this Linux kernel" in w.message


@needs_bpftrace
@pytest.mark.root
@pytest.mark.parametrize("script", [OPENSNOOP, READLINK_SUM, READ_BY_FD], ids=["open", "readlink", "read"])
def test_the_translations_pass_bpftraces_dry_run(script):
    result = dry_run(translate_program(script, "s.d", arch="x86_64").text)
    assert result.ok, result.errors()
