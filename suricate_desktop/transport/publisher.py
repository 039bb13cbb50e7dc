"""The agent's AMQP publisher: confirmed, persistent, buffered, reconnecting.

Snapshots are encoded in the caller's thread and queued; one I/O thread owns a
pika ``SelectConnection`` (pika connections are not thread-safe: the only call
made from other threads is ``add_callback_threadsafe``) and keeps up to
``window`` messages in flight with publisher confirms, so throughput is not one
round trip per message. A message leaves the buffer only when the broker has
confirmed it; if the connection drops, everything unconfirmed goes back to the
front of the buffer and is sent again after reconnecting (``reconnect.Backoff``:
within 2 s of the broker's return, however long it was away). While the broker
is away the buffer holds at most ``max_buffer`` messages and drops the oldest
beyond that, counting them (``dropped``) for the agent's drops stream.

Those drop reports do not share the data's fate: ``report`` keeps them in a
slot of their own, sent before any data and never dropped by the overflow. A
report is a running total, so a newer one of the same stream and run replaces
an unsent older one and nothing is lost. When the broker refuses us for good
(``reconnect.BrokerTrouble.permanent``: a refused login, a missing vhost...)
the publisher stops trying: ``state = "failed"``, ``failed`` set, ``flush``
returns False at once. Given several URLs (a cluster's nodes), a lost or
unreachable node is followed at once by the next one (``reconnect.Brokers``).
A nack (the broker could not take a message) puts the message back in front and
reopens the connection after a pause: a channel whose quorum queue's leader moved
can go on refusing every message (seen on RabbitMQ 3.10 after a node was killed
mid-stream), while a new channel is served by the new leader.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

import pika
import pika.channel
import pika.frame
from pika.exchange_type import ExchangeType

from ..schema import Snapshot, encode
from .reconnect import (
    RETRY_CAP,
    Backoff,
    Brokers,
    BrokerTrouble,
    broker_trouble,
    describe_error,
    forget,
    say,
)
from .settings import DEFAULT_EXCHANGE, DEFAULT_URL

__all__ = ["DEFAULT_EXCHANGE", "DEFAULT_URL", "Publisher", "describe_error"]

log = logging.getLogger(__name__)

_PERSISTENT = pika.BasicProperties(
    delivery_mode=pika.DeliveryMode.Persistent, content_type="application/json"
)
#: Unsent reports of this many (stream, run) pairs at most; beyond that the oldest pair's is dropped.
MAX_REPORTS = 1000

#: A report's slot: (routing key, run).
ReportKey = tuple[str, str]


class Publisher:
    """Call it with snapshots; it delivers them to a topic exchange, at least once."""

    def __init__(
        self,
        url: str | Sequence[str] = DEFAULT_URL,
        exchange: str = DEFAULT_EXCHANGE,
        max_buffer: int = 100_000,
        window: int = 1000,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        tls_ca: str | None = None,
    ):
        #: The broker's nodes (one URL, or several: a cluster's), and which one is in use; amqps://
        #: nodes are verified against ``tls_ca`` (a private CA's PEM file) or the system's CAs.
        self.brokers = Brokers(url, tls_ca)
        self.exchange = exchange
        self.max_buffer = max_buffer
        self.window = window
        self.backoff = backoff
        self._pending: collections.deque[tuple[str, bytes]] = collections.deque()
        #: The newest unsent report of each (stream, run): sent first, never dropped by the overflow.
        self._reports: dict[ReportKey, tuple[str, bytes]] = {}
        #: Delivery tag -> (routing key, body, report slot or None for data).
        self._unconfirmed: dict[int, tuple[str, bytes, ReportKey | None]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._connection: pika.SelectConnection | None = None
        self._channel: pika.channel.Channel | None = None
        self._next_tag = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.state = "connecting"
        self.last_error = ""
        self.published = 0
        self.confirmed = 0
        self.dropped = 0
        #: Reports dropped because more than MAX_REPORTS streams and runs waited at once.
        self.dropped_reports = 0
        self.nacked = 0
        self.reconnects = 0
        #: Successful connections so far (0: the broker was never reached).
        self.connections = 0
        #: Set when the broker refused us in a way retrying cannot mend (state "failed").
        self.failed = threading.Event()
        self._backoff = Backoff(*backoff)
        self._troubled = False  # trouble was said since the last connection
        self._trouble_now: BrokerTrouble | None = None  # what ended the current attempt
        self._reopening = False  # the connection is being closed after a nack, to be made again
        self._nack_reopens = 0  # reopened after nacks since the last confirm

    @property
    def params(self) -> pika.URLParameters:
        """The connection parameters of the broker node in use."""
        return self.brokers.current

    # -- the caller's side -------------------------------------------------------------------------------------------
    def start(self) -> Publisher:
        self._thread = threading.Thread(target=self._run, name="amqp-publisher", daemon=True)
        self._thread.start()
        return self

    def __call__(self, snapshots: Iterable[Snapshot]) -> None:
        self.publish_bodies((s.routing_key, encode(s)) for s in snapshots)

    def publish_bodies(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Queue already-encoded (routing key, body) pairs."""
        with self._lock:
            pending = self._pending
            for item in items:
                if len(pending) >= self.max_buffer:
                    pending.popleft()
                    self.dropped += 1
                pending.append(item)
        self._wake()

    def report(self, snapshot: Snapshot) -> None:
        """Queue a report of running totals (the agent's drops) ahead of the data, safe from the overflow.

        An unsent report of the same stream and run is replaced: this one carries its totals too.
        """
        key = (snapshot.routing_key, snapshot.run)
        item = (snapshot.routing_key, encode(snapshot))
        with self._lock:
            self._reports.pop(key, None)
            self._reports[key] = item
            if len(self._reports) > MAX_REPORTS:
                del self._reports[next(iter(self._reports))]
                self.dropped_reports += 1
        self._wake()

    def buffered(self) -> int:
        """Messages not yet confirmed by the broker."""
        with self._lock:
            return len(self._pending) + len(self._reports) + len(self._unconfirmed)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until the broker has confirmed everything queued so far (False at once if failed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending or self._reports or self._unconfirmed:
                if self.failed.is_set():
                    return False
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(0.1 if remaining is None else min(0.1, remaining))
        return True

    def close(self, timeout: float = 10.0) -> bool:
        """Flush (up to ``timeout`` s), then disconnect. True when nothing was left behind."""
        flushed = self.flush(timeout)
        self._stopping = True
        self._wake()
        if self._thread:
            self._thread.join(timeout=5)
        return flushed

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "state": self.state,
                "published": self.published,
                "confirmed": self.confirmed,
                "dropped": self.dropped,
                "dropped_reports": self.dropped_reports,
                "nacked": self.nacked,
                "reconnects": self.reconnects,
                "buffered": len(self._pending) + len(self._reports) + len(self._unconfirmed),
                "error": self.last_error,
            }

    def _wake(self) -> None:
        connection = self._connection
        if connection is not None:
            try:
                connection.ioloop.add_callback_threadsafe(self._drain)
            except Exception:  # the loop is closing; the next connection drains the buffer
                pass

    # -- the I/O thread ----------------------------------------------------------------------------------------------
    def _run(self) -> None:
        backoff = self._backoff
        while not self._stopping:
            backoff.attempt()
            self._trouble_now = None
            try:
                self._connect_and_serve()
            except Exception as exc:  # a bug must not silence the publisher: say it, start over
                self._trouble_now = None
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("publisher: failed; starting over")
            finally:
                self._connection = None
                self._channel = None
                self._requeue_unconfirmed()
            if self._stopping:
                break
            trouble = self._trouble_now
            after_nack, self._reopening = self._reopening, False
            if trouble is not None:
                self._troubled = True
                self.last_error = trouble.text
                say(trouble)
                if trouble.permanent:
                    self.state = "failed"
                    self.failed.set()
                    with self._idle:
                        self._idle.notify_all()
                    return
            self.reconnects += 1
            self.state = "reconnecting"
            # Another node to try at once, or a pause once every node was tried; after a
            # nack, the same node again after a pause.
            if after_nack:  # doubling while reopened connections only get nacks (a queue refusing, full)
                delay = min(self.backoff[1], self.backoff[0] * 2**self._nack_reopens)
                self._nack_reopens += 1
            else:
                delay = 0.0 if self.brokers.lost() else backoff.pause()
            end = time.monotonic() + delay
            while not self._stopping and time.monotonic() < end:
                time.sleep(0.02)
        self.state = "closed"

    def _connect_and_serve(self) -> None:
        """One connection, from connecting to closed; callbacks record in ``_trouble_now`` what ended it."""
        self._connection = pika.SelectConnection(
            self.params,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        self._connection.ioloop.start()

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_open_error(self, connection: pika.SelectConnection, error: BaseException) -> None:
        self._trouble_now = broker_trouble(error, self.params)
        self.state = "error"
        connection.ioloop.stop()

    def _on_closed(self, connection: pika.SelectConnection, reason: BaseException) -> None:
        if not self._stopping and self._trouble_now is None:
            self._trouble_now = broker_trouble(reason, self.params)
        connection.ioloop.stop()

    def _on_channel(self, channel: pika.channel.Channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.exchange_declare(self.exchange, ExchangeType.topic, durable=True, callback=self._on_exchange)

    def _on_channel_closed(self, channel: pika.channel.Channel, reason: BaseException) -> None:
        if not self._stopping and self._trouble_now is None:
            self._trouble_now = broker_trouble(reason, self.params)
        if self._connection and self._connection.is_open:
            self._connection.close()

    def _on_exchange(self, _frame: pika.frame.Method) -> None:
        assert self._channel is not None  # set by _on_channel, which declared the exchange
        self._channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame: pika.frame.Method) -> None:
        self._next_tag = 0
        self.state = "connected"
        self.last_error = ""
        self.connections += 1
        self.brokers.connected()
        self._backoff.succeeded()
        if self._troubled:
            log.info("publisher: broker %s:%s connected again", self.params.host, self.params.port)
            forget(self.params)
            self._troubled = False
        self._drain()

    def _drain(self) -> None:
        if self._stopping:
            if self._connection and self._connection.is_open:
                self._connection.close()
            return
        channel = self._channel
        if channel is None or self.state != "connected" or not channel.is_open:
            return
        publish = channel.basic_publish
        while True:
            with self._lock:
                if len(self._unconfirmed) >= self.window:
                    return
                if self._reports:
                    slot = next(iter(self._reports))
                    routing_key, body = self._reports.pop(slot)
                elif self._pending:
                    slot = None
                    routing_key, body = self._pending.popleft()
                else:
                    return
                self._next_tag += 1
                self._unconfirmed[self._next_tag] = (routing_key, body, slot)
                self.published += 1
            publish(self.exchange, routing_key, body, _PERSISTENT)

    def _on_confirm(self, frame: pika.frame.Method) -> None:
        method = frame.method
        tag = method.delivery_tag
        nack = isinstance(method, pika.spec.Basic.Nack)
        with self._idle:
            if method.multiple:
                # Tags are handed out in order and the dict keeps insertion order: the confirmed
                # ones are a prefix, so stop at the first later tag (not a scan of the window).
                done = list(itertools.takewhile(lambda t: t <= tag, self._unconfirmed))
            else:
                done = [tag] if tag in self._unconfirmed else []
            items = [self._unconfirmed.pop(t) for t in done]
            if nack:
                # The broker could not take them: send them again, first, on a new connection.
                self.nacked += len(items)
                self._put_back(items)
                if items and not self._reopening:
                    self._reopen(len(items))
            else:
                self.confirmed += len(items)
                if items:
                    self._nack_reopens = 0
            self._idle.notify_all()
        self._drain()

    def _reopen(self, count: int) -> None:
        """After a nack: close this connection; ``_run`` makes a new one after a pause. Under the lock."""
        self._reopening = True
        self._trouble_now = BrokerTrouble(
            f"broker {self.brokers.where()} refused {count} message(s) (nack); sending them again "
            "on a new connection",
            False,
        )
        connection = self._connection
        if connection is not None and connection.is_open:
            connection.ioloop.add_callback_threadsafe(connection.close)

    def _requeue_unconfirmed(self) -> None:
        with self._idle:
            if self._unconfirmed:
                items = [self._unconfirmed[t] for t in sorted(self._unconfirmed)]
                self._unconfirmed.clear()
                self._put_back(items)
            self._idle.notify_all()

    def _put_back(self, items: list[tuple[str, bytes, ReportKey | None]]) -> None:
        """Unconfirmed messages go out again first: data at the front of the buffer, reports to
        their slot unless a newer report of theirs is waiting there already. Under the lock."""
        data = [(routing_key, body) for routing_key, body, slot in items if slot is None]
        self._pending.extendleft(reversed(data))
        for routing_key, body, slot in items:
            if slot is not None and slot not in self._reports:
                self._reports[slot] = (routing_key, body)
