"""Failover across the nodes of a real 3-node RabbitMQ cluster (tests/broker_cluster.py).

An agent's publisher (confirms) and ``suricate record`` on a quorum queue are both given the three
nodes' URLs; the node they are connected to is SIGKILLed mid-stream. Both move to another node, the
quorum queue elects a new leader on the two nodes left, and the recording holds every confirmed
snapshot exactly once (DuckDB over the recording: one snapshot per (run, seq), none missing). A planned stop (``rabbitmqctl stop_app``)
of a node moves a publisher and a consumer the same way.
The rotation between URLs (``reconnect.Brokers``) is checked without a broker first, then a dead
first URL passed over on the machine's broker (quorum queue there too).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pika
import pika.exceptions
import pytest
import waiting
from broker_cluster import Cluster, cluster_fixture  # noqa: F401  (the fixture ``cluster``)

from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import connect, segments
from suricate_desktop.transport.consumer import Consumer
from suricate_desktop.transport.publisher import Publisher
from suricate_desktop.transport.reconnect import Brokers, broker_urls

ROOT = Path(__file__).resolve().parents[1]


# -- the list of nodes, without a broker ---------------------------------------------------------------------------------
def test_broker_urls_split_on_commas_between_urls_only():
    assert broker_urls("amqp://a:1/%2F, amqp://b:2/%2F,amqps://c:3/v") == [
        "amqp://a:1/%2F",
        "amqp://b:2/%2F",
        "amqps://c:3/v",
    ]
    # A comma inside one URL's query stays in it; a list is taken as it is.
    assert broker_urls("amqp://a:1/%2F?x=1,2") == ["amqp://a:1/%2F?x=1,2"]
    assert broker_urls(["amqp://a:1/%2F", "amqp://b:2/%2F"]) == ["amqp://a:1/%2F", "amqp://b:2/%2F"]
    with pytest.raises(ValueError):
        broker_urls(" ")


def test_brokers_try_every_node_at_once_then_pause():
    brokers = Brokers("amqp://a:1/%2F,amqp://b:2/%2F,amqp://c:3/%2F")
    assert brokers.where() == "a:1"
    assert brokers.lost() is True and brokers.where() == "b:2"  # the next node, at once
    assert brokers.lost() is True and brokers.where() == "c:3"
    assert brokers.lost() is False and brokers.where() == "a:1"  # a whole round failed: pause
    assert brokers.lost() is True and brokers.where() == "b:2"  # and a new round
    brokers.connected()
    assert brokers.lost() is True and brokers.where() == "c:3"
    single = Brokers("amqp://a:1/%2F")
    assert single.lost() is False and single.where() == "a:1"


def test_a_quorum_queue_must_be_named():
    with pytest.raises(ValueError, match="must be named"):
        Consumer(lambda batch: None, queue_type="quorum")
    with pytest.raises(ValueError, match="queue_type"):
        Consumer(lambda batch: None, queue="q", queue_type="stream")


def test_broker_display_hides_every_urls_credentials():
    from suricate_desktop.cli.options import broker_display

    assert (
        broker_display("amqp://u:secret@h1:5672/%2F,amqp://u:secret@h2:5673/%2F") == "h1:5672/%2F,h2:5673/%2F"
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_dead_first_url_is_passed_over(broker_url, exchange, queue_name):
    """Publisher and consumer given a node that refuses and then the machine's broker: both get through,
    on a quorum queue (a single node runs them too)."""
    dead = f"amqp://guest:guest@127.0.0.1:{_closed_port()}/%2F"
    got: list[Snapshot] = []
    consumer = Consumer(
        got.extend, [dead, broker_url], exchange, ("#",), queue=queue_name, queue_type="quorum"
    )
    publisher = Publisher(f"{dead},{broker_url}", exchange).start()
    try:
        assert consumer.start().wait_ready(15), consumer.last_error
        assert consumer.params.port == pika.URLParameters(broker_url).port
        publisher([snapshot("r1", seq) for seq in range(1, 101)])
        assert publisher.flush(15) and publisher.params.port == consumer.params.port
        assert waiting.wait_until(lambda: len(got) == 100, 15)
        assert consumer.queue_arguments()["x-queue-type"] == "quorum"
    finally:
        publisher.close(5)
        consumer.stop()
    # The queue is a quorum queue: declaring it classic is refused.
    conn = pika.BlockingConnection(pika.URLParameters(broker_url))
    try:
        with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="x-queue-type"):
            conn.channel().queue_declare(queue_name, durable=True, arguments={"x-max-length": 1_000_000})
    finally:
        conn.close()


# -- against the cluster -------------------------------------------------------------------------------------------------
def snapshot(run: str, seq: int, host: str = "web01") -> Snapshot:
    return Snapshot(
        host, "syscalls", "num", "count", 1000.0 + seq * 0.01, 0.01, True, [[["bash"], seq]], seq, run
    )


def record_process(urls: list[str], exchange: str, folder: Path, queue: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [
        sys.executable,
        "-m",
        "suricate_desktop",
        "record",
        "--broker",
        ",".join(urls),
        "--exchange",
        exchange,
        "--queue",
        queue,
        "--queue-type",
        "quorum",
        "--out",
        str(folder),
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def recorded(folder: Path) -> int:
    if not folder.is_dir() or not segments(folder):
        return 0
    return int(connect(folder).execute("SELECT count(DISTINCT snapshot) FROM recording").fetchone()[0])


def queue_type(cluster: Cluster, queue: str) -> str:
    out = cluster.alive()[0].ctl("list_queues", "-q", "--no-table-headers", "name", "type")
    return dict(line.split("\t") for line in out.splitlines() if "\t" in line).get(queue, "")


@pytest.mark.broker
def test_killing_the_node_of_publisher_and_recorder_loses_and_doubles_nothing(cluster, tmp_path):
    exchange = f"test.cluster.{uuid.uuid4().hex[:8]}"
    queue = f"test.cluster.rec.{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "rec"
    urls = cluster.urls
    victim = cluster.nodes[0]  # first in both lists: where both connect
    recorder = record_process(urls, exchange, folder, queue)
    publisher = Publisher(urls, exchange).start()
    run = uuid.uuid4().hex[:12]
    total = 6000
    sent = threading.Event()
    half = threading.Event()

    def feed() -> None:
        for seq in range(1, total + 1):
            publisher([snapshot(run, seq)])
            if seq == total // 3:
                half.set()
            time.sleep(0.001)
        sent.set()

    try:
        assert waiting.wait_until(lambda: queue_type(cluster, queue) == "quorum", 60), (
            "recorder never declared"
        )
        assert publisher.connections or waiting.wait_until(lambda: publisher.connections, 20)
        # Both clients are on the victim: the recorder's connection and the publisher's.
        assert waiting.wait_until(lambda: cluster.connection_ports().count(victim.port) >= 2, 20)
        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        assert waiting.wait_until(lambda: half.is_set() and recorded(folder) > 0, 60)
        victim.kill()  # SIGKILL the beam: its connections drop, the queue's leader is gone
        assert waiting.wait_until(lambda: publisher.reconnects >= 1, 20)
        assert waiting.wait_until(sent.is_set, 120)
        assert publisher.flush(90), f"not all confirmed: {publisher.stats()}"
        stats = publisher.stats()
        assert stats["confirmed"] >= total and stats["dropped"] == 0 and stats["state"] == "connected"
        # Every client is now on a surviving node.
        ports = cluster.connection_ports()
        assert ports and victim.port not in ports
        assert publisher.params.port != victim.port
        assert waiting.wait_until(lambda: recorded(folder) >= total, 90), f"{recorded(folder)} of {total}"
    finally:
        publisher.close(5)
        recorder.send_signal(signal.SIGTERM)
        try:
            _out, err = recorder.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            _out, err = recorder.communicate()
        cluster.restart(0)
    assert recorder.returncode == 0, err.decode()
    con = connect(folder)
    rows = con.execute(
        "SELECT run, seq, count(DISTINCT snapshot) AS copies FROM recording GROUP BY run, seq"
    ).fetchall()
    copies = {(r, s): n for r, s, n in rows}
    assert set(copies) == {(run, seq) for seq in range(1, total + 1)}, "a confirmed snapshot is missing"
    assert max(copies.values()) == 1, "a snapshot was recorded twice"
    # The recorder said where it went (one line per move).
    assert f"{victim.port}" in err.decode()
    # The queue survived the loss of a node as a quorum queue, and is empty.
    conn = pika.BlockingConnection(pika.URLParameters(cluster.urls[1]))
    try:
        assert conn.channel().queue_declare(queue, passive=True).method.message_count == 0
        conn.channel().queue_delete(queue)
        conn.channel().exchange_delete(exchange)
    finally:
        conn.close()


@pytest.mark.broker
def test_a_node_stopped_by_its_operator_moves_its_clients(cluster):
    """``rabbitmqctl stop_app`` (a planned stop: the broker closes the connections itself) on the node of a
    publisher and a consumer of a quorum queue: both go on on the others; every confirmed snapshot arrives."""
    exchange = f"test.cluster.{uuid.uuid4().hex[:8]}"
    queue = f"test.cluster.q.{uuid.uuid4().hex[:8]}"
    victim = cluster.nodes[1]
    urls = cluster.urls[1:] + cluster.urls[:1]  # node 2 first
    seen: set[int] = set()
    consumer = Consumer(
        lambda batch: seen.update(s.seq for s in batch),
        urls,
        exchange,
        ("#",),
        queue=queue,
        queue_type="quorum",
    )
    publisher = Publisher(urls, exchange).start()
    run = uuid.uuid4().hex[:12]
    total = 3000
    try:
        assert consumer.start().wait_ready(30), consumer.last_error
        assert consumer.params.port == victim.port
        publisher([snapshot(run, seq) for seq in range(1, total // 2 + 1)])
        assert waiting.wait_until(lambda: len(seen) > 0, 30)
        victim.stop_app()
        publisher([snapshot(run, seq) for seq in range(total // 2 + 1, total + 1)])
        assert publisher.flush(60), publisher.stats()
        assert waiting.wait_until(lambda: len(seen) == total, 60), f"{len(seen)} of {total}"
        assert consumer.params.port != victim.port and publisher.params.port != victim.port
        assert consumer.reconnects >= 1 and publisher.reconnects >= 1
        assert seen == set(range(1, total + 1))
    finally:
        publisher.close(5)
        consumer.stop()
        cluster.restart(1)
    conn = pika.BlockingConnection(pika.URLParameters(cluster.urls[0]))
    try:
        conn.channel().queue_delete(queue)
        conn.channel().exchange_delete(exchange)
    finally:
        conn.close()


# -- workers and jobs across a node's loss ---------------------------------------------------------------------------------
SECRET = b"cluster-test-secret-0123456789abcdef"
JOB_SCRIPT = '''"""A job's result: two outputs from its index, after a pause (so jobs are in flight when a node dies)."""
STREAMS = ["none.none.none"]

