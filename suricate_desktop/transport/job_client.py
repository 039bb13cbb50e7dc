"""Submit one job for a processing script and wait for the worker's signed answer, in the caller's thread.

Why: the desk runs a worker's script on demand ("Run now…" in the Sources pane) the way
``suricate job --wait`` does from a terminal. This is that exchange as one blocking call with no Qt
and no printing: sign the job (``jobs.make_job``), declare the quorum queue, publish it persistent with
confirms and a direct reply-to, and wait for an answer whose signature checks and whose ``re`` is the
job's nonce. The workbench calls it from a worker thread of its own, never from the GUI thread.
Given a cluster's nodes (several URLs), it connects to the first that answers (``connect_first``, also
used by ``suricate job``); a job is published once, on one connection, never re-sent to another node.
An ``amqps://`` broker is verified as the source's streams are (``reconnect.connection_parameters``): against
the source's ``tls_ca`` when it has one, else the system's CAs; a certificate that does not verify is an
answer (``broker-error``, saying so), not a hang.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pika
import pika.exceptions

from .control_messages import encode_message, parse_message, verify_reply
from .jobs import JOB_QUEUE, JOB_QUEUE_ARGUMENTS, check_args, job_id, make_job
from .reconnect import TlsCaError, broker_trouble, broker_urls, connection_parameters, describe_error

#: Answer statuses that are not a script's own outcome.
NO_ANSWER = "no-answer"
BROKER_ERROR = "broker-error"
REFUSED = "refused"
#: The job is on the queue (confirmed by the broker); not waited for (``wait`` <= 0).
QUEUED = "queued"


@dataclass(frozen=True)
class JobAnswer:
    """What became of a submitted job: the worker's answer, or why there is none."""

    job: str
    script: str
    status: str
    error: str = ""
    worker: str = ""
    duration: float = 0.0
    snapshots: int = 0
    outputs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def parse_params(items: list[str]) -> dict[str, Any]:
    """``K=V`` items as job params: V read as JSON when it is (numbers, true, null, "text"), else as text."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"param {item!r}: expected NAME=VALUE")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def connect_first(urls: str | Sequence[str], tls_ca: str | None = None) -> pika.BlockingConnection:
    """A connection to the first of ``urls`` (one URL, or a cluster's nodes) that answers.

    ``tls_ca``: the private CA an ``amqps://`` node's certificate is checked against (None: the
    system's CAs). Raises the last node's error when none does: a ``pika.exceptions.AMQPError``, or
    an ``OSError`` (pika lets a failed TLS handshake's ``ssl.SSLError`` out as it is).
    """
    error: pika.exceptions.AMQPError | OSError | None = None
    for url in broker_urls(urls):
        params = connection_parameters(url, tls_ca)  # a CA file that cannot be used: no node will do
        try:
            return pika.BlockingConnection(params)
        except (pika.exceptions.AMQPError, OSError) as exc:
            error = exc
    assert error is not None
    raise error


def broker_error(error: BaseException, urls: str | Sequence[str], tls_ca: str | None) -> str:
    """The answer's text for a broker that could not take the job.

    A refusal retrying cannot mend (a certificate that does not verify, a refused login) is named as
    the streams' connections name it (``reconnect.broker_trouble``); anything else is pika's reason.
    """
    if isinstance(error, TlsCaError):
        return str(error)
    trouble = broker_trouble(error, connection_parameters(broker_urls(urls)[-1], tls_ca))
    return trouble.text if trouble.permanent else f"broker: {describe_error(error)}"


def send_job(
    url: str | Sequence[str],
    secret: bytes | str,
    message: dict[str, Any],
    *,
    queue: str = JOB_QUEUE,
    wait: float = 120.0,
    tls_ca: str | None = None,
) -> dict[str, Any] | None:
    """Publish a signed job (``jobs.make_job``) on ``queue``, confirmed; with ``wait`` > 0, its answer.

    The one exchange ``submit_job`` and ``suricate job`` share: the queue declared as the workers
    declare it, the job persistent with a direct reply-to, the first answer whose signature checks
    and whose ``re`` is the job's nonce. None when ``wait`` <= 0 or no answer came in time; raises
    pika's errors or an ``OSError`` (the broker unreachable or not trusted, the job not confirmed).
    """
    answers: list[dict[str, Any]] = []

    def on_reply(channel: Any, method: Any, props: Any, body: bytes) -> None:
        try:
            reply = parse_message(body)
        except ValueError:
            return
        if verify_reply(secret, reply, str(reply.get("worker")), message["nonce"]) is None:
            answers.append(reply)

    connection = connect_first(url, tls_ca)
    try:
        channel = connection.channel()
        channel.queue_declare(queue, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
        reply_to = "amq.rabbitmq.reply-to" if wait > 0 else None
        if reply_to is not None:
            channel.basic_consume(reply_to, on_reply, auto_ack=True)
        channel.confirm_delivery()
        props = pika.BasicProperties(
            delivery_mode=2,
            content_type="application/json",
            reply_to=reply_to,
            correlation_id=message["nonce"],
        )
        channel.basic_publish("", queue, encode_message(message), props, mandatory=True)
        deadline = time.monotonic() + wait
        while not answers and time.monotonic() < deadline:
            connection.process_data_events(time_limit=min(0.2, max(0.0, deadline - time.monotonic())))
    finally:
        if connection.is_open:
            try:
                connection.close()
            except pika.exceptions.AMQPError:
                pass
    return answers[0] if answers else None


def submit_job(
    url: str | Sequence[str],
    secret: bytes | str,
    script: str,
    *,
    over: float | None = None,
    params: Mapping[str, Any] | None = None,
    host: str = "",
    queue: str = JOB_QUEUE,
    wait: float = 120.0,
    tls_ca: str | None = None,
) -> JobAnswer:
    """Put a signed job on ``queue`` and wait up to ``wait`` seconds for its answer (blocking).

    ``url``: one URL or a cluster's nodes (a list, or comma-separated); the first that answers is used.
    With ``wait`` <= 0 the job goes without a reply-to and the answer is ``queued`` once the broker
    confirmed it (a worker runs it later; its results arrive as streams). ``tls_ca``: the source's
    private CA, which an ``amqps://`` broker's certificate is checked against (None: the system's CAs).

    Never raises for the broker or the worker: the outcome is in the answer's ``status`` (the
    worker's: ``ok``, ``error``, ``timeout``, ``memory``, ``crashed``, ``bad-output``,
    ``unknown-script``; or ``no-answer``, ``broker-error``, ``refused`` for a malformed request).
    """
    message = make_job(secret, script, over=over, params=params, host=host)
    jid = job_id(message["nonce"])
    problem = check_args(message["args"])
    if problem:
        return JobAnswer(jid, script, REFUSED, problem)
    try:
        reply = send_job(url, secret, message, queue=queue, wait=wait, tls_ca=tls_ca)
    except (pika.exceptions.AMQPError, OSError) as exc:
        return JobAnswer(jid, script, BROKER_ERROR, broker_error(exc, url, tls_ca)[:500])
    if wait <= 0:
        return JobAnswer(jid, script, QUEUED)
    if reply is None:
        return JobAnswer(
            jid,
            script,
            NO_ANSWER,
            f"no answer within {wait:g} s: is a worker with the same secret taking jobs from {queue}? "
            "(the job stays queued until one does)",
        )

    def text(key: str) -> str:
        value = reply.get(key, "")
        return value[:2000] if isinstance(value, str) else ""

    duration = reply.get("duration", 0.0)
    snapshots = reply.get("snapshots", 0)
    outputs = reply.get("outputs", [])
    return JobAnswer(
        job=jid,
        script=script,
        status=text("status") or "?",
        error=text("error"),
        worker=text("worker"),
        duration=float(duration) if isinstance(duration, (int, float)) else 0.0,
        snapshots=snapshots if isinstance(snapshots, int) else 0,
        outputs=[o[:64] for o in outputs[:100] if isinstance(o, str)] if isinstance(outputs, list) else [],
    )
