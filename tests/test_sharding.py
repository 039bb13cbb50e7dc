"""Several rules daemons and several recorders sharing the work, against the real broker.

Sharding (transport/sharding.py, the consistent-hash exchange): every stream reaches exactly
one member of a group, every alert fires once; a member that joins takes some streams from the
others and none moves between the others; one that leaves hands its streams back.
Shared recording (store/shared_recording.py, one quorum queue, competing consumers): the
folder holds every published snapshot exactly once, also when a recorder is killed with
SIGKILL mid-stream, and when one is killed after writing what it never acknowledged.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pika
import pika.exceptions
import pytest
from waiting import wait_until

from suricate_desktop.rules import Engine, loads
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import INSTANCES_DIR, connect, iter_snapshots, segments
from suricate_desktop.store.shared_recording import SharedRecordingWriter
from suricate_desktop.transport import sharding
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.publisher import Publisher
from suricate_desktop.transport.sharding import ShardGroup, ShardingUnavailable

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_764_280_800.0
RULES_RUN = [sys.executable, "-m", "suricate_desktop", "rules", "run"]

pytestmark = [pytest.mark.broker, pytest.mark.timeout(180)]

RULES = """
[[rule]]
name = "hot"
source = "syscalls"
agg = "num"
key = "bash"
threshold = 100
"""


def snap(host: str, i: int, value: float, run: str = "r1", agg: str = "num") -> Snapshot:
    return Snapshot(host, "syscalls", agg, "count", T0 + i, 1.0, True, [[["bash"], value]], i + 1, run)


@pytest.fixture
def group(broker_url, exchange):
    """A shard group of this test's own; its consistent-hash exchange deleted afterwards."""
    name = f"g{uuid.uuid4().hex[:8]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().exchange_delete(ShardGroup(name).exchange(exchange))
    conn.close()


class Member:
    """One member of a shard group: counts what it gets per stream, hands it on to an engine if any."""

    def __init__(self, url: str, exchange: str, group: str, name: str, engine: Engine | None = None):
        self.name = name
        self.engine = engine
        self.got: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.shard = ShardGroup(group, name)
        self.consumer = Consumer(self, url, exchange, ["#"], shard=self.shard).start()

    def __call__(self, batch: list[Snapshot]) -> None:
        with self.lock:
            for s in batch:
                self.got[s.routing_key] += 1
        if self.engine is not None:
            self.engine(batch)

    def streams(self) -> set[str]:
        with self.lock:
            return set(self.got)

    def total(self) -> int:
        with self.lock:
            return sum(self.got.values())


def publish(url: str, exchange: str, snaps: list[Snapshot]) -> None:
    publisher = Publisher(url, exchange).start()
    publisher(snaps)
    assert publisher.flush(20)
    publisher.close()


def consumers(url: str, queue: str) -> int:
    """How many consumers read ``queue`` (0 while it does not exist)."""
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return int(conn.channel().queue_declare(queue, passive=True).method.consumer_count)
    except pika.exceptions.ChannelClosedByBroker:
        return 0
    finally:
        if conn.is_open:
            conn.close()


