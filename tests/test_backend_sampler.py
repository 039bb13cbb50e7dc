"""SamplerBackend with a real child process: its CPU and bytes show up under its name.

The child renames itself (prctl PR_SET_NAME, what psutil reports as the
name), waits for SIGUSR1, then burns CPU and writes a known number of bytes
to a file. The sampler counts a process from the first time it sees it, so
the child is started, and seen, before it is told to work. The I/O figure
checked is what the sampler reports, ``write_chars`` (bytes passed to
write()), which is exact without fsync and on any filesystem; the
storage-level ``write_bytes`` would depend on the filesystem and writeback.

The sampler is also run as an unprivileged user (uid 65534 through
``setpriv``) to show it needs no privilege and skips what it may not read.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import suricate_desktop
from suricate_desktop.agent.backends.sampler import AGGREGATIONS, SamplerBackend
from suricate_desktop.schema import decode, encode

NAME = "suri_smp_wl"
NBYTES = 3 * 1024 * 1024 + 17
CPU_SECONDS = 0.3

WORKLOAD = r"""
import ctypes, os, signal, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
path, nbytes, cpu = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
print("ready", flush=True)
signal.sigwait({signal.SIGUSR1})
t = time.process_time()
x = 0
while time.process_time() - t < cpu:
    x += 1
with open(path, "wb", buffering=0) as f:
    chunk = b"x" * 65536
    left = nbytes
    while left:
        left -= f.write(chunk[: min(left, len(chunk))])
print("done", flush=True)
signal.sigwait({signal.SIGUSR1})  # stay alive until killed: the sampler sees the final counters
"""


def start_workload(path: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKLOAD, NAME, path, str(NBYTES), str(CPU_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def totals(batches: list) -> dict:
    """{agg: {name: sum over intervals}} (rss: the largest value seen)."""
    out: dict = {agg: {} for agg, _ in AGGREGATIONS}
    for batch in batches:
        for snap in batch:
            table = out[snap.agg]
            for (name,), value in snap.entries:
                table[name] = (
                    max(table.get(name, 0), value) if snap.kind == "max" else table.get(name, 0) + value
                )
    return out


def test_sampler_counts_a_child_cpu_and_bytes(tmp_path):
    child = start_workload(str(tmp_path / "out.bin"))
    backend = SamplerBackend("", interval=0.5, host="h1")
    batches: list = []
    cond = threading.Condition()
    stop = threading.Event()

    def emit(snaps):
        for snap in snaps:
            decode(encode(snap))  # valid on the wire
        with cond:
            batches.append(snaps)
            cond.notify_all()

    errors: list = []

    def run():
        try:
            backend.run(emit, stop, lambda text: None)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        with cond:
            assert cond.wait_for(lambda: len(batches) >= 1, 20), "no first emit"
        child.send_signal(signal.SIGUSR1)
        assert child.stdout.readline().strip() == "done"
        n = len(batches)
        with cond:
            assert cond.wait_for(lambda: len(batches) >= n + 2, 20)
    finally:
        stop.set()
        thread.join(15)
        child.kill()
        child.wait()
    assert not thread.is_alive() and not errors, errors

    for batch in batches:
        assert [(s.agg, s.kind) for s in batch] == list(AGGREGATIONS)
        for snap in batch:
            assert snap.source == "sampler" and snap.host == "h1" and snap.delta is True
    assert all(s.interval == 0.5 for s in batches[0])
    assert batches[-1][0].interval <= 0.5  # the partial interval at stop

    got = totals(batches)
    assert got["io_write_bytes"].get(NAME, 0) >= NBYTES
    assert got["cpu_time"].get(NAME, 0) >= 100  # ms, of 300 burnt
    assert got["ctx_switches"].get(NAME, 0) >= 1
    assert got["rss"].get(NAME, 0) > 1024 * 1024
    # sums leave zero deltas out
    for batch in batches:
        for snap in batch:
            if snap.kind == "sum":
                assert all(v > 0 for _, v in snap.entries)


def test_first_pass_is_a_baseline():
    backend = SamplerBackend()
    snaps = backend.sample()
    assert [s.entries for s in snaps[:4]] == [[], [], [], []]
    assert snaps[4].agg == "rss" and snaps[4].entries  # a level needs no baseline
    assert backend.processes > 0


UNPRIVILEGED = r"""
import json, os, signal, subprocess, sys, threading
from suricate_desktop.agent.backends.sampler import SamplerBackend
workload, name, path, nbytes, cpu = sys.argv[1:6]
child = subprocess.Popen([sys.executable, "-c", workload, name, path, nbytes, cpu], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "ready"
b = SamplerBackend("", interval=0.5)
batches = []
cond = threading.Condition()
def emit(s):
    with cond:
        batches.append(s); cond.notify_all()
stop = threading.Event()
t = threading.Thread(target=b.run, args=(emit, stop, print)); t.start()
with cond:
    cond.wait_for(lambda: len(batches) >= 1, 20)
child.send_signal(signal.SIGUSR1)
child.stdout.readline()
n = len(batches)
with cond:
    cond.wait_for(lambda: len(batches) >= n + 2, 20)
stop.set(); t.join(); child.kill(); child.wait()
out = {}
for batch in batches:
    for s in batch:
        for (k,), v in s.entries:
            if k == name and s.kind == "sum":
                out[s.agg] = out.get(s.agg, 0) + v
print(json.dumps({"euid": os.geteuid(), "totals": out, "skipped": b.skipped, "processes": b.processes}))
"""


def test_sampler_runs_unprivileged():
    if os.geteuid() != 0:
        pytest.skip("already unprivileged: test_sampler_counts_a_child_cpu_and_bytes ran without privilege")
    setpriv = shutil.which("setpriv")
    system_python = "/usr/bin/python3"
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is missing: cannot drop to an unprivileged user")
    if not os.path.exists(system_python):
        pytest.skip(
            f"{system_python} is missing (the test interpreter lives under /root, unreadable by nobody)"
        )
    version = subprocess.run(
        [system_python, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    ).stdout.strip()
    if version != str(sys.version_info[:2]):
        pytest.skip(
            f"{system_python} is {version}, not {sys.version_info[:2]}: our compiled psutil/orjson/msgspec won't load"
        )

    # A world-readable copy of what the sampler imports (the test's interpreter
    # and site-packages may sit under /root, which uid 65534 cannot enter).
    import msgspec
    import orjson
    import psutil

    root = Path(tempfile.mkdtemp(prefix="suricate-sampler-", dir="/tmp"))
    try:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for module in (psutil, orjson, msgspec, suricate_desktop):
            src = Path(module.__file__).parent
            shutil.copytree(src, root / "lib" / src.name, ignore=ignore)
        work = root / "work"
        work.mkdir()
        for p in [root, *root.rglob("*")]:
            p.chmod(0o777 if p == work else (0o755 if p.is_dir() else 0o644))
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root / "lib"), "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.run(
            [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                system_python,
                "-s",
                "-c",
                UNPRIVILEGED,
                WORKLOAD,
                NAME,
                str(work / "out.bin"),
                str(NBYTES),
                str(CPU_SECONDS),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=str(work),
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert result["euid"] == 65534
    assert result["totals"].get("io_write_bytes", 0) >= NBYTES  # its own user's process: readable
    assert result["totals"].get("cpu_time", 0) >= 100
    # other users' /proc/PID/io is denied to uid 65534: skipped quietly, counted
    assert 0 < result["skipped"] < result["processes"]
