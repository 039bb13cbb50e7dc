"""The python-dtrace backend against a stand-in for python-dtrace 0.0.15 (libdtrace cannot exist here).

The stand-in (tests/standin_dtrace.py) replays programmed aggregation records
in the real module's walk shapes; these tests check what the backend makes of
them: names, kinds, keys, values, intervals, output, errors and shutdown.
"""

from __future__ import annotations

import sys
import threading

import pytest
import standin_dtrace as sd

from suricate_desktop.agent.backends.d_aggregations import key_type, scan_aggregations
from suricate_desktop.agent.backends.dtrace_errors import parse_libdtrace_error
from suricate_desktop.agent.backends.pydtrace import NOT_INSTALLED, PyDTraceBackend, decode_keys
from suricate_desktop.lang import ScriptError
from suricate_desktop.schema import INT64_MAX, INT64_MIN, decode, encode


@pytest.fixture
def standin(monkeypatch):
    """The stand-in installed as ``dtrace``, freshly programmed."""
    sd.reset()
    monkeypatch.setitem(sys.modules, "dtrace", sd)
    yield sd
    sd.reset()


def run_until(backend, intervals, *, stop_after=None):
    """Run the backend in this thread until ``intervals`` emits arrived (then stop) or it ends by itself."""
    batches, out = [], []
    stop = threading.Event()
    guard = threading.Timer(60, stop.set)  # a hung test must not hang the suite
    guard.daemon = True
    guard.start()

    def emit(snaps):
        batches.append(snaps)
        if len(batches) >= (stop_after or intervals):
            stop.set()

    try:
        backend.run(emit, stop, out.append)
    finally:
        guard.cancel()
    return batches, out


def by_agg(batch):
    return {s.agg: s for s in batch}


SCRIPT = """\
syscall:::entry
{
	@calls[execname] = count();
	@bytes[pid] = sum(arg2);
	@lat[execname, probefunc] = avg(arg0);
	@lo[execname] = min(arg0);
	@hi[execname] = max(arg0);
}
"""


# --------------------------------------------------------------------------- the stand-in's own shapes


def test_standin_quantize_has_127_buckets_over_powers_of_two(standin):
    rec = sd.quantize(1, [b"bash"], [0, 1, 2, 3, 4, -1, -2, 1 << 62])
    value = sd._render_value(rec)
    assert len(value) == 127
    assert value[63] == ((0, 0), 1)
    assert value[0][0] == (INT64_MIN, -(1 << 62))
    assert value[126][0] == (1 << 62, INT64_MAX)
    assert value[64] == ((1, 1), 1) and value[65] == ((2, 3), 2) and value[66] == ((4, 7), 1)
    assert value[62] == ((-1, -1), 1) and value[61] == ((-3, -2), 1)
    # contiguous, no gaps
    for (lo, hi), _ in value[:-1]:
        assert lo <= hi
    assert all(value[i][0][1] + 1 == value[i + 1][0][0] for i in range(126))


def test_standin_lquantize_has_levels_plus_two_buckets(standin):
    rec = sd.lquantize(1, [b"x"], [-5, 0, 9, 10, 55, 100, 1000], base=0, limit=100, step=10)
    value = sd._render_value(rec)
    assert len(value) == 10 + 2
    assert value[0] == ((INT64_MIN, -1), 1)
    assert value[1] == ((0, 9), 2)
    assert value[2] == ((10, 19), 1)
    assert value[6] == ((50, 59), 1)
    assert value[11] == ((100, INT64_MAX), 2)


def test_standin_avg_is_floor_of_sum_over_count_and_ints_wrap_like_c_int(standin):
    assert sd._render_value(sd.avg(1, [], [1, 2, 2])) == 5 // 3
    assert sd._render_value(sd.sum_(1, [], 2**32 + 7)) == 7  # read through a C int


# --------------------------------------------------------------------------- check()


