"""``suricate record``: consume streams from a broker into a Parquet recording."""

from __future__ import annotations

import argparse
import logging
import re
import sys
import threading
import time
from pathlib import Path

from ..runtime import tune_for_ingest
from ..store.recording import RecordingWriter
from ..transport.consumer import Consumer, LegacyQueue
from .broker_errors import BROKER_REFUSED, NEVER_REACHED, BrokerWatch
from .options import add_broker_options, quiet_pika
from .signals import on_terminate

log = logging.getLogger("suricate.record")


def register(sub) -> None:
    p = sub.add_parser(
        "record",
        help="record streams from the broker into a folder of Parquet segments",
        description="Bind a durable queue to the exchange by routing-key patterns and write what arrives as "
        "Parquet segments (one a second, each written atomically). Open the folder with pandas or DuckDB "
        "(suricate query), or play it back with suricate replay.",
    )
    p.add_argument("--bind", action="append", metavar="PATTERN",
                   help="routing-key pattern <host>.<source>.<aggregation>, e.g. 'web01.#' or '*.*.syscalls' "
                   "(repeatable; default: '#', everything)")
    p.add_argument("--legacy-queue", action="append", default=[], metavar="QUEUE[:HOST]",
                   help="also read a queue of the 2012 sender's str({key: value}) bodies (e.g. dtrace)")
    p.add_argument("--out", required=True, metavar="DIR", help="recording folder (created; appended to if it exists)")
    p.add_argument("--queue", help="durable queue name (default: suricate.record.<folder name>)")
    p.add_argument("-d", "--duration", type=float, default=0.0, help="seconds to record; 0 = until stopped")
    p.add_argument("--rotate", type=float, default=1.0, help="seconds per segment (default: 1)")
    add_broker_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    quiet_pika()
    out = Path(args.out)
    bindings = args.bind or ["#"]
    queue = args.queue or "suricate.record." + re.sub(r"[^A-Za-z0-9_.-]", "_", out.resolve().name)
    writer = RecordingWriter(out, rotate_seconds=args.rotate,
                             meta={"bindings": bindings, "queue": queue, "exchange": args.exchange})
    consumer = Consumer(writer, args.broker, args.exchange, bindings, queue=queue,
                        legacy_queues=[LegacyQueue.parse(q) for q in args.legacy_queue])
    done = threading.Event()
    on_terminate(done.set)
    tune_for_ingest()
    consumer.start()
    log.info("record: %s -> %s (queue %s, bindings %s)", args.broker.split("@")[-1], out, queue, " ".join(bindings))
    deadline = time.monotonic() + args.duration if args.duration else None
    watch = BrokerWatch("record", consumer, log=log)
    while not done.wait(0.5) and not watch.failed():
        watch.poll()
        if deadline and time.monotonic() >= deadline:
            break
    consumer.stop()
    try:
        writer.close()
    except OSError as exc:
        print(f"suricate record: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    log.info("record: %d snapshots in %d segments, %d rejected, %d duplicates dropped",
                writer.snapshots_written, writer.segments_written, consumer.rejected, consumer.duplicates)
    if watch.failed():
        return BROKER_REFUSED
    if watch.never_reached():
        print(f"suricate record: nothing recorded: the broker never answered ({consumer.last_error})", file=sys.stderr)
        return NEVER_REACHED
    return 0
