"""BpftraceBackend against the real bpftrace (root), plus its script and stderr parsers (no root).

The workload is a child Python process that renames itself (prctl
PR_SET_NAME) and, once told to (SIGUSR1), makes a known number of getppid and
read syscalls. The test only signals it after the backend's first tick, which
proves the probes are live (bpftrace 0.17 prints ``attached_probes`` a moment
before they are), and right after a tick, so the burst lands well inside one
interval.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from bpftrace_dryrun import needs_bpftrace

from suricate_desktop.agent.backends.bpftrace import BpftraceBackend
from suricate_desktop.agent.backends.bpftrace_errors import parse_bpftrace_errors
from suricate_desktop.agent.backends.bpftrace_maps import (
    Aggregation,
    convert_entries,
    delta_entries,
    find_aggregations,
)
from suricate_desktop.lang import ScriptError
from suricate_desktop.schema import INT64_MAX, INT64_MIN, decode, encode

WORKLOAD_NAME = "suri_bt_wl"
N_GETPPID = 5000
#: read sizes and how many reads of each the workload makes
READS = {1: 3, 100: 5, 5000: 2}

WORKLOAD = r"""
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
n = int(sys.argv[2])
reads = [(int(s), int(k)) for s, k in (p.split("x") for p in sys.argv[3].split(","))]
fd = os.open("/dev/zero", os.O_RDONLY)
print("ready", flush=True)
signal.sigwait({signal.SIGUSR1})
for _ in range(n):
    os.getppid()
for size, k in reads:
    for _ in range(k):
        os.read(fd, size)
print("done", flush=True)
"""


class Recorder:
    """Collects emits and output from a backend running in a thread."""

    def __init__(self, backend: BpftraceBackend) -> None:
        self.backend = backend
        self.batches: list[list] = []
        self.texts: list[str] = []
        self.error: BaseException | None = None
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.backend.run(self._emit, self.stop, self._output)
        except BaseException as exc:
            self.error = exc
        finally:
            with self.cond:
                self.cond.notify_all()

    def _emit(self, snaps: list) -> None:
        for snap in snaps:  # every snapshot must survive the wire format
            decode(encode(snap))
        with self.cond:
            self.batches.append(snaps)
            self.cond.notify_all()

    def _output(self, text: str) -> None:
        with self.cond:
            self.texts.append(text)
            self.cond.notify_all()

    def start(self) -> Recorder:
        self.thread.start()
        return self

    def wait_for(self, predicate, timeout: float = 20.0) -> None:
        with self.cond:
            ok = self.cond.wait_for(lambda: predicate() or not self.thread.is_alive(), timeout)
        if self.error is not None:
            raise self.error
        assert ok and predicate(), "timed out waiting for the backend"

    def wait_batches(self, n: int, timeout: float = 20.0) -> None:
        self.wait_for(lambda: len(self.batches) >= n, timeout)

    def finish(self, timeout: float = 15.0) -> float:
        """Set stop and wait for run() to return; the seconds it took."""
        t0 = time.monotonic()
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"run() did not return within {timeout} s of stop"
        if self.error is not None:
            raise self.error
        return time.monotonic() - t0

    def snapshots(self, agg: str) -> list:
        return [s for batch in self.batches for s in batch if s.agg == agg]


@pytest.fixture
def workload():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKLOAD,
            WORKLOAD_NAME,
            str(N_GETPPID),
            ",".join(f"{s}x{k}" for s, k in READS.items()),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


# ----------------------------------------------------------------------------- real bpftrace


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(90)
def test_counts_hist_lhist_stats_multikey(workload):
    pid = workload.pid
    script = f"""
