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

The wire format is specified in docs/control-protocol.md; this module is its
reference implementation. Threads: ``ControlServer`` and ``ControlClient``
each own one pika ``BlockingConnection``, created and used only in their own
thread; other threads hand them messages through a locked deque and wake them
with ``add_callback_threadsafe``. Handlers run in a small worker pool, so a
slow compile does not hold up the next request. Nothing here imports the
agent or the store: the agent side is a handler, ``handler(op, args, emit)``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pika
import pika.exceptions
from pika.exchange_type import ExchangeType

from ..lang.diagnostics import Diagnostic, ScriptError
from ..schema import MAX_DEPTH, SchemaError, check_depth
from .connection_thread import ConnectionThread
from .nonce_journal import NonceJournal
from .publisher import describe_error

log = logging.getLogger(__name__)
#: Every accepted (INFO) and refused (WARNING) request: the agent's audit trail, shown by ``suricate agent``.
audit = logging.getLogger("suricate.control")

PROTOCOL_VERSION = 1
#: The direct exchange the desk sends requests to; routing key = the agent's host name.
CONTROL_EXCHANGE = "suricate.control"
#: Prefix of each agent's request queue (``suricate.control.<host>``) and of each desk's reply queue.
QUEUE_PREFIX = "suricate.control."
REPLY_PREFIX = "suricate.control.reply."
#: The only queues an agent answers into: desks' reply queues and RabbitMQ's direct reply-to.
REPLY_QUEUE_PREFIXES = (REPLY_PREFIX, "amq.rabbitmq.reply-to")
OPS = ("compile", "run", "stop", "status")
#: Requests further than this from the agent's clock are refused as stale.
DEFAULT_MAX_SKEW = 30.0
#: Request bodies larger than this are refused before parsing.
MAX_CONTROL_BYTES = 1 << 20
#: Where the secret comes from when no file is given.
SECRET_ENV = "SURICATE_CONTROL_SECRET"
MIN_SECRET_BYTES = 16

_HEX_SIG = re.compile(r"[0-9a-f]{64}")
_HEX_NONCE = re.compile(r"[0-9a-f]{16,128}")
_JSON = "application/json"


# --------------------------------------------------------------------------------------------------
# Errors


class ControlError(Exception):
    """A control request that did not succeed (the agent's own error message, or a transport failure)."""


class ControlTimeout(ControlError):
    """No answer within the timeout."""


class ControlNoAgent(ControlTimeout):
    """The broker had nowhere to route the request: no agent listens for that host."""


class ControlRefused(ControlError):
    """The agent refused the request (unsigned, bad signature, stale, replayed, unknown op, malformed)."""

    def __init__(self, reason: str, detail: str = ""):
        #: The agent's reason, as it logged it ("bad signature", "stale timestamp: ...").
        self.reason = reason
        super().__init__(f"{reason} ({detail})" if detail else reason)


class SecretError(ValueError):
    """The shared secret is missing, too short, or kept in a file others can read."""


# --------------------------------------------------------------------------------------------------
# The secret


def load_secret(secret_file: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """The shared secret: the file's bytes (surrounding whitespace removed), else ``$SURICATE_CONTROL_SECRET``.

    A file that group or others may read or write is refused (``chmod 600``);
    so is a secret shorter than 16 bytes. Never take a secret from the command
    line: other users see it in ``ps``.
    """
    environ = os.environ if environ is None else environ
    if secret_file is not None:
        path = Path(secret_file).expanduser()
        try:
            st = path.stat()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {path}: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise SecretError(f"the secret file {path} is not a regular file")
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            raise SecretError(
                f"the secret file {path} is accessible by group or others (mode {mode:04o}); "
                f"make it private: chmod 600 {path}")
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {path}: {exc.strerror}") from None
        where = str(path)
    elif environ.get(SECRET_ENV):
        secret = environ[SECRET_ENV].strip().encode("utf-8")
        where = f"${SECRET_ENV}"
    else:
        raise SecretError(f"no control secret: give --secret-file FILE or set {SECRET_ENV}")
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            f"the secret in {where} is too short ({len(secret)} bytes; at least {MIN_SECRET_BYTES}, "
            "e.g. from 'openssl rand -hex 32')")
    return secret


