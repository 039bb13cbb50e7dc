"""Command-line options that several sub-commands share."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeAlias

from ..transport.settings import DEFAULT_EXCHANGE, DEFAULT_URL

#: What each ``cmd_<name>.register`` is handed: ``add_subparsers()``'s action, whose ``add_parser`` adds one
#: sub-command (a string: argparse's class takes no type argument at run time).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_broker_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker",
        default=os.environ.get("SURICATE_BROKER", DEFAULT_URL),
        metavar="URL[,URL...]",
        help="AMQP URL of the broker, or of several nodes of a cluster separated by commas (when the node "
        "in use is lost, the next one that answers is used) (default: $SURICATE_BROKER or %(default)s)",
    )
    parser.add_argument("--exchange", default=DEFAULT_EXCHANGE, help="topic exchange (default: %(default)s)")
    parser.add_argument(
        "--tls-ca",
        metavar="FILE",
        type=ca_file,
        default=os.environ.get("SURICATE_TLS_CA") or None,
        help="PEM file of the private CA that signed the broker's certificate: an amqps:// broker is "
        "verified against it instead of the system's CAs (default: $SURICATE_TLS_CA, else the system's CAs)",
    )


def ca_file(path: str) -> str:
    """``--tls-ca``'s check: a CA file that cannot be loaded is a usage error, said before any connection."""
    from ..transport.reconnect import TlsCaError, tls_context

    try:
        tls_context(path)
    except TlsCaError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return path


def broker_display(urls: str) -> str:
    """The ``--broker`` value for a log line: each URL's host and port, without its credentials."""
    return ",".join(part.split("@")[-1] for part in re.split(r",\s*(?=amqps?://)", urls))


def quiet_pika() -> None:
    """pika logs each failed connection attempt five or six times at ERROR, with a traceback;
    the transport says the same in one line (transport/reconnect.py). pika's own lines show
    only with -vv."""
    import logging

    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("pika").setLevel(logging.CRITICAL)


class LazyChoices:
    """An argument's ``choices`` that a function computes the first time argparse needs them.

    argparse reads ``choices`` to check a value given for that option and to print the
    sub-command's ``--help``; a module that computes them (the translator's architectures, the
    linter's platforms) then loads only for those, not for every command's start. Assign it to
    the action after ``add_argument``, which formats the choices once to check the metavar::

        parser.add_argument("--arch").choices = LazyChoices(architectures)
    """

    def __init__(self, compute: Callable[[], Sequence[str]]) -> None:
        self._compute = compute
        self._values: Sequence[str] | None = None

    def _get(self) -> Sequence[str]:
        if self._values is None:
            self._values = tuple(self._compute())
        return self._values

    def __contains__(self, value: object) -> bool:
        return value in self._get()

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())
