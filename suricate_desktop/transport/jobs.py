"""Job requests for processing scripts: the signed message, its checks, and the quorum job queue.

A job asks "run script S over the last M seconds with these params, now" of whichever worker takes
it (docs/processing-scripts.md, "Jobs"). It is signed like a control request (the same canonical form
and HMAC-SHA256 as ``control_messages``, op ``job``), sent to the durable quorum queue
``suricate.jobs`` through the default exchange, and consumed by competing workers with prefetch 1.
A worker acks a job only after its results were confirmed by the broker, so a worker killed mid-job
leaves the job to be redelivered to another one; the results' (run, seq) ids are fixed by the job, so
a result published twice is dropped by the consumers' dedup. This module holds the message's checks
(plain functions) and ``JobConsumer``, the thread that takes jobs off the queue.
"""

from __future__ import annotations

import collections
import hmac
import logging
import math
import queue
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pika
import pika.spec
from pika.adapters.blocking_connection import BlockingChannel

from .connection_thread import ConnectionThread
from .control_messages import (
    _HEX_SIG,
    DEFAULT_MAX_SKEW,
    PROTOCOL_VERSION,
    NonceCache,
    _check_fields,
    encode_message,
    make_request,
    parse_message,
    sign,
    signature,
)
from .reconnect import RETRY_CAP

log = logging.getLogger(__name__)

JOB_QUEUE = "suricate.jobs"
#: The queue's arguments: a quorum queue (replicated on a cluster, each message taken by one consumer).
JOB_QUEUE_ARGUMENTS: dict[str, Any] = {"x-queue-type": "quorum"}
JOB_OP = "job"
#: Replies go only to RabbitMQ's direct reply-to or to queues named so.
REPLY_PREFIXES = ("amq.rabbitmq.reply-to", "suricate.jobs.reply.")
#: A job may wait this long in the queue (a worker refuses an older one as stale).
DEFAULT_MAX_AGE = 3600.0
MAX_PARAMS = 64
MAX_PARAM_TEXT = 4096
MAX_OVER = 366 * 86400.0
SCRIPT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Job:
    """A verified job request."""

    id: str
    script: str
    over: float | None
    params: dict[str, Any]
    host: str
    nonce: str
    ts: float


def job_id(nonce: str) -> str:
    """The run id of a job's results: fixed by the request, the same on every worker that runs it."""
    return f"job-{nonce[:32]}"


