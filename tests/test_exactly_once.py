"""Recording is effectively exactly-once: acked only once on disk, copies dropped, failures said.

Against the real broker (and, where the broker itself restarts, a RabbitMQ node of the
test's own): every snapshot an agent publishes is in the recording once, across broker
restarts, recorder restarts and a recorder killed with SIGKILL; a writer that fails stops
the acks; a sink that raises does not block the queue.
"""

import errno
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pika
import pytest
import waiting

from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots
from suricate_desktop.transport.consumer import REJECTED_QUEUE, Consumer
from suricate_desktop.transport.dedup import SLACK, SeenIds
from suricate_desktop.transport.publisher import Publisher

ROOT = Path(__file__).resolve().parents[1]


def wait_until(predicate, timeout=30.0):
    return waiting.wait_until(predicate, timeout)


class Agent:
    """Snapshots numbered as ``AgentRunner`` numbers them: one run id, seq counting every snapshot."""

    def __init__(self, host="web01", aggs=("num", "bytes", "lat")):
        self.host, self.aggs, self.run, self.seq = host, aggs, uuid.uuid4().hex[:12], 0

    def interval(self, ts: float) -> list[Snapshot]:
        out = []
        for agg in self.aggs:
            self.seq += 1
            out.append(
                Snapshot(
                    self.host,
                    "syscalls",
                    agg,
                    "count",
                    ts,
                    0.01,
                    True,
                    [[["bash"], self.seq], [["sshd", 22], 1]],
                    self.seq,
                    self.run,
                )
            )
        return out


def feed(publisher, agent, intervals, pause, stop=None):
    """Publish ``intervals`` intervals in a thread, ``pause`` seconds apart."""

    def run():
        for i in range(intervals):
            if stop is not None and stop.is_set():
                return
            publisher(agent.interval(1000.0 + i * 0.01))
            time.sleep(pause)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def recorded_seqs(folder):
    return [s.seq for s in iter_snapshots(folder)]


def ready_messages(url, queue):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        conn.close()


