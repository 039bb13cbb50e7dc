"""``suricate job``: submit a signed job for a processing script to the workers, and wait for its answer."""

from __future__ import annotations

import argparse
import json
import sys

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


def run(args: argparse.Namespace) -> int:
    import pika.exceptions

    from ..transport.control_messages import SecretError, load_secret
    from ..transport.job_client import broker_error, parse_params, send_job
    from ..transport.jobs import check_args, job_id, make_job

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
    name = f"job {job_id(job['nonce'])}: {args.script}"
    if args.wait > 0:
        print(f"{name} -> {args.job_queue}, waiting up to {args.wait:g} s", file=sys.stderr)
    try:
        reply = send_job(args.broker, secret, job, queue=args.job_queue, wait=args.wait, tls_ca=args.tls_ca)
    except (pika.exceptions.AMQPError, OSError) as exc:
        print(f"suricate job: {broker_error(exc, args.broker, args.tls_ca)}", file=sys.stderr)
        return 2
    if args.wait <= 0:
        print(f"{name} submitted to {args.job_queue}", file=sys.stderr)
        return 0
    if reply is None:
        print(f"suricate job: no answer within {args.wait:g} s (is a worker running?)", file=sys.stderr)
        return 3
    answer = {k: v for k, v in reply.items() if k not in ("sig", "v", "host", "re", "ts", "nonce")}
    print(json.dumps(answer))
    return 0 if answer.get("status") == "ok" else 1
