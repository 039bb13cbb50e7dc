"""Many agents through one broker to 1, 2 and 4 workers: records per second and lag, as ratios in one run.

Simulated fleet: ``--hosts`` agents (default 500), each publishing ``--aggs``
snapshots (routing keys ``<host>.syscalls.a<j>``, ``--keys`` keys each) every
``1 / --rate`` seconds, as ``suricate agent`` does once per interval; the hosts
are split between ``--publishers`` processes, each one ``transport.Publisher``
(confirms, persistent messages) as on a traced host.

A *worker* is a process consuming as a competing consumer on one shared
quorum queue (``transport.Consumer(queue=..., queue_type="quorum")``, prefetch
and batching as the rules daemon runs them), feeding each batch to a
``rules.Engine`` (``--rules`` threshold and rate rules over every stream, dry
run): per-snapshot work comparable to ``suricate rules run``. Keys are not
sharded between workers here (the consistent-hash sharding of docs/sharding.md
was not in this branch when this bench was written): competing consumers share
the queue, which is what a job queue or a recorder pool does.

For each number of workers (``--workers``, default 1,2,4), on a fresh exchange and queue:

* **capacity**: a backlog of ``--backlog`` snapshots is published before the
  workers start; once every worker is connected and idle they are told to go,
  and the clock runs until the last one is handled: records/s;
* **lag**: then the fleet publishes at its paced rate for ``--seconds``; for
  each snapshot, handled time minus published time (the snapshot's ``ts`` is
  its publish time), p50 and p99, after the engine has taken it.

The **ceiling** is the same backlog drained by one bare pika consumer that does
nothing with a message but ack it (``multiple`` every 500): what the broker and
one connection give at most on this machine. Ratios are against the 1-worker
figure of the same run.

Usage: python bench/scale.py --quick          # under a minute: 500 hosts, 10,000-snapshot backlog, 4 s paced
       python bench/scale.py                  # the full run: 500 hosts, 60,000 backlog, 20 s paced
       python bench/scale.py --hosts 2000 --workers 1,2,4,8 --broker amqp://... --json out.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


# -- the fleet -----------------------------------------------------------------------------------------------------------
def _snapshots(hosts: list[str], aggs: int, keys: int, tick: int, now: float) -> list[Any]:
    from suricate_desktop.schema import Snapshot

    return [
        Snapshot(
            host,
            "syscalls",
            f"a{j}",
            "count",
            now,
            1.0,
            True,
            [[[f"k{k}"], (tick * 7 + k * 13 + i) % 100] for k in range(keys)],
            tick * aggs + j,
            "bench",
        )
        for i, host in enumerate(hosts)
        for j in range(aggs)
    ]


def publisher_process(
    url: str,
    exchange: str,
    hosts: list[str],
    aggs: int,
    keys: int,
    rate: float,
    seconds: float,
    first_tick: int,
) -> None:
    """Publish every host's snapshots each tick for ``seconds`` (0: one burst of ``first_tick`` ticks at once)."""
    from suricate_desktop.transport.publisher import Publisher

    publisher = Publisher(url, exchange, max_buffer=10_000_000).start()
    if seconds <= 0:  # the backlog: ``first_tick`` ticks as fast as the broker confirms
        for tick in range(first_tick):
            publisher(_snapshots(hosts, aggs, keys, tick, time.time()))
    else:
        start = time.monotonic()
        tick = first_tick
        while time.monotonic() - start < seconds:
            publisher(_snapshots(hosts, aggs, keys, tick, time.time()))
            tick += 1
            time.sleep(max(0.0, start + (tick - first_tick) / rate - time.monotonic()))
    if not publisher.close(120):
        print(f"bench: a publisher could not deliver everything: {publisher.stats()}", file=sys.stderr)


