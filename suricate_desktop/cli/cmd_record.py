"""``suricate record``: consume streams from a broker into a Parquet recording.

Each recording reads a durable queue of its own, named from the folder's absolute
path, so two recordings never share one. The queue's bindings follow the command
line: the patterns it was bound to before (kept in the recording's meta, since
AMQP cannot list bindings) and not asked for now are removed. A queue no recorder
reads is deleted by the broker after ``--queue-expires`` hours, and holds at most
a million messages meanwhile (the oldest dropped first).

With ``--shared-queue QUEUE`` several recorders share one recording: they consume
one durable quorum queue as competing consumers (each message to one of them),
each writes its segments into ``instances/<instance>/`` of the folder, and the
folder holds every snapshot once (docs/sharding.md).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .broker_errors import BROKER_REFUSED, NEVER_REACHED, BrokerWatch
from .options import add_broker_options, broker_display, quiet_pika
from .signals import on_terminate

if TYPE_CHECKING:
    from .options import Subparsers

log = logging.getLogger("suricate.record")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "record",
        help="record streams from the broker into a folder of Parquet segments",
        description="Bind a durable queue of the recording's own to the exchange by routing-key patterns and "
        "write what arrives as Parquet segments (one a second, each written atomically); a message is "
        "acknowledged only once it is on disk, and copies are dropped, so a crash loses and doubles nothing. "
        "Open the folder with pandas or DuckDB (suricate query), or play it back with suricate replay.",
    )
    p.add_argument(
        "--bind",
        action="append",
        metavar="PATTERN",
        help="routing-key pattern <host>.<source>.<aggregation>, e.g. 'web01.#' or '*.*.syscalls' "
        "(repeatable; default: '#', everything)",
    )
    p.add_argument(
        "--legacy-queue",
        action="append",
        default=[],
        metavar="QUEUE[:HOST]",
        help="also read a queue of the 2012 sender's str({key: value}) bodies (e.g. dtrace)",
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="recording folder (created; appended to if it exists)"
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--queue",
        help="durable queue name (default: suricate.record.<folder name>.<8 hex digits of "
        "its absolute path>, one queue per recording)",
    )
    which.add_argument(
        "--shared-queue",
        metavar="QUEUE",
        help="record with other recorders: all read this durable quorum queue as competing consumers "
        "(each message to one), each writes its own segments into DIR/instances/<instance>/, and "
        "the folder holds every snapshot once; give every recorder the same QUEUE, --bind and --out "
        "(the folder shared, e.g. over NFS, or one machine)",
    )
    p.add_argument(
        "--instance",
        metavar="NAME",
        help="with --shared-queue: this recorder's folder under DIR/instances/ (default: <host name>-<pid>)",
    )
    p.add_argument(
        "--queue-expires",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="the broker deletes the queue once no recorder has read it for this long, with what it "
        "holds (default: 24; 0 = never); meanwhile it keeps at most 1,000,000 messages, the oldest "
        "dropped first",
    )
    p.add_argument(
        "--queue-type",
        choices=("classic", "quorum"),
        default="classic",
        help="classic (default: one node holds it) or quorum (replicated on a cluster's nodes: the recording "
        "goes on, nothing lost, when the node holding it dies; give every node with --broker). RabbitMQ "
        "cannot change a queue's type: a new type needs another --queue or --out",
    )
    p.add_argument("-d", "--duration", type=float, default=0.0, help="seconds to record; 0 = until stopped")
    p.add_argument("--rotate", type=float, default=1.0, help="seconds per segment (default: 1)")
    add_broker_options(p)
    p.set_defaults(func=run)


def queue_name(folder: Path) -> str:
    """The recording's own queue: its folder's name for people, a hash of its absolute path for uniqueness."""
    path = folder.resolve()
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
    return f"suricate.record.{re.sub(r'[^A-Za-z0-9_.-]', '_', path.name)}.{digest}"


def run(args: argparse.Namespace) -> int:
    # deferred: pyarrow and pika load only when a recording starts, not for `suricate --help`
    from ..runtime import tune_for_ingest
    from ..store.recording import RecordingWriter, read_meta, update_meta
    from ..store.shared_recording import SharedRecordingWriter
    from ..transport.consumer import Consumer, LegacyQueue
    from ..transport.sharding import default_instance

    quiet_pika()
    out = Path(args.out)
    bindings = args.bind or ["#"]
    shared = args.shared_queue
    if args.instance and not shared:
        print("suricate record: --instance names a recorder of a --shared-queue", file=sys.stderr)
        return 2
    queue = shared or args.queue or queue_name(out)
    previous = read_meta(out)
    before = previous.get("queue")
    # A shared queue's bindings are every recorder's: one recorder does not unbind what another asked for.
    stale = (
        [p for p in previous.get("bindings", []) if p not in bindings]
        if before == queue and not shared
        else []
    )
    if before and before != queue and not args.queue and not shared:
        log.warning(
            "record: this recording read queue %s before and now reads %s (one queue per recording); "
            "what is left in %s is not read: record it with --queue %s, or delete it",
            before,
            queue,
            before,
            before,
        )
    meta = {"bindings": bindings, "queue": queue, "exchange": args.exchange}
    writer: RecordingWriter
    if shared:
        instance = args.instance or default_instance()
        try:
            writer = SharedRecordingWriter(out, instance, rotate_seconds=args.rotate, meta=meta)
        except ValueError as exc:
            print(f"suricate record: {exc}", file=sys.stderr)
            return 2
    else:
        writer = RecordingWriter(out, rotate_seconds=args.rotate, meta=meta)
    consumer = Consumer(
        writer,  # a durable sink: Consumer tells it apart at run time and acks what it has stored
        args.broker,
        args.exchange,
        bindings,
        queue=queue,
        legacy_queues=[LegacyQueue.parse(q) for q in args.legacy_queue],
        queue_expires=args.queue_expires * 3600 or None,
        unbind=stale,
        queue_type="quorum" if shared else args.queue_type,
        tls_ca=args.tls_ca,
    )
    # Until the consumer has bound and unbound, the queue may have either set: the meta names both.
    update_meta(
        out,
        {
            "queue": queue,
            "exchange": args.exchange,
            "bindings": [*bindings, *stale],
            "queue_arguments": consumer.queue_arguments(),
            **({"shared": True} if shared else {}),
        },
    )
    done = threading.Event()
    on_terminate(done.set)
    tune_for_ingest()
    consumer.start()
    log.info(
        "record: %s -> %s (queue %s%s, bindings %s)",
        broker_display(args.broker),
        writer.folder,
        queue,
        ", shared" if shared else "",
        " ".join(bindings),
    )
    deadline = time.monotonic() + args.duration if args.duration else None
    watch = BrokerWatch("record", consumer, log=log)
    bound = False
    while not done.wait(0.5) and not watch.failed():
        watch.poll()
        if not bound and consumer.wait_ready(0):
            update_meta(out, {"bindings": bindings})
            bound = True
        if consumer.failure or writer.failure:
            break
        if deadline and time.monotonic() >= deadline:
            break
    consumer.stop()
    try:
        writer.close()
    except Exception:  # the writer's failure is said below, once
        pass
    failure = consumer.failure or (
        writer.failure and f"{writer.failure}; nothing after it was acknowledged (queue {queue} keeps it)"
    )
    if failure:
        print(f"suricate record: {failure}", file=sys.stderr)
        return 1
    log.info(
        "record: %d snapshots in %d segments, %d rejected, %d duplicates dropped",
        writer.snapshots_written,
        writer.segments_written,
        consumer.rejected,
        consumer.duplicates,
    )
    if watch.failed():
        return BROKER_REFUSED
    if watch.never_reached():
        print(
            f"suricate record: nothing recorded: the broker never answered ({consumer.last_error})",
            file=sys.stderr,
        )
        return NEVER_REACHED
    return 0
