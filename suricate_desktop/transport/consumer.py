"""The desk's AMQP consumer, shared by the GUI and ``suricate record``.

One thread owns one pika ``BlockingConnection``, created in that thread (pika
connections are not thread-safe; other threads only ever call
``add_callback_threadsafe`` to wake it). It binds a queue to the topic exchange
by routing-key patterns (``web01.#``, ``*.*.syscalls``), optionally reads
legacy queues (the 2012 sender's ``str({key: value})`` bodies), validates
every body at the edge, hands batches of snapshots to a sink (the live store,
a recording) in its own thread, and acks each batch with one ``multiple`` ack
once the sink has them. A malformed body is counted, republished with its
reason to the ``suricate.rejected`` exchange (a bounded dead-letter queue) and
acked, and the consumer goes on. A broker restart or a cut connection is
retried with backoff; unacked messages the broker redelivers are recognised
by their (run, seq) and not handed over twice.
"""

from __future__ import annotations

import collections
import functools
import logging
import ssl
import time
from dataclasses import dataclass
from typing import Callable, Iterable

import pika
import pika.exceptions
from pika.exchange_type import ExchangeType

from ..schema import MAX_BODY_BYTES, SchemaError, Snapshot, decode, decode_legacy
from .connection_thread import ConnectionThread
from .publisher import DEFAULT_EXCHANGE, DEFAULT_URL, describe_error

log = logging.getLogger(__name__)

Sink = Callable[[list[Snapshot]], None]

REJECTED_EXCHANGE = "suricate.rejected"
REJECTED_QUEUE = "suricate.rejected"
#: The dead-letter queue keeps the newest rejects, no more.
REJECTED_MAX = 10_000
#: Of a rejected body, the first 64 KiB are kept (enough to see what it was): the queue stays under ~640 MB.
REJECTED_BODY_MAX = 64 * 1024


@dataclass(frozen=True)
class LegacyQueue:
    """A queue fed by the 2012 sender: parsed as Python literals, never eval'd."""

    queue: str = "dtrace"
    host: str = "legacy"
    source: str = "dtrace"
    agg: str = "legacy"

    @classmethod
    def parse(cls, spec: str) -> "LegacyQueue":
        """``QUEUE[:HOST]`` from the command line."""
        queue, _, host = spec.partition(":")
        return cls(queue=queue or "dtrace", host=host or "legacy", source=queue or "dtrace")


