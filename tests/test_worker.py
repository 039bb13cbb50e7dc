"""Processing scripts and ``suricate worker`` against the real broker (docs/processing-scripts.md).

Scheduled results arrive as streams; a job runs once among competing workers, and once more only on
another worker when the first is killed mid-job; failing, slow and memory-hungry scripts are reported
while the worker goes on; forged jobs and hostile status bodies are refused and counted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pika
import pytest
from waiting import wait_until

from suricate_desktop.analytics.processing.results import to_snapshots
from suricate_desktop.analytics.processing.sandbox import run_script
from suricate_desktop.analytics.processing.scripts import ScriptError, ScriptRegistry, read_info
from suricate_desktop.analytics.processing.worker import Worker, WorkerConfig, topic_match
from suricate_desktop.schema import SchemaError, Snapshot
from suricate_desktop.schema.worker_status import decode_status
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.control_messages import NonceCache, encode_message, sign
from suricate_desktop.transport.jobs import JOB_QUEUE_ARGUMENTS, job_id, make_job, verify_job
from suricate_desktop.transport.publisher import Publisher
from suricate_desktop.transport.worker_status import WorkerListener

SECRET = b"0123456789abcdef0123456789abcdef"
ROOT = Path(__file__).resolve().parent.parent

SCRIPTS = {
    "mean": '''"""Mean of each key over the window."""
STREAMS = ["h1.src.#"]
EVERY = 1
OVER = 60
PARAMS = {"scale": 1}

def process(frames, params):
    out = {}
    for name, frame in frames.items():
        out["mean"] = frame.mean() * params["scale"]
        out["last"] = frame.iloc[-3:]
    return out
''',
    "slowmean": """STREAMS = ["h1.src.#"]
def process(frames, params):
    import time
    time.sleep(params.get("sleep", 0))
    return {"n": float(sum(len(f) for f in frames.values()))}
