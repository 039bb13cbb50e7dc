"""Many agents through one broker to 1, 2 and 4 workers: records per second and lag, as ratios in one run.

Simulated fleet: ``--hosts`` agents (default 500), each publishing ``--aggs``
snapshots (routing keys ``<host>.syscalls.a<j>``, ``--keys`` keys each) every
``1 / --rate`` seconds, as ``suricate agent`` does once per interval; the hosts
are split between ``--publishers`` processes, each one ``transport.Publisher``
(confirms, persistent messages) as on a traced host.

A *worker* is a process feeding each batch its ``transport.Consumer`` hands
it (prefetch and batching as the rules daemon runs them) to a ``rules.Engine``
(``--rules`` threshold and rate rules over every stream, dry run): per-snapshot
work comparable to ``suricate rules run``. How the workers share the snapshots
is the mode (``--mode``, default both, measured interleaved):

* ``shared``: competing consumers on one shared quorum queue
  (``Consumer(queue=..., queue_type="quorum")``): each *message* to one worker,
  what a job queue or a recorder pool (``record --shared-queue``) does;
* ``sharded``: each worker a member of one shard group
  (``Consumer(shard=ShardGroup(...))``, the consistent-hash exchange of
  docs/sharding.md): each *stream* to one worker, with its own queue, which is
  how ``suricate rules run --shard`` runs rules daemons (per-stream state in one
  place). The members' queues are declared before the backlog is published,
  durable with ``queue_expires`` (as ``rules run --shard-expires``; the
  daemon's default queue is exclusive, which could not hold a backlog before
  its member starts), so the backlog is already split between them, by the
  hash of the routing key, when the workers start; the drain ends when the
  member with the largest share is done (``share max``: its share against the
  even one).

For each mode and number of workers (``--workers``, default 1,2,4), on a fresh exchange and queue(s):

* **capacity**: a backlog of ``--backlog`` snapshots is published before the
  workers start; once every worker is connected and idle they are told to go,
  and the clock runs until the last one is handled: records/s;
  Also each worker's CPU time per record over that drain (its process's user +
  system time): what a record costs, whatever else runs on the machine;
* **lag**: then the fleet publishes at its paced rate for ``--seconds`` (each
  host at its own phase within the interval, as agents that did not start
  together); for each snapshot, handled time minus published time (the
  snapshot's ``ts`` is its publish time) once the engine has taken it: p50,
  p99, max, and how many of the published snapshots were handled.

The **ceiling** is the same backlog drained by one bare pika consumer that does
nothing with a message but ack it (``multiple`` every 500): what the broker and
one connection give at most on this machine; beside it, the rate at which the
publishers filled that backlog (confirms, persistent messages, quorum queue):
what the broker takes in. Ratios are against the 1-worker figure of the same
mode in the same run (so ``--workers`` should start with 1).

Usage: python bench/scale.py --quick          # about 2 minutes: 500 hosts, 10,000-snapshot backlog, 3 s paced, 1 round
       python bench/scale.py                  # the full run (~12 min): 30,000 backlog, 20 s paced, median of 3 rounds
       python bench/scale.py --mode sharded   # one mode only (shared, sharded; default: both)
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
#: An interval is published in this many slices (hosts spread over the interval, not all at its start).
SLICES = 20
MODES = ("shared", "sharded")
#: A sharded member's queue outlives its worker this long (it is deleted at the end of each configuration anyway).
SHARD_EXPIRES = 600.0


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


def paced_ticks(seconds: float, rate: float) -> int:
    """Intervals each host publishes in the paced phase."""
    return max(1, round(seconds * rate))


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
        # Agents' intervals are not in step: each host has a phase within the interval, and the
        # interval is published in SLICES slices, each with the hosts whose phase falls in it.
        slices = [hosts[i::SLICES] for i in range(SLICES)]
        start = time.monotonic()
        for step in range(paced_ticks(seconds, rate) * SLICES):  # a count, not a clock: all are published
            part = slices[step % SLICES]
            if part:
                publisher(_snapshots(part, aggs, keys, first_tick + step // SLICES, time.time()))
            time.sleep(max(0.0, start + (step + 1) / (rate * SLICES) - time.monotonic()))
    if not publisher.close(120):
        print(f"bench: a publisher could not deliver everything: {publisher.stats()}", file=sys.stderr)


# -- a worker ------------------------------------------------------------------------------------------------------------
def worker_process(
    url: str,
    exchange: str,
    queue: str | None,
    shard: Any,
    rules: int,
    paced_seq: int,
    go: Any,
    drained: Any,
    stop: Any,
    ready: Any,
    handled: Any,
    out: Any,
) -> None:
    """Feed a rules engine from the shared ``queue`` or as a member of ``shard`` (a ``ShardGroup``); the lag
    of the paced snapshots (seq >= ``paced_seq``)."""
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
    cpu = time.process_time()
    if shard is not None:
        consumer = Consumer(sink, url, exchange, ("#",), shard=shard).start()
    else:
        consumer = Consumer(sink, url, exchange, ("#",), queue=queue, queue_type="quorum").start()
    drained.wait()
    cpu_drain = time.process_time() - cpu
    records = consumer.received
    stop.wait()
    consumer.stop()
    lat = np.concatenate(latencies) if latencies else np.zeros(0)
    out.put({"lat": lat.tolist(), "n": int(lat.size), "cpu": cpu_drain, "records": records})


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


def _fresh_sharded(url: str, workers: int) -> tuple[str, list[Any], list[str]]:
    """A fresh topic exchange, a shard group on it and its ``workers`` members' queues (durable, so the
    backlog waits in them): the exchange, the members' ``ShardGroup``s, their queues."""
    import pika

    from suricate_desktop.transport.sharding import ShardGroup, declare

    name = f"bench.scale.{uuid.uuid4().hex[:8]}"
    members = [ShardGroup("bench", f"w{i}", queue_expires=SHARD_EXPIRES) for i in range(workers)]
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.exchange_declare(name, "topic", durable=True)
    # max_length as transport.Consumer's default, so the workers' declarations match.
    queues = [declare(channel, m, name, ("#",), 1_000_000) for m in members]
    connection.close()
    return name, members, queues


