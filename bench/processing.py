"""What one processing-script run costs: the sandbox child's start, the JSON round trip, the script.

Runs a trivial script (``frame.mean()`` of every stream) through ``sandbox.run_script`` over windows
of growing size and prints the median wall time of each, so the fixed cost of a run (a fresh
interpreter importing pandas) and the per-value cost of passing data as JSON can be read apart.

With ``--jobs N`` it also submits N jobs of the trivial script to 1, then 2 ``suricate worker``
processes on the local broker (competing on a quorum queue of their own) and prints the wall time until
every answer came, and the ratio.

Usage: python bench/processing.py [--repeat 3] [--jobs 8] [--broker URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

SCRIPT = (
    "def process(frames, params):\n    return {n.replace('.', '_'): f.mean() for n, f in frames.items()}\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    args = parser.parse_args()
    import numpy as np
    import pandas as pd

    from suricate_desktop.analytics.processing.sandbox import run_script

    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "mean.py"
        script.write_text(SCRIPT)
        print(f"{'streams':>8} {'rows':>8} {'keys':>6} {'values':>10} {'median s':>9} {'status':>7}")
        for streams, rows, keys in ((0, 0, 0), (1, 60, 10), (10, 600, 10), (10, 3600, 50), (50, 3600, 50)):
            index = pd.to_datetime(time.time() - np.arange(rows)[::-1], unit="s", utc=True)
            frames = {
                f"h{i}.src.agg": pd.DataFrame(
                    np.random.rand(rows, keys), index=index, columns=[f"k{j}" for j in range(keys)]
                )
                for i in range(streams)
            }
            times, status = [], ""
            for _ in range(args.repeat):
                result = run_script(script, frames, timeout=120, memory=4 << 30)
                times.append(result.duration)
                status = result.status
            values = streams * rows * keys
            print(
                f"{streams:>8} {rows:>8} {keys:>6} {values:>10} {statistics.median(times):>9.2f} {status:>7}"
            )

    if args.jobs:
        one = jobs_wall_time(args.broker, args.jobs, 1)
        two = jobs_wall_time(args.broker, args.jobs, 2)
        print(f"{args.jobs} jobs: 1 worker {one:.1f} s, 2 workers {two:.1f} s, ratio {one / two:.2f}")


def jobs_wall_time(url: str, count: int, workers: int) -> float:
    """Seconds from submitting ``count`` jobs until every answer came, with ``workers`` workers."""
    import os
    import signal
    import subprocess
    import uuid

    import pika

    from suricate_desktop.transport.control_messages import encode_message, parse_message
    from suricate_desktop.transport.jobs import JOB_QUEUE_ARGUMENTS, make_job

    secret = b"bench-secret-0123456789abcdef0123"
    queue = f"bench.jobs.{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "mean.py").write_text(SCRIPT)
        secret_file = Path(tmp) / "secret"
        secret_file.write_bytes(secret)
        secret_file.chmod(0o600)
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "suricate_desktop",
                    "worker",
                    "--broker",
                    url,
                    "--scripts",
                    tmp,
                    "--secret-file",
                    str(secret_file),
                    "--job-queue",
                    queue,
                    "--id",
                    f"bench-{i}",
                ],
                cwd=HERE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=dict(os.environ),
            )
            for i in range(workers)
        ]
        conn = pika.BlockingConnection(pika.URLParameters(url))
        channel = conn.channel()
        channel.queue_declare(queue, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
        while channel.queue_declare(queue, passive=True).method.consumer_count < workers:
            conn.process_data_events(time_limit=0.1)
        answers: list[dict] = []
        channel.basic_consume(
            "amq.rabbitmq.reply-to", lambda ch, m, p, body: answers.append(parse_message(body)), auto_ack=True
        )
        start = time.monotonic()
        props = pika.BasicProperties(delivery_mode=2, reply_to="amq.rabbitmq.reply-to")
        for _ in range(count):
            channel.basic_publish("", queue, encode_message(make_job(secret, "mean")), props)
        while len(answers) < count:
            conn.process_data_events(time_limit=0.1)
        elapsed = time.monotonic() - start
        channel.queue_delete(queue)
        conn.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(30)
    return elapsed


if __name__ == "__main__":
    main()
