"""``suricate replay``: publish a recording back to a broker, paced as recorded."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
import threading
from typing import TYPE_CHECKING

from .broker_errors import BROKER_REFUSED, BrokerWatch
from .options import add_broker_options, quiet_pika
from .signals import on_terminate

if TYPE_CHECKING:
    from .options import Subparsers

log = logging.getLogger("suricate.replay")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "replay",
        help="publish a recording back to the broker with its original spacing",
        description="Publish a recording's snapshots to the exchange with their original spacing "
        "divided by --speed, re-timed to now (unless --original-time).",
    )
    p.add_argument("recording", metavar="DIR")
    p.add_argument("--speed", type=float, default=1.0, help="time factor: 2 = twice as fast, 0 = no pauses")
    p.add_argument("--original-time", action="store_true", help="keep the recorded timestamps")
    add_broker_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: pyarrow and pika load only when a replay starts, not for `suricate --help`
    from ..schema.limits import MAX_RUN
    from ..store.recording import iter_snapshots, segments
    from ..store.replay import paced
    from ..transport.publisher import Publisher

    quiet_pika()
    try:
        if not segments(args.recording):
            print(f"suricate replay: {args.recording} holds no segments", file=sys.stderr)
            return 1
    except FileNotFoundError as exc:
        print(f"suricate replay: {exc}", file=sys.stderr)
        return 1
    publisher = Publisher(args.broker, args.exchange, tls_ca=args.tls_ca).start()
    stopped = threading.Event()
    on_terminate(stopped.set)
    watch = BrokerWatch("replay", publisher, log=log)
    finished = threading.Event()
    watch.stop_on_failure(stopped.set, finished)
    # Each replay is a run of its own: consumers drop copies by (stream, run, seq), and a second replay
    # of the same recording is not a copy of the first.
    suffix = f".replay-{secrets.token_hex(4)}"
    count = 0

    def sleep(seconds: float) -> None:  # woken early by a stop
        stopped.wait(seconds)

    for snap in paced(iter_snapshots(args.recording), args.speed, retime=not args.original_time, sleep=sleep):
        if stopped.is_set():
            break
        snap.run = (snap.run or "recording")[: MAX_RUN - len(suffix)] + suffix
        publisher([snap])
        count += 1
    finished.set()
    ok = publisher.close(timeout=30)
    log.info("replay: %d snapshots published, %d confirmed", count, publisher.confirmed)
    if watch.failed():
        return BROKER_REFUSED
    if not ok:
        print(
            f"suricate replay: {publisher.buffered()} snapshots not confirmed ({publisher.last_error})",
            file=sys.stderr,
        )
        return 3
    return 0
