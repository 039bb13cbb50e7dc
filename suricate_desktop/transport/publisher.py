"""The agent's AMQP publisher: confirmed, persistent, buffered, reconnecting.

Snapshots are encoded in the caller's thread and queued; one I/O thread owns a
pika ``SelectConnection`` (pika connections are not thread-safe: the only call
made from other threads is ``add_callback_threadsafe``) and keeps up to
``window`` messages in flight with publisher confirms, so throughput is not one
round trip per message. A message leaves the buffer only when the broker has
confirmed it; if the connection drops, everything unconfirmed goes back to the
front of the buffer and is sent again after reconnecting (with backoff). While
the broker is away the buffer holds at most ``max_buffer`` messages and drops
the oldest beyond that, counting them (``dropped``) for the agent's drops stream.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from typing import Iterable

import pika
from pika.exchange_type import ExchangeType

from ..schema import Snapshot, encode

log = logging.getLogger(__name__)

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_EXCHANGE = "suricate"
_PERSISTENT = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, content_type="application/json")


class Publisher:
    """Call it with snapshots; it delivers them to a topic exchange, at least once."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        exchange: str = DEFAULT_EXCHANGE,
        max_buffer: int = 100_000,
        window: int = 1000,
        backoff: tuple[float, float] = (0.2, 10.0),
    ):
        self.params = pika.URLParameters(url)
        self.params.heartbeat = 30
        self.params.connection_attempts = 1
        self.exchange = exchange
        self.max_buffer = max_buffer
        self.window = window
        self.backoff = backoff
        self._pending: collections.deque[tuple[str, bytes]] = collections.deque()
        self._unconfirmed: dict[int, tuple[str, bytes]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._connection: pika.SelectConnection | None = None
        self._channel = None
        self._next_tag = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.state = "connecting"
        self.last_error = ""
        self.published = 0
        self.confirmed = 0
        self.dropped = 0
        self.nacked = 0
        self.reconnects = 0

    # -- the caller's side -------------------------------------------------------------------------------------------
    def start(self) -> "Publisher":
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

    def buffered(self) -> int:
        """Messages not yet confirmed by the broker."""
        with self._lock:
            return len(self._pending) + len(self._unconfirmed)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until the broker has confirmed everything queued so far."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending or self._unconfirmed:
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

    def stats(self) -> dict:
        with self._lock:
            return {
                "state": self.state, "published": self.published, "confirmed": self.confirmed,
                "dropped": self.dropped, "nacked": self.nacked, "reconnects": self.reconnects,
                "buffered": len(self._pending) + len(self._unconfirmed), "error": self.last_error,
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
        delay = self.backoff[0]
        logged = ""
        while not self._stopping:
            connected_at = time.monotonic()
            self._connection = pika.SelectConnection(
                self.params,
                on_open_callback=self._on_open,
                on_open_error_callback=self._on_open_error,
                on_close_callback=self._on_closed,
            )
            self._connection.ioloop.start()
            self._connection = None
            self._channel = None
            self._requeue_unconfirmed()
            if self._stopping:
                break
            self.reconnects += 1
            self.state = "reconnecting"
            # Back off, but start over quickly after a connection that lived a while.
            delay = self.backoff[0] if time.monotonic() - connected_at > 30 else min(delay * 2, self.backoff[1])
            # Say it once per cause, not once per retry.
            (log.warning if self.last_error != logged else log.debug)(
                "broker %s:%s unreachable (%s); retrying with backoff", self.params.host, self.params.port,
                self.last_error)
            logged = self.last_error
            end = time.monotonic() + delay
            while not self._stopping and time.monotonic() < end:
                time.sleep(0.05)
        self.state = "closed"

    def _on_open(self, connection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_open_error(self, connection, error) -> None:
        self.last_error = describe_error(error)
        self.state = "error"
        connection.ioloop.stop()

    def _on_closed(self, connection, reason) -> None:
        if not self._stopping:
            self.last_error = str(reason)
        connection.ioloop.stop()

    def _on_channel(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.exchange_declare(self.exchange, ExchangeType.topic, durable=True, callback=self._on_exchange)

    def _on_channel_closed(self, channel, reason) -> None:
        self.last_error = str(reason)
        if self._connection and self._connection.is_open:
            self._connection.close()

    def _on_exchange(self, _frame) -> None:
        self._channel.confirm_delivery(self._on_confirm, callback=self._on_confirm_mode)

    def _on_confirm_mode(self, _frame) -> None:
        self._next_tag = 0
        self.state = "connected"
        self.last_error = ""
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
                if not self._pending or len(self._unconfirmed) >= self.window:
                    return
                item = self._pending.popleft()
                self._next_tag += 1
                self._unconfirmed[self._next_tag] = item
                self.published += 1
            publish(self.exchange, item[0], item[1], _PERSISTENT)

    def _on_confirm(self, frame) -> None:
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
                # The broker could not take them: send them again, first.
                self.nacked += len(items)
                self._pending.extendleft(reversed(items))
            else:
                self.confirmed += len(items)
            self._idle.notify_all()
        self._drain()

    def _requeue_unconfirmed(self) -> None:
        with self._idle:
            if self._unconfirmed:
                items = [self._unconfirmed[t] for t in sorted(self._unconfirmed)]
                self._unconfirmed.clear()
                self._pending.extendleft(reversed(items))
            self._idle.notify_all()


def describe_error(error: BaseException) -> str:
    """A readable reason ("Connection refused") from pika's nested connection errors."""
    for _ in range(5):
        inner = getattr(error, "exceptions", None) or [getattr(error, "exception", None)]
        if inner[-1] is None and error.args and isinstance(error.args[0], BaseException):
            inner = [error.args[0]]
        if not isinstance(inner[-1], BaseException):
            break
        error = inner[-1]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).strip() or type(error).__name__
