"""Publisher and consumer against the real RabbitMQ: delivery, bad input, legacy streams, cut connections."""

import socket
import threading
import time

import pika
from tcp_proxy import TcpProxy
from waiting import wait_until

from suricate_desktop.schema import Snapshot, encode
from suricate_desktop.store.live import LiveStore
from suricate_desktop.store.recording import RecordingWriter, iter_snapshots
from suricate_desktop.transport.consumer import REJECTED_QUEUE, Consumer, LegacyQueue
from suricate_desktop.transport.publisher import Publisher


def snaps(n, host="web01", agg="num", start=0):
    return [
        Snapshot(
            host,
            "syscalls",
            agg,
            "count",
            1000.0 + i,
            1.0,
            True,
            [[["bash"], i], [["sshd", 22], 1]],
            i + 1,
            "run1",
        )
        for i in range(start, start + n)
    ]


class Collector:
    def __init__(self):
        self.items = []
        self.lock = threading.Lock()

    def __call__(self, batch):
        with self.lock:
            self.items.extend(batch)


def raw_publish(url, exchange, routing_key, bodies):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.exchange_declare(exchange, "topic", durable=True)
    for body in bodies:
        ch.basic_publish(exchange, routing_key, body)
    conn.close()


def test_published_snapshots_reach_the_store_by_binding(broker_url, exchange):
    store = LiveStore()
    consumer = Consumer(store, broker_url, exchange, bindings=["web01.#", "*.*.latency"]).start()
    assert consumer.wait_ready()
    publisher = Publisher(broker_url, exchange).start()
    publisher(snaps(50) + snaps(5, host="db01") + snaps(7, host="db01", agg="latency"))
    assert publisher.flush(20)
    assert publisher.confirmed == 62
    assert wait_until(lambda: consumer.received == 57)
    time.sleep(0.3)
    consumer.stop()
    publisher.close()
    assert consumer.received == 57  # db01.syscalls.num matched no binding
    assert store.series(("web01", "syscalls", "num"), ("bash",), "cumulative")[1][-1] == sum(range(50))
    assert {i.stream for i in store.streams()} == {
        ("web01", "syscalls", "num"),
        ("db01", "syscalls", "latency"),
    }


def test_malformed_bodies_are_counted_set_aside_and_do_not_stop_the_stream(broker_url, exchange):
    # Drain what earlier runs left in the dead-letter queue, to see ours.
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().queue_declare(REJECTED_QUEUE, durable=True, arguments={"x-max-length": 10_000})
    conn.channel().queue_purge(REJECTED_QUEUE)
    conn.close()
    got = Collector()
    consumer = Consumer(got, broker_url, exchange, max_body=64 * 1024).start()
    assert consumer.wait_ready()
    good = encode(snaps(1)[0])
    bad = [
        b"not json at all",
        b'{"v": 99}',
        good.replace(b'"kind":"count"', b'"kind":"median"'),
        good.replace(b'"ts":1000.0', b'"ts":"yesterday"'),
        b"[" * 10 + b"]" * 10,
        b"x" * (65 * 1024),
    ]
    # Two snapshots, not one body twice: a second copy of one (run, seq) would be dropped as a duplicate.
    raw_publish(broker_url, exchange, "web01.syscalls.num", [good, *bad, encode(snaps(2)[1])])
    assert wait_until(lambda: consumer.received == 2 and consumer.rejected == len(bad))
    consumer.stop()
    assert any("unknown kind 'median'" in r for r in consumer.recent_rejects)
    assert any("exceeds the 65536-byte limit" in r for r in consumer.recent_rejects)
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    ch = conn.channel()
    reasons = []
    while (msg := ch.basic_get(REJECTED_QUEUE, auto_ack=True))[0] is not None:
        reasons.append(msg[1].headers["x-suricate-error"])
    conn.close()
    assert len(reasons) == len(bad)
    assert "v: unsupported schema version 99 (this desk reads 1)" in reasons


def test_the_2012_senders_stream(broker_url, exchange):
    """send.py: default exchange, routing key 'dtrace', body str({key: value}), values deltas."""
    store = LiveStore()
    legacy = LegacyQueue.parse("test-legacy-dtrace:smartos1")
    consumer = Consumer(store, broker_url, exchange, bindings=[], legacy_queues=[legacy]).start()
    assert consumer.wait_ready()
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    ch = conn.channel()
    for key, value in [("python", 264), ("metacity", 6), ("python", 10), (b"gnome-panel", 15)]:
        ch.basic_publish(exchange="", routing_key=legacy.queue, body=str({key: value}))
    ch.basic_publish(exchange="", routing_key=legacy.queue, body="__import__('os').getpid()")
    conn.close()
    assert wait_until(lambda: consumer.received == 4 and consumer.rejected == 1)
    consumer.stop()
    stream = ("smartos1", "test-legacy-dtrace", "legacy")
    assert store.series(stream, ("python",), "cumulative")[1][-1] == 274
    assert store.series(stream, ("gnome-panel",), "cumulative")[1][-1] == 15


def test_cut_connections_lose_nothing_the_agent_had_confirmed(broker_url, exchange, queue_name, tmp_path):
    pub_proxy, sub_proxy = TcpProxy(), TcpProxy()
    writer = RecordingWriter(tmp_path, rotate_seconds=0.2)
    consumer = Consumer(
        writer, sub_proxy.url(), exchange, queue=queue_name, backoff=(0.1, 0.5), batch_size=50
    ).start()
    assert consumer.wait_ready()
    publisher = Publisher(pub_proxy.url(), exchange, backoff=(0.1, 0.5), window=50).start()
    total = 0
    for round_ in range(6):
        publisher(snaps(300, start=total))
        total += 300
        time.sleep(0.15)
        (pub_proxy if round_ % 2 else sub_proxy).cut()
    assert publisher.flush(60), publisher.stats()
    assert wait_until(lambda: consumer.received >= total, 60), consumer.stats()
    time.sleep(0.5)
    consumer.stop()
    publisher.close()
    writer.close()
    pub_proxy.close()
    sub_proxy.close()
    assert publisher.reconnects >= 1 and consumer.reconnects >= 1
    seqs = [s.seq for s in iter_snapshots(tmp_path)]
    # Redeliveries of what was handed over before a cut, and the publisher's re-sent copies, are recognised:
    # every snapshot once.
    assert sorted(seqs) == list(range(1, total + 1))


def test_publisher_buffers_while_the_broker_is_away_and_counts_drops(broker_url, exchange):
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing answers on this port
    publisher = Publisher(
        f"amqp://guest:guest@127.0.0.1:{port}/%2F", exchange, max_buffer=10, backoff=(0.05, 0.1)
    ).start()
    publisher(snaps(25))
    assert wait_until(lambda: publisher.reconnects >= 2)
    stats = publisher.stats()
    assert stats["buffered"] == 10 and stats["dropped"] == 15 and stats["state"] in ("error", "reconnecting")
    assert "refused" in publisher.last_error.lower(), publisher.last_error
    assert publisher.close(timeout=0.5) is False