def test_check_compiles_with_noop_callbacks(standin):
    PyDTraceBackend(SCRIPT).check()
    assert sd.PROGRAMME.compiled == [SCRIPT]
    h = sd.PROGRAMME.consumers[0]
    assert h.walk_func is sd.noop_walk and h.out_func is sd.noop_out  # None callbacks installed as no-ops


def test_check_turns_the_compile_error_into_a_script_error_at_its_line(standin):
    script = "syscall:::entry\n{\n\t@a = count(;\n}\n"
    sd.fail_compile(b'line 3: syntax error near ";"')
    with pytest.raises(ScriptError) as ei:
        PyDTraceBackend(script, script_file="bad.d").check()
    d = ei.value.first
    assert (d.line, d.severity, d.file) == (3, "error", "bad.d")
    assert d.message == 'syntax error near ";"'
    assert d.column == script.splitlines()[2].index(";") + 1


def test_check_without_a_line_keeps_the_region(standin):
    sd.fail_compile(b"in action list: failed to resolve nosuch: Unknown variable name")
    script = "BEGIN\n{\n\ttrace(nosuch);\n}\n"
    with pytest.raises(ScriptError) as ei:
        PyDTraceBackend(script).check()
    d = ei.value.first
    assert d.message == "in action list: failed to resolve nosuch: Unknown variable name"
    # the named identifier is found in the script, so the editor can still underline it
    assert (d.line, d.column, d.end_column) == (3, 8, 14)


def test_check_refuses_aggregations_python_dtrace_cannot_read(standin):
    script = "syscall:::entry\n{\n\t@n = count();\n\t@sd[execname] = stddev(arg0);\n}\n"
    with pytest.raises(ScriptError) as ei:
        PyDTraceBackend(script).check()
    d = ei.value.first
    assert d.line == 4 and "stddev()" in d.message and "dtrace-cli" in d.message
    assert d.column == script.splitlines()[3].index("stddev(") + 1


def test_check_reports_dtrace_open_failure_as_runtime_error(standin):
    sd.PROGRAMME.open_error = b"DTrace requires additional privileges"
    with pytest.raises(RuntimeError, match="additional privileges"):
        PyDTraceBackend(SCRIPT).check()


def test_missing_python_dtrace_is_a_clear_runtime_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "dtrace", None)  # import dtrace -> ImportError
    with pytest.raises(RuntimeError) as ei:
        PyDTraceBackend(SCRIPT).check()
    assert str(ei.value) == NOT_INSTALLED
    with pytest.raises(RuntimeError, match="python-dtrace is not installed"):
        PyDTraceBackend(SCRIPT).run(lambda s: None, threading.Event(), lambda t: None)


# --------------------------------------------------------------------------- run(): walk shapes


