"""Hostile bodies at the edge: each is rejected with a reason, counted and set aside; nothing crashes or stalls.

The bodies come from tests/hostile_generator.py (a seeded generator). Without a broker:
decode, decode_legacy and the control channel's parser raise their one error
type on every generated body; the depth check agrees with a plain recursive
count; valid snapshots at every limit go through every consumer (the recording
writer, the live store, the rules engine). Against the real broker: 10,000
hostile bodies interleaved with thousands of valid snapshots through a
``suricate record`` pipeline (Consumer + RecordingWriter), and hostile
requests and replies at the control channel.
"""

from __future__ import annotations

import random
import time
import uuid

import orjson
import pika
import pyarrow.parquet as pq
import pytest
import waiting
from hostile_generator import hostile_bodies, hostile_legacy, valid_bodies, valid_legacy, valid_snapshots

import suricate_desktop.schema.limits as limits
import suricate_desktop.transport.consumer as consumer_module
from suricate_desktop.rules import Engine, loads
from suricate_desktop.schema import MAX_DEPTH, SchemaError, check_depth, decode, decode_legacy, encode
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import RecordingWriter, flatten, iter_snapshots, segments
from suricate_desktop.transport.consumer import Consumer, LegacyQueue
from suricate_desktop.transport.control import (
    ControlClient,
    ControlServer,
    encode_message,
    make_request,
    parse_message,
)

SECRET = b"0123456789abcdef0123456789abcdef"


def wait_until(predicate, timeout=60.0):
    return waiting.wait_until(predicate, timeout)


# -- without a broker -------------------------------------------------------------------------------------------------
def test_decode_raises_only_schema_error_with_a_reason_on_10000_generated_hostile_bodies():
    escaped = []
    for label, body in hostile_bodies(seed=11, n=10_000, big=1):
        try:
            decode(body)
        except SchemaError as exc:
            assert str(exc), label
        except BaseException as exc:
            escaped.append(f"{label}: {type(exc).__name__}: {exc}"[:200])
        else:
            escaped.append(f"{label}: accepted")
    assert escaped == []


def test_decode_legacy_raises_only_schema_error_on_generated_hostile_bodies():
    escaped = []
    for label, body in hostile_legacy(seed=12, n=3_000):
        try:
            decode_legacy(body)
        except SchemaError:
            pass
        except BaseException as exc:
            escaped.append(f"{label}: {type(exc).__name__}: {exc}"[:200])
        else:
            escaped.append(f"{label}: accepted {body[:60]!r}")
    assert escaped == []


def _true_depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_true_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_true_depth, value.values()), default=0)
    return 0


def _random_json(rng: random.Random, depth: int):
    """A JSON value nested exactly ``depth`` deep, with strings full of brackets, quotes and backslashes."""
    if depth == 0:
        return rng.choice(["[", "]]}", '"{', "\\", '\\"]', "plain", 1, 2.5, None, True, "\u00e9]"])
    inner = [_random_json(rng, rng.randrange(min(depth, 2))) for _ in range(rng.randrange(3))]
    inner.insert(rng.randrange(len(inner) + 1), _random_json(rng, depth - 1))
    if rng.random() < 0.5:
        return inner
    return {f'k{i}]"[': v for i, v in enumerate(inner)}


@pytest.mark.parametrize("large", [False, True], ids=["small-body path", "large-body path"])
def test_the_depth_check_agrees_with_a_recursive_count_whatever_the_strings_hold(large, monkeypatch):
    if large:  # the numpy path, a chunk at a time, on the same bodies
        monkeypatch.setattr(limits, "LARGE_MARKS", 0)
        monkeypatch.setattr(limits, "_CHUNK", 7)
    rng = random.Random(13)
    for _ in range(3_000):
        value = _random_json(rng, rng.randint(1, 2 * MAX_DEPTH))
        body = orjson.dumps(value)
        assert _true_depth(value) == _true_depth(orjson.loads(body))
        if _true_depth(value) > MAX_DEPTH:
            with pytest.raises(SchemaError, match="nested deeper"):
                check_depth(body)
        else:
            check_depth(body)


def test_parse_message_of_the_control_channel_raises_only_value_error():
    escaped = []
    bodies = list(hostile_bodies(seed=14, n=3_000)) + [
        ("legacy " + label, body) for label, body in hostile_legacy(seed=15, n=300)
    ]
    for label, body in bodies:
        try:
            parse_message(body)
        except ValueError as exc:
            assert str(exc).startswith("malformed"), label
        except BaseException as exc:
            escaped.append(f"{label}: {type(exc).__name__}: {exc}"[:200])
    assert escaped == []
    with pytest.raises(ValueError, match="nested deeper than 32"):
        parse_message(b'{"args":' + b"[" * 900 + b"]" * 900 + b"}")


