"""How every broker connection of the project connects, retries, and gives up.

The publisher (its own ``SelectConnection`` loop) and the connection threads
(consumer, control server, control client) share three things from here:

* ``connection_parameters``: pika's parameters with timeouts short enough that
  no attempt hangs for long (pika's defaults wait 10 s for a TCP connect and
  15 s for the whole handshake, which is what let a resume take over 10 s),
  and TLS: an ``amqps://`` URL verifies the broker's certificate and host name
  against the system's CAs, or against ``tls_ca`` (a private CA's PEM file)
  when one is given. Every connection a source makes (its streams, the
  workers' status, jobs, control) is built here with the source's ``tls_ca``,
  so none of them trusts less, or more, than the others;
* ``Backoff``: the pause between attempts, doubling from the first delay to at
  most ``RETRY_CAP``, counted from the start of the failed attempt and reset by
  every successful connection, so however long the broker was away, a client
  tries again within ``RETRY_CAP`` seconds of it coming back (within
  ``HANDSHAKE_TIMEOUT`` when an attempt hangs on a half-open link);
* ``Brokers``: the nodes of a cluster a client may use (several URLs, in order): a client
  connects to the current one and, when it is lost or does not answer, tries the next one at
  once; only after a whole round without a connection does it pause (``Backoff``);
* ``BrokerTrouble``: one readable line for what went wrong, and whether trying
  again can help: a refused login, a missing vhost, a refused permission or a
  broker certificate that does not verify is *permanent* (the connection gives
  up and says so once); an unreachable or restarting broker is *transient*
  (retried; said once per cause, not once per attempt).
"""

from __future__ import annotations

import logging
import random
import re
import ssl
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import pika
import pika.exceptions
from pika.adapters.utils.connection_workflow import (
    AMQPConnectorSocketConnectError,
    AMQPConnectorStackTimeout,
    AMQPConnectorTransportSetupError,
)

log = logging.getLogger(__name__)

#: Longest pause between two connection attempts, in seconds.
RETRY_CAP = 2.0
#: TCP connect timeout: a SYN answered neither by SYN-ACK nor by RST (a host that is down or
#: firewalled) fails after this; 3 s still covers one retransmitted SYN (sent after 1 s).
CONNECT_TIMEOUT = 3.0
#: TCP + TLS + AMQP handshake, all of it: an attempt on a link that swallows packets gives up after this.
HANDSHAKE_TIMEOUT = 4.0
#: AMQP heartbeat (s): a connection whose link died silently is given up within 1.5 to 2.5 times this.
HEARTBEAT = 10


class TlsCaError(OSError):
    """The private CA file cannot be used (missing, unreadable, not PEM): said before any connection."""


def tls_context(tls_ca: str | None = None) -> ssl.SSLContext:
    """A client context that verifies the broker's certificate and host name: against ``tls_ca``, else
    the system's CAs. Raises ``TlsCaError`` naming the file when ``tls_ca`` cannot be loaded."""
    try:
        return ssl.create_default_context(cafile=tls_ca or None)
    except OSError as exc:
        reason = exc.strerror or getattr(exc, "reason", None) or str(exc)
        raise TlsCaError(f"cannot use the TLS CA file {tls_ca!r}: {reason}") from exc


def connection_parameters(url: str, tls_ca: str | None = None) -> pika.URLParameters:
    """pika's parameters for ``url``, one attempt each, with our timeouts unless the URL sets its own.

    ``amqps://`` (or any URL given a ``tls_ca``) talks TLS and checks the broker's certificate and
    host name: against ``tls_ca`` when given, else against the system's CAs. pika's own amqps
    setup (the system's CAs, or whatever an ``ssl_options`` URL argument builds) is always
    replaced, as the consumer's always was, so every connection of the project trusts the same
    brokers (a client certificate, mutual TLS, is not offered).
    """
    params = pika.URLParameters(url)
    if tls_ca or urllib.parse.urlsplit(url).scheme == "amqps":
        params.ssl_options = pika.SSLOptions(tls_context(tls_ca), params.host)
    given = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    params.connection_attempts = 1
    if "socket_timeout" not in given:
        params.socket_timeout = CONNECT_TIMEOUT
    if "stack_timeout" not in given:
        params.stack_timeout = HANDSHAKE_TIMEOUT
    if "heartbeat" not in given:
        params.heartbeat = HEARTBEAT
    return params