def record_command(url, exchange, folder, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return [
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
        *args,
    ], env


# -- dedup: generated orders against an exact reference ------------------------------------------------------------------
def test_copies_within_the_window_are_recognised_in_any_interleaving():
    rng = random.Random(13)
    for trial in range(40):
        window = rng.choice([64, 1024, 32_768])
        seen = SeenIds(window=window, max_streams=10_000)
        streams = [
            (f"h{rng.randrange(3)}", "s", f"a{rng.randrange(4)}", f"r{rng.randrange(3)}") for _ in range(8)
        ]
        reference: dict[tuple, set] = {}
        sent: dict[tuple, list] = {s: [] for s in streams}
        top: dict[tuple, int] = {}
        for _ in range(3_000):
            stream = rng.choice(streams)
            if sent[stream] and rng.random() < 0.35:  # a copy of something recent (a redelivery, a re-send)
                lag = min(len(sent[stream]), rng.randrange(1, 200))
                seq = sent[stream][-lag]
            else:  # a new one, often out of order by a little (a re-sent window in front)
                seq = max(top.get(stream, 0), 0) + rng.randrange(1, 5)
                if sent[stream] and rng.random() < 0.2:
                    seq = max(1, seq - rng.randrange(1, 30))
            sent[stream].append(seq)
            top[stream] = max(top.get(stream, 0), seq)
            expected = seq in reference.setdefault(stream, set())
            if top[stream] - seq >= window:  # below the window: kept, counted, never taken for a copy
                expected = False
            assert seen.seen(Snapshot(*stream[:3], "count", 0.0, run=stream[3], seq=seq)) is expected, (
                trial,
                seq,
            )
            reference[stream].add(seq)
    assert seen.evicted == 0


def test_the_memory_of_seen_ids_is_bounded():
    seen = SeenIds(window=4096, max_streams=100)
    rng = random.Random(5)
    for i in range(20_000):  # hostile: many streams, huge jumps in seq, negative seqs
        seq = rng.choice([rng.randrange(-(10**6), 10**6), rng.randrange(2**62), i])
        seen.seen(Snapshot(f"h{rng.randrange(1000)}", "s", "a", "count", 0.0, run="r", seq=seq))
    assert len(seen) <= 100 and seen.evicted >= 900
    assert max(bits.bit_length() for _, bits in seen._streams.values()) <= 4096 + SLACK
    # Taken but never handed over (the link dropped first): forgotten, so its redelivered copy is the one.
    snap = Snapshot("h1", "s", "a", "count", 0.0, run="r2", seq=7)
    assert not seen.seen(snap) and seen.seen(snap)
    seen.forget(snap)
    assert not seen.seen(snap) and seen.seen(snap)
    # Snapshots without a run (the 2012 sender's) have no identity: never copies.
    legacy = Snapshot("legacy", "dtrace", "legacy", "count", 0.0)
    assert not seen.seen(legacy) and not seen.seen(legacy)


# -- the writer as a durable sink ----------------------------------------------------------------------------------------
def test_the_writer_says_what_is_on_disk_and_writes_early_when_it_holds_much(tmp_path):
    agent = Agent()
    with RecordingWriter(tmp_path, rotate_seconds=3600, max_pending=30) as writer:
        tickets = [writer(agent.interval(1000.0 + i)) for i in range(5)]
        assert (
            tickets == [3, 6, 9, 12, 15] and writer.stored() == 0
        )  # an hour's rotation: nothing written yet
        for i in range(5):
            writer(agent.interval(1010.0 + i))
        assert wait_until(lambda: writer.stored() == 30, 10)  # 30 held: written without waiting for the hour
        writer(agent.interval(2000.0))
        writer.write_now()
        assert wait_until(lambda: writer.stored() == 33, 10)
    assert recorded_seqs(tmp_path) == list(range(1, 34))
    # A writer started on the folder knows the ids it holds, oldest first.
    with RecordingWriter(tmp_path) as again:
        ids = again.stored_ids()
    assert [i[4] for i in ids] == list(range(1, 34)) and ids[0][:4] == ("web01", "syscalls", "num", agent.run)


def test_a_value_the_writer_cannot_store_stops_it_and_names_the_snapshot(tmp_path):
    agent = Agent()
    writer = RecordingWriter(tmp_path, rotate_seconds=0.05)
    writer(agent.interval(1000.0))
    assert wait_until(lambda: writer.stored() == 3, 10)
    bad = agent.interval(1001.0)
    bad[1] = Snapshot(
        "web01", "io", "sizes", "hist", 1001.0, 1.0, True, [[["dd"], [[[2**64, 2**65], 1]]]], 99, "r9"
    )
    writer(bad)
    assert wait_until(lambda: writer.error is not None, 10)
    writer(agent.interval(1002.0))  # taken, never stored
    time.sleep(0.2)
    assert writer.stored() == 3
    assert "web01.io.sizes run r9 seq 99" in writer.failure and "segment-000002.parquet" in writer.failure
    with pytest.raises(ValueError):
        writer.close()
    assert recorded_seqs(tmp_path) == [1, 2, 3]


# -- acks follow the disk ------------------------------------------------------------------------------------------------
DYING_RECORDER = """
import sys, threading, time
from suricate_desktop.store.recording import RecordingWriter
from suricate_desktop.transport.consumer import Consumer

url, exchange, queue, folder, mode = sys.argv[1:6]

class Stuck(RecordingWriter):  # the disk never answers
    def _write_segment(self, batch):
        threading.Event().wait()

class Mute(RecordingWriter):  # writes, never says so: the process dies between its writes and its acks
    def stored(self):
        return 0

writer = {"stuck": Stuck, "mute": Mute}[mode](folder, rotate_seconds=0.1)
consumer = Consumer(writer, url, exchange, ["#"], queue=queue).start()
assert consumer.wait_ready(30)
while True:
    print(consumer.received, writer.snapshots_written, flush=True)
    time.sleep(0.05)
"""


def kill_recorder_when(url, exchange, queue, folder, mode, publish, done):
    """Run a recorder in a process of its own, publish, and SIGKILL it once ``done(received, written)``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", DYING_RECORDER, url, exchange, queue, str(folder), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        proc.stdout.readline()  # bound and consuming
        publish()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            received, written = map(int, proc.stdout.readline().split())
            if done(received, written):
                time.sleep(0.3)  # time enough for acks, were any sent
                return
        raise AssertionError(f"the recorder got {received} and wrote {written}")
    finally:
        proc.kill()
        proc.wait()


def publish_intervals(url, exchange, agent, first, count):
    publisher = Publisher(url, exchange).start()
    for i in range(first, first + count):
        publisher(agent.interval(1000.0 + i))
    assert publisher.flush(20)
    publisher.close()


@pytest.mark.broker
def test_nothing_is_acked_before_its_segment_is_on_disk(broker_url, exchange, queue_name, tmp_path):
    agent = Agent()
    kill_recorder_when(
        broker_url,
        exchange,
        queue_name,
        tmp_path / "a",
        "stuck",
        lambda: publish_intervals(broker_url, exchange, agent, 0, 100),
        lambda received, written: received == 300,
    )
    # Handed to a writer that never wrote them, then killed: all 300 are still in the broker.
    assert wait_until(lambda: ready_messages(broker_url, queue_name) == 300, 10), ready_messages(
        broker_url, queue_name
    )
    # Once on disk, acked: a healthy recorder takes all of them and leaves the queue empty.
    with RecordingWriter(tmp_path / "b", rotate_seconds=0.1) as healthy:
        again = Consumer(healthy, broker_url, exchange, ["#"], queue=queue_name).start()
        assert wait_until(lambda: healthy.stored() == 300)
        again.stop()
    assert ready_messages(broker_url, queue_name) == 0  # with the consumer gone, unacked ones would be back
    assert recorded_seqs(tmp_path / "b") == list(range(1, 301))


@pytest.mark.broker
def test_redelivered_copies_of_what_is_on_disk_are_dropped_after_a_recorder_restart(
    broker_url, exchange, queue_name, tmp_path
):
    agent = Agent()
    kill_recorder_when(
        broker_url,
        exchange,
        queue_name,
        tmp_path,
        "mute",
        lambda: publish_intervals(broker_url, exchange, agent, 0, 200),
        lambda received, written: written == 600,
    )
    # Written, never acked, then killed: the broker redelivers all 600 ...
    assert wait_until(lambda: ready_messages(broker_url, queue_name) == 600, 10)
    assert recorded_seqs(tmp_path) == list(range(1, 601))
    # ... and the new recorder knows the folder holds them: copies, acked, dropped.
    with RecordingWriter(tmp_path, rotate_seconds=0.1) as writer:
        again = Consumer(writer, broker_url, exchange, ["#"], queue=queue_name).start()
        assert wait_until(lambda: again.duplicates == 600)
        publish_intervals(broker_url, exchange, agent, 200, 10)
        assert wait_until(lambda: writer.stored() == 30)
        again.stop()
    assert ready_messages(broker_url, queue_name) == 0
    assert recorded_seqs(tmp_path) == list(range(1, 631))


# -- failures ------------------------------------------------------------------------------------------------------------
class FullDiskWriter(RecordingWriter):
    """Writes until ``full`` is set, then every write fails as on a full disk."""

    full = False

    def _write_segment(self, batch):
        if self.full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        super()._write_segment(batch)


@pytest.mark.broker
def test_a_writer_that_fails_stops_the_acks_and_the_consumer_says_why(
    broker_url, exchange, queue_name, tmp_path
):
    writer = FullDiskWriter(tmp_path, rotate_seconds=0.1)
    consumer = Consumer(writer, broker_url, exchange, ["#"], queue=queue_name).start()
    assert consumer.wait_ready()
    publisher = Publisher(broker_url, exchange).start()
    agent = Agent()
    for i in range(50):
        publisher(agent.interval(1000.0 + i))
    assert publisher.flush(20)
    assert wait_until(lambda: writer.stored() == 150)
    writer.full = True
    for i in range(50, 100):
        publisher(agent.interval(1000.0 + i))
    assert publisher.flush(20)
    assert wait_until(lambda: consumer.state == "failed")
    assert (
        "No space left on device" in consumer.failure
        and "nothing after it was acknowledged" in consumer.failure
    )
    consumer.stop()
    assert consumer.state == "failed"
    with pytest.raises(OSError):
        writer.close()
    # Nothing more was acked than was written: the 150 unwritten messages wait in the queue ...
    assert wait_until(lambda: ready_messages(broker_url, queue_name) == 150, 10)
    # ... for the next recorder, which records them once.
    with RecordingWriter(tmp_path, rotate_seconds=0.1) as healthy:
        again = Consumer(healthy, broker_url, exchange, ["#"], queue=queue_name).start()
        assert wait_until(lambda: healthy.stored() == 150)
        again.stop()
    publisher.close()
    assert recorded_seqs(tmp_path) == list(range(1, 301))


@pytest.mark.broker
def test_a_sink_that_raises_sets_the_batch_aside_and_the_queue_flows_on(broker_url, exchange, queue_name):
    host = f"poison{uuid.uuid4().hex[:8]}"
    got, lock = [], threading.Lock()

    def engine(batch):  # a rules engine meeting a snapshot it cannot handle
        if any(s.agg == "poison" for s in batch):
            raise RecursionError("maximum recursion depth exceeded")
        with lock:
            got.extend(batch)

    consumer = Consumer(engine, broker_url, exchange, [f"{host}.#"], queue=queue_name).start()
    assert consumer.wait_ready()
    publisher = Publisher(broker_url, exchange).start()
    agent = Agent(host=host, aggs=("num",))
    poison = Agent(host=host, aggs=("poison",))
    sent = 0
    for i in range(30):  # poison now and then, among good ones, in batches the consumer cuts as it likes
        publisher(agent.interval(1000.0 + i))
        sent += 1
        if i % 10 == 5:
            publisher(poison.interval(1000.0 + i))
        time.sleep(0.02)
    assert publisher.flush(20)
    assert wait_until(lambda: len(got) + consumer.sink_refused == sent + 3, 20)
    assert consumer.sink_failures >= 1 and consumer.state == "connected" and consumer.reconnects == 0
    # The queue was not blocked: what comes after flows into the sink.
    for i in range(30, 40):
        publisher(agent.interval(1000.0 + i))
    assert publisher.flush(20)
    assert wait_until(lambda: {s.seq for s in got} >= set(range(31, 41)))
    consumer.stop()
    publisher.close()
    assert ready_messages(broker_url, queue_name) == 0  # every batch acked, the failed ones too
    assert any("RecursionError" in r for r in consumer.recent_rejects)
    # The batches were set aside with their reason, for a person to look at.
    aside = peek_rejected(broker_url, host)
    assert {a for a, _ in aside} >= {"poison"} and all("the sink failed" in reason for _, reason in aside)
    good_aside = {seq for seq in range(1, 31)} - {s.seq for s in got}
    assert len([a for a, _ in aside if a == "num"]) == len(good_aside)


def peek_rejected(url, host):
    """(aggregation, reason) of the dead letters from ``host``, left in the queue for others."""
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    out = []
    while (msg := ch.basic_get(REJECTED_QUEUE, auto_ack=False))[0] is not None:
        method, props, _body = msg
        if method.routing_key.startswith(host + "."):
            out.append((method.routing_key.split(".")[-1], props.headers["x-suricate-error"]))
    conn.close()  # unacked: all of them go back
    return out


# -- restarts of the broker and of the recorder while an agent publishes ------------------------------------------------
def wait_recorded(folder, n, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(set(recorded_seqs(folder))) >= n:
            return True
        time.sleep(0.5)
    return False


@pytest.mark.broker
def test_every_snapshot_once_across_broker_and_recorder_restarts(own_broker, tmp_path):
    url, exchange, queue = own_broker.url, "suricate", "test.rec"

    def recorder():
        writer = RecordingWriter(tmp_path, rotate_seconds=0.3)
        consumer = Consumer(writer, url, exchange, ["#"], queue=queue, backoff=(0.1, 0.5)).start()
        assert consumer.wait_ready(30)
        return writer, consumer

    writer, consumer = recorder()  # the queue is there before the agent publishes
    publisher = Publisher(url, exchange, backoff=(0.1, 0.5)).start()
    agent, stop = Agent(), threading.Event()
    feeder = feed(publisher, agent, 10**6, 0.01, stop)  # about 300 snapshots a second until stopped
    time.sleep(2)
    own_broker.stop()  # an operator's restart
    own_broker.start()
    time.sleep(2)
    consumer.stop()  # the recorder restarted on the same folder and queue
    writer.close()
    writer, consumer = recorder()
    time.sleep(2)
    own_broker.kill()  # a power cut
    own_broker.start()
    time.sleep(2)
    stop.set()
    feeder.join()
    assert publisher.flush(60), publisher.stats()
    publisher.close()
    assert wait_recorded(tmp_path, agent.seq), (agent.seq, consumer.stats())
    time.sleep(1)  # late copies, had any slipped through, would be written by now
    consumer.stop()
    writer.close()
    assert publisher.reconnects >= 2 and consumer.reconnects >= 1
    assert sorted(recorded_seqs(tmp_path)) == list(range(1, agent.seq + 1))  # none missing, none twice


@pytest.mark.broker
def test_a_recorder_killed_with_sigkill_loses_and_repeats_nothing(own_broker, tmp_path):
    url, exchange, out = own_broker.url, "suricate", tmp_path / "rec"
    command, env = record_command(url, exchange, out, "--rotate", "0.5")
    log = open(tmp_path / "record.log", "a")

    def connected():
        return (tmp_path / "record.log").read_text().count("record: broker connected")

    def start():
        before = connected()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        assert wait_until(lambda: connected() > before, 30), (tmp_path / "record.log").read_text()
        return proc

    recorder = start()
    publisher = Publisher(url, exchange, backoff=(0.1, 0.5)).start()
    agent, stop = Agent(), threading.Event()
    feeder = feed(publisher, agent, 10**6, 0.01, stop)
    rng = random.Random(3)
    for round_ in range(4):
        time.sleep(1.0 + rng.random())
        recorder.kill()  # SIGKILL: no last segment, no last ack
        recorder.wait()
        if round_ == 2:
            own_broker.kill()
            own_broker.start()
        recorder = start()
    time.sleep(1)
    stop.set()
    feeder.join()
    assert publisher.flush(60), publisher.stats()
    publisher.close()
    assert wait_recorded(out, agent.seq), agent.seq
    recorder.send_signal(signal.SIGTERM)
    assert recorder.wait(30) == 0, (tmp_path / "record.log").read_text()
    log.close()
    seqs = recorded_seqs(out)
    assert sorted(seqs) == list(range(1, agent.seq + 1)), (len(seqs), len(set(seqs)), agent.seq)