tracepoint:syscalls:sys_enter_getppid /pid == {pid}/ {{ @calls[comm] = count(); @all = count(); }}
tracepoint:syscalls:sys_enter_read /pid == {pid}/ {{
    @sizes = hist(args->count);
    @lin[comm] = lhist((int64)args->count - 50, 0, 1000, 100);
    @st[comm] = stats(args->count);
    @mean = avg(args->count);
    @bytes[comm, pid] = sum(args->count);
    @lo = min(args->count);
    @hi = max(args->count);
}}
BEGIN {{ printf("tracing %d\\n", {pid}); }}
"""
    backend = BpftraceBackend(script, interval=1.0, host="testhost", source="bt")
    backend.check()
    rec = Recorder(backend).start()
    rec.wait_batches(1)  # a tick: the probes are live
    first = len(rec.batches)
    workload.send_signal(signal.SIGUSR1)
    assert workload.stdout.readline().strip() == "done"
    workload.wait(10)
    rec.wait_batches(first + 2)  # the burst has been printed in a tick
    rec.finish()

    assert any(t == f"tracing {pid}\n" for t in rec.texts), rec.texts
    for batch in rec.batches:
        for snap in batch:
            assert snap.host == "testhost" and snap.source == "bt" and snap.delta is True

    calls = sum(v for s in rec.snapshots("calls") for k, v in s.entries if k == [WORKLOAD_NAME])
    assert calls >= N_GETPPID
    assert all(s.kind == "count" for s in rec.snapshots("calls"))
    total = sum(v for s in rec.snapshots("all") for k, v in s.entries)
    assert all(k == [] for s in rec.snapshots("all") for k, v in s.entries)
    assert total >= N_GETPPID

    nreads = sum(READS.values())
    nbytes = sum(size * k for size, k in READS.items())

    # hist: power-of-two buckets
    hist: dict = {}
    for s in rec.snapshots("sizes"):
        assert s.kind == "hist"
        for key, buckets in s.entries:
            assert key == []
            for (lo, hi), n in buckets:
                hist[(lo, hi)] = hist.get((lo, hi), 0) + n
    assert hist.get((1, 1), 0) >= READS[1]
    assert hist.get((64, 127), 0) >= READS[100]
    assert hist.get((4096, 8191), 0) >= READS[5000]

    # lhist with both open ends: 1-50 < 0 (underflow), 100-50 = 50, 5000-50 >= 1000 (overflow)
    lin: dict = {}
    for s in rec.snapshots("lin"):
        assert s.kind == "lhist"
        for key, buckets in s.entries:
            assert key == [WORKLOAD_NAME]
            for (lo, hi), n in buckets:
                lin[(lo, hi)] = lin.get((lo, hi), 0) + n
    assert lin.get((INT64_MIN, -1), 0) >= READS[1]
    assert lin.get((0, 99), 0) >= READS[100]
    assert lin.get((1000, INT64_MAX), 0) >= READS[5000]

    st = [v for s in rec.snapshots("st") for k, v in s.entries if k == [WORKLOAD_NAME]]
    assert all(s.kind == "stats" for s in rec.snapshots("st"))
    assert sum(v["count"] for v in st) >= nreads
    assert sum(v["total"] for v in st) >= nbytes
    assert all(set(v) == {"count", "average", "total"} for v in st)

    means = [v for s in rec.snapshots("mean") for k, v in s.entries]
    assert means and all(isinstance(v, int) for v in means)
    assert rec.snapshots("mean")[0].kind == "avg"

    multi = {}
    for s in rec.snapshots("bytes"):
        assert s.kind == "sum"
        for k, v in s.entries:
            multi[tuple(k)] = multi.get(tuple(k), 0) + v
    assert multi.get((WORKLOAD_NAME, pid), 0) >= nbytes  # key split in two, pid back to int

    assert min(v for s in rec.snapshots("lo") for k, v in s.entries) == 1
    assert max(v for s in rec.snapshots("hi") for k, v in s.entries) == 5000
    assert {s.kind for s in rec.snapshots("lo")} == {"min"} and {s.kind for s in rec.snapshots("hi")} == {
        "max"
    }

    # every tick carries every aggregation; ticks are about one interval apart
    names = {"calls", "all", "sizes", "lin", "st", "mean", "bytes", "lo", "hi"}
    for batch in rec.batches[:-1]:
        assert {s.agg for s in batch} >= names
        # one interval, or a whole number of them if the kernel skipped a tick
        assert all(s.interval >= 0.9 and abs(s.interval - round(s.interval)) < 0.1 for s in batch)
    assert 0 < rec.batches[-1][0].interval < 3.0  # the exit dump: a partial interval


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(60)
def test_stop_emits_exit_dump():
    me = os.getpid()
    script = f"""BEGIN {{ @began = count(); printf("started\\n"); }}
