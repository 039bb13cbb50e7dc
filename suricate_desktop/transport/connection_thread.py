"""One pika connection, made and used in one thread, kept alive across broker restarts.

pika's BlockingConnection is not thread-safe: the consumer, the control
server and the control client each own one in a thread of their own, and
other threads only wake it (``add_callback_threadsafe``). This base holds what
they share: start, wait until ready, wake, and a loop that serves until told
to stop, retrying with exponential backoff when the broker goes away and
starting over (with a logged traceback) if serving fails for another reason.
"""

from __future__ import annotations

import logging
import threading

import pika
import pika.exceptions

from .publisher import describe_error

log = logging.getLogger(__name__)


class ConnectionThread:
    """Subclasses implement ``_serve`` (connect, declare, set ``_ready``, loop until ``_stop``)."""

    #: The thread's name, and the prefix of its log lines.
    thread_name = "amqp"

    def __init__(self, url: str, backoff: tuple[float, float]):
        self.params = pika.URLParameters(url)
        self.params.heartbeat = 30
        self.params.connection_attempts = 1
        self.backoff = backoff
        self.state = "connecting"
        self.last_error = ""
        self.reconnects = 0
        self._connection: pika.BlockingConnection | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """True once connected and declared (what is sent now will be seen)."""
        return self._ready.wait(timeout)

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

    def _describe(self, exc: BaseException) -> str:
        return describe_error(exc)

    def _on_lost(self) -> None:
        """The connection dropped: forget what only made sense on it."""

    def _pause(self, delay: float) -> None:
        self._stop.wait(delay)

    def _on_stopped(self) -> None:
        self.state = "stopped"

    # -- the thread --------------------------------------------------------------------------------------------------
    def _run(self) -> None:
        delay = self.backoff[0]
        while not self._stop.is_set():
            try:
                self._serve()
                delay = self.backoff[0]
            except (pika.exceptions.AMQPError, OSError) as exc:
                self._ready.clear()
                self.last_error = self._describe(exc)
                if self._stop.is_set():
                    break
                self.state = "reconnecting"
                self.reconnects += 1
                self._on_lost()
                log.warning("%s: broker %s: %s; retrying in %.1fs", self.thread_name, self.params.host,
                            self.last_error, delay)
                self._pause(delay)
                delay = min(delay * 2, self.backoff[1])
            except Exception as exc:  # a bug must not silence the thread: say it, start over
                self._ready.clear()
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("%s: failed; restarting in %.1fs", self.thread_name, delay)
                self._on_lost()
                self._pause(delay)
                delay = min(delay * 2, self.backoff[1])
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
