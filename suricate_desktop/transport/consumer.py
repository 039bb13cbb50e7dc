"""The desk's AMQP consumer, shared by the GUI and ``suricate record``.

One thread owns one pika ``BlockingConnection``, created in that thread (pika
connections are not thread-safe; other threads only ever call
``add_callback_threadsafe`` to wake it). It binds a queue to the topic exchange
by routing-key patterns (``web01.#``, ``*.*.syscalls``), optionally reads
legacy queues (the 2012 sender's ``str({key: value})`` bodies), validates
every body at the edge, hands batches of snapshots to a sink (the live store,
a recording) in its own thread, and acks with one ``multiple`` ack per batch.

When it acks depends on the sink. A plain sink (any callable: the live store,
the rules engine) has a batch once the call returns, so the batch is acked
then. A *durable sink* (``DurableSink``: the recording writer) says when what
it was handed is on disk, and the consumer acks a delivery only then, from its
own thread (pika is not thread-safe): a crash of the recorder loses nothing,
the broker redelivers what was not acked.

A malformed body is counted, republished with its reason to the
``suricate.rejected`` exchange (a bounded dead-letter queue) and acked, and the
consumer goes on. A plain sink that raises on a batch does not stop the queue:
the batch is counted (``sink_failures``), set aside on the same exchange with
the error as its reason, and acked. A durable sink that fails stops the
consumer: nothing more is acked than was written, the connection is closed (the
broker keeps what was not acked), ``state`` becomes ``"failed"`` and
``failure`` says why. Every delivery's (host, source, aggregation, run, seq) is
checked against those already handed over (``dedup.SeenIds``), seeded from a
durable sink's recent ids, so copies (redelivered after a cut, re-sent by the
agent, redelivered after a recorder restart) are handed over once. A broker
restart or a cut connection is retried with backoff (given a cluster's nodes,
on the next node at once). A named queue may be a quorum queue (``queue_type``).

With ``shard`` the consumer is one member of a group that shares the streams
(``sharding``: each stream to one member); several recorders share one quorum
queue as competing consumers (``suricate record --shared-queue``). A durable sink that other
processes write beside (``SharedRecordingWriter``) may offer
``stored_elsewhere()``: the ids the others stored since it was last asked; the
consumer asks on a redelivered message, before checking it, so a message a
crashed recorder wrote but never acked is not written again by another; and
``discard_pending()``: asked when the connection is lost, it drops what the
sink holds unwritten (redelivered, perhaps to another process), which this
consumer then forgets, so whichever copy comes first is written.
"""

from __future__ import annotations

import collections
import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast, runtime_checkable

import pika
import pika.exceptions
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel
from pika.exchange_type import ExchangeType

from ..schema import MAX_BODY_BYTES, SchemaError, Snapshot, decode, decode_legacy, encode
from .connection_thread import ConnectionThread
from .dedup import SeenIds, SnapshotId
from .publisher import DEFAULT_EXCHANGE, DEFAULT_URL
from .reconnect import RETRY_CAP
from .sharding import ShardGroup, ShardingUnavailable
from .sharding import declare as declare_shard

log = logging.getLogger(__name__)

#: What a consumer hands batches to; a ``DurableSink`` also returns its ticket, a plain one nothing.
Sink = Callable[[list[Snapshot]], object]


@runtime_checkable
class DurableSink(Protocol):
    """A sink that says when what it was handed is stored for good (``store.recording.RecordingWriter``).

    Called from the consumer's thread; ``stored`` and ``error`` are read from it too, so they
    must be cheap and thread-safe (an int and a reference, set by the sink's own thread).
    """

    #: Set once the sink cannot store any more; nothing handed after what ``stored()`` counts is stored.
    error: BaseException | None

    def __call__(self, batch: list[Snapshot]) -> int:
        """Take a batch; return its ticket: how many snapshots were handed so far, this batch included."""

    def stored(self) -> int:
        """How many of the snapshots handed so far are stored (they are stored in the order handed)."""

    def write_now(self) -> None:
        """Store what is held now, without waiting (the consumer is about to stop)."""

    def stored_ids(self) -> Iterable[SnapshotId]:
        """The ids of the newest snapshots stored before this consumer started (for dedup)."""