tracepoint:syscalls:sys_enter_getppid /pid == {me}/ {{ @g = count(); }}
"""
    # No tick before stop: all of it is in the exit dump. On a loaded CI machine bpftrace has taken
    # over 10 s (the default) to detach and exit after SIGINT; give it more before killing it.
    backend = BpftraceBackend(script, interval=60.0, stop_timeout=30.0)
    rec = Recorder(backend).start()
    rec.wait_for(lambda: "started\n" in rec.texts)
    assert backend.attached.is_set()
    time.sleep(1.0)  # bpftrace 0.17 reports probes attached slightly before they are live
    for _ in range(1234):
        os.getppid()
    rec.finish()
    assert len(rec.batches) == 1
    final = {s.agg: s for s in rec.batches[0]}
    assert final["began"].entries == [[[], 1]]
    assert final["g"].entries[0][0] == [] and final["g"].entries[0][1] >= 1234
    assert 0 < final["g"].interval <= 60.0
    assert backend.pid is None


HOT_LOOP = r"""
import ctypes, os, signal, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
print("ready", flush=True)
signal.sigwait({signal.SIGUSR1})
f = os.getppid
n = 0
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    for _ in range(1000):
        f()
    n += 1000
print(n, flush=True)
"""


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(90)
def test_busy_key_is_counted_exactly_across_many_ticks():
    """A key updated about a million times a second, over ~15 ticks: the deltas add up to the calls, exactly.

    With print + clear() this over-counted by whole intervals (clear races
    with the probe's non-atomic update and the old total comes back).
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", HOT_LOOP, "suri_bt_hot", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        script = f"tracepoint:syscalls:sys_enter_getppid /pid == {proc.pid}/ {{ @calls[comm] = count(); @h = hist(1); }}"
        rec = Recorder(BpftraceBackend(script, interval=0.2)).start()
        rec.wait_batches(1)
        proc.send_signal(signal.SIGUSR1)
        calls = int(proc.stdout.readline())
        proc.wait(10)
        n = len(rec.batches)
        rec.wait_batches(n + 1)
        rec.finish()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    ticks = sum(1 for b in rec.batches for s in b if s.agg == "calls" and s.entries)
    assert ticks >= 5
    counted = sum(v for s in rec.snapshots("calls") for k, v in s.entries if k == ["suri_bt_hot"])
    assert counted == calls
    hist = sum(
        c for s in rec.snapshots("h") for _, buckets in s.entries for bucket, c in buckets if bucket == [1, 1]
    )
    assert hist == calls


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(60)
def test_script_exit_returns_with_its_maps():
    script = """BEGIN {
    @x[1, "a"] = count();
    @y = sum(5);
    @ = count();
    @neg[-3] = count();
    printf("bye\\n");
    exit();
}
"""
    backend = BpftraceBackend(script, interval=1.0)
    rec = Recorder(backend).start()
    rec.thread.join(30)  # no stop: the script ends itself
    assert not rec.thread.is_alive()
    assert rec.error is None, rec.error
    assert "bye\n" in rec.texts
    got = {}
    for batch in rec.batches:
        for s in batch:
            got.setdefault(s.agg, []).extend(s.entries)
    assert [[1, "a"], 1] in got["x"]
    assert [[], 5] in got["y"]
    assert [[], 1] in got["@"]
    assert [[-3], 1] in got["neg"]


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(60)
def test_bad_script_raises_script_error_at_its_line():
    script = 'BEGIN {\n  printf("hi\\n");\n  @x = count(1);\n}\n'
    backend = BpftraceBackend(script)
    with pytest.raises(ScriptError) as info:
        backend.check()
    d = info.value.first
    assert (d.line, d.column, d.severity) == (3, 8, "error")
    assert "count() requires no arguments" in d.message
    assert d.end_column is not None and d.end_column > d.column
    # run() reports the same, from bpftrace's stderr at start
    with pytest.raises(ScriptError) as info:
        backend.run(lambda s: None, threading.Event(), lambda t: None)
    assert (info.value.first.line, info.value.first.column) == (3, 8)

    with pytest.raises(ScriptError) as info:
        BpftraceBackend(
            "BEGIN { @a = count(); }\n\ntracepoint:syscalls:sys_enter_nosuch { @b = count(); }\n"
        ).check()
    assert info.value.first.line == 3
    assert "tracepoint not found" in info.value.first.message

    with pytest.raises(ScriptError) as info:
        BpftraceBackend("BEGIN {\n  @a = count();\n").check()
    assert info.value.first.line == 3 and "syntax error" in info.value.first.message


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(60)
def test_bpftrace_errors_about_a_translated_d_script_land_on_the_d_scripts_line():
    """The user wrote D; bpftrace's complaint about the translation is put on the D clause it came from."""
    from suricate_desktop.agent.backends import make_backend

    # valid D (strings compare with < in D), which bpftrace 0.17 rejects
    script = 'BEGIN\n{\n  x = 1;\n}\n\nsyscall::read:entry\n/execname == "ls"/\n{\n  @b[execname] = sum(execname < "m");\n}\n'
    backend = make_backend("bpftrace", script, lang="d", path="reads.d")
    with pytest.raises(ScriptError) as info:
        backend.check()
    d = info.value.first
    assert (d.file, d.line, d.severity) == ("reads.d", 6, "error")  # the clause syscall::read:entry
    assert "The < operator can not be used on expressions of types string" in d.message
    assert '(in the bpftrace translation: @b[comm] = sum(comm < "m");)' in d.message


@pytest.mark.root
@needs_bpftrace
@pytest.mark.timeout(30)
def test_good_script_checks():
    BpftraceBackend("tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }").check()


def test_missing_bpftrace_is_a_clear_runtime_error():
    backend = BpftraceBackend("BEGIN { }", bpftrace="/nonexistent/bpftrace")
    with pytest.raises(RuntimeError, match="not installed"):
        backend.check()


# ----------------------------------------------------------------------------- parsers (no root)

STDERR_017 = """Error while reading traceable functions from /sys/kernel/tracing/available_filter_functions: \
Operation not permittedERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is \
not loading, you can try "ulimit -l 8192" to fix the problem
stdin:1:24-27: ERROR: Unknown function: foo
BEGIN { @x = count(); foo(); $z + 1; }
                       ~~~
stdin:2-4: ERROR: syntax error, unexpected end of file
stdin:5:1-26: WARNING: nofn is not traceable (either non-existing, inlined, or marked as "notrace")
kprobe:nofn { @ = count(); }
~~~~~~~~~~~~~~~~~~~~~~~~~
ERROR: Error attaching probe: 'kprobe:nofn'
"""


def test_parse_bpftrace_errors():
    script = "BEGIN { @x = count(); foo(); $z + 1; }\n\n\n\nkprobe:nofn { @ = count(); }\n"
    diags = parse_bpftrace_errors(STDERR_017, "my.bt", script)
    assert [(d.line, d.column, d.end_column, d.severity) for d in diags] == [
        (1, 24, 27, "error"),
        (2, 1, None, "error"),
        (5, 1, 12, "error"),  # placed by its quoted probe
        (5, 1, 26, "warning"),
    ]
    assert diags[0].message == "Unknown function: foo"
    assert diags[0].format() == "my.bt:1:24: error: Unknown function: foo"
    assert all(d.file == "my.bt" for d in diags)
    assert parse_bpftrace_errors(STDERR_017.encode(), "x")[2].line == 0  # no script: no place
    # 0.17 gives a missing tracepoint the span of the whole program; the name narrows it down
    script = "BEGIN { @a = count(); }\n\ntracepoint:syscalls:sys_enter_nosuch { @b = count(); }\n"
    (d,) = parse_bpftrace_errors(
        "stdin:1-3: ERROR: tracepoint not found: syscalls:sys_enter_nosuch\n", "s", script
    )
    assert (d.line, d.column, d.end_column) == (3, 12, 37)
    assert parse_bpftrace_errors("ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace.\n") == []


def test_find_aggregations():
    script = """// @commented = count()
tracepoint:raw_syscalls:sys_enter /comm != "@s = sum(1)"/ {
  @[comm] = count(); @mk[comm, pid] = sum(1); @h = hist(args->id);
  @l[str(args->id, 3), (1, 2)] = lhist(args->id, 0, 100, 10); @st [comm] = stats(1);
  @a=avg(2); @start[tid] = nsecs; if (@a == 1) { }
}
/* @z = max(1) */ END { @m = min(3); @M = max(4); @[comm] = count(); }
"""
    assert find_aggregations(script) == [
        Aggregation("@", "@", "count", 1, True),
        Aggregation("@mk", "mk", "sum", 2, True),
        Aggregation("@h", "h", "hist", 0, True),
        Aggregation("@l", "l", "lhist", 2, True),
        Aggregation("@st", "st", "stats", 1, True),
        Aggregation("@a", "a", "avg", 0, False),
        Aggregation("@m", "m", "min", 0, False),
        Aggregation("@M", "M", "max", 0, False),
    ]
    program = BpftraceBackend(script, interval=0.25).program()
    assert program.startswith(script.rstrip() + "\n")  # the user's lines keep their numbers
    clause = program.split("\n")[-2]
    assert clause.startswith("interval:ms:250 {")
    # running totals are only printed (clear() races with the probes); avg/min/max are cleared
    assert "print(@mk);" in clause and "clear(@mk)" not in clause
    assert "print(@a); clear(@a);" in clause
    assert "@start" not in clause
    # a map the script resets itself cannot be differenced: printed and cleared
    own = "BEGIN { @c[1] = count(); @d = sum(2); @e = count(); } interval:s:5 { clear(@c); zero(@d); delete(@e); }"
    assert [a.cumulative for a in find_aggregations(own)] == [False, False, False]


def test_delta_entries():
    count = Aggregation("@c", "c", "count", 1, True)
    e, state = delta_entries({"a": 5, "b": 2}, count, {})
    assert e == [[["a"], 5], [["b"], 2]]
    e, state = delta_entries({"a": 9, "b": 2, "c": 1}, count, state)
    assert e == [[["a"], 4], [["c"], 1]]  # b did not move: left out
    e, state = delta_entries({"a": 3, "b": 2, "c": 1}, count, state)
    assert e == [[["a"], 3]]  # went down: reset under us, the total is the delta
    total = Aggregation("@t", "t", "sum", 0, True)
    e, state = delta_entries(10, total, {})
    e, state = delta_entries(4, total, state)
    assert e == [[[], -6]]  # sums may go down
    hist = Aggregation("@h", "h", "hist", 0, True)
    e, state = delta_entries([{"min": 0, "max": 0, "count": 1}, {"min": 1, "max": 1, "count": 2}], hist, {})
    assert e == [[[], [[[0, 0], 1], [[1, 1], 2]]]]
    e, state = delta_entries(
        [
            {"max": -1, "count": 1},
            {"min": 0, "max": 0, "count": 1},
            {"min": 1, "max": 1, "count": 5},
            {"min": 2, "max": 3, "count": 0},
            {"min": 4, "count": 0},
        ],
        hist,
        state,
    )
    assert e == [[[], [[[INT64_MIN, -1], 1], [[0, 0], 0], [[1, 1], 3]]]]  # trimmed at the ends only
    e, state = delta_entries(
        [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 1}, {"min": 1, "max": 1, "count": 5}],
        hist,
        state,
    )
    assert e == []
    stats = Aggregation("@s", "s", "stats", 1, True)
    e, state = delta_entries({"x": {"count": 2, "average": 15, "total": 30}}, stats, {})
    assert e == [[["x"], {"count": 2, "average": 15, "total": 30}]]
    e, state = delta_entries({"x": {"count": 5, "average": 5, "total": 27}}, stats, state)
    assert e == [[["x"], {"count": 3, "average": -1, "total": -3}]]  # truncated toward zero, as bpftrace