def make_job(
    secret: bytes | str,
    script: str,
    *,
    over: float | None = None,
    params: Mapping[str, Any] | None = None,
    host: str = "",
    ts: float | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """A signed job request (``host``: the host its results are published as; "" for the worker's own)."""
    args: dict[str, Any] = {"script": script, "params": dict(params or {})}
    if over is not None:
        args["over"] = over
    message = make_request(secret, host, JOB_OP, args, ts=ts, nonce=nonce)
    return message


def check_args(args: Mapping[str, Any]) -> str | None:
    """Why a job's ``args`` are malformed, or None."""
    script = args.get("script")
    if not isinstance(script, str) or not SCRIPT_NAME.fullmatch(script):
        return "malformed: args.script must be a script name (letters, digits, _ and -)"
    over = args.get("over")
    if over is not None and (
        isinstance(over, bool) or not isinstance(over, (int, float)) or not 0 < over <= MAX_OVER
    ):
        return f"malformed: args.over must be seconds in (0, {MAX_OVER:g}]"
    params = args.get("params", {})
    if not isinstance(params, dict) or len(params) > MAX_PARAMS:
        return f"malformed: args.params must be an object of at most {MAX_PARAMS} entries"
    for key, value in params.items():
        if len(key) > 64 or not (value is None or isinstance(value, (str, int, float, bool))):
            return (
                "malformed: each param is a name (at most 64 characters) and a string, number, bool or null"
            )
        if isinstance(value, str) and len(value) > MAX_PARAM_TEXT:
            return f"malformed: param {key[:64]!r} longer than {MAX_PARAM_TEXT} characters"
        if isinstance(value, float) and not math.isfinite(value):
            return "malformed: params must be finite numbers"
    unknown = set(args) - {"script", "over", "params"}
    if unknown:
        return f"malformed: unknown args {sorted(unknown)[:5]}"
    return None


def verify_job(
    secret: bytes | str,
    body: bytes | str | Mapping[str, Any],
    now: float,
    seen: NonceCache,
    *,
    redelivered: bool = False,
    max_age: float = DEFAULT_MAX_AGE,
    max_skew: float = DEFAULT_MAX_SKEW,
) -> tuple[Job | None, str]:
    """(the job, "") when it may run, else (None, why it is refused).

    Reasons start as the control protocol's do: ``malformed``, ``unsigned``, ``bad signature``,
    ``stale timestamp``, ``replayed nonce``, ``unknown op``. A job may have waited in the queue
    up to ``max_age`` seconds. A nonce seen before is a replay, unless the broker marked the
    delivery ``redelivered`` (a job whose first run was not acked: it runs again, its results
    carry the same ids); a publisher cannot set that flag.
    """
    if isinstance(body, Mapping):
        message = dict(body)
    else:
        try:
            message = parse_message(body)
        except ValueError as exc:
            return None, str(exc)
    sig = message.get("sig")
    if sig is None:
        return None, "unsigned"
    if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
        return None, "malformed: sig must be 64 lowercase hex digits (HMAC-SHA256)"
    problem = _check_fields(message)
    if problem:
        return None, problem
    try:
        expected = signature(secret, message)
    except (TypeError, ValueError) as exc:
        return None, f"malformed: cannot be put in canonical form ({exc})"

    if not hmac.compare_digest(expected, sig):
        return None, "bad signature"
    if message["op"] != JOB_OP:
        return None, f"unknown op {message['op'][:50]!r}"
    age = now - message["ts"]
    if age > max_age:
        return None, f"stale timestamp: {age:.0f} s old (jobs may wait {max_age:g} s)"
    if -age > max_skew:
        return None, f"stale timestamp: {-age:.0f} s ahead of this host's clock (allowed skew {max_skew:g} s)"
    problem = check_args(message["args"])
    if problem:
        return None, problem
    nonce = message["nonce"]
    if not (redelivered and nonce in seen):
        replay = seen.add(nonce, message["ts"], now)
        if replay:
            return None, replay
    args = message["args"]
    return (
        Job(
            id=job_id(nonce),
            script=args["script"],
            over=None if args.get("over") is None else float(args["over"]),
            params=dict(args.get("params", {})),
            host=message["host"][:255],
            nonce=nonce,
            ts=float(message["ts"]),
        ),
        "",
    )


def make_reply(secret: bytes | str, job: Job, worker: str, **fields: Any) -> dict[str, Any]:
    """The signed answer to a job: ``re`` its nonce, ``job`` its run id, and the outcome's fields."""
    reply = {"v": PROTOCOL_VERSION, "re": job.nonce, "job": job.id, "worker": worker, "host": worker}
    reply.update(fields)
    return sign(secret, reply)


@dataclass
class _Delivery:
    job: Job
    tag: int
    generation: int
    reply_to: str | None


@dataclass
class JobStats:
    received: int = 0
    accepted: int = 0
    refused: int = 0
    acked: int = 0
    requeued: int = 0
    recent_refusals: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=20))