def queue_exists(url: str, queue: str) -> bool:
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        conn.channel().queue_declare(queue, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker as exc:
        assert exc.reply_code == 404
        return False
    finally:
        if conn.is_open:
            conn.close()


# -- sharding ------------------------------------------------------------------------------------------------------------
def test_each_stream_goes_to_one_daemon_and_each_alert_fires_once(broker_url, exchange, group):
    hosts = [f"web{i:03d}" for i in range(80)]
    events: dict[str, list[dict]] = {"a": [], "b": []}
    members = [
        Member(broker_url, exchange, group, name, Engine(loads(RULES), listeners=[events[name].append]))
        for name in ("a", "b")
    ]
    try:
        assert all(m.consumer.wait_ready() for m in members)
        # Each stream: quiet, then over the threshold for three intervals (one firing, held).
        values = [10, 400, 400, 400]
        sent = [snap(h, i, v) for i, v in enumerate(values) for h in hosts]
        publish(broker_url, exchange, sent)
        assert wait_until(lambda: sum(m.total() for m in members) == len(sent), 30)
        a, b = (m.streams() for m in members)
        assert not a & b, "a stream reached both daemons"
        assert a | b == {f"{h}.syscalls.num" for h in hosts}
        assert a and b, "one daemon got every stream"
        # All four snapshots of a stream went to its one daemon.
        assert all(n == len(values) for m in members for n in m.got.values())
        assert wait_until(lambda: sum(m.engine.snapshots for m in members if m.engine) == len(sent))
        fired = {name: [e for e in evs if e.get("change") == "firing"] for name, evs in events.items()}
        assert len(fired["a"]) + len(fired["b"]) == len(hosts)  # once per stream, in one daemon only
        assert {".".join(e["stream"]) for e in fired["a"]} == a
        assert {".".join(e["stream"]) for e in fired["b"]} == b
    finally:
        for m in members:
            m.consumer.stop()


def test_a_daemon_that_joins_takes_a_share_and_one_that_leaves_hands_its_streams_back(
    broker_url, exchange, group
):
    check_rebalance([broker_url] * 3, exchange, group)


def check_rebalance(urls: list[str], exchange: str, group: str) -> None:
    """Members a and b share 300 streams; c joins and takes about a third, only from a and b; c leaves
    and each stream goes back where it was. ``urls``: the broker each of a, b, c connects to first
    (on a cluster, three different nodes; the rest of the list is where it fails over)."""
    broker_url = urls[0]

    def member(i: int, name: str) -> Member:
        return Member(",".join(urls[i:] + urls[:i]), exchange, group, name)

    hosts = [f"db{i:03d}" for i in range(300)]
    keys = {f"{h}.syscalls.num" for h in hosts}
    rounds = iter(range(100))

    def round_of(members: list[Member]) -> dict[str, set[str]]:
        """Publish one snapshot per stream; which member got which streams this round."""
        i = next(rounds)
        before = {m.name: collections.Counter(m.got) for m in members}
        total = sum(m.total() for m in members) + len(hosts)
        publish(broker_url, exchange, [snap(h, i, 1.0) for h in hosts])
        assert wait_until(lambda: sum(m.total() for m in members) == total, 30)
        owners = {}
        for m in members:
            with m.lock:
                owners[m.name] = {k for k, n in m.got.items() if n > before[m.name][k]}
        assert set().union(*owners.values()) == keys
        assert sum(len(s) for s in owners.values()) == len(keys)  # no stream went to two members
        return owners

    a, b = member(0, "a"), member(1, "b")
    c = None
    try:
        assert a.consumer.wait_ready() and b.consumer.wait_ready()
        two = round_of([a, b])
        assert round_of([a, b]) == two  # stable while nobody comes or goes
        c = member(2, "c")
        assert c.consumer.wait_ready()
        three = round_of([a, b, c])
        counts = {name: len(s) for name, s in three.items()}
        assert counts["c"] > len(hosts) // 10, counts  # took a share (a third, give or take)
        # Consistent hashing: streams moved only to the newcomer, never between a and b.
        assert three["a"] <= two["a"] and three["b"] <= two["b"]
        assert three["c"] == (two["a"] - three["a"]) | (two["b"] - three["b"])
        # c leaves: its queue goes with its connection, and its streams go back to a and b.
        c.consumer.stop()
        assert wait_until(lambda: not queue_exists(broker_url, c.shard.queue(exchange)), 15)
        after = round_of([a, b])
        assert after == two, {n: len(s) for n, s in after.items()}  # each stream back where it was
        print(
            "streams per member: before",
            {n: len(s) for n, s in two.items()},
            "with c",
            counts,
            "after c left",
            {n: len(s) for n, s in after.items()},
        )
    finally:
        for m in (a, b, c):
            if m is not None:
                m.consumer.stop()


def test_a_daemon_that_restarts_under_its_name_finds_its_expiring_queue_and_streams(
    broker_url, exchange, group
):
    shard = ShardGroup(group, "keeper", queue_expires=30)
    got: list[Snapshot] = []
    first = Consumer(got.extend, broker_url, exchange, ["#"], shard=shard).start()
    try:
        assert first.wait_ready()
    finally:
        first.stop()
    # Nobody reads the group now: what comes is kept in the member's durable queue, not lost ...
    publish(broker_url, exchange, [snap("web01", i, 1.0) for i in range(20)])
    assert queue_exists(broker_url, shard.queue(exchange))
    again = Consumer(got.extend, broker_url, exchange, ["#"], shard=shard).start()
    try:
        assert wait_until(lambda: len(got) == 20)  # ... and read by the member when it is back
    finally:
        again.stop()
        conn = pika.BlockingConnection(pika.URLParameters(broker_url))
        conn.channel().queue_delete(shard.queue(exchange))
        conn.close()


class _NoPluginChannel:
    def exchange_declare(self, *args, **kw):
        raise pika.exceptions.ConnectionClosedByBroker(
            503, "COMMAND_INVALID - unknown exchange type 'x-consistent-hash'"
        )


def test_a_broker_without_the_plugin_is_said_with_the_plugin_to_enable():
    with pytest.raises(
        ShardingUnavailable, match="rabbitmq-plugins enable rabbitmq_consistent_hash_exchange"
    ):
        sharding.declare(_NoPluginChannel(), ShardGroup("g"), "suricate", ["#"], 1000, "h:5672")  # type: ignore[arg-type]


def test_rules_run_on_a_broker_without_the_plugin_stops_and_names_it(own_broker, tmp_path):
    """The test's own node runs no plugins (tests/broker_node.py): the real refusal, end to end."""
    rules = tmp_path / "r.toml"
    rules.write_text(RULES)
    out = subprocess.run(
        [*RULES_RUN, str(rules), "--shard", "g", "--broker", own_broker.url, "--duration", "60"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "rabbitmq-plugins enable rabbitmq_consistent_hash_exchange" in out.stderr
    assert '"state": "failed"' in out.stdout


@pytest.mark.parametrize(
    "kw",
    [
        {"name": "a b"},
        {"name": "g", "instance": "x/y"},
        {"name": "g", "weight": 0},
        {"name": "g", "queue_expires": 0},
    ],
)
def test_bad_shard_settings_are_refused(kw):
    with pytest.raises(ValueError):
        ShardGroup(**kw)


def test_rules_run_says_which_options_go_with_shard(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text(RULES)
    cmd = [sys.executable, "-m", "suricate_desktop", "rules", "run", str(rules)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([*cmd, "--shard-weight", "3"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and "go with --shard" in out.stderr
    out = subprocess.run([*cmd, "--shard", "a b"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and "shard group name" in out.stderr


# -- shared recording ----------------------------------------------------------------------------------------------------
def rows_and_ids(folder: Path) -> tuple[int, int]:
    """(rows, distinct snapshot ids) of the whole folder, through DuckDB as `suricate query` reads it."""
    if not segments(folder):
        return 0, 0
    con = connect(folder)
    (rows, ids) = con.execute(
        "SELECT count(*), count(DISTINCT (host, source, agg, run, seq)) FROM recording"
    ).fetchone()
    con.close()
    return rows, ids


def fleet(n_hosts: int, intervals: int, run: str) -> list[Snapshot]:
    return [snap(f"h{h:03d}", i, float(i), run) for i in range(intervals) for h in range(n_hosts)]


def test_two_recorders_on_one_quorum_queue_record_each_snapshot_once(
    broker_url, exchange, queue_name, tmp_path
):
    folder = tmp_path / "rec"
    writers = [SharedRecordingWriter(folder, name, rotate_seconds=0.1) for name in ("a", "b")]
    consumers = [
        Consumer(w, broker_url, exchange, ["#"], queue=queue_name, queue_type="quorum").start()
        for w in writers
    ]
    try:
        assert all(c.wait_ready() for c in consumers)
        sent = fleet(50, 40, "r1")
        publish(broker_url, exchange, sent)
        assert wait_until(lambda: sum(w.stored() for w in writers) == len(sent), 30)
    finally:
        for c in consumers:
            c.stop()
        for w in writers:
            w.close()
    assert all(c.received > 0 for c in consumers), [c.received for c in consumers]  # both took a share
    assert sorted(p.name for p in (folder / INSTANCES_DIR).iterdir()) == ["a", "b"]
    assert rows_and_ids(folder) == (len(sent), len(sent))
    # Replay reads the union too: every snapshot once, each instance's in its order.
    replayed = [(s.host, s.seq) for s in iter_snapshots(folder)]
    assert sorted(replayed) == sorted((s.host, s.seq) for s in sent)
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    declared = conn.channel().queue_declare(queue_name, passive=True).method
    conn.close()
    assert declared.message_count == 0
    # `suricate query` over the folder sees every row.
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "query",
            str(folder),
            "SELECT count(*) AS n FROM recording",
            "--csv",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.split() == ["n", str(len(sent))], out.stderr


MUTE_RECORDER = """
import sys, time
from suricate_desktop.store.shared_recording import SharedRecordingWriter
from suricate_desktop.transport.consumer import Consumer

url, exchange, queue, folder = sys.argv[1:5]

class Mute(SharedRecordingWriter):  # writes, never says so: the process dies between its writes and its acks
    def stored(self):
        return 0

writer = Mute(folder, "mute", rotate_seconds=0.1)
consumer = Consumer(writer, url, exchange, ["#"], queue=queue, queue_type="quorum").start()
assert consumer.wait_ready(30)
while True:
    print(consumer.received, writer.snapshots_written, flush=True)
    time.sleep(0.05)
"""


def test_what_a_killed_recorder_wrote_but_never_acked_is_not_written_again_by_another(
    broker_url, exchange, queue_name, tmp_path
):
    folder = tmp_path / "rec"
    healthy = SharedRecordingWriter(folder, "healthy", rotate_seconds=0.1)
    consumer = Consumer(healthy, broker_url, exchange, ["#"], queue=queue_name, queue_type="quorum").start()
    mute = subprocess.Popen(
        [sys.executable, "-c", MUTE_RECORDER, broker_url, exchange, queue_name, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        assert consumer.wait_ready()
        mute.stdout.readline()  # bound and consuming
        sent = fleet(30, 20, "r2")
        publish(broker_url, exchange, sent)
        written = 0
        while True:  # until every snapshot is written by one of the two
            written = int(mute.stdout.readline().split()[1])
            if written + healthy.stored() == len(sent):
                break
        assert written > 0
        mute.send_signal(signal.SIGKILL)
        mute.wait()
        # The broker redelivers the mute one's share to the healthy one, which finds it on disk.
        assert wait_until(lambda: consumer.duplicates == written, 30), (consumer.duplicates, written)
    finally:
        mute.kill()
        mute.wait()
        consumer.stop()
        healthy.close()
    assert healthy.snapshots_written == len(sent) - written
    assert rows_and_ids(folder) == (len(sent), len(sent))


def cut(consumer: Consumer) -> None:
    """Have the broker close ``consumer``'s connection (as a broker restart or a network cut would)."""
    conn = consumer._connection
    assert conn is not None
    port = conn._impl._transport._sock.getsockname()[1]
    rows = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "name"], capture_output=True, text=True, timeout=30
    ).stdout.splitlines()
    (pid,) = [r.split("\t")[0] for r in rows if f"\t127.0.0.1:{port} ->" in r]
    subprocess.run(["rabbitmqctl", "-q", "close_connection", pid, "test: cut"], check=True, timeout=30)


def test_a_recorder_cut_from_the_broker_leaves_what_it_had_not_written_to_whoever_gets_it(
    broker_url, exchange, queue_name, tmp_path
):
    folder = tmp_path / "rec"
    # "slow" holds what it gets for an hour (until it stops), "quick" writes every 0.1 s.
    slow, quick = SharedRecordingWriter(folder, "slow", 3600), SharedRecordingWriter(folder, "quick", 0.1)
    kw = {"queue": queue_name, "queue_type": "quorum"}
    a = Consumer(slow, broker_url, exchange, ["#"], **kw).start()
    b = Consumer(quick, broker_url, exchange, ["#"], **kw).start()
    try:
        assert a.wait_ready() and b.wait_ready()
        sent = fleet(30, 20, "r4")
        publish(broker_url, exchange, sent)
        assert wait_until(lambda: a.received + quick.stored() == len(sent))
        held = a.received
        assert held > 0 and slow.stored() == 0
        cut(a)  # what "slow" held is redelivered, to it or to "quick": written once either way
        assert wait_until(lambda: a.reconnects == 1 and a.state == "connected", 30)
        assert wait_until(lambda: a.received - held + quick.stored() == len(sent), 30)
    finally:
        a.stop()
        b.stop()
        slow.close()
        quick.close()
    assert rows_and_ids(folder) == (len(sent), len(sent))


def record(url: str, exchange: str, queue: str, folder: Path, instance: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "record",
            "--broker",
            url,
            "--exchange",
            exchange,
            "--out",
            str(folder),
            "--shared-queue",
            queue,
            "--instance",
            instance,
            "--rotate",
            "0.2",
        ],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stderr=subprocess.PIPE,
        text=True,
    )


def exited(*procs: subprocess.Popen | None) -> str:
    """For a failed wait's message: each recorder that has exited, its status and the end of what it said."""
    said = [
        f"exited {p.returncode}: {(p.stderr.read() if p.stderr else '')[-2000:]}"
        for p in procs
        if p is not None and p.poll() is not None
    ]
    return "; ".join(said) or "every recorder still running"


def test_recorders_share_a_recording_through_a_sigkill_mid_stream(broker_url, exchange, queue_name, tmp_path):
    folder = tmp_path / "rec"
    first, second = (record(broker_url, exchange, queue_name, folder, n) for n in ("one", "two"))
    restarted = None
    publisher = Publisher(broker_url, exchange).start()
    sent = fleet(40, 150, "r3")
    try:
        # Both consuming before the stream starts: otherwise the first takes it all (its prefetch).
        assert wait_until(lambda: consumers(broker_url, queue_name) == 2, 30), exited(first, second)
        half = len(sent) // 2
        for i in range(0, half, 200):  # a stream, not one burst
            publisher(sent[i : i + 200])
            publisher.flush(10)
        one = folder / INSTANCES_DIR / "one"
        assert wait_until(lambda: one.is_dir() and len(segments(one)) >= 2, 30)
        first.send_signal(signal.SIGKILL)  # mid-stream: what it held unacked comes again, to the others
        first.wait()
        restarted = record(broker_url, exchange, queue_name, folder, "one-again")
        assert wait_until(lambda: consumers(broker_url, queue_name) == 2, 30), exited(second, restarted)
        for i in range(half, len(sent), 200):
            publisher(sent[i : i + 200])
        assert publisher.flush(20)
        assert wait_until(lambda: rows_and_ids(folder)[1] == len(sent), 60), rows_and_ids(folder)
        for proc in (second, restarted):
            proc.send_signal(signal.SIGTERM)
        for proc in (second, restarted):
            assert proc.wait(30) == 0, proc.stderr.read()
    finally:
        publisher.close()
        for proc in (first, second, restarted):
            if proc is not None:
                proc.kill()
                proc.wait()
    assert rows_and_ids(folder) == (len(sent), len(sent))
    assert {p.name for p in (folder / INSTANCES_DIR).iterdir()} == {"one", "two", "one-again"}