def test_convert_entries_shapes():
    one = Aggregation("@c", "c", "count", 1)
    two = Aggregation("@m", "m", "sum", 2)
    assert convert_entries({"bash": 2, "1234": 3, "007": 1, "-5": 4}, one) == [
        [["bash"], 2],
        [[1234], 3],
        [["007"], 1],
        [[-5], 4],
    ]
    assert convert_entries({"a,b": 1}, one) == [[["a,b"], 1]]  # one key part: never split
    assert convert_entries({"bash,42": 1}, two) == [[["bash", 42], 1]]
    assert convert_entries(9, Aggregation("@x", "x", "max", 0)) == [[[], 9]]
    lh = [{"max": -1, "count": 1}, {"min": 0, "max": 9, "count": 0}, {"min": 100, "count": 2}]
    assert convert_entries(lh, Aggregation("@l", "l", "lhist", 0)) == [
        [[], [[[INT64_MIN, -1], 1], [[0, 9], 0], [[100, INT64_MAX], 2]]]
    ]
    assert convert_entries({"k": lh[:1]}, Aggregation("@l", "l", "hist", 1)) == [
        [["k"], [[[INT64_MIN, -1], 1]]]
    ]
    st = {"count": 2, "average": 15, "total": 30}
    assert convert_entries(st, Aggregation("@s", "s", "stats", 0)) == [[[], st]]
    assert convert_entries({"bash": st}, Aggregation("@s", "s", "stats", 1)) == [[["bash"], st]]