RULES = (
    '[[rule]]\nname = "high"\nthreshold = 100\n'
    '[[rule]]\nname = "rise"\ntype = "rate"\nthreshold = 50\nview = "cumulative"\n'
    '[[rule]]\nname = "z"\ntype = "score"\nthreshold = 8\nhistory = 30\n'
    '[[rule]]\nname = "quiet"\ntype = "silence"\nthreshold = "5s"\n'
)


def test_valid_snapshots_at_every_limit_go_through_every_consumer(tmp_path):
    """What validation lets through, the writer, the live store and the rules engine take without a failure."""
    snapshots = valid_snapshots(seed=16, n=600, run="edge")
    decoded = [decode(body) for body in valid_bodies(snapshots, random.Random(17))]
    rng = random.Random(18)
    for _ in range(200):
        body, entry = valid_legacy(rng)
        decoded.append(decode_legacy(body, ts=1.7e9))
        assert [list(e) for e in decoded[-1].entries] == [entry]
    table = flatten(decoded)
    assert table.column("snapshot").to_pylist()[-1] == len(decoded) - 1
    with RecordingWriter(tmp_path / "rec") as writer:
        writer(decoded)
    assert writer.snapshots_written == len(decoded)
    assert sum(1 for _ in iter_snapshots(tmp_path / "rec")) == len(decoded)
    store = LiveStore(capacity=100)
    store.ingest(decoded)
    assert store.streams()
    events = []
    engine = Engine(loads(RULES), dry_run=True, listeners=[events.append])
    for i in range(0, len(decoded), 50):
        engine.ingest(decoded[i : i + 50])
    engine.tick(time.time())
    assert engine.alerts() and events  # the rules saw the values (and fired on some), not just skipped them


# -- against the broker -----------------------------------------------------------------------------------------------
def _publisher(broker_url):
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    return conn, conn.channel()


@pytest.fixture
def own_dead_letters(broker_url, monkeypatch):
    """A dead-letter exchange and queue of this test's own (the shared one is capped and others use it)."""
    name = f"test.rejected.{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(consumer_module, "REJECTED_EXCHANGE", name)
    monkeypatch.setattr(consumer_module, "REJECTED_QUEUE", name)
    monkeypatch.setattr(consumer_module, "REJECTED_MAX", 100_000)
    yield name
    conn, ch = _publisher(broker_url)
    ch.queue_delete(name)
    ch.exchange_delete(name)
    conn.close()


class PeakRss:
    """The process's peak resident set (VmHWM), as the kernel counts it."""

    @staticmethod
    def read() -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0


