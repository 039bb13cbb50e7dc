"""The workers' status exchange: the newest status of every worker, kept for whoever polls it.

``suricate worker`` publishes a ``schema.worker_status.WorkerStatus`` every few seconds on the topic
exchange ``suricate.workers`` (routing key: the worker id). ``WorkerListener`` binds an exclusive
queue of its own to it, validates each body at the edge (refused ones are counted, never kept) and
keeps the newest status per worker, at most ``max_workers`` of them (the least recently heard
forgotten first). ``workers()`` is a cheap copy made for a GUI timer: no lock is held while
anything is decoded, and nothing here imports Qt.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import dataclass

import pika
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel
from pika.exchange_type import ExchangeType

from ..schema import SchemaError
from ..schema.worker_status import WorkerStatus, decode_status
from .connection_thread import ConnectionThread
from .reconnect import RETRY_CAP

log = logging.getLogger(__name__)

STATUS_EXCHANGE = "suricate.workers"


@dataclass(frozen=True)
class SeenWorker:
    status: WorkerStatus
    #: When this listener received it (its own clock, not the worker's).
    received: float

    def age(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.received

    def silent(self, now: float | None = None) -> bool:
        """No status for three of the worker's intervals: it is probably gone."""
        return self.age(now) > 3 * max(self.status.interval, 1.0)


class WorkerListener(ConnectionThread):
    """Keep the newest status of each worker; poll ``workers()`` from any thread."""

    thread_name = "amqp-workers"

    def __init__(
        self,
        url: str,
        exchange: str = STATUS_EXCHANGE,
        max_workers: int = 1000,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        tls_ca: str | None = None,
    ):
        super().__init__(url, backoff, tls_ca)
        self.exchange = exchange
        self.max_workers = max_workers
        self.received = 0
        self.refused = 0
        self.evicted = 0
        self.recent_refusals: collections.deque[str] = collections.deque(maxlen=20)
        self._latest: collections.OrderedDict[str, SeenWorker] = collections.OrderedDict()
        self._lock = threading.Lock()

    def start(self) -> WorkerListener:
        self._start_thread()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._halt(timeout)

    def workers(self) -> list[SeenWorker]:
        """The newest status of each worker heard, most recently heard last."""
        with self._lock:
            return list(self._latest.values())

    def get(self, worker: str) -> SeenWorker | None:
        with self._lock:
            return self._latest.get(worker)

    def _serve(self) -> None:
        self.state = "connecting"
        self._connection = pika.BlockingConnection(self.params)
        channel = self._connection.channel()
        channel.exchange_declare(self.exchange, ExchangeType.topic, durable=True)
        queue = channel.queue_declare(
            "", exclusive=True, auto_delete=True, arguments={"x-max-length": 10_000}
        ).method.queue
        channel.queue_bind(queue, self.exchange, routing_key="#")
        channel.basic_consume(queue, self._on_message, auto_ack=True)
        self.state = "connected"
        self.last_error = ""
        self._ready.set()
        while not self._stop.is_set():
            self._connection.process_data_events(time_limit=0.2)

    def _on_message(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        try:
            status = decode_status(body)
        except SchemaError as exc:
            self.refused += 1
            self.recent_refusals.append(str(exc)[:200])
            return
        self.received += 1
        seen = SeenWorker(status, time.time())
        with self._lock:
            latest = self._latest
            latest.pop(status.worker, None)
            latest[status.worker] = seen
            while len(latest) > self.max_workers:
                latest.popitem(last=False)
                self.evicted += 1
