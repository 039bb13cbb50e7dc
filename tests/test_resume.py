"""The data path across broker outages: resume within 5 s of the broker's return however long it
was away, nothing confirmed lost, drop reports that survive the overflow they report, and broker
trouble the CLI explains in one line with an exit status (a RabbitMQ node of the test's own,
tests/broker_node.py, where the broker must stop; the machine's broker otherwise)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from waiting import wait_until

from suricate_desktop.agent.backend import Backend
from suricate_desktop.agent.runner import AgentRunner
from suricate_desktop.schema import AGENT_SOURCE, DROPS_AGGREGATION, Snapshot
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.control import ControlClient, ControlError, ControlServer
from suricate_desktop.transport.publisher import Publisher

ROOT = Path(__file__).resolve().parents[1]
SECRET = b"a test secret of thirty-two bytes"
#: What the issue promises: data flows again this soon after the broker is back.
RESUME_BOUND = 5.0


class Arrivals:
    """A consumer's sink that notes when each snapshot came."""

    def __init__(self):
        self.items: list[tuple[float, Snapshot]] = []
        self.lock = threading.Lock()

    def __call__(self, batch):
        now = time.monotonic()
        with self.lock:
            self.items.extend((now, s) for s in batch)

    def first_after(self, moment: float) -> float | None:
        with self.lock:
            return next((t for t, _ in self.items if t > moment), None)

    def snapshots(self) -> list[Snapshot]:
        with self.lock:
            return [s for _, s in self.items]


def test_publisher_consumer_and_control_resume_within_5s_of_the_broker_whatever_the_outage(own_broker):
    node = own_broker
    exchange, queue = "suricate", "resume.q"
    got = Arrivals()
    consumer = Consumer(got, node.url, exchange, ["#"], queue=queue).start()
    assert consumer.wait_ready(20)
    publisher = Publisher(node.url, exchange).start()
    server = ControlServer(node.url, "web01", SECRET, lambda op, args, emit: {"runs": []}).start()
    client = ControlClient(node.url, "web01", SECRET, timeout=5)
    assert server.wait_ready(20) and client.wait_ready(20)
    assert client.status()["runs"] == []
    sent = [0]
    stop = threading.Event()

    def produce():
        while not stop.wait(0.02):
            sent[0] += 1
            publisher(
                [
                    Snapshot(
                        "web01",
                        "resume",
                        "tick",
                        "count",
                        time.time(),
                        0.02,
                        True,
                        [[["k"], 1]],
                        sent[0],
                        "run1",
                    )
                ]
            )

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()

    def answers_within(deadline: float) -> bool:
        while time.monotonic() < deadline:
            try:
                client.status(timeout=1)
                return True
            except ControlError:
                time.sleep(0.1)
        return False

    try:
        # A short outage (the node killed, as in a power cut), then a long one (a clean stop of 25 s:
        # a backoff that doubles without reset would have grown past the bound by then).
        for outage, halt in ((1.0, node.kill), (25.0, node.stop)):
            assert wait_until(lambda: got.snapshots() and got.snapshots()[-1].seq >= sent[0] - 50)
            halt()
            time.sleep(outage)
            node.start()
            ready = time.monotonic()
            assert wait_until(lambda: got.first_after(ready) is not None, RESUME_BOUND + 5)
            resumed = got.first_after(ready) - ready
            assert resumed < RESUME_BOUND, f"data flowed again {resumed:.2f}s after the broker was back"
            assert answers_within(ready + RESUME_BOUND), "the control client and server did not resume in 5 s"
            assert publisher.state == "connected" and consumer.state == "connected"
    finally:
        stop.set()
        producer.join()
    assert publisher.flush(30), publisher.stats()
    assert wait_until(lambda: {s.seq for s in got.snapshots()} >= set(range(1, sent[0] + 1)), 30)
    client.close()
    server.stop()
    consumer.stop()
    publisher.close()
    # Every snapshot the publisher had confirmed came through (none was dropped: the buffer never filled).
    assert publisher.dropped == 0 and publisher.confirmed == sent[0]
    assert {s.seq for s in got.snapshots()} == set(range(1, sent[0] + 1))
    assert publisher.reconnects >= 2 and consumer.reconnects >= 2 and server.reconnects >= 2


