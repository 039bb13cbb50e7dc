"""Command-line options that several sub-commands share."""

from __future__ import annotations

import argparse
import os

from ..transport.publisher import DEFAULT_EXCHANGE, DEFAULT_URL


def add_broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker", default=os.environ.get("SURICATE_BROKER", DEFAULT_URL), metavar="URL",
        help="AMQP URL of the broker (default: $SURICATE_BROKER or %(default)s)",
    )
    parser.add_argument("--exchange", default=DEFAULT_EXCHANGE, help="topic exchange (default: %(default)s)")


def quiet_pika() -> None:
    """pika logs each failed connection attempt five or six times at ERROR, with a traceback;
    the transport says the same in one line (transport/reconnect.py). pika's own lines show
    only with -vv."""
    import logging

    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("pika").setLevel(logging.CRITICAL)