#: A durable sink acks only what is written, up to about a second later: a larger prefetch keeps the
#: broker sending meanwhile (the recording writer writes early when it holds a third of it).
DURABLE_PREFETCH = 30_000
PLAIN_PREFETCH = 1_000
#: How long a stopping consumer waits for a durable sink to write what it holds, to ack it.
STOP_WRITE_WAIT = 8.0

#: Named queues are classic (one node) or quorum (replicated, Raft; they survive the loss of a minority
#: of a cluster's nodes).
QUEUE_TYPES = ("classic", "quorum")

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
    def parse(cls, spec: str) -> LegacyQueue:
        """``QUEUE[:HOST]`` from the command line."""
        queue, _, host = spec.partition(":")
        return cls(queue=queue or "dtrace", host=host or "legacy", source=queue or "dtrace")


class Consumer(ConnectionThread):
    """Consume snapshots from a broker into a sink, in a thread of its own."""

    def __init__(
        self,
        sink: Sink,
        url: str | Sequence[str] = DEFAULT_URL,
        exchange: str = DEFAULT_EXCHANGE,
        bindings: Iterable[str] = ("#",),
        queue: str | None = None,
        legacy_queues: Iterable[LegacyQueue] = (),
        prefetch: int | None = None,
        batch_size: int = 500,
        batch_seconds: float = 0.05,
        max_queue_length: int = 1_000_000,
        max_body: int = MAX_BODY_BYTES,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        tls_ca: str | None = None,
        queue_expires: float | None = None,
        unbind: Iterable[str] = (),
        shard: ShardGroup | None = None,
        queue_type: str = "classic",
    ):
        super().__init__(url, backoff, tls_ca)
        if queue_type not in QUEUE_TYPES:
            raise ValueError(f"queue_type must be one of {', '.join(QUEUE_TYPES)}, not {queue_type!r}")
        if queue_type != "classic" and not queue:
            raise ValueError(
                f"a {queue_type} queue must be named (queue=...): only a classic queue can be exclusive"
            )
        #: "quorum": the named queue is replicated on a majority of a cluster's nodes (x-queue-type: quorum).
        self.queue_type = queue_type
        self.sink = sink
        #: Ack once the sink says the batch is stored, not once it was handed over.
        self.durable = isinstance(sink, DurableSink)
        self.exchange = exchange
        self.bindings = tuple(bindings)
        #: A named queue is durable and outlives this consumer (recordings);
        #: without a name the queue is the broker's, exclusive, gone with us (live views).
        self.queue = queue
        #: A named queue no consumer has used for this long is deleted by the broker (None: kept forever).
        self.queue_expires = queue_expires
        #: Patterns the named queue was bound to before and is not to be any more.
        self.unbind = tuple(p for p in unbind if p not in self.bindings)
        #: A member of a shard group: its queue gets its share of the streams, not all of them.
        self.shard = shard
        self.legacy_queues = tuple(legacy_queues)
        self.prefetch = prefetch or (DURABLE_PREFETCH if self.durable else PLAIN_PREFETCH)
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.max_queue_length = max_queue_length
        self.max_body = max_body
        self.received = 0
        self.rejected = 0
        self.duplicates = 0
        #: Batches a plain sink raised on, and the snapshots in them (set aside, acked).
        self.sink_failures = 0
        self.sink_refused = 0
        #: Why this consumer stopped for good ("" while it runs or was stopped): a durable sink that
        #: failed, a queue the broker will not declare as asked.
        self.failure = ""
        self.recent_rejects: collections.deque[str] = collections.deque(maxlen=20)
        self._batch: list[Snapshot] = []
        self._last_tag = 0
        self._unacked = 0
        #: (the durable sink's ticket, the last delivery tag of that batch), oldest first, not yet acked.
        self._awaiting: collections.deque[tuple[int, int]] = collections.deque()
        self._ticket = 0
        self._seen = SeenIds()
        if isinstance(sink, DurableSink):
            self._seen.remember(sink.stored_ids())
        #: Ids written beside this consumer's sink by other processes (a shared recording), asked for once
        #: per batch that holds a redelivered message.
        self._stored_elsewhere: Callable[[], Iterable[SnapshotId]] | None = getattr(
            sink, "stored_elsewhere", None
        )
        self._looked_elsewhere = False
        self._channel: BlockingChannel | None = None

    thread_name = "amqp-consumer"

    # -- control, from any thread ------------------------------------------------------------------------------------
    def start(self) -> Consumer:
        self._start_thread()
        return self

    def stop(self, timeout: float = STOP_WRITE_WAIT + 2.0) -> None:
        """Stop; a durable sink is first asked to write what it holds, which is then acked."""
        self._halt(timeout)

    def stats(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "received": self.received,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "sink_failures": self.sink_failures,
            "sink_refused": self.sink_refused,
            "dedup_evicted": self._seen.evicted,
            "dedup_unchecked": self._seen.unchecked,
            "reconnects": self.reconnects,
            "error": self.last_error,
            "failure": self.failure,
        }

    # -- the consumer thread -----------------------------------------------------------------------------------------
    def _on_lost(self) -> None:
        # What was not handed over comes again: its copy is then the first. What was handed over
        # stays handed over (its copies are dropped, and acked once it is stored); the delivery
        # tags of a closed channel mean nothing any more.
        for snap in self._batch:
            self._seen.forget(snap)
        self._batch = []
        discard = getattr(self.sink, "discard_pending", None)  # a shared recording's writer
        if discard is not None:
            for snap in discard():
                self._seen.forget(snap)
        self._unacked = 0
        self._awaiting.clear()

    def _on_stopped(self) -> None:
        self.state = "failed" if self.failure else "stopped"

    def _fail(self, reason: str) -> None:
        """Stop for good: retrying cannot help (a sink that cannot store, a queue declared otherwise)."""
        self.failure = self.last_error = reason
        self.state = "failed"
        self.failed.set()
        log.info("%s: %s", self.thread_name, reason)  # the owner says it: state and failure
        self._stop.set()

    def _serve(self) -> None:
        self.state = "connecting"
        self._connection = pika.BlockingConnection(self.params)
        channel = self._channel = self._connection.channel()
        channel.exchange_declare(self.exchange, ExchangeType.topic, durable=True)
        channel.exchange_declare(REJECTED_EXCHANGE, ExchangeType.fanout, durable=True)
        channel = self._declare_rejected_queue(channel)
        channel.basic_qos(prefetch_count=self.prefetch)
        queue: str | None
        if self.shard is not None:
            try:
                queue = declare_shard(
                    channel,
                    self.shard,
                    self.exchange,
                    self.bindings,
                    self.max_queue_length,
                    f"{self.params.host}:{self.params.port}",
                )
            except ShardingUnavailable as exc:
                self._fail(str(exc))
                return
        elif self.queue:
            queue = self._declare_named_queue(channel)
            if queue is None:
                return
            channel = self._channel
        else:
            arguments = {"x-max-length": self.max_queue_length}
            queue = channel.queue_declare(
                "", exclusive=True, auto_delete=True, arguments=arguments
            ).method.queue
        for pattern in (
            self.bindings if self.shard is None else ()
        ):  # a shard's queue is bound by declare_shard
            channel.queue_bind(queue, self.exchange, routing_key=pattern)
        for pattern in self.unbind:  # a binding that is not there is no error
            channel.queue_unbind(queue, self.exchange, routing_key=pattern)
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
            if self.durable:
                self._ack_stored()
        self._flush()
        if self.durable and not self.failure:
            self._wait_stored(STOP_WRITE_WAIT)

    def _declare_rejected_queue(self, channel: BlockingChannel) -> BlockingChannel:
        """Declare and bind the dead-letter queue; the channel to go on with.

        On a cluster, the (classic) dead-letter queue lives on one node: while that node is down
        the declaration fails (404, "home node ... is down"), and the consumer goes on without it
        (bodies rejected meanwhile are counted and logged, not kept) on a new channel.
        """
        try:
            channel.queue_declare(REJECTED_QUEUE, durable=True, arguments={"x-max-length": REJECTED_MAX})
            channel.queue_bind(REJECTED_QUEUE, REJECTED_EXCHANGE)
            return channel
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code != 404:
                raise
            log.warning(
                "%s: dead-letter queue unavailable, rejects not kept: %s", self.thread_name, exc.reply_text
            )
        assert self._connection is not None  # _serve connected before declaring
        self._channel = self._connection.channel()
        return self._channel

    def queue_arguments(self) -> dict[str, Any]:
        """The arguments the named queue is declared with (RabbitMQ refuses to change them later)."""
        arguments: dict[str, Any] = {"x-max-length": self.max_queue_length}
        if self.queue_type != "classic":
            arguments["x-queue-type"] = self.queue_type
        if self.queue_expires:
            arguments["x-expires"] = int(self.queue_expires * 1000)
        return arguments

    def _declare_named_queue(self, channel: BlockingChannel) -> str | None:
        """Declare the durable queue; None (and failed) when it exists with other arguments."""
        arguments = self.queue_arguments()
        try:
            queue: str = channel.queue_declare(self.queue, durable=True, arguments=arguments).method.queue
            return queue
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code != 406:  # PRECONDITION_FAILED: declared before with other arguments
                raise
        assert self._connection is not None  # _serve connected before declaring
        channel = self._channel = self._connection.channel()
        held = channel.queue_declare(self.queue, passive=True).method.message_count
        asked = ", ".join(f"{k}={v}" for k, v in arguments.items())
        self._fail(
            f"queue {self.queue} exists with other arguments than asked ({asked}) and RabbitMQ cannot "
            f"change them; it holds {held} messages: read it with the arguments it was made with "
            f"(e.g. --queue-expires 0 for a queue made before expiries), use another queue, or delete it "
            f"(rabbitmqctl delete_queue {self.queue})"
        )
        return None

    def _on_message(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        try:
            snap = decode(body, self.max_body)
        except (
            Exception
        ) as exc:  # SchemaError; anything else would be a bug in validation, and still a bad body
            self._reject(method, body, exc)
        else:
            if method.redelivered and self._stored_elsewhere is not None and not self._looked_elsewhere:
                self._looked_elsewhere = True
                self._seen.remember(self._stored_elsewhere())
            if self._seen.seen(snap):
                self.duplicates += 1
            else:
                self._batch.append(snap)
        self._last_tag = method.delivery_tag
        self._unacked += 1
        if self._unacked >= self.batch_size:
            self._flush()

    def _on_legacy(
        self,
        legacy: LegacyQueue,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        try:
            self._batch.append(decode_legacy(body, legacy.host, legacy.source, legacy.agg))
        except Exception as exc:  # as in _on_message: no body may stop the thread
            self._reject(method, body, exc)
        self._last_tag = method.delivery_tag
        self._unacked += 1
        if self._unacked >= self.batch_size:
            self._flush()

    def _reject(self, method: pika.spec.Basic.Deliver, body: bytes, exc: Exception) -> None:
        """Count it, keep its reason, set it aside on the dead-letter exchange.

        The reason and the routing key are made valid UTF-8 (anything else
        escaped) and cut short first: whatever a body or a sender's routing key
        holds, the headers can be encoded, and a log line or ``recent_rejects``
        stays small. Only the body's first ``REJECTED_BODY_MAX`` bytes are kept
        (its full length in ``x-suricate-body-bytes``).
        """
        self.rejected += 1
        reason = (
            str(exc) if isinstance(exc, SchemaError) else f"cannot be validated ({type(exc).__name__}: {exc})"
        )
        reason = _printable(reason, 1000)
        routing_key = _printable(method.routing_key, 255)
        if not isinstance(exc, SchemaError):
            log.error("a body on %s broke validation (a bug; the body is set aside): %s", routing_key, reason)
        self.recent_rejects.append(f"{routing_key}: {reason}")
        log.info("rejected a message on %s: %s", routing_key, reason)
        self._dead_letter(routing_key, body, reason)

    def _dead_letter(self, routing_key: str, body: bytes, reason: str) -> None:
        """Publish a body (its first ``REJECTED_BODY_MAX`` bytes) to the dead-letter exchange, with why."""
        headers = {
            "x-suricate-error": reason,
            "x-suricate-routing-key": routing_key,
            "x-suricate-body-bytes": len(body),
        }
        # The exchange is a fanout: the key only has to fit AMQP's 255 bytes.
        publish_key = routing_key.encode("utf-8")[:255].decode("utf-8", "ignore")
        assert self._channel is not None  # bodies come in on it
        self._channel.basic_publish(
            REJECTED_EXCHANGE,
            publish_key,
            body[:REJECTED_BODY_MAX],
            pika.BasicProperties(headers=headers, delivery_mode=pika.DeliveryMode.Persistent),
        )

    def _flush(self) -> None:
        """Hand the batch to the sink; ack it now (a plain sink) or once it is stored (a durable one)."""
        if self._unacked == 0 or self.failure:
            return
        batch, self._batch = self._batch, []
        self._looked_elsewhere = False
        if batch:
            self._hand_over(batch)
            if self.failure:
                return
        if self.durable:
            self._awaiting.append((self._ticket, self._last_tag))
        else:
            assert self._channel is not None  # the batch came in on it
            self._channel.basic_ack(self._last_tag, multiple=True)
        self._unacked = 0

    def _hand_over(self, batch: list[Snapshot]) -> None:
        try:
            ticket = self.sink(batch)
        except Exception as exc:
            if self.durable:
                self._fail(f"the recording sink failed: {type(exc).__name__}: {exc}")
            else:
                self._set_aside(batch, exc)
            return
        self.received += len(batch)
        if self.durable:
            self._ticket = cast(int, ticket)  # a durable sink returns its ticket

    def _set_aside(self, batch: list[Snapshot], exc: Exception) -> None:
        """A plain sink raised on this batch: count it, put it on the dead-letter exchange with the
        error, and let it be acked, so one batch the sink cannot take does not block the queue."""
        self.sink_failures += 1
        self.sink_refused += len(batch)
        reason = f"the sink failed on this batch: {type(exc).__name__}: {exc}"[:1000]
        self.recent_rejects.append(reason)
        log.warning("%s: %s (%d snapshots set aside)", self.thread_name, reason, len(batch), exc_info=True)
        for snap in batch:
            try:
                body = encode(snap)
            except Exception:  # what cannot be encoded again is counted above, not kept
                continue
            self._dead_letter(snap.routing_key, body, reason)

    def _ack_stored(self) -> None:
        """Ack up to the newest delivery whose batch the durable sink has stored; stop if it failed."""
        sink = cast(DurableSink, self.sink)  # called only when durable
        stored = sink.stored()
        tag: int | None = None
        while self._awaiting and self._awaiting[0][0] <= stored:
            tag = self._awaiting.popleft()[1]
        if tag is not None:
            assert self._channel is not None  # the deliveries came in on it
            self._channel.basic_ack(tag, multiple=True)
        if sink.error is not None:
            failure = getattr(sink, "failure", "") or f"{type(sink.error).__name__}: {sink.error}"
            kept = f" (queue {self.queue} keeps it)" if self.queue else ""
            self._fail(f"{failure}; nothing after it was acknowledged{kept}")

    def _wait_stored(self, timeout: float) -> None:
        """Stopping: have the durable sink write what it holds, and ack it (what is left comes again)."""
        sink = cast(DurableSink, self.sink)  # called only when durable
        sink.write_now()
        deadline = time.monotonic() + timeout
        while self._awaiting and sink.error is None and time.monotonic() < deadline:
            if self._awaiting[-1][0] <= sink.stored():
                break
            time.sleep(0.01)
        self._ack_stored()

    def _close(self) -> None:
        super()._close()
        self._channel = None


def _printable(text: str | bytes, limit: int) -> str:
    """``text`` cut to ``limit`` characters, any byte or character that is not valid UTF-8 escaped."""
    if isinstance(text, bytes):  # pika hands over a routing key that is not UTF-8 as bytes
        text = text.decode("utf-8", "backslashreplace")
    return text[:limit].encode("utf-8", "backslashreplace").decode("utf-8")
