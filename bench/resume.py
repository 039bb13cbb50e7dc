"""How long after a broker comes back do the publisher and the consumer carry data again?

Starts a RabbitMQ node of its own (tests/broker_node.py: needs root and rabbitmq-server),
runs the agent's ``Publisher`` (a snapshot every 20 ms) and the desk's ``Consumer`` (a durable
queue) against it, stops the node for each outage length asked for, starts it again and measures,
from the moment the node accepts a login again:

* publisher: until the first snapshot published after the outage is confirmed by the broker
  (its ``confirmed`` count grows);
* consumer: until it hands over the first message published after the outage by a bare pika
  connection opened the moment the node was ready (so the consumer's own reconnection is timed,
  not the publisher's).

Usage: python bench/resume.py [--outages 3,25] [--repeat 2] [--tree PATH]
(``--tree`` times another checkout's transport, e.g. the code before a change).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    for port in range(5901, 6100):
        ok = True
        for p in (port, port + 20000):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
        if ok:
            return port
    raise RuntimeError("no free port pair for a broker node")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outages", default="3,25", help="outage lengths in seconds, comma-separated")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--tree", default=str(HERE), help="checkout whose suricate_desktop is timed")
    ap.add_argument("--kill", action="store_true", help="SIGKILL the node instead of a clean stop")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE / "tests"))
    sys.path.insert(0, args.tree)
    import pika
    from broker_node import BrokerNode, rabbitmq_available

    from suricate_desktop.schema import Snapshot, encode
    from suricate_desktop.transport.consumer import Consumer
    from suricate_desktop.transport.publisher import Publisher

    why = rabbitmq_available()
    if why:
        sys.exit(why)
    node = BrokerNode(_free_port()).start()
    exchange, queue = "bench.resume", "bench.resume.q"
    received = [0]

    def sink(batch):
        received[0] += len(batch)

    consumer = Consumer(sink, node.url, exchange, bindings=["#"], queue=queue).start()
    consumer.wait_ready(20)
    publisher = Publisher(node.url, exchange).start()
    stop = threading.Event()

    def produce() -> None:
        seq = 0
        while not stop.wait(0.02):
            seq += 1
            publisher(
                [
                    Snapshot(
                        "bench", "resume", "tick", "count", time.time(), 0.02, True, [[["k"], 1]], seq, "r"
                    )
                ]
            )

    threading.Thread(target=produce, daemon=True).start()
    results: dict[float, list[tuple[float, float]]] = {}
    try:
        for outage in [float(x) for x in args.outages.split(",")]:
            for _ in range(args.repeat):
                time.sleep(2)
                (node.kill if args.kill else node.stop)()
                time.sleep(outage)
                confirmed_before = publisher.confirmed
                node.start()
                ready = time.monotonic()
                # A probe published the moment the node is back: the consumer's resume, on its own.
                params = pika.URLParameters(node.url)
                conn = pika.BlockingConnection(params)
                ch = conn.channel()
                ch.exchange_declare(exchange, "topic", durable=True)
                got = received[0]
                probe = Snapshot(
                    "bench", "resume", "probe", "count", time.time(), 1.0, True, [[["k"], 1]], 0, ""
                )
                ch.basic_publish(exchange, "bench.resume.probe", encode(probe))
                conn.close()
                pub = cons = None
                while (pub is None or cons is None) and time.monotonic() - ready < 60:
                    now = time.monotonic() - ready
                    if pub is None and publisher.confirmed > confirmed_before:
                        pub = now
                    if cons is None and received[0] > got:
                        cons = now
                    time.sleep(0.01)
                results.setdefault(outage, []).append((pub, cons))
                print(
                    f"outage {outage:g}s: publisher resumed {pub:.2f}s, consumer {cons:.2f}s after the node "
                    "was ready",
                    flush=True,
                )
    finally:
        stop.set()
        publisher.close(5)
        consumer.stop()
        node.remove()
    for outage, pairs in results.items():
        pubs = [p for p, _ in pairs if p is not None]
        conss = [c for _, c in pairs if c is not None]
        print(
            f"outage {outage:g}s x{len(pairs)}: publisher median {statistics.median(pubs):.2f}s "
            f"max {max(pubs):.2f}s; consumer median {statistics.median(conss):.2f}s max {max(conss):.2f}s"
        )


if __name__ == "__main__":
    main()
