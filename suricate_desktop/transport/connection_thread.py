"""One pika connection, made and used in one thread, kept alive across broker restarts.

pika's BlockingConnection is not thread-safe: the consumer, the control
server and the control client each own one in a thread of their own, and
other threads only wake it (``add_callback_threadsafe``). This base holds what
they share: start, wait until ready, wake, and a loop that serves until told
to stop. When the broker goes away the loop tries again with the shared
``Backoff`` (at most ``RETRY_CAP`` seconds apart, reset after every successful
connection, so a resume never waits on an outage's length); when the broker
refuses us for good (login, vhost, permissions, TLS: see ``reconnect``) it
stops, with ``state = "failed"``, ``last_error`` saying why and ``failed`` set.
A bug in a subclass is logged with its traceback and served again.

Given several URLs (the nodes of a cluster), a connection that drops or does not answer moves to
the next node at once (``reconnect.Brokers``), and backs off only after a whole round failed;
``params`` is the node in use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

import pika
import pika.exceptions

from .reconnect import RETRY_CAP, Backoff, Brokers, broker_trouble, forget, say

log = logging.getLogger(__name__)


class ConnectionThread:
    """Subclasses implement ``_serve`` (connect, declare, set ``_ready``, loop until ``_stop``)."""

    #: The thread's name, and the prefix of its log lines.
    thread_name = "amqp"

    def __init__(self, url: str | Sequence[str], backoff: tuple[float, float], tls_ca: str | None = None):
        #: The broker's nodes (one URL, or several: a cluster's), and which one is in use; amqps://
        #: nodes are verified against ``tls_ca`` (a private CA's PEM file) or the system's CAs.
        self.brokers = Brokers(url, tls_ca)
        #: (first, cap) of the pause between attempts; the cap is at most ``reconnect.RETRY_CAP``.
        self.backoff = backoff
        self.state = "connecting"
        self.last_error = ""
        self.reconnects = 0
        #: Successful connections so far (0: the broker was never reached).
        self.connections = 0
        #: Set when the broker refused us in a way retrying cannot mend (state "failed").
        self.failed = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._stop = threading.Event()
        #: Subclasses set it once connected and declared; that is also when the backoff resets.
        self._ready = _ReadyEvent(self._on_connected)
        self._backoff = Backoff(*backoff)
        self._troubled = False  # trouble was said since the last connection
        self._thread: threading.Thread | None = None

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    @property
    def params(self) -> pika.URLParameters:
        """The connection parameters of the broker node in use."""
        return self.brokers.current

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """True once connected and declared (what is sent now will be seen); False at once if failed."""
        deadline = time.monotonic() + timeout
        while not self._ready.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
            if self.failed.is_set() or time.monotonic() >= deadline:
                return False
        return True

    def _wake(self) -> None:
        """Make the connection's thread look at its queues now (from any thread)."""
        connection = self._connection
        if connection is not None:
            try:
                connection.add_callback_threadsafe(lambda: None)
            except Exception:  # closing; the next connection picks up what is queued
                pass

    def _halt(self, timeout: float) -> None:
        self._stop.set()
        self._wake()
        if self._thread:
            self._thread.join(timeout)

    # -- hooks -------------------------------------------------------------------------------------------------------
    def _serve(self) -> None:
        raise NotImplementedError

    def _describe(self, exc: BaseException) -> str | None:
        """A reason of the subclass's own for ``exc`` (None: the one ``reconnect.broker_trouble`` gives)."""
        return None

    def _on_lost(self) -> None:
        """The connection dropped: forget what only made sense on it."""

    def _pause(self, delay: float) -> None:
        self._stop.wait(delay)

    def _on_stopped(self) -> None:
        self.state = "stopped"

    # -- the thread --------------------------------------------------------------------------------------------------
    def _on_connected(self) -> None:
        """In the connection's thread, when ``_serve`` sets ``_ready``."""
        self.connections += 1
        self.brokers.connected()
        self._backoff.succeeded()
        if self._troubled:
            log.info("%s: broker %s:%s connected again", self.thread_name, self.params.host, self.params.port)
            forget(self.params)
            self._troubled = False

    def _run(self) -> None:
        backoff = self._backoff
        while not self._stop.is_set():
            backoff.attempt()
            try:
                self._serve()
            except (pika.exceptions.AMQPError, OSError) as exc:
                if self._stop.is_set():
                    break
                self._ready.clear()
                trouble = broker_trouble(exc, self.params, self._describe(exc))
                self._troubled = True
                self.last_error = trouble.text
                say(trouble)
                if trouble.permanent:
                    self._on_lost()
                    self._on_stopped()
                    self.state = "failed"
                    self.failed.set()
                    return
                self.state = "reconnecting"
                self.reconnects += 1
                self._on_lost()
                if not self.brokers.lost():  # another node to try at once, or a pause
                    self._pause(backoff.pause())
            except Exception as exc:  # a bug must not silence the thread: say it, start over
                self._ready.clear()
                self.last_error = f"{type(exc).__name__}: {exc}"
                delay = max(backoff.pause(), RETRY_CAP)  # a bug that repeats: a traceback every 2 s, no flood
                log.exception("%s: failed; restarting in %.1fs", self.thread_name, delay)
                self._on_lost()
                self._pause(delay)
            finally:
                self._close()
        self._on_stopped()

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:
                pass


class _ReadyEvent(threading.Event):
    """An Event that also tells its owner when it is set (the subclasses' ``_serve`` only sets it)."""

    def __init__(self, on_set: Callable[[], None]) -> None:
        super().__init__()
        self._on_set = on_set

    def set(self) -> None:
        super().set()
        self._on_set()