class Consumer(ConnectionThread):
    """Consume snapshots from a broker into a sink, in a thread of its own."""

    def __init__(
        self,
        sink: Sink,
        url: str = DEFAULT_URL,
        exchange: str = DEFAULT_EXCHANGE,
        bindings: Iterable[str] = ("#",),
        queue: str | None = None,
        legacy_queues: Iterable[LegacyQueue] = (),
        prefetch: int = 1000,
        batch_size: int = 500,
        batch_seconds: float = 0.05,
        max_queue_length: int = 1_000_000,
        max_body: int = MAX_BODY_BYTES,
        backoff: tuple[float, float] = (0.2, 10.0),
        tls_ca: str | None = None,
    ):
        super().__init__(url, backoff)
        self.sink = sink
        if tls_ca or url.startswith("amqps://"):
            # amqps:// verifies the broker against the system's CAs, or against ``tls_ca``.
            context = ssl.create_default_context(cafile=tls_ca)
            self.params.ssl_options = pika.SSLOptions(context, self.params.host)
        self.exchange = exchange
        self.bindings = tuple(bindings)
        #: A named queue is durable and outlives this consumer (recordings);
        #: without a name the queue is the broker's, exclusive, gone with us (live views).
        self.queue = queue
        self.legacy_queues = tuple(legacy_queues)
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.max_queue_length = max_queue_length
        self.max_body = max_body
        self.received = 0
        self.rejected = 0
        self.duplicates = 0
        self.recent_rejects: collections.deque[str] = collections.deque(maxlen=20)
        self._batch: list[Snapshot] = []
        self._last_tag = 0
        self._unacked = 0
        self._recent_batches: collections.deque[list[Snapshot]] = collections.deque(maxlen=4)
        self._recent_ids: set | None = None
        self._channel = None

    thread_name = "amqp-consumer"

    # -- control, from any thread ------------------------------------------------------------------------------------
    def start(self) -> "Consumer":
        self._start_thread()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._halt(timeout)

    def stats(self) -> dict:
        return {
            "state": self.state, "received": self.received, "rejected": self.rejected,
            "duplicates": self.duplicates, "reconnects": self.reconnects, "error": self.last_error,
        }

    # -- the consumer thread -----------------------------------------------------------------------------------------
    def _on_lost(self) -> None:
        # What we had not acked will come again; what we handed over stays handed over.
        self._batch = []
        self._unacked = 0

    def _serve(self) -> None:
        self.state = "connecting"
        self._connection = pika.BlockingConnection(self.params)
        channel = self._channel = self._connection.channel()
        channel.exchange_declare(self.exchange, ExchangeType.topic, durable=True)
        channel.exchange_declare(REJECTED_EXCHANGE, ExchangeType.fanout, durable=True)
        channel.queue_declare(REJECTED_QUEUE, durable=True, arguments={"x-max-length": REJECTED_MAX})
        channel.queue_bind(REJECTED_QUEUE, REJECTED_EXCHANGE)
        channel.basic_qos(prefetch_count=self.prefetch)
        arguments = {"x-max-length": self.max_queue_length}
        if self.queue:
            queue = channel.queue_declare(self.queue, durable=True, arguments=arguments).method.queue
        else:
            queue = channel.queue_declare("", exclusive=True, auto_delete=True, arguments=arguments).method.queue
        for pattern in self.bindings:
            channel.queue_bind(queue, self.exchange, routing_key=pattern)
        channel.basic_consume(queue, self._on_message)
        for legacy in self.legacy_queues:
            channel.queue_declare(legacy.queue, durable=False)
            channel.basic_consume(legacy.queue, functools.partial(self._on_legacy, legacy))
        self.state = "connected"
        self.last_error = ""
        self._ready.set()
        while not self._stop.is_set():
            self._connection.process_data_events(time_limit=self.batch_seconds)
            self._flush()
        self._flush()

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        try:
            snap = decode(body, self.max_body)
        except Exception as exc:  # SchemaError; anything else would be a bug in validation, and still a bad body
            self._reject(method, body, exc)
        else:
            if method.redelivered and self._seen(snap):
                self.duplicates += 1
            else:
                self._batch.append(snap)
        self._last_tag = method.delivery_tag
        self._unacked += 1
        if self._unacked >= self.batch_size:
            self._flush()

    def _on_legacy(self, legacy: LegacyQueue, channel, method, properties, body: bytes) -> None:
        try:
            self._batch.append(decode_legacy(body, legacy.host, legacy.source, legacy.agg))
        except Exception as exc:  # as in _on_message: no body may stop the thread
            self._reject(method, body, exc)
        self._last_tag = method.delivery_tag
        self._unacked += 1
        if self._unacked >= self.batch_size:
            self._flush()

    def _reject(self, method, body: bytes, exc: Exception) -> None:
        """Count it, keep its reason, set it aside on the dead-letter exchange.

        The reason and the routing key are made valid UTF-8 (anything else
        escaped) and cut short first: whatever a body or a sender's routing key
        holds, the headers can be encoded, and a log line or ``recent_rejects``
        stays small. Only the body's first ``REJECTED_BODY_MAX`` bytes are kept
        (its full length in ``x-suricate-body-bytes``).
        """
        self.rejected += 1
        reason = str(exc) if isinstance(exc, SchemaError) else f"cannot be validated ({type(exc).__name__}: {exc})"
        reason = _printable(reason, 1000)
        routing_key = _printable(method.routing_key, 255)
        if not isinstance(exc, SchemaError):
            log.error("a body on %s broke validation (a bug; the body is set aside): %s", routing_key, reason)
        self.recent_rejects.append(f"{routing_key}: {reason}")
        log.info("rejected a message on %s: %s", routing_key, reason)
        headers = {"x-suricate-error": reason, "x-suricate-routing-key": routing_key,
                   "x-suricate-body-bytes": len(body)}
        # The exchange is a fanout: the key only has to fit AMQP's 255 bytes.
        publish_key = routing_key.encode("utf-8")[:255].decode("utf-8", "ignore")
        self._channel.basic_publish(
            REJECTED_EXCHANGE, publish_key, body[:REJECTED_BODY_MAX],
            pika.BasicProperties(headers=headers, delivery_mode=pika.DeliveryMode.Persistent),
        )

    def _flush(self) -> None:
        """Hand the batch to the sink, then ack everything up to it in one frame."""
        if self._unacked == 0:
            return
        batch = self._batch
        if batch:
            self.sink(batch)
            self.received += len(batch)
            self._recent_batches.append(batch)
            self._recent_ids = None
            self._batch = []
        self._channel.basic_ack(self._last_tag, multiple=True)
        self._unacked = 0

    def _seen(self, snap: Snapshot) -> bool:
        """Was this redelivered snapshot already handed over (its ack lost in a cut)?"""
        if not snap.run:
            return False
        if self._recent_ids is None:
            self._recent_ids = {
                (s.host, s.source, s.agg, s.run, s.seq) for batch in self._recent_batches for s in batch if s.run
            }
        return (snap.host, snap.source, snap.agg, snap.run, snap.seq) in self._recent_ids

    def _close(self) -> None:
        super()._close()
        self._channel = None


def _printable(text: str | bytes, limit: int) -> str:
    """``text`` cut to ``limit`` characters, any byte or character that is not valid UTF-8 escaped."""
    if isinstance(text, bytes):  # pika hands over a routing key that is not UTF-8 as bytes
        text = text.decode("utf-8", "backslashreplace")
    return text[:limit].encode("utf-8", "backslashreplace").decode("utf-8")


def wait_for_broker(url: str = DEFAULT_URL, timeout: float = 0.0) -> str | None:
    """None when a broker answers at ``url``, else the reason it does not (for clear messages)."""
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = 2
    deadline = time.monotonic() + timeout
    while True:
        try:
            pika.BlockingConnection(params).close()
            return None
        except pika.exceptions.AMQPError as exc:
            reason = describe_error(exc)
        if time.monotonic() >= deadline:
            return reason
        time.sleep(0.2)