# -- a worker ------------------------------------------------------------------------------------------------------------
def worker_process(
    url: str,
    exchange: str,
    queue: str,
    rules: int,
    paced_seq: int,
    go: Any,
    stop: Any,
    ready: Any,
    handled: Any,
    out: Any,
) -> None:
    """Feed a rules engine from the shared queue; the lag of the paced snapshots (seq >= ``paced_seq``)."""
    import numpy as np

    from suricate_desktop.rules import Engine, parse_rule
    from suricate_desktop.transport.consumer import Consumer

    docs: list[dict[str, Any]] = [
        {"name": f"r{i:03d}", "threshold": 1e9, "for": 5, "key": f"k{i % 10}*"} for i in range(rules)
    ]
    for i, doc in enumerate(docs):
        if i % 10 >= 7:
            doc["type"] = "rate"
    engine = Engine([parse_rule(d) for d in docs], capacity=120, dry_run=True)
    latencies: list[np.ndarray] = []

    def sink(batch: list[Any]) -> None:
        engine.ingest(batch)
        now = time.time()
        paced = [s.ts for s in batch if s.seq >= paced_seq]  # the backlog's waiting is not lag
        if paced:
            latencies.append(now - np.asarray(paced, float))
        with handled.get_lock():
            handled.value += len(batch)

    ready.release()
    go.wait()
    consumer = Consumer(sink, url, exchange, ("#",), queue=queue, queue_type="quorum").start()
    stop.wait()
    consumer.stop()
    lat = np.concatenate(latencies) if latencies else np.zeros(0)
    out.put({"lat": lat.tolist(), "n": int(lat.size)})


