"""What hostile bodies cost at the edge: decode time of valid bodies, the depth check, a recorder's peak memory.

1. Decode, no broker: per valid body (1 record, 100 records) the time of
   orjson.loads, of a bare msgspec decode into the message's structure
   without any limit (the baseline the validating decoder is measured
   against), of ``schema.check_depth`` alone, and of ``schema.decode``; the
   ratio decode / bare msgspec; with ``--compare DIR`` (another checkout, e.g.
   ``git worktree add /tmp/before a9e37e5``) also that checkout's decode, loaded
   side by side, interleaved, and the ratio after / before. Then the depth
   check on 8 MB bodies.
2. ``--broker URL``: a ``suricate record`` pipeline (Consumer +
   RecordingWriter, ``tune_for_ingest``) in a child process, its dead-letter
   exchange and queue its own; this process publishes N hostile bodies (from
   tests/hostile.py, a few of 5 to 9 MB) interleaved with valid snapshots and
   legacy bodies. Reports the time, the counts, and the child's peak RSS
   (VmHWM), with the child's RSS before the first message for reference.

Usage: python bench/hostile.py [--compare DIR] [--broker amqp://guest:guest@127.0.0.1:5672/%2F] [--hostile 10000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
import timeit
import uuid
from pathlib import Path

import msgspec
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import make_snapshots  # noqa: E402

from suricate_desktop import schema  # noqa: E402
from suricate_desktop.schema import decode, encode  # noqa: E402


class _Bare(msgspec.Struct, forbid_unknown_fields=False):
    """The message's structure with no limit at all: what msgspec costs by itself."""

    v: int
    host: str
    source: str
    agg: str
    kind: str
    ts: float
    interval: float
    delta: bool
    entries: list[
        tuple[list[str | int], int | float | list[tuple[tuple[int, int], int]] | dict[str, int | float]]
    ]
    seq: int = 0
    run: str = ""