def _check_secret(secret: bytes | str) -> None:
    if len(_key(secret)) < MIN_SECRET_BYTES:
        raise SecretError(f"the control secret must have at least {MIN_SECRET_BYTES} bytes")


def _key(secret: bytes | str) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


# --------------------------------------------------------------------------------------------------
# Canonical form, signature, verification


def canonical(message: Mapping[str, Any]) -> bytes:
    """The bytes that are signed: every field but ``sig``, as JSON with sorted keys and no spaces.

    ``json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=True,
    allow_nan=False)`` encoded as ASCII: keys sorted at every level, non-ASCII
    characters as ``\\uXXXX`` escapes, no NaN or Infinity.
    """
    body = {k: v for k, v in message.items() if k != "sig"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def signature(secret: bytes | str, message: Mapping[str, Any]) -> str:
    """Hex HMAC-SHA256 of the message's canonical form."""
    return hmac.new(_key(secret), canonical(message), hashlib.sha256).hexdigest()


def sign(secret: bytes | str, request: Mapping[str, Any]) -> dict:
    """A copy of ``request`` with its ``sig``. Fills ``v``, ``ts`` and ``nonce`` when missing."""
    message = dict(request)
    message.pop("sig", None)
    message.setdefault("v", PROTOCOL_VERSION)
    message.setdefault("ts", round(time.time(), 3))
    message.setdefault("nonce", new_nonce())
    message["sig"] = signature(secret, message)
    return message


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_request(secret: bytes | str, host: str, op: str, args: Mapping[str, Any] | None = None,
                 *, ts: float | None = None, nonce: str | None = None) -> dict:
    """A signed request envelope for ``op`` on ``host``."""
    request = {"v": PROTOCOL_VERSION, "op": op, "host": host, "ts": round(time.time(), 3) if ts is None else ts,
               "nonce": nonce or new_nonce(), "args": dict(args or {})}
    return sign(secret, request)


def encode_message(message: Mapping[str, Any]) -> bytes:
    """What goes on the wire (any valid JSON would do; this is the canonical form plus ``sig``)."""
    return json.dumps(message, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def _no_constants(name: str):
    raise ValueError(f"{name} is not allowed")


def parse_message(body: bytes | str, max_bytes: int = MAX_CONTROL_BYTES) -> dict:
    """JSON object from the wire; ValueError("malformed: ...") otherwise, and never anything else.

    Size and nesting depth (``schema.MAX_DEPTH``) are checked before parsing,
    so neither the parser nor the signature's canonical form (``json.dumps``)
    recurses deep; whatever else a hostile body makes the parser raise
    (bad UTF-8, a 5,000-digit integer, a lone surrogate) is a malformed body.
    """
    if len(body) > max_bytes:
        raise ValueError(f"malformed: message of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    try:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        check_depth(raw, MAX_DEPTH)
        message = json.loads(raw, parse_constant=_no_constants)
    except SchemaError as exc:
        raise ValueError(f"malformed: {exc}") from None
    except Exception as exc:  # ValueError, UnicodeError, RecursionError, MemoryError...: all malformed
        raise ValueError(f"malformed: not JSON ({type(exc).__name__}: {str(exc)[:100]})") from None
    if not isinstance(message, dict):
        raise ValueError("malformed: not a JSON object")
    return message


class NonceCache:
    """Nonces of accepted requests, kept ``ttl`` seconds (2 × the allowed skew), at most ``max_entries``.

    A request whose nonce is here is a replay. A nonce is kept until no
    request carrying it could pass the freshness check any more: it was
    accepted with ``|ts - now| <= skew``, so after ``2 * skew`` a copy is stale.
    If the cache is full of live nonces, the oldest is evicted (counted in
    ``evicted``) and its request's timestamp becomes a floor: requests stamped
    at or before it are refused as stale, so an evicted nonce still cannot be
    replayed.

    Across restarts: with a ``journal`` (transport/nonce_journal.py) every
    accepted nonce is on disk before its request runs, and a new cache starts
    from what is still live there; a request that cannot be journaled is
    refused. Without one, ``not_before`` (the agent's start) refuses requests
    signed before it, which is weaker: a desk whose clock runs ahead could
    replay a request of the last seconds before the restart.
    """

    def __init__(self, ttl: float = 2 * DEFAULT_MAX_SKEW, max_entries: int = 100_000, *,
                 journal: NonceJournal | None = None, not_before: float = -math.inf,
                 now: float | None = None):
        self.ttl = ttl
        self.max_entries = max_entries
        self.floor = -math.inf
        self.not_before = not_before
        self.evicted = 0
        self.journal = journal
        self._entries: collections.OrderedDict[str, tuple[float, float]] = collections.OrderedDict()
        self._lock = threading.Lock()
        if journal is not None:
            live, self.floor = journal.load(time.time() if now is None else now)
            for nonce, expires, ts in live:
                self._entries[nonce] = (expires, ts)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, nonce: str) -> bool:
        return nonce in self._entries

    def add(self, nonce: str, ts: float, now: float) -> str | None:
        """Remember ``nonce``; the refusal reason if it is a replay (or below the floor), else None."""
        with self._lock:
            entries = self._entries
            while entries:
                first = next(iter(entries.values()))
                if first[0] > now:
                    break
                entries.popitem(last=False)
            if nonce in entries:
                return "replayed nonce"
            if ts <= self.floor:
                return "stale timestamp: older than the replay cache still covers"
            if ts < self.not_before:
                return ("stale timestamp: signed before this agent started (without a nonce file, requests "
                        "from before a restart are refused)")
            floor = self.floor
            while len(entries) >= self.max_entries:
                _, (_, old_ts) = entries.popitem(last=False)
                floor = max(floor, old_ts)
                self.evicted += 1
            expires = now + self.ttl
            if self.journal is not None:
                try:
                    if floor != self.floor:
                        self.journal.record_floor(floor)
                    self.journal.record(nonce, expires, ts)
                    if self.journal.needs_compaction(len(entries) + 1):
                        self.journal.rewrite([(n, e, t) for n, (e, t) in entries.items()] + [(nonce, expires, ts)],
                                             floor)
                except OSError as exc:
                    self.floor = floor
                    return f"replay journal: cannot record the nonce ({exc.strerror or exc}); nothing runs"
            self.floor = floor
            entries[nonce] = (expires, ts)
            return None

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()


def _check_fields(message: Mapping[str, Any]) -> str | None:
    if type(message.get("v")) is not int or message["v"] != PROTOCOL_VERSION:
        return f"malformed: v must be {PROTOCOL_VERSION}, got {message.get('v')!r}"[:200]
    for name, kind in (("op", str), ("host", str), ("nonce", str), ("args", dict)):
        if name not in message:
            return f"malformed: missing field {name!r}"
        if not isinstance(message[name], kind):
            return f"malformed: {name} must be a {'JSON object' if kind is dict else 'string'}"
    ts = message.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not math.isfinite(ts):
        return "malformed: ts must be a number (seconds since the epoch)"
    if not _HEX_NONCE.fullmatch(message["nonce"]):
        return "malformed: nonce must be 16 to 128 lowercase hex digits"
    return None


def verify(
    secret: bytes | str,
    request: Mapping[str, Any] | bytes | str,
    now: float,
    seen_nonces: NonceCache,
    max_skew: float = DEFAULT_MAX_SKEW,
    host: str | None = None,
) -> str | None:
    """Why ``request`` must be refused, or None when it may run.

    In order: malformed JSON, unsigned (no ``sig``), malformed fields, bad
    signature (constant-time comparison), wrong host (when ``host`` is
    given), stale timestamp (more than ``max_skew`` s from ``now``, either
    way), replayed nonce (then the nonce is remembered), unknown op. Every
    reason starts with one of: ``malformed``, ``unsigned``, ``bad signature``,
    ``wrong host``, ``stale timestamp``, ``replayed nonce``, ``unknown op``.
    """
    if not isinstance(request, Mapping):
        try:
            request = parse_message(request)
        except ValueError as exc:
            return str(exc)
    if "sig" not in request:
        return "unsigned"
    sig = request["sig"]
    if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
        return "malformed: sig must be 64 lowercase hex digits (HMAC-SHA256)"
    problem = _check_fields(request)
    if problem:
        return problem
    try:
        expected = signature(secret, request)
    except (TypeError, ValueError) as exc:
        return f"malformed: cannot be put in canonical form ({exc})"
    if not hmac.compare_digest(expected, sig):
        return "bad signature"
    if host is not None and request["host"] != host:
        return f"wrong host {request['host'][:100]!r} (this agent is {host!r})"
    age = now - request["ts"]
    if age > max_skew:
        return f"stale timestamp: {age:.0f} s old (allowed skew {max_skew:g} s)"
    if -age > max_skew:
        return f"stale timestamp: {-age:.0f} s ahead of this host's clock (allowed skew {max_skew:g} s)"
    replay = seen_nonces.add(request["nonce"], request["ts"], now)
    if replay:
        return replay
    if request["op"] not in OPS:
        return f"unknown op {request['op'][:50]!r}"
    return None


def verify_reply(secret: bytes | str, message: Mapping[str, Any], host: str, re_nonce: str | None = None) -> str | None:
    """Why an agent's reply or event cannot be trusted, or None.

    It must be signed with the shared secret, come from ``host`` and, when
    ``re_nonce`` is given, answer the request that had that nonce (``re``).
    Binding to the request's nonce is what makes an old reply useless.
    """
    sig = message.get("sig")
    if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
        return "unsigned"
    try:
        expected = signature(secret, message)
    except (TypeError, ValueError):
        return "malformed"
    if not hmac.compare_digest(expected, sig):
        return "bad signature"
    if message.get("host") != host:
        return f"from host {message.get('host')!r}, not {host!r}"
    if re_nonce is not None and message.get("re") != re_nonce:
        return "answers another request"
    return None


def diagnostics_to_dicts(diagnostics: list[Diagnostic]) -> list[dict]:
    return [d.to_dict() for d in diagnostics]


def diagnostics_from_dicts(items: list[Mapping[str, Any]]) -> list[Diagnostic]:
    out = []
    for d in items or ():
        out.append(Diagnostic(int(d.get("line", 0)), int(d.get("column", 0)), str(d.get("severity", "error")),
                              str(d.get("message", "")), str(d.get("file", "<script>")), d.get("end_column")))
    return out


# --------------------------------------------------------------------------------------------------
# The agent's side


#: Sends an event (``{"event": "output", "run": id, "text": ...}``) to the reply queue of the request
#: being handled, signed. A no-op when the request named no reply queue.
Emit = Callable[[dict], None]
#: ``handler(op, args, emit) -> result``; raise ScriptError for a bad script, any other exception for an error.
Handler = Callable[[str, dict, Emit], dict]


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
        backoff: tuple[float, float] = (0.2, 10.0),
        max_outgoing: int = 10_000,
        nonce_file: str | os.PathLike | None = None,
    ):
        """``nonce_file``: where accepted nonces are kept until their window passes, so a replay is refused
        after a restart too (``OSError`` here if it cannot be used). Without it, requests signed before this
        server was made are refused instead (see ``NonceCache``)."""
        if not host or host.startswith("reply.") or len(host) > 200:
            raise ValueError(f"bad host name {host!r}")
        _check_secret(secret)
        super().__init__(url, backoff)
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
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="control-handler")
        self._outgoing: collections.deque[tuple[str, str | None, bytes]] = collections.deque(maxlen=max_outgoing)
        self._lock = threading.Lock()
        self._log_window = (0.0, 0)  # (window start, refusals logged in it)
        self._unlogged = 0

    # -- from any thread ---------------------------------------------------------------------------------------------
    def start(self) -> "ControlServer":
        self._start_thread()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is still queued (replies, events), disconnect, stop the workers."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._halt(timeout)
        self.nonces.close()

    def stats(self) -> dict:
        return {"state": self.state, "accepted": self.accepted, "refused": self.refused,
                "reconnects": self.reconnects, "error": self.last_error, "nonces": len(self.nonces),
                "nonces_evicted": self.nonces.evicted}

    def _send(self, reply_to: str | None, correlation_id: str | None, message: dict) -> None:
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
        channel.queue_declare(self.queue, exclusive=True, auto_delete=True,
                              arguments={"x-message-ttl": int(2 * self.max_skew * 1000)})
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

    def _drain(self, channel) -> None:
        while True:
            with self._lock:
                if not self._outgoing:
                    return
                reply_to, correlation_id, body = self._outgoing[0]
            properties = pika.BasicProperties(content_type=_JSON, correlation_id=correlation_id,
                                              app_id="suricate-agent")
            channel.basic_publish("", reply_to, body, properties)
            with self._lock:
                self._outgoing.popleft()

    def _on_request(self, channel, method, properties, body: bytes) -> None:
        reply_to = properties.reply_to
        correlation_id = properties.correlation_id
        if reply_to and not reply_to.startswith(REPLY_QUEUE_PREFIXES):
            # Replies go to desks' reply queues only, never into a data or another agent's queue.
            audit.warning("control: request on %s names reply queue %r, not a reply queue; it gets no answer",
                          self.queue, reply_to[:200])
            reply_to = None
        now = time.time()
        request: dict | None = None
        try:
            request = parse_message(body, self.max_body)
        except ValueError as exc:
            reason = str(exc)
        else:
            reason = verify(self._secret, request, now, self.nonces, self.max_skew, host=self.host)
        if reason is not None:
            self._refuse(request, reason, reply_to, correlation_id)
            return
        self.accepted += 1
        op, args, nonce = request["op"], request["args"], request["nonce"]
        audit.info("control: accepted %s request (nonce %s, reply to %r)", op, nonce, reply_to)
        try:
            self._pool.submit(self._handle, op, args, nonce, reply_to, correlation_id)
        except RuntimeError:  # shutting down
            self._send(reply_to, correlation_id, {"re": nonce, "ok": False, "error": "the agent is stopping"})

    def _refuse(self, request: dict | None, reason: str, reply_to: str | None, correlation_id: str | None) -> None:
        self.refused += 1
        op = request.get("op") if isinstance(request, dict) else None
        now = time.monotonic()
        start, count = self._log_window
        if now - start > 60:
            if self._unlogged:
                audit.warning("control: %d more refused requests were not logged in the last minute", self._unlogged)
            start, count, self._unlogged = now, 0, 0
        if count < 100:
            # Everything the sender chose is logged through repr(): no forged log lines.
            audit.warning("control: refused %s request on %s (correlation id %s, reply to %s): %s",
                          repr(op)[:60] if isinstance(op, str) else "a", self.queue,
                          repr(correlation_id)[:100], repr(reply_to)[:200], reason)
            count += 1
        else:
            self._unlogged += 1
        self._log_window = (start, count)
        reply: dict[str, Any] = {"ok": False, "error": f"refused: {reason}"}
        nonce = request.get("nonce") if isinstance(request, dict) else None
        if isinstance(nonce, str):
            reply["re"] = nonce[:128]
        self._send(reply_to, correlation_id, reply)

    def _handle(self, op: str, args: dict, nonce: str, reply_to: str | None, correlation_id: str | None) -> None:
        def emit(event: dict) -> None:
            self._send(reply_to, correlation_id, {**event, "re": nonce})

        try:
            result = self.handler(op, args, emit)
            reply = {"re": nonce, "ok": True, "result": result if result is not None else {}}
        except ScriptError as exc:
            reply = {"re": nonce, "ok": False, "error": str(exc), "diagnostics": diagnostics_to_dicts(exc.diagnostics)}
        except Exception as exc:
            if not isinstance(exc, (ValueError, LookupError, RuntimeError, ImportError, OSError)):
                log.exception("control: %s handler failed", op)
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            reply = {"re": nonce, "ok": False, "error": str(message) or type(exc).__name__}
        try:
            self._send(reply_to, correlation_id, reply)
        except (TypeError, ValueError) as exc:  # a result that is not JSON
            log.error("control: %s reply could not be encoded: %s", op, exc)
            self._send(reply_to, correlation_id, {"re": nonce, "ok": False, "error": f"reply not encodable: {exc}"})


