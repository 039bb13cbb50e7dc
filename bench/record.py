"""Records per second from a RabbitMQ queue into a recording on disk, one code tree against another.

The recording path as `suricate record` wires it: a durable queue drained by
`transport.Consumer` into a `store.RecordingWriter` with their default settings.
The clock runs from the consumer's start until every record is in a segment on
disk (the writer's count, not the consumer's), so a consumer that acks at
hand-over and one that acks after the write are timed on the same finish line.

Each measurement runs in a child process with ``PYTHONPATH`` set to one of the
``--tree`` folders (e.g. the main checkout and a worktree), the trees
interleaved and repeated; the table gives the median rate of each and the ratio
to the first tree.

``--kills K`` measures the other promise instead: while a publisher sends about
300 snapshots a second, numbered as the agent numbers them, ``suricate record``
(each tree's) is killed with SIGKILL K times and started again on the same
folder; at the end the recording is compared with what the broker confirmed:
snapshots lost, snapshots recorded twice.

Usage: python bench/record.py --tree ../main --tree . [--messages N] [--records R] [--repeat K] [--broker URL]
       python bench/record.py --tree ../main --tree . --kills 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = r"""
import json, sys, tempfile, time, uuid
import pika
from suricate_desktop.runtime import tune_for_ingest
from suricate_desktop.schema import Snapshot, encode
from suricate_desktop.store.recording import RecordingWriter
from suricate_desktop.transport.consumer import Consumer

url, n, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tune_for_ingest()
exchange, queue = f"bench.{uuid.uuid4().hex[:8]}", f"bench.rec.{uuid.uuid4().hex[:8]}"
folder = tempfile.mkdtemp(prefix="suricate-bench-record-")
conn = pika.BlockingConnection(pika.URLParameters(url))
ch = conn.channel()
ch.exchange_declare(exchange, "topic", durable=True)
# The queue as this tree's consumer declares it (its arguments differ between versions).
first = Consumer(lambda batch: None, url, exchange, ["#"], queue=queue).start()
assert first.wait_ready(30), first.stats()
first.stop()
props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
for i in range(n):
    entries = [[[f"proc-{(i * records + j) % 500}"], (i * 7 + j) % 10_000] for j in range(records)]
    snap = Snapshot(f"web{i % 20:02d}", "syscalls", "num", "count", 1.7e9 + i * 0.001, 1.0, True, entries,
                    i + 1, "bench")
    ch.basic_publish(exchange, snap.routing_key, encode(snap), props)
while ch.queue_declare(queue, passive=True).method.message_count < n:
    time.sleep(0.05)
start = time.perf_counter()
writer = RecordingWriter(folder)
consumer = Consumer(writer, url, exchange, ["#"], queue=queue).start()
while writer.snapshots_written < n:
    assert writer.error is None, writer.error
    time.sleep(0.002)
elapsed = time.perf_counter() - start
consumer.stop()
writer.close()
left = ch.queue_declare(queue, passive=True).method.message_count
ch.queue_delete(queue)
ch.exchange_delete(exchange)
conn.close()
print(json.dumps({"seconds": elapsed, "left_in_queue": left}))
"""


KILLS = r"""
import json, os, random, signal, subprocess, sys, tempfile, threading, time, uuid
import pika
from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import iter_snapshots
from suricate_desktop.transport.publisher import Publisher

url, kills = sys.argv[1], int(sys.argv[2])
exchange = f"bench.{uuid.uuid4().hex[:8]}"
folder = tempfile.mkdtemp(prefix="suricate-bench-kill-")
log = open(folder + ".log", "a")
command = [sys.executable, "-m", "suricate_desktop", "record", "--broker", url, "--exchange", exchange,
           "--out", folder]

def start():
    before = open(log.name).read().count("broker connected")
    proc = subprocess.Popen(command, stdout=log, stderr=log)
    while open(log.name).read().count("broker connected") == before:
        assert proc.poll() is None, open(log.name).read()
        time.sleep(0.05)
    return proc

recorder = start()
publisher = Publisher(url, exchange).start()
run, seq, stop = uuid.uuid4().hex[:12], [0], threading.Event()

def feed():
    while not stop.is_set():
        batch = []
        for agg in ("a", "b", "c"):
            seq[0] += 1
            batch.append(Snapshot("web01", "s", agg, "count", time.time(), 0.01, True, [[["k"], 1]], seq[0], run))
        publisher(batch)
        time.sleep(0.01)

feeder = threading.Thread(target=feed)
feeder.start()
rng = random.Random(1)
for _ in range(kills):
    time.sleep(1.0 + rng.random())
    recorder.kill()
    recorder.wait()
    recorder = start()
time.sleep(1)
stop.set()
feeder.join()
assert publisher.flush(60)
publisher.close()
time.sleep(3)  # the last recorder drains its queue
recorder.send_signal(signal.SIGTERM)
recorder.wait()
seqs = [s.seq for s in iter_snapshots(folder)]
conn = pika.BlockingConnection(pika.URLParameters(url))
conn.channel().queue_delete(json.load(open(os.path.join(folder, "recording.json")))["queue"])
conn.channel().exchange_delete(exchange)
conn.close()
print(json.dumps({"sent": seq[0], "lost": seq[0] - len(set(seqs)), "twice": len(seqs) - len(set(seqs))}))
"""


def measure_kills(tree: str, url: str, kills: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    with tempfile.TemporaryDirectory() as cwd:
        out = subprocess.run(
            [sys.executable, "-c", KILLS, url, str(kills)],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=900,
        )
    if out.returncode != 0:
        raise SystemExit(f"{tree}: the measurement failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(tree: str, url: str, n: int, records: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    with tempfile.TemporaryDirectory() as cwd:  # so the bench's own folder is not on the path
        out = subprocess.run(
            [sys.executable, "-c", CHILD, url, str(n), str(records)],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=900,
        )
    if out.returncode != 0:
        raise SystemExit(f"{tree}: the measurement failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", action="append", required=True, help="a source tree to measure (repeatable)")
    ap.add_argument("--messages", type=int, default=30_000)
    ap.add_argument("--records", type=int, default=1, help="records per message")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kills", type=int, default=0, help="measure losses and copies over K SIGKILLs instead")
    ap.add_argument(
        "--broker", default=os.environ.get("SURICATE_BROKER", "amqp://guest:guest@127.0.0.1:5672/%2F")
    )
    args = ap.parse_args()
    if args.kills:
        for tree in args.tree:
            for _ in range(args.repeat):
                result = measure_kills(tree, args.broker, args.kills)
                print(
                    f"{tree:40} {args.kills} kills: {result['sent']:,} sent, {result['lost']} lost, "
                    f"{result['twice']} recorded twice",
                    flush=True,
                )
        return 0
    times: dict[str, list[float]] = {tree: [] for tree in args.tree}
    for _ in range(args.repeat):
        for tree in args.tree:
            result = measure(tree, args.broker, args.messages, args.records)
            times[tree].append(result["seconds"])
            print(
                f"  {tree}: {result['seconds']:.2f}s, {result['left_in_queue']} left in the queue", flush=True
            )
    total = args.messages * args.records
    base = total / statistics.median(times[args.tree[0]])
    print(f"{'tree':40} {'records/s on disk':>18} {'ratio':>6}")
    for tree in args.tree:
        rate = total / statistics.median(times[tree])
        print(f"{tree:40} {rate:18,.0f} {rate / base:6.2f}")
    print(f"(median of {args.repeat} interleaved runs, {args.messages:,} messages of {args.records} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