def test_scalar_kinds_names_and_keys(standin):
    sd.add_round(
        [
            sd.count(1, [b"bash"], 12),
            sd.count(1, [b"sshd"], 3),
            sd.sum_(2, [4242], 1024),
            sd.avg(3, [b"bash", b"read"], [10, 20, 31]),
            sd.min_(4, [b"bash"], -5),
            sd.max_(5, [b"bash"], 99),
        ]
    )
    sd.add_round([sd.count(1, [b"bash"], 1)])
    backend = PyDTraceBackend(SCRIPT, interval=0.02, host="h1", source="sys")
    batches, _ = run_until(backend, 2)
    first, second = by_agg(batches[0]), by_agg(batches[1])
    assert list(first) == ["calls", "bytes", "lat", "lo", "hi"]  # the script's order
    assert {s.agg: s.kind for s in batches[0]} == {
        "calls": "count",
        "bytes": "sum",
        "lat": "avg",
        "lo": "min",
        "hi": "max",
    }
    calls = first["calls"]
    assert (calls.host, calls.source, calls.delta, calls.interval) == ("h1", "sys", True, 0.02)
    assert sorted(calls.entries) == [[["bash"], 12], [["sshd"], 3]]
    assert first["bytes"].entries == [[[4242], 1024]]
    assert first["lat"].entries == [[["bash", "read"], 61 // 3]]
    assert first["lo"].entries == [[["bash"], -5]]
    assert first["hi"].entries == [[["bash"], 99]]
    # REMOVE after each walk: the second interval holds only its own increment
    assert second["calls"].entries == [[["bash"], 1]]
    assert second["bytes"].entries == [] and second["hi"].entries == []
    for batch in batches:
        for s in batch:
            assert encode(decode(encode(s))) == encode(s)  # valid on the wire, the same once decoded


def test_quantize_keeps_only_non_zero_buckets(standin):
    script = "syscall::read:return { @dist[execname] = quantize(arg0); }"
    sd.add_round([sd.quantize(1, [b"bash"], {0: 2, 1: 1, 3: 4, 1000: 1, -2: 1})])
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    (snap,) = batches[0]
    assert (snap.agg, snap.kind) == ("dist", "quantize")
    assert snap.entries == [
        [["bash"], [[[-3, -2], 1], [[0, 0], 2], [[1, 1], 1], [[2, 3], 4], [[512, 1023], 1]]]
    ]


def test_quantize_open_ends_keep_the_int64_sentinels(standin):
    script = "BEGIN { @q = quantize(x); }"
    sd.add_round([sd.quantize(1, [], [INT64_MAX, INT64_MIN])])
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    assert batches[0][0].entries == [[[], [[[INT64_MIN, -(1 << 62)], 1], [[1 << 62, INT64_MAX], 1]]]]


def test_lquantize_underflow_levels_overflow(standin):
    script = "syscall:::entry { @l[pid] = lquantize(arg0, 0, 100, 10); }"
    sd.add_round([sd.lquantize(1, [101], [-1, 5, 5, 42, 100, 5000], base=0, limit=100, step=10)])
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    (snap,) = batches[0]
    assert snap.kind == "lquantize"
    assert snap.entries == [
        [[101], [[[INT64_MIN, -1], 1], [[0, 9], 2], [[40, 49], 1], [[100, INT64_MAX], 2]]]
    ]


def test_multi_key_bytes_int_and_stack_keys(standin):
    script = "profile-99 { @s[execname, pid, stack()] = count(); @u[cpu] = count(); }"
    sd.add_round(
        [
            sd.count(1, [b"bash\0\0\0garbage", 77, sd.Stack("genunix`cv_wait", "unix`_resume_from_idle")], 5),
            sd.count(2, [3], 9),
        ]
    )
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    snaps = by_agg(batches[0])
    assert snaps["s"].entries == [[["bash", 77, "genunix`cv_wait\nunix`_resume_from_idle"], 5]]
    assert snaps["u"].entries == [[[3], 9]]


def test_records_whose_keys_decode_alike_are_merged(standin):
    # two distinct libdtrace records that differ only after a NUL decode to the same key
    script = "syscall:::entry { @c[execname] = count(); @m[execname] = max(arg0); }"
    sd.add_round(
        [
            sd.count(1, [b"bash\0a"], 2),
            sd.count(1, [b"bash\0b"], 3),
            sd.max_(2, [b"bash\0a"], 4),
            sd.max_(2, [b"bash\0b"], 9),
        ]
    )
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    snaps = by_agg(batches[0])
    assert snaps["c"].entries == [[["bash"], 5]]
    assert snaps["m"].entries == [[["bash"], 9]]


def test_anonymous_and_unknown_varids(standin):
    script = "syscall:::entry { @ = count(); }"
    sd.add_round([sd.count(1, [], 4), sd.sum_(7, [b"x"], 1)])
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    snaps = by_agg(batches[0])
    assert snaps["@"].entries == [[[], 4]]
    assert (snaps["agg7"].kind, snaps["agg7"].entries) == ("sum", [[["x"], 1]])


def test_idle_interval_emits_empty_snapshots_of_known_aggregations(standin):
    sd.add_round([])
    batches, _ = run_until(PyDTraceBackend(SCRIPT, interval=0.02), 1)
    assert [(s.agg, s.kind, s.entries) for s in batches[0]] == [
        ("calls", "count", []),
        ("bytes", "sum", []),
        ("lat", "avg", []),
        ("lo", "min", []),
        ("hi", "max", []),
    ]


# --------------------------------------------------------------------------- run(): output, errors, shutdown


def test_out_func_bytes_go_to_output_as_text(standin):
    script = 'BEGIN { printf("Hello World\\n"); @n = count(); }'
    sd.add_round([sd.count(1, [], 1)], output=[b"Hello World\n", "caf\u00e9 ok  \n".encode()])
    batches, out = run_until(PyDTraceBackend(script, interval=0.02), 1)
    assert out == ["Hello World\n", "caf\u00e9 ok\n"]
    assert batches[0][0].entries == [[[], 1]]


def test_unsupported_aggregation_propagating_walk_error(standin):
    """Cython >= 3.0b1 builds: the walk aborts and snapshot() raises; the backend raises RuntimeError."""
    script = "syscall:::entry { @n = count(); @s = stddev(arg0); }"
    sd.add_round([sd.count(1, [], 2)])
    sd.add_round([sd.count(1, [], 3), sd.stddev(2, [], [1, 2, 3])])
    batches = []
    with pytest.raises(RuntimeError) as ei:
        PyDTraceBackend(script, interval=0.02).run(batches.append, threading.Event(), lambda t: None)
    assert "Failed to walk aggregate" in str(ei.value) and "stddev()" in str(ei.value)
    assert by_agg(batches[0])["n"].entries == [[[], 2]]  # what came before was emitted
    assert not sd.PROGRAMME.threads[0].is_alive()


def test_unsupported_aggregation_unraisable_walk_error(standin, capsys):
    """Older Cython builds: the record is skipped (printed as unraisable) and the walk goes on."""
    script = "syscall:::entry { @n = count(); @ll = llquantize(arg0, 10, 0, 6, 20); }"
    sd.program([[sd.llquantize(2, [], [5]), sd.count(1, [], 3)]], walk_errors="unraisable")
    batches, _ = run_until(PyDTraceBackend(script, interval=0.02), 1)
    assert [(s.agg, s.entries) for s in batches[0]] == [("n", [[[], 3]])]  # no llquantize stream
    assert "Unsupported DTrace aggregation function!" in capsys.readouterr().err


def test_compile_error_inside_the_thread_is_raised_by_run(standin):
    script = "syscall:::entry\n{\n\t@a = foo(arg0);\n}\n"
    sd.fail_compile(b"line 3: undefined function name: foo", when="foo(")
    with pytest.raises(ScriptError) as ei:
        PyDTraceBackend(script, interval=0.02).run(lambda s: None, threading.Event(), lambda t: None)
    d = ei.value.first
    assert (d.line, d.column, d.end_column) == (3, 7, 10)
    assert d.message == "undefined function name: foo"
    assert not sd.PROGRAMME.threads[0].is_alive()


def test_dtrace_work_failure_is_a_runtime_error(standin):
    sd.add_round([sd.count(1, [], 1)])
    sd.PROGRAMME.work_error = (1, b"Abort due to drops")
    batches = []
    with pytest.raises(RuntimeError, match="dtrace_work failed: Abort due to drops"):
        PyDTraceBackend("BEGIN { @n = count(); }", interval=0.02).run(
            batches.append, threading.Event(), print
        )
    assert batches[0][0].entries == [[[], 1]]


def test_stop_stops_and_joins_the_consumer_thread(standin):
    sd.add_round([sd.count(1, [b"a"], 1)])
    backend = PyDTraceBackend(SCRIPT, interval=0.02)
    batches, _ = run_until(backend, 3)
    thread = sd.PROGRAMME.threads[0]
    assert thread.stopped() and not thread.is_alive()
    assert thread.sleep_time == 0.02 and thread.consume is True
    assert len(batches) >= 3


def test_script_exit_ends_the_run(standin):
    sd.program([[sd.count(1, [], 1)], [sd.count(1, [], 2)]], done_after=2)
    batches, _ = run_until(PyDTraceBackend("BEGIN { @n = count(); exit(0); }", interval=0.02), 99)
    assert [b[0].entries for b in batches] == [[[[], 1]], [[[], 2]]]


def test_interval_must_be_positive():
    with pytest.raises(ValueError):
        PyDTraceBackend(SCRIPT, interval=0)


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            'dtrace: failed to compile script /tmp/x.d: line 7: syntax error near "}"',
            (7, 'syntax error near "}"'),
        ),
        (
            "dtrace: invalid probe specifier syscall::nosuch:entry: probe description syscall::nosuch:entry "
            "does not match any probes",
            (0, "probe description syscall::nosuch:entry does not match any probes"),
        ),
        (
            '"/usr/lib/dtrace/x.d", line 12: failed to resolve foo: Unknown variable name',
            (12, "failed to resolve foo: Unknown variable name"),
        ),
        (
            "line 2: [D_AGG_FUNC] @a must be assigned the result of an aggregating function",
            (2, "[D_AGG_FUNC] @a must be assigned the result of an aggregating function"),
        ),
        ("in predicate: syntax error near end of input", (0, "in predicate: syntax error near end of input")),
    ],
)
def test_parse_libdtrace_error_forms(text, expected):
    (d,) = parse_libdtrace_error(text, "s.d")
    assert (d.line, d.message) == expected
    assert d.column == (1 if d.line else 0)