class BurstBackend(Backend):
    """``intervals`` intervals of ``per_interval`` snapshots each, as fast as they can be taken."""

    name = "burst"

    def __init__(self, intervals: int, per_interval: int):
        super().__init__("", host="web01", source="burst")
        self.intervals = intervals
        self.per_interval = per_interval

    def run(self, emit, stop, output):
        for i in range(self.intervals):
            emit(
                [
                    Snapshot(self.host, self.source, f"a{j}", "count", 1000.0 + i, 1.0, True, [[["k"], i]])
                    for j in range(self.per_interval)
                ]
            )


def test_drop_reports_survive_the_overflow_they_report(own_broker):
    node = own_broker
    exchange, queue = "suricate", "drops.q"
    got = Arrivals()
    # The desk's durable queue is bound before the broker goes away, so what comes after is kept for it.
    consumer = Consumer(got, node.url, exchange, ["#"], queue=queue).start()
    assert consumer.wait_ready(20)
    consumer.stop()
    node.stop()
    publisher = Publisher(node.url, exchange, max_buffer=25).start()
    backend = BurstBackend(intervals=60, per_interval=7)
    runner = AgentRunner(backend, publisher, sink_drops=lambda: publisher.dropped)
    runner.run()
    total = backend.intervals * backend.per_interval
    assert publisher.dropped == total - 25  # the buffer kept the newest 25 data messages
    node.start()
    consumer = Consumer(got, node.url, exchange, ["#"], queue=queue).start()
    assert publisher.flush(30), publisher.stats()
    data = lambda: [s for s in got.snapshots() if s.source != AGENT_SOURCE]
    reports = lambda: [s for s in got.snapshots() if (s.source, s.agg) == (AGENT_SOURCE, DROPS_AGGREGATION)]
    assert wait_until(lambda: len(data()) == 25 and reports(), 20)
    time.sleep(0.5)
    consumer.stop()
    publisher.close()
    # Reports are running totals: the newest one accounts for every message the overflow dropped.
    newest = max(reports(), key=lambda s: s.seq)
    assert not newest.delta and newest.run == runner.run_id
    assert dict((tuple(k), v) for k, v in newest.entries) == {("publish_buffer",): publisher.dropped}
    # It was sent ahead of the data buffered with it, though made after all of them.
    assert got.snapshots()[0].source == AGENT_SOURCE
    assert max(s.seq for s in data()) < newest.seq == runner.seq


def test_the_report_slot_keeps_the_newest_report_of_each_stream_and_run_and_stays_bounded():
    from suricate_desktop.agent.drops import drops_snapshot
    from suricate_desktop.transport.publisher import MAX_REPORTS

    publisher = Publisher(f"amqp://guest:guest@127.0.0.1:{_closed_port()}/%2F", max_buffer=3)  # never started
    for total in range(1, 50):
        report = drops_snapshot("web01", {"publish_buffer": total})
        report.run = "run1"
        publisher.report(report)
    publisher(Snapshot("web01", "s", "a", "count", 1.0, 1.0, True, [[["k"], i]]) for i in range(10))
    assert publisher.dropped == 7 and publisher.buffered() == 3 + 1  # the data overflowed; one report waits
    for run in range(MAX_REPORTS + 5):
        report = drops_snapshot("web01", {"publish_buffer": 1})
        report.run = f"run-{run}"
        publisher.report(report)
    assert publisher.buffered() == 3 + MAX_REPORTS and publisher.stats()["dropped_reports"] == 6


# -- broker trouble on the command line -------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _suricate(*args: str, timeout: float = 60) -> tuple[int, str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("SURICATE_BROKER", None)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "suricate_desktop.cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return proc.returncode, proc.stderr, time.monotonic() - start


def _broker_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.search(r"\bbroker\b", line)]


def _with_url(
    broker_url: str,
    user: str | None = None,
    password: str | None = None,
    vhost: str | None = None,
    port: int | None = None,
) -> str:
    m = re.match(r"amqp://([^:]+):([^@]+)@([^:/]+):(\d+)/(.*)", broker_url)
    u, p, host, prt, vh = m.groups()
    return f"amqp://{user or u}:{password or p}@{host}:{port or prt}/{vhost or vh}"