# --------------------------------------------------------------------------------------------------
# The desk's side


@dataclass
class _Pending:
    op: str
    nonce: str
    future: concurrent.futures.Future
    deadline: float
    timeout: float
    body: bytes
    #: For run requests: where output and end events go (called in the client's thread).
    on_output: Callable[[str], None] | None = None
    on_end: Callable[[dict], None] | None = None
    sent: bool = False
    result: Callable[[dict], Any] = field(default=lambda r: r)


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
        backoff: tuple[float, float] = (0.2, 5.0),
    ):
        if not host:
            raise ValueError("ControlClient needs the agent's host name")
        _check_secret(secret)
        super().__init__(url, backoff)
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
        self._runs: dict[str, tuple[Callable[[str], None] | None, Callable[[dict], None] | None]] = {}
        self._start_thread()

    # -- requests ----------------------------------------------------------------------------------------------------
    def compile_async(self, script: str, lang: str | None = None, backend: str = "auto",
                      timeout: float | None = None) -> concurrent.futures.Future:
        """Future of the diagnostics (list of dicts: line, column, severity, message, ...); empty = compiles."""
        return self._request("compile", {"script": script, "lang": lang, "backend": backend}, timeout,
                             result=lambda r: list(r.get("diagnostics", [])))

    def compile(self, script: str, lang: str | None = None, backend: str = "auto",
                timeout: float | None = None) -> list[dict]:
        return self._wait(self.compile_async(script, lang, backend, timeout), timeout)

    def run_async(self, script: str, lang: str | None = None, backend: str = "auto", interval: float = 1.0,
                  duration: float = 0.0, source: str | None = None, on_output: Callable[[str], None] | None = None,
                  on_end: Callable[[dict], None] | None = None,
                  timeout: float | None = None) -> concurrent.futures.Future:
        """Future of the run id. The script is checked first: a bad one fails the future with ScriptError."""
        args = {"script": script, "lang": lang, "backend": backend, "interval": interval, "duration": duration,
                "source": source}
        return self._request("run", args, timeout, result=lambda r: r["run"], on_output=on_output, on_end=on_end)

    def run(self, script: str, lang: str | None = None, backend: str = "auto", interval: float = 1.0,
            duration: float = 0.0, source: str | None = None, on_output: Callable[[str], None] | None = None,
            on_end: Callable[[dict], None] | None = None, timeout: float | None = None) -> str:
        return self._wait(self.run_async(script, lang, backend, interval, duration, source, on_output, on_end,
                                         timeout), timeout)

    def stop_async(self, run_id: str, timeout: float | None = None) -> concurrent.futures.Future:
        return self._request("stop", {"run": run_id}, timeout)

    def stop(self, run_id: str, timeout: float | None = None) -> dict:
        """Stop a run; the agent answers once it has ended (``{"run", "stopped", "snapshots"}``)."""
        return self._wait(self.stop_async(run_id, timeout), timeout)

    def status_async(self, timeout: float | None = None) -> concurrent.futures.Future:
        return self._request("status", {}, timeout)

    def status(self, timeout: float | None = None) -> dict:
        """``{"host", "runs": [...], "ended": [...], "max_runs"}``."""
        return self._wait(self.status_async(timeout), timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Fail what is still waiting, disconnect (the reply queue goes with us)."""
        self._halt(timeout)

    def __enter__(self) -> "ControlClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals, caller's thread ----------------------------------------------------------------------------------
    def _request(self, op: str, args: dict, timeout: float | None, result=lambda r: r,
                 on_output=None, on_end=None) -> concurrent.futures.Future:
        timeout = self.timeout if timeout is None else timeout
        future: concurrent.futures.Future = concurrent.futures.Future()
        if self._stop.is_set():
            future.set_exception(ControlError("the control client is closed"))
            return future
        request = make_request(self._secret, self.host, op, args)
        pending = _Pending(op, request["nonce"], future, time.monotonic() + timeout, timeout,
                           encode_message(request), on_output, on_end, result=result)
        with self._lock:
            self._pending[pending.nonce] = pending
            if op == "run" and (on_output or on_end):
                self._runs[pending.nonce] = (on_output, on_end)
            self._outgoing.append(pending)
        self._wake()
        return future

    def _wait(self, future: concurrent.futures.Future, timeout: float | None):
        # The client's thread fails the future at its deadline; the margin only guards against a dead thread.
        timeout = self.timeout if timeout is None else timeout
        try:
            return future.result(timeout + 10)
        except concurrent.futures.TimeoutError:
            raise ControlTimeout(f"no agent answered on host {self.host} within {timeout:g}s") from None

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
        with self._lock:
            pending = list(self._pending.values())
            self._pending.clear()
            self._outgoing.clear()
        for p in pending:
            _fail(p.future, ControlError("the control client is closed"))

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

    def _send_queued(self, channel) -> None:
        while True:
            with self._lock:
                if not self._outgoing:
                    return
                pending = self._outgoing.popleft()
            if pending.future.done():
                continue
            properties = pika.BasicProperties(content_type=_JSON, correlation_id=pending.nonce,
                                              reply_to=self.reply_queue, app_id="suricate-desk",
                                              expiration=str(int(pending.timeout * 1000) + 1000))
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
            _fail(p.future, ControlTimeout(f"no agent answered on host {self.host} within {p.timeout:g}s{detail}"))

    def _on_return(self, channel, method, properties, body) -> None:
        with self._lock:
            p = self._pending.pop(properties.correlation_id or "", None)
            self._runs.pop(properties.correlation_id or "", None)
        if p is not None:
            _fail(p.future, ControlNoAgent(
                f"no agent is listening on host {self.host} (nothing bound to {self.exchange} with key {self.host}; "
                f"is 'suricate agent --control --host {self.host}' running?)"))

    def _on_reply(self, channel, method, properties, body: bytes) -> None:
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
                self._finish(p, exc=ControlRefused(
                    error[len("refused: "):][:500],
                    f"the agent's refusal does not verify with this desk's secret either ({problem}): "
                    "the desk and the agent do not share the same secret"))
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
            self._finish(p, exc=ControlRefused(error[len("refused: "):]))
        elif message.get("diagnostics"):
            self._finish(p, exc=ScriptError(diagnostics_from_dicts(message["diagnostics"])))
        else:
            self._finish(p, exc=ControlError(f"{self.host}: {error}"))

    def _finish(self, p: _Pending, value=None, exc: BaseException | None = None) -> None:
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

    def _on_event(self, message: dict, re_nonce) -> None:
        callbacks = self._runs.get(re_nonce) if isinstance(re_nonce, str) else None
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


def _fail(future: concurrent.futures.Future, exc: BaseException) -> None:
    if not future.done():
        try:
            future.set_exception(exc)
        except concurrent.futures.InvalidStateError:
            pass