def bare_process(url: str, queue: str, total: int, out: Any) -> None:
    """The ceiling: consume and ack, nothing else."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=1000)
    count = 0
    start = time.time()

    def on_message(ch: Any, method: Any, properties: Any, body: bytes) -> None:
        nonlocal count
        count += 1
        if count % 500 == 0 or count >= total:
            ch.basic_ack(method.delivery_tag, multiple=True)
        if count >= total:
            ch.stop_consuming()

    channel.basic_consume(queue, on_message)
    channel.start_consuming()
    out.put({"n": count, "seconds": time.time() - start})
    connection.close()


# -- one configuration ---------------------------------------------------------------------------------------------------
def _fresh(url: str) -> tuple[str, str]:
    import pika

    name = f"bench.scale.{uuid.uuid4().hex[:8]}"
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.exchange_declare(name, "topic", durable=True)
    # As transport.Consumer declares it (x-max-length beyond any backlog here), so the workers' declaration matches.
    channel.queue_declare(name, durable=True, arguments={"x-max-length": 1_000_000, "x-queue-type": "quorum"})
    channel.queue_bind(name, name, "#")
    connection.close()
    return name, name


def _drop(url: str, exchange: str, queue: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.queue_delete(queue)
    channel.exchange_delete(exchange)
    connection.close()


def _depth(url: str, queue: str) -> int:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return int(connection.channel().queue_declare(queue, passive=True).method.message_count)
    finally:
        connection.close()


def _publish(ctx: Any, args: argparse.Namespace, exchange: str, seconds: float, ticks: int) -> None:
    hosts = [f"host{i:04d}" for i in range(args.hosts)]
    procs = [
        ctx.Process(
            target=publisher_process,
            args=(
                args.broker,
                exchange,
                hosts[p :: args.publishers],
                args.aggs,
                args.keys,
                args.rate,
                seconds,
                ticks,
            ),
        )
        for p in range(args.publishers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()


def run_workers(ctx: Any, args: argparse.Namespace, workers: int) -> dict[str, Any]:
    import numpy as np

    exchange, queue = _fresh(args.broker)
    per_tick = args.hosts * args.aggs
    ticks = max(1, args.backlog // per_tick)
    backlog = ticks * per_tick
    try:
        _publish(ctx, args, exchange, 0, ticks)
        go, stop, ready = ctx.Event(), ctx.Event(), ctx.Semaphore(0)
        handled, out = ctx.Value("q", 0), ctx.Queue()
        procs = [
            ctx.Process(
                target=worker_process,
                args=(
                    args.broker,
                    exchange,
                    queue,
                    args.rules,
                    ticks * args.aggs,
                    go,
                    stop,
                    ready,
                    handled,
                    out,
                ),
            )
            for _ in range(workers)
        ]
        for proc in procs:
            proc.start()
        for _ in procs:
            ready.acquire()
        started = time.time()
        go.set()
        deadline = time.monotonic() + 300
        while handled.value < backlog and time.monotonic() < deadline:
            time.sleep(0.01)
        drained = time.time() - started
        capacity = handled.value / drained
        # The paced fleet, through the same workers.
        before = handled.value
        paced_start = time.time()
        _publish(ctx, args, exchange, args.seconds, ticks)
        published = int(args.seconds * args.rate + 0.999) * per_tick
        deadline = time.monotonic() + 60
        while handled.value < before + published and time.monotonic() < deadline:
            time.sleep(0.01)
        paced_seconds = time.time() - paced_start
        paced_handled = handled.value - before
        stop.set()
        results = [out.get(timeout=60) for _ in procs]
        for proc in procs:
            proc.join(30)
        paced = np.asarray([x for r in results for x in r["lat"]], float)
        return {
            "workers": workers,
            "backlog": backlog,
            "capacity": capacity,
            "paced_offered": args.hosts * args.aggs * args.rate,
            "paced_handled_per_s": paced_handled / paced_seconds,
            "paced_handled": paced_handled,
            "paced_published": published,
            "lag_p50_ms": float(np.percentile(paced, 50) * 1000) if paced.size else float("nan"),
            "lag_p99_ms": float(np.percentile(paced, 99) * 1000) if paced.size else float("nan"),
            "left_in_queue": _depth(args.broker, queue),
        }
    finally:
        _drop(args.broker, exchange, queue)


def run_bare(ctx: Any, args: argparse.Namespace) -> dict[str, Any]:
    exchange, queue = _fresh(args.broker)
    per_tick = args.hosts * args.aggs
    ticks = max(1, args.backlog // per_tick)
    try:
        _publish(ctx, args, exchange, 0, ticks)
        out = ctx.Queue()
        proc = ctx.Process(target=bare_process, args=(args.broker, queue, ticks * per_tick, out))
        proc.start()
        result = out.get(timeout=300)
        proc.join(30)
        return {"capacity": result["n"] / result["seconds"], "backlog": result["n"]}
    finally:
        _drop(args.broker, exchange, queue)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--quick", action="store_true", help="under a minute: a smaller backlog and a shorter paced run"
    )
    p.add_argument("--broker", default=os.environ.get("SURICATE_BROKER", DEFAULT_BROKER))
    p.add_argument("--hosts", type=int, default=500, help="simulated agents (default: 500)")
    p.add_argument("--aggs", type=int, default=2, help="aggregations (streams) per host (default: 2)")
    p.add_argument("--keys", type=int, default=10, help="keys per snapshot (default: 10)")
    p.add_argument("--rate", type=float, default=1.0, help="intervals per second per host (default: 1)")
    p.add_argument("--publishers", type=int, default=4, help="publisher processes (default: 4)")
    p.add_argument("--rules", type=int, default=20, help="rules each worker's engine evaluates (default: 20)")
    p.add_argument("--workers", default="1,2,4", help="worker counts to measure (default: 1,2,4)")
    p.add_argument("--backlog", type=int, default=60_000, help="snapshots drained for the capacity figure")
    p.add_argument(
        "--seconds", type=float, default=20.0, help="seconds of paced publishing for the lag figure"
    )
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args()
    if args.quick:
        args.backlog = min(args.backlog, 10_000)
        args.seconds = min(args.seconds, 4.0)
    ctx = mp.get_context("spawn")
    counts = [int(w) for w in args.workers.split(",")]
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"broker {args.broker.split('@')[-1]}; {args.hosts} hosts x {args.aggs} streams x {args.keys} keys "
        f"at {args.rate:g}/s = {args.hosts * args.aggs * args.rate:.0f} snapshots/s offered; "
        f"{args.publishers} publishers; workers: {args.rules} rules each, competing consumers on a quorum queue"
    )
    started = time.monotonic()
    bare = run_bare(ctx, args)
    rows = [run_workers(ctx, args, w) for w in counts]
    one = rows[0]["capacity"]
    print(
        f"\n{'configuration':24s} {'records/s':>10s} {'x 1 worker':>10s} {'paced/s':>8s} {'lag p50':>9s} {'lag p99':>9s}"
    )
    print(f"{'bare pika (ceiling)':24s} {bare['capacity']:10.0f} {bare['capacity'] / one:10.2f}")
    for r in rows:
        print(
            f"{str(r['workers']) + ' worker(s)':24s} {r['capacity']:10.0f} {r['capacity'] / one:10.2f} "
            f"{r['paced_handled_per_s']:8.0f} {r['lag_p50_ms']:7.0f}ms {r['lag_p99_ms']:7.0f}ms"
        )
    print(
        f"\n({time.monotonic() - started:.0f} s; backlog {rows[0]['backlog']} snapshots, paced {args.seconds:g} s)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "bare": bare, "workers": rows}, indent=2))


if __name__ == "__main__":
    main()