def broker_urls(urls: str | Sequence[str]) -> list[str]:
    """The URLs in ``urls``: a list, or one string of comma-separated ``amqp://``/``amqps://`` URLs.

    A comma splits only where the next URL starts, so a comma inside a URL's query stays in it.
    """
    items = [urls] if isinstance(urls, str) else list(urls)
    found = [
        part.strip()
        for item in items
        for part in re.split(r",\s*(?=amqps?://)", item.strip())
        if part.strip()
    ]
    if not found:
        raise ValueError("no broker URL given")
    return found


class Brokers:
    """The broker nodes a client may use, in order, and which one it is on (``current``).

    ``lost()`` moves to the next node and says whether it is worth trying at once: True until every
    node was tried since the last connection (a killed node's clients then reach the next one
    without waiting), False once a whole round failed (the caller pauses with its ``Backoff``).
    """

    def __init__(self, urls: str | Sequence[str], tls_ca: str | None = None):
        self.urls = broker_urls(urls)
        #: The private CA every node's certificate is checked against (None: the system's CAs).
        self.tls_ca = tls_ca or None
        self.all = [connection_parameters(url, self.tls_ca) for url in self.urls]
        self.index = 0
        self._tried = 1  # nodes tried since the last connection, the current one included

    @property
    def current(self) -> pika.URLParameters:
        return self.all[self.index]

    def where(self, index: int | None = None) -> str:
        params = self.all[self.index if index is None else index]
        return f"{params.host}:{params.port}"

    def connected(self) -> None:
        """The current node answered."""
        self._tried = 1

    def lost(self) -> bool:
        """The current node failed or dropped us: move on; True if the next one is to be tried at once."""
        if len(self.all) == 1:
            return False
        previous = self.index
        self.index = (self.index + 1) % len(self.all)
        fresh = self._tried < len(self.all)
        self._tried = self._tried + 1 if fresh else 1
        log.info("broker %s lost or unreachable; trying %s", self.where(previous), self.where())
        return fresh


class Backoff:
    """Pauses between connection attempts: first, doubling to the cap, reset after a success.

    After an attempt that never connected, the pause runs from that attempt's start, so one
    that took long to fail (a handshake timeout) is followed at once by the next. After a
    connection that was up, the pause is the first delay (so one that drops as soon as it is
    made is not retried in a tight loop). Each pause is jittered down by up to a quarter, so
    a fleet of agents that lost the same broker does not knock on it in step.
    """

    def __init__(self, first: float, cap: float):
        self.first = max(0.0, first)
        self.cap = max(self.first, min(cap, RETRY_CAP))
        self._next = self.first
        self._started = time.monotonic()
        self._connected = False

    def attempt(self) -> None:
        """An attempt starts now."""
        self._started = time.monotonic()
        self._connected = False

    def succeeded(self) -> None:
        """The attempt connected: the next trouble starts from the first delay again."""
        self._next = self.first
        self._connected = True

    def pause(self) -> float:
        """Seconds to wait now, after a failed attempt or a lost connection (the next pause doubles)."""
        delay = self._next * random.uniform(0.75, 1.0)
        self._next = min(self._next * 2, self.cap)
        if self._connected:
            return delay
        return max(0.0, delay - (time.monotonic() - self._started))


@dataclass(frozen=True)
class BrokerTrouble:
    """What went wrong with a broker connection, in one line, and whether retrying can help."""

    text: str
    permanent: bool


def describe_error(error: BaseException) -> str:
    """A readable reason ("Connection refused") from pika's nested connection errors."""
    error = _layers(error)[-1]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).strip() or type(error).__name__


