"""Records per second from RabbitMQ into the live store, against bare pika in the same run.

Two measurements, each interleaved with its baseline and repeated (median):

1. Drain: a queue pre-filled with N messages is drained (a) by a bare pika
   consumer (prefetch 1000, orjson-decoding every body, one multiple-ack per
   500 messages: the fastest honest way to read it with pika) and (b) by
   suricate's Consumer into the LiveStore (validation, dedup, store buffers).
   For one record per message and for 100-record snapshots per message.
2. Live, end to end: the agent's Publisher (persistent messages, publisher
   confirms, 1000 in flight) in a separate process publishes 100-record
   snapshots while (a) bare pika or (b) Consumer->LiveStore reads them from an
   exclusive queue (what a live view binds); the clock runs from the first
   publish to the last record in. Then the same with a durable queue bound
   beside it (a recording's): persistent messages in it are written to disk
   before the broker confirms them.

Usage: python bench/ingest.py [--messages N] [--repeat R] [--broker URL]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import orjson
import pika

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suricate_desktop.runtime import tune_for_ingest
from suricate_desktop.schema import Snapshot, encode
from suricate_desktop.store.live import LiveStore
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.publisher import DEFAULT_URL, Publisher

QUEUE_ARGS = {"x-max-length": 1_000_000}


def make_snapshots(n_messages: int, records: int, hosts: int = 20, keys: int = 500) -> list[Snapshot]:
    out = []
    for i in range(n_messages):
        host = f"web{i % hosts:02d}"
        entries = [[[f"proc-{(i * records + j) % keys}"], (i * 7 + j) % 10_000] for j in range(records)]
        out.append(
            Snapshot(host, "syscalls", "num", "count", 1.7e9 + i * 0.001, 1.0, True, entries, i + 1, "bench")
        )
    return out


def prefill(url: str, exchange: str, queue: str, bodies: list[tuple[str, bytes]]) -> None:
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.exchange_declare(exchange, "topic", durable=True)
    ch.queue_declare(queue, durable=True, arguments=QUEUE_ARGS)
    ch.queue_purge(queue)
    ch.queue_bind(queue, exchange, "#")
    props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    for rk, body in bodies:
        ch.basic_publish(exchange, rk, body, props)
    while ch.queue_declare(queue, passive=True).method.message_count < len(bodies):
        time.sleep(0.01)
    conn.close()


def bare_pika(
    url: str, queue: str | None, n_messages: int, n_records: int, ready=None, exchange: str = ""
) -> float:
    """Seconds for a bare pika consumer to read (and decode) everything.

    ``queue=None``: an exclusive server-named queue bound to ``exchange``, as a live view uses.
    """
    start = time.perf_counter()
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    ch.basic_qos(prefetch_count=1000)
    if queue is None:
        queue = ch.queue_declare("", exclusive=True, auto_delete=True, arguments=QUEUE_ARGS).method.queue
        ch.queue_bind(queue, exchange, "#")
    state = {"msgs": 0, "records": 0}

    def on_message(channel, method, props, body):
        msg = orjson.loads(body)
        state["records"] += len(msg["entries"])
        state["msgs"] += 1
        if state["msgs"] % 500 == 0 or state["records"] >= n_records:
            channel.basic_ack(method.delivery_tag, multiple=True)
        if state["records"] >= n_records:
            channel.stop_consuming()

    ch.basic_consume(queue, on_message)
    if ready is not None:
        ready.set()
    ch.start_consuming()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def suricate(url: str, exchange: str, queue: str | None, n_records: int, ready=None) -> float:
    """Seconds for Consumer -> LiveStore to hold every record."""
    start = time.perf_counter()
    store = LiveStore()
    done = threading.Event()

    def sink(batch):  # the store, plus a signal when everything is in (no polling thread stealing the GIL)
        store.ingest(batch)
        if store.records >= n_records:
            done.set()

    consumer = Consumer(
        sink, url, exchange, bindings=["#"], queue=queue, max_queue_length=QUEUE_ARGS["x-max-length"]
    )
    consumer.start()
    if ready is not None:
        consumer.wait_ready()
        ready.set()
    done.wait()
    elapsed = time.perf_counter() - start
    consumer.stop()
    assert consumer.rejected == 0
    return elapsed


def publisher_process(url: str, exchange: str, n_messages: int, records: int, go, done) -> None:
    bodies = [(s.routing_key, encode(s)) for s in make_snapshots(n_messages, records)]
    pub = Publisher(url, exchange).start()
    go.wait()
    pub.publish_bodies(bodies)
    pub.flush()
    done.put(pub.confirmed)
    pub.close()


def end_to_end(
    url: str, exchange: str, n_messages: int, records: int, which: str, recording_queue: str | None = None
) -> float:
    """Seconds from the first publish to the last record read; ``recording_queue``: a durable queue
    bound beside the live one (as `suricate record` binds), so every confirm waits for its disk write."""
    ctx = mp.get_context("spawn")
    go, ready, done = ctx.Event(), ctx.Event(), ctx.Queue()
    conn = pika.BlockingConnection(pika.URLParameters(url))  # the exchange, before anyone binds to it
    ch = conn.channel()
    ch.exchange_declare(exchange, "topic", durable=True)
    if recording_queue:
        ch.queue_declare(recording_queue, durable=True, arguments=QUEUE_ARGS)
        ch.queue_purge(recording_queue)
        ch.queue_bind(recording_queue, exchange, "#")
    conn.close()
    proc = ctx.Process(target=publisher_process, args=(url, exchange, n_messages, records, go, done))
    proc.start()
    time.sleep(1.5)  # let the publisher encode and connect
    result = {}

    def consume():
        # The live view's queue: exclusive, not durable, so persistent messages skip the disk.
        if which == "bare":
            result["t"] = bare_pika(url, None, n_messages, n_messages * records, ready, exchange)
        else:
            result["t"] = suricate(url, exchange, None, n_messages * records, ready)

    t = threading.Thread(target=consume)
    t.start()
    ready.wait()
    start = time.perf_counter()
    go.set()
    t.join()
    elapsed = time.perf_counter() - start
    confirmed = done.get()
    proc.join()
    assert confirmed == n_messages
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=60_000, help="messages per drain run (1 record each)")
    ap.add_argument("--snapshots", type=int, default=6_000, help="100-record messages per run")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--broker", default=DEFAULT_URL)
    args = ap.parse_args()
    tune_for_ingest()  # as the workbench and `suricate record` run; the bare consumer gets it too
    exchange = f"bench.{uuid.uuid4().hex[:8]}"
    queue = f"bench.q.{uuid.uuid4().hex[:8]}"
    live_exchange = exchange + ".live"
    rows = []
    try:
        for label, n, per in (
            ("1 record/message", args.messages, 1),
            ("100 records/message", args.snapshots, 100),
        ):
            bodies = [(s.routing_key, encode(s)) for s in make_snapshots(n, per)]
            times = {"bare": [], "suricate": []}
            for _ in range(args.repeat):
                for which in ("bare", "suricate"):
                    prefill(args.broker, exchange, queue, bodies)
                    if which == "bare":
                        times[which].append(bare_pika(args.broker, queue, n, n * per))
                    else:
                        times[which].append(suricate(args.broker, exchange, queue, n * per))
            rows.append((f"drain, {label}", n * per, times))
        # Live on an exchange of its own: the drain queue above is durable, and were it still bound
        # every confirm would wait for its disk write (that is a recording's cost, not a live view's).
        n = args.snapshots * 2
        times = {"bare": [], "suricate": []}
        for _ in range(args.repeat):
            for which in ("bare", "suricate"):
                times[which].append(end_to_end(args.broker, live_exchange, n, 100, which))
        rows.append(("live, 100 records/message, publisher confirms", n * 100, times))
        times = {"bare": [], "suricate": []}
        for _ in range(args.repeat):
            for which in ("bare", "suricate"):
                times[which].append(end_to_end(args.broker, exchange + ".rec", n, 100, which, queue + ".rec"))
        rows.append(("  the same, a durable recording queue bound too", n * 100, times))
    finally:
        conn = pika.BlockingConnection(pika.URLParameters(args.broker))
        ch = conn.channel()
        ch.queue_delete(queue)
        ch.queue_delete(queue + ".rec")
        ch.exchange_delete(exchange + ".rec")
        ch.exchange_delete(exchange)
        ch.exchange_delete(live_exchange)
        conn.close()

    print(f"{'case':56} {'bare pika rec/s':>16} {'suricate rec/s':>16} {'ratio':>6}")
    for label, records, times in rows:
        bare = records / statistics.median(times["bare"])
        ours = records / statistics.median(times["suricate"])
        print(f"{label:56} {bare:16,.0f} {ours:16,.0f} {ours / bare:6.2f}")
    print(
        f"(median of {args.repeat} interleaved runs; goals: ratio >= 0.9 per message, "
        ">= 500,000 records/s end to end with confirms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
