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
    """pika logs every connection step at INFO; the user wants our messages, not its."""
    import logging

    logging.getLogger("pika").setLevel(logging.WARNING)