def test_parse_libdtrace_error_from_exception_and_continuation_lines():
    exc = Exception("Unable to compile the script: ", b"line 9: aggregation redefined: @a")
    (d,) = parse_libdtrace_error(exc)
    assert (d.line, d.message, d.file) == (9, "aggregation redefined: @a", "<script>")
    text = (
        "dtrace: failed to compile script a.d: line 5: aggregation redefined: @a\n"
        "\t current: line 5\n\tprevious: line 3\n"
    )
    (d,) = parse_libdtrace_error(text, "a.d")
    assert d.message == "aggregation redefined: @a\ncurrent: line 5\nprevious: line 3"
    (d,) = parse_libdtrace_error(Exception(b"DTrace device not available"))
    assert (d.line, d.message) == (0, "DTrace device not available")


def test_scan_aggregations_order_functions_and_keys():
    script = """
    /* @commented = count(); */
    syscall:::entry /execname != "@nope"/ { @c[execname, args[0]->x] = count(); }
    tick-1s { printa(@c); @[pid] = lquantize(arg0, 0, 10, 2); @c[execname, 1] = count(); }
    """
    aggs = scan_aggregations(script)
    assert [(a.var, a.agg, a.func, a.keys, a.line) for a in aggs] == [
        ("@c", "c", "count", ("execname", "args[0]->x"), 3),
        ("@", "@", "lquantize", ("pid",), 4),
    ]
    assert aggs[1].args == "arg0, 0, 10, 2"


@pytest.mark.parametrize(
    "expr, kind",
    [
        ("execname", "str"),
        ("probefunc", "str"),
        ('"total"', "str"),
        ("copyinstr(arg0)", "str"),
        ("curpsinfo->pr_psargs", "str"),
        ("args[1]->dev_statname", "str"),
        ("(string)x", "str"),
        ("pid", "int"),
        ("arg0 / 1024", "int"),
        ("(int)arg1", "int"),
        ("42", "int"),
        ("cpu", "int"),
        ("stack()", "stack"),
        ("stack(5)", "stack"),
        ("ustack()", "ustack"),
        ("func(arg0)", "sym"),
        ("self->fd", "unknown"),
        ("args[0]", "unknown"),
        ("this->s", "unknown"),
    ],
)
def test_key_type_guesses(expr, kind):
    assert key_type(expr) == kind


def test_decode_keys_accepts_flat_or_nested_stack_frames():
    flat = [b"sh", (b"genunix", b"a"), (b"unix", b"b"), 3]
    nested = [b"sh", [(b"genunix", b"a"), (b"unix", b"b")], 3]
    assert decode_keys(flat) == decode_keys(nested) == ["sh", "genunix`a\nunix`b", 3]