def broker_trouble(
    error: BaseException, params: pika.ConnectionParameters, detail: str | None = None
) -> BrokerTrouble:
    """Classify ``error`` (from connecting or from a channel of ``params``' broker) as permanent or not.

    ``detail``: the caller's own reason for a transient error (default: ``describe_error``'s).
    """
    where = f"{params.host}:{params.port}"
    user = getattr(params.credentials, "username", "?")
    vhost = params.virtual_host
    layers = _layers(error)
    text = " ".join(str(e) for e in layers)
    for e in layers:
        if isinstance(e, (pika.exceptions.ProbableAuthenticationError, pika.exceptions.AuthenticationError)):
            return BrokerTrouble(f"broker {where} refused the login for user '{user}'", True)
        if isinstance(e, pika.exceptions.ProbableAccessDeniedError) or (
            isinstance(e, pika.exceptions.ConnectionClosedByBroker) and e.reply_code == 530
        ):
            if re.search(r"vhost .* not found", text):
                return BrokerTrouble(f"broker {where} has no vhost '{vhost}'", True)
            return BrokerTrouble(f"broker {where} refused user '{user}' access to vhost '{vhost}'", True)
        if isinstance(e, pika.exceptions.ChannelClosedByBroker) and e.reply_code in (403, 404, 406):
            # No permission on an exchange or queue, or one declared before with other settings:
            # the same declaration fails the same way every time.
            return BrokerTrouble(f"broker {where} refused user '{user}': {e.reply_text}", True)
        if isinstance(e, ssl.SSLCertVerificationError):
            return BrokerTrouble(
                f"broker {where}: TLS certificate not trusted: {e.verify_message or e}", True
            )
        if isinstance(e, ssl.SSLError) and "WRONG_VERSION_NUMBER" in str(e):
            return BrokerTrouble(f"broker {where} does not speak TLS on this port", True)
        if isinstance(e, pika.exceptions.ConnectionClosedByBroker):
            return BrokerTrouble(
                f"broker {where} closed the connection: {e.reply_text or e.reply_code}", False
            )
        if isinstance(e, pika.exceptions.ChannelClosedByBroker):
            return BrokerTrouble(f"broker {where}: {detail or e.reply_text or e.reply_code}", False)
        if isinstance(e, pika.exceptions.StreamLostError):
            return BrokerTrouble(f"broker {where}: connection lost", False)
    reason = detail if detail is not None else describe_error(error)
    if _before_login(layers):
        return BrokerTrouble(f"broker {where} unreachable: {reason[:1].lower()}{reason[1:]}", False)
    return BrokerTrouble(f"broker {where}: {reason}", False)


def _layers(error: BaseException) -> list[BaseException]:
    """``error`` and the errors pika wrapped in it, outermost first."""
    layers = [error]
    for _ in range(6):
        inner = getattr(error, "exceptions", None) or [getattr(error, "exception", None)]
        if inner[-1] is None and error.args and isinstance(error.args[0], BaseException):
            inner = [error.args[0]]
        if not isinstance(inner[-1], BaseException):
            break
        error = inner[-1]
        layers.append(error)
    return layers


def _before_login(layers: list[BaseException]) -> bool:
    """Did the connection fail before the broker answered (refused, timed out, no such host)?"""
    return (
        any(
            isinstance(
                e,
                (
                    OSError,
                    AMQPConnectorSocketConnectError,
                    AMQPConnectorStackTimeout,
                    AMQPConnectorTransportSetupError,
                ),
            )
            for e in layers
        )
        or type(layers[-1]) is pika.exceptions.AMQPConnectionError
    )


_said: dict[str, float] = {}
_said_lock = threading.Lock()
#: A transient trouble is said again after this many seconds, if it lasts (a reminder, not a flood).
REPEAT_AFTER = 300.0


def say(trouble: BrokerTrouble, retrying: bool = True) -> None:
    """Log ``trouble`` once for the whole process (every connection to the same broker
    meets the same trouble), again only after ``REPEAT_AFTER`` seconds."""
    line = trouble.text + (
        "; retrying cannot help" if trouble.permanent else "; retrying" if retrying else ""
    )
    now = time.monotonic()
    with _said_lock:
        last = _said.get(line)
        fresh = last is None or now - last >= REPEAT_AFTER
        if fresh:
            _said[line] = now
            if len(_said) > 1000:  # bounded: forget the oldest lines
                for old in sorted(_said, key=_said.__getitem__)[:500]:
                    del _said[old]
    if trouble.permanent:
        (log.error if fresh else log.debug)("%s", line)
    else:
        (log.warning if fresh else log.debug)("%s", line)


def forget(params: pika.ConnectionParameters) -> None:
    """A connection to this broker got through: troubles with it are said again when they come back."""
    prefix = f"broker {params.host}:{params.port} "
    with _said_lock:
        for line in [line for line in _said if line.startswith(prefix)]:
            del _said[line]