@pytest.mark.broker
@pytest.mark.timeout(300)
def test_10000_hostile_bodies_among_valid_snapshots_through_a_recorder(
    broker_url, exchange, queue_name, tmp_path, own_dead_letters
):
    started = time.monotonic()
    run = uuid.uuid4().hex[:12]
    snapshots = valid_snapshots(seed=21, n=3_000, run=run)
    good = valid_bodies(snapshots, random.Random(22))
    bad = list(hostile_bodies(seed=23, n=10_000, big=4))
    legacy_queue = f"test.legacy.{uuid.uuid4().hex[:10]}"
    rng = random.Random(24)
    legacy_good = [valid_legacy(rng)[0] for _ in range(300)]
    legacy_bad = [body for _, body in hostile_legacy(seed=25, n=1_000)]
    # One stream of sends, shuffled: valid and hostile bodies, JSON and legacy, all interleaved.
    sends = (
        [("json", b) for b in good]
        + [("json", b) for _, b in bad]
        + [("legacy", b) for b in legacy_good]
        + [("legacy", b) for b in legacy_bad]
    )
    rng.shuffle(sends)

    writer = RecordingWriter(tmp_path / "rec")
    legacy = LegacyQueue(queue=legacy_queue, host="legacyhost", source=legacy_queue)
    consumer = Consumer(writer, broker_url, exchange, ["#"], queue=queue_name, legacy_queues=[legacy]).start()
    try:
        assert consumer.wait_ready()
        conn, ch = _publisher(broker_url)
        props = pika.BasicProperties(delivery_mode=2)
        # Some routing keys are not UTF-8, or 254 bytes of two-byte characters: the dead-letter
        # headers and routing key must still be encodable.
        keys = [b"h\xff\xfe.edge.num", ("\u00e9" * 127).encode(), b"h1.edge.num", b"h2.edge.num"]
        for i, (where, body) in enumerate(sends):
            if where == "json":
                ch.basic_publish(exchange, keys[i % len(keys)], body, props)
            else:
                ch.basic_publish("", legacy_queue, body, props)
        conn.close()
        total = len(sends)
        assert wait_until(lambda: consumer.received + consumer.rejected >= total, timeout=180), (
            consumer.stats()
        )
        # Alive and connected: no body stopped or restarted the consumer's thread.
        assert consumer._thread.is_alive()
        assert consumer.state == "connected" and consumer.last_error == "" and consumer.reconnects == 0
        assert consumer.rejected == len(bad) + len(legacy_bad), list(consumer.recent_rejects)[-5:]
        assert consumer.received == len(good) + len(legacy_good)
        assert consumer.duplicates == 0
    finally:
        consumer.stop()
        writer.close()
    assert writer.error is None

    # Every valid snapshot is in the recording, once, as it was sent.
    recorded = list(iter_snapshots(tmp_path / "rec"))
    json_recorded = [s for s in recorded if s.run == run]
    assert sorted(s.seq for s in json_recorded) == list(range(1, len(snapshots) + 1))
    by_seq = {s.seq: s for s in json_recorded}
    for sent in snapshots[::97]:
        back = by_seq[sent.seq]
        assert (back.host, back.agg, back.kind, back.ts, back.interval, back.delta) == (
            sent.host,
            sent.agg,
            sent.kind,
            sent.ts,
            sent.interval,
            sent.delta,
        )
        assert orjson.loads(encode(back))["entries"] == orjson.loads(encode(sent))["entries"]
    assert sum(1 for s in recorded if s.host == "legacyhost") == len(legacy_good)
    rows = sum(pq.read_metadata(p).num_rows for p in segments(tmp_path / "rec"))
    assert rows == flatten(snapshots).num_rows + len(legacy_good)

    # Every hostile body sits in the dead-letter queue with its reason.
    conn, ch = _publisher(broker_url)
    waiting = ch.queue_declare(own_dead_letters, passive=True).method.message_count
    reasons = []
    for _ in range(200):
        _method, properties, body = ch.basic_get(own_dead_letters, auto_ack=True)
        reasons.append(properties.headers["x-suricate-error"])
        assert len(body) <= consumer_module.REJECTED_BODY_MAX
    conn.close()
    assert waiting == len(bad) + len(legacy_bad)
    assert all(reasons)
    print(
        f"\nhostile run: {len(sends)} bodies in {time.monotonic() - started:.1f} s, "
        f"peak RSS of the test process {PeakRss.read() / 2**20:.0f} MiB"
    )


@pytest.mark.broker
@pytest.mark.timeout(120)
def test_the_control_listener_and_client_refuse_hostile_bodies_and_keep_answering(broker_url, exchange):
    host = f"edge{uuid.uuid4().hex[:8]}"
    server = ControlServer(
        broker_url,
        host,
        SECRET,
        lambda op, args, emit: {"host": host, "runs": [], "ended": []},
        exchange=exchange,
    ).start()
    client = ControlClient(broker_url, host, SECRET, exchange=exchange, timeout=20)
    try:
        assert server.wait_ready()
        assert client.status()["host"] == host
        bad = [body for _, body in hostile_bodies(seed=31, n=1_500)]
        # Signed, but with a hostile args value: deep, a huge number, an infinite float.
        bad += [
            encode_message(make_request(SECRET, host, "status", {"x": 1})).replace(
                b'"args":{"x":1}', b'"args":{"x":' + arg + b"}"
            )
            for arg in (b"[" * 500 + b"]" * 500, b"9" * 5000, b"1e400", b'"\xff"', b'"\\ud800"')
        ]
        conn, ch = _publisher(broker_url)
        for body in bad:
            ch.basic_publish(exchange, host, body, pika.BasicProperties(reply_to=client.reply_queue))
        # And replies nobody asked for, straight into the desk's reply queue.
        replies = [body for _, body in hostile_bodies(seed=32, n=500)]
        for body in replies:
            ch.basic_publish("", client.reply_queue, body)
        conn.close()
        assert wait_until(lambda: server.refused == len(bad), timeout=60), (server.refused, len(bad))
        assert server.accepted == 1
        unparsable = sum(1 for b in replies if _unparsable(b))
        assert wait_until(lambda: client.ignored == unparsable, timeout=30), (client.ignored, unparsable)
        # Both threads are alive and still answer a signed request.
        assert server._thread.is_alive() and client._thread.is_alive()
        assert client.status()["host"] == host
        assert server.accepted == 2 and server.last_error == ""
    finally:
        client.close()
        server.stop()


def _unparsable(body: bytes) -> bool:
    try:
        parse_message(body)
    except ValueError:
        return True
    return False