def process(frames, params):
    import time
    time.sleep(params.get("sleep", 0))
    return {"i": float(params["i"]), "twice": 2.0 * params["i"]}
'''


def worker_process(
    urls: list[str], exchange: str, scripts: Path, secret: Path, job_queue: str, wid: str, err: Path
):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "suricate_desktop",
            "worker",
            "--broker",
            ",".join(urls),
            "--exchange",
            exchange,
            "--scripts",
            str(scripts),
            "--secret-file",
            str(secret),
            "--job-queue",
            job_queue,
            "--status-exchange",
            f"{exchange}.workers",
            "--status-every",
            "0.5",
            "--id",
            wid,
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=err.open("w"),
        text=True,
    )


def queue_leader(cluster: Cluster, queue: str) -> str:
    out = cluster.alive()[0].ctl("list_queues", "-q", "--no-table-headers", "name", "leader", check=False)
    return dict(line.split("\t")[:2] for line in out.splitlines() if "\t" in line).get(queue, "")


def queue_messages(cluster: Cluster, queue: str) -> int:
    """Ready and unacknowledged messages of ``queue`` (-1: not listed)."""
    out = cluster.alive()[0].ctl("list_queues", "-q", "--no-table-headers", "name", "messages")
    found = dict(line.split("\t")[:2] for line in out.splitlines() if "\t" in line).get(queue)
    return int(found) if found and found.isdigit() else -1


@pytest.mark.broker
def test_killing_the_node_of_a_worker_and_the_job_queue_loses_no_job_and_doubles_no_result(cluster, tmp_path):
    """Two ``suricate worker`` processes take signed jobs from a quorum queue whose leader is on node 1,
    as is worker A's every connection (worker B is on node 2). Half the jobs are queued, node 1 is
    SIGKILLed while they run, the other half is submitted through the nodes left. Every job the broker
    confirmed runs and its results arrive, once each after the consumer's (host, source, agg, run, seq)
    dedup (a job redelivered after the loss may run twice: at-least-once), and both workers go on."""
    from suricate_desktop.transport.job_client import QUEUED, submit_job
    from suricate_desktop.transport.jobs import JOB_QUEUE_ARGUMENTS
    from suricate_desktop.transport.worker_status import WorkerListener

    tag = uuid.uuid4().hex[:8]
    exchange, job_queue, results = (
        f"test.cluster.{tag}",
        f"test.cluster.jobs.{tag}",
        f"test.cluster.res.{tag}",
    )
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "jobtest.py").write_text(JOB_SCRIPT)
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    victim = cluster.nodes[0]
    urls = cluster.urls
    others_first = urls[1:] + urls[:1]
    # The job queue's leader on the victim: it is declared there first (the leader is the declaring node).
    conn = pika.BlockingConnection(pika.URLParameters(urls[0]))
    conn.channel().queue_declare(job_queue, durable=True, arguments=JOB_QUEUE_ARGUMENTS)
    conn.close()
    assert queue_leader(cluster, job_queue) == victim.name
    got: list[Snapshot] = []
    lock = threading.Lock()

    def sink(batch: list[Snapshot]) -> None:
        with lock:
            got.extend(batch)

    consumer = Consumer(
        sink, others_first, exchange, ("*.script-jobtest.*",), queue=results, queue_type="quorum"
    )
    listener = WorkerListener(",".join(others_first), exchange=f"{exchange}.workers")
    lines: dict[str, list[dict]] = {"wa": [], "wb": []}
    procs = {
        "wa": worker_process(urls, exchange, scripts, secret, job_queue, "wa", tmp_path / "wa.err"),
        "wb": worker_process(others_first, exchange, scripts, secret, job_queue, "wb", tmp_path / "wb.err"),
    }
    for wid, proc in procs.items():

        def read(proc=proc, sink=lines[wid]) -> None:
            for line in proc.stdout:
                sink.append(json.loads(line))

        threading.Thread(target=read, daemon=True).start()
    confirmed: list[str] = []
    attempted: set[str] = set()
    total = 20

    def submit_until(count: int) -> None:
        """Submit jobs until ``count`` are confirmed (a job the broker did not confirm is not retried: a new one goes)."""
        for _attempt in range(60):
            if len(confirmed) >= count:
                return
            answer = submit_job(
                urls, SECRET, "jobtest", params={"i": len(attempted), "sleep": 0.3}, queue=job_queue, wait=0
            )
            attempted.add(answer.job)
            if answer.status == QUEUED:
                confirmed.append(answer.job)
            else:
                time.sleep(0.2)  # the cluster is electing a leader: try a new job shortly
        raise AssertionError(f"only {len(confirmed)} of {count} jobs confirmed")

    def results_of() -> set[str]:
        with lock:
            return {s.run for s in got}

    try:
        assert consumer.start().wait_ready(30), consumer.last_error
        assert listener.start().wait_ready(30), listener.last_error
        assert waiting.wait_until(lambda: {w.status.worker for w in listener.workers()} >= {"wa", "wb"}, 60)
        assert waiting.wait_until(
            lambda: (
                cluster.alive()[0]
                .ctl("list_queues", "-q", "--no-table-headers", "name", "consumers")
                .count(f"{job_queue}\t2")
            ),
            30,
        ), "the two workers never consumed the job queue"
        submit_until(total // 2)
        # Mid-stream: some results are in, most jobs are queued or running.
        assert waiting.wait_until(lambda: len(results_of() & set(confirmed)) >= 3, 60)
        in_flight = len(set(confirmed) - results_of())
        assert in_flight > 0
        victim.kill()
        killed = time.time()
        submit_until(total)  # through the nodes left
        want = set(confirmed)
        assert waiting.wait_until(lambda: want <= results_of(), 120), (
            f"{len(want - results_of())} confirmed jobs without a result; "
            f"wa: {(tmp_path / 'wa.err').read_text()[-2000:]}\nwb: {(tmp_path / 'wb.err').read_text()[-2000:]}"
        )
        # Both workers carried on: alive, and each one's status arrives after the loss.
        assert all(proc.poll() is None for proc in procs.values())
        assert waiting.wait_until(
            lambda: all((w := listener.get(wid)) is not None and w.status.ts > killed + 1 for wid in procs),
            30,
        )
        # Worker A lost its node and said so (one line); no client is left on the victim.
        assert waiting.wait_until(
            lambda: f":{victim.port}: connection lost" in (tmp_path / "wa.err").read_text(), 10
        )
        assert victim.port not in cluster.connection_ports()
        # Nothing left to run or to hand over (a job is acked once its results are confirmed): any
        # job redelivered by the loss has run again and its copies have reached the consumer.
        assert waiting.wait_until(
            lambda: queue_messages(cluster, job_queue) == 0 and queue_messages(cluster, results) == 0, 60
        )
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {wid: proc.wait(30) for wid, proc in procs.items()}
        consumer.stop()
        listener.stop()
        cluster.restart(0)
    assert codes == {"wa": 0, "wb": 0}, codes
    with lock:
        ids = [(s.host, s.source, s.agg, s.run, s.seq) for s in got]
        by_run: dict[str, dict[str, float]] = {}
        for s in got:
            by_run.setdefault(s.run, {})[s.agg] = s.entries[0][1]
    assert len(ids) == len(set(ids)), "a result was handed over twice"
    assert set(by_run) <= attempted  # nothing but our jobs' results
    for run in want:
        assert set(by_run[run]) == {"i", "twice"} and by_run[run]["twice"] == 2 * by_run[run]["i"]
    runs = [line["run"] for wid in procs for line in lines[wid]]
    assert want <= set(runs) and all(line["status"] == "ok" for wid in procs for line in lines[wid])
    reruns = len(runs) - len(set(runs))
    print(
        f"{len(want)} confirmed jobs ({len(attempted) - len(want)} not confirmed), {in_flight} in flight at the "
        f"kill; runs: wa {len(lines['wa'])}, wb {len(lines['wb'])}, {reruns} re-run after a redelivery; "
        f"duplicate result snapshots dropped by the consumer: {consumer.duplicates}"
    )
    conn = pika.BlockingConnection(pika.URLParameters(cluster.urls[1]))
    try:
        channel = conn.channel()
        assert channel.queue_declare(job_queue, passive=True).method.message_count == 0
        for queue in (job_queue, results):
            channel.queue_delete(queue)
        channel.exchange_delete(exchange)
        channel.exchange_delete(f"{exchange}.workers")
    finally:
        conn.close()


@pytest.mark.broker
def test_shard_members_on_three_nodes_rebalance_as_they_join_and_leave(cluster):
    """The consistent-hash exchange on the cluster: a, b and c each on another node; c joins, takes a
    share from a and b only, leaves, and every stream goes back to where it was (as on one broker)."""
    from test_sharding import check_rebalance

    from suricate_desktop.transport.sharding import ShardGroup

    exchange = f"test.cluster.{uuid.uuid4().hex[:8]}"
    group = f"g{uuid.uuid4().hex[:8]}"
    try:
        check_rebalance(cluster.urls, exchange, group)
    finally:
        conn = pika.BlockingConnection(pika.URLParameters(cluster.urls[1]))
        conn.channel().exchange_delete(ShardGroup(group).exchange(exchange))
        conn.channel().exchange_delete(exchange)
        conn.close()