@pytest.fixture
def rules_file(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("# no rules yet: the command still consumes, and meets the broker's refusal\n")
    return str(path)


@pytest.fixture
def recording(tmp_path):
    """A recording of three snapshots, to replay."""
    from suricate_desktop.store.recording import RecordingWriter

    writer = RecordingWriter(tmp_path / "rec")
    writer(
        [
            Snapshot("web01", "s", "a", "count", 1000.0 + i, 1.0, True, [[["k"], i]], i + 1, "r")
            for i in range(3)
        ]
    )
    writer.close()
    return str(tmp_path / "rec")


@pytest.mark.parametrize("trouble", ["password", "vhost"])
@pytest.mark.parametrize("command", ["record", "agent", "replay", "rules run"])
def test_a_refused_login_or_missing_vhost_is_one_line_and_exit_2_at_once(
    broker_url, tmp_path, rules_file, recording, command, trouble
):
    if trouble == "password":
        url, expected = (
            _with_url(broker_url, password="not-the-password"),
            "refused the login for user 'guest'",
        )
    else:
        url, expected = _with_url(broker_url, vhost="no-such-vhost"), "has no vhost 'no-such-vhost'"
    args = {
        "record": ["record", "--out", str(tmp_path / "out"), "-d", "30"],
        "agent": ["agent", "-b", "sampler", "-d", "30"],
        "replay": ["replay", recording, "--speed", "0.01"],  # three snapshots 100 s apart
        "rules run": ["rules", "run", rules_file, "--duration", "30"],
    }[command]
    status, stderr, took = _suricate(*args, "--broker", url)
    assert status == 2, stderr
    assert "Traceback" not in stderr and "pika" not in stderr, stderr
    lines = _broker_lines(stderr)
    assert len(lines) == 1 and expected in lines[0] and "retrying cannot help" in lines[0], stderr
    assert took < 20, f"{command} took {took:.1f}s to give up; it was asked to run for 30 s or more"


def test_an_unreachable_broker_is_said_once_and_a_record_of_nothing_exits_1(tmp_path):
    port = _closed_port()
    status, stderr, _took = _suricate(
        "record",
        "--out",
        str(tmp_path / "out"),
        "-d",
        "4",
        "--broker",
        f"amqp://guest:guest@127.0.0.1:{port}/%2F",
    )
    assert status == 1, stderr
    assert "Traceback" not in stderr and "pika" not in stderr, stderr
    lines = _broker_lines(stderr)
    assert lines[0].endswith(f"broker 127.0.0.1:{port} unreachable: connection refused; retrying"), stderr
    assert len(lines) == 2 and "nothing recorded: the broker never answered" in lines[1], stderr


def test_resume_within_5s_after_a_half_open_link_comes_back(broker_url, exchange, queue_name):
    """A link that swallows packets without a reset: heartbeats notice it, each attempt meanwhile
    gives up after the handshake timeout, and the one after the link is back gets through."""
    from tcp_proxy import TcpProxy

    proxy = TcpProxy()
    got = Arrivals()
    consumer = Consumer(got, proxy.url(), exchange, ["#"], queue=queue_name).start()
    assert consumer.wait_ready(20)
    publisher = Publisher(proxy.url(), exchange).start()
    stop = threading.Event()
    sent = [0]

    def produce():
        while not stop.wait(0.05):
            sent[0] += 1
            publisher(
                [
                    Snapshot(
                        "web01",
                        "resume",
                        "tick",
                        "count",
                        time.time(),
                        0.05,
                        True,
                        [[["k"], 1]],
                        sent[0],
                        "run1",
                    )
                ]
            )

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    try:
        assert wait_until(lambda: len(got.snapshots()) > 10)
        proxy.freeze()
        # Long enough for both ends' heartbeats (10 s) to give the frozen connections up.
        assert wait_until(lambda: publisher.state != "connected" and consumer.state != "connected", 40)
        time.sleep(5)
        proxy.thaw()
        back = time.monotonic()
        assert wait_until(lambda: got.first_after(back) is not None, RESUME_BOUND + 5)
        resumed = got.first_after(back) - back
        assert resumed < RESUME_BOUND, f"data flowed again {resumed:.2f}s after the link was back"
    finally:
        stop.set()
        producer.join()
    assert publisher.flush(30), publisher.stats()
    assert wait_until(lambda: {s.seq for s in got.snapshots()} >= set(range(1, sent[0] + 1)), 30)
    consumer.stop()
    publisher.close()
    proxy.close()