""",
    "bad": "def process(frames, params):\n    raise RuntimeError('boom in the script')\n",
    "slow": "def process(frames, params):\n    import time\n    time.sleep(60)\n",
    "hog": "def process(frames, params):\n    hoard = bytearray(4 << 30)\n    return 1.0\n",
}


@pytest.fixture
def scripts(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, text in SCRIPTS.items():
        (folder / f"{name}.py").write_text(text)
    return folder


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret"
    path.write_bytes(SECRET)
    path.chmod(0o600)
    return path


@pytest.fixture
def job_queue(broker_url):
    name = f"test.jobs.{uuid.uuid4().hex[:10]}"
    yield name
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    conn.channel().queue_delete(name)
    conn.close()


def feed(url, exchange, host="h1", n=20, start=None):
    """``n`` one-second intervals of h1.src.lat (keys a and b)."""
    start = time.time() - n if start is None else start
    publisher = Publisher(url, exchange).start()
    publisher(
        Snapshot(
            host, "src", "lat", "avg", start + i, 1.0, True, [[["a"], float(i)], [["b"], 2.0 * i]], i, "r1"
        )
        for i in range(n)
    )
    assert publisher.close(10)


def results_consumer(url, exchange):
    got: list[Snapshot] = []
    lock = threading.Lock()

    def sink(batch):
        with lock:
            got.extend(s for s in batch if s.source.startswith("script-"))

    consumer = Consumer(sink, url, exchange, ["#"]).start()
    assert consumer.wait_ready()
    return consumer, got


def submit(url, queue, message, reply_to=None):
    conn = pika.BlockingConnection(pika.URLParameters(url))
    channel = conn.channel()
    channel.queue_declare(queue, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
    channel.confirm_delivery()
    body = message if isinstance(message, bytes) else encode_message(message)
    channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2, reply_to=reply_to))
    conn.close()


def worker_process(url, exchange, scripts, secret_file, job_queue, *extra):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "worker",
            "--broker",
            url,
            "--exchange",
            exchange,
            "--scripts",
            str(scripts),
            "--secret-file",
            str(secret_file),
            "--job-queue",
            job_queue,
            "--status-exchange",
            f"{exchange}.workers",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SURICATE_SCRIPTS": str(scripts)},
    )


def lines_of(proc, sink):
    def read():
        for line in proc.stdout:
            sink.append(json.loads(line))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def queue_consumers(url, queue) -> int:
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return conn.channel().queue_declare(queue, passive=True).method.consumer_count
    except pika.exceptions.ChannelClosedByBroker:  # not declared yet
        return 0
    finally:
        conn.close()


# -- scripts, without a broker ---------------------------------------------------------------------------------------
def test_defaults_are_read_without_running_the_script(tmp_path):
    path = tmp_path / "s.py"
    path.write_text(
        'import os\nos.system("touch ' + str(tmp_path / "ran") + '")\nEVERY = 5\nOVER = 30.0\n'
        'STREAMS = "web*.#"\ndef process(frames, params):\n    return 1\n'
    )
    info = read_info(path)
    assert (info.every, info.over, info.streams) == (5.0, 30.0, ("web*.#",))
    assert not (tmp_path / "ran").exists()
    path.write_text("EVERY = __import__('os').getpid()\ndef process(f, p):\n    pass\n")
    with pytest.raises(ScriptError, match="literal"):
        read_info(path)
    path.write_text("x = 1\n")
    with pytest.raises(ScriptError, match="def process"):
        read_info(path)
    registry = ScriptRegistry([tmp_path], defaults=False)
    assert registry.names() == ["s"]
    with pytest.raises(ScriptError, match="bad script name"):
        registry.path("../etc/passwd")


def test_outputs_become_snapshots_with_fixed_ids(scripts):
    import numpy as np
    import pandas as pd

    index = pd.to_datetime([1e9, 1e9 + 1, 1e9 + 2], unit="s", utc=True)
    frame = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [3.0, 4.0, 5.0]}, index=index)
    result = run_script(scripts / "mean.py", {"h1.src.lat": frame}, {"scale": 2})
    assert result.status == "ok", result.error
    snaps = to_snapshots(result.outputs, host="w", script="mean", run="job-1", ts=2e9, interval=5.0)
    assert [s.seq for s in snaps] == list(range(len(snaps)))
    by_agg = {}
    for s in snaps:
        by_agg.setdefault(s.agg, []).append(s)
    assert by_agg["mean"][0].entries == [[["a"], 3.0], [["b"], 8.0]] and by_agg["mean"][0].ts == 2e9
    assert [s.ts for s in by_agg["last"]] == [1e9, 1e9 + 1, 1e9 + 2]  # one snapshot per time
    assert {s.source for s in snaps} == {"script-mean"} and {s.run for s in snaps} == {"job-1"}


def test_topic_patterns():
    assert topic_match("h1.#", "h1.src.lat") and topic_match("*.src.*", "h1.src.lat")
    assert topic_match("#", "a.b.c") and not topic_match("h2.#", "h1.src.lat")
    assert not topic_match("*.src", "h1.src.lat")


# -- schedule --------------------------------------------------------------------------------------------------------
def test_a_scheduled_script_publishes_results_a_consumer_receives(broker_url, exchange, scripts):
    consumer, got = results_consumer(broker_url, exchange)
    config = WorkerConfig(
        url=broker_url,
        exchange=exchange,
        registry=ScriptRegistry([scripts], defaults=False),
        scheduled=["mean"],
        every=1.0,
        status_exchange=f"{exchange}.workers",
    )
    worker = Worker(config).start()
    try:
        assert worker.wait_ready()
        feed(broker_url, exchange)
        assert wait_until(lambda: any(s.agg == "mean" and s.entries[0][1] > 0 for s in got), 30)
        means = [s for s in got if s.agg == "mean" and s.entries[0][1] > 0]
        snap = means[0]
        assert snap.stream == (worker.host, "script-mean", "mean")
        assert snap.run.startswith(f"{worker.id}-")
        values = dict((tuple(k), v) for k, v in snap.entries)
        assert values[("b",)] == pytest.approx(2 * values[("a",)])
        assert wait_until(lambda: len({s.run for s in got if s.agg == "mean"}) >= 2, 10)  # it goes on
    finally:
        worker.stop()
        consumer.stop()


# -- jobs ------------------------------------------------------------------------------------------------------------
def test_a_job_runs_once_among_two_competing_workers(broker_url, exchange, scripts, secret_file, job_queue):
    consumer, got = results_consumer(broker_url, exchange)
    runs_a, runs_b = [], []
    a = worker_process(broker_url, exchange, scripts, secret_file, job_queue, "--id", "wa")
    b = worker_process(broker_url, exchange, scripts, secret_file, job_queue, "--id", "wb")
    lines_of(a, runs_a), lines_of(b, runs_b)
    try:
        assert wait_until(lambda: queue_consumers(broker_url, job_queue) == 2, 30)
        feed(broker_url, exchange)
        jobs = [make_job(SECRET, "slowmean", params={"sleep": 0.2}) for _ in range(6)]
        for job in jobs:
            submit(broker_url, job_queue, job)
        ids = {job_id(j["nonce"]) for j in jobs}
        assert wait_until(lambda: ids <= {line["run"] for line in runs_a + runs_b}, 60)
        time.sleep(0)  # the lines are read; now count them
        ran = [line["run"] for line in runs_a + runs_b if line["run"] in ids]
        assert sorted(ran) == sorted(ids)  # each job ran once
        assert wait_until(lambda: ids <= {s.run for s in got}, 20)
        assert sorted(s.run for s in got if s.run in ids) == sorted(ids)  # one result each
        assert all(line["status"] == "ok" for line in runs_a + runs_b)
    finally:
        for proc in (a, b):
            proc.send_signal(signal.SIGTERM)
        for proc in (a, b):
            proc.wait(20)
        consumer.stop()


def sandbox_children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_job_whose_worker_is_killed_runs_on_another_and_its_result_arrives_once(
    broker_url, exchange, scripts, secret_file, job_queue
):
    consumer, got = results_consumer(broker_url, exchange)
    a = worker_process(broker_url, exchange, scripts, secret_file, job_queue, "--id", "wa")
    runs_b: list[dict] = []
    b = None
    try:
        assert wait_until(lambda: queue_consumers(broker_url, job_queue) == 1, 30)
        feed(broker_url, exchange)
        job = make_job(SECRET, "slowmean", params={"sleep": 4})
        submit(broker_url, job_queue, job)
        assert wait_until(lambda: sandbox_children(a.pid), 20)  # A took the job and runs it
        child = sandbox_children(a.pid)[0]
        a.send_signal(signal.SIGKILL)
        a.wait(10)
        assert wait_until(lambda: not Path(f"/proc/{child}").exists(), 10)  # the sandbox died with it
        b = worker_process(broker_url, exchange, scripts, secret_file, job_queue, "--id", "wb")
        lines_of(b, runs_b)
        run = job_id(job["nonce"])
        assert wait_until(lambda: any(s.run == run for s in got), 60)
        # Give a copy the time to come, then count: one result snapshot for the job.
        assert not wait_until(lambda: sum(s.run == run for s in got) > 1, 3)
        assert [line["run"] for line in runs_b].count(run) == 1
    finally:
        for proc in (a, b):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(20)
        consumer.stop()


def test_a_republished_result_is_dropped_by_the_consumers_dedup(broker_url, exchange, scripts):
    consumer, got = results_consumer(broker_url, exchange)
    try:
        result = run_script(scripts / "slowmean.py", {})
        snaps = to_snapshots(
            result.outputs, host="w", script="slowmean", run="job-abc", ts=time.time(), interval=1
        )
        publisher = Publisher(broker_url, exchange).start()
        publisher(snaps)
        publisher(snaps)  # the same job run again after a redelivery: the same (run, seq) ids
        assert publisher.close(10)
        assert wait_until(lambda: consumer.duplicates == len(snaps), 10)
        assert len(got) == len(snaps)
    finally:
        consumer.stop()


def test_forged_unsigned_stale_and_replayed_jobs_are_refused_and_counted(
    broker_url, exchange, scripts, job_queue
):
    runs: list[dict] = []
    config = WorkerConfig(
        url=broker_url,
        exchange=exchange,
        registry=ScriptRegistry([scripts], defaults=False),
        secret=SECRET,
        job_queue=job_queue,
        status_exchange=f"{exchange}.workers",
    )
    worker = Worker(config, on_run=runs.append).start()
    try:
        assert worker.wait_ready()
        genuine = make_job(SECRET, "slowmean")
        unsigned = {k: v for k, v in make_job(SECRET, "slowmean").items() if k != "sig"}
        forged = make_job(b"another-secret-of-32-bytes......", "slowmean")
        tampered = dict(make_job(SECRET, "slowmean"), args={"script": "bad", "params": {}})
        stale = make_job(SECRET, "slowmean", ts=time.time() - 7200)
        other_op = sign(SECRET, {"op": "run", "host": "", "args": {"script": "slowmean"}})
        for message in (
            unsigned,
            forged,
            tampered,
            stale,
            other_op,
            b"{not json",
            b"[" * 100_000,
            genuine,
            genuine,
        ):
            submit(broker_url, job_queue, message)
        assert wait_until(lambda: worker.jobs.stats.received == 9, 30)
        assert wait_until(lambda: len(runs) == 1, 30)
        stats = worker.jobs.stats
        assert stats.refused == 8 and stats.accepted == 1
        reasons = " | ".join(stats.recent_refusals)
        for reason in (
            "unsigned",
            "bad signature",
            "stale timestamp",
            "unknown op",
            "malformed",
            "replayed nonce",
        ):
            assert reason in reasons
        assert runs[0]["run"] == job_id(genuine["nonce"]) and runs[0]["status"] == "ok"
        assert worker.status().jobs_refused == 8
    finally:
        worker.stop()


def test_a_redelivered_job_may_run_again_a_replayed_one_may_not():
    seen = NonceCache(ttl=100)
    job = make_job(SECRET, "x")
    assert verify_job(SECRET, job, time.time(), seen)[0] is not None
    assert verify_job(SECRET, job, time.time(), seen)[1] == "replayed nonce"
    assert verify_job(SECRET, job, time.time(), seen, redelivered=True)[0] is not None


def test_the_job_command_waits_for_the_answer(broker_url, exchange, scripts, secret_file, job_queue):
    config = WorkerConfig(
        url=broker_url,
        exchange=exchange,
        registry=ScriptRegistry([scripts], defaults=False),
        secret=SECRET,
        job_queue=job_queue,
        status_exchange=f"{exchange}.workers",
    )
    worker = Worker(config).start()
    try:
        assert worker.wait_ready()
        common = [
            "--broker",
            broker_url,
            "--secret-file",
            str(secret_file),
            "--job-queue",
            job_queue,
            "--wait",
            "60",
        ]
        done = subprocess.run(
            [sys.executable, "-m", "suricate_desktop", "job", "slowmean", *common],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["status"] == "ok" and answer["worker"] == worker.id and answer["outputs"] == ["n"]
        failed = subprocess.run(
            [sys.executable, "-m", "suricate_desktop", "job", "bad", *common],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert failed.returncode == 1 and "boom in the script" in json.loads(failed.stdout)["error"]
    finally:
        worker.stop()


# -- failures --------------------------------------------------------------------------------------------------------
def test_failing_slow_and_memory_hungry_scripts_are_reported_and_the_worker_goes_on(
    broker_url, exchange, scripts
):
    runs: list[dict] = []
    listener = WorkerListener(broker_url, exchange=f"{exchange}.workers").start()
    config = WorkerConfig(
        url=broker_url,
        exchange=exchange,
        registry=ScriptRegistry([scripts], defaults=False),
        scheduled=["bad", "slow", "hog", "slowmean"],
        every=1.0,
        timeout=3.0,
        memory=768 << 20,
        status_every=0.5,
        status_exchange=f"{exchange}.workers",
    )
    assert listener.wait_ready()
    worker = Worker(config, on_run=runs.append).start()
    try:

        def status_of(name):
            return {r["script"]: r for r in runs}.get(name, {}).get("status")

        assert wait_until(lambda: all(status_of(n) for n in ("bad", "slow", "hog")), 60)
        assert status_of("bad") == "error" and status_of("slow") == "timeout" and status_of("hog") == "memory"
        bad = next(r for r in runs if r["script"] == "bad")
        assert "boom in the script" in bad["error"] and bad["duration"] > 0
        # The worker goes on: the good script runs again after the failures.
        assert wait_until(
            lambda: sum(r["script"] == "slowmean" and r["status"] == "ok" for r in runs) >= 2, 60
        )

        def seen():
            entry = listener.get(worker.id)
            if entry is None:
                return None
            return {s.name: s for s in entry.status.scripts}

        assert wait_until(lambda: seen() and all(seen()[n].last for n in ("bad", "slow", "hog")), 20)
        scripts_seen = seen()
        assert scripts_seen["slow"].last.status == "timeout" and scripts_seen["hog"].failures >= 1
        assert scripts_seen["slowmean"].every == 1.0
    finally:
        worker.stop()
        listener.stop()


# -- status ----------------------------------------------------------------------------------------------------------
def test_status_messages_arrive_and_hostile_bodies_are_refused(broker_url, exchange, scripts):
    status_exchange = f"{exchange}.workers"
    listener = WorkerListener(broker_url, exchange=status_exchange).start()
    assert listener.wait_ready()
    config = WorkerConfig(
        url=broker_url,
        exchange=exchange,
        registry=ScriptRegistry([scripts], defaults=False),
        scheduled=["slowmean"],
        every=5.0,
        status_every=0.3,
        status_exchange=status_exchange,
    )
    worker = Worker(config).start()
    try:
        assert wait_until(lambda: listener.get(worker.id) is not None, 20)
        entry = listener.get(worker.id)
        assert entry.status.host == worker.host and "slowmean" in {s.name for s in entry.status.scripts}
        good = worker.status()
        hostile = [
            b"not json",
            b"[" * 10_000,
            b"{" + b'"a":' * 50 + b"1}",
            b"x" * (300 * 1024),
            json.dumps({"v": 2, "worker": "w", "host": "h", "pid": 1, "ts": 1.0, "started": 1.0}).encode(),
            json.dumps({"v": 1, "worker": "w", "host": "h", "pid": -1, "ts": 1.0, "started": 1.0}).encode(),
            json.dumps(
                {"v": 1, "worker": "w" * 1000, "host": "h", "pid": 1, "ts": 1.0, "started": 1.0}
            ).encode(),
            json.dumps(
                {"v": 1, "worker": "w", "host": "h", "pid": 1, "ts": 1.0, "started": 1.0, "evil": 1}
            ).encode(),
            json.dumps(
                {
                    "v": 1,
                    "worker": "w",
                    "host": "h",
                    "pid": 1,
                    "ts": 1.0,
                    "started": 1.0,
                    "scripts": [{"name": "s"}] * 1000,
                }
            ).encode(),
            "\ud800".encode("utf-8", "surrogatepass"),
        ]
        for body in hostile:
            with pytest.raises(SchemaError):
                decode_status(body)
        conn = pika.BlockingConnection(pika.URLParameters(broker_url))
        channel = conn.channel()
        for body in hostile:
            channel.basic_publish(status_exchange, "w", body)
        conn.close()
        assert wait_until(lambda: listener.refused == len(hostile), 20)
        assert "w" not in {e.status.worker for e in listener.workers()}
        assert listener.get(worker.id).status.worker == good.worker
        before = listener.received
        assert wait_until(lambda: listener.received > before, 10)  # still listening
    finally:
        worker.stop()
        listener.stop()


def test_the_example_script_runs():
    import pandas as pd

    index = pd.to_datetime([1e9, 1e9 + 1], unit="s", utc=True)
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=index)
    result = run_script(ROOT / "docs" / "examples" / "busiest.py", {"h.sampler.cpu": frame}, {"top": 1})
    assert result.status == "ok", result.error
    assert result.outputs["mean"] == [(None, [(["h.sampler.cpu", "a"], 1.5), (["h.sampler.cpu", "b"], 3.5)])]
    assert result.outputs["busiest_share"] == [(None, [(["h.sampler.cpu"], 0.7)])]