def _per_call(fn, number: int) -> float:
    """Microseconds per call, best of 5."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def _other_decode(root: str):
    """``schema.decode`` of another checkout, imported under another package name."""
    import importlib
    import importlib.util

    package = Path(root) / "suricate_desktop"
    spec = importlib.util.spec_from_file_location(
        "before_pkg", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["before_pkg"] = module
    spec.loader.exec_module(module)
    return importlib.import_module("before_pkg.schema").decode


def bench_decode(compare: str | None) -> None:
    bare = msgspec.json.Decoder(_Bare)
    check_depth = schema.check_depth
    before = _other_decode(compare) if compare else None
    print("decode of a valid body, µs per body (best of 5 runs, each case interleaved 3 times)")
    print(
        f"{'records':>8} {'bytes':>6} {'orjson':>7} {'msgspec':>8} {'depth':>6} {'decode':>7} {'before':>7} "
        f"{'decode/msgspec':>15} {'after/before':>13}"
    )
    for records in (1, 100):
        body = encode(make_snapshots(1, records)[0])
        number = 20_000 if records == 1 else 4_000
        cases = {
            "orjson": lambda: orjson.loads(body),
            "msgspec": lambda: bare.decode(body),
            "depth": lambda: check_depth(body),
            "decode": lambda: decode(body),
        }
        if before:
            cases["before"] = lambda: before(body)
        best: dict[str, float] = {}
        for _ in range(3):
            for name, fn in cases.items():
                best[name] = min(best.get(name, float("inf")), _per_call(fn, number))
        t_before = best.get("before", float("nan"))
        print(
            f"{records:>8} {len(body):>6} {best['orjson']:>7.2f} {best['msgspec']:>8.2f} {best['depth']:>6.2f} "
            f"{best['decode']:>7.2f} {t_before:>7.2f} {best['decode'] / best['msgspec']:>15.2f} "
            f"{best['decode'] / t_before:>13.2f}"
        )
    print("(depth: schema.check_depth alone; decode runs it only for bodies with unknown fields or errors)")
    big = encode(make_snapshots(1, 1)[0])[:-2] + b"," + b",".join([b'[["proc-12345"],123]'] * 380_000) + b"]}"
    deep = b"[" * (8 * 1024 * 1024)
    hidden = b'{"a":' + b'["]",' * 1_500_000 + b"0" + b"]" * 1_500_000 + b"}"
    for name, body in (
        ("8 MB valid-shaped", big),
        ("8 MB of [", deep),
        ('"]"-strings 6 levels x 1.5M', hidden),
    ):
        start = time.perf_counter()
        try:
            check_depth(body)
        except schema.SchemaError:
            pass
        print(f"depth check, {name} ({len(body):,} bytes): {(time.perf_counter() - start) * 1e3:.1f} ms")
    start = time.perf_counter()
    bare.decode(big)
    print(f"bare msgspec decode of the 8 MB valid-shaped body: {(time.perf_counter() - start) * 1e3:.1f} ms")


def _vm(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _recorder(
    url: str,
    exchange: str,
    queue: str,
    legacy_queue: str,
    dead: str,
    folder: str,
    expected: int,
    ready,
    report,
) -> None:
    """The child: a `suricate record` pipeline, until it has seen ``expected`` bodies."""
    import suricate_desktop.transport.consumer as consumer_module
    from suricate_desktop.runtime import tune_for_ingest
    from suricate_desktop.store.recording import RecordingWriter
    from suricate_desktop.transport.consumer import Consumer, LegacyQueue

    consumer_module.REJECTED_EXCHANGE = consumer_module.REJECTED_QUEUE = dead
    writer = RecordingWriter(folder)
    consumer = Consumer(
        writer,
        url,
        exchange,
        ["#"],
        queue=queue,
        legacy_queues=[LegacyQueue(queue=legacy_queue, host="legacyhost", source=legacy_queue)],
    )
    tune_for_ingest()
    consumer.start()
    consumer.wait_ready()
    idle_rss = _vm("VmRSS")
    ready.set()
    while consumer.received + consumer.rejected < expected:
        time.sleep(0.05)
    consumer.stop()
    writer.close()
    report.put(
        {
            "received": consumer.received,
            "rejected": consumer.rejected,
            "alive_restarts": consumer.reconnects,
            "written": writer.snapshots_written,
            "idle_rss": idle_rss,
            "peak_rss": _vm("VmHWM"),
            "error": consumer.last_error,
        }
    )


def bench_broker(url: str, n_hostile: int, n_big: int, flood: int) -> None:
    import pika
    from hostile_generator import hostile_bodies, hostile_legacy, valid_bodies, valid_legacy, valid_snapshots

    rng = random.Random(5)
    run = uuid.uuid4().hex[:12]
    good = valid_bodies(valid_snapshots(41, 3_000, run), rng)
    bad = [b for _, b in hostile_bodies(42, n_hostile, big=n_big)]
    if flood:  # bodies just under 8 MiB with a bad value at the end: what a consumer holds of them
        entry = b'[["proc-12345"],123]'
        big = (
            b'{"v":1,"host":"h","source":"s","agg":"a","kind":"count","ts":1,"interval":1,"delta":true,'
            b'"entries":[' + b",".join([entry] * (8_300_000 // (len(entry) + 1))) + b',[["x"],"bad"]]}'
        )
        bad += [big] * flood
    legacy_good = [valid_legacy(rng)[0] for _ in range(300)]
    legacy_bad = [b for _, b in hostile_legacy(43, 1_000)]
    sends = [("j", b) for b in good + bad] + [("l", b) for b in legacy_good + legacy_bad]
    rng.shuffle(sends)
    tag = uuid.uuid4().hex[:8]
    exchange, queue, legacy_queue, dead = (
        f"bench.hostile.{tag}",
        f"bench.hostile.q.{tag}",
        f"bench.hostile.legacy.{tag}",
        f"bench.rejected.{tag}",
    )
    ctx = mp.get_context("spawn")
    ready, report = ctx.Event(), ctx.Queue()
    with tempfile.TemporaryDirectory() as folder:
        child = ctx.Process(
            target=_recorder,
            args=(url, exchange, queue, legacy_queue, dead, folder, len(sends), ready, report),
        )
        child.start()
        ready.wait(30)
        conn = pika.BlockingConnection(pika.URLParameters(url))
        ch = conn.channel()
        start = time.perf_counter()
        props = pika.BasicProperties(delivery_mode=2)
        for i, (where, body) in enumerate(sends):
            if where == "j":
                ch.basic_publish(exchange, f"h{i % 7}.edge.num", body, props)
            else:
                ch.basic_publish("", legacy_queue, body, props)
        published = time.perf_counter() - start
        result = report.get(timeout=600)
        elapsed = time.perf_counter() - start
        child.join(30)
        for name in (queue, legacy_queue, dead):
            ch.queue_delete(name)
        ch.exchange_delete(exchange)
        ch.exchange_delete(dead)
        conn.close()
    print(
        f"\nrecorder under {len(sends):,} bodies ({len(bad) + len(legacy_bad):,} hostile, {n_big} of 5-9 MB, "
        f"{flood} of 8 MB; "
        f"{len(good) + len(legacy_good):,} valid): published in {published:.1f} s, all handled in {elapsed:.1f} s"
    )
    print(
        f"received {result['received']:,} (expected {len(good) + len(legacy_good):,}), "
        f"rejected {result['rejected']:,} (expected {len(bad) + len(legacy_bad):,}), "
        f"written {result['written']:,}, restarts {result['alive_restarts']}, error {result['error']!r}"
    )
    print(
        f"recorder RSS: {result['idle_rss'] / 2**20:.0f} MiB connected and idle, "
        f"peak {result['peak_rss'] / 2**20:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="DIR", help="another checkout whose decode to time alongside")
    parser.add_argument("--broker", help="also run the recorder against this broker")
    parser.add_argument("--hostile", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=4)
    parser.add_argument(
        "--flood", type=int, default=0, help="also this many 8 MB bodies with a bad value last"
    )
    args = parser.parse_args()
    bench_decode(args.compare)
    if args.broker:
        bench_broker(args.broker, args.hostile, args.big, args.flood)


if __name__ == "__main__":
    main()
