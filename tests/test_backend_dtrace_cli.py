"""The dtrace(1) backend: its program, its parser on dtrace's documented layout, and a run against a stand-in dtrace.

The outputs under tests/data/dtrace_cli/ follow dtrace(1)'s documented layout
(see the README there); tests/standin-dtrace replays them per tick, in place
of dtrace(1), which cannot exist on this machine.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
from pathlib import Path

import pytest

from suricate_desktop.agent.backends.dtrace_cli import (
    CliOutputParser,
    DTraceCliBackend,
    cli_program,
    histogram_buckets,
    parse_default_block,
    parse_formatted_record,
    plan_aggregations,
    quantize_range,
    split_columns,
    tick_probe,
)
from suricate_desktop.lang import ScriptError
from suricate_desktop.schema import AGENT_SOURCE, INT64_MAX, INT64_MIN, decode, encode

DATA = Path(__file__).parent / "data" / "dtrace_cli"
STANDIN = Path(__file__).parent / "standin-dtrace"
MARKER = "__suricate_test__"


def parse(name_or_text, script, *, formats=True, chunks=None, interval=1.0):
    """Feed a dtrace output through the parser; return (batches, output)."""
    text = (DATA / name_or_text).read_text() if name_or_text.endswith(".out") else name_or_text
    batches, out = [], []
    parser = CliOutputParser(
        plan_aggregations(script, formats=formats),
        MARKER,
        host="h",
        source="s",
        interval=interval,
        emit=batches.append,
        output=out.append,
    )
    if chunks:
        rng = random.Random(chunks)
        i = 0
        while i < len(text):
            n = rng.randint(1, 40)
            parser.feed(text[i : i + n])
            i += n
    else:
        parser.feed(text)
    parser.close()
    for batch in batches:
        for snap in batch:
            assert encode(decode(encode(snap))) == encode(snap)  # valid on the wire, the same once decoded
    return batches, out


def entries(batch, agg):
    (snap,) = [s for s in batch if s.agg == agg]
    return snap.entries


# --------------------------------------------------------------------------- the program


SCRIPT = """\
#pragma D option quiet
syscall:::entry
{
	@calls[execname] = count();
	@bytes[pid, execname] = sum(arg2);
	@ = avg(arg0);
	@k[stack()] = count();
	@lat[execname] = quantize(arg0);
	@fds[self->path] = count();
}
"""


def test_plan_uses_explicit_formats_only_for_scalars_with_known_key_types():
    plan = {a.agg: a for a in plan_aggregations(SCRIPT)}
    assert {n: (a.kind, a.key_types, a.formatted) for n, a in plan.items()} == {
        "calls": ("count", ("str",), True),
        "bytes": ("sum", ("int", "str"), True),
        "@": ("avg", (), True),
        "k": ("count", ("stack",), True),
        "lat": ("quantize", ("str",), False),
        "fds": ("count", ("unknown",), False),
    }
    assert not any(a.formatted for a in plan_aggregations(SCRIPT, formats=False))


def test_program_keeps_the_script_and_adds_tick_and_end_clauses():
    program = cli_program(SCRIPT, plan_aggregations(SCRIPT), 1.0, "~M")
    assert program.startswith(SCRIPT)  # the user's lines keep their numbers
    tick, end = program[len(SCRIPT) :].split("dtrace:::END")
    assert "\ntick-1s\n{\n" in tick
    for clause, word in ((tick, "tick"), (end, "final")):
        assert f'printf("~M {word} %d\\n", walltimestamp);' in clause
        assert 'printa("~M r %s\\t%@d\\n", @calls);' in clause
        assert 'printa("~M r %d\\t%s\\t%@d\\n", @bytes);' in clause
        assert 'printa("~M r %@d\\n", @);' in clause
        assert 'printa("~M r %k\\t%@d\\n", @k);' in clause
        assert "printa(@lat);" in clause and "printa(@fds);" in clause
        for var in ("@calls", "@bytes", "@", "@k", "@lat", "@fds"):
            assert f"trunc({var});" in clause
        assert "clear(" not in clause
        assert clause.rstrip().endswith('printf("~M end\\n");\n}')


def test_stddev_prints_unsigned():
    (a,) = plan_aggregations("BEGIN { @s[probefunc] = stddev(arg0); }")
    assert a.printa("M") == 'printa("M r %s\\t%@u\\n", @s);'


@pytest.mark.parametrize(
    "interval, probe",
    [(1, "tick-1s"), (5.0, "tick-5s"), (0.25, "tick-250ms"), (1.5, "tick-1500ms"), (0.0005, "tick-500us")],
)
def test_tick_probe(interval, probe):
    assert tick_probe(interval) == probe


def test_bad_interval_or_marker():
    with pytest.raises(ValueError):
        DTraceCliBackend(SCRIPT, interval=0)
    with pytest.raises(ValueError):
        DTraceCliBackend(SCRIPT, marker='x"); system("rm')


# --------------------------------------------------------------------------- layout pieces


@pytest.mark.parametrize(
    "label, bucket",
    [
        (0, (0, 0)),
        (1, (1, 1)),
        (2, (2, 3)),
        (4, (4, 7)),
        (1 << 62, (1 << 62, INT64_MAX)),
        (-1, (-1, -1)),
        (-2, (-3, -2)),
        (-4, (-7, -4)),
        (-(1 << 62), (INT64_MIN, -(1 << 62))),
    ],
)
def test_quantize_range_matches_python_dtrace_buckets(label, bucket):
    assert quantize_range(label) == bucket


def test_histogram_buckets_from_labels():
    rows = [("< 0", 2), ("0", 1), ("10", 7), ("20", 0)]
    assert histogram_buckets(rows, "lquantize") == [[[INT64_MIN, -1], 2], [[0, 9], 1], [[10, 19], 7]]
    rows = [("90", 3), (">= 100", 4)]
    assert histogram_buckets(rows, "lquantize") == [[[90, 99], 3], [[100, INT64_MAX], 4]]


def test_split_columns_default_layout():
    line = "     4242  %-50s" % "Web Content" + "  %-50s" % "x y"
    assert split_columns(line, ("int", "str", "str")) == [4242, "Web Content", "x y"]
    assert split_columns("  %-50s" % "a b", ("unknown",)) == ["a b"]
    assert split_columns("             123", ("unknown",)) == [123]


def test_quantize_keyed_by_a_stack_in_the_default_layout():
    header = "\n%16s %41s %-9s" % ("value", "------------- Distribution -------------", "count")
    text = (
        "\n"
        + "  %-50s" % "bash"
        + "\n"
        + " " * 14
        + "genunix`read+0x2a7\n"
        + " " * 14
        + "unix`sys_syscall+0x1a1\n"
        + header
        + "\n"
        + "%16s |%-40s %-9d\n" % ("4", "", 0)
        + "%16s |%-40s %-9d\n" % ("8", "@" * 40, 5)
        + "%16s |%-40s %-9d\n" % ("16", "", 0)
        + "\n"
    )
    assert parse_default_block(text.split("\n"), "quantize", ("str", "stack")) == [
        [["bash", "genunix`read\nunix`sys_syscall"], [[[8, 15], 5]]]
    ]


def test_formatted_record_with_a_tab_in_the_string_key():
    assert parse_formatted_record("a\tb\t5", ("str",)) == [["a\tb"], 5]
    assert parse_formatted_record("7\tx\t-3", ("int", "str")) == [[7, "x"], -3]
    assert parse_formatted_record("oops", ("str",)) is None


# --------------------------------------------------------------------------- captured layouts


def test_formatted_records():
    (batch,), out = parse("formatted.out", SCRIPT)
    assert out == []
    assert [s.agg for s in batch] == ["calls", "bytes", "@", "k", "lat", "fds"]
    assert all(s.delta and s.interval == 1.0 and s.ts == 1700000001.0 for s in batch)
    assert entries(batch, "calls") == [[["sshd"], 3], [["bash"], 12], [["Web Content"], 40]]
    assert entries(batch, "bytes") == [[[4242, "bash"], -512], [[1, "init"], 8192]]
    assert entries(batch, "@") == [[[], 1234]]
    # offsets dropped: the two cv_wait call sites become one key, their counts added
    assert entries(batch, "k") == [
        [["genunix`cv_wait\ngenunix`taskq_thread_wait\nunix`thread_start"], 9],
        [["unix`i86_mwait"], 90],
    ]
    assert entries(batch, "lat") == [] and entries(batch, "fds") == []  # nothing printed: empty


def test_default_layout_scalars():
    script = """syscall:::entry {
        @fds[self->path] = count();
        @perproc[pid, this->name] = sum(arg0);
        @total = count();
        @where[arg0, stack()] = count();
    }"""
    (batch,), _ = parse("scalar_default.out", script, formats=False)
    assert entries(batch, "fds") == [[["/var/log/messages"], 2], [["/srv/data/My Documents/notes.txt"], 17]]
    assert entries(batch, "perproc") == [
        [[101, "bash"], 10],
        [[7, "Web Content"], 3000],
        [[4242, "a-process-name-that-is-longer-than-fifty-characters-x"], 5],
    ]
    assert entries(batch, "total") == [[[], 99]]
    assert entries(batch, "where") == [
        [[12, "genunix`fop_read\ngenunix`read"], 4],
        [[3, "unix`i86_mwait"], 11],
    ]


def test_quantize_histograms():
    script = "syscall::read:return { @lat[execname] = quantize(arg0); @sizes = quantize(arg2); }"
    (batch,), _ = parse("quantize.out", script)
    assert [(s.agg, s.kind) for s in batch] == [("lat", "quantize"), ("sizes", "quantize")]
    assert entries(batch, "lat") == [
        [["sshd"], [[[-7, -4], 1], [[-1, -1], 2], [[0, 0], 1], [[2, 3], 4]]],
        [["bash"], [[[1, 1], 2], [[2, 3], 5], [[8, 15], 1], [[4096, 8191], 2]]],
    ]
    assert entries(batch, "sizes") == [[[], [[[4096, 8191], 30], [[65536, 131071], 10]]]]


def test_lquantize_underflow_and_overflow():
    script = "syscall:::entry { @lq[pid] = lquantize(arg0, 0, 100, 10); }"
    (batch,), _ = parse("lquantize.out", script)
    assert entries(batch, "lq") == [
        [[4242], [[[INT64_MIN, -1], 2], [[0, 9], 1], [[10, 19], 7]]],
        [[101], [[[50, 59], 3], [[100, INT64_MAX], 1]]],
        [[7], [[[90, 99], 4]]],
    ]


def test_llquantize():
    script = "syscall:::entry { @ll = llquantize(arg0, 10, 0, 2, 10); }"
    (batch,), _ = parse("llquantize.out", script)
    assert batch[0].kind == "llquantize"
    assert entries(batch, "ll") == [[[], [[[INT64_MIN, 0], 1], [[7, 7], 2], [[20, 29], 6], [[400, 499], 3]]]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parsing_is_incremental(seed):
    script = "syscall:::entry { @lat[execname] = quantize(arg0); @sizes = quantize(arg2); }"
    whole, _ = parse("quantize.out", script)
    chunked, _ = parse("quantize.out", script, chunks=seed)
    assert [[(s.agg, s.entries) for s in b] for b in chunked] == [
        [(s.agg, s.entries) for s in b] for b in whole
    ]


def test_script_output_outside_blocks_goes_to_output():
    text = (
        "hello\n\n"
        "partial " + f"{MARKER} tick 1700000005000000000\n{MARKER} agg n count\n"
        f"{MARKER} r 5\n{MARKER} end\nafter\n"
    )
    batches, out = parse(text, "BEGIN { @n = count(); }")
    assert out == ["hello\n", "\n", "partial ", "after\n"]
    assert batches[0][0].entries == [[[], 5]] and batches[0][0].ts == 1700000005.0


def test_final_block_is_a_shorter_interval_and_blank_lines_after_it_are_dropped():
    text = (
        f"{MARKER} tick 1700000001000000000\n{MARKER} agg n count\n{MARKER} r 1\n{MARKER} end\n"
        f"\n{MARKER} final 1700000001250000000\n{MARKER} agg n count\n{MARKER} r 2\n{MARKER} end\n\n"
    )
    batches, out = parse(text, "BEGIN { @n = count(); }")
    assert [(b[0].interval, b[0].entries) for b in batches] == [(1.0, [[[], 1]]), (0.25, [[[], 2]])]
    assert out == ["\n"]  # the blank line before the END block is the script's as far as we can tell


# --------------------------------------------------------------------------- against the stand-in dtrace(1)


@pytest.fixture
def standin_dtrace(tmp_path, monkeypatch):
    """tests/standin-dtrace first on PATH as ``dtrace``; returns a reader of its recorded invocations."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    wrapper = bindir / "dtrace"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    record = tmp_path / "record.json"
    monkeypatch.setenv("STANDIN_DTRACE_RECORD", str(record))
    monkeypatch.setenv("STANDIN_DTRACE_DIR", str(DATA / "e2e"))
    monkeypatch.setenv("STANDIN_DTRACE_TICK", "0.05")
    for name in (
        "STANDIN_DTRACE_COMPILE_ERROR",
        "STANDIN_DTRACE_COMPILE_ERROR_WHEN",
        "STANDIN_DTRACE_EXIT_AFTER_TICKS",
    ):
        monkeypatch.delenv(name, raising=False)
    return lambda: json.loads(record.read_text()) if record.exists() else []


