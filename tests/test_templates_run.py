"""A dozen templates run for real through the agent's bpftrace backend and produce snapshots.

Each chosen template's ``script.bt`` runs in ``BpftraceBackend`` (the agent's
bpftrace backend) for about a second and a half after its probes attach,
while a workload process (renamed ``suri_tpl_wl``) keeps making the events
those templates trace: reads and writes, forks and execs of ``/bin/true``,
page faults, a CPU-burning loop and short sleeps, loopback UDP packets, fsynced
writes (disk I/O) and SIGSEGV sent to a sleeping child. The test then stops
the backend and checks that at least one snapshot of the template's
aggregation has entries, and where the workload's own mark is predictable
(its name, the name of the program it execs, a system call it makes), that
the mark is among the keys. No timing is asserted.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from bpftrace_dryrun import needs_bpftrace, prepare

from suricate_desktop.agent.backends.bpftrace import BpftraceBackend
from suricate_desktop.lang.templates import get_template
from suricate_desktop.lang.translate import translate_program

pytestmark = [
    pytest.mark.root,
    needs_bpftrace,
]

NAME = "suri_tpl_wl"

WORKLOAD = r"""
import ctypes, mmap, os, signal, socket, subprocess, sys, tempfile, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
zero = os.open("/dev/zero", os.O_RDONLY)
null = os.open("/dev/null", os.O_WRONLY)
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0))
rx.setblocking(False)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
scratch = tempfile.NamedTemporaryFile(dir="/var/tmp", delete=True)
print("ready", flush=True)
n = 0
while True:
    n += 1
    for size in (1, 4, 8, 100, 4096):
        os.read(zero, size)
    os.write(null, b"x" * 512)
    m = mmap.mmap(-1, 64 * 4096)
    for off in range(0, len(m), 4096):
        m[off] = 1
    m.close()
    tx.sendto(b"ping", rx.getsockname())
    try:
        rx.recv(16)
    except BlockingIOError:
        pass
    t_end = time.monotonic() + 0.005
    while time.monotonic() < t_end:
        pass
    time.sleep(0.002)
    if n % 10 == 0:
        subprocess.run(["/bin/true"])
        os.write(scratch.fileno(), os.urandom(16384))
        os.fsync(scratch.fileno())
    if n % 25 == 0:
        victim = subprocess.Popen(["sleep", "30"])
        time.sleep(0.01)
        os.kill(victim.pid, signal.SIGSEGV)
        victim.wait()
"""

#: template id -> a key the workload is sure to put in the template's aggregation (None: any entry will do).
CHOSEN = {
    "seed-syscalls-by-function": ["read"],
    "seed-read-sizes-by-program": [NAME],
    "syscalls-by-process": [NAME],
    "bytes-read-written-by-process": [NAME, "read"],
    "process-exec": ["true"],
    "process-creation-by-parent": [NAME],
    "disk-io-sizes": None,
    "cpu-profile-by-process": [NAME],
    "off-cpu-time-by-process": [NAME],
    "use-cpu-errors": ["sleep", 11],
    "use-memory-saturation": [NAME],
    "use-network-utilisation": ["send"],
}


@pytest.fixture(scope="module")
def workload():
    prepare()
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKLOAD, NAME], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
    )
    assert proc.stdout.readline().strip() == "ready"
    yield proc
    proc.kill()
    proc.wait()


def _run(template, seconds: float = 1.5):
    backend = BpftraceBackend(template.bt_script, interval=0.5, source=template.id)
    batches: list = []
    output: list[str] = []
    failure: list[BaseException] = []
    stop = threading.Event()

    def target():
        try:
            backend.run(batches.append, stop, output.append)
        except BaseException as exc:  # reported by the test
            failure.append(exc)

    thread = threading.Thread(target=target, name=f"bpftrace-{template.id}", daemon=True)
    thread.start()
    # bpftrace announces its probes a moment before they are live: wait for the announcement, then trace.
    while not backend.attached.wait(0.1):
        if not thread.is_alive():
            break
    if thread.is_alive():
        time.sleep(seconds)
    stop.set()
    thread.join(60)
    assert not thread.is_alive(), "the backend did not stop"
    if failure:
        raise failure[0]
    return [s for batch in batches for s in batch], output


@pytest.mark.parametrize("template_id", list(CHOSEN))
def test_template_runs_and_produces_snapshots(workload, template_id):
    assert workload.poll() is None, "the workload died"
    template = get_template(template_id)
    aggregations = {
        a.lstrip("@") or "@" for a in translate_program(template.d_script, arch=template.arch).aggregations
    }
    snapshots, _output = _run(template)
    ours = [s for s in snapshots if s.agg in aggregations]
    assert ours, f"no snapshot of {sorted(aggregations)} (got {sorted({s.agg for s in snapshots})})"
    assert all(s.host and s.source == template_id for s in ours)
    with_entries = [s for s in ours if s.entries]
    assert with_entries, f"{template_id}: every snapshot of {sorted(aggregations)} was empty"
    key = CHOSEN[template_id]
    if key is not None:
        keys = [e[0] for s in with_entries for e in s.entries]
        assert key in keys, f"{template_id}: {key} not among {keys[:20]}"