def _check_sharding(url: str) -> None:
    """Exit (2, one line) when the broker has no consistent-hash exchange."""
    import pika

    from suricate_desktop.transport.sharding import ShardGroup, ShardingUnavailable, declare

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        name = f"bench.scale.probe.{uuid.uuid4().hex[:8]}"
        channel = connection.channel()
        declare(channel, ShardGroup("probe", "p"), name, (), 1, url.split("@")[-1])
        channel.exchange_delete(ShardGroup("probe", "p").exchange(name))
    except ShardingUnavailable as exc:
        sys.exit(f"bench: --mode sharded: {exc}")
    finally:
        if connection.is_open:
            connection.close()


def _drop(url: str, exchanges: list[str], queues: list[str]) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for queue in queues:
        channel.queue_delete(queue)
    for exchange in exchanges:
        channel.exchange_delete(exchange)
    connection.close()


def _depths(url: str, queues: list[str]) -> list[int]:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        return [int(channel.queue_declare(q, passive=True).method.message_count) for q in queues]
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


def run_workers(ctx: Any, args: argparse.Namespace, workers: int, mode: str) -> dict[str, Any]:
    import numpy as np

    members: list[Any]
    if mode == "sharded":
        exchange, members, queues = _fresh_sharded(args.broker, workers)
        exchanges = [exchange, members[0].exchange(exchange)]
    else:
        exchange, queue = _fresh(args.broker)
        members, queues, exchanges = [None] * workers, [queue], [exchange]
    per_tick = args.hosts * args.aggs
    ticks = max(1, args.backlog // per_tick)
    backlog = ticks * per_tick
    try:
        _publish(ctx, args, exchange, 0, ticks)
        # How the backlog was split: one queue when shared; by the hash of the routing key when sharded.
        share_max = max(_depths(args.broker, queues)) / (backlog / len(queues))
        go, drained, stop, ready = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Semaphore(0)
        handled, out = ctx.Value("q", 0), ctx.Queue()
        procs = [
            ctx.Process(
                target=worker_process,
                args=(
                    args.broker,
                    exchange,
                    queues[0] if mode == "shared" else None,
                    member,
                    args.rules,
                    ticks * args.aggs,
                    go,
                    drained,
                    stop,
                    ready,
                    handled,
                    out,
                ),
            )
            for member in members
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
        seconds = time.time() - started
        drained.set()
        capacity = handled.value / seconds
        # The paced fleet, through the same workers.
        before = handled.value
        _publish(ctx, args, exchange, args.seconds, ticks)
        published = paced_ticks(args.seconds, args.rate) * per_tick
        deadline = time.monotonic() + 60
        while handled.value < before + published and time.monotonic() < deadline:
            time.sleep(0.01)
        paced_handled = handled.value - before
        stop.set()
        results = [out.get(timeout=60) for _ in procs]
        for proc in procs:
            proc.join(30)
        paced = np.asarray([x for r in results for x in r["lat"]], float)
        return {
            "mode": mode,
            "workers": workers,
            "backlog": backlog,
            "share_max": share_max,
            "capacity": capacity,
            "paced_offered": args.hosts * args.aggs * args.rate,
            "cpu_ms_per_record": 1000
            * sum(r["cpu"] for r in results)
            / max(1, sum(r["records"] for r in results)),
            "paced_handled": paced_handled,
            "paced_published": published,
            "lag_p50_ms": float(np.percentile(paced, 50) * 1000) if paced.size else float("nan"),
            "lag_p99_ms": float(np.percentile(paced, 99) * 1000) if paced.size else float("nan"),
            "lag_max_ms": float(paced.max() * 1000) if paced.size else float("nan"),
            "left_in_queue": sum(_depths(args.broker, queues)),
        }
    finally:
        _drop(args.broker, exchanges, queues)


def run_bare(ctx: Any, args: argparse.Namespace) -> dict[str, Any]:
    exchange, queue = _fresh(args.broker)
    per_tick = args.hosts * args.aggs
    ticks = max(1, args.backlog // per_tick)
    try:
        started = time.monotonic()
        _publish(ctx, args, exchange, 0, ticks)
        publish_rate = ticks * per_tick / (time.monotonic() - started)
        out = ctx.Queue()
        proc = ctx.Process(target=bare_process, args=(args.broker, queue, ticks * per_tick, out))
        proc.start()
        result = out.get(timeout=300)
        proc.join(30)
        return {
            "capacity": result["n"] / result["seconds"],
            "backlog": result["n"],
            "publish_rate": publish_rate,
        }
    finally:
        _drop(args.broker, [exchange], [queue])


def _median_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric field's median over the rounds (the first round's for the rest)."""
    import statistics

    out = dict(rows[0])
    for key, value in rows[0].items():
        if isinstance(value, (int, float)):
            out[key] = statistics.median(r[key] for r in rows)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--quick", action="store_true", help="about 2 minutes: a smaller backlog and a shorter paced run"
    )
    p.add_argument("--broker", default=os.environ.get("SURICATE_BROKER", DEFAULT_BROKER))
    p.add_argument(
        "--mode",
        choices=(*MODES, "both"),
        default="both",
        help="how workers share the snapshots: 'shared' (competing consumers on one quorum queue), "
        "'sharded' (a shard group: each stream to one worker, as 'rules run --shard'), or both (default)",
    )
    p.add_argument("--hosts", type=int, default=500, help="simulated agents (default: 500)")
    p.add_argument("--aggs", type=int, default=2, help="aggregations (streams) per host (default: 2)")
    p.add_argument("--keys", type=int, default=10, help="keys per snapshot (default: 10)")
    p.add_argument("--rate", type=float, default=1.0, help="intervals per second per host (default: 1)")
    p.add_argument("--publishers", type=int, default=4, help="publisher processes (default: 4)")
    p.add_argument("--rules", type=int, default=20, help="rules each worker's engine evaluates (default: 20)")
    p.add_argument(
        "--workers",
        default="1,2,4",
        help="worker counts to measure, the first the ratios' base (default: 1,2,4)",
    )
    p.add_argument("--backlog", type=int, default=30_000, help="snapshots drained for the capacity figure")
    p.add_argument(
        "--seconds", type=float, default=20.0, help="seconds of paced publishing for the lag figure"
    )
    p.add_argument("--repeat", type=int, default=3, help="rounds, interleaved; medians reported (default: 3)")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args()
    if args.quick:
        args.backlog = min(args.backlog, 10_000)
        args.seconds = min(args.seconds, 3.0)
        args.repeat = 1
    modes = list(MODES) if args.mode == "both" else [args.mode]
    try:
        counts = [int(w) for w in args.workers.split(",")]
    except ValueError:
        p.error(f"--workers {args.workers!r}: numbers separated by commas, such as 1,2,4")
    if "sharded" in modes:
        _check_sharding(args.broker)
    # fork: a worker or publisher starts in milliseconds (the parent holds no thread or connection)
    ctx = mp.get_context("fork" if sys.platform == "linux" else "spawn")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"broker {args.broker.split('@')[-1]}; {args.hosts} hosts x {args.aggs} streams x {args.keys} keys "
        f"at {args.rate:g}/s = {args.hosts * args.aggs * args.rate:.0f} snapshots/s offered; "
        f"{args.publishers} publishers; workers: {args.rules} rules each; modes: {', '.join(modes)}"
    )
    started = time.monotonic()
    # Configurations interleaved, --repeat rounds; each figure is the median of its rounds (the
    # machine may be shared: a round that ran beside something else does not decide alone).
    rounds: list[dict[str, list[dict[str, Any]]]] = []
    bares: list[dict[str, Any]] = []
    for _ in range(args.repeat):
        bares.append(run_bare(ctx, args))
        rounds.append({mode: [run_workers(ctx, args, w, mode) for w in counts] for mode in modes})
    bare = _median_rows(bares)
    table = {mode: [_median_rows([r[mode][i] for r in rounds]) for i in range(len(counts))] for mode in modes}
    print(
        f"\n{'configuration':22s} {'records/s':>10s} {'x 1 worker':>10s} {'CPU/record':>10s} "
        f"{'handled':>13s} {'lag p50':>8s} {'lag p99':>8s} {'lag max':>8s} {'share max':>9s}"
    )
    ratios = ", ".join(f"{m} {bare['capacity'] / rows[0]['capacity']:.2f}" for m, rows in table.items())
    print(f"{'bare pika (ceiling)':22s} {bare['capacity']:10.0f}  (x 1 worker: {ratios})")
    print(
        f"{'(publishing the backlog':22s} {bare['publish_rate']:10.0f}  snapshots/s: {args.publishers} publishers, "
        "confirms, persistent, into the quorum queue)"
    )
    for mode, rows in table.items():
        one = rows[0]["capacity"]
        for r in rows:
            print(
                f"{mode + ': ' + str(r['workers']) + ' worker(s)':22s} {r['capacity']:10.0f} "
                f"{r['capacity'] / one:10.2f} "
                f"{r['cpu_ms_per_record']:8.2f}ms {r['paced_handled']:6d}/{r['paced_published']:<6d} "
                f"{r['lag_p50_ms']:6.0f}ms {r['lag_p99_ms']:6.0f}ms {r['lag_max_ms']:6.0f}ms "
                f"{r['share_max']:9.2f}"
            )
    print(
        f"\n({time.monotonic() - started:.0f} s; backlog {bare['backlog']} snapshots, paced {args.seconds:g} s; "
        f"median of {args.repeat} round(s); x 1 worker: against the same mode's first count; "
        f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"args": vars(args), "bare": bare, "modes": table, "rounds": rounds}, indent=2)
        )


if __name__ == "__main__":
    main()