class JobConsumer(ConnectionThread):
    """Take jobs off the quorum queue one at a time and hand each verified one to ``handler``.

    ``handler(job)`` runs in this consumer's job thread (not the connection's, which keeps serving
    heartbeats meanwhile) and returns the reply's fields (a dict), or None when the job's results
    could not be confirmed: then the job is requeued (``basic_nack``) rather than acked. A job is
    acked only after the handler returned; a refused one (unsigned, forged, stale, replayed,
    malformed) is acked at once, counted and logged, and never runs.
    """

    thread_name = "amqp-jobs"

    def __init__(
        self,
        handler: Callable[[Job], dict[str, Any] | None],
        secret: bytes | str,
        worker: str,
        url: str,
        *,
        queue_name: str = JOB_QUEUE,
        nonces: NonceCache | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        backoff: tuple[float, float] = (0.2, RETRY_CAP),
        tls_ca: str | None = None,
    ):
        super().__init__(url, backoff, tls_ca)
        self.handler = handler
        self.secret = secret
        self.worker = worker
        self.queue_name = queue_name
        self.max_age = max_age
        self.nonces = nonces or NonceCache(ttl=max_age + DEFAULT_MAX_SKEW)
        self.stats = JobStats()
        self._generation = 0
        self._jobs: queue.Queue[_Delivery | None] = queue.Queue()
        self._channel: BlockingChannel | None = None
        self._runner: threading.Thread | None = None

    def start(self) -> JobConsumer:
        self._runner = threading.Thread(target=self._run_jobs, name="job-runner", daemon=True)
        self._runner.start()
        self._start_thread()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._jobs.put(None)
        self._halt(timeout)

    # -- the connection's thread -------------------------------------------------------------------------------------
    def _serve(self) -> None:
        self.state = "connecting"
        self._connection = pika.BlockingConnection(self.params)
        channel = self._channel = self._connection.channel()
        channel.queue_declare(self.queue_name, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
        channel.basic_qos(prefetch_count=1)
        channel.basic_consume(self.queue_name, self._on_message)
        self._generation += 1
        self.state = "connected"
        self.last_error = ""
        self._ready.set()
        while not self._stop.is_set():
            self._connection.process_data_events(time_limit=0.2)

    def _on_lost(self) -> None:
        self._channel = None

    def _on_message(
        self,
        channel: BlockingChannel,
        method: pika.spec.Basic.Deliver,
        properties: pika.spec.BasicProperties,
        body: bytes,
    ) -> None:
        self.stats.received += 1
        job, reason = verify_job(
            self.secret,
            body,
            time.time(),
            self.nonces,
            redelivered=bool(method.redelivered),
            max_age=self.max_age,
        )
        if job is None:
            self.stats.refused += 1
            self.stats.recent_refusals.append(reason[:200])
            log.warning("worker %s: job refused: %s", self.worker, reason[:200])
            channel.basic_ack(method.delivery_tag)
            return
        self.stats.accepted += 1
        reply_to = properties.reply_to if properties.reply_to else None
        if reply_to is not None and not reply_to.startswith(REPLY_PREFIXES):
            reply_to = None
        self._jobs.put(_Delivery(job, method.delivery_tag, self._generation, reply_to))

    def _finish(self, delivery: _Delivery, reply: dict[str, Any] | None) -> None:
        """In the connection's thread: reply, then ack (or requeue) the job."""
        channel = self._channel
        if channel is None or not channel.is_open or delivery.generation != self._generation:
            return  # the delivery died with its connection: the broker redelivers it
        if reply is None:
            channel.basic_nack(delivery.tag, requeue=True)
            self.stats.requeued += 1
            return
        if delivery.reply_to:
            body = encode_message(make_reply(self.secret, delivery.job, self.worker, **reply))
            props = pika.BasicProperties(content_type="application/json", correlation_id=delivery.job.nonce)
            channel.basic_publish("", delivery.reply_to, body, props)
        channel.basic_ack(delivery.tag)
        self.stats.acked += 1

    # -- the job thread ------------------------------------------------------------------------------------------------
    def _run_jobs(self) -> None:
        while True:
            delivery = self._jobs.get()
            if delivery is None:
                return
            try:
                reply = self.handler(delivery.job)
            except Exception:  # a bug in the handler: requeue the job, keep taking others
                log.exception("worker %s: job %s failed", self.worker, delivery.job.id)
                reply = None
            connection = self._connection
            if connection is None:
                continue
            try:
                connection.add_callback_threadsafe(lambda d=delivery, r=reply: self._finish(d, r))
            except Exception:  # closing: the broker redelivers the job
                pass
