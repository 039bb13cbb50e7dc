"""Signed remote control of an agent over AMQP: compile, run, stop, status.

An agent started with ``suricate agent --control`` listens on its own queue,
``suricate.control.<host>``, bound to the direct exchange ``suricate.control``
with routing key ``<host>``. The desk sends it requests; each one is a JSON
object signed with a secret the desk and the agent share (HMAC-SHA256 over the
request's canonical JSON), stamped with the time and a random nonce. The agent
refuses, answers ``{"ok": false, "error": "refused: <reason>"}`` and logs at
WARNING every request that is unsigned, badly signed, meant for another host,
stale (more than ``max_skew`` seconds from its clock), replayed (a nonce seen
in the last ``2 * max_skew`` seconds, before a restart too: the nonces are kept
in a file until their window passes), of an unknown op, or malformed; only a
request that passes every check reaches the handler. The agent signs its
replies and a run's output events too, each bound to the request's nonce
(``re``), so the desk can trust the compile errors and run ids it gets.

The wire format is specified in docs/control-protocol.md; this module and
``control_messages`` (the messages, signing and checks) are its reference
implementation. Threads: ``ControlServer`` and ``ControlClient`` each own one
pika ``BlockingConnection``, created and used only in their own thread; other
threads hand them messages through a locked deque and wake them with
``add_callback_threadsafe``. Handlers run in a small worker pool, so a slow
compile does not hold up the next request. Nothing here imports the agent or
the store: the agent side is a handler, ``handler(op, args, emit)``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pika
import pika.exceptions
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel
from pika.exchange_type import ExchangeType

from ..lang.diagnostics import ScriptError
from .connection_thread import ConnectionThread
from .control_messages import (  # re-exported: control.py is the protocol's one import for its users
    _JSON,
    CONTROL_EXCHANGE,
    DEFAULT_MAX_SKEW,
    MAX_CONTROL_BYTES,
    MIN_SECRET_BYTES,
    OPS,
    PROTOCOL_VERSION,
    QUEUE_PREFIX,
    REPLY_PREFIX,
    REPLY_QUEUE_PREFIXES,
    ControlError,
    ControlNoAgent,
    ControlRefused,
    ControlTimeout,
    NonceCache,
    SecretError,
    _check_secret,
    _key,
    canonical,
    diagnostics_from_dicts,
    diagnostics_to_dicts,
    encode_message,
    load_secret,
    make_request,
    new_nonce,
    parse_message,
    sign,
    signature,
    verify,
    verify_reply,
)
from .nonce_journal import NonceJournal
from .publisher import describe_error
from .reconnect import RETRY_CAP
from .settings import SECRET_ENV

__all__ = [
    "CONTROL_EXCHANGE",
    "DEFAULT_MAX_SKEW",
    "MAX_CONTROL_BYTES",
    "MIN_SECRET_BYTES",
    "OPS",
    "PROTOCOL_VERSION",
    "QUEUE_PREFIX",
    "REPLY_PREFIX",
    "REPLY_QUEUE_PREFIXES",
    "SECRET_ENV",
    "ControlClient",
    "ControlError",
    "ControlNoAgent",
    "ControlRefused",
    "ControlServer",
    "ControlTimeout",
    "Emit",
    "Handler",
    "NonceCache",
    "SecretError",
    "canonical",
    "diagnostics_from_dicts",
    "diagnostics_to_dicts",
    "encode_message",
    "load_secret",
    "make_request",
    "new_nonce",
    "parse_message",
    "sign",
    "signature",
    "verify",
    "verify_reply",
]

log = logging.getLogger(__name__)
#: Every accepted (INFO) and refused (WARNING) request: the agent's audit trail, shown by ``suricate agent``.
audit = logging.getLogger("suricate.control")


#: Sends an event (``{"event": "output", "run": id, "text": ...}``) to the reply queue of the request
#: being handled, signed. A no-op when the request named no reply queue.
Emit = Callable[[dict[str, Any]], None]
#: ``handler(op, args, emit) -> result``; raise ScriptError for a bad script, any other exception for an error.
Handler = Callable[[str, dict[str, Any], Emit], dict[str, Any]]
_T = TypeVar("_T")


class ControlServer(ConnectionThread):
    """Listen on ``suricate.control.<host>``; verify, dispatch to ``handler``, reply, all signed."""

    def __init__(
        self,
        url: str,
        host: str,
        secret: bytes | str,
        handler: Handler,
        *,
        exchange: str = CONTROL_EXCHANGE,
        max_skew: float = DEFAULT_MAX_SKEW,
        workers: int = 4,
        max_body: int = MAX_CONTROL_BYTES,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        max_outgoing: int = 10_000,
        nonce_file: str | os.PathLike[str] | None = None,
        tls_ca: str | None = None,
    ):
        """``nonce_file``: where accepted nonces are kept until their window passes, so a replay is refused
        after a restart too (``OSError`` here if it cannot be used). Without it, requests signed before this
        server was made are refused instead (see ``NonceCache``)."""
        if not host or host.startswith("reply.") or len(host) > 200:
            raise ValueError(f"bad host name {host!r}")
        _check_secret(secret)
        super().__init__(url, backoff, tls_ca)
        self.host = host
        self.handler = handler
        self.exchange = exchange
        self.queue = QUEUE_PREFIX + host
        self.max_skew = max_skew
        self.max_body = max_body
        if nonce_file is not None:
            self.nonces = NonceCache(ttl=2 * max_skew, journal=NonceJournal(nonce_file))
        else:
            self.nonces = NonceCache(ttl=2 * max_skew, not_before=time.time())
        self.accepted = 0
        self.refused = 0
        self._secret = _key(secret)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="control-handler"
        )
        self._outgoing: collections.deque[tuple[str, str | None, bytes]] = collections.deque(
            maxlen=max_outgoing
        )
        self._lock = threading.Lock()
        self._log_window = (0.0, 0)  # (window start, refusals logged in it)
        self._unlogged = 0

    # -- from any thread ---------------------------------------------------------------------------------------------
    def start(self) -> ControlServer:
        self._start_thread()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is still queued (replies, events), disconnect, stop the workers."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._halt(timeout)
        self.nonces.close()

    def stats(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "accepted": self.accepted,
            "refused": self.refused,
            "reconnects": self.reconnects,
            "error": self.last_error,
            "nonces": len(self.nonces),
            "nonces_evicted": self.nonces.evicted,
        }

    def _send(self, reply_to: str | None, correlation_id: str | None, message: dict[str, Any]) -> None:
        """Sign ``message`` (adding v, host, ts, nonce) and queue it for ``reply_to``."""
        if not reply_to or not reply_to.startswith(REPLY_QUEUE_PREFIXES):
            return
        message = dict(message)
        message.setdefault("v", PROTOCOL_VERSION)
        message["host"] = self.host
        message["ts"] = round(time.time(), 3)
        message["nonce"] = new_nonce()
        body = encode_message(sign(self._secret, message))
        with self._lock:
            self._outgoing.append((reply_to, correlation_id, body))
        self._wake()

    # -- the server thread -------------------------------------------------------------------------------------------
    thread_name = "control-server"

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, pika.exceptions.ChannelClosedByBroker) and exc.reply_code == 405:
            return f"another agent already listens on {self.queue} ({exc.reply_text})"
        return describe_error(exc)

    def _serve(self) -> None:
        self.state = "connecting"
        connection = pika.BlockingConnection(self.params)
        self._connection = connection
        channel = connection.channel()
        channel.exchange_declare(self.exchange, ExchangeType.direct, durable=True)
        # Exclusive: one agent per host name; gone with the agent's connection, so the desk's
        # mandatory publish comes back at once when no agent is listening.
        channel.queue_declare(
            self.queue,
            exclusive=True,
            auto_delete=True,
            arguments={"x-message-ttl": int(2 * self.max_skew * 1000)},
        )
        channel.queue_bind(self.queue, self.exchange, routing_key=self.host)
        channel.basic_qos(prefetch_count=32)
        channel.basic_consume(self.queue, self._on_request, auto_ack=True)
        self.state = "listening"
        self.last_error = ""
        self._ready.set()
        log.info("control: listening on %s (exchange %s, key %s)", self.queue, self.exchange, self.host)
        while not self._stop.is_set():
            connection.process_data_events(time_limit=0.25)
            self._drain(channel)
        self._drain(channel)

    def _drain(self, channel: BlockingChannel) -> None:
        while True:
            with self._lock:
                if not self._outgoing:
                    return
                reply_to, correlation_id, body = self._outgoing[0]
            properties = pika.BasicProperties(
                content_type=_JSON, correlation_id=correlation_id, app_id="suricate-agent"
            )
            channel.basic_publish("", reply_to, body, properties)
            with self._lock:
                self._outgoing.popleft()

    def _on_request(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        reply_to: str | None = properties.reply_to
        correlation_id = properties.correlation_id
        if reply_to and not reply_to.startswith(REPLY_QUEUE_PREFIXES):
            # Replies go to desks' reply queues only, never into a data or another agent's queue.
            audit.warning(
                "control: request on %s names reply queue %r, not a reply queue; it gets no answer",
                self.queue,
                reply_to[:200],
            )
            reply_to = None
        now = time.time()
        request: dict[str, Any] | None = None
        reason: str | None
        try:
            request = parse_message(body, self.max_body)
        except ValueError as exc:
            reason = str(exc)
        else:
            reason = verify(self._secret, request, now, self.nonces, self.max_skew, host=self.host)
        if reason is not None or request is None:  # (request is set whenever reason is None)
            self._refuse(request, reason or "malformed", reply_to, correlation_id)
            return
        self.accepted += 1
        op, args, nonce = request["op"], request["args"], request["nonce"]
        audit.info("control: accepted %s request (nonce %s, reply to %r)", op, nonce, reply_to)
        try:
            self._pool.submit(self._handle, op, args, nonce, reply_to, correlation_id)
        except RuntimeError:  # shutting down
            self._send(reply_to, correlation_id, {"re": nonce, "ok": False, "error": "the agent is stopping"})

    def _refuse(
        self, request: dict[str, Any] | None, reason: str, reply_to: str | None, correlation_id: str | None
    ) -> None:
        self.refused += 1
        op = request.get("op") if isinstance(request, dict) else None
        now = time.monotonic()
        start, count = self._log_window
        if now - start > 60:
            if self._unlogged:
                audit.warning(
                    "control: %d more refused requests were not logged in the last minute", self._unlogged
                )
            start, count, self._unlogged = now, 0, 0
        if count < 100:
            # Everything the sender chose is logged through repr(): no forged log lines.
            audit.warning(
                "control: refused %s request on %s (correlation id %s, reply to %s): %s",
                repr(op)[:60] if isinstance(op, str) else "a",
                self.queue,
                repr(correlation_id)[:100],
                repr(reply_to)[:200],
                reason,
            )
            count += 1
        else:
            self._unlogged += 1
        self._log_window = (start, count)
        reply: dict[str, Any] = {"ok": False, "error": f"refused: {reason}"}
        nonce = request.get("nonce") if isinstance(request, dict) else None
        if isinstance(nonce, str):
            reply["re"] = nonce[:128]
        self._send(reply_to, correlation_id, reply)

    def _handle(
        self, op: str, args: dict[str, Any], nonce: str, reply_to: str | None, correlation_id: str | None
    ) -> None:
        def emit(event: dict[str, Any]) -> None:
            self._send(reply_to, correlation_id, {**event, "re": nonce})

        try:
            result = self.handler(op, args, emit)
            reply: dict[str, Any] = {"re": nonce, "ok": True, "result": result if result is not None else {}}
        except ScriptError as exc:
            reply = {
                "re": nonce,
                "ok": False,
                "error": str(exc),
                "diagnostics": diagnostics_to_dicts(exc.diagnostics),
            }
        except Exception as exc:
            if not isinstance(exc, (ValueError, LookupError, RuntimeError, ImportError, OSError)):
                log.exception("control: %s handler failed", op)
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            reply = {"re": nonce, "ok": False, "error": str(message) or type(exc).__name__}
        try:
            self._send(reply_to, correlation_id, reply)
        except (TypeError, ValueError) as exc:  # a result that is not JSON
            log.error("control: %s reply could not be encoded: %s", op, exc)
            self._send(
                reply_to, correlation_id, {"re": nonce, "ok": False, "error": f"reply not encodable: {exc}"}
            )


# --------------------------------------------------------------------------------------------------
# The desk's side


@dataclass
class _Pending:
    op: str
    nonce: str
    future: concurrent.futures.Future[Any]
    deadline: float
    timeout: float
    body: bytes
    #: For run requests: where output and end events go (called in the client's thread).
    on_output: Callable[[str], None] | None = None
    on_end: Callable[[dict[str, Any]], None] | None = None
    sent: bool = False
    result: Callable[[dict[str, Any]], Any] = field(default=lambda r: r)


class ControlClient(ConnectionThread):
    """Send signed requests to the agent on ``host`` and wait for its signed replies.

    All pika I/O happens in the client's own thread (``control-client``); the
    methods may be called from any thread, the GUI's included. Each ``*_async``
    method returns a ``concurrent.futures.Future`` that resolves to the
    result or fails with ``ControlTimeout`` (no answer in time),
    ``ControlNoAgent`` (nothing listens for that host), ``ControlRefused``,
    ``ScriptError`` (a run whose script does not compile) or ``ControlError``;
    the blocking methods wait for it. ``on_output`` and ``on_end`` callbacks
    run in the client's thread: a GUI passes them on to its own thread.
    """

    def __init__(
        self,
        url: str,
        host: str,
        secret: bytes | str,
        *,
        exchange: str = CONTROL_EXCHANGE,
        timeout: float = 30.0,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        tls_ca: str | None = None,
    ):
        if not host:
            raise ValueError("ControlClient needs the agent's host name")
        _check_secret(secret)
        super().__init__(url, backoff, tls_ca)
        self.host = host
        self.exchange = exchange
        self.timeout = timeout
        #: A named queue that outlives a short connection cut (it expires a minute after the last consumer).
        self.reply_queue = REPLY_PREFIX + secrets.token_hex(12)
        self.ignored = 0
        self._secret = _key(secret)
        self._lock = threading.Lock()
        self._outgoing: collections.deque[_Pending] = collections.deque()
        self._pending: dict[str, _Pending] = {}
        #: Run request nonce -> (on_output, on_end), for the events of runs started here.
        self._runs: dict[
            str, tuple[Callable[[str], None] | None, Callable[[dict[str, Any]], None] | None]
        ] = {}
        self._start_thread()

    # -- requests ----------------------------------------------------------------------------------------------------
    def compile_async(
        self, script: str, lang: str | None = None, backend: str = "auto", timeout: float | None = None
    ) -> concurrent.futures.Future[list[dict[str, Any]]]:
        """Future of the diagnostics (list of dicts: line, column, severity, message, ...); empty = compiles."""
        return self._request(
            "compile",
            {"script": script, "lang": lang, "backend": backend},
            timeout,
            result=lambda r: list(r.get("diagnostics", [])),
        )

    def compile(
        self, script: str, lang: str | None = None, backend: str = "auto", timeout: float | None = None
    ) -> list[dict[str, Any]]:
        return self._wait(self.compile_async(script, lang, backend, timeout), timeout)

    def run_async(
        self,
        script: str,
        lang: str | None = None,
        backend: str = "auto",
        interval: float = 1.0,
        duration: float = 0.0,
        source: str | None = None,
        on_output: Callable[[str], None] | None = None,
        on_end: Callable[[dict[str, Any]], None] | None = None,
        timeout: float | None = None,
    ) -> concurrent.futures.Future[str]:
        """Future of the run id. The script is checked first: a bad one fails the future with ScriptError."""
        args = {
            "script": script,
            "lang": lang,
            "backend": backend,
            "interval": interval,
            "duration": duration,
            "source": source,
        }
        return self._request(
            "run", args, timeout, result=lambda r: r["run"], on_output=on_output, on_end=on_end
        )

    def run(
        self,
        script: str,
        lang: str | None = None,
        backend: str = "auto",
        interval: float = 1.0,
        duration: float = 0.0,
        source: str | None = None,
        on_output: Callable[[str], None] | None = None,
        on_end: Callable[[dict[str, Any]], None] | None = None,
        timeout: float | None = None,
    ) -> str:
        return self._wait(
            self.run_async(script, lang, backend, interval, duration, source, on_output, on_end, timeout),
            timeout,
        )

    def stop_async(
        self, run_id: str, timeout: float | None = None
    ) -> concurrent.futures.Future[dict[str, Any]]:
        return self._request("stop", {"run": run_id}, timeout)

    def stop(self, run_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Stop a run; the agent answers once it has ended (``{"run", "stopped", "snapshots"}``)."""
        return self._wait(self.stop_async(run_id, timeout), timeout)

    def status_async(self, timeout: float | None = None) -> concurrent.futures.Future[dict[str, Any]]:
        return self._request("status", {}, timeout)

    def status(self, timeout: float | None = None) -> dict[str, Any]:
        """``{"host", "runs": [...], "ended": [...], "max_runs"}``."""
        return self._wait(self.status_async(timeout), timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Fail what is still waiting, disconnect (the reply queue goes with us)."""
        self._halt(timeout)

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals, caller's thread ----------------------------------------------------------------------------------
    def _request(
        self,
        op: str,
        args: dict[str, Any],
        timeout: float | None,
        result: Callable[[dict[str, Any]], Any] = lambda r: r,
        on_output: Callable[[str], None] | None = None,
        on_end: Callable[[dict[str, Any]], None] | None = None,
    ) -> concurrent.futures.Future[Any]:
        timeout = self.timeout if timeout is None else timeout
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        if self._stop.is_set():
            future.set_exception(ControlError("the control client is closed"))
            return future
        if self.failed.is_set():  # the broker refused us for good: nothing queued here would ever go
            future.set_exception(ControlError(self.last_error))
            return future
        request = make_request(self._secret, self.host, op, args)
        pending = _Pending(
            op,
            request["nonce"],
            future,
            time.monotonic() + timeout,
            timeout,
            encode_message(request),
            on_output,
            on_end,
            result=result,
        )
        with self._lock:
            self._pending[pending.nonce] = pending
            if op == "run" and (on_output or on_end):
                self._runs[pending.nonce] = (on_output, on_end)
            self._outgoing.append(pending)
        self._wake()
        return future

    def _wait(self, future: concurrent.futures.Future[_T], timeout: float | None) -> _T:
        # The client's thread fails the future at its deadline; the margin only guards against a dead thread.
        # A broker that refused us for good (login, TLS...) is said as such, not as an agent's silence.
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout + 10
        while not future.done():
            if self.failed.is_set():
                raise ControlError(self.last_error)
            if time.monotonic() >= deadline:
                raise ControlTimeout(f"no agent answered on host {self.host} within {timeout:g}s")
            concurrent.futures.wait([future], timeout=0.2)
        return future.result()

    # -- the client thread -------------------------------------------------------------------------------------------
    thread_name = "control-client"

    def _pause(self, delay: float) -> None:
        # Requests sent on the lost connection may have been answered into the void: resend
        # none of them (they would be replays); they time out unless the reply survives in our queue.
        end = time.monotonic() + delay
        while not self._stop.is_set() and time.monotonic() < end:
            self._expire()
            self._stop.wait(0.05)

    def _on_stopped(self) -> None:
        self.state = "closed"
        # Not closed by its owner: the broker refused us for good, and that is the reason to give.
        reason = (
            self.last_error if not self._stop.is_set() and self.last_error else "the control client is closed"
        )
        with self._lock:
            pending = list(self._pending.values())
            self._pending.clear()
            self._outgoing.clear()
        for p in pending:
            _fail(p.future, ControlError(reason))

    def _serve(self) -> None:
        self.state = "connecting"
        connection = pika.BlockingConnection(self.params)
        self._connection = connection
        channel = connection.channel()
        channel.exchange_declare(self.exchange, ExchangeType.direct, durable=True)
        channel.queue_declare(self.reply_queue, arguments={"x-expires": 60_000})
        channel.add_on_return_callback(self._on_return)
        channel.basic_consume(self.reply_queue, self._on_reply, auto_ack=True)
        self.state = "connected"
        self.last_error = ""
        self._ready.set()
        while not self._stop.is_set():
            self._send_queued(channel)
            connection.process_data_events(time_limit=0.1)
            self._expire()
        try:
            channel.queue_delete(self.reply_queue)
        except Exception:  # it expires by itself a minute later
            pass

    def _send_queued(self, channel: BlockingChannel) -> None:
        while True:
            with self._lock:
                if not self._outgoing:
                    return
                pending = self._outgoing.popleft()
            if pending.future.done():
                continue
            properties = pika.BasicProperties(
                content_type=_JSON,
                correlation_id=pending.nonce,
                reply_to=self.reply_queue,
                app_id="suricate-desk",
                expiration=str(int(pending.timeout * 1000) + 1000),
            )
            channel.basic_publish(self.exchange, self.host, pending.body, properties, mandatory=True)
            pending.sent = True

    def _expire(self) -> None:
        now = time.monotonic()
        expired = []
        with self._lock:
            for nonce, p in list(self._pending.items()):
                if now >= p.deadline or p.future.done():
                    del self._pending[nonce]
                    if not p.future.done():
                        expired.append(p)
        for p in expired:
            with self._lock:
                self._runs.pop(p.nonce, None)
            detail = "" if self.state == "connected" else f" (broker: {self.last_error or self.state})"
            _fail(
                p.future,
                ControlTimeout(f"no agent answered on host {self.host} within {p.timeout:g}s{detail}"),
            )

    def _on_return(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Return,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        with self._lock:
            p = self._pending.pop(properties.correlation_id or "", None)
            self._runs.pop(properties.correlation_id or "", None)
        if p is not None:
            _fail(
                p.future,
                ControlNoAgent(
                    f"no agent is listening on host {self.host} (nothing bound to {self.exchange} with key {self.host}; "
                    f"is 'suricate agent --control --host {self.host}' running?)"
                ),
            )

    def _on_reply(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        try:
            message = parse_message(body)
        except ValueError as exc:
            self.ignored += 1
            log.warning("control client: ignored a reply on %s: %s", self.reply_queue, exc)
            return
        re_nonce = message.get("re")
        if "event" in message:
            self._on_event(message, re_nonce)
            return
        with self._lock:
            p = self._pending.get(re_nonce) if isinstance(re_nonce, str) else None
            if p is None and properties.correlation_id:
                p = self._pending.get(properties.correlation_id)
        if p is None:
            log.debug("control client: a reply for no pending request (late, after its timeout?)")
            return
        problem = verify_reply(self._secret, message, self.host, p.nonce)
        if problem is not None:
            error = message.get("error")
            if message.get("ok") is False and isinstance(error, str) and error.startswith("refused: "):
                # A refusal we cannot verify: most likely the secrets differ. It changes nothing on the agent.
                self._finish(
                    p,
                    exc=ControlRefused(
                        error[len("refused: ") :][:500],
                        f"the agent's refusal does not verify with this desk's secret either ({problem}): "
                        "the desk and the agent do not share the same secret",
                    ),
                )
            else:
                self.ignored += 1
                log.warning("control client: ignored an untrusted reply from %s: %s", self.host, problem)
            return
        if message.get("ok") is True:
            try:
                value = p.result(message.get("result") or {})
            except Exception as exc:  # a result without what the op promises
                self._finish(p, exc=ControlError(f"unexpected {p.op} reply: {exc!r}"))
            else:
                self._finish(p, value=value)
            return
        error = str(message.get("error") or "the agent reported an error")
        if error.startswith("refused: "):
            self._finish(p, exc=ControlRefused(error[len("refused: ") :]))
        elif message.get("diagnostics"):
            self._finish(p, exc=ScriptError(diagnostics_from_dicts(message["diagnostics"])))
        else:
            self._finish(p, exc=ControlError(f"{self.host}: {error}"))

    def _finish(self, p: _Pending, value: object = None, exc: BaseException | None = None) -> None:
        with self._lock:
            self._pending.pop(p.nonce, None)
            if exc is not None:
                self._runs.pop(p.nonce, None)
        if exc is not None:
            _fail(p.future, exc)
        elif not p.future.done():
            try:
                p.future.set_result(value)
            except concurrent.futures.InvalidStateError:
                pass

    def _on_event(self, message: dict[str, Any], re_nonce: object) -> None:
        if not isinstance(re_nonce, str):
            return
        callbacks = self._runs.get(re_nonce)
        if callbacks is None:
            return
        problem = verify_reply(self._secret, message, self.host, re_nonce)
        if problem is not None:
            self.ignored += 1
            log.warning("control client: ignored an untrusted event from %s: %s", self.host, problem)
            return
        on_output, on_end = callbacks
        kind = message.get("event")
        try:
            if kind == "output" and on_output is not None:
                on_output(str(message.get("text", "")))
            elif kind == "end":
                with self._lock:
                    self._runs.pop(re_nonce, None)
                if on_end is not None:
                    on_end({k: v for k, v in message.items() if k not in ("sig", "nonce", "v")})
        except Exception:
            log.exception("control client: %s callback failed", kind)


def _fail(future: concurrent.futures.Future[Any], exc: BaseException) -> None:
    if not future.done():
        try:
            future.set_exception(exc)
        except concurrent.futures.InvalidStateError:
            pass
