"""A broker the desk listens to: bindings by pattern, legacy queues, TLS; never blocks the GUI.

The consumer runs in its own thread (transport.Consumer) and keeps retrying
with backoff while the broker is down; the sources pane shows its state and
the reason ("reconnecting: Connection refused"). A second thread (``WorkerListener``)
keeps the newest status of the processing workers on that broker (``<exchange>.workers``),
which the Sources pane's workers view polls; jobs for them go to ``job_queue``. Every connection made
for this source (streams, workers' status, jobs, rules actions) verifies an ``amqps://`` broker against
its ``tls_ca``, when it has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from ...transport.settings import DEFAULT_EXCHANGE
from .base import Source

if TYPE_CHECKING:
    from ...transport.worker_status import WorkerListener


def mask_password(url: str) -> str:
    """The URL as shown to the user: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class BrokerSource(Source):
    kind = "broker"

    def __init__(
        self,
        url: str,
        bindings: list[str] | None = None,
        legacy_queues: list[str] | None = None,
        exchange: str = DEFAULT_EXCHANGE,
        tls_ca: str | None = None,
        name: str | None = None,
        status_exchange: str | None = None,
        job_queue: str | None = None,
        workers: bool = True,
    ):
        # pika and the transport load with the first broker, not with the window
        from ...transport.consumer import Consumer, LegacyQueue
        from ...transport.jobs import JOB_QUEUE
        from ...transport.worker_status import WorkerListener

        host = urlsplit(url).hostname or "broker"
        super().__init__(name or f"{host}: {' '.join(bindings or ['#'])}")
        self.url = url
        self.bindings = list(bindings if bindings is not None else ["#"])
        self.legacy = list(legacy_queues or [])
        self.exchange = exchange
        self.tls_ca = tls_ca or None
        self.consumer = Consumer(
            self.store,
            url,
            exchange,
            self.bindings,
            legacy_queues=[LegacyQueue.parse(q) for q in self.legacy],
            tls_ca=self.tls_ca,
        ).start()
        #: The workers' status exchange: ``suricate.workers`` for the default exchange ``suricate``.
        self.status_exchange = status_exchange or f"{exchange}.workers"
        self.job_queue = job_queue or JOB_QUEUE
        self.listener: WorkerListener | None = (
            WorkerListener(url, self.status_exchange, tls_ca=self.tls_ca).start() if workers else None
        )

    @property
    def state(self) -> str:
        return self.consumer.state

    @property
    def detail(self) -> str:
        return self.consumer.last_error

    def counters(self) -> dict[str, int]:
        return {"received": self.consumer.received, "rejected": self.consumer.rejected}

    def stop(self) -> None:
        self.consumer.stop()
        if self.listener is not None:
            self.listener.stop()

    def to_config(self) -> dict:
        return {
            **super().to_config(),
            "url": self.url,
            "bindings": self.bindings,
            "legacy_queues": self.legacy,
            "exchange": self.exchange,
            "tls_ca": self.tls_ca,
            "status_exchange": self.status_exchange,
            "job_queue": self.job_queue,
            "workers": self.listener is not None,
        }
