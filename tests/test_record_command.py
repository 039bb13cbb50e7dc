"""``suricate record`` as a user runs it: a queue per recording, bindings that follow the command line,
queues that do not outlive their use, one clear line and a non-zero exit when it cannot go on."""

import os
import random
import resource
import string
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pika
import pika.exceptions
import pytest

from suricate_desktop.cli.cmd_record import queue_name
from suricate_desktop.schema import Snapshot, encode
from suricate_desktop.store.recording import iter_snapshots, read_meta, segments

ROOT = Path(__file__).resolve().parents[1]


def suricate(*args, timeout=60, limit_file_size=None):
    """Run ``suricate`` as a user would; (exit status, stderr)."""

    def limit():
        # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG, as a full disk fails a write.
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    out = subprocess.run(
        [sys.executable, "-m", "suricate_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        preexec_fn=limit if limit_file_size else None,
    )
    return out.returncode, out.stderr


def channel(url):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    return conn, conn.channel()


def ready(url, queue):
    conn, ch = channel(url)
    try:
        return ch.queue_declare(queue, passive=True).method.message_count
    except pika.exceptions.ChannelClosedByBroker:
        return None  # no such queue
    finally:
        if conn.is_open:
            conn.close()


def publish(url, exchange, snaps):
    conn, ch = channel(url)
    ch.exchange_declare(exchange, "topic", durable=True)
    for snap in snaps:
        ch.basic_publish(exchange, snap.routing_key, encode(snap), pika.BasicProperties(delivery_mode=2))
    conn.close()


@pytest.fixture
def recorded_queues(broker_url):
    """Queues the test's recorders declared, deleted afterwards."""
    names = []
    yield names
    conn, ch = channel(broker_url)
    for name in names:
        ch.queue_delete(name)
    conn.close()


def test_two_recordings_with_the_same_folder_name_get_queues_of_their_own(tmp_path):
    names = {queue_name(tmp_path / part / "rec") for part in ("x", "y", "z/x")}
    assert len(names) == 3 and all(n.startswith("suricate.record.rec.") for n in names)
    assert queue_name(tmp_path / "x" / "rec") == queue_name(tmp_path / "x" / ".." / "x" / "rec")
    odd = queue_name(tmp_path / "a b;*#")
    assert " " not in odd and "#" not in odd and "*" not in odd


@pytest.mark.broker
def test_bindings_follow_the_command_line(broker_url, exchange, tmp_path, recorded_queues):
    out = tmp_path / "rec"
    queue = queue_name(out)
    recorded_queues.append(queue)
    old, new = f"old{uuid.uuid4().hex[:6]}", f"new{uuid.uuid4().hex[:6]}"
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(out),
        "--bind",
        f"{old}.#",
        "-d",
        "1",
    )
    assert status == 0, err
    assert read_meta(out)["bindings"] == [f"{old}.#"] and read_meta(out)["queue"] == queue
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(out),
        "--bind",
        f"{new}.#",
        "-d",
        "1",
    )
    assert status == 0, err
    assert read_meta(out)["bindings"] == [f"{new}.#"]
    # With no recorder running, only what the last command line asked for reaches the queue.
    publish(
        broker_url,
        exchange,
        [
            Snapshot(old, "s", "a", "count", 1.0, seq=1, run="r"),
            Snapshot(new, "s", "a", "count", 1.0, seq=1, run="r"),
        ],
    )
    time.sleep(0.3)
    conn, ch = channel(broker_url)
    method, _, _ = ch.basic_get(queue, auto_ack=True)
    left = ch.queue_declare(queue, passive=True).method.message_count
    conn.close()
    assert method.routing_key == f"{new}.s.a" and left == 0


@pytest.mark.broker
def test_a_stopped_recorders_queue_expires(broker_url, exchange, tmp_path, recorded_queues):
    out = tmp_path / "rec"
    recorded_queues.append(queue_name(out))
    # 0.0005 hours: 1.8 seconds without a reader.
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(out),
        "--queue-expires",
        "0.0005",
        "-d",
        "1",
    )
    assert status == 0, err
    assert read_meta(out)["queue_arguments"]["x-expires"] == 1800
    time.sleep(4)  # not asked about meanwhile: a passive declare counts as a use and restarts the clock
    assert ready(broker_url, queue_name(out)) is None  # gone, with whatever it would have kept filling with


@pytest.mark.broker
def test_a_queue_declared_otherwise_is_one_clear_line(broker_url, exchange, tmp_path, recorded_queues):
    queue = f"test.q.{uuid.uuid4().hex[:10]}"
    recorded_queues.append(queue)
    conn, ch = channel(broker_url)
    ch.queue_declare(
        queue, durable=True, arguments={"x-max-length": 1_000_000}
    )  # as recorders before expiries did
    conn.close()
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(tmp_path / "r"),
        "--queue",
        queue,
        "-d",
        "20",
    )
    assert status == 1
    lines = err.strip().splitlines()
    assert "Traceback" not in err and lines[-1].startswith(
        f"suricate record: queue {queue} exists with other "
    )
    assert "--queue-expires 0" in lines[-1]
    # The way it offers works: the queue as it was made.
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(tmp_path / "r"),
        "--queue",
        queue,
        "--queue-expires",
        "0",
        "-d",
        "1",
    )
    assert status == 0, err


@pytest.mark.broker
def test_a_writer_that_fails_is_one_clear_line_and_leaves_the_rest_in_the_broker(
    broker_url, exchange, tmp_path, recorded_queues
):
    out = tmp_path / "rec"
    queue = queue_name(out)
    recorded_queues.append(queue)
    rng = random.Random(9)

    def word():
        return "".join(rng.choices(string.ascii_letters, k=24))

    snaps = [
        Snapshot(
            "web01",
            "s",
            "a",
            "count",
            1000.0 + i,
            1.0,
            True,
            [[[word()], rng.randrange(10**9)] for _ in range(20)],
            i + 1,
            "r1",
        )
        for i in range(3000)
    ]
    # The queue exists and is bound before anything is published: a first run, stopped.
    status, err = suricate(
        "record", "--broker", broker_url, "--exchange", exchange, "--out", str(out), "-d", "0.5"
    )
    assert status == 0, err
    publish(broker_url, exchange, snaps)
    status, err = suricate(
        "record",
        "--broker",
        broker_url,
        "--exchange",
        exchange,
        "--out",
        str(out),
        "-d",
        "30",
        limit_file_size=64 * 1024,
    )
    assert status == 1
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith("suricate record: cannot write ") and "File too large" in line, err
    assert "nothing after it was acknowledged" in line
    written = sum(1 for _ in iter_snapshots(out))
    assert written < len(snaps)
    assert not list(out.glob(".*.tmp"))  # no half-written file left behind
    # What was not written is still in the broker, for the next recorder.
    deadline = time.monotonic() + 10
    while ready(broker_url, queue) != len(snaps) - written and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ready(broker_url, queue) == len(snaps) - written
    status, err = suricate(
        "record", "--broker", broker_url, "--exchange", exchange, "--out", str(out), "-d", "4"
    )
    assert status == 0, err
    assert sorted(s.seq for s in iter_snapshots(out)) == list(range(1, len(snaps) + 1))
    assert segments(out)
