"""``suricate worker``: run processing scripts headless, on a schedule and on signed jobs from the broker."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from ..transport.settings import SECRET_ENV
from .options import add_broker_options


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "worker",
        help="run processing scripts headless: on a schedule and on jobs from the broker (long-running)",
        description="Consume the streams the scripts want, run each --schedule'd script every N seconds over "
        "the last M, and take signed jobs from the quorum queue suricate.jobs (competing workers share them; "
        "each job runs once). Results are published as streams script-<name> on the exchange; the worker's "
        "status goes to the suricate.workers exchange every few seconds. Each run is one JSON line on "
        "stdout. Scripts run in a child process with a time and memory limit (docs/processing-scripts.md).",
    )
    p.add_argument(
        "--scripts",
        action="append",
        default=[],
        metavar="DIR",
        help="folder of scripts NAME.py (repeatable; then $SURICATE_SCRIPTS or ~/.config/suricate/scripts)",
    )
    p.add_argument(
        "--schedule",
        action="append",
        default=[],
        metavar="NAME",
        help="run this script on a schedule (repeatable); every other script runs only on jobs",
    )
    p.add_argument(
        "--every",
        type=float,
        metavar="N",
        help="seconds between scheduled runs (default: the script's EVERY)",
    )
    p.add_argument(
        "--over",
        type=float,
        metavar="M",
        help="seconds of data each scheduled run gets (default: the script's OVER)",
    )
    p.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="PATTERN",
        help="more streams to consume (the scripts' STREAMS are bound anyway)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds a run may take before it is killed (default: %(default)s)",
    )
    p.add_argument(
        "--memory",
        type=float,
        default=1024.0,
        metavar="MIB",
        help="address-space limit of a run, MiB (default: %(default)s)",
    )
    p.add_argument(
        "--secret-file",
        help=f"the control secret that signs jobs (chmod 600; default: ${SECRET_ENV}); without one, no jobs are taken",
    )
    p.add_argument("--no-jobs", action="store_true", help="do not take jobs, only run the schedule")
    p.add_argument(
        "--job-queue", default="suricate.jobs", help="the quorum queue of jobs (default: %(default)s)"
    )
    p.add_argument(
        "--max-job-age",
        type=float,
        default=3600.0,
        help="seconds a job may wait in the queue (default: %(default)s)",
    )
    p.add_argument("--nonce-file", help="keep the nonces of accepted jobs here across restarts")
    p.add_argument("--id", default="", help="this worker's id (default: HOST-PID)")
    p.add_argument("--host", default="", help="host name results are published as (default: this machine's)")
    p.add_argument("--capacity", type=int, default=3600, help="rows kept per stream (default: %(default)s)")
    p.add_argument(
        "--status-every",
        type=float,
        default=5.0,
        help="seconds between status messages (default: %(default)s)",
    )
    p.add_argument(
        "--status-exchange",
        default="suricate.workers",
        help="topic exchange of the status messages (default: %(default)s)",
    )
    p.add_argument("--duration", type=float, default=0.0, help="seconds to run; 0 = until stopped")
    p.add_argument("--list", action="store_true", help="list the scripts found and their defaults, then exit")
    add_broker_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    from ..analytics.processing.scripts import ScriptError, ScriptRegistry
    from .options import quiet_pika

    quiet_pika()
    registry = ScriptRegistry(args.scripts)
    if args.list:
        for name in registry.names():
            try:
                info = registry.info(name)
                print(
                    f"{name}\tevery {info.every:g} s\tover {info.over:g} s\t{','.join(info.streams)}\t{info.path}"
                )
            except ScriptError as exc:
                print(f"{name}\terror: {exc}")
        return 0
    secret = None
    if not args.no_jobs and (args.secret_file or os.environ.get(SECRET_ENV)):
        from ..transport.control_messages import SecretError, load_secret

        try:
            secret = load_secret(args.secret_file)
        except SecretError as exc:
            print(f"suricate worker: {exc}", file=sys.stderr)
            return 2
    if secret is None and not args.schedule:
        print(
            f"suricate worker: nothing to do: give --schedule NAME, or a secret (--secret-file or ${SECRET_ENV}) "
            "to take jobs",
            file=sys.stderr,
        )
        return 2
    if (
        any(v is not None and v <= 0 for v in (args.every, args.over))
        or args.timeout <= 0
        or args.memory <= 0
    ):
        print("suricate worker: --every, --over, --timeout and --memory must be above 0", file=sys.stderr)
        return 2
    from ..analytics.processing.worker import Worker, WorkerConfig
    from .signals import on_terminate

    lock = threading.Lock()

    def show(line: dict[str, Any]) -> None:
        with lock:
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()

    config = WorkerConfig(
        url=args.broker,
        tls_ca=args.tls_ca,
        exchange=args.exchange,
        registry=registry,
        scheduled=args.schedule,
        every=args.every,
        over=args.over,
        bindings=args.bind,
        secret=secret,
        job_queue=args.job_queue,
        max_job_age=args.max_job_age,
        nonce_file=args.nonce_file,
        worker_id=args.id,
        host=args.host,
        timeout=args.timeout,
        memory=int(args.memory * (1 << 20)),
        capacity=args.capacity,
        status_every=args.status_every,
        status_exchange=args.status_exchange,
    )
    try:
        worker = Worker(config, on_run=show)
    except ScriptError as exc:
        print(f"suricate worker: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    on_terminate(stop.set)
    worker.start()
    print(
        f"worker {worker.id}: {len(worker.scripts)} scripts, {len(worker.schedules)} scheduled, "
        f"jobs {'from ' + config.job_queue if worker.jobs else 'off'}; consuming {', '.join(worker.bindings)}",
        file=sys.stderr,
    )
    deadline = time.monotonic() + args.duration if args.duration > 0 else None
    code = 0
    while not stop.wait(0.2):
        failure = worker.failed()
        if failure:
            print(f"suricate worker: {failure}", file=sys.stderr)
            code = 2
            break
        if deadline is not None and time.monotonic() >= deadline:
            break
    worker.stop()
    return code
