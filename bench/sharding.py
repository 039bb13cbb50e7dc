"""How evenly does a shard group share streams, and how soon does a leaving member's share move?

Against the machine's RabbitMQ (127.0.0.1:5672, the consistent-hash exchange plugin enabled), on
an exchange of its own: ``--hosts`` streams (``<host>.syscalls.num``), one snapshot each per round.

* shares: for 1 to ``--members`` members of weight 1, the smallest and largest share of the streams
  against the even share (1/N), over ``--repeat`` groups (the ring's points are hashes of the
  queues' names, so each group is another draw);
* handover: with two members, one stops (its exclusive queue goes with its connection); time from
  its ``stop()`` returning until the first snapshot of one of its streams, published then, reaches
  the other member.

Usage: python bench/sharding.py [--hosts 500] [--members 4] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

import pika  # noqa: E402

from suricate_desktop.schema import Snapshot  # noqa: E402
from suricate_desktop.transport.consumer import Consumer  # noqa: E402
from suricate_desktop.transport.publisher import Publisher  # noqa: E402
from suricate_desktop.transport.sharding import ShardGroup  # noqa: E402

URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


class Member:
    def __init__(self, exchange: str, group: str, name: str):
        self.keys: dict[str, float] = {}  # routing key -> when last seen
        self.lock = threading.Lock()
        self.shard = ShardGroup(group, name)
        self.consumer = Consumer(self, URL, exchange, ["#"], shard=self.shard).start()
        assert self.consumer.wait_ready(30)

    def __call__(self, batch: list[Snapshot]) -> None:
        now = time.monotonic()
        with self.lock:
            for s in batch:
                self.keys[s.routing_key] = now

    def seen(self) -> set[str]:
        with self.lock:
            return set(self.keys)


def publish(publisher: Publisher, hosts: list[str], i: int) -> None:
    publisher(
        [Snapshot(h, "syscalls", "num", "count", 1e9 + i, 1.0, True, [[["bash"], 1]], i, "r") for h in hosts]
    )
    assert publisher.flush(20)


def wait(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.001)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=500)
    ap.add_argument("--members", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    exchange = f"bench.{uuid.uuid4().hex[:8]}"
    hosts = [f"h{i:04d}" for i in range(args.hosts)]
    publisher = Publisher(URL, exchange).start()
    groups: list[str] = []
    print(
        f"{args.hosts} streams; share of each member against the even share (1/N), {args.repeat} groups each"
    )
    print("members  smallest  largest")
    round_no = 0
    try:
        for n in range(1, args.members + 1):
            lows, highs = [], []
            for _ in range(args.repeat):
                group = f"b{uuid.uuid4().hex[:8]}"
                groups.append(group)
                members = [Member(exchange, group, f"m{k}") for k in range(n)]
                round_no += 1
                publish(publisher, hosts, round_no)
                wait(lambda: sum(len(m.seen()) for m in members) == len(hosts))
                shares = [len(m.seen()) * n / len(hosts) for m in members]
                lows.append(min(shares))
                highs.append(max(shares))
                for m in members:
                    m.consumer.stop()
            print(f"{n:7d}  {statistics.mean(lows):8.2f}  {statistics.mean(highs):7.2f}")
        handovers = []
        for _ in range(args.repeat):
            group = f"b{uuid.uuid4().hex[:8]}"
            groups.append(group)
            stays, leaves = Member(exchange, group, "stays"), Member(exchange, group, "leaves")
            round_no += 1
            publish(publisher, hosts, round_no)
            wait(lambda: len(stays.seen()) + len(leaves.seen()) == len(hosts))
            moved = leaves.seen()
            leaves.consumer.stop()
            t0 = time.monotonic()
            round_no += 1
            publish(publisher, hosts, round_no)
            wait(lambda: moved <= stays.seen())
            with stays.lock:
                handovers.append(min(stays.keys[k] for k in moved) - t0)
            stays.consumer.stop()
        print(
            f"handover after a member stops: first moved stream at the other member in "
            f"{statistics.median(handovers) * 1000:.0f} ms (median of {len(handovers)}; "
            f"publishing {args.hosts} snapshots included)"
        )
    finally:
        publisher.close()
        conn = pika.BlockingConnection(pika.URLParameters(URL))
        ch = conn.channel()
        for group in groups:
            ch.exchange_delete(ShardGroup(group).exchange(exchange))
        ch.exchange_delete(exchange)
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
