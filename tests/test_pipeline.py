"""End to end through the real parts: agent -> RabbitMQ -> suricate record -> Parquet -> replay.

The commands run as a user would run them (``python -m suricate_desktop ...``
subprocesses), against the real broker and, for bpftrace, the real kernel.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import waiting

from suricate_desktop.store.recording import connect, iter_snapshots, segments

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "workload.py"


_AS_NOBODY = """
import os, sys
import psutil, pika, orjson, encodings.idna, logging.handlers
from suricate_desktop.cli import main
from suricate_desktop.agent.backends import sampler
main.build_parser()  # imports every sub-command
os.setgroups([]); os.setgid(65534); os.setuid(65534)
assert os.geteuid() == 65534
sys.exit(main.main(sys.argv[1:]))
"""


class Command:
    """A running ``suricate`` sub-command whose stderr lines are collected as they come."""

    def __init__(self, *args, as_nobody=False):
        command = [sys.executable, "-m", "suricate_desktop", *args]
        if as_nobody:
            # Python lives under /root here, out of nobody's reach: load what the agent
            # needs, then drop to uid 65534 before it runs, so it runs with no privilege.
            command = [sys.executable, "-c", _AS_NOBODY, *args]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)

    def wait_for(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"never printed {text!r}: {''.join(self.lines)}")

    def terminate(self, timeout=20) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


class Workload:
    def __init__(self, name, what, amount, as_nobody=False):
        args = (
            [sys.executable, str(WORKLOAD)]
            + (["--as-nobody"] if as_nobody else [])
            + [name, what, str(amount)]
        )
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def go(self, timeout=60):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "done"

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)


def total(recording, agg, key, host):
    if not segments(recording):
        return 0
    (value,) = (
        connect(recording)
        .execute(
            "SELECT coalesce(sum(value), 0) FROM recording WHERE agg = ? AND key = ? AND host = ?",
            [agg, key, host],
        )
        .fetchone()
    )
    return value


def wait_until(predicate, timeout=30.0):
    return waiting.wait_until(predicate, timeout)


def record(tmp_path, exchange, queue, broker_url, host):
    rec = tmp_path / "rec"
    recorder = Command(
        "record",
        "--bind",
        f"{host}.#",
        "--out",
        str(rec),
        "--exchange",
        exchange,
        "--queue",
        queue,
        "--broker",
        broker_url,
        "--rotate",
        "0.5",
    )
    recorder.wait_for("broker connected")
    return rec, recorder


def test_bpftrace_agent_to_recording(bpftrace_ready, broker_url, exchange, queue_name, tmp_path):
    host = f"bt{uuid.uuid4().hex[:6]}"
    name = f"surwl{uuid.uuid4().hex[:8]}"
    calls = 20_000
    rec, recorder = record(tmp_path, exchange, queue_name, broker_url, host)
    workload = Workload(name, "getppid", calls)
    agent = Command(
        "agent",
        "-e",
        "tracepoint:syscalls:sys_enter_getppid { @calls[comm] = count(); }",
        "--host",
        host,
        "--source",
        "getppid",
        "-i",
        "0.5",
        "--exchange",
        exchange,
        "--broker",
        broker_url,
    )
    try:
        # The heartbeat shows up once the probes are live; then the counted calls.
        assert wait_until(lambda: total(rec, "calls", name, host) > 0), "".join(agent.lines + recorder.lines)
        workload.go()
        assert wait_until(lambda: total(rec, "calls", name, host) >= calls), total(rec, "calls", name, host)
    finally:
        workload.close()
        assert agent.terminate() == 0, "".join(agent.lines)
        assert recorder.terminate() == 0, "".join(recorder.lines)
    snaps = [s for s in iter_snapshots(rec) if s.agg == "calls"]
    assert {(s.host, s.source, s.kind, s.delta) for s in snaps} == {(host, "getppid", "count", True)}
    assert "agent: bpftrace backend" in "".join(agent.lines)


def test_sampler_agent_without_root_to_recording(broker_url, exchange, queue_name, tmp_path):
    host = f"sm{uuid.uuid4().hex[:6]}"
    name = f"surwl{uuid.uuid4().hex[:8]}"
    written = 8 * 1024 * 1024
    rec, recorder = record(tmp_path, exchange, queue_name, broker_url, host)
    workload = Workload(name, "write", written, as_nobody=True)

    agent = Command(
        "agent",
        "--backend",
        "sampler",
        "--host",
        host,
        "-i",
        "0.5",
        "--exchange",
        exchange,
        "--broker",
        broker_url,
        as_nobody=os.geteuid() == 0,
    )
    try:
        assert wait_until(lambda: total(rec, "rss", name, host) > 0), "".join(agent.lines + recorder.lines)
        workload.go()
        assert wait_until(lambda: total(rec, "io_write_bytes", name, host) >= written)
        assert wait_until(lambda: total(rec, "cpu_time", name, host) > 0)
    finally:
        workload.close()
        assert agent.terminate() == 0, "".join(agent.lines)
        assert recorder.terminate() == 0, "".join(recorder.lines)
    assert "agent: sampler backend" in "".join(agent.lines)


def test_replay_publishes_a_recording_back(broker_url, exchange, queue_name, tmp_path):
    from suricate_desktop.schema import Snapshot
    from suricate_desktop.store.recording import RecordingWriter

    host = f"rp{uuid.uuid4().hex[:6]}"
    original = tmp_path / "original"
    snaps = [
        Snapshot(
            host, "s", "num", "count", 1000.0 + i * 0.2, 0.2, True, [[["bash"], i], [[7], 1]], i + 1, "r"
        )
        for i in range(10)
    ]
    with RecordingWriter(original) as writer:
        writer(snaps)
    rec, recorder = record(tmp_path, exchange, queue_name, broker_url, host)
    started = time.monotonic()
    replay = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "replay",
            str(original),
            "--speed",
            "2",
            "--original-time",
            "--exchange",
            exchange,
            "--broker",
            broker_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert replay.returncode == 0, replay.stderr
    assert elapsed >= 0.9  # 9 gaps of 0.2 s at speed 2
    assert wait_until(
        lambda: bool(segments(rec)) and sum(1 for s in iter_snapshots(rec) if s.host == host) == 10
    )
    # A second replay of the same recording is a run of its own, not copies of the first.
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "replay",
            str(original),
            "--speed",
            "0",
            "--original-time",
            "--exchange",
            exchange,
            "--broker",
            broker_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert wait_until(lambda: sum(1 for s in iter_snapshots(rec) if s.host == host) == 20)
    assert recorder.terminate() == 0
    replayed = list(iter_snapshots(rec))
    runs = sorted({s.run for s in replayed})
    assert len(runs) == 2 and all(run.startswith("r.replay-") for run in runs)
    for run in runs:
        copy = [s for s in replayed if s.run == run]
        for s in copy:
            s.run = "r"
        assert copy == snaps


def test_a_bad_script_is_reported_at_its_line(bpftrace_ready, tmp_path):
    script = tmp_path / "bad.bt"
    script.write_text("tracepoint:syscalls:sys_enter_read\n{\n  @x[comm] = cuont();\n}\n")
    result = subprocess.run(
        [sys.executable, "-m", "suricate_desktop", "agent", str(script), "--stdout"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"{script}:3:" in result.stderr and "Unknown function: cuont" in result.stderr


def test_agent_stdout_mode_prints_snapshots_and_stops_after_its_duration():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "agent",
            "--backend",
            "sampler",
            "--stdout",
            "-i",
            "0.3",
            "-d",
            "1.2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    from suricate_desktop.schema import decode

    snaps = [decode(line.encode()) for line in result.stdout.splitlines()]
    assert {s.agg for s in snaps} >= {"cpu_time", "rss"}
    assert 2 <= len({s.ts for s in snaps}) <= 5
    assert [s.seq for s in snaps] == list(range(1, len(snaps) + 1))