E2E_SCRIPT = """\
BEGIN
{
	printf("tracing... hit Ctrl-C to end\\n");
}

syscall:::entry
{
	@calls[execname] = count();
}

syscall::read:return
/arg0 > 0/
{
	@bytes[execname] = quantize(arg0);
}
"""


def run_backend(backend, stop_after):
    batches, out = [], []
    stop = threading.Event()
    guard = threading.Timer(60, stop.set)
    guard.daemon = True
    guard.start()

    def emit(snaps):
        batches.append(snaps)
        if len(batches) >= stop_after:
            stop.set()

    try:
        backend.run(emit, stop, out.append)
    finally:
        guard.cancel()
    return batches, out


def test_end_to_end_run_against_standin_dtrace(standin_dtrace):
    backend = DTraceCliBackend(E2E_SCRIPT, interval=1.0, host="smartos1", source="io", marker=MARKER)
    backend.check()
    batches, out = run_backend(backend, stop_after=2)
    calls = standin_dtrace()
    assert [c["argv"][:2] for c in calls] == [["-e", "-s"], ["-q", "-s"]]
    assert calls[1]["script"] == backend.program() and calls[1]["script"].startswith(E2E_SCRIPT)
    assert "\ntick-1s\n" in calls[1]["script"]

    assert len(batches) == 3  # two ticks, then the END block after the stop's SIGINT
    first, second, final = batches
    assert [(s.agg, s.kind, s.host, s.source, s.ts) for s in first] == [
        ("calls", "count", "smartos1", "io", 1700000001.0),
        ("bytes", "quantize", "smartos1", "io", 1700000001.0),
    ]
    assert entries(first, "calls") == [[["sshd"], 3], [["bash"], 10]]
    assert entries(first, "bytes") == [[["bash"], [[[64, 127], 3], [[512, 1023], 1]]]]
    assert entries(second, "calls") == [[["bash"], 4]] and entries(second, "bytes") == []
    drops = [s for s in second if s.source == AGENT_SOURCE]
    assert [(d.agg, d.entries) for d in drops] == [("drops", [[["dtrace_drops"], 9]])]
    assert entries(final, "calls") == [[["cron"], 1]]
    assert final[0].ts == 1700000002.4 and final[0].interval == pytest.approx(0.4)
    assert out == ["tracing... hit Ctrl-C to end\n", "bash is busy\n"]
    assert backend.pid is None


