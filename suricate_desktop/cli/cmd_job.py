"""``suricate job``: submit a signed job for a processing script to the workers, and wait for its answer."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..transport.settings import SECRET_ENV
from .options import add_broker_options


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "job",
        help="submit a job: run a processing script once on a worker",
        description="Sign a job request (the control secret) and put it on the quorum queue suricate.jobs, "
        "where one of the running `suricate worker`s takes it. The results are published as streams "
        "script-SCRIPT with run = the job id. With --wait, print the worker's answer (a JSON object) and exit "
        "0 when the script ran ok, 1 when it failed, 3 when no answer came in time.",
    )
    p.add_argument("script", metavar="SCRIPT", help="the script's name (its file's stem on the workers)")
    p.add_argument("--over", type=float, metavar="M", help="seconds of data (default: the script's OVER)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter for the script (repeatable; V read as JSON when it is, else as text)",
    )
    p.add_argument(
        "--host", default="", help="host name the results are published as (default: the worker's)"
    )
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for the answer")
    p.add_argument("--secret-file", help=f"the control secret (chmod 600; default: ${SECRET_ENV})")
    p.add_argument(
        "--job-queue", default="suricate.jobs", help="the quorum queue of jobs (default: %(default)s)"
    )
    add_broker_options(p)
    p.set_defaults(func=run)


def parse_params(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param {item!r}: expected K=V")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def run(args: argparse.Namespace) -> int:
    import time

    import pika
    import pika.exceptions

    from ..transport.control_messages import (
        SecretError,
        encode_message,
        load_secret,
        parse_message,
        verify_reply,
    )
    from ..transport.job_client import connect_first
    from ..transport.jobs import JOB_QUEUE_ARGUMENTS, check_args, job_id, make_job

    try:
        secret = load_secret(args.secret_file)
        params = parse_params(args.param)
    except (SecretError, ValueError) as exc:
        print(f"suricate job: {exc}", file=sys.stderr)
        return 2
    job = make_job(secret, args.script, over=args.over, params=params, host=args.host)
    problem = check_args(job["args"])
    if problem:
        print(f"suricate job: {problem}", file=sys.stderr)
        return 2
    try:
        connection = connect_first(args.broker)
    except pika.exceptions.AMQPError as exc:
        print(f"suricate job: cannot reach the broker: {exc!r}", file=sys.stderr)
        return 2
    try:
        channel = connection.channel()
        channel.queue_declare(args.job_queue, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
        answers: list[dict[str, Any]] = []
        reply_to = None
        if args.wait > 0:
            reply_to = "amq.rabbitmq.reply-to"

            def on_reply(ch: Any, method: Any, props: Any, body: bytes) -> None:
                try:
                    message = parse_message(body)
                except ValueError:
                    return
                if verify_reply(secret, message, str(message.get("worker")), job["nonce"]) is None:
                    answers.append(message)

            channel.basic_consume(reply_to, on_reply, auto_ack=True)
        channel.confirm_delivery()
        props = pika.BasicProperties(
            delivery_mode=2, content_type="application/json", reply_to=reply_to, correlation_id=job["nonce"]
        )
        channel.basic_publish("", args.job_queue, encode_message(job), props, mandatory=True)
        print(f"job {job_id(job['nonce'])}: {args.script} submitted to {args.job_queue}", file=sys.stderr)
        if args.wait <= 0:
            return 0
        deadline = time.monotonic() + args.wait
        while not answers and time.monotonic() < deadline:
            connection.process_data_events(time_limit=min(0.2, max(0.0, deadline - time.monotonic())))
        if not answers:
            print(f"suricate job: no answer within {args.wait:g} s (is a worker running?)", file=sys.stderr)
            return 3
        answer = {k: v for k, v in answers[0].items() if k not in ("sig", "v", "host", "re", "ts", "nonce")}
        print(json.dumps(answer))
        return 0 if answer.get("status") == "ok" else 1
    except pika.exceptions.AMQPError as exc:
        print(f"suricate job: broker error: {exc!r}", file=sys.stderr)
        return 2
    finally:
        if connection.is_open:
            connection.close()