def test_script_exit_ends_the_run(standin_dtrace, monkeypatch):
    monkeypatch.setenv("STANDIN_DTRACE_EXIT_AFTER_TICKS", "1")
    batches, _ = run_backend(DTraceCliBackend(E2E_SCRIPT, marker=MARKER), stop_after=99)
    assert len(batches) == 3


def test_check_compile_error_is_a_script_error_at_its_line(standin_dtrace, monkeypatch):
    monkeypatch.setenv("STANDIN_DTRACE_COMPILE_ERROR", 'line 8: syntax error near "count"')
    with pytest.raises(ScriptError) as ei:
        DTraceCliBackend(E2E_SCRIPT, script_file="io.d", marker=MARKER).check()
    d = ei.value.first
    assert (d.file, d.line, d.message) == ("io.d", 8, 'syntax error near "count"')
    assert d.column == E2E_SCRIPT.splitlines()[7].index("count") + 1


def test_run_compile_error_is_a_script_error(standin_dtrace, monkeypatch):
    monkeypatch.setenv(
        "STANDIN_DTRACE_COMPILE_ERROR",
        "line 1: probe description syscall::nosuch:entry does not match any probes",
    )
    with pytest.raises(ScriptError) as ei:
        run_backend(DTraceCliBackend("syscall::nosuch:entry { @n = count(); }", marker=MARKER), stop_after=1)
    assert ei.value.first.line == 1 and "does not match any probes" in ei.value.first.message


def test_rejected_printa_format_falls_back_to_the_default_layout(standin_dtrace, monkeypatch):
    monkeypatch.setenv(
        "STANDIN_DTRACE_COMPILE_ERROR",
        "line {line}: printa( ) argument #2 is incompatible with conversion #1 prototype",
    )
    monkeypatch.setenv("STANDIN_DTRACE_COMPILE_ERROR_WHEN", 'printa("')
    backend = DTraceCliBackend(E2E_SCRIPT, marker=MARKER)
    backend.check()
    programs = [c["script"] for c in standin_dtrace()]
    assert len(programs) == 2 and 'printa("' in programs[0] and 'printa("' not in programs[1]
    assert not any(a.formatted for a in backend.aggregations)


def test_missing_dtrace_is_a_runtime_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="dtrace\\(1\\) is not installed"):
        DTraceCliBackend(E2E_SCRIPT).check()
